"""Type stubs for esent.errors.

The per-code exception classes are created at import time from the table in
esent._error_codes, so type checkers cannot see them in errors.py; this stub
lists them.  tests/test_errors.py checks that it matches the runtime module.
"""

from typing import Any, ClassVar, NoReturn

class EsentError(Exception):
    category: ClassVar[str]
    code: int
    name: str
    description: str
    message: str | None
    def __init__(self, code: int | None = None, message: str | None = None) -> None: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

# ESE's error categories (JET_ERRCAT).
class OperationError(EsentError): ...
class FatalError(OperationError): ...
class JetIOError(OperationError): ...
class ResourceError(OperationError): ...
class JetMemoryError(ResourceError): ...
class QuotaError(ResourceError): ...
class DiskError(ResourceError): ...
class DataError(EsentError): ...
class CorruptionError(DataError): ...
class InconsistentError(DataError): ...
class FragmentationError(DataError): ...
class ApiError(EsentError): ...
class UsageError(ApiError): ...
class StateError(ApiError): ...
class ObsoleteError(ApiError): ...

def from_code(code: int) -> type[EsentError]: ...
def exception_for(code: int, context: str | None = None) -> EsentError: ...
def raise_for_code(code: int, context: str | None = None) -> NoReturn: ...
def error_name(code: int) -> str: ...
def warning_name(code: int) -> str: ...
def describe(code: int) -> str: ...

# One class per ESENT error code, closest to zero first.
# fmt: off

