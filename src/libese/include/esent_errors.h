/*
 * esent_errors.h -- ESENT error and warning codes for libese.
 *
 * Part of libese's esent.h contract: src/libese/include/esent.h includes this
 * file, so code built against libese sees the same JET_err* and JET_wrn* names
 * with the same values as code built against the Windows SDK's esent.h.  Error
 * codes are negative, warnings positive and JET_errSuccess is 0; as in the
 * Windows header they do not depend on JET_VERSION.  Negative values are
 * parenthesized, as src/esent_compat.h writes them.
 *
 * The values come from the table in esent/_error_codes.py (gathered from the
 * ESE engine source, see that file); tests/test_errors.py checks that this
 * header and the table define exactly the same names and values.  The short
 * comments are our own summaries.
 *
 * The first part holds every code the public Windows esent.h defines.  Codes
 * the engine can return but the public header lacks come last and are only
 * visible with LIBESE_NONPUBLIC_ERRORS defined (libese's own sources), so that
 * code compiled against this header cannot pick up a name that does not exist
 * on Windows.
 */
#ifndef LIBESE_ESENT_ERRORS_H
#define LIBESE_ESENT_ERRORS_H

#define JET_errSuccess 0                                                 /* the call succeeded */

#define JET_wrnNyi (-1)                                                  /* the function is not implemented yet */
#define JET_errRfsFailure (-100)                                         /* the resource-failure simulator (a test aid) injected a failure */
#define JET_errRfsNotArmed (-101)                                        /* the resource-failure simulator was not initialised */
#define JET_errFileClose (-102)                                          /* a file could not be closed */
#define JET_errOutOfThreads (-103)                                       /* a thread could not be started */
#define JET_errTooManyIO (-105)                                          /* the system is busy with too many outstanding I/Os */
#define JET_errTaskDropped (-106)                                        /* an asynchronous task that was asked for could not be run */
#define JET_errInternalError (-107)                                      /* the engine hit a fatal internal error */
#define JET_errDisabledFunctionality (-112)                              /* this feature is not built into this reduced engine */
#define JET_errUnloadableOSFunctionality (-113)                          /* operating-system functionality the engine needs could not be loaded */
#define JET_errDatabaseBufferDependenciesCorrupted (-255)                /* buffer dependencies are set wrongly (a recovery failure) */
#define JET_wrnRemainingVersions 321                                     /* the version store still holds entries */
#define JET_errPreviousVersion (-322)                                    /* the version already existed (a recovery failure) */
#define JET_errPageBoundary (-323)                                       /* navigation reached a page boundary */
#define JET_errKeyBoundary (-324)                                        /* navigation reached a key boundary */
#define JET_errBadPageLink (-327)                                        /* the database is corrupt: a page link is wrong */
#define JET_errBadBookmark (-328)                                        /* the bookmark matches no address in the database */
#define JET_errNTSystemCallFailed (-334)                                 /* a call into the operating system failed */
#define JET_errBadParentPageLink (-338)                                  /* the database is corrupt: a parent page link is wrong */
#define JET_errSPAvailExtCacheOutOfSync (-340)                           /* the cached available-extent list disagrees with its B-tree */
#define JET_errSPAvailExtCorrupted (-341)                                /* the available-extent space tree is corrupt */
#define JET_errSPAvailExtCacheOutOfMemory (-342)                         /* no memory for an available-extent cache node */
#define JET_errSPOwnExtCorrupted (-343)                                  /* the owned-extent space tree is corrupt */
#define JET_errDbTimeCorrupted (-344)                                    /* a page's dbtime is ahead of the database's dbtime */
#define JET_wrnUniqueKey 345                                             /* a seek on a non-unique index found exactly one key */
#define JET_errKeyTruncated (-346)                                       /* a key was truncated on an index that forbids truncation */
#define JET_errDatabaseLeakInSpace (-348)                                /* some pages are unreachable; only offline defragmentation gets them back */
#define JET_errBadEmptyPage (-351)                                       /* the database is corrupt: a page is unexpectedly empty */
#define wrnBTNotVisibleRejected 352                                      /* the entry is hidden because a move filter rejected it */
#define wrnBTNotVisibleAccumulated 353                                   /* the entry is hidden because a move filter is accumulating it */
#define JET_errBadLineCount (-354)                                       /* a page has fewer lines than the operation expects */
#define JET_errPageTagCorrupted (-357)                                   /* a tag (line) on a page is logically corrupt */
#define JET_errNodeCorrupted (-358)                                      /* a node or prefix node is logically corrupt */
#define JET_wrnSeparateLongValue 406                                     /* the column holds a separated long value */
#define JET_errKeyTooBig (-408)                                          /* the key is too large */
#define JET_errCannotSeparateIntrinsicLV (-416)                          /* this long value must stay inside the record */
#define JET_errSeparatedLongValue (-421)                                 /* the operation is not supported on a separated long value */
#define JET_errMustBeSeparateLongValue (-423)                            /* only long-value columns that may be stored separately can be preread */
#define JET_errInvalidPreread (-424)                                     /* long values cannot be preread while a secondary index is current */
#define JET_errInvalidLoggedOperation (-500)                             /* a logged operation cannot be redone */
#define JET_errLogFileCorrupt (-501)                                     /* a log file is corrupt */
#define JET_errNoBackupDirectory (-503)                                  /* no backup directory was given */
#define JET_errBackupDirectoryNotEmpty (-504)                            /* the backup directory is not empty */
#define JET_errBackupInProgress (-505)                                   /* a backup is already running */
#define JET_errRestoreInProgress (-506)                                  /* a restore is running */
#define JET_errMissingPreviousLogFile (-509)                             /* the log file the checkpoint needs is missing */
#define JET_errLogWriteFail (-510)                                       /* writing to the log failed */
#define JET_errLogDisabledDueToRecoveryFailure (-511)                    /* logging was attempted after recovery had failed */
#define JET_errCannotLogDuringRecoveryRedo (-512)                        /* logging was attempted during the redo phase of recovery */
#define JET_errLogGenerationMismatch (-513)                              /* a log file's name does not match the generation recorded inside it */
#define JET_errBadLogVersion (-514)                                      /* the log file version does not suit this engine */
#define JET_errInvalidLogSequence (-515)                                 /* the next log's timestamp is not the one expected */
#define JET_errLoggingDisabled (-516)                                    /* logging is not active */
#define JET_errLogBufferTooSmall (-517)                                  /* a log record is too large for the log buffer or for one log file */
#define JET_errLogSequenceEnd (-519)                                     /* the highest log generation number has been used up */
#define JET_errNoBackup (-520)                                           /* no backup is running */
#define JET_errInvalidBackupSequence (-521)                              /* a backup call came out of order */
#define JET_errBackupNotAllowedYet (-523)                                /* a backup cannot be taken right now */
#define JET_errDeleteBackupFileFail (-524)                               /* a backup file could not be deleted */
#define JET_errMakeBackupDirectoryFail (-525)                            /* the temporary backup directory could not be created */
#define JET_errInvalidBackup (-526)                                      /* incremental backup is impossible while circular logging is on */
#define JET_errRecoveredWithErrors (-527)                                /* the restore finished but with errors */
#define JET_errMissingLogFile (-528)                                     /* the current log file is missing */
#define JET_errLogDiskFull (-529)                                        /* the log disk is full */
#define JET_errBadLogSignature (-530)                                    /* a log file carries the wrong signature */
#define JET_errBadDbSignature (-531)                                     /* a database file carries the wrong signature */
#define JET_errBadCheckpointSignature (-532)                             /* the checkpoint file carries the wrong signature */
#define JET_errCheckpointCorrupt (-533)                                  /* the checkpoint file is missing or corrupt */
#define JET_errMissingPatchPage (-534)                                   /* a patch-file page was not found during recovery */
#define JET_errBadPatchPage (-535)                                       /* a patch-file page is not valid */
#define JET_errRedoAbruptEnded (-536)                                    /* redo stopped early because reading the logs failed */
#define JET_errPatchFileMissing (-538)                                   /* the backup set lacks its patch file */
#define JET_errDatabaseLogSetMismatch (-539)                             /* the database does not belong to the current set of log files */
#define JET_errDatabaseStreamingFileMismatch (-540)                      /* the database and its streaming file do not belong together */
#define JET_errLogFileSizeMismatch (-541)                                /* the log file size differs from JET_paramLogFileSize */
#define JET_errCheckpointFileNotFound (-542)                             /* the checkpoint file cannot be found */
#define JET_errRequiredLogFilesMissing (-543)                            /* log files that recovery needs are missing */
#define JET_errSoftRecoveryOnBackupDatabase (-544)                       /* soft recovery was run on a backed-up database; restore it instead */
#define JET_errLogFileSizeMismatchDatabasesConsistent (-545)             /* databases were recovered, but the log file size differs from JET_paramLogFileSize */
#define JET_errLogSectorSizeMismatch (-546)                              /* the log's sector size differs from the volume's */
#define JET_errLogSectorSizeMismatchDatabasesConsistent (-547)           /* databases were recovered, but the log's sector size differs from the volume's */
#define JET_errLogSequenceEndDatabasesConsistent (-548)                  /* databases were recovered, but every log generation number is used up */
#define JET_errStreamingDataNotLogged (-549)                             /* replay of streaming-file data that was never logged was attempted */
#define JET_errDatabaseDirtyShutdown (-550)                              /* the database was not shut down cleanly; run recovery first */
#define JET_errDatabaseInconsistent JET_errDatabaseDirtyShutdown         /* older name of JET_errDatabaseDirtyShutdown */
#define JET_errConsistentTimeMismatch (-551)                             /* the database's last-consistent time does not match */
#define JET_errDatabasePatchFileMismatch (-552)                          /* the patch file was not made from this backup */
#define JET_errEndingRestoreLogTooLow (-553)                             /* the restore's log range ends too low */
#define JET_errStartingRestoreLogTooHigh (-554)                          /* the restore's log range starts too high */
#define JET_errGivenLogFileHasBadSignature (-555)                        /* a log file given for restore carries the wrong signature */
#define JET_errGivenLogFileIsNotContiguous (-556)                        /* the log files given for restore have a gap */
#define JET_errMissingRestoreLogFiles (-557)                             /* some log files needed for restore are missing */
#define JET_wrnExistingLogFileHasBadSignature 558                        /* an existing log file carries the wrong signature */
#define JET_wrnExistingLogFileIsNotContiguous 559                        /* the existing log files have a gap */
#define JET_errMissingFullBackup (-560)                                  /* an incremental backup needs an earlier full backup */
#define JET_errBadBackupDatabaseSize (-561)                              /* the backed-up database size is not a multiple of 4 KiB */
#define JET_errDatabaseAlreadyUpgraded (-562)                            /* the database is already in the current format */
#define JET_errDatabaseIncompleteUpgrade (-563)                          /* the database was only partly converted; restore it from backup */
#define JET_wrnSkipThisRecord 564                                        /* internal signal to skip this record */
#define JET_errMissingCurrentLogFiles (-565)                             /* current log files are missing for a continuous restore */
#define JET_errDbTimeTooOld (-566)                                       /* a page's dbtime is older than the log record's before-image dbtime */
#define JET_errDbTimeTooNew (-567)                                       /* a page's dbtime lies between the log record's before and after dbtimes */
#define JET_errMissingFileToBackup (-569)                                /* a log or patch file disappeared during the backup */
#define JET_errLogTornWriteDuringHardRestore (-570)                      /* a torn write was found in a backup set's logs during restore */
#define JET_errLogTornWriteDuringHardRecovery (-571)                     /* a torn write was found in the logs during hard recovery */
#define JET_errLogCorruptDuringHardRestore (-573)                        /* corruption was found in a backup set's logs during restore */
#define JET_errLogCorruptDuringHardRecovery (-574)                       /* corruption was found in the logs during hard recovery */
#define JET_errMustDisableLoggingForDbUpgrade (-575)                     /* logging must be off while the database is upgraded */
#define JET_errBadRestoreTargetInstance (-577)                           /* the restore's target instance is unknown or its logs do not match */
#define JET_wrnTargetInstanceRunning 578                                 /* the restore's target instance is running */
#define JET_errRecoveredWithoutUndo (-579)                               /* recovery replayed every operation but skipped the undo phase */
#define JET_errDatabasesNotFromSameSnapshot (-580)                       /* the databases to restore come from different shadow-copy backups */
#define JET_errSoftRecoveryOnSnapshot (-581)                             /* soft recovery was run on a database from a shadow-copy backup */
#define JET_errCommittedLogFilesMissing (-582)                           /* logs holding transactions committed to this database are missing */
#define JET_errSectorSizeNotSupported (-583)                             /* the disk reports a sector size the engine does not support for this file */
#define JET_errRecoveredWithoutUndoDatabasesConsistent (-584)            /* recovery was asked to skip undo, and undo turned out not to be needed */
#define JET_wrnCommittedLogFilesLost 585                                 /* committed logs were not recovered; the database is consistent but lost those commits */
#define JET_errCommittedLogFileCorrupt (-586)                            /* logs holding committed transactions were found corrupt during recovery */
#define JET_wrnCommittedLogFilesRemoved 587                              /* corrupt committed logs were dropped; the database is consistent but lost those commits */
#define JET_wrnFinishWithUndo 588                                        /* a client signal that initialisation finished with the undo phase */
#define JET_errLogSequenceChecksumMismatch (-590)                        /* the previous log's running segment checksum does not match the next log */
#define JET_wrnDatabaseRepaired 595                                      /* database corruption was repaired */
#define JET_errPageInitializedMismatch (-596)                            /* copies diverge: a page is blank on the remote copy but in use locally */
#define JET_errUnicodeTranslationBufferTooSmall (-601)                   /* the Unicode translation buffer is too small */
#define JET_errUnicodeTranslationFail (-602)                             /* Unicode normalisation failed */
#define JET_errUnicodeNormalizationNotSupported (-603)                   /* the OS cannot normalise Unicode and no normalisation callback was set */
#define JET_errUnicodeLanguageValidationFailure (-604)                   /* the language could not be validated */
#define JET_errExistingLogFileHasBadSignature (-610)                     /* an existing log file carries the wrong signature */
#define JET_errExistingLogFileIsNotContiguous (-611)                     /* the existing log files have a gap */
#define JET_errLogReadVerifyFailure (-612)                               /* a log file failed its checksum while being read for backup */
#define JET_errCheckpointDepthTooDeep (-614)                             /* too many log generations lie between the checkpoint and the current log */
#define JET_errRestoreOfNonBackupDatabase (-615)                         /* hard recovery was run on a database that is not a backup */
#define JET_errLogFileNotCopied (-616)                                   /* logs were to be truncated before every required log was copied */
#define JET_errTransactionTooLong (-618)                                 /* too many log generations have passed since the transaction began */
#define JET_errEngineFormatVersionNoLongerSupportedTooLow (-619)         /* the requested engine format version is too old to be supported */
#define JET_errEngineFormatVersionNotYetImplementedTooHigh (-620)        /* the requested engine format version is newer than this engine knows */
#define JET_errEngineFormatVersionParamTooLowForRequestedFeature (-621)  /* a feature needs a higher JET_paramEngineFormatVersion than the one set */
#define JET_errEngineFormatVersionSpecifiedTooLowForLogVersion (-622)    /* the engine format version is lower than the log stream already uses */
#define JET_errEngineFormatVersionSpecifiedTooLowForDatabaseVersion (-623) /* the engine format version is lower than the database file already uses */
#define JET_errDbTimeBeyondMaxRequired (-625)                            /* a page's dbtime is at or past the log record's after dbtime, outside the required range */
#define JET_errLogOperationInconsistentWithDatabase (-626)               /* a logged operation does not fit the state of the database */
#define JET_errBackupAbortByServer (-801)                                /* the backup was stopped by JetStopBackup(Instance) or by JetTerm with JET_bitTermStopBackup */
#define JET_errInvalidGrbit (-900)                                       /* the flags (grbit) argument is not valid */
#define JET_errTermInProgress (-1000)                                    /* the instance is shutting down */
#define JET_errFeatureNotAvailable (-1001)                               /* this API is not supported */
#define JET_errInvalidName (-1002)                                       /* the name is not valid */
#define JET_errInvalidParameter (-1003)                                  /* an API argument is not valid */
#define JET_wrnColumnNull 1004                                           /* the column value is NULL */
#define JET_wrnBufferTruncated 1006                                      /* the buffer was too small and the data was cut short */
#define JET_wrnDatabaseAttached 1007                                     /* the database is attached already */
#define JET_errDatabaseFileReadOnly (-1008)                              /* a read-only database file was attached for writing */
#define JET_wrnSortOverflow 1009                                         /* the sort did not fit in memory */
#define JET_errInvalidDatabaseId (-1010)                                 /* the database id is not valid */
#define JET_errOutOfMemory (-1011)                                       /* the engine ran out of memory */
#define JET_errOutOfDatabaseSpace (-1012)                                /* the database has reached its maximum size */
#define JET_errOutOfCursors (-1013)                                      /* no table cursors are left */
#define JET_errOutOfBuffers (-1014)                                      /* no database page buffers are left */
#define JET_errTooManyIndexes (-1015)                                    /* the table has too many indexes */
#define JET_errTooManyKeys (-1016)                                       /* the index has too many columns */
#define JET_errRecordDeleted (-1017)                                     /* the record has been deleted */
#define JET_errReadVerifyFailure (-1018)                                 /* a database page failed its checksum */
#define JET_errPageNotInitialized (-1019)                                /* a database page is blank */
#define JET_errOutOfFileHandles (-1020)                                  /* no file handles are left */
#define JET_errDiskReadVerificationFailure (-1021)                       /* the OS reported a CRC error (ERROR_CRC) on file I/O */
#define JET_errDiskIO (-1022)                                            /* a disk I/O operation failed */
#define JET_errInvalidPath (-1023)                                       /* the file path is not valid */
#define JET_errInvalidSystemPath (-1024)                                 /* the system path is not valid */
#define JET_errInvalidLogDirectory (-1025)                               /* the log directory is not valid */
#define JET_errRecordTooBig (-1026)                                      /* the record is larger than the maximum size */
#define JET_errTooManyOpenDatabases (-1027)                              /* too many databases are open */
#define JET_errInvalidDatabase (-1028)                                   /* the file is not a database */
#define JET_errNotInitialized (-1029)                                    /* the engine (instance) has not been initialised */
#define JET_errAlreadyInitialized (-1030)                                /* the engine (instance) is initialised already */
#define JET_errInitInProgress (-1031)                                    /* the engine (instance) is still initialising */
#define JET_errFileAccessDenied (-1032)                                  /* the file cannot be accessed: it is locked or in use */
#define JET_errBufferTooSmall (-1038)                                    /* the buffer is too small */
#define JET_wrnSeekNotEqual 1039                                         /* the seek found no exact match */
#define JET_wrnRecordFoundGreater JET_wrnSeekNotEqual                    /* older name of JET_wrnSeekNotEqual */
#define JET_wrnRecordFoundLess JET_wrnSeekNotEqual                       /* older name of JET_wrnSeekNotEqual */
#define JET_errTooManyColumns (-1040)                                    /* too many columns are defined */
#define JET_errContainerNotEmpty (-1043)                                 /* the container is not empty */
#define JET_errInvalidFilename (-1044)                                   /* the file name is not valid */
#define JET_errInvalidBookmark (-1045)                                   /* the bookmark is not valid */
#define JET_errColumnInUse (-1046)                                       /* the column is used by an index */
#define JET_errInvalidBufferSize (-1047)                                 /* the data buffer does not match the column size */
#define JET_errColumnNotUpdatable (-1048)                                /* the column value cannot be set */
#define JET_errIndexInUse (-1051)                                        /* the index is in use */
#define JET_errLinkNotSupported (-1052)                                  /* link support is not available */
#define JET_errNullKeyDisallowed (-1053)                                 /* the index does not allow NULL keys */
#define JET_errNotInTransaction (-1054)                                  /* the operation must run inside a transaction */
#define JET_wrnNoErrorInfo 1055                                          /* no extended error information is available */
#define JET_errMustRollback (-1057)                                      /* the transaction must roll back because an unversioned update failed */
#define JET_wrnNoIdleActivity 1058                                       /* no idle work was done */
#define JET_errTooManyActiveUsers (-1059)                                /* too many database users are active */
#define JET_errInvalidCountry (-1061)                                    /* the country/region code is not valid or not known */
#define JET_errInvalidLanguageId (-1062)                                 /* the language id is not valid or not known */
#define JET_errInvalidCodePage (-1063)                                   /* the code page is not valid or not known */
#define JET_errInvalidLCMapStringFlags (-1064)                           /* the LCMapString flags are not valid */
#define JET_errVersionStoreEntryTooBig (-1065)                           /* a version-store entry would be larger than a version bucket */
#define JET_errVersionStoreOutOfMemoryAndCleanupTimedOut (-1066)         /* the version store is full and cleaning it up did not finish in time */
#define JET_wrnNoWriteLock 1067                                          /* no write lock is held at transaction level 0 */
#define JET_wrnColumnSetNull 1068                                        /* the column was set to NULL */
#define JET_errVersionStoreOutOfMemory (-1069)                           /* the version store is full even after cleanup */
#define JET_errCannotIndex (-1071)                                       /* an escrow column cannot be indexed */
#define JET_errRecordNotDeleted (-1072)                                  /* the record has not been deleted */
#define JET_errTooManyMempoolEntries (-1073)                             /* too many mempool entries were asked for */
#define JET_errOutOfObjectIDs (-1074)                                    /* B-tree object ids are used up; offline defragmentation frees unused ones */
#define JET_errOutOfLongValueIDs (-1075)                                 /* long-value ids are used up; offline defragmentation frees unused ones */
#define JET_errOutOfAutoincrementValues (-1076)                          /* the auto-increment counter is at its maximum (defragmentation does not help) */
#define JET_errOutOfDbtimeValues (-1077)                                 /* the dbtime counter is at its maximum; offline defragmentation frees unused values */
#define JET_errOutOfSequentialIndexValues (-1078)                        /* the sequential index counter is at its maximum; offline defragmentation frees unused values */
#define JET_errRunningInOneInstanceMode (-1080)                          /* a multi-instance call was made in single-instance mode */
#define JET_errRunningInMultiInstanceMode (-1081)                        /* a single-instance call was made in multi-instance mode */
#define JET_errSystemParamsAlreadySet (-1082)                            /* process-wide system parameters are set already */
#define JET_errSystemPathInUse (-1083)                                   /* another instance already uses this system path */
#define JET_errLogFilePathInUse (-1084)                                  /* another instance already uses this log file path */
#define JET_errTempPathInUse (-1085)                                     /* another instance already uses this temporary path */
#define JET_errInstanceNameInUse (-1086)                                 /* the instance name is taken */
#define JET_errSystemParameterConflict (-1087)                           /* process-wide parameters are set already, to values that conflict with these */
#define JET_errInstanceUnavailable (-1090)                               /* the instance is unusable after a fatal error */
#define JET_errDatabaseUnavailable (-1091)                               /* the database is unusable after a fatal error */
#define JET_errInstanceUnavailableDueToFatalLogDiskFull (-1092)          /* the instance is unusable: the log disk filled during an operation that could not fail (such as rollback) */
#define JET_errInvalidSesparamId (-1093)                                 /* the JET_sesparam identifier is not known */
#define JET_errTooManyRecords (-1094)                                    /* too many records to count; use an API with 64-bit counts */
#define JET_errInvalidDbparamId (-1095)                                  /* the JET_dbparam identifier is not known */
#define JET_errOutOfSessions (-1101)                                     /* no sessions are left */
#define JET_errWriteConflict (-1102)                                     /* a write lock could not be taken because another is outstanding */
#define JET_errTransTooDeep (-1103)                                      /* transactions are nested too deeply */
#define JET_errInvalidSesid (-1104)                                      /* the session handle is not valid */
#define JET_errWriteConflictPrimaryIndex (-1105)                         /* an update touched an uncommitted primary index */
#define JET_errInTransaction (-1108)                                     /* the operation is not allowed inside a transaction */
#define JET_errRollbackRequired (-1109)                                  /* the current transaction must roll back before anything else */
#define JET_errTransReadOnly (-1110)                                     /* a read-only transaction tried to change the database */
#define JET_errSessionWriteConflict (-1111)                              /* two cursors of one session replaced the same record */
#define JET_errRecordTooBigForBackwardCompatibility (-1112)              /* the record would be too big in an older database format */
#define JET_errCannotMaterializeForwardOnlySort (-1113)                  /* the temporary table's options conflict with JET_bitTTForwardOnly */
#define JET_errSesidTableIdMismatch (-1114)                              /* this session cannot use this table id */
#define JET_errInvalidInstance (-1115)                                   /* the instance handle is not valid */
#define JET_errDirtyShutdown (-1116)                                     /* the instance stopped but, as JET_bitTermDirty asked, left its databases dirty */
#define JET_errReadPgnoVerifyFailure (-1118)                             /* a page read from disk carries the wrong page number */
#define JET_errReadLostFlushVerifyFailure (-1119)                        /* a page read from disk lacks an earlier write (lost flush) */
#define JET_errFileSystemCorruption (-1121)                              /* a file-system operation reported that the file system is corrupt */
#define JET_wrnShrinkNotPossible 1122                                    /* the database file could not be shrunk (too little free space or unmovable data) */
#define JET_errRecoveryVerifyFailure (-1123)                             /* pages read during recovery are not in the state recovery expects */
#define JET_errFilteredMoveNotSupported (-1124)                          /* a cursor filter (JetSetCursorFilter) is not supported here */
#define JET_errDatabaseDuplicate (-1201)                                 /* the database exists already */
#define JET_errDatabaseInUse (-1202)                                     /* the database is in use */
#define JET_errDatabaseNotFound (-1203)                                  /* there is no such database */
#define JET_errDatabaseInvalidName (-1204)                               /* the database name is not valid */
#define JET_errDatabaseInvalidPages (-1205)                              /* the number of pages is not valid */
#define JET_errDatabaseCorrupted (-1206)                                 /* the file is not a database or the database is corrupt */
#define JET_errDatabaseLocked (-1207)                                    /* the database is locked exclusively */
#define JET_errCannotDisableVersioning (-1208)                           /* versioning cannot be turned off for this database */
#define JET_errInvalidDatabaseVersion (-1209)                            /* the database version does not suit this engine */
#define JET_errDatabase200Format (-1210)                                 /* the database is in the old 200 format */
#define JET_errDatabase400Format (-1211)                                 /* the database is in the old 400 format */
#define JET_errDatabase500Format (-1212)                                 /* the database is in the old 500 format */
#define JET_errPageSizeMismatch (-1213)                                  /* the database page size differs from the engine's */
#define JET_errTooManyInstances (-1214)                                  /* no more instances can be started */
#define JET_errDatabaseSharingViolation (-1215)                          /* another instance is using this database */
#define JET_errAttachedDatabaseMismatch (-1216)                          /* at the start or end of recovery an attached database is missing or does not match its attach information */
#define JET_errDatabaseInvalidPath (-1217)                               /* the database file path is not allowed */
#define JET_errDatabaseIdInUse (-1218)                                   /* the database id is assigned already */
#define JET_errForceDetachNotAllowed (-1219)                             /* a forced detach is only allowed after a normal detach failed */
#define JET_errCatalogCorrupted (-1220)                                  /* the catalog is corrupt */
#define JET_errPartiallyAttachedDB (-1221)                               /* the database is only partly attached */
#define JET_errDatabaseSignInUse (-1222)                                 /* a database with the same signature is in use */
#define JET_errDatabaseCorruptedNoRepair (-1224)                         /* the database is corrupt and repair is not allowed */
#define JET_errInvalidCreateDbVersion (-1225)                            /* recovery met a database creation made by an incompatible engine version */
#define JET_errDatabaseNotReady (-1230)                                  /* recovery has not got far enough to allow access to this database */
#define JET_errDatabaseAttachedForRecovery (-1231)                       /* the database is attached for recovery only; attach it explicitly before opening it */
#define JET_errTransactionsNotReadyDuringRecovery (-1232)                /* recovery cannot yet date a new transaction (no begin/commit records seen) */
#define JET_wrnTableEmpty 1301                                           /* the opened table is empty */
#define JET_errTableLocked (-1302)                                       /* the table is locked exclusively */
#define JET_errTableDuplicate (-1303)                                    /* the table exists already */
#define JET_errTableInUse (-1304)                                        /* the table is in use and cannot be locked */
#define JET_errObjectNotFound (-1305)                                    /* there is no such table or object */
#define JET_errDensityInvalid (-1307)                                    /* the file or index density is not valid */
#define JET_errTableNotEmpty (-1308)                                     /* the table is not empty */
#define JET_errInvalidTableId (-1310)                                    /* the table id is not valid */
#define JET_errTooManyOpenTables (-1311)                                 /* no more tables can be opened, even after cleanup */
#define JET_errIllegalOperation (-1312)                                  /* the table does not support this operation */
#define JET_errTooManyOpenTablesAndCleanupTimedOut (-1313)               /* no more tables can be opened and cleanup did not finish in time */
#define JET_errObjectDuplicate (-1314)                                   /* the table or object name is taken */
#define JET_errInvalidObject (-1316)                                     /* the object is not valid for this operation */
#define JET_errCannotDeleteTempTable (-1317)                             /* a temporary table is deleted by closing it, not with DeleteTable */
#define JET_errCannotDeleteSystemTable (-1318)                           /* system tables cannot be deleted */
#define JET_errCannotDeleteTemplateTable (-1319)                         /* template tables cannot be deleted */
#define JET_errExclusiveTableLockRequired (-1322)                        /* an exclusive lock on the table is required */
#define JET_errFixedDDL (-1323)                                          /* schema changes are not allowed on this table */
#define JET_errFixedInheritedDDL (-1324)                                 /* schema changes are not allowed on the inherited part of a derived table */
#define JET_errCannotNestDDL (-1325)                                     /* nested hierarchical schema changes are not supported */
#define JET_errDDLNotInheritable (-1326)                                 /* schema was inherited from a table that is not a template */
#define JET_wrnTableInUseBySystem 1327                                   /* system cleanup holds a cursor on the table */
#define JET_errInvalidSettings (-1328)                                   /* system parameters were set incorrectly */
#define JET_errClientRequestToStopJetService (-1329)                     /* the client asked to stop the service (JetStopService) */
#define JET_errCannotAddFixedVarColumnToDerivedTable (-1330)             /* the template table forbids fixed or variable columns in derived tables */
#define JET_errIndexCantBuild (-1401)                                    /* the index could not be built */
#define JET_errIndexHasPrimary (-1402)                                   /* a primary index is defined already */
#define JET_errIndexDuplicate (-1403)                                    /* the index is defined already */
#define JET_errIndexNotFound (-1404)                                     /* there is no such index */
#define JET_errIndexMustStay (-1405)                                     /* the clustered index cannot be deleted */
#define JET_errIndexInvalidDef (-1406)                                   /* the index definition is not allowed */
#define JET_errInvalidCreateIndex (-1409)                                /* the index creation description is not valid */
#define JET_errTooManyOpenIndexes (-1410)                                /* no index description blocks are left */
#define JET_errMultiValuedIndexViolation (-1411)                         /* a multi-valued index produced keys that clash across records */
#define JET_errIndexBuildCorrupted (-1412)                               /* a secondary index was built that does not match the primary index */
#define JET_errPrimaryIndexCorrupted (-1413)                             /* the primary index is corrupt; defragment the database or delete the table */
#define JET_errSecondaryIndexCorrupted (-1414)                           /* a secondary index is corrupt (for Unicode text often a sort-order change); delete it or defragment */
#define JET_wrnCorruptIndexDeleted 1415                                  /* an out-of-date index was removed */
#define JET_errInvalidIndexId (-1416)                                    /* the index id is not allowed */
#define JET_wrnPrimaryIndexOutOfDate 1417                                /* the primary index was built with an incompatible OS sort version; the table is not safe to modify */
#define JET_wrnSecondaryIndexOutOfDate 1418                              /* secondary indexes were built with an incompatible OS sort version; delete those over Unicode text */
#define JET_errIndexTuplesSecondaryIndexOnly (-1430)                     /* a tuple index can only be a secondary index */
#define JET_errIndexTuplesTooManyColumns (-1431)                         /* a tuple index has too many columns */
#define JET_errIndexTuplesOneColumnOnly JET_errIndexTuplesTooManyColumns /* older name of JET_errIndexTuplesTooManyColumns */
#define JET_errIndexTuplesNonUniqueOnly (-1432)                          /* a tuple index must not be unique */
#define JET_errIndexTuplesTextBinaryColumnsOnly (-1433)                  /* a tuple index must be over text or binary columns */
#define JET_errIndexTuplesTextColumnsOnly JET_errIndexTuplesTextBinaryColumnsOnly /* older name of JET_errIndexTuplesTextBinaryColumnsOnly */
#define JET_errIndexTuplesVarSegMacNotAllowed (-1434)                    /* a tuple index does not allow cbVarSegMac */
#define JET_errIndexTuplesInvalidLimits (-1435)                          /* the tuple length or character limits are not valid */
#define JET_errIndexTuplesCannotRetrieveFromIndex (-1436)                /* values cannot be retrieved from a tuple index */
#define JET_errIndexTuplesKeyTooSmall (-1437)                            /* the key is shorter than the minimum tuple length */
#define JET_errInvalidLVChunkSize (-1438)                                /* the long-value chunk size is not supported */
#define JET_errColumnCannotBeEncrypted (-1439)                           /* only long text or long binary columns without a default can be encrypted */
#define JET_errCannotIndexOnEncryptedColumn (-1440)                      /* an encrypted column cannot be indexed */
#define JET_errColumnLong (-1501)                                        /* the column value is long */
#define JET_errColumnNoChunk (-1502)                                     /* the long value has no such chunk */
#define JET_errColumnDoesNotFit (-1503)                                  /* the field does not fit in the record */
#define JET_errNullInvalid (-1504)                                       /* NULL is not allowed here */
#define JET_errColumnIllegalNull JET_errNullInvalid                      /* older name of JET_errNullInvalid */
#define JET_errColumnIndexed (-1505)                                     /* the column is indexed and cannot be deleted */
#define JET_errColumnTooBig (-1506)                                      /* the field is longer than the maximum */
#define JET_errColumnNotFound (-1507)                                    /* there is no such column */
#define JET_errColumnDuplicate (-1508)                                   /* the field is defined already */
#define JET_errMultiValuedColumnMustBeTagged (-1509)                     /* a multi-valued column must be tagged */
#define JET_errColumnRedundant (-1510)                                   /* a second autoincrement or version column was defined */
#define JET_errInvalidColumnType (-1511)                                 /* the column type is not valid */
#define JET_wrnColumnMaxTruncated 1512                                   /* the maximum length was too big and has been reduced */
#define JET_errTaggedNotNULL (-1514)                                     /* there are no non-NULL tagged columns */
#define JET_errNoCurrentIndex (-1515)                                    /* the operation needs a current index */
#define JET_errKeyIsMade (-1516)                                         /* the key is complete already */
#define JET_errBadColumnId (-1517)                                       /* the column id is wrong */
#define JET_errBadItagSequence (-1518)                                   /* the itagSequence is wrong for this tagged column */
#define JET_errColumnInRelationship (-1519)                              /* the column takes part in a relationship and cannot be deleted */
#define JET_wrnCopyLongValue 1520                                        /* a single-instance column was split into separate copies */
#define JET_errCannotBeTagged (-1521)                                    /* autoincrement and version columns cannot be tagged */
#define JET_errDefaultValueTooBig (-1524)                                /* the default value is larger than allowed */
#define JET_errMultiValuedDuplicate (-1525)                              /* a unique multi-valued column got a duplicate value */
#define JET_errLVCorrupted (-1526)                                       /* the long-value tree is corrupt */
#define JET_errMultiValuedDuplicateAfterTruncation (-1528)               /* a unique multi-valued column got a duplicate once normalisation truncated the data */
#define JET_errDerivedColumnCorruption (-1529)                           /* a derived table has an invalid column */
#define JET_errInvalidPlaceholderColumn (-1530)                          /* the column does not qualify as a primary-index placeholder */
#define JET_wrnColumnSkipped 1531                                        /* a value was not returned because its column id or itagSequence was null */
#define JET_wrnColumnNotLocal 1532                                       /* a value was not returned because it cannot be rebuilt from the data at hand */
#define JET_wrnColumnMoreTags 1533                                       /* more values exist than were asked for */
#define JET_wrnColumnTruncated 1534                                      /* a value was cut at the requested size limit */
#define JET_wrnColumnPresent 1535                                        /* values exist but were not returned, as requested */
#define JET_wrnColumnSingleValue 1536                                    /* a value came back in compressed JET_COLUMNENUM form (JET_bitEnumerateCompressOutput) */
#define JET_wrnColumnDefault 1537                                        /* a value was not returned because it is the default and defaults were to be ignored */
#define JET_errColumnCannotBeCompressed (-1538)                          /* only long text or long binary columns can be compressed */
#define JET_wrnColumnNotInRecord 1539                                    /* a value was not returned because it cannot be rebuilt from the record */
#define JET_errColumnNoEncryptionKey (-1540)                             /* an encrypted column needs an encryption key */
#define JET_wrnColumnReference 1541                                      /* a value came back as a reference because it cannot be rebuilt from the record */
#define JET_errRecordNotFound (-1601)                                    /* no record has this key */
#define JET_errRecordNoCopy (-1602)                                      /* there is no working copy buffer */
#define JET_errNoCurrentRecord (-1603)                                   /* the cursor is not on a record */
#define JET_errRecordPrimaryChanged (-1604)                              /* the primary key must not change */
#define JET_errKeyDuplicate (-1605)                                      /* the key would be a forbidden duplicate */
#define JET_errAlreadyPrepared (-1607)                                   /* an update of the record is already in progress */
#define JET_errKeyNotMade (-1608)                                        /* no key has been made with JetMakeKey */
#define JET_errUpdateNotPrepared (-1609)                                 /* no update was prepared with JetPrepareUpdate */
#define JET_wrnDataHasChanged 1610                                       /* the data has changed */
#define JET_errDataHasChanged (-1611)                                    /* the data has changed, so the operation was abandoned */
#define JET_wrnKeyChanged 1618                                           /* the cursor moved to a new key */
#define JET_errLanguageNotSupported (-1619)                              /* this Windows installation does not support the language */
#define JET_errDecompressionFailed (-1620)                               /* data could not be decompressed */
#define JET_errUpdateMustVersion (-1621)                                 /* unversioned updates are only allowed on uncommitted tables */
#define JET_errDecryptionFailed (-1622)                                  /* data could not be decrypted */
#define JET_errEncryptionBadItag (-1623)                                 /* tagged column values past the first (itag above 1) cannot be encrypted */
#define JET_errTooManySorts (-1701)                                      /* too many sorts are running */
#define JET_errInvalidOnSort (-1702)                                     /* the operation is not valid on a sort */
#define JET_errTempFileOpenError (-1803)                                 /* the temporary file could not be opened */
#define JET_errTooManyAttachedDatabases (-1805)                          /* too many databases are attached */
#define JET_errDiskFull (-1808)                                          /* the disk is full */
#define JET_errPermissionDenied (-1809)                                  /* permission was denied */
#define JET_errFileNotFound (-1811)                                      /* the file was not found */
#define JET_errFileInvalidType (-1812)                                   /* the file is of the wrong type */
#define JET_wrnFileOpenReadOnly 1813                                     /* the database file was opened read-only */
#define JET_errFileAlreadyExists (-1814)                                 /* the file exists already */
#define JET_errAfterInitialization (-1850)                               /* restore is not possible after initialisation */
#define JET_errLogCorrupted (-1852)                                      /* the logs cannot be interpreted */
#define JET_errInvalidOperation (-1906)                                  /* the operation is not valid */
#define JET_errAccessDenied (-1907)                                      /* access was denied */
#define JET_wrnIdleFull 1908                                             /* the idle registry is full */
#define JET_errTooManySplits (-1909)                                     /* page splitting did not terminate */
#define JET_errSessionSharingViolation (-1910)                           /* several threads are using the same session */
#define JET_errEntryPointNotFound (-1911)                                /* an entry point the engine needs is missing from a DLL */
#define JET_errSessionContextAlreadySet (-1912)                          /* the session has a context set already */
#define JET_errSessionContextNotSetByThisThread (-1913)                  /* the session context can only be reset by the thread that set it */
#define JET_errSessionInUse (-1914)                                      /* the session is in use and cannot be ended */
#define JET_errRecordFormatConversionFailed (-1915)                      /* converting a record to the current format failed */
#define JET_errOneDatabasePerSession (-1916)                             /* only one user database may be open per session (JET_paramOneDatabasePerSession) */
#define JET_errRollbackError (-1917)                                     /* an error happened during rollback */
#define JET_errFlushMapVersionUnsupported (-1918)                        /* this engine does not support the persisted flush map's version */
#define JET_errFlushMapDatabaseMismatch (-1919)                          /* the persisted flush map does not belong to the database */
#define JET_errFlushMapUnrecoverable (-1920)                             /* the persisted flush map cannot be rebuilt */
#define JET_wrnDefragAlreadyRunning 2000                                 /* online defragmentation is already running on the database */
#define JET_wrnDefragNotRunning 2001                                     /* online defragmentation is not running on the database */
#define JET_errDatabaseAlreadyRunningMaintenance (-2004)                 /* the database is already running maintenance */
#define JET_wrnCallbackNotRegistered 2100                                /* the callback being unregistered did not exist */
#define JET_errCallbackFailed (-2101)                                    /* a callback failed */
#define JET_errCallbackNotResolved (-2102)                               /* a callback function could not be found */
#define JET_errSpaceHintsInvalid (-2103)                                 /* an element of JET_SPACEHINTS is wrong or unusable */
#define JET_errOSSnapshotInvalidSequence (-2401)                         /* the snapshot (shadow copy) API was called out of order */
#define JET_errOSSnapshotTimeOut (-2402)                                 /* the snapshot (shadow copy) timed out */
#define JET_errOSSnapshotNotAllowed (-2403)                              /* a snapshot is not allowed now (backup or recovery running) */
#define JET_errOSSnapshotInvalidSnapId (-2404)                           /* the JET_OSSNAPID is not valid */
#define JET_errLSCallbackNotSpecified (-3000)                            /* local storage needs a callback function */
#define JET_errLSAlreadySet (-3001)                                      /* the object has local storage set already */
#define JET_errLSNotSet (-3002)                                          /* the object has no local storage set */
#define JET_errFileIOSparse (-4000)                                      /* an I/O was sent to a sparse region of a file */
#define JET_errFileIOBeyondEOF (-4001)                                   /* a read went past the end of the file */
#define JET_errFileIOAbort (-4002)                                       /* abort/retry/fail callback answer: abort the I/O */
#define JET_errFileIORetry (-4003)                                       /* abort/retry/fail callback answer: retry the I/O */
#define JET_errFileIOFail (-4004)                                        /* abort/retry/fail callback answer: fail the I/O */
#define JET_errFileCompressed (-4005)                                    /* compressed files cannot be read or written */
#define JET_errClientSpaceBegin (-10000)                                 /* first code of the range left to applications for their own errors */
#define JET_errClientSpaceEnd (-11999)                                   /* last code of the range left to applications for their own errors */

