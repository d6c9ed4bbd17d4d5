/*
 * esent_constants.h -- the Jet constants (parameter ids, grbits, column types, ...) the binding
 * uses, each under #ifndef, with the values of the Windows SDK's esent.h.
 *
 * Written once and used twice: libese's esent.h includes it to define them; esent_compat.h
 * includes it after the SDK header on Windows, where it fills only what that header lacks
 * (mingw-w64's esent.h lacks most grbits).  Error codes live in libese/include/esent_errors.h.
 */
#ifndef ESENT_CONSTANTS_H
#define ESENT_CONSTANTS_H

#ifndef JET_paramSystemPath
#define JET_paramSystemPath 0
#endif
#ifndef JET_paramTempPath
#define JET_paramTempPath 1
#endif
#ifndef JET_paramLogFilePath
#define JET_paramLogFilePath 2
#endif
#ifndef JET_paramBaseName
#define JET_paramBaseName 3
#endif
#ifndef JET_paramEventSource
#define JET_paramEventSource 4
#endif
#ifndef JET_paramMaxSessions
#define JET_paramMaxSessions 5
#endif
#ifndef JET_paramMaxOpenTables
#define JET_paramMaxOpenTables 6
#endif
#ifndef JET_paramMaxCursors
#define JET_paramMaxCursors 8
#endif
#ifndef JET_paramMaxVerPages
#define JET_paramMaxVerPages 9
#endif
#ifndef JET_paramMaxTemporaryTables
#define JET_paramMaxTemporaryTables 10
#endif
#ifndef JET_paramLogFileSize
#define JET_paramLogFileSize 11
#endif
#ifndef JET_paramLogBuffers
#define JET_paramLogBuffers 12
#endif
#ifndef JET_paramCommitDefault
#define JET_paramCommitDefault 16
#endif
#ifndef JET_paramCircularLog
#define JET_paramCircularLog 17
#endif
#ifndef JET_paramCacheSizeMax
#define JET_paramCacheSizeMax 23
#endif
#ifndef JET_paramCheckpointDepthMax
#define JET_paramCheckpointDepthMax 24
#endif
#ifndef JET_paramRecovery
#define JET_paramRecovery 34
#endif
#ifndef JET_paramCacheSize
#define JET_paramCacheSize 41
#endif
#ifndef JET_paramDeleteOutOfRangeLogs
#define JET_paramDeleteOutOfRangeLogs 52
#endif
#ifndef JET_paramCacheSizeMin
#define JET_paramCacheSizeMin 60
#endif
#ifndef JET_paramDatabasePageSize
#define JET_paramDatabasePageSize 64
#endif
#ifndef JET_paramErrorToString
#define JET_paramErrorToString 70
#endif
#ifndef JET_paramZeroDatabaseDuringBackup
#define JET_paramZeroDatabaseDuringBackup 71
#endif
#ifndef JET_paramOSSnapshotTimeout
#define JET_paramOSSnapshotTimeout 82
#endif
#ifndef JET_paramCreatePathIfNotExist
#define JET_paramCreatePathIfNotExist 100
#endif
#ifndef JET_paramMaxInstances
#define JET_paramMaxInstances 104
#endif
#ifndef JET_paramLegacyFileNames
#define JET_paramLegacyFileNames 136
#endif
#ifndef JET_paramMaxCoalesceReadSize
#define JET_paramMaxCoalesceReadSize 164
#endif
#ifndef JET_bitTermComplete
#define JET_bitTermComplete 0x00000001
#endif
#ifndef JET_bitTermAbrupt
#define JET_bitTermAbrupt 0x00000002
#endif
#ifndef JET_bitTermStopBackup
#define JET_bitTermStopBackup 0x00000004
#endif
#ifndef JET_bitTermDirty
#define JET_bitTermDirty 0x00000008
#endif
#ifndef JET_bitReplayIgnoreMissingDB
#define JET_bitReplayIgnoreMissingDB 0x00000004
#endif
#ifndef JET_bitRecoveryWithoutUndo
#define JET_bitRecoveryWithoutUndo 0x00000008
#endif
#ifndef JET_bitTruncateLogsAfterRecovery
#define JET_bitTruncateLogsAfterRecovery 0x00000010
#endif
#ifndef JET_bitReplayMissingMapEntryDB
#define JET_bitReplayMissingMapEntryDB 0x00000020
#endif
#ifndef JET_bitLogStreamMustExist
#define JET_bitLogStreamMustExist 0x00000040
#endif
#ifndef JET_bitReplayIgnoreLostLogs
#define JET_bitReplayIgnoreLostLogs 0x00000080
#endif
#ifndef JET_bitKeepDbAttachedAtEndOfRecovery
#define JET_bitKeepDbAttachedAtEndOfRecovery 0x00001000
#endif
#ifndef JET_bitBackupIncremental
#define JET_bitBackupIncremental 0x00000001
#endif
#ifndef JET_bitBackupAtomic
#define JET_bitBackupAtomic 0x00000004
#endif
#ifndef JET_bitBackupSnapshot
#define JET_bitBackupSnapshot 0x00000010
#endif
#ifndef JET_bitBackupEndNormal
#define JET_bitBackupEndNormal 0x00000001
#endif
#ifndef JET_bitBackupEndAbort
#define JET_bitBackupEndAbort 0x00000002
#endif
#ifndef JET_bitBackupTruncateDone
#define JET_bitBackupTruncateDone 0x00000100
#endif
#ifndef JET_bitStopServiceAll
#define JET_bitStopServiceAll 0x00000000
#endif
#ifndef JET_bitStopServiceBackgroundUserTasks
#define JET_bitStopServiceBackgroundUserTasks 0x00000002
#endif
#ifndef JET_bitStopServiceQuiesceCaches
#define JET_bitStopServiceQuiesceCaches 0x00000004
#endif
#ifndef JET_bitStopServiceResume
#define JET_bitStopServiceResume 0x80000000
#endif
#ifndef JET_bitESE98FileNames
#define JET_bitESE98FileNames 0x00000001
#endif
#ifndef JET_bitEightDotThreeSoftCompat
#define JET_bitEightDotThreeSoftCompat 0x00000002
#endif
#ifndef JET_snpRestore
#define JET_snpRestore 8
#endif
#ifndef JET_snpBackup
#define JET_snpBackup 9
#endif
#ifndef JET_sntProgress
#define JET_sntProgress 0
#endif
#ifndef JET_sntFail
#define JET_sntFail 3
#endif
#ifndef JET_sntBegin
#define JET_sntBegin 5
#endif
#ifndef JET_sntComplete
#define JET_sntComplete 6
#endif
#ifndef JET_sntRequirements
#define JET_sntRequirements 7
#endif