class NyiError(UsageError): ...  # -1 JET_wrnNyi
class RfsFailureError(EsentError): ...  # -100 JET_errRfsFailure
class RfsNotArmedError(EsentError): ...  # -101 JET_errRfsNotArmed
class FileCloseError(EsentError): ...  # -102 JET_errFileClose
class OutOfThreadsError(JetMemoryError): ...  # -103 JET_errOutOfThreads
class TooManyIOError(ResourceError): ...  # -105 JET_errTooManyIO
class TaskDroppedError(ResourceError): ...  # -106 JET_errTaskDropped
class InternalError(OperationError): ...  # -107 JET_errInternalError
class DisabledFunctionalityError(UsageError): ...  # -112 JET_errDisabledFunctionality
class UnloadableOSFunctionalityError(FatalError): ...  # -113 JET_errUnloadableOSFunctionality
class DeviceMissingError(FatalError): ...  # -114 JET_errDeviceMissing
class DeviceMisconfiguredError(FatalError): ...  # -115 JET_errDeviceMisconfigured
class DeviceTimeoutError(OperationError): ...  # -116 JET_errDeviceTimeout
class DeviceFailureError(OperationError): ...  # -118 JET_errDeviceFailure
class DatabaseBufferDependenciesCorruptedError(CorruptionError): ...  # -255 JET_errDatabaseBufferDependenciesCorrupted
class PreviousVersionError(CorruptionError): ...  # -322 JET_errPreviousVersion
class PageBoundaryError(EsentError): ...  # -323 JET_errPageBoundary
class KeyBoundaryError(EsentError): ...  # -324 JET_errKeyBoundary
class BadPageLinkError(CorruptionError): ...  # -327 JET_errBadPageLink
class BadBookmarkError(EsentError): ...  # -328 JET_errBadBookmark
class NTSystemCallFailedError(OperationError): ...  # -334 JET_errNTSystemCallFailed
class BadParentPageLinkError(CorruptionError): ...  # -338 JET_errBadParentPageLink
class SPAvailExtCacheOutOfSyncError(EsentError): ...  # -340 JET_errSPAvailExtCacheOutOfSync
class SPAvailExtCorruptedError(CorruptionError): ...  # -341 JET_errSPAvailExtCorrupted
class SPAvailExtCacheOutOfMemoryError(EsentError): ...  # -342 JET_errSPAvailExtCacheOutOfMemory
class SPOwnExtCorruptedError(CorruptionError): ...  # -343 JET_errSPOwnExtCorrupted
class DbTimeCorruptedError(CorruptionError): ...  # -344 JET_errDbTimeCorrupted
class KeyTruncatedError(StateError): ...  # -346 JET_errKeyTruncated
class DatabaseLeakInSpaceError(StateError): ...  # -348 JET_errDatabaseLeakInSpace
class BadEmptyPageError(CorruptionError): ...  # -351 JET_errBadEmptyPage
class BadLineCountError(CorruptionError): ...  # -354 JET_errBadLineCount
class PageTagCorruptedError(CorruptionError): ...  # -357 JET_errPageTagCorrupted
class NodeCorruptedError(CorruptionError): ...  # -358 JET_errNodeCorrupted
class KeyTooBigError(EsentError): ...  # -408 JET_errKeyTooBig
class CannotSeparateIntrinsicLVError(UsageError): ...  # -416 JET_errCannotSeparateIntrinsicLV
class SeparatedLongValueError(StateError): ...  # -421 JET_errSeparatedLongValue
class MustBeSeparateLongValueError(UsageError): ...  # -423 JET_errMustBeSeparateLongValue
class InvalidPrereadError(UsageError): ...  # -424 JET_errInvalidPreread
class InvalidColumnReferenceError(StateError): ...  # -426 JET_errInvalidColumnReference
class StaleColumnReferenceError(StateError): ...  # -427 JET_errStaleColumnReference
class CompressionIntegrityCheckFailedError(CorruptionError): ...  # -431 JET_errCompressionIntegrityCheckFailed
class InvalidLoggedOperationError(EsentError): ...  # -500 JET_errInvalidLoggedOperation
class LogFileCorruptError(CorruptionError): ...  # -501 JET_errLogFileCorrupt
class NoBackupDirectoryError(UsageError): ...  # -503 JET_errNoBackupDirectory
class BackupDirectoryNotEmptyError(UsageError): ...  # -504 JET_errBackupDirectoryNotEmpty
class BackupInProgressError(StateError): ...  # -505 JET_errBackupInProgress
class RestoreInProgressError(StateError): ...  # -506 JET_errRestoreInProgress
class MissingPreviousLogFileError(CorruptionError): ...  # -509 JET_errMissingPreviousLogFile
class LogWriteFailError(JetIOError): ...  # -510 JET_errLogWriteFail
class LogDisabledDueToRecoveryFailureError(FatalError): ...  # -511 JET_errLogDisabledDueToRecoveryFailure
class CannotLogDuringRecoveryRedoError(StateError): ...  # -512 JET_errCannotLogDuringRecoveryRedo
class LogGenerationMismatchError(InconsistentError): ...  # -513 JET_errLogGenerationMismatch
class BadLogVersionError(InconsistentError): ...  # -514 JET_errBadLogVersion
class InvalidLogSequenceError(CorruptionError): ...  # -515 JET_errInvalidLogSequence
class LoggingDisabledError(UsageError): ...  # -516 JET_errLoggingDisabled
class LogBufferTooSmallError(UsageError): ...  # -517 JET_errLogBufferTooSmall
class LogSequenceEndError(FragmentationError): ...  # -519 JET_errLogSequenceEnd
class NoBackupError(StateError): ...  # -520 JET_errNoBackup
class InvalidBackupSequenceError(UsageError): ...  # -521 JET_errInvalidBackupSequence
class BackupNotAllowedYetError(StateError): ...  # -523 JET_errBackupNotAllowedYet
class DeleteBackupFileFailError(JetIOError): ...  # -524 JET_errDeleteBackupFileFail
class MakeBackupDirectoryFailError(JetIOError): ...  # -525 JET_errMakeBackupDirectoryFail
class InvalidBackupError(UsageError): ...  # -526 JET_errInvalidBackup
class RecoveredWithErrorsError(StateError): ...  # -527 JET_errRecoveredWithErrors
class MissingLogFileError(CorruptionError): ...  # -528 JET_errMissingLogFile
class LogDiskFullError(DiskError): ...  # -529 JET_errLogDiskFull
class BadLogSignatureError(InconsistentError): ...  # -530 JET_errBadLogSignature
class BadDbSignatureError(EsentError): ...  # -531 JET_errBadDbSignature
class BadCheckpointSignatureError(InconsistentError): ...  # -532 JET_errBadCheckpointSignature
class CheckpointCorruptError(CorruptionError): ...  # -533 JET_errCheckpointCorrupt
class MissingPatchPageError(EsentError): ...  # -534 JET_errMissingPatchPage
class BadPatchPageError(InconsistentError): ...  # -535 JET_errBadPatchPage
class RedoAbruptEndedError(CorruptionError): ...  # -536 JET_errRedoAbruptEnded
class BadSLVSignatureError(EsentError): ...  # -537 JET_errBadSLVSignature
class PatchFileMissingError(EsentError): ...  # -538 JET_errPatchFileMissing
class DatabaseLogSetMismatchError(InconsistentError): ...  # -539 JET_errDatabaseLogSetMismatch
class DatabaseStreamingFileMismatchError(EsentError): ...  # -540 JET_errDatabaseStreamingFileMismatch
class LogFileSizeMismatchError(UsageError): ...  # -541 JET_errLogFileSizeMismatch
class CheckpointFileNotFoundError(InconsistentError): ...  # -542 JET_errCheckpointFileNotFound
class RequiredLogFilesMissingError(InconsistentError): ...  # -543 JET_errRequiredLogFilesMissing
class SoftRecoveryOnBackupDatabaseError(UsageError): ...  # -544 JET_errSoftRecoveryOnBackupDatabase
class LogFileSizeMismatchDatabasesConsistentError(StateError): ...  # -545 JET_errLogFileSizeMismatchDatabasesConsistent
class LogSectorSizeMismatchError(FragmentationError): ...  # -546 JET_errLogSectorSizeMismatch
class LogSectorSizeMismatchDatabasesConsistentError(StateError): ...  # -547 JET_errLogSectorSizeMismatchDatabasesConsistent
class LogSequenceEndDatabasesConsistentError(FragmentationError): ...  # -548 JET_errLogSequenceEndDatabasesConsistent
class StreamingDataNotLoggedError(EsentError): ...  # -549 JET_errStreamingDataNotLogged
class DatabaseDirtyShutdownError(InconsistentError): ...  # -550 JET_errDatabaseDirtyShutdown
class ConsistentTimeMismatchError(InconsistentError): ...  # -551 JET_errConsistentTimeMismatch
class DatabasePatchFileMismatchError(EsentError): ...  # -552 JET_errDatabasePatchFileMismatch
class EndingRestoreLogTooLowError(InconsistentError): ...  # -553 JET_errEndingRestoreLogTooLow
class StartingRestoreLogTooHighError(InconsistentError): ...  # -554 JET_errStartingRestoreLogTooHigh
class GivenLogFileHasBadSignatureError(InconsistentError): ...  # -555 JET_errGivenLogFileHasBadSignature
class GivenLogFileIsNotContiguousError(InconsistentError): ...  # -556 JET_errGivenLogFileIsNotContiguous
class MissingRestoreLogFilesError(InconsistentError): ...  # -557 JET_errMissingRestoreLogFiles
class MissingFullBackupError(StateError): ...  # -560 JET_errMissingFullBackup
class BadBackupDatabaseSizeError(EsentError): ...  # -561 JET_errBadBackupDatabaseSize
class DatabaseAlreadyUpgradedError(StateError): ...  # -562 JET_errDatabaseAlreadyUpgraded
class DatabaseIncompleteUpgradeError(StateError): ...  # -563 JET_errDatabaseIncompleteUpgrade
class MissingCurrentLogFilesError(InconsistentError): ...  # -565 JET_errMissingCurrentLogFiles
class DbTimeTooOldError(CorruptionError): ...  # -566 JET_errDbTimeTooOld
class DbTimeTooNewError(CorruptionError): ...  # -567 JET_errDbTimeTooNew
class MissingFileToBackupError(InconsistentError): ...  # -569 JET_errMissingFileToBackup
class LogTornWriteDuringHardRestoreError(CorruptionError): ...  # -570 JET_errLogTornWriteDuringHardRestore
class LogTornWriteDuringHardRecoveryError(CorruptionError): ...  # -571 JET_errLogTornWriteDuringHardRecovery
class LogCorruptDuringHardRestoreError(CorruptionError): ...  # -573 JET_errLogCorruptDuringHardRestore
class LogCorruptDuringHardRecoveryError(CorruptionError): ...  # -574 JET_errLogCorruptDuringHardRecovery
class MustDisableLoggingForDbUpgradeError(EsentError): ...  # -575 JET_errMustDisableLoggingForDbUpgrade
class BadRestoreTargetInstanceError(UsageError): ...  # -577 JET_errBadRestoreTargetInstance
class RecoveredWithoutUndoError(StateError): ...  # -579 JET_errRecoveredWithoutUndo
class DatabasesNotFromSameSnapshotError(EsentError): ...  # -580 JET_errDatabasesNotFromSameSnapshot
class SoftRecoveryOnSnapshotError(EsentError): ...  # -581 JET_errSoftRecoveryOnSnapshot
class CommittedLogFilesMissingError(CorruptionError): ...  # -582 JET_errCommittedLogFilesMissing
class SectorSizeNotSupportedError(FatalError): ...  # -583 JET_errSectorSizeNotSupported
class RecoveredWithoutUndoDatabasesConsistentError(StateError): ...  # -584 JET_errRecoveredWithoutUndoDatabasesConsistent
class CommittedLogFileCorruptError(CorruptionError): ...  # -586 JET_errCommittedLogFileCorrupt
class LogSequenceChecksumMismatchError(CorruptionError): ...  # -590 JET_errLogSequenceChecksumMismatch
class PageInitializedMismatchError(CorruptionError): ...  # -596 JET_errPageInitializedMismatch
class UnicodeTranslationBufferTooSmallError(StateError): ...  # -601 JET_errUnicodeTranslationBufferTooSmall
class UnicodeTranslationFailError(OperationError): ...  # -602 JET_errUnicodeTranslationFail
class UnicodeNormalizationNotSupportedError(UsageError): ...  # -603 JET_errUnicodeNormalizationNotSupported
class UnicodeLanguageValidationFailureError(OperationError): ...  # -604 JET_errUnicodeLanguageValidationFailure
class ExistingLogFileHasBadSignatureError(InconsistentError): ...  # -610 JET_errExistingLogFileHasBadSignature
class ExistingLogFileIsNotContiguousError(InconsistentError): ...  # -611 JET_errExistingLogFileIsNotContiguous
class LogReadVerifyFailureError(CorruptionError): ...  # -612 JET_errLogReadVerifyFailure
class SLVReadVerifyFailureError(EsentError): ...  # -613 JET_errSLVReadVerifyFailure
class CheckpointDepthTooDeepError(QuotaError): ...  # -614 JET_errCheckpointDepthTooDeep
class RestoreOfNonBackupDatabaseError(UsageError): ...  # -615 JET_errRestoreOfNonBackupDatabase
class LogFileNotCopiedError(UsageError): ...  # -616 JET_errLogFileNotCopied
class SurrogateBackupInProgressError(StateError): ...  # -617 JET_errSurrogateBackupInProgress
class TransactionTooLongError(QuotaError): ...  # -618 JET_errTransactionTooLong
class EngineFormatVersionNoLongerSupportedTooLowError(UsageError): ...  # -619 JET_errEngineFormatVersionNoLongerSupportedTooLow
class EngineFormatVersionNotYetImplementedTooHighError(UsageError): ...  # -620 JET_errEngineFormatVersionNotYetImplementedTooHigh
class EngineFormatVersionParamTooLowForRequestedFeatureError(UsageError): ...  # -621 JET_errEngineFormatVersionParamTooLowForRequestedFeature
class EngineFormatVersionSpecifiedTooLowForLogVersionError(StateError): ...  # -622 JET_errEngineFormatVersionSpecifiedTooLowForLogVersion
class EngineFormatVersionSpecifiedTooLowForDatabaseVersionError(StateError): ...  # -623 JET_errEngineFormatVersionSpecifiedTooLowForDatabaseVersion
class LogServiceStoppedError(EsentError): ...  # -624 errLogServiceStopped
class DbTimeBeyondMaxRequiredError(CorruptionError): ...  # -625 JET_errDbTimeBeyondMaxRequired
class LogOperationInconsistentWithDatabaseError(CorruptionError): ...  # -626 JET_errLogOperationInconsistentWithDatabase
class BackupAbortByCallerError(EsentError): ...  # -800 errBackupAbortByCaller
class BackupAbortByServerError(OperationError): ...  # -801 JET_errBackupAbortByServer
class TooManyPatchRequestsError(ResourceError): ...  # -802 errTooManyPatchRequests
class InvalidGrbitError(UsageError): ...  # -900 JET_errInvalidGrbit
class TermInProgressError(OperationError): ...  # -1000 JET_errTermInProgress
class FeatureNotAvailableError(UsageError): ...  # -1001 JET_errFeatureNotAvailable
class InvalidNameError(UsageError): ...  # -1002 JET_errInvalidName
class InvalidParameterError(UsageError): ...  # -1003 JET_errInvalidParameter
class DatabaseFileReadOnlyError(UsageError): ...  # -1008 JET_errDatabaseFileReadOnly
class InvalidDatabaseIdError(UsageError): ...  # -1010 JET_errInvalidDatabaseId
class OutOfMemoryError(JetMemoryError): ...  # -1011 JET_errOutOfMemory
class OutOfDatabaseSpaceError(QuotaError): ...  # -1012 JET_errOutOfDatabaseSpace
class OutOfCursorsError(JetMemoryError): ...  # -1013 JET_errOutOfCursors
class OutOfBuffersError(JetMemoryError): ...  # -1014 JET_errOutOfBuffers
class TooManyIndexesError(UsageError): ...  # -1015 JET_errTooManyIndexes
class TooManyKeysError(UsageError): ...  # -1016 JET_errTooManyKeys
class RecordDeletedError(StateError): ...  # -1017 JET_errRecordDeleted
class ReadVerifyFailureError(CorruptionError): ...  # -1018 JET_errReadVerifyFailure
class PageNotInitializedError(CorruptionError): ...  # -1019 JET_errPageNotInitialized
class OutOfFileHandlesError(JetMemoryError): ...  # -1020 JET_errOutOfFileHandles
class DiskReadVerificationFailureError(CorruptionError): ...  # -1021 JET_errDiskReadVerificationFailure
class DiskIOError(JetIOError): ...  # -1022 JET_errDiskIO
class InvalidPathError(UsageError): ...  # -1023 JET_errInvalidPath
class InvalidSystemPathError(UsageError): ...  # -1024 JET_errInvalidSystemPath
class InvalidLogDirectoryError(UsageError): ...  # -1025 JET_errInvalidLogDirectory
class RecordTooBigError(StateError): ...  # -1026 JET_errRecordTooBig
class TooManyOpenDatabasesError(EsentError): ...  # -1027 JET_errTooManyOpenDatabases
class InvalidDatabaseError(UsageError): ...  # -1028 JET_errInvalidDatabase
class NotInitializedError(UsageError): ...  # -1029 JET_errNotInitialized
class AlreadyInitializedError(UsageError): ...  # -1030 JET_errAlreadyInitialized
class InitInProgressError(OperationError): ...  # -1031 JET_errInitInProgress
class FileAccessDeniedError(JetIOError): ...  # -1032 JET_errFileAccessDenied
class QueryNotSupportedError(UsageError): ...  # -1034 JET_errQueryNotSupported
class SQLLinkNotSupportedError(EsentError): ...  # -1035 JET_errSQLLinkNotSupported
class BufferTooSmallError(StateError): ...  # -1038 JET_errBufferTooSmall
class TooManyColumnsError(UsageError): ...  # -1040 JET_errTooManyColumns
class ContainerNotEmptyError(EsentError): ...  # -1043 JET_errContainerNotEmpty
class InvalidFilenameError(EsentError): ...  # -1044 JET_errInvalidFilename
class InvalidBookmarkError(UsageError): ...  # -1045 JET_errInvalidBookmark
class ColumnInUseError(UsageError): ...  # -1046 JET_errColumnInUse
class InvalidBufferSizeError(StateError): ...  # -1047 JET_errInvalidBufferSize
class ColumnNotUpdatableError(UsageError): ...  # -1048 JET_errColumnNotUpdatable
class IndexInUseError(StateError): ...  # -1051 JET_errIndexInUse
class LinkNotSupportedError(EsentError): ...  # -1052 JET_errLinkNotSupported
class NullKeyDisallowedError(UsageError): ...  # -1053 JET_errNullKeyDisallowed
class NotInTransactionError(UsageError): ...  # -1054 JET_errNotInTransaction
class MustRollbackError(UsageError): ...  # -1057 JET_errMustRollback
class TooManyActiveUsersError(UsageError): ...  # -1059 JET_errTooManyActiveUsers
class InvalidCountryError(EsentError): ...  # -1061 JET_errInvalidCountry
class InvalidLanguageIdError(UsageError): ...  # -1062 JET_errInvalidLanguageId
class InvalidCodePageError(UsageError): ...  # -1063 JET_errInvalidCodePage
class InvalidLCMapStringFlagsError(UsageError): ...  # -1064 JET_errInvalidLCMapStringFlags
class VersionStoreEntryTooBigError(UsageError): ...  # -1065 JET_errVersionStoreEntryTooBig
class VersionStoreOutOfMemoryAndCleanupTimedOutError(UsageError): ...  # -1066 JET_errVersionStoreOutOfMemoryAndCleanupTimedOut
class VersionStoreOutOfMemoryError(QuotaError): ...  # -1069 JET_errVersionStoreOutOfMemory
class CurrencyStackOutOfMemoryError(EsentError): ...  # -1070 JET_errCurrencyStackOutOfMemory
class CannotIndexError(UsageError): ...  # -1071 JET_errCannotIndex
class RecordNotDeletedError(OperationError): ...  # -1072 JET_errRecordNotDeleted
class TooManyMempoolEntriesError(JetMemoryError): ...  # -1073 JET_errTooManyMempoolEntries
class OutOfObjectIDsError(FragmentationError): ...  # -1074 JET_errOutOfObjectIDs
class OutOfLongValueIDsError(FragmentationError): ...  # -1075 JET_errOutOfLongValueIDs
class OutOfAutoincrementValuesError(FragmentationError): ...  # -1076 JET_errOutOfAutoincrementValues
class OutOfDbtimeValuesError(FragmentationError): ...  # -1077 JET_errOutOfDbtimeValues
class OutOfSequentialIndexValuesError(FragmentationError): ...  # -1078 JET_errOutOfSequentialIndexValues
class RunningInOneInstanceModeError(UsageError): ...  # -1080 JET_errRunningInOneInstanceMode
class RunningInMultiInstanceModeError(UsageError): ...  # -1081 JET_errRunningInMultiInstanceMode
class SystemParamsAlreadySetError(StateError): ...  # -1082 JET_errSystemParamsAlreadySet
class SystemPathInUseError(UsageError): ...  # -1083 JET_errSystemPathInUse
class LogFilePathInUseError(UsageError): ...  # -1084 JET_errLogFilePathInUse
class TempPathInUseError(UsageError): ...  # -1085 JET_errTempPathInUse
class InstanceNameInUseError(UsageError): ...  # -1086 JET_errInstanceNameInUse
class SystemParameterConflictError(UsageError): ...  # -1087 JET_errSystemParameterConflict
class InstanceUnavailableError(FatalError): ...  # -1090 JET_errInstanceUnavailable
class DatabaseUnavailableError(EsentError): ...  # -1091 JET_errDatabaseUnavailable
class InstanceUnavailableDueToFatalLogDiskFullError(FatalError): ...  # -1092 JET_errInstanceUnavailableDueToFatalLogDiskFull
class InvalidSesparamIdError(UsageError): ...  # -1093 JET_errInvalidSesparamId
class TooManyRecordsError(StateError): ...  # -1094 JET_errTooManyRecords
class InvalidDbparamIdError(UsageError): ...  # -1095 JET_errInvalidDbparamId
class OutOfSessionsError(JetMemoryError): ...  # -1101 JET_errOutOfSessions
class WriteConflictError(StateError): ...  # -1102 JET_errWriteConflict
class TransTooDeepError(UsageError): ...  # -1103 JET_errTransTooDeep
class InvalidSesidError(UsageError): ...  # -1104 JET_errInvalidSesid
class WriteConflictPrimaryIndexError(StateError): ...  # -1105 JET_errWriteConflictPrimaryIndex
class InTransactionError(UsageError): ...  # -1108 JET_errInTransaction
class RollbackRequiredError(EsentError): ...  # -1109 JET_errRollbackRequired
class TransReadOnlyError(UsageError): ...  # -1110 JET_errTransReadOnly
class SessionWriteConflictError(UsageError): ...  # -1111 JET_errSessionWriteConflict
class RecordTooBigForBackwardCompatibilityError(StateError): ...  # -1112 JET_errRecordTooBigForBackwardCompatibility
class CannotMaterializeForwardOnlySortError(UsageError): ...  # -1113 JET_errCannotMaterializeForwardOnlySort
class SesidTableIdMismatchError(UsageError): ...  # -1114 JET_errSesidTableIdMismatch
class InvalidInstanceError(UsageError): ...  # -1115 JET_errInvalidInstance
class DirtyShutdownError(StateError): ...  # -1116 JET_errDirtyShutdown
class ReadPgnoVerifyFailureError(CorruptionError): ...  # -1118 JET_errReadPgnoVerifyFailure
class ReadLostFlushVerifyFailureError(CorruptionError): ...  # -1119 JET_errReadLostFlushVerifyFailure
class FileSystemCorruptionError(CorruptionError): ...  # -1121 JET_errFileSystemCorruption
class RecoveryVerifyFailureError(CorruptionError): ...  # -1123 JET_errRecoveryVerifyFailure
class FilteredMoveNotSupportedError(UsageError): ...  # -1124 JET_errFilteredMoveNotSupported
class MustCommitDistributedTransactionToLevel0Error(EsentError): ...  # -1150 JET_errMustCommitDistributedTransactionToLevel0
class DistributedTransactionAlreadyPreparedToCommitError(EsentError): ...  # -1151 JET_errDistributedTransactionAlreadyPreparedToCommit
class NotInDistributedTransactionError(EsentError): ...  # -1152 JET_errNotInDistributedTransaction
class DistributedTransactionNotYetPreparedToCommitError(EsentError): ...  # -1153 JET_errDistributedTransactionNotYetPreparedToCommit
class CannotNestDistributedTransactionsError(EsentError): ...  # -1154 JET_errCannotNestDistributedTransactions
class DTCMissingCallbackError(EsentError): ...  # -1160 JET_errDTCMissingCallback
class DTCMissingCallbackOnRecoveryError(EsentError): ...  # -1161 JET_errDTCMissingCallbackOnRecovery
class DTCCallbackUnexpectedError(EsentError): ...  # -1162 JET_errDTCCallbackUnexpectedError
class DatabaseDuplicateError(UsageError): ...  # -1201 JET_errDatabaseDuplicate
class DatabaseInUseError(UsageError): ...  # -1202 JET_errDatabaseInUse
class DatabaseNotFoundError(UsageError): ...  # -1203 JET_errDatabaseNotFound
class DatabaseInvalidNameError(UsageError): ...  # -1204 JET_errDatabaseInvalidName
class DatabaseInvalidPagesError(UsageError): ...  # -1205 JET_errDatabaseInvalidPages
class DatabaseCorruptedError(CorruptionError): ...  # -1206 JET_errDatabaseCorrupted
class DatabaseLockedError(UsageError): ...  # -1207 JET_errDatabaseLocked
class CannotDisableVersioningError(UsageError): ...  # -1208 JET_errCannotDisableVersioning
class InvalidDatabaseVersionError(InconsistentError): ...  # -1209 JET_errInvalidDatabaseVersion
class Database200FormatError(EsentError): ...  # -1210 JET_errDatabase200Format
class Database400FormatError(EsentError): ...  # -1211 JET_errDatabase400Format
class Database500FormatError(EsentError): ...  # -1212 JET_errDatabase500Format
class PageSizeMismatchError(InconsistentError): ...  # -1213 JET_errPageSizeMismatch
class TooManyInstancesError(QuotaError): ...  # -1214 JET_errTooManyInstances
class DatabaseSharingViolationError(UsageError): ...  # -1215 JET_errDatabaseSharingViolation
class AttachedDatabaseMismatchError(InconsistentError): ...  # -1216 JET_errAttachedDatabaseMismatch
class DatabaseInvalidPathError(UsageError): ...  # -1217 JET_errDatabaseInvalidPath
class DatabaseIdInUseError(EsentError): ...  # -1218 JET_errDatabaseIdInUse
class ForceDetachNotAllowedError(UsageError): ...  # -1219 JET_errForceDetachNotAllowed
class CatalogCorruptedError(CorruptionError): ...  # -1220 JET_errCatalogCorrupted
class PartiallyAttachedDBError(UsageError): ...  # -1221 JET_errPartiallyAttachedDB
class DatabaseSignInUseError(UsageError): ...  # -1222 JET_errDatabaseSignInUse
class DatabaseCorruptedNoRepairError(UsageError): ...  # -1224 JET_errDatabaseCorruptedNoRepair
class InvalidCreateDbVersionError(InconsistentError): ...  # -1225 JET_errInvalidCreateDbVersion
class DatabaseIncompleteIncrementalReseedError(InconsistentError): ...  # -1226 JET_errDatabaseIncompleteIncrementalReseed
class DatabaseInvalidIncrementalReseedError(UsageError): ...  # -1227 JET_errDatabaseInvalidIncrementalReseed
class DatabaseFailedIncrementalReseedError(StateError): ...  # -1228 JET_errDatabaseFailedIncrementalReseed
class NoAttachmentsFailedIncrementalReseedError(StateError): ...  # -1229 JET_errNoAttachmentsFailedIncrementalReseed
class DatabaseNotReadyError(UsageError): ...  # -1230 JET_errDatabaseNotReady
class DatabaseAttachedForRecoveryError(UsageError): ...  # -1231 JET_errDatabaseAttachedForRecovery
class TransactionsNotReadyDuringRecoveryError(StateError): ...  # -1232 JET_errTransactionsNotReadyDuringRecovery
class TableLockedError(UsageError): ...  # -1302 JET_errTableLocked
class TableDuplicateError(StateError): ...  # -1303 JET_errTableDuplicate
class TableInUseError(StateError): ...  # -1304 JET_errTableInUse
class ObjectNotFoundError(StateError): ...  # -1305 JET_errObjectNotFound
class DensityInvalidError(UsageError): ...  # -1307 JET_errDensityInvalid
class TableNotEmptyError(UsageError): ...  # -1308 JET_errTableNotEmpty
class InvalidTableIdError(UsageError): ...  # -1310 JET_errInvalidTableId
class TooManyOpenTablesError(QuotaError): ...  # -1311 JET_errTooManyOpenTables
class IllegalOperationError(UsageError): ...  # -1312 JET_errIllegalOperation
class TooManyOpenTablesAndCleanupTimedOutError(UsageError): ...  # -1313 JET_errTooManyOpenTablesAndCleanupTimedOut
class ObjectDuplicateError(EsentError): ...  # -1314 JET_errObjectDuplicate
class InvalidObjectError(EsentError): ...  # -1316 JET_errInvalidObject
class CannotDeleteTempTableError(UsageError): ...  # -1317 JET_errCannotDeleteTempTable
class CannotDeleteSystemTableError(UsageError): ...  # -1318 JET_errCannotDeleteSystemTable
class CannotDeleteTemplateTableError(UsageError): ...  # -1319 JET_errCannotDeleteTemplateTable
class ExclusiveTableLockRequiredError(UsageError): ...  # -1322 JET_errExclusiveTableLockRequired
class FixedDDLError(UsageError): ...  # -1323 JET_errFixedDDL
class FixedInheritedDDLError(UsageError): ...  # -1324 JET_errFixedInheritedDDL
class CannotNestDDLError(UsageError): ...  # -1325 JET_errCannotNestDDL
class DDLNotInheritableError(UsageError): ...  # -1326 JET_errDDLNotInheritable
class InvalidSettingsError(UsageError): ...  # -1328 JET_errInvalidSettings
class ClientRequestToStopJetServiceError(OperationError): ...  # -1329 JET_errClientRequestToStopJetService
class CannotAddFixedVarColumnToDerivedTableError(EsentError): ...  # -1330 JET_errCannotAddFixedVarColumnToDerivedTable
class IndexCantBuildError(EsentError): ...  # -1401 JET_errIndexCantBuild
class IndexHasPrimaryError(UsageError): ...  # -1402 JET_errIndexHasPrimary
class IndexDuplicateError(UsageError): ...  # -1403 JET_errIndexDuplicate
class IndexNotFoundError(StateError): ...  # -1404 JET_errIndexNotFound
class IndexMustStayError(UsageError): ...  # -1405 JET_errIndexMustStay
class IndexInvalidDefError(UsageError): ...  # -1406 JET_errIndexInvalidDef
class InvalidCreateIndexError(UsageError): ...  # -1409 JET_errInvalidCreateIndex
class TooManyOpenIndexesError(JetMemoryError): ...  # -1410 JET_errTooManyOpenIndexes
class MultiValuedIndexViolationError(UsageError): ...  # -1411 JET_errMultiValuedIndexViolation
class IndexBuildCorruptedError(CorruptionError): ...  # -1412 JET_errIndexBuildCorrupted
class PrimaryIndexCorruptedError(CorruptionError): ...  # -1413 JET_errPrimaryIndexCorrupted
class SecondaryIndexCorruptedError(CorruptionError): ...  # -1414 JET_errSecondaryIndexCorrupted
class InvalidIndexIdError(UsageError): ...  # -1416 JET_errInvalidIndexId
class IndexTuplesSecondaryIndexOnlyError(UsageError): ...  # -1430 JET_errIndexTuplesSecondaryIndexOnly
class IndexTuplesTooManyColumnsError(UsageError): ...  # -1431 JET_errIndexTuplesTooManyColumns
class IndexTuplesNonUniqueOnlyError(UsageError): ...  # -1432 JET_errIndexTuplesNonUniqueOnly
class IndexTuplesTextBinaryColumnsOnlyError(UsageError): ...  # -1433 JET_errIndexTuplesTextBinaryColumnsOnly
class IndexTuplesVarSegMacNotAllowedError(UsageError): ...  # -1434 JET_errIndexTuplesVarSegMacNotAllowed
class IndexTuplesInvalidLimitsError(UsageError): ...  # -1435 JET_errIndexTuplesInvalidLimits
class IndexTuplesCannotRetrieveFromIndexError(UsageError): ...  # -1436 JET_errIndexTuplesCannotRetrieveFromIndex
class IndexTuplesKeyTooSmallError(UsageError): ...  # -1437 JET_errIndexTuplesKeyTooSmall
class InvalidLVChunkSizeError(UsageError): ...  # -1438 JET_errInvalidLVChunkSize
class ColumnCannotBeEncryptedError(UsageError): ...  # -1439 JET_errColumnCannotBeEncrypted
class CannotIndexOnEncryptedColumnError(UsageError): ...  # -1440 JET_errCannotIndexOnEncryptedColumn
class ColumnLongError(EsentError): ...  # -1501 JET_errColumnLong
class ColumnNoChunkError(UsageError): ...  # -1502 JET_errColumnNoChunk
class ColumnDoesNotFitError(UsageError): ...  # -1503 JET_errColumnDoesNotFit
class NullInvalidError(UsageError): ...  # -1504 JET_errNullInvalid
class ColumnIndexedError(EsentError): ...  # -1505 JET_errColumnIndexed
class ColumnTooBigError(UsageError): ...  # -1506 JET_errColumnTooBig
class ColumnNotFoundError(UsageError): ...  # -1507 JET_errColumnNotFound
class ColumnDuplicateError(UsageError): ...  # -1508 JET_errColumnDuplicate
class MultiValuedColumnMustBeTaggedError(UsageError): ...  # -1509 JET_errMultiValuedColumnMustBeTagged
class ColumnRedundantError(UsageError): ...  # -1510 JET_errColumnRedundant
class InvalidColumnTypeError(UsageError): ...  # -1511 JET_errInvalidColumnType
class TaggedNotNULLError(EsentError): ...  # -1514 JET_errTaggedNotNULL
class NoCurrentIndexError(UsageError): ...  # -1515 JET_errNoCurrentIndex
class KeyIsMadeError(UsageError): ...  # -1516 JET_errKeyIsMade
class BadColumnIdError(UsageError): ...  # -1517 JET_errBadColumnId
class BadItagSequenceError(StateError): ...  # -1518 JET_errBadItagSequence
class ColumnInRelationshipError(EsentError): ...  # -1519 JET_errColumnInRelationship
class CannotBeTaggedError(UsageError): ...  # -1521 JET_errCannotBeTagged
class DefaultValueTooBigError(UsageError): ...  # -1524 JET_errDefaultValueTooBig
class MultiValuedDuplicateError(StateError): ...  # -1525 JET_errMultiValuedDuplicate
class LVCorruptedError(CorruptionError): ...  # -1526 JET_errLVCorrupted
class MultiValuedDuplicateAfterTruncationError(StateError): ...  # -1528 JET_errMultiValuedDuplicateAfterTruncation
class DerivedColumnCorruptionError(CorruptionError): ...  # -1529 JET_errDerivedColumnCorruption
class InvalidPlaceholderColumnError(UsageError): ...  # -1530 JET_errInvalidPlaceholderColumn
class ColumnCannotBeCompressedError(UsageError): ...  # -1538 JET_errColumnCannotBeCompressed
class ColumnNoEncryptionKeyError(UsageError): ...  # -1540 JET_errColumnNoEncryptionKey
class RecordNotFoundError(StateError): ...  # -1601 JET_errRecordNotFound
class RecordNoCopyError(UsageError): ...  # -1602 JET_errRecordNoCopy
class NoCurrentRecordError(StateError): ...  # -1603 JET_errNoCurrentRecord
class RecordPrimaryChangedError(UsageError): ...  # -1604 JET_errRecordPrimaryChanged
class KeyDuplicateError(StateError): ...  # -1605 JET_errKeyDuplicate
class AlreadyPreparedError(UsageError): ...  # -1607 JET_errAlreadyPrepared
class KeyNotMadeError(UsageError): ...  # -1608 JET_errKeyNotMade
class UpdateNotPreparedError(UsageError): ...  # -1609 JET_errUpdateNotPrepared
class DataHasChangedError(EsentError): ...  # -1611 JET_errDataHasChanged
class LanguageNotSupportedError(EsentError): ...  # -1619 JET_errLanguageNotSupported
class DecompressionFailedError(CorruptionError): ...  # -1620 JET_errDecompressionFailed
class UpdateMustVersionError(UsageError): ...  # -1621 JET_errUpdateMustVersion
class DecryptionFailedError(CorruptionError): ...  # -1622 JET_errDecryptionFailed
class EncryptionBadItagError(UsageError): ...  # -1623 JET_errEncryptionBadItag
class TooManySortsError(JetMemoryError): ...  # -1701 JET_errTooManySorts
class InvalidOnSortError(EsentError): ...  # -1702 JET_errInvalidOnSort
class TempFileOpenError(EsentError): ...  # -1803 JET_errTempFileOpenError
class TooManyAttachedDatabasesError(UsageError): ...  # -1805 JET_errTooManyAttachedDatabases
class DiskFullError(DiskError): ...  # -1808 JET_errDiskFull
class PermissionDeniedError(UsageError): ...  # -1809 JET_errPermissionDenied
class JetFileNotFoundError(StateError): ...  # -1811 JET_errFileNotFound
class FileInvalidTypeError(InconsistentError): ...  # -1812 JET_errFileInvalidType
class FileAlreadyExistsError(InconsistentError): ...  # -1814 JET_errFileAlreadyExists
class AfterInitializationError(UsageError): ...  # -1850 JET_errAfterInitialization
class LogCorruptedError(CorruptionError): ...  # -1852 JET_errLogCorrupted
class InvalidOperationError(UsageError): ...  # -1906 JET_errInvalidOperation
class AccessDeniedError(EsentError): ...  # -1907 JET_errAccessDenied
class TooManySplitsError(EsentError): ...  # -1909 JET_errTooManySplits
class SessionSharingViolationError(UsageError): ...  # -1910 JET_errSessionSharingViolation
class EntryPointNotFoundError(UsageError): ...  # -1911 JET_errEntryPointNotFound
class SessionContextAlreadySetError(UsageError): ...  # -1912 JET_errSessionContextAlreadySet
class SessionContextNotSetByThisThreadError(UsageError): ...  # -1913 JET_errSessionContextNotSetByThisThread
class SessionInUseError(UsageError): ...  # -1914 JET_errSessionInUse
class RecordFormatConversionFailedError(CorruptionError): ...  # -1915 JET_errRecordFormatConversionFailed
class OneDatabasePerSessionError(UsageError): ...  # -1916 JET_errOneDatabasePerSession
class RollbackError(FatalError): ...  # -1917 JET_errRollbackError
class FlushMapVersionUnsupportedError(UsageError): ...  # -1918 JET_errFlushMapVersionUnsupported
class FlushMapDatabaseMismatchError(UsageError): ...  # -1919 JET_errFlushMapDatabaseMismatch
class FlushMapUnrecoverableError(StateError): ...  # -1920 JET_errFlushMapUnrecoverable
class RBSFileCorruptError(CorruptionError): ...  # -1921 JET_errRBSFileCorrupt
class RBSHeaderCorruptError(CorruptionError): ...  # -1922 JET_errRBSHeaderCorrupt
class RBSDbMismatchError(InconsistentError): ...  # -1923 JET_errRBSDbMismatch
class BadRBSVersionError(StateError): ...  # -1925 JET_errBadRBSVersion
class OutOfRBSSpaceError(FragmentationError): ...  # -1926 JET_errOutOfRBSSpace
class RBSInvalidSignError(StateError): ...  # -1927 JET_errRBSInvalidSign
class RBSInvalidRecordError(StateError): ...  # -1928 JET_errRBSInvalidRecord
class RBSRCInvalidRBSError(StateError): ...  # -1929 JET_errRBSRCInvalidRBS
class RBSRCNoRBSFoundError(StateError): ...  # -1930 JET_errRBSRCNoRBSFound
class RBSRCBadDbStateError(StateError): ...  # -1931 JET_errRBSRCBadDbState
class RBSMissingReqLogsError(StateError): ...  # -1932 JET_errRBSMissingReqLogs
class RBSLogDivergenceFailedError(StateError): ...  # -1933 JET_errRBSLogDivergenceFailed
class RBSRCCopyLogsRevertStateError(StateError): ...  # -1934 JET_errRBSRCCopyLogsRevertState
class DatabaseIncompleteRevertError(StateError): ...  # -1935 JET_errDatabaseIncompleteRevert
class RBSRCRevertCancelledError(StateError): ...  # -1936 JET_errRBSRCRevertCancelled
class RBSRCInvalidDbFormatVersionError(StateError): ...  # -1937 JET_errRBSRCInvalidDbFormatVersion
class RBSCannotDetermineDivergenceError(StateError): ...  # -1938 JET_errRBSCannotDetermineDivergence
class RBSDeleteTableTooBigError(StateError): ...  # -1941 JET_errRBSDeleteTableTooBig
class RBSDeleteTableTooSoonError(StateError): ...  # -1942 JET_errRBSDeleteTableTooSoon
class RBSFDPToBeDeletedError(StateError): ...  # -1943 JET_errRBSFDPToBeDeleted
class RBSRevertableDeleteNotPossibleError(StateError): ...  # -1944 JET_errRBSRevertableDeleteNotPossible
class DatabaseAlreadyRunningMaintenanceError(UsageError): ...  # -2004 JET_errDatabaseAlreadyRunningMaintenance
class CallbackFailedError(StateError): ...  # -2101 JET_errCallbackFailed
class CallbackNotResolvedError(UsageError): ...  # -2102 JET_errCallbackNotResolved
class SpaceHintsInvalidError(UsageError): ...  # -2103 JET_errSpaceHintsInvalid
class OSSnapshotInvalidSequenceError(UsageError): ...  # -2401 JET_errOSSnapshotInvalidSequence
class OSSnapshotTimeOutError(OperationError): ...  # -2402 JET_errOSSnapshotTimeOut
class OSSnapshotNotAllowedError(StateError): ...  # -2403 JET_errOSSnapshotNotAllowed
class OSSnapshotInvalidSnapIdError(UsageError): ...  # -2404 JET_errOSSnapshotInvalidSnapId
class OSSnapshotNewLogStoppedError(EsentError): ...  # -2405 errOSSnapshotNewLogStopped
class TooManyTestInjectionsError(UsageError): ...  # -2501 JET_errTooManyTestInjections
class TestInjectionNotSupportedError(StateError): ...  # -2502 JET_errTestInjectionNotSupported
class InvalidLogDataSequenceError(StateError): ...  # -2601 JET_errInvalidLogDataSequence
class LSCallbackNotSpecifiedError(UsageError): ...  # -3000 JET_errLSCallbackNotSpecified
class LSAlreadySetError(UsageError): ...  # -3001 JET_errLSAlreadySet
class LSNotSetError(StateError): ...  # -3002 JET_errLSNotSet
class FileIOSparseError(EsentError): ...  # -4000 JET_errFileIOSparse
class FileIOBeyondEOFError(CorruptionError): ...  # -4001 JET_errFileIOBeyondEOF
class FileIOAbortError(EsentError): ...  # -4002 JET_errFileIOAbort
class FileIORetryError(EsentError): ...  # -4003 JET_errFileIORetry
class FileIOFailError(EsentError): ...  # -4004 JET_errFileIOFail
class FileCompressedError(UsageError): ...  # -4005 JET_errFileCompressed
class ClientSpaceBeginError(UsageError): ...  # -10000 JET_errClientSpaceBegin
class ClientSpaceEndError(UsageError): ...  # -11999 JET_errClientSpaceEnd