/*
 * Not in the public Windows esent.h: engine-internal codes, codes ESE keeps
 * private and obsolete codes older headers still define.  libese's sources
 * define LIBESE_NONPUBLIC_ERRORS to use them.
 */
#if defined(LIBESE_NONPUBLIC_ERRORS)
#define JET_errDeviceMissing (-114)                                      /* a hardware device the engine needs is missing */
#define JET_errDeviceMisconfigured (-115)                                /* a hardware device the engine needs is misconfigured */
#define JET_errDeviceTimeout (-116)                                      /* a hardware device did not answer in time */
#define JET_errDeviceFailure (-118)                                      /* a hardware device did not behave as expected */
#define JET_errInvalidColumnReference (-426)                             /* the column reference is not valid */
#define JET_errStaleColumnReference (-427)                               /* the column reference is out of date */
#define JET_wrnNoMoreRecords 428                                         /* there are no more records to stream */
#define JET_errCompressionIntegrityCheckFailed (-431)                    /* decompressed data failed its integrity checksum */
#define JET_errBadSLVSignature (-537)                                    /* obsolete: the streaming (SLV) file carries the wrong signature (gone from current ESE; older Windows and mingw-w64 headers still define it) */
#define JET_errSLVReadVerifyFailure (-613)                               /* obsolete: a streaming (SLV) file failed its checksum (gone from current ESE; older Windows and mingw-w64 headers still define it) */
#define JET_errSurrogateBackupInProgress (-617)                          /* a surrogate backup is running */
#define errLogServiceStopped (-624)                                      /* internal: logging was stopped by JetStopServiceInstance2 with JET_bitStopServiceStopAndEmitLog */
#define errBackupAbortByCaller (-800)                                    /* internal: the client aborted the backup or its connection failed (documented as JET_errBackupAbortByCaller) */
#define errTooManyPatchRequests (-802)                                   /* internal: the patch request list is full */
#define JET_errQueryNotSupported (-1034)                                 /* query support is not available */
#define JET_errSQLLinkNotSupported (-1035)                               /* SQL link support is not available */
#define JET_errCurrencyStackOutOfMemory (-1070)                          /* unused: the currency stack ran out of memory */
#define JET_errMustCommitDistributedTransactionToLevel0 (-1150)          /* a distributed transaction was prepared at a nested level */
#define JET_errDistributedTransactionAlreadyPreparedToCommit (-1151)     /* a write followed the prepare of a distributed transaction */
#define JET_errNotInDistributedTransaction (-1152)                       /* prepare-to-commit was called on a non-distributed transaction */
#define JET_errDistributedTransactionNotYetPreparedToCommit (-1153)      /* a distributed transaction was committed before it was prepared */
#define JET_errCannotNestDistributedTransactions (-1154)                 /* a distributed transaction was begun at a nested level */
#define JET_errDTCMissingCallback (-1160)                                /* a distributed transaction was begun with no DTC callback configured */
#define JET_errDTCMissingCallbackOnRecovery (-1161)                      /* a distributed transaction was recovered with no DTC callback configured */
#define JET_errDTCCallbackUnexpectedError (-1162)                        /* the DTC callback returned an unexpected error */
#define JET_wrnDTCCommitTransaction 1163                                 /* DTC callback answer: commit the transaction */
#define JET_wrnDTCRollbackTransaction 1164                               /* DTC callback answer: roll the transaction back */
#define JET_errDatabaseIncompleteIncrementalReseed (-1226)               /* the database is being rebuilt by an incremental reseed */
#define JET_errDatabaseInvalidIncrementalReseed (-1227)                  /* the database is not in a state that allows an incremental reseed */
#define JET_errDatabaseFailedIncrementalReseed (-1228)                   /* the incremental reseed failed fatally; a full reseed is needed */
#define JET_errNoAttachmentsFailedIncrementalReseed (-1229)              /* the incremental reseed failed: the oldest required log has no attach information */
#define JET_wrnTaggedColumnsRemaining 1523                               /* the tagged-column list filled the buffer before all columns were returned */
#define JET_errRBSFileCorrupt (-1921)                                    /* the revert snapshot (RBS) file is corrupt */
#define JET_errRBSHeaderCorrupt (-1922)                                  /* the revert snapshot header is corrupt */
#define JET_errRBSDbMismatch (-1923)                                     /* the revert snapshot is out of step with the database file */
#define JET_errBadRBSVersion (-1925)                                     /* the revert snapshot file version does not suit this engine */
#define JET_errOutOfRBSSpace (-1926)                                     /* the revert snapshot file has reached its maximum size */
#define JET_errRBSInvalidSign (-1927)                                    /* the revert snapshot header has no signature */
#define JET_errRBSInvalidRecord (-1928)                                  /* the revert snapshot holds an invalid record */
#define JET_errRBSRCInvalidRBS (-1929)                                   /* the revert is impossible: some snapshots for that time are invalid */
#define JET_errRBSRCNoRBSFound (-1930)                                   /* the revert is impossible: there are no snapshots for that time */
#define JET_errRBSRCBadDbState (-1931)                                   /* the revert failed because the database state is bad */
#define JET_errRBSMissingReqLogs (-1932)                                 /* logs the revert snapshot needs are missing */
#define JET_errRBSLogDivergenceFailed (-1933)                            /* logs the revert snapshot needs diverge from those in the log directory */
#define JET_errRBSRCCopyLogsRevertState (-1934)                          /* a further revert was refused while logs of an earlier one are still being copied */
#define JET_errDatabaseIncompleteRevert (-1935)                          /* the database is being reverted from a snapshot and cannot be attached */
#define JET_errRBSRCRevertCancelled (-1936)                              /* the revert was cancelled */
#define JET_errRBSRCInvalidDbFormatVersion (-1937)                       /* the database format version cannot take the revert snapshot */
#define JET_errRBSCannotDetermineDivergence (-1938)                      /* divergence of the snapshot's logs cannot be checked because logs are missing */
#define JET_errRBSDeleteTableTooBig (-1941)                              /* the table is too big to delete on a copy with revert snapshots active */
#define JET_errRBSDeleteTableTooSoon (-1942)                             /* the table was created or moved too recently for a non-revertable delete */
#define JET_errRBSFDPToBeDeleted (-1943)                                 /* the table's root is about to be deleted after a partial revert */
#define JET_errRBSRevertableDeleteNotPossible (-1944)                    /* a revertable delete is impossible after an earlier non-revertable delete was partly reverted */
#define JET_wrnDatabaseScanAlreadyRunning 2002                           /* a database scan is already running */
#define JET_wrnDatabaseScanNotRunning 2003                               /* no database scan is running */
#define errOSSnapshotNewLogStopped (-2405)                               /* internal: creation of new log files was stopped during a snapshot */
#define JET_errTooManyTestInjections (-2501)                             /* the test-injection limit was reached */
#define JET_errTestInjectionNotSupported (-2502)                         /* test injection is not supported */
#define JET_errInvalidLogDataSequence (-2601)                            /* supplied log data is out of step with the instance */
#define JET_wrnPreviousLogFileIncomplete 2602                            /* supplied log data jumped to the next log, so the incomplete log file was deleted */
#endif /* LIBESE_NONPUBLIC_ERRORS */

#endif /* LIBESE_ESENT_ERRORS_H */