/* column types (JET_coltyp) */
#ifndef JET_coltypNil
#define JET_coltypNil 0
#endif
#ifndef JET_coltypBit
#define JET_coltypBit 1
#endif
#ifndef JET_coltypUnsignedByte
#define JET_coltypUnsignedByte 2
#endif
#ifndef JET_coltypShort
#define JET_coltypShort 3
#endif
#ifndef JET_coltypLong
#define JET_coltypLong 4
#endif
#ifndef JET_coltypCurrency
#define JET_coltypCurrency 5
#endif
#ifndef JET_coltypIEEESingle
#define JET_coltypIEEESingle 6
#endif
#ifndef JET_coltypIEEEDouble
#define JET_coltypIEEEDouble 7
#endif
#ifndef JET_coltypDateTime
#define JET_coltypDateTime 8
#endif
#ifndef JET_coltypBinary
#define JET_coltypBinary 9
#endif
#ifndef JET_coltypText
#define JET_coltypText 10
#endif
#ifndef JET_coltypLongBinary
#define JET_coltypLongBinary 11
#endif
#ifndef JET_coltypLongText
#define JET_coltypLongText 12
#endif
#ifndef JET_coltypUnsignedLong
#define JET_coltypUnsignedLong 14
#endif
#ifndef JET_coltypLongLong
#define JET_coltypLongLong 15
#endif
#ifndef JET_coltypGUID
#define JET_coltypGUID 16
#endif
#ifndef JET_coltypUnsignedShort
#define JET_coltypUnsignedShort 17
#endif