# Second names of a code share its class.
DatabaseInconsistentError = DatabaseDirtyShutdownError  # JET_errDatabaseInconsistent
ColumnIllegalNullError = NullInvalidError  # JET_errColumnIllegalNull
IndexTuplesOneColumnOnlyError = IndexTuplesTooManyColumnsError  # JET_errIndexTuplesOneColumnOnly
IndexTuplesTextColumnsOnlyError = IndexTuplesTextBinaryColumnsOnlyError  # JET_errIndexTuplesTextColumnsOnly

__all__ = [
    "EsentError",
    "OperationError",
    "FatalError",
    "JetIOError",
    "ResourceError",
    "JetMemoryError",
    "QuotaError",
    "DiskError",
    "DataError",
    "CorruptionError",
    "InconsistentError",
    "FragmentationError",
    "ApiError",
    "UsageError",
    "StateError",
    "ObsoleteError",
    "from_code",
    "exception_for",
    "raise_for_code",
    "error_name",
    "warning_name",
    "describe",
    "NyiError",
    "RfsFailureError",
    "RfsNotArmedError",
    "FileCloseError",
    "OutOfThreadsError",
    "TooManyIOError",
    "TaskDroppedError",
    "InternalError",
    "DisabledFunctionalityError",
    "UnloadableOSFunctionalityError",
    "DeviceMissingError",
    "DeviceMisconfiguredError",
    "DeviceTimeoutError",
    "DeviceFailureError",
    "DatabaseBufferDependenciesCorruptedError",
    "PreviousVersionError",
    "PageBoundaryError",
    "KeyBoundaryError",
    "BadPageLinkError",
    "BadBookmarkError",
    "NTSystemCallFailedError",
    "BadParentPageLinkError",
    "SPAvailExtCacheOutOfSyncError",
    "SPAvailExtCorruptedError",
    "SPAvailExtCacheOutOfMemoryError",
    "SPOwnExtCorruptedError",
    "DbTimeCorruptedError",
    "KeyTruncatedError",
    "DatabaseLeakInSpaceError",
    "BadEmptyPageError",
    "BadLineCountError",
    "PageTagCorruptedError",
    "NodeCorruptedError",
    "KeyTooBigError",
    "CannotSeparateIntrinsicLVError",
    "SeparatedLongValueError",
    "MustBeSeparateLongValueError",
    "InvalidPrereadError",
    "InvalidColumnReferenceError",
    "StaleColumnReferenceError",
    "CompressionIntegrityCheckFailedError",
    "InvalidLoggedOperationError",
    "LogFileCorruptError",
    "NoBackupDirectoryError",
    "BackupDirectoryNotEmptyError",
    "BackupInProgressError",
    "RestoreInProgressError",
    "MissingPreviousLogFileError",
    "LogWriteFailError",
    "LogDisabledDueToRecoveryFailureError",
    "CannotLogDuringRecoveryRedoError",
    "LogGenerationMismatchError",
    "BadLogVersionError",
    "InvalidLogSequenceError",
    "LoggingDisabledError",
    "LogBufferTooSmallError",
    "LogSequenceEndError",
    "NoBackupError",
    "InvalidBackupSequenceError",
    "BackupNotAllowedYetError",
    "DeleteBackupFileFailError",
    "MakeBackupDirectoryFailError",
    "InvalidBackupError",
    "RecoveredWithErrorsError",
    "MissingLogFileError",
    "LogDiskFullError",
    "BadLogSignatureError",
    "BadDbSignatureError",
    "BadCheckpointSignatureError",
    "CheckpointCorruptError",
    "MissingPatchPageError",
    "BadPatchPageError",
    "RedoAbruptEndedError",
    "BadSLVSignatureError",
    "PatchFileMissingError",
    "DatabaseLogSetMismatchError",
    "DatabaseStreamingFileMismatchError",
    "LogFileSizeMismatchError",
    "CheckpointFileNotFoundError",
    "RequiredLogFilesMissingError",
    "SoftRecoveryOnBackupDatabaseError",
    "LogFileSizeMismatchDatabasesConsistentError",
    "LogSectorSizeMismatchError",
    "LogSectorSizeMismatchDatabasesConsistentError",
    "LogSequenceEndDatabasesConsistentError",
    "StreamingDataNotLoggedError",
    "DatabaseDirtyShutdownError",
    "DatabaseInconsistentError",
    "ConsistentTimeMismatchError",
    "DatabasePatchFileMismatchError",
    "EndingRestoreLogTooLowError",
    "StartingRestoreLogTooHighError",
    "GivenLogFileHasBadSignatureError",
    "GivenLogFileIsNotContiguousError",
    "MissingRestoreLogFilesError",
    "MissingFullBackupError",
    "BadBackupDatabaseSizeError",
    "DatabaseAlreadyUpgradedError",
    "DatabaseIncompleteUpgradeError",
    "MissingCurrentLogFilesError",
    "DbTimeTooOldError",
    "DbTimeTooNewError",
    "MissingFileToBackupError",
    "LogTornWriteDuringHardRestoreError",
    "LogTornWriteDuringHardRecoveryError",
    "LogCorruptDuringHardRestoreError",
    "LogCorruptDuringHardRecoveryError",
    "MustDisableLoggingForDbUpgradeError",
    "BadRestoreTargetInstanceError",
    "RecoveredWithoutUndoError",
    "DatabasesNotFromSameSnapshotError",
    "SoftRecoveryOnSnapshotError",
    "CommittedLogFilesMissingError",
    "SectorSizeNotSupportedError",
    "RecoveredWithoutUndoDatabasesConsistentError",
    "CommittedLogFileCorruptError",
    "LogSequenceChecksumMismatchError",
    "PageInitializedMismatchError",
    "UnicodeTranslationBufferTooSmallError",
    "UnicodeTranslationFailError",
    "UnicodeNormalizationNotSupportedError",
    "UnicodeLanguageValidationFailureError",
    "ExistingLogFileHasBadSignatureError",
    "ExistingLogFileIsNotContiguousError",
    "LogReadVerifyFailureError",
    "SLVReadVerifyFailureError",
    "CheckpointDepthTooDeepError",
    "RestoreOfNonBackupDatabaseError",
    "LogFileNotCopiedError",
    "SurrogateBackupInProgressError",
    "TransactionTooLongError",
    "EngineFormatVersionNoLongerSupportedTooLowError",
    "EngineFormatVersionNotYetImplementedTooHighError",
    "EngineFormatVersionParamTooLowForRequestedFeatureError",
    "EngineFormatVersionSpecifiedTooLowForLogVersionError",
    "EngineFormatVersionSpecifiedTooLowForDatabaseVersionError",
    "LogServiceStoppedError",
    "DbTimeBeyondMaxRequiredError",
    "LogOperationInconsistentWithDatabaseError",
    "BackupAbortByCallerError",
    "BackupAbortByServerError",
    "TooManyPatchRequestsError",
    "InvalidGrbitError",
    "TermInProgressError",
    "FeatureNotAvailableError",
    "InvalidNameError",
    "InvalidParameterError",
    "DatabaseFileReadOnlyError",
    "InvalidDatabaseIdError",
    "OutOfMemoryError",
    "OutOfDatabaseSpaceError",
    "OutOfCursorsError",
    "OutOfBuffersError",
    "TooManyIndexesError",
    "TooManyKeysError",
    "RecordDeletedError",
    "ReadVerifyFailureError",
    "PageNotInitializedError",
    "OutOfFileHandlesError",
    "DiskReadVerificationFailureError",
    "DiskIOError",
    "InvalidPathError",
    "InvalidSystemPathError",
    "InvalidLogDirectoryError",
    "RecordTooBigError",
    "TooManyOpenDatabasesError",
    "InvalidDatabaseError",
    "NotInitializedError",
    "AlreadyInitializedError",
    "InitInProgressError",
    "FileAccessDeniedError",
    "QueryNotSupportedError",
    "SQLLinkNotSupportedError",
    "BufferTooSmallError",
    "TooManyColumnsError",
    "ContainerNotEmptyError",
    "InvalidFilenameError",
    "InvalidBookmarkError",
    "ColumnInUseError",
    "InvalidBufferSizeError",
    "ColumnNotUpdatableError",
    "IndexInUseError",
    "LinkNotSupportedError",
    "NullKeyDisallowedError",
    "NotInTransactionError",
    "MustRollbackError",
    "TooManyActiveUsersError",
    "InvalidCountryError",
    "InvalidLanguageIdError",
    "InvalidCodePageError",
    "InvalidLCMapStringFlagsError",
    "VersionStoreEntryTooBigError",
    "VersionStoreOutOfMemoryAndCleanupTimedOutError",
    "VersionStoreOutOfMemoryError",
    "CurrencyStackOutOfMemoryError",
    "CannotIndexError",
    "RecordNotDeletedError",
    "TooManyMempoolEntriesError",
    "OutOfObjectIDsError",
    "OutOfLongValueIDsError",
    "OutOfAutoincrementValuesError",
    "OutOfDbtimeValuesError",
    "OutOfSequentialIndexValuesError",
    "RunningInOneInstanceModeError",
    "RunningInMultiInstanceModeError",
    "SystemParamsAlreadySetError",
    "SystemPathInUseError",
    "LogFilePathInUseError",
    "TempPathInUseError",
    "InstanceNameInUseError",
    "SystemParameterConflictError",
    "InstanceUnavailableError",
    "DatabaseUnavailableError",
    "InstanceUnavailableDueToFatalLogDiskFullError",
    "InvalidSesparamIdError",
    "TooManyRecordsError",
    "InvalidDbparamIdError",
    "OutOfSessionsError",
    "WriteConflictError",
    "TransTooDeepError",
    "InvalidSesidError",
    "WriteConflictPrimaryIndexError",
    "InTransactionError",
    "RollbackRequiredError",
    "TransReadOnlyError",
    "SessionWriteConflictError",
    "RecordTooBigForBackwardCompatibilityError",
    "CannotMaterializeForwardOnlySortError",
    "SesidTableIdMismatchError",
    "InvalidInstanceError",
    "DirtyShutdownError",
    "ReadPgnoVerifyFailureError",
    "ReadLostFlushVerifyFailureError",
    "FileSystemCorruptionError",
    "RecoveryVerifyFailureError",
    "FilteredMoveNotSupportedError",
    "MustCommitDistributedTransactionToLevel0Error",
    "DistributedTransactionAlreadyPreparedToCommitError",
    "NotInDistributedTransactionError",
    "DistributedTransactionNotYetPreparedToCommitError",
    "CannotNestDistributedTransactionsError",
    "DTCMissingCallbackError",
    "DTCMissingCallbackOnRecoveryError",
    "DTCCallbackUnexpectedError",
    "DatabaseDuplicateError",
    "DatabaseInUseError",
    "DatabaseNotFoundError",
    "DatabaseInvalidNameError",
    "DatabaseInvalidPagesError",
    "DatabaseCorruptedError",
    "DatabaseLockedError",
    "CannotDisableVersioningError",
    "InvalidDatabaseVersionError",
    "Database200FormatError",
    "Database400FormatError",
    "Database500FormatError",
    "PageSizeMismatchError",
    "TooManyInstancesError",
    "DatabaseSharingViolationError",
    "AttachedDatabaseMismatchError",
    "DatabaseInvalidPathError",
    "DatabaseIdInUseError",
    "ForceDetachNotAllowedError",
    "CatalogCorruptedError",
    "PartiallyAttachedDBError",
    "DatabaseSignInUseError",
    "DatabaseCorruptedNoRepairError",
    "InvalidCreateDbVersionError",
    "DatabaseIncompleteIncrementalReseedError",
    "DatabaseInvalidIncrementalReseedError",
    "DatabaseFailedIncrementalReseedError",
    "NoAttachmentsFailedIncrementalReseedError",
    "DatabaseNotReadyError",
    "DatabaseAttachedForRecoveryError",
    "TransactionsNotReadyDuringRecoveryError",
    "TableLockedError",
    "TableDuplicateError",
    "TableInUseError",
    "ObjectNotFoundError",
    "DensityInvalidError",
    "TableNotEmptyError",
    "InvalidTableIdError",
    "TooManyOpenTablesError",
    "IllegalOperationError",
    "TooManyOpenTablesAndCleanupTimedOutError",
    "ObjectDuplicateError",
    "InvalidObjectError",
    "CannotDeleteTempTableError",
    "CannotDeleteSystemTableError",
    "CannotDeleteTemplateTableError",
    "ExclusiveTableLockRequiredError",
    "FixedDDLError",
    "FixedInheritedDDLError",
    "CannotNestDDLError",
    "DDLNotInheritableError",
    "InvalidSettingsError",
    "ClientRequestToStopJetServiceError",
    "CannotAddFixedVarColumnToDerivedTableError",
    "IndexCantBuildError",
    "IndexHasPrimaryError",
    "IndexDuplicateError",
    "IndexNotFoundError",
    "IndexMustStayError",
    "IndexInvalidDefError",
    "InvalidCreateIndexError",
    "TooManyOpenIndexesError",
    "MultiValuedIndexViolationError",
    "IndexBuildCorruptedError",
    "PrimaryIndexCorruptedError",
    "SecondaryIndexCorruptedError",
    "InvalidIndexIdError",
    "IndexTuplesSecondaryIndexOnlyError",
    "IndexTuplesTooManyColumnsError",
    "IndexTuplesOneColumnOnlyError",
    "IndexTuplesNonUniqueOnlyError",
    "IndexTuplesTextBinaryColumnsOnlyError",
    "IndexTuplesTextColumnsOnlyError",
    "IndexTuplesVarSegMacNotAllowedError",
    "IndexTuplesInvalidLimitsError",
    "IndexTuplesCannotRetrieveFromIndexError",
    "IndexTuplesKeyTooSmallError",
    "InvalidLVChunkSizeError",
    "ColumnCannotBeEncryptedError",
    "CannotIndexOnEncryptedColumnError",
    "ColumnLongError",
    "ColumnNoChunkError",
    "ColumnDoesNotFitError",
    "NullInvalidError",
    "ColumnIllegalNullError",
    "ColumnIndexedError",
    "ColumnTooBigError",
    "ColumnNotFoundError",
    "ColumnDuplicateError",
    "MultiValuedColumnMustBeTaggedError",
    "ColumnRedundantError",
    "InvalidColumnTypeError",
    "TaggedNotNULLError",
    "NoCurrentIndexError",
    "KeyIsMadeError",
    "BadColumnIdError",
    "BadItagSequenceError",
    "ColumnInRelationshipError",
    "CannotBeTaggedError",
    "DefaultValueTooBigError",
    "MultiValuedDuplicateError",
    "LVCorruptedError",
    "MultiValuedDuplicateAfterTruncationError",
    "DerivedColumnCorruptionError",
    "InvalidPlaceholderColumnError",
    "ColumnCannotBeCompressedError",
    "ColumnNoEncryptionKeyError",
    "RecordNotFoundError",
    "RecordNoCopyError",
    "NoCurrentRecordError",
    "RecordPrimaryChangedError",
    "KeyDuplicateError",
    "AlreadyPreparedError",
    "KeyNotMadeError",
    "UpdateNotPreparedError",
    "DataHasChangedError",
    "LanguageNotSupportedError",
    "DecompressionFailedError",
    "UpdateMustVersionError",
    "DecryptionFailedError",
    "EncryptionBadItagError",
    "TooManySortsError",
    "InvalidOnSortError",
    "TempFileOpenError",
    "TooManyAttachedDatabasesError",
    "DiskFullError",
    "PermissionDeniedError",
    "JetFileNotFoundError",
    "FileInvalidTypeError",
    "FileAlreadyExistsError",
    "AfterInitializationError",
    "LogCorruptedError",
    "InvalidOperationError",
    "AccessDeniedError",
    "TooManySplitsError",
    "SessionSharingViolationError",
    "EntryPointNotFoundError",
    "SessionContextAlreadySetError",
    "SessionContextNotSetByThisThreadError",
    "SessionInUseError",
    "RecordFormatConversionFailedError",
    "OneDatabasePerSessionError",
    "RollbackError",
    "FlushMapVersionUnsupportedError",
    "FlushMapDatabaseMismatchError",
    "FlushMapUnrecoverableError",
    "RBSFileCorruptError",
    "RBSHeaderCorruptError",
    "RBSDbMismatchError",
    "BadRBSVersionError",
    "OutOfRBSSpaceError",
    "RBSInvalidSignError",
    "RBSInvalidRecordError",
    "RBSRCInvalidRBSError",
    "RBSRCNoRBSFoundError",
    "RBSRCBadDbStateError",
    "RBSMissingReqLogsError",
    "RBSLogDivergenceFailedError",
    "RBSRCCopyLogsRevertStateError",
    "DatabaseIncompleteRevertError",
    "RBSRCRevertCancelledError",
    "RBSRCInvalidDbFormatVersionError",
    "RBSCannotDetermineDivergenceError",
    "RBSDeleteTableTooBigError",
    "RBSDeleteTableTooSoonError",
    "RBSFDPToBeDeletedError",
    "RBSRevertableDeleteNotPossibleError",
    "DatabaseAlreadyRunningMaintenanceError",
    "CallbackFailedError",
    "CallbackNotResolvedError",
    "SpaceHintsInvalidError",
    "OSSnapshotInvalidSequenceError",
    "OSSnapshotTimeOutError",
    "OSSnapshotNotAllowedError",
    "OSSnapshotInvalidSnapIdError",
    "OSSnapshotNewLogStoppedError",
    "TooManyTestInjectionsError",
    "TestInjectionNotSupportedError",
    "InvalidLogDataSequenceError",
    "LSCallbackNotSpecifiedError",
    "LSAlreadySetError",
    "LSNotSetError",
    "FileIOSparseError",
    "FileIOBeyondEOFError",
    "FileIOAbortError",
    "FileIORetryError",
    "FileIOFailError",
    "FileCompressedError",
    "ClientSpaceBeginError",
    "ClientSpaceEndError",
]
