/*
 * esent.h -- libese's copy of the Jet API contract, for non-Windows builds.
 *
 * On Windows the extension compiles against the SDK's esent.h and links esent.dll; this file is
 * never used there.  Everywhere else it stands in for the SDK header so that src/_esent.pyx
 * compiles unchanged against libese.  The rules that make that work:
 *
 *   - Type names are the SDK's, with Windows' exact widths: every ESE `long` / `unsigned long`
 *     is 32 bits (Windows is LLP64; LP64 Linux is not), JET_API_PTR is pointer-sized, WCHAR is
 *     16 bits (UTF-16 code units, not wchar_t).
 *   - Constant names and values are the SDK's (values checked against the published engine
 *     header; see tests/test_jet_constants.py).
 *   - Prototypes are the SDK's.  Only functions libese implements are declared, so a call to an
 *     unimplemented API fails at compile time instead of at link time.  The W (UTF-16) variants
 *     are the ones the binding calls, on every platform.
 *
 * The binding does not include this file directly: it includes src/esent_compat.h, which picks
 * the SDK header on Windows and this one elsewhere, then fills what the SDK header lacks.
 */
#ifndef LIBESE_ESENT_H
#define LIBESE_ESENT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JET_VERSION 0x0A00
#define JET_API           /* __stdcall on 32-bit Windows; nothing elsewhere */
#define JET_NODSAPI

/* ------------------------------------------------------------------------------------------ */
/* Base types: Windows widths                                                                 */

typedef uintptr_t JET_API_PTR;
typedef uint16_t WCHAR;

/* ESE's `long` and `unsigned long` (32 bits on Windows).  The SDK writes them literally; the
 * binding declares its variables with these names so one .pyx fits both headers (see
 * esent_compat.h for the Windows side). */
typedef int32_t ESE_LONG;
typedef uint32_t ESE_ULONG;

typedef int32_t JET_ERR;
typedef uint32_t JET_GRBIT;
typedef uint32_t JET_COLUMNID;
typedef uint32_t JET_DBID;
typedef uint32_t JET_COLTYP;
typedef uint32_t JET_SNP;
typedef uint32_t JET_SNT;
typedef double JET_DATESERIAL;

typedef JET_API_PTR JET_INSTANCE;
typedef JET_API_PTR JET_SESID;
typedef JET_API_PTR JET_TABLEID;
typedef JET_API_PTR JET_HANDLE;
typedef JET_API_PTR JET_OSSNAPID;
typedef JET_API_PTR JET_LS;

typedef char *JET_PSTR;
typedef const char *JET_PCSTR;
typedef WCHAR *JET_PWSTR;
typedef const WCHAR *JET_PCWSTR;

#define JET_instanceNil (~(JET_INSTANCE)0)
#define JET_sesidNil    (~(JET_SESID)0)
#define JET_tableidNil  (~(JET_TABLEID)0)
#define JET_dbidNil     ((JET_DBID)0xFFFFFFFF)

#define JET_BASE_NAME_LENGTH          3
#define JET_MAX_COMPUTERNAME_LENGTH   15

/* ------------------------------------------------------------------------------------------ */
/* Structures (byte layouts as on Windows x64; the LOGTIME..BKINFO group is packed to 1)      */

#pragma pack(push, 1)
typedef struct {
    unsigned short ib;
    unsigned short isec;
    int32_t lGeneration;
} JET_LGPOS;

typedef struct {
    char bSeconds;
    char bMinutes;
    char bHours;
    char bDay;
    char bMonth;     /* 1..12 */
    char bYear;      /* years since 1900 */
    char bFiller1;   /* bit 0: time is UTC; bits 1-7: milliseconds, low 7 bits */
    char bFiller2;   /* bits 1-3: milliseconds, high 3 bits */
} JET_LOGTIME;

typedef JET_LOGTIME JET_BKLOGTIME; /* bit 0 of bFiller2 is fOSSnapshot */

typedef struct {
    uint32_t ulRandom;
    JET_LOGTIME logtimeCreate;
    char szComputerName[JET_MAX_COMPUTERNAME_LENGTH + 1];
} JET_SIGNATURE;

