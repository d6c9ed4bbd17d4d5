# Jet constants exported to Python under their C names, with the values of the header this
# module is compiled against (the SDK's on Windows, libese's elsewhere); esent.jet re-exports
# them.  Declared here rather than in jetapi.pxd because Cython exports a `cpdef enum` only from
# the module whose own source declares it.

cdef extern from "esent_compat.h":
    cpdef enum:
        JET_errSuccess

        # system parameters
        JET_paramSystemPath
        JET_paramTempPath
        JET_paramLogFilePath
        JET_paramBaseName
        JET_paramMaxSessions
        JET_paramLogFileSize
        JET_paramCircularLog
        JET_paramCacheSizeMax
        JET_paramRecovery
        JET_paramDatabasePageSize
        JET_paramOSSnapshotTimeout
        JET_paramCreatePathIfNotExist
        JET_paramMaxInstances
        JET_paramLegacyFileNames

        # JetTerm2
        JET_bitTermComplete
        JET_bitTermAbrupt
        JET_bitTermStopBackup
        JET_bitTermDirty

        # streaming backup
        JET_bitBackupIncremental
        JET_bitBackupAtomic
        JET_bitBackupEndNormal
        JET_bitBackupEndAbort
        JET_bitBackupTruncateDone
        JET_bitStopServiceAll
        JET_bitStopServiceBackgroundUserTasks
        JET_bitStopServiceQuiesceCaches
        JET_bitStopServiceResume

        # transactions
        JET_bitCommitLazyFlush
        JET_bitWaitLastLevel0Commit
        JET_bitWaitAllLevel0Commit
        JET_bitRollbackAll

        # JET_paramLegacyFileNames
        JET_bitESE98FileNames
        JET_bitEightDotThreeSoftCompat

        # databases (JetCreateDatabase2 / JetAttachDatabase2 / JetOpenDatabase grbits)
        JET_bitDbReadOnly
        JET_bitDbExclusive
        JET_bitDbRecoveryOff
        JET_bitDbShadowingOff
        JET_bitDbOverwriteExisting
        JET_bitForceDetach

        # JetGetDatabaseFileInfo info levels and JET_DBINFOMISC.dbstate
        JET_DbInfoFilename
        JET_DbInfoFilesize
        JET_DbInfoMisc
        JET_DbInfoPageSize
        JET_dbstateJustCreated
        JET_dbstateDirtyShutdown
        JET_dbstateCleanShutdown

        # column types
        JET_coltypNil
        JET_coltypBit
        JET_coltypUnsignedByte
        JET_coltypShort
        JET_coltypLong
        JET_coltypCurrency
        JET_coltypIEEESingle
        JET_coltypIEEEDouble
        JET_coltypDateTime
        JET_coltypBinary
        JET_coltypText
        JET_coltypLongBinary
        JET_coltypLongText
        JET_coltypUnsignedLong
        JET_coltypLongLong
        JET_coltypGUID
        JET_coltypUnsignedShort

        # text code pages
        JET_CP_NONE
        JET_CP_UNICODE
        JET_CP_ASCII

        # column and index grbits
        JET_bitColumnFixed
        JET_bitColumnTagged
        JET_bitColumnNotNULL
        JET_bitColumnVersion
        JET_bitColumnAutoincrement
        JET_bitColumnMultiValued
        JET_bitColumnEscrowUpdate
        JET_bitIndexUnique
        JET_bitIndexPrimary
        JET_bitIndexDisallowNull
        JET_bitIndexIgnoreNull
        JET_bitIndexIgnoreAnyNull
        JET_bitIndexIgnoreFirstNull

        # JetGetTableColumnInfo info levels
        JET_ColInfo
        JET_ColInfoByColid

        # JetOpenTable grbits
        JET_bitTableDenyWrite
        JET_bitTableDenyRead
        JET_bitTableReadOnly
        JET_bitTableUpdatable

        # JetPrepareUpdate
        JET_prepInsert
        JET_prepReplace
        JET_prepCancel
        JET_prepReplaceNoLock
        JET_prepInsertCopy

        # JetMove (JET_MoveFirst is exported below: its C value does not fit a C int)
        JET_MovePrevious
        JET_MoveNext
        JET_MoveLast
        JET_bitMoveKeyNE

        # JetMakeKey
        JET_bitNewKey
        JET_bitStrLimit
        JET_bitSubStrLimit
        JET_bitNormalizedKey
        JET_bitKeyDataZeroLength
        JET_bitFullColumnStartLimit
        JET_bitFullColumnEndLimit
        JET_bitPartialColumnStartLimit
        JET_bitPartialColumnEndLimit

        # JetSeek
        JET_bitSeekEQ
        JET_bitSeekLT
        JET_bitSeekLE
        JET_bitSeekGE
        JET_bitSeekGT
        JET_bitSetIndexRange

        # JetSetColumn / JetRetrieveColumn
        JET_bitSetZeroLength
        JET_bitSetSeparateLV
        JET_bitSetIntrinsicLV
        JET_bitRetrieveCopy

        # the full data API (issue 5): column types and options, info levels, index grbits,
        # moves, ranges, retrieval, escrow, schema changes
        JET_errFeatureNotAvailable
        JET_coltypUnsignedLongLong
        JET_bitColumnUpdatable
        JET_bitColumnMaybeNull
        JET_bitColumnUserDefinedDefault
        JET_bitColumnDeleteOnZero
        JET_bitColumnCompressed
        JET_ColInfoList
        JET_ColInfoBase
        JET_ColInfoListCompact
        JET_ColInfoListSortColumnid
        JET_IdxInfo
        JET_IdxInfoList
        JET_IdxInfoSpaceAlloc
        JET_IdxInfoLangid
        JET_IdxInfoCount
        JET_IdxInfoVarSegMac
        JET_IdxInfoIndexId
        JET_IdxInfoKeyMost
        JET_ObjInfo
        JET_ObjInfoListNoStats
        JET_ObjInfoList
        JET_ObjInfoNoStats
        JET_objtypNil
        JET_objtypTable
        JET_bitObjectSystem
        JET_bitObjectTableFixedDDL
        JET_TblInfo
        JET_TblInfoName
        JET_TblInfoDbid
        JET_bitIndexEmpty
        JET_bitIndexSortNullsHigh
        JET_bitIndexUnicode
        JET_bitIndexTuples
        JET_bitIndexTupleLimits
        JET_bitIndexCrossProduct
        JET_bitIndexKeyMost
        JET_bitIndexDisallowTruncation
        JET_bitIndexNestedTable
        JET_bitIndexDotNetGuid
        JET_bitNoMove
        JET_bitCheckUniqueness
        JET_bitRangeInclusive
        JET_bitRangeUpperLimit
        JET_bitRangeInstantDuration
        JET_bitRangeRemove
        JET_bitRetrieveFromIndex
        JET_bitRetrieveFromPrimaryBookmark
        JET_bitRetrieveTag
        JET_bitRetrieveNull
        JET_bitRetrieveIgnoreDefault
        JET_bitSetAppendLV
        JET_bitSetOverwriteLV
        JET_bitSetSizeLV
        JET_bitEscrowNoRollback
        JET_bitDeleteColumnIgnoreTemplateColumns
        JET_cbKeyMostMin
        JET_ccolKeyMost

#: JetMove's cRow for "the first record": C's (0x80000000) passed as a signed 32-bit long.
JET_MoveFirst = -0x80000000
