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

        # JET_paramLegacyFileNames
        JET_bitESE98FileNames
        JET_bitEightDotThreeSoftCompat