typedef struct {
    JET_LGPOS lgposMark;
    JET_LOGTIME logtimeMark;
    uint32_t genLow;
    uint32_t genHigh;
} JET_BKINFO;
#pragma pack(pop)

typedef struct {
    uint32_t cbStruct;
    uint32_t cunitDone;
    uint32_t cunitTotal;
} JET_SNPROG;

typedef JET_ERR (JET_API *JET_PFNSTATUS)(JET_SESID sesid, JET_SNP snp, JET_SNT snt, void *pv);

typedef struct {
    uint32_t cbSize;
    uint32_t ulGenLow;
    uint32_t ulGenHigh;
    WCHAR szBaseName[JET_BASE_NAME_LENGTH + 1];
} JET_LOGINFO_W;

typedef struct {
    WCHAR *szDatabaseName;
    WCHAR *szNewDatabaseName;
} JET_RSTMAP_W;

typedef struct {
    uint32_t cbStruct;
    JET_RSTMAP_W *rgrstmap;
    int32_t crstmap;
    JET_LGPOS lgposStop;
    JET_LOGTIME logtimeStop;
    JET_PFNSTATUS pfnStatus;
} JET_RSTINFO_W;


/* ---- databases and tables (layouts as the SDK's; every ESE long is 32 bits) --------------- */

typedef JET_GRBIT JET_CBTYP;

typedef struct {
    uint32_t ulVersion;
    uint32_t ulUpdate;
    JET_SIGNATURE signDb;
    uint32_t dbstate;
    JET_LGPOS lgposConsistent;
    JET_LOGTIME logtimeConsistent;
    JET_LOGTIME logtimeAttach;
    JET_LGPOS lgposAttach;
    JET_LOGTIME logtimeDetach;
    JET_LGPOS lgposDetach;
    JET_SIGNATURE signLog;
    JET_BKINFO bkinfoFullPrev;
    JET_BKINFO bkinfoIncPrev;
    JET_BKINFO bkinfoFullCur;
    uint32_t fShadowingDisabled;
    uint32_t fUpgradeDb;
    uint32_t dwMajorVersion;
    uint32_t dwMinorVersion;
    uint32_t dwBuildNumber;
    int32_t lSPNumber;
    uint32_t cbPageSize;
} JET_DBINFOMISC;

typedef struct {
    uint32_t cbStruct;
    JET_COLUMNID columnid;
    JET_COLTYP coltyp;
    unsigned short wCountry;
    unsigned short langid;
    unsigned short cp;
    unsigned short wCollate;
    uint32_t cbMax;
    JET_GRBIT grbit;
} JET_COLUMNDEF;

typedef struct {
    uint32_t cbStruct;
    WCHAR *szColumnName;
    JET_COLTYP coltyp;
    uint32_t cbMax;
    JET_GRBIT grbit;
    void *pvDefault;
    uint32_t cbDefault;
    uint32_t cp;
    JET_COLUMNID columnid;
    JET_ERR err;
} JET_COLUMNCREATE_W;

typedef struct {
    uint32_t lcid;
    uint32_t dwMapFlags;
} JET_UNICODEINDEX;

typedef struct {
    uint32_t chLengthMin;
    uint32_t chLengthMax;
    uint32_t chToIndexMax;
    uint32_t cchIncrement;
    uint32_t ichStart;
} JET_TUPLELIMITS;

typedef struct {
    uint32_t cbStruct;
    WCHAR *szColumnName;
    JET_GRBIT grbit;
} JET_CONDITIONALCOLUMN_W;

typedef struct {
    uint32_t cbStruct;
    WCHAR *szIndexName;
    WCHAR *szKey;
    uint32_t cbKey;              /* bytes, both terminating NULs included */
    JET_GRBIT grbit;
    uint32_t ulDensity;
    union {
        uint32_t lcid;
        JET_UNICODEINDEX *pidxunicode;
    };
    union {
        uint32_t cbVarSegMac;
        JET_TUPLELIMITS *ptuplelimits;
    };
    JET_CONDITIONALCOLUMN_W *rgconditionalcolumn;
    uint32_t cConditionalColumn;
    JET_ERR err;
    uint32_t cbKeyMost;
} JET_INDEXCREATE_W;