/* JetAddColumn / JET_COLUMNDEF grbits */
#ifndef JET_bitColumnFixed
#define JET_bitColumnFixed 0x00000001
#endif
#ifndef JET_bitColumnTagged
#define JET_bitColumnTagged 0x00000002
#endif
#ifndef JET_bitColumnNotNULL
#define JET_bitColumnNotNULL 0x00000004
#endif
#ifndef JET_bitColumnVersion
#define JET_bitColumnVersion 0x00000008
#endif
#ifndef JET_bitColumnAutoincrement
#define JET_bitColumnAutoincrement 0x00000010
#endif
#ifndef JET_bitColumnMultiValued
#define JET_bitColumnMultiValued 0x00000400
#endif
#ifndef JET_bitColumnEscrowUpdate
#define JET_bitColumnEscrowUpdate 0x00000800
#endif

/* JetCreateDatabase / JetAttachDatabase / JetDetachDatabase */
#ifndef JET_bitDbReadOnly
#define JET_bitDbReadOnly 0x00000001
#endif
#ifndef JET_bitDbExclusive
#define JET_bitDbExclusive 0x00000002
#endif
#ifndef JET_bitDbRecoveryOff
#define JET_bitDbRecoveryOff 0x00000008
#endif
#ifndef JET_bitDbShadowingOff
#define JET_bitDbShadowingOff 0x00000080
#endif
#ifndef JET_bitDbOverwriteExisting
#define JET_bitDbOverwriteExisting 0x00000200
#endif
#ifndef JET_bitForceDetach
#define JET_bitForceDetach 0x00000001
#endif

/* transactions */
#ifndef JET_bitTransactionReadOnly
#define JET_bitTransactionReadOnly 0x00000001
#endif
#ifndef JET_bitCommitLazyFlush
#define JET_bitCommitLazyFlush 0x00000001
#endif
#ifndef JET_bitWaitLastLevel0Commit
#define JET_bitWaitLastLevel0Commit 0x00000002
#endif
#ifndef JET_bitWaitAllLevel0Commit
#define JET_bitWaitAllLevel0Commit 0x00000008
#endif
#ifndef JET_bitRollbackAll
#define JET_bitRollbackAll 0x00000001
#endif

/* JetCreateIndex2 */
#ifndef JET_bitIndexUnique
#define JET_bitIndexUnique 0x00000001
#endif
#ifndef JET_bitIndexPrimary
#define JET_bitIndexPrimary 0x00000002
#endif
#ifndef JET_bitIndexDisallowNull
#define JET_bitIndexDisallowNull 0x00000004
#endif
#ifndef JET_bitIndexIgnoreNull
#define JET_bitIndexIgnoreNull 0x00000008
#endif
#ifndef JET_bitIndexIgnoreAnyNull
#define JET_bitIndexIgnoreAnyNull 0x00000020
#endif
#ifndef JET_bitIndexIgnoreFirstNull
#define JET_bitIndexIgnoreFirstNull 0x00000040
#endif

/* JetOpenTable */
#ifndef JET_bitTableDenyWrite
#define JET_bitTableDenyWrite 0x00000001
#endif
#ifndef JET_bitTableDenyRead
#define JET_bitTableDenyRead 0x00000002
#endif
#ifndef JET_bitTableReadOnly
#define JET_bitTableReadOnly 0x00000004
#endif
#ifndef JET_bitTableUpdatable
#define JET_bitTableUpdatable 0x00000008
#endif

/* JetPrepareUpdate */
#ifndef JET_prepInsert
#define JET_prepInsert 0
#endif
#ifndef JET_prepReplace
#define JET_prepReplace 2
#endif
#ifndef JET_prepCancel
#define JET_prepCancel 3
#endif
#ifndef JET_prepReplaceNoLock
#define JET_prepReplaceNoLock 4
#endif
#ifndef JET_prepInsertCopy
#define JET_prepInsertCopy 5
#endif

