# Declarations of the Jet API as src/esent_compat.h presents it: the SDK's esent.h on Windows,
# libese's esent.h elsewhere.  Cython copies no prototype into the generated C for `cdef extern`
# functions, so every call is checked against the real header by the C compiler (and, for the
# Windows build, by ci/check-windows-build against the real import library).
#
# Integer types are declared with the header's own names (ESE_ULONG, JET_ERR, JET_API_PTR, ...);
# Cython only needs their signedness, the C compiler supplies the exact width per platform.
#
# Functions are declared as c_<Name> "<Name>" so the Python wrappers can carry the C name.
#
# Constants exported to Python live in pyx/constants.pxi (a `cpdef enum` is exported only by the
# module whose own source declares it).

cdef extern from "esent_compat.h" nogil:
    ctypedef long ESE_LONG
    ctypedef unsigned long ESE_ULONG
    ctypedef long JET_ERR
    ctypedef unsigned long JET_GRBIT
    ctypedef size_t JET_API_PTR
    ctypedef JET_API_PTR JET_INSTANCE
    ctypedef JET_API_PTR JET_SESID
    ctypedef JET_API_PTR JET_HANDLE
    ctypedef unsigned short WCHAR
    ctypedef unsigned long JET_DBID
    ctypedef unsigned long JET_COLUMNID
    ctypedef unsigned long JET_COLTYP
    ctypedef JET_API_PTR JET_TABLEID

    ctypedef struct JET_RSTINFO_W:
        ESE_ULONG cbStruct

    ctypedef struct JET_COLUMNDEF:
        ESE_ULONG cbStruct
        JET_COLUMNID columnid
        JET_COLTYP coltyp
        unsigned short wCountry
        unsigned short langid
        unsigned short cp
        unsigned short wCollate
        ESE_ULONG cbMax
        JET_GRBIT grbit

    ctypedef struct JET_COLUMNCREATE_W:
        ESE_ULONG cbStruct
        WCHAR *szColumnName
        JET_COLTYP coltyp
        ESE_ULONG cbMax
        JET_GRBIT grbit
        void *pvDefault
        ESE_ULONG cbDefault
        ESE_ULONG cp
        JET_COLUMNID columnid
        JET_ERR err

    # The two anonymous unions (lcid / pidxunicode, cbVarSegMac / ptuplelimits) are left out:
    # the binding zero-fills the struct and never sets them.
    ctypedef struct JET_INDEXCREATE_W:
        ESE_ULONG cbStruct
        WCHAR *szIndexName
        WCHAR *szKey
        ESE_ULONG cbKey
        JET_GRBIT grbit
        ESE_ULONG ulDensity
        ESE_ULONG cConditionalColumn
        JET_ERR err
        ESE_ULONG cbKeyMost

    ctypedef struct JET_TABLECREATE2_W:
        ESE_ULONG cbStruct
        WCHAR *szTableName
        WCHAR *szTemplateTableName
        ESE_ULONG ulPages
        ESE_ULONG ulDensity
        JET_COLUMNCREATE_W *rgcolumncreate
        ESE_ULONG cColumns
        JET_INDEXCREATE_W *rgindexcreate
        ESE_ULONG cIndexes
        WCHAR *szCallback
        JET_GRBIT grbit
        JET_TABLEID tableid
        ESE_ULONG cCreated

    ctypedef struct JET_LGPOS:
        unsigned short ib
        unsigned short isec
        ESE_LONG lGeneration

    ctypedef struct JET_LOGTIME:
        char bSeconds
        char bMinutes
        char bHours
        char bDay
        char bMonth
        char bYear

    ctypedef struct JET_SIGNATURE:
        ESE_ULONG ulRandom
        JET_LOGTIME logtimeCreate

    ctypedef struct JET_BKINFO:
        JET_LGPOS lgposMark
        ESE_ULONG genLow
        ESE_ULONG genHigh

    ctypedef struct JET_DBINFOMISC:
        ESE_ULONG ulVersion
        ESE_ULONG ulUpdate
        JET_SIGNATURE signDb
        ESE_ULONG dbstate
        JET_LGPOS lgposConsistent
        JET_SIGNATURE signLog
        JET_BKINFO bkinfoFullPrev
        JET_BKINFO bkinfoIncPrev
        JET_BKINFO bkinfoFullCur
        ESE_ULONG fShadowingDisabled
        ESE_ULONG fUpgradeDb
        ESE_ULONG dwMajorVersion
        ESE_ULONG dwMinorVersion
        ESE_ULONG dwBuildNumber
        ESE_LONG lSPNumber
        ESE_ULONG cbPageSize

    const JET_INSTANCE JET_instanceNil
    const JET_TABLEID JET_tableidNil
    const JET_SESID JET_sesidNil

    JET_ERR c_JetCreateInstance2W "JetCreateInstance2W"(
        JET_INSTANCE *pinstance, const WCHAR *szInstanceName, const WCHAR *szDisplayName,
        JET_GRBIT grbit)
    JET_ERR c_JetSetSystemParameterW "JetSetSystemParameterW"(
        JET_INSTANCE *pinstance, JET_SESID sesid, ESE_ULONG paramid, JET_API_PTR lParam,
        const WCHAR *szParam)
    JET_ERR c_JetGetSystemParameterW "JetGetSystemParameterW"(
        JET_INSTANCE instance, JET_SESID sesid, ESE_ULONG paramid, JET_API_PTR *plParam,
        WCHAR *szParam, ESE_ULONG cbMax)
    JET_ERR c_JetInit3W "JetInit3W"(
        JET_INSTANCE *pinstance, JET_RSTINFO_W *prstInfo, JET_GRBIT grbit)
    JET_ERR c_JetTerm2 "JetTerm2"(JET_INSTANCE instance, JET_GRBIT grbit)
    JET_ERR c_JetBeginSessionW "JetBeginSessionW"(
        JET_INSTANCE instance, JET_SESID *psesid, const WCHAR *szUserName,
        const WCHAR *szPassword)
    JET_ERR c_JetEndSession "JetEndSession"(JET_SESID sesid, JET_GRBIT grbit)
    JET_ERR c_JetGetVersion "JetGetVersion"(JET_SESID sesid, ESE_ULONG *pwVersion)
    JET_ERR c_JetStopBackupInstance "JetStopBackupInstance"(JET_INSTANCE instance)

    # databases
    JET_ERR c_JetCreateDatabase2W "JetCreateDatabase2W"(
        JET_SESID sesid, const WCHAR *szFilename, const ESE_ULONG cpgDatabaseSizeMax,
        JET_DBID *pdbid, JET_GRBIT grbit)
    JET_ERR c_JetAttachDatabase2W "JetAttachDatabase2W"(
        JET_SESID sesid, const WCHAR *szFilename, const ESE_ULONG cpgDatabaseSizeMax,
        JET_GRBIT grbit)
    JET_ERR c_JetDetachDatabase2W "JetDetachDatabase2W"(
        JET_SESID sesid, const WCHAR *szFilename, JET_GRBIT grbit)
    JET_ERR c_JetOpenDatabaseW "JetOpenDatabaseW"(
        JET_SESID sesid, const WCHAR *szFilename, const WCHAR *szConnect, JET_DBID *pdbid,
        JET_GRBIT grbit)
    JET_ERR c_JetCloseDatabase "JetCloseDatabase"(JET_SESID sesid, JET_DBID dbid, JET_GRBIT grbit)
    JET_ERR c_JetGetDatabaseFileInfoW "JetGetDatabaseFileInfoW"(
        const WCHAR *szDatabaseName, void *pvResult, ESE_ULONG cbMax, ESE_ULONG InfoLevel)
    JET_ERR c_JetCreateTableColumnIndex2W "JetCreateTableColumnIndex2W"(
        JET_SESID sesid, JET_DBID dbid, JET_TABLECREATE2_W *ptablecreate)

    # tables and records
    JET_ERR c_JetOpenTableW "JetOpenTableW"(
        JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName, const void *pvParameters,
        ESE_ULONG cbParameters, JET_GRBIT grbit, JET_TABLEID *ptableid)
    JET_ERR c_JetCloseTable "JetCloseTable"(JET_SESID sesid, JET_TABLEID tableid)
    JET_ERR c_JetGetTableColumnInfoW "JetGetTableColumnInfoW"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szColumnName, void *pvResult,
        ESE_ULONG cbMax, ESE_ULONG InfoLevel)
    JET_ERR c_JetPrepareUpdate "JetPrepareUpdate"(
        JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG prep)
    JET_ERR c_JetSetColumn "JetSetColumn"(
        JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid, const void *pvData,
        ESE_ULONG cbData, JET_GRBIT grbit, void *psetinfo)
    JET_ERR c_JetUpdate "JetUpdate"(
        JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark, ESE_ULONG cbBookmark,
        ESE_ULONG *pcbActual)
    JET_ERR c_JetDelete "JetDelete"(JET_SESID sesid, JET_TABLEID tableid)
    JET_ERR c_JetRetrieveColumn "JetRetrieveColumn"(
        JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid, void *pvData,
        ESE_ULONG cbData, ESE_ULONG *pcbActual, JET_GRBIT grbit, void *pretinfo)
    JET_ERR c_JetMove "JetMove"(JET_SESID sesid, JET_TABLEID tableid, ESE_LONG cRow, JET_GRBIT grbit)
    JET_ERR c_JetMakeKey "JetMakeKey"(
        JET_SESID sesid, JET_TABLEID tableid, const void *pvData, ESE_ULONG cbData,
        JET_GRBIT grbit)
    JET_ERR c_JetSeek "JetSeek"(JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit)

    # transactions
    JET_ERR c_JetBeginTransaction2 "JetBeginTransaction2"(JET_SESID sesid, JET_GRBIT grbit)
    JET_ERR c_JetCommitTransaction "JetCommitTransaction"(JET_SESID sesid, JET_GRBIT grbit)
    JET_ERR c_JetRollback "JetRollback"(JET_SESID sesid, JET_GRBIT grbit)

    # streaming backup
    ctypedef struct JET_LOGINFO_W:
        ESE_ULONG cbSize
        ESE_ULONG ulGenLow
        ESE_ULONG ulGenHigh
        WCHAR szBaseName[4]

    ctypedef struct JET_RSTMAP_W:
        WCHAR *szDatabaseName
        WCHAR *szNewDatabaseName

    JET_ERR c_JetBeginExternalBackupInstance "JetBeginExternalBackupInstance"(
        JET_INSTANCE instance, JET_GRBIT grbit)
    JET_ERR c_JetGetAttachInfoInstanceW "JetGetAttachInfoInstanceW"(
        JET_INSTANCE instance, WCHAR *szzDatabases, ESE_ULONG cbMax, ESE_ULONG *pcbActual)
    JET_ERR c_JetOpenFileInstanceW "JetOpenFileInstanceW"(
        JET_INSTANCE instance, const WCHAR *szFileName, JET_HANDLE *phfFile,
        ESE_ULONG *pulFileSizeLow, ESE_ULONG *pulFileSizeHigh)
    JET_ERR c_JetReadFileInstance "JetReadFileInstance"(
        JET_INSTANCE instance, JET_HANDLE hfFile, void *pv, ESE_ULONG cb, ESE_ULONG *pcbActual)
    JET_ERR c_JetCloseFileInstance "JetCloseFileInstance"(JET_INSTANCE instance, JET_HANDLE hfFile)
    JET_ERR c_JetGetLogInfoInstance2W "JetGetLogInfoInstance2W"(
        JET_INSTANCE instance, WCHAR *szzLogs, ESE_ULONG cbMax, ESE_ULONG *pcbActual,
        JET_LOGINFO_W *pLogInfo)
    JET_ERR c_JetGetTruncateLogInfoInstanceW "JetGetTruncateLogInfoInstanceW"(
        JET_INSTANCE instance, WCHAR *szzLogs, ESE_ULONG cbMax, ESE_ULONG *pcbActual)
    JET_ERR c_JetTruncateLogInstance "JetTruncateLogInstance"(JET_INSTANCE instance)
    JET_ERR c_JetEndExternalBackupInstance2 "JetEndExternalBackupInstance2"(
        JET_INSTANCE instance, JET_GRBIT grbit)
    JET_ERR c_JetStopServiceInstance "JetStopServiceInstance"(JET_INSTANCE instance)
    JET_ERR c_JetStopServiceInstance2 "JetStopServiceInstance2"(
        JET_INSTANCE instance, JET_GRBIT grbit)

    # restore
    JET_ERR c_JetExternalRestore2W "JetExternalRestore2W"(
        WCHAR *szCheckpointFilePath, WCHAR *szLogPath, JET_RSTMAP_W *rgrstmap,
        ESE_LONG crstfilemap, WCHAR *szBackupLogPath, JET_LOGINFO_W *pLogInfo,
        WCHAR *szTargetInstanceName, WCHAR *szTargetInstanceLogPath,
        WCHAR *szTargetInstanceCheckpointPath, void *pfn)


    # the full data API: indexes, cursors, ranges, several columns at once, schema, catalog
    ctypedef ESE_ULONG JET_OBJTYP

    ctypedef struct JET_RETRIEVECOLUMN:
        JET_COLUMNID columnid
        void *pvData
        ESE_ULONG cbData
        ESE_ULONG cbActual
        JET_GRBIT grbit
        ESE_ULONG ibLongValue
        ESE_ULONG itagSequence
        JET_COLUMNID columnidNextTagged
        JET_ERR err

    ctypedef struct JET_SETCOLUMN:
        JET_COLUMNID columnid
        const void *pvData
        ESE_ULONG cbData
        JET_GRBIT grbit
        ESE_ULONG ibLongValue
        ESE_ULONG itagSequence
        JET_ERR err

    ctypedef struct JET_SETINFO:
        ESE_ULONG cbStruct
        ESE_ULONG ibLongValue
        ESE_ULONG itagSequence

    ctypedef struct JET_RETINFO:
        ESE_ULONG cbStruct
        ESE_ULONG ibLongValue
        ESE_ULONG itagSequence
        JET_COLUMNID columnidNextTagged

    ctypedef struct JET_RECPOS:
        ESE_ULONG cbStruct
        ESE_ULONG centriesLT
        ESE_ULONG centriesInRange
        ESE_ULONG centriesTotal

    ctypedef struct JET_COLUMNLIST:
        ESE_ULONG cbStruct
        JET_TABLEID tableid
        ESE_ULONG cRecord
        JET_COLUMNID columnidPresentationOrder
        JET_COLUMNID columnidcolumnname
        JET_COLUMNID columnidcolumnid
        JET_COLUMNID columnidcoltyp
        JET_COLUMNID columnidCountry
        JET_COLUMNID columnidLangid
        JET_COLUMNID columnidCp
        JET_COLUMNID columnidCollate
        JET_COLUMNID columnidcbMax
        JET_COLUMNID columnidgrbit
        JET_COLUMNID columnidDefault
        JET_COLUMNID columnidBaseTableName
        JET_COLUMNID columnidBaseColumnName
        JET_COLUMNID columnidDefinitionName

    ctypedef struct JET_COLUMNBASE_W:
        ESE_ULONG cbStruct
        JET_COLUMNID columnid
        JET_COLTYP coltyp
        unsigned short wCountry
        unsigned short langid
        unsigned short cp
        unsigned short wFiller
        ESE_ULONG cbMax
        JET_GRBIT grbit
        WCHAR szBaseTableName[256]
        WCHAR szBaseColumnName[256]

    ctypedef struct JET_INDEXLIST:
        ESE_ULONG cbStruct
        JET_TABLEID tableid
        ESE_ULONG cRecord
        JET_COLUMNID columnidindexname
        JET_COLUMNID columnidgrbitIndex
        JET_COLUMNID columnidcKey
        JET_COLUMNID columnidcEntry
        JET_COLUMNID columnidcPage
        JET_COLUMNID columnidcColumn
        JET_COLUMNID columnidiColumn
        JET_COLUMNID columnidcolumnid
        JET_COLUMNID columnidcoltyp
        JET_COLUMNID columnidCountry
        JET_COLUMNID columnidLangid
        JET_COLUMNID columnidCp
        JET_COLUMNID columnidCollate
        JET_COLUMNID columnidgrbitColumn
        JET_COLUMNID columnidcolumnname
        JET_COLUMNID columnidLCMapFlags

    ctypedef struct JET_OBJECTLIST:
        ESE_ULONG cbStruct
        JET_TABLEID tableid
        ESE_ULONG cRecord
        JET_COLUMNID columnidcontainername
        JET_COLUMNID columnidobjectname
        JET_COLUMNID columnidobjtyp
        JET_COLUMNID columniddtCreate
        JET_COLUMNID columniddtUpdate
        JET_COLUMNID columnidgrbit
        JET_COLUMNID columnidflags
        JET_COLUMNID columnidcRecord
        JET_COLUMNID columnidcPage

    ctypedef struct JET_OBJECTINFO:
        ESE_ULONG cbStruct
        JET_OBJTYP objtyp
        double dtCreate
        double dtUpdate
        JET_GRBIT grbit
        ESE_ULONG flags
        ESE_ULONG cRecord
        ESE_ULONG cPage

    JET_ERR c_JetCreateIndexW "JetCreateIndexW"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName, JET_GRBIT grbit,
        const WCHAR *szKey, ESE_ULONG cbKey, ESE_ULONG lDensity)
    JET_ERR c_JetCreateIndex2W "JetCreateIndex2W"(
        JET_SESID sesid, JET_TABLEID tableid, JET_INDEXCREATE_W *pindexcreate,
        ESE_ULONG cIndexCreate)
    JET_ERR c_JetDeleteIndexW "JetDeleteIndexW"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName)
    JET_ERR c_JetSetCurrentIndexW "JetSetCurrentIndexW"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName)
    JET_ERR c_JetSetCurrentIndex2W "JetSetCurrentIndex2W"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName, JET_GRBIT grbit)
    JET_ERR c_JetSetCurrentIndex3W "JetSetCurrentIndex3W"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName, JET_GRBIT grbit,
        ESE_ULONG itagSequence)
    JET_ERR c_JetGetCurrentIndexW "JetGetCurrentIndexW"(
        JET_SESID sesid, JET_TABLEID tableid, WCHAR *szIndexName, ESE_ULONG cbIndexName)
    JET_ERR c_JetGetTableIndexInfoW "JetGetTableIndexInfoW"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName, void *pvResult,
        ESE_ULONG cbResult, ESE_ULONG InfoLevel)
    JET_ERR c_JetSetIndexRange "JetSetIndexRange"(
        JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit)
    JET_ERR c_JetIndexRecordCount "JetIndexRecordCount"(
        JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG *pcrec, ESE_ULONG crecMax)
    JET_ERR c_JetRetrieveKey "JetRetrieveKey"(
        JET_SESID sesid, JET_TABLEID tableid, void *pvKey, ESE_ULONG cbMax,
        ESE_ULONG *pcbActual, JET_GRBIT grbit)
    JET_ERR c_JetGetBookmark "JetGetBookmark"(
        JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark, ESE_ULONG cbMax,
        ESE_ULONG *pcbActual)
    JET_ERR c_JetGotoBookmark "JetGotoBookmark"(
        JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark, ESE_ULONG cbBookmark)
    JET_ERR c_JetGetRecordPosition "JetGetRecordPosition"(
        JET_SESID sesid, JET_TABLEID tableid, JET_RECPOS *precpos, ESE_ULONG cbRecpos)
    JET_ERR c_JetGotoPosition "JetGotoPosition"(
        JET_SESID sesid, JET_TABLEID tableid, JET_RECPOS *precpos)
    JET_ERR c_JetRetrieveColumns "JetRetrieveColumns"(
        JET_SESID sesid, JET_TABLEID tableid, JET_RETRIEVECOLUMN *pretrievecolumn,
        ESE_ULONG cretrievecolumn)
    JET_ERR c_JetSetColumns "JetSetColumns"(
        JET_SESID sesid, JET_TABLEID tableid, JET_SETCOLUMN *psetcolumn, ESE_ULONG csetcolumn)
    JET_ERR c_JetEscrowUpdate "JetEscrowUpdate"(
        JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid, void *pv, ESE_ULONG cbMax,
        void *pvOld, ESE_ULONG cbOldMax, ESE_ULONG *pcbOldActual, JET_GRBIT grbit)
    JET_ERR c_JetAddColumnW "JetAddColumnW"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szColumnName,
        const JET_COLUMNDEF *pcolumndef, const void *pvDefault, ESE_ULONG cbDefault,
        JET_COLUMNID *pcolumnid)
    JET_ERR c_JetDeleteColumnW "JetDeleteColumnW"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szColumnName)
    JET_ERR c_JetDeleteColumn2W "JetDeleteColumn2W"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szColumnName, const JET_GRBIT grbit)
    JET_ERR c_JetRenameColumnW "JetRenameColumnW"(
        JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szName, const WCHAR *szNameNew,
        JET_GRBIT grbit)
    JET_ERR c_JetDeleteTableW "JetDeleteTableW"(
        JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName)
    JET_ERR c_JetRenameTableW "JetRenameTableW"(
        JET_SESID sesid, JET_DBID dbid, const WCHAR *szName, const WCHAR *szNameNew)
    JET_ERR c_JetGetColumnInfoW "JetGetColumnInfoW"(
        JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName, const WCHAR *pColumnNameOrId,
        void *pvResult, ESE_ULONG cbMax, ESE_ULONG InfoLevel)
    JET_ERR c_JetGetObjectInfoW "JetGetObjectInfoW"(
        JET_SESID sesid, JET_DBID dbid, JET_OBJTYP objtyp, const WCHAR *szContainerName,
        const WCHAR *szObjectName, void *pvResult, ESE_ULONG cbMax, ESE_ULONG InfoLevel)
    JET_ERR c_JetGetTableInfoW "JetGetTableInfoW"(
        JET_SESID sesid, JET_TABLEID tableid, void *pvResult, ESE_ULONG cbMax,
        ESE_ULONG InfoLevel)

# Test-only hooks into libese (fault injection).  On Windows the header makes them report
# "not available", so the same module compiles for both.
cdef extern from "esent_testing.h" nogil:
    int ESENT_HAVE_LIBESE
    int esent_fault_arm(int kind, unsigned long long nth, int enospc)
    void esent_fault_reset()
    unsigned long long esent_fault_count(int kind)