typedef struct {
    uint32_t cbStruct;
    WCHAR *szTableName;
    WCHAR *szTemplateTableName;
    uint32_t ulPages;
    uint32_t ulDensity;
    JET_COLUMNCREATE_W *rgcolumncreate;
    uint32_t cColumns;
    JET_INDEXCREATE_W *rgindexcreate;
    uint32_t cIndexes;
    WCHAR *szCallback;
    JET_CBTYP cbtyp;
    JET_GRBIT grbit;
    JET_TABLEID tableid;
    uint32_t cCreated;
} JET_TABLECREATE2_W;

typedef struct {
    uint32_t cbStruct;
    uint32_t ibLongValue;
    uint32_t itagSequence;
} JET_SETINFO;

typedef struct {
    uint32_t cbStruct;
    uint32_t ibLongValue;
    uint32_t itagSequence;
    JET_COLUMNID columnidNextTagged;
} JET_RETINFO;

/* ---- the full data API: multi-column calls, positions, lists (layouts as the SDK's) ------- */

typedef struct {
    JET_COLUMNID columnid;
    void *pvData;
    uint32_t cbData;
    uint32_t cbActual;
    JET_GRBIT grbit;
    uint32_t ibLongValue;
    uint32_t itagSequence;
    JET_COLUMNID columnidNextTagged;
    JET_ERR err;
} JET_RETRIEVECOLUMN;

typedef struct {
    JET_COLUMNID columnid;
    const void *pvData;
    uint32_t cbData;
    JET_GRBIT grbit;
    uint32_t ibLongValue;
    uint32_t itagSequence;
    JET_ERR err;
} JET_SETCOLUMN;

typedef struct {
    uint32_t cbStruct;
    uint32_t centriesLT;
    uint32_t centriesInRange;
    uint32_t centriesTotal;
} JET_RECPOS;

typedef uint32_t JET_OBJTYP;
typedef double JET_DATESERIAL;

/* JetGetTableColumnInfo(JET_ColInfoList...): a temporary table of one row per column. */
typedef struct {
    uint32_t cbStruct;
    JET_TABLEID tableid;
    uint32_t cRecord;
    JET_COLUMNID columnidPresentationOrder;
    JET_COLUMNID columnidcolumnname;
    JET_COLUMNID columnidcolumnid;
    JET_COLUMNID columnidcoltyp;
    JET_COLUMNID columnidCountry;
    JET_COLUMNID columnidLangid;
    JET_COLUMNID columnidCp;
    JET_COLUMNID columnidCollate;
    JET_COLUMNID columnidcbMax;
    JET_COLUMNID columnidgrbit;
    JET_COLUMNID columnidDefault;
    JET_COLUMNID columnidBaseTableName;
    JET_COLUMNID columnidBaseColumnName;
    JET_COLUMNID columnidDefinitionName;
} JET_COLUMNLIST;

typedef struct {
    uint32_t cbStruct;
    JET_COLUMNID columnid;
    JET_COLTYP coltyp;
    unsigned short wCountry;
    unsigned short langid;
    unsigned short cp;
    unsigned short wFiller;
    uint32_t cbMax;
    JET_GRBIT grbit;
    WCHAR szBaseTableName[256];
    WCHAR szBaseColumnName[256];
} JET_COLUMNBASE_W;

/* JetGetTableIndexInfo(JET_IdxInfo / JET_IdxInfoList): one row per index column. */
typedef struct {
    uint32_t cbStruct;
    JET_TABLEID tableid;
    uint32_t cRecord;
    JET_COLUMNID columnidindexname;
    JET_COLUMNID columnidgrbitIndex;
    JET_COLUMNID columnidcKey;
    JET_COLUMNID columnidcEntry;
    JET_COLUMNID columnidcPage;
    JET_COLUMNID columnidcColumn;
    JET_COLUMNID columnidiColumn;
    JET_COLUMNID columnidcolumnid;
    JET_COLUMNID columnidcoltyp;
    JET_COLUMNID columnidCountry;
    JET_COLUMNID columnidLangid;
    JET_COLUMNID columnidCp;
    JET_COLUMNID columnidCollate;
    JET_COLUMNID columnidgrbitColumn;
    JET_COLUMNID columnidcolumnname;
    JET_COLUMNID columnidLCMapFlags;
} JET_INDEXLIST;