/* JetMove */
#ifndef JET_MoveFirst
#define JET_MoveFirst (0x80000000)
#endif
#ifndef JET_MovePrevious
#define JET_MovePrevious (-1)
#endif
#ifndef JET_MoveNext
#define JET_MoveNext (+1)
#endif
#ifndef JET_MoveLast
#define JET_MoveLast (0x7fffffff)
#endif
#ifndef JET_bitMoveKeyNE
#define JET_bitMoveKeyNE 0x00000001
#endif

/* JetMakeKey */
#ifndef JET_bitNewKey
#define JET_bitNewKey 0x00000001
#endif
#ifndef JET_bitStrLimit
#define JET_bitStrLimit 0x00000002
#endif
#ifndef JET_bitSubStrLimit
#define JET_bitSubStrLimit 0x00000004
#endif
#ifndef JET_bitNormalizedKey
#define JET_bitNormalizedKey 0x00000008
#endif
#ifndef JET_bitKeyDataZeroLength
#define JET_bitKeyDataZeroLength 0x00000010
#endif
#ifndef JET_bitFullColumnStartLimit
#define JET_bitFullColumnStartLimit 0x00000100
#endif
#ifndef JET_bitFullColumnEndLimit
#define JET_bitFullColumnEndLimit 0x00000200
#endif
#ifndef JET_bitPartialColumnStartLimit
#define JET_bitPartialColumnStartLimit 0x00000400
#endif
#ifndef JET_bitPartialColumnEndLimit
#define JET_bitPartialColumnEndLimit 0x00000800
#endif

/* JetSeek */
#ifndef JET_bitSeekEQ
#define JET_bitSeekEQ 0x00000001
#endif
#ifndef JET_bitSeekLT
#define JET_bitSeekLT 0x00000002
#endif
#ifndef JET_bitSeekLE
#define JET_bitSeekLE 0x00000004
#endif
#ifndef JET_bitSeekGE
#define JET_bitSeekGE 0x00000008
#endif
#ifndef JET_bitSeekGT
#define JET_bitSeekGT 0x00000010
#endif
#ifndef JET_bitSetIndexRange
#define JET_bitSetIndexRange 0x00000020
#endif

/* JetSetColumn */
#ifndef JET_bitSetAppendLV
#define JET_bitSetAppendLV 0x00000001
#endif
#ifndef JET_bitSetOverwriteLV
#define JET_bitSetOverwriteLV 0x00000004
#endif
#ifndef JET_bitSetSizeLV
#define JET_bitSetSizeLV 0x00000008
#endif
#ifndef JET_bitSetZeroLength
#define JET_bitSetZeroLength 0x00000020
#endif
#ifndef JET_bitSetSeparateLV
#define JET_bitSetSeparateLV 0x00000040
#endif
#ifndef JET_bitSetIntrinsicLV
#define JET_bitSetIntrinsicLV 0x00000400
#endif

/* JetRetrieveColumn */
#ifndef JET_bitRetrieveCopy
#define JET_bitRetrieveCopy 0x00000001
#endif
#ifndef JET_bitRetrieveFromIndex
#define JET_bitRetrieveFromIndex 0x00000002
#endif
#ifndef JET_bitRetrieveTag
#define JET_bitRetrieveTag 0x00000008
#endif
#ifndef JET_bitRetrieveNull
#define JET_bitRetrieveNull 0x00000010
#endif
#ifndef JET_bitRetrieveIgnoreDefault
#define JET_bitRetrieveIgnoreDefault 0x00000020
#endif

/* JetGetDatabaseFileInfo levels */
#ifndef JET_DbInfoFilename
#define JET_DbInfoFilename 0
#endif
#ifndef JET_DbInfoFilesize
#define JET_DbInfoFilesize 10
#endif
#ifndef JET_DbInfoMisc
#define JET_DbInfoMisc 14
#endif
#ifndef JET_DbInfoPageSize
#define JET_DbInfoPageSize 17
#endif

/* key size limit */
#ifndef JET_cbKeyMost
#define JET_cbKeyMost 255
#endif

/* JetGetTableColumnInfo / JetGetColumnInfo info levels */
#ifndef JET_ColInfo
#define JET_ColInfo 0
#endif
#ifndef JET_ColInfoByColid
#define JET_ColInfoByColid 6
#endif