/* JetGetObjectInfo(JET_ObjInfoList...): one row per table. */
typedef struct {
    uint32_t cbStruct;
    JET_TABLEID tableid;
    uint32_t cRecord;
    JET_COLUMNID columnidcontainername;
    JET_COLUMNID columnidobjectname;
    JET_COLUMNID columnidobjtyp;
    JET_COLUMNID columniddtCreate;
    JET_COLUMNID columniddtUpdate;
    JET_COLUMNID columnidgrbit;
    JET_COLUMNID columnidflags;
    JET_COLUMNID columnidcRecord;
    JET_COLUMNID columnidcPage;
} JET_OBJECTLIST;

#pragma pack(push, 4)
typedef struct {
    uint32_t cbStruct;
    JET_OBJTYP objtyp;
    JET_DATESERIAL dtCreate;  /* obsolete: 0 */
    JET_DATESERIAL dtUpdate;  /* obsolete: 0 */
    JET_GRBIT grbit;
    uint32_t flags;
    uint32_t cRecord;
    uint32_t cPage;
} JET_OBJECTINFO;
#pragma pack(pop)

/* ------------------------------------------------------------------------------------------ */
/* Errors and warnings                                                                        */

#include "esent_errors.h"

/* ------------------------------------------------------------------------------------------ */
/* Parameter ids, grbits, column types and other constants (shared with esent_compat.h)        */

#include "esent_constants.h"

/* ------------------------------------------------------------------------------------------ */
/* Functions libese implements                                                                */

JET_ERR JET_API JetCreateInstance2W(JET_INSTANCE *pinstance, JET_PCWSTR szInstanceName,
                                    JET_PCWSTR szDisplayName, JET_GRBIT grbit);
JET_ERR JET_API JetSetSystemParameterW(JET_INSTANCE *pinstance, JET_SESID sesid,
                                       ESE_ULONG paramid, JET_API_PTR lParam,
                                       JET_PCWSTR szParam);
JET_ERR JET_API JetGetSystemParameterW(JET_INSTANCE instance, JET_SESID sesid,
                                       ESE_ULONG paramid, JET_API_PTR *plParam,
                                       JET_PWSTR szParam, ESE_ULONG cbMax);
JET_ERR JET_API JetInit3W(JET_INSTANCE *pinstance, JET_RSTINFO_W *prstInfo, JET_GRBIT grbit);
JET_ERR JET_API JetTerm2(JET_INSTANCE instance, JET_GRBIT grbit);
JET_ERR JET_API JetBeginSessionW(JET_INSTANCE instance, JET_SESID *psesid,
                                 JET_PCWSTR szUserName, JET_PCWSTR szPassword);
JET_ERR JET_API JetEndSession(JET_SESID sesid, JET_GRBIT grbit);
JET_ERR JET_API JetGetVersion(JET_SESID sesid, ESE_ULONG *pwVersion);
JET_ERR JET_API JetStopBackupInstance(JET_INSTANCE instance);
JET_ERR JET_API JetStopServiceInstance(JET_INSTANCE instance);
JET_ERR JET_API JetStopServiceInstance2(JET_INSTANCE instance, const JET_GRBIT grbit);

/* streaming backup (api_backup.c; contract: docs/contract/backup.md).  The SDK's `unsigned long`
 * sizes are ESE_ULONG (32 bits); JET_HANDLE is pointer-sized; the one file handle is 0. */
JET_ERR JET_API JetBeginExternalBackupInstance(JET_INSTANCE instance, JET_GRBIT grbit);
JET_ERR JET_API JetGetAttachInfoInstanceW(JET_INSTANCE instance, JET_PWSTR szzDatabases,
                                          ESE_ULONG cbMax, ESE_ULONG *pcbActual);
JET_ERR JET_API JetOpenFileInstanceW(JET_INSTANCE instance, JET_PCWSTR szFileName,
                                     JET_HANDLE *phfFile, ESE_ULONG *pulFileSizeLow,
                                     ESE_ULONG *pulFileSizeHigh);
JET_ERR JET_API JetReadFileInstance(JET_INSTANCE instance, JET_HANDLE hfFile, void *pv,
                                    ESE_ULONG cb, ESE_ULONG *pcbActual);
JET_ERR JET_API JetCloseFileInstance(JET_INSTANCE instance, JET_HANDLE hfFile);
JET_ERR JET_API JetGetLogInfoInstanceW(JET_INSTANCE instance, JET_PWSTR wszzLogs, ESE_ULONG cbMax,
                                       ESE_ULONG *pcbActual);
JET_ERR JET_API JetGetLogInfoInstance2W(JET_INSTANCE instance, JET_PWSTR wszzLogs,
                                        ESE_ULONG cbMax, ESE_ULONG *pcbActual,
                                        JET_LOGINFO_W *pLogInfo);
JET_ERR JET_API JetGetTruncateLogInfoInstanceW(JET_INSTANCE instance, JET_PWSTR wszzLogs,
                                               ESE_ULONG cbMax, ESE_ULONG *pcbActual);
JET_ERR JET_API JetTruncateLogInstance(JET_INSTANCE instance);
JET_ERR JET_API JetEndExternalBackupInstance(JET_INSTANCE instance);
JET_ERR JET_API JetEndExternalBackupInstance2(JET_INSTANCE instance, JET_GRBIT grbit);

/* restore and one-call backup (api_restore.c; contract: docs/contract/restore.md).  The SDK's
 * `long` counts and generations are ESE_LONG (32 bits). */
JET_ERR JET_API JetExternalRestoreW(JET_PWSTR szCheckpointFilePath, JET_PWSTR szLogPath,
                                    JET_RSTMAP_W *rgrstmap, ESE_LONG crstfilemap,
                                    JET_PWSTR szBackupLogPath, ESE_LONG genLow, ESE_LONG genHigh,
                                    JET_PFNSTATUS pfn);
JET_ERR JET_API JetExternalRestore2W(JET_PWSTR szCheckpointFilePath, JET_PWSTR szLogPath,
                                     JET_RSTMAP_W *rgrstmap, ESE_LONG crstfilemap,
                                     JET_PWSTR szBackupLogPath, JET_LOGINFO_W *pLogInfo,
                                     JET_PWSTR szTargetInstanceName,
                                     JET_PWSTR szTargetInstanceLogPath,
                                     JET_PWSTR szTargetInstanceCheckpointPath,
                                     JET_PFNSTATUS pfn);
JET_ERR JET_API JetRestoreInstanceW(JET_INSTANCE instance, JET_PCWSTR sz, JET_PCWSTR szDest,
                                    JET_PFNSTATUS pfn);
JET_ERR JET_API JetBackupInstanceW(JET_INSTANCE instance, JET_PCWSTR szBackupPath,
                                   JET_GRBIT grbit, JET_PFNSTATUS pfnStatus);

/* transactions (trx.c; contract: docs/contract/transactions.md).  JET_COMMIT_ID as the SDK
 * declares it: signLog, 4 bytes of packing, then the commit record's LGPOS as an __int64. */
typedef struct {
    JET_SIGNATURE signLog;
    int32_t reserved;
    int64_t commitId;
} JET_COMMIT_ID;

JET_ERR JET_API JetBeginTransaction(JET_SESID sesid);
JET_ERR JET_API JetBeginTransaction2(JET_SESID sesid, JET_GRBIT grbit);
JET_ERR JET_API JetBeginTransaction3(JET_SESID sesid, int64_t trxid, JET_GRBIT grbit);
JET_ERR JET_API JetCommitTransaction(JET_SESID sesid, JET_GRBIT grbit);
JET_ERR JET_API JetCommitTransaction2(JET_SESID sesid, JET_GRBIT grbit,
                                      ESE_ULONG cmsecDurableCommit, JET_COMMIT_ID *pCommitId);
JET_ERR JET_API JetRollback(JET_SESID sesid, JET_GRBIT grbit);
JET_ERR JET_API JetSetSessionContext(JET_SESID sesid, JET_API_PTR ulContext);
JET_ERR JET_API JetResetSessionContext(JET_SESID sesid);