/* database states (JET_DBINFOMISC.dbstate) */
#ifndef JET_dbstateJustCreated
#define JET_dbstateJustCreated 1
#endif
#ifndef JET_dbstateDirtyShutdown
#define JET_dbstateDirtyShutdown 2
#endif
#ifndef JET_dbstateCleanShutdown
#define JET_dbstateCleanShutdown 3
#endif

/* code pages of text columns (the SDK writes the numbers; these are ManagedEsent's names) */
#ifndef JET_CP_NONE
#define JET_CP_NONE 0
#endif
#ifndef JET_CP_UNICODE
#define JET_CP_UNICODE 1200
#endif
#ifndef JET_CP_ASCII
#define JET_CP_ASCII 1252
#endif

/* more column types, column grbits, code pages and key limits (records and keys) */
#ifndef JET_coltypSLV
#define JET_coltypSLV 13
#endif
#ifndef JET_coltypUnsignedLongLong
#define JET_coltypUnsignedLongLong 18
#endif
#ifndef JET_bitColumnUpdatable
#define JET_bitColumnUpdatable 0x00000020
#endif
#ifndef JET_bitColumnUnversioned
#define JET_bitColumnUnversioned 0x00001000
#endif
#ifndef JET_bitColumnMaybeNull
#define JET_bitColumnMaybeNull 0x00002000
#endif
#ifndef JET_bitColumnFinalize
#define JET_bitColumnFinalize 0x00004000
#endif
#ifndef JET_bitColumnUserDefinedDefault
#define JET_bitColumnUserDefinedDefault 0x00008000
#endif
#ifndef JET_bitColumnDeleteOnZero
#define JET_bitColumnDeleteOnZero 0x00020000
#endif
#ifndef JET_bitColumnCompressed
#define JET_bitColumnCompressed 0x00080000
#endif
#ifndef JET_cbColumnMost
#define JET_cbColumnMost 255
#endif
#ifndef JET_maskLimitOptions
#define JET_maskLimitOptions 0x00000F00
#endif
#ifndef JET_cbKeyMost_OLD
#define JET_cbKeyMost_OLD 255
#endif
#ifndef JET_cbKeyMostMin
#define JET_cbKeyMostMin 255
#endif
#ifndef JET_ccolKeyMost
#define JET_ccolKeyMost 16
#endif

/* ---- the full data API (issue 5): indexes, cursors, ranges, schema, info levels ---- */