/* databases (api_database.c) */
JET_ERR JET_API JetCreateDatabase2W(JET_SESID sesid, const WCHAR *szFilename,
                                    const ESE_ULONG cpgDatabaseSizeMax, JET_DBID *pdbid,
                                    JET_GRBIT grbit);
JET_ERR JET_API JetAttachDatabase2W(JET_SESID sesid, const WCHAR *szFilename,
                                    const ESE_ULONG cpgDatabaseSizeMax, JET_GRBIT grbit);
JET_ERR JET_API JetDetachDatabase2W(JET_SESID sesid, const WCHAR *szFilename, JET_GRBIT grbit);
JET_ERR JET_API JetOpenDatabaseW(JET_SESID sesid, const WCHAR *szFilename,
                                 const WCHAR *szConnect, JET_DBID *pdbid, JET_GRBIT grbit);
JET_ERR JET_API JetCloseDatabase(JET_SESID sesid, JET_DBID dbid, JET_GRBIT grbit);
JET_ERR JET_API JetGetDatabaseFileInfoW(const WCHAR *szDatabaseName, void *pvResult,
                                        ESE_ULONG cbMax, ESE_ULONG InfoLevel);
JET_ERR JET_API JetCreateTableColumnIndex2W(JET_SESID sesid, JET_DBID dbid,
                                            JET_TABLECREATE2_W *ptablecreate);

/* tables and records (api_table.c) */
JET_ERR JET_API JetOpenTableW(JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName,
                              const void *pvParameters, ESE_ULONG cbParameters,
                              JET_GRBIT grbit, JET_TABLEID *ptableid);
JET_ERR JET_API JetCloseTable(JET_SESID sesid, JET_TABLEID tableid);
JET_ERR JET_API JetGetTableColumnInfoW(JET_SESID sesid, JET_TABLEID tableid,
                                       const WCHAR *szColumnName, void *pvResult,
                                       ESE_ULONG cbMax, ESE_ULONG InfoLevel);
JET_ERR JET_API JetPrepareUpdate(JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG prep);
JET_ERR JET_API JetSetColumn(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                             const void *pvData, ESE_ULONG cbData, JET_GRBIT grbit,
                             JET_SETINFO *psetinfo);
JET_ERR JET_API JetUpdate(JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark,
                          ESE_ULONG cbBookmark, ESE_ULONG *pcbActual);
JET_ERR JET_API JetDelete(JET_SESID sesid, JET_TABLEID tableid);
JET_ERR JET_API JetRetrieveColumn(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                                  void *pvData, ESE_ULONG cbData, ESE_ULONG *pcbActual,
                                  JET_GRBIT grbit, JET_RETINFO *pretinfo);
JET_ERR JET_API JetMove(JET_SESID sesid, JET_TABLEID tableid, ESE_LONG cRow, JET_GRBIT grbit);
JET_ERR JET_API JetMakeKey(JET_SESID sesid, JET_TABLEID tableid, const void *pvData,
                           ESE_ULONG cbData, JET_GRBIT grbit);
JET_ERR JET_API JetSeek(JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit);

/* indexes (secondary indexes, the current index) */
JET_ERR JET_API JetCreateIndexW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName,
                                JET_GRBIT grbit, const WCHAR *szKey, ESE_ULONG cbKey,
                                ESE_ULONG lDensity);
JET_ERR JET_API JetCreateIndex2W(JET_SESID sesid, JET_TABLEID tableid,
                                 JET_INDEXCREATE_W *pindexcreate, ESE_ULONG cIndexCreate);
JET_ERR JET_API JetDeleteIndexW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName);
JET_ERR JET_API JetSetCurrentIndexW(JET_SESID sesid, JET_TABLEID tableid,
                                    const WCHAR *szIndexName);
JET_ERR JET_API JetSetCurrentIndex2W(JET_SESID sesid, JET_TABLEID tableid,
                                     const WCHAR *szIndexName, JET_GRBIT grbit);