/* JetGetTableColumnInfo / JetGetColumnInfo info levels */
#ifndef JET_ColInfoList
#define JET_ColInfoList 1
#endif
#ifndef JET_ColInfoSysTabCursor
#define JET_ColInfoSysTabCursor 3
#endif
#ifndef JET_ColInfoBase
#define JET_ColInfoBase 4
#endif
#ifndef JET_ColInfoListCompact
#define JET_ColInfoListCompact 5
#endif
#ifndef JET_ColInfoListSortColumnid
#define JET_ColInfoListSortColumnid 7
#endif
/* JetGetTableIndexInfo / JetGetIndexInfo info levels */
#ifndef JET_IdxInfo
#define JET_IdxInfo 0
#endif
#ifndef JET_IdxInfoList
#define JET_IdxInfoList 1
#endif
#ifndef JET_IdxInfoSysTabCursor
#define JET_IdxInfoSysTabCursor 2
#endif
#ifndef JET_IdxInfoOLC
#define JET_IdxInfoOLC 3
#endif
#ifndef JET_IdxInfoResetOLC
#define JET_IdxInfoResetOLC 4
#endif
#ifndef JET_IdxInfoSpaceAlloc
#define JET_IdxInfoSpaceAlloc 5
#endif
#ifndef JET_IdxInfoLangid
#define JET_IdxInfoLangid 6
#endif
#ifndef JET_IdxInfoCount
#define JET_IdxInfoCount 7
#endif
#ifndef JET_IdxInfoVarSegMac
#define JET_IdxInfoVarSegMac 8
#endif
#ifndef JET_IdxInfoIndexId
#define JET_IdxInfoIndexId 9
#endif
#ifndef JET_IdxInfoKeyMost
#define JET_IdxInfoKeyMost 10
#endif
/* JetGetObjectInfo info levels and object types */
#ifndef JET_ObjInfo
#define JET_ObjInfo 0
#endif
#ifndef JET_ObjInfoListNoStats
#define JET_ObjInfoListNoStats 1
#endif
#ifndef JET_ObjInfoList
#define JET_ObjInfoList 2
#endif
#ifndef JET_ObjInfoNoStats
#define JET_ObjInfoNoStats 5
#endif
#ifndef JET_objtypNil
#define JET_objtypNil 0
#endif
#ifndef JET_objtypTable
#define JET_objtypTable 1
#endif
#ifndef JET_bitObjectSystem
#define JET_bitObjectSystem 0x80000000
#endif
#ifndef JET_bitObjectTableFixedDDL
#define JET_bitObjectTableFixedDDL 0x40000000
#endif
/* JetGetTableInfo info levels */
#ifndef JET_TblInfo
#define JET_TblInfo 0
#endif
#ifndef JET_TblInfoName
#define JET_TblInfoName 1
#endif
#ifndef JET_TblInfoDbid
#define JET_TblInfoDbid 2
#endif
/* more index grbits */
#ifndef JET_bitIndexEmpty
#define JET_bitIndexEmpty 0x00000100
#endif
#ifndef JET_bitIndexSortNullsHigh
#define JET_bitIndexSortNullsHigh 0x00000400
#endif
#ifndef JET_bitIndexUnicode
#define JET_bitIndexUnicode 0x00000800
#endif
#ifndef JET_bitIndexTuples
#define JET_bitIndexTuples 0x00001000
#endif
#ifndef JET_bitIndexTupleLimits
#define JET_bitIndexTupleLimits 0x00002000
#endif
#ifndef JET_bitIndexCrossProduct
#define JET_bitIndexCrossProduct 0x00004000
#endif
#ifndef JET_bitIndexKeyMost
#define JET_bitIndexKeyMost 0x00008000
#endif
#ifndef JET_bitIndexDisallowTruncation
#define JET_bitIndexDisallowTruncation 0x00010000
#endif
#ifndef JET_bitIndexNestedTable
#define JET_bitIndexNestedTable 0x00020000
#endif
#ifndef JET_bitIndexDotNetGuid
#define JET_bitIndexDotNetGuid 0x00040000
#endif
/* JetSetCurrentIndex2/3/4 */
#ifndef JET_bitMoveFirst
#define JET_bitMoveFirst 0x00000000
#endif
#ifndef JET_bitNoMove
#define JET_bitNoMove 0x00000002
#endif
/* JetSeek */
#ifndef JET_bitCheckUniqueness
#define JET_bitCheckUniqueness 0x00000040
#endif
/* JetSetIndexRange */
#ifndef JET_bitRangeInclusive
#define JET_bitRangeInclusive 0x00000001
#endif
#ifndef JET_bitRangeUpperLimit
#define JET_bitRangeUpperLimit 0x00000002
#endif
#ifndef JET_bitRangeInstantDuration
#define JET_bitRangeInstantDuration 0x00000004
#endif
#ifndef JET_bitRangeRemove
#define JET_bitRangeRemove 0x00000008
#endif
/* JetGetLock / JetGotoBookmark neighbours are not needed; JetRetrieveKey */
#ifndef JET_bitRetrieveFromPrimaryBookmark
#define JET_bitRetrieveFromPrimaryBookmark 0x00000040
#endif
#ifndef JET_bitRetrieveLongId
#define JET_bitRetrieveLongId 0x00000080
#endif
#ifndef JET_bitRetrieveLongValueRefCount
#define JET_bitRetrieveLongValueRefCount 0x00000100
#endif
/* JetEscrowUpdate */
#ifndef JET_bitEscrowNoRollback
#define JET_bitEscrowNoRollback 0x00000001
#endif
/* JetDeleteColumn2 */
#ifndef JET_bitDeleteColumnIgnoreTemplateColumns
#define JET_bitDeleteColumnIgnoreTemplateColumns 0x00000001
#endif
/* JetMove */

#endif /* ESENT_CONSTANTS_H */