JET_ERR JET_API JetSetCurrentIndex3W(JET_SESID sesid, JET_TABLEID tableid,
                                     const WCHAR *szIndexName, JET_GRBIT grbit,
                                     ESE_ULONG itagSequence);
JET_ERR JET_API JetGetCurrentIndexW(JET_SESID sesid, JET_TABLEID tableid, WCHAR *szIndexName,
                                    ESE_ULONG cbIndexName);
JET_ERR JET_API JetGetTableIndexInfoW(JET_SESID sesid, JET_TABLEID tableid,
                                      const WCHAR *szIndexName, void *pvResult,
                                      ESE_ULONG cbResult, ESE_ULONG InfoLevel);

/* cursors, keys, ranges, positions, bookmarks, several columns at once, escrow */
JET_ERR JET_API JetSetIndexRange(JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit);
JET_ERR JET_API JetIndexRecordCount(JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG *pcrec,
                                    ESE_ULONG crecMax);
JET_ERR JET_API JetRetrieveKey(JET_SESID sesid, JET_TABLEID tableid, void *pvKey,
                               ESE_ULONG cbMax, ESE_ULONG *pcbActual, JET_GRBIT grbit);
JET_ERR JET_API JetGetBookmark(JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark,
                               ESE_ULONG cbMax, ESE_ULONG *pcbActual);
JET_ERR JET_API JetGotoBookmark(JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark,
                                ESE_ULONG cbBookmark);
JET_ERR JET_API JetGetRecordPosition(JET_SESID sesid, JET_TABLEID tableid, JET_RECPOS *precpos,
                                     ESE_ULONG cbRecpos);
JET_ERR JET_API JetGotoPosition(JET_SESID sesid, JET_TABLEID tableid, JET_RECPOS *precpos);
JET_ERR JET_API JetRetrieveColumns(JET_SESID sesid, JET_TABLEID tableid,
                                   JET_RETRIEVECOLUMN *pretrievecolumn,
                                   ESE_ULONG cretrievecolumn);
JET_ERR JET_API JetSetColumns(JET_SESID sesid, JET_TABLEID tableid, JET_SETCOLUMN *psetcolumn,
                              ESE_ULONG csetcolumn);
JET_ERR JET_API JetEscrowUpdate(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                                void *pv, ESE_ULONG cbMax, void *pvOld, ESE_ULONG cbOldMax,
                                ESE_ULONG *pcbOldActual, JET_GRBIT grbit);

/* schema changes and catalog information */
JET_ERR JET_API JetAddColumnW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szColumnName,
                              const JET_COLUMNDEF *pcolumndef, const void *pvDefault,
                              ESE_ULONG cbDefault, JET_COLUMNID *pcolumnid);
JET_ERR JET_API JetDeleteColumnW(JET_SESID sesid, JET_TABLEID tableid,
                                 const WCHAR *szColumnName);
JET_ERR JET_API JetDeleteColumn2W(JET_SESID sesid, JET_TABLEID tableid,
                                  const WCHAR *szColumnName, const JET_GRBIT grbit);
JET_ERR JET_API JetRenameColumnW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szName,
                                 const WCHAR *szNameNew, JET_GRBIT grbit);
JET_ERR JET_API JetDeleteTableW(JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName);
JET_ERR JET_API JetRenameTableW(JET_SESID sesid, JET_DBID dbid, const WCHAR *szName,
                                const WCHAR *szNameNew);
JET_ERR JET_API JetGetColumnInfoW(JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName,
                                  const WCHAR *pColumnNameOrId, void *pvResult,
                                  ESE_ULONG cbMax, ESE_ULONG InfoLevel);
JET_ERR JET_API JetGetObjectInfoW(JET_SESID sesid, JET_DBID dbid, JET_OBJTYP objtyp,
                                  const WCHAR *szContainerName, const WCHAR *szObjectName,
                                  void *pvResult, ESE_ULONG cbMax, ESE_ULONG InfoLevel);
JET_ERR JET_API JetGetTableInfoW(JET_SESID sesid, JET_TABLEID tableid, void *pvResult,
                                 ESE_ULONG cbMax, ESE_ULONG InfoLevel);

#ifdef __cplusplus
}
#endif

#endif /* LIBESE_ESENT_H */
