/*
 * test_index_api.c -- the Jet index calls (api_index.c) and the existing cursor calls on a
 * secondary index with duplicates.  Each test names the ESENT documentation page it follows
 * (learn.microsoft.com/windows/win32/extensible-storage-engine/<page>).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "fault.h"
#include "esent.h"
#include "support.h"

static char g_folder[300];
static JET_INSTANCE g_inst;
static JET_SESID g_ses;
static JET_DBID g_dbid;
static char g_db[400];
static JET_COLUMNID g_id, g_val, g_name;

/* "+Val\0\0" etc. as JetCreateIndex takes them; cb in bytes, both NULs counted. */
static const WCHAR *key_of(const char *spec, ESE_ULONG *pcb)
{
    static WCHAR buf[128];
    size_t n = strlen(spec);
    for (size_t i = 0; i <= n; i++)
        buf[i] = spec[i] == '|' ? 0 : (WCHAR)spec[i];
    buf[n + 1] = 0;
    *pcb = (ESE_ULONG)((n + 2) * sizeof(WCHAR));
    return buf;
}

static void insert(JET_TABLEID t, int32_t id, int32_t val, const char *name)
{
    CHECK_ERR(JetPrepareUpdate(g_ses, t, JET_prepInsert), JET_errSuccess);
    CHECK_ERR(JetSetColumn(g_ses, t, g_id, &id, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(g_ses, t, g_val, &val, 4, 0, NULL), JET_errSuccess);
    if (name)
        CHECK_ERR(JetSetColumn(g_ses, t, g_name, name, (ESE_ULONG)strlen(name), 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(g_ses, t, NULL, 0, NULL), JET_errSuccess);
}

static int32_t col_long(JET_TABLEID t, JET_COLUMNID c)
{
    int32_t v = -999;
    ESE_ULONG cb = 0;
    JET_ERR err = JetRetrieveColumn(g_ses, t, c, &v, sizeof v, &cb, 0, NULL);
    return err == JET_errSuccess && cb == 4 ? v : -999;
}

/* The ids in the table's current order (backward: from the last), as a string "3,1,2". */
static void order_dir(JET_TABLEID t, char *out, size_t cb, bool backward)
{
    out[0] = 0;
    for (JET_ERR err = JetMove(g_ses, t, backward ? JET_MoveLast : JET_MoveFirst, 0);
         err == JET_errSuccess; err = JetMove(g_ses, t, backward ? JET_MovePrevious : JET_MoveNext, 0)) {
        size_t n = strlen(out);
        snprintf(out + n, cb - n, "%s%d", n ? "," : "", col_long(t, g_id));
    }
}

static void order(JET_TABLEID t, char *out, size_t cb)
{
    order_dir(t, out, cb, false);
}

#define CHECK_ORDER(t, expected)                                                              \
    do {                                                                                      \
        char got_[512];                                                                       \
        order(t, got_, sizeof got_);                                                          \
        CHECK(!strcmp(got_, expected));                                                       \
        if (strcmp(got_, expected))                                                           \
            fprintf(stderr, "  order %s, expected %s\n", got_, expected);                   \
    } while (0)

static JET_TABLEID make_table(const char *name)
{
    static const char *const names[] = {"Id", "Val", "Name"};
    static const JET_COLTYP types[] = {JET_coltypLong, JET_coltypLong, JET_coltypText};
    JET_TABLEID t = 0;
    JET_COLUMNID ids[3];
    CHECK_ERR(support_create_table(g_ses, g_dbid, name, 3, names, types, JET_bitColumnNotNULL, &t, ids),
              JET_errSuccess);
    g_id = ids[0];
    g_val = ids[1];
    g_name = ids[2];
    return t;
}

/* jetcreateindex-function, jetcreateindex2-function, jet-indexcreate-structure,
 * jetsetcurrentindex-function, jetgetcurrentindex-function, jetmove-function */
static void test_create_and_move(void)
{
    JET_TABLEID t = make_table("T1");
    insert(t, 1, 30, "c");
    insert(t, 2, 10, "a");
    insert(t, 3, 20, NULL);
    insert(t, 4, 10, "b");
    ESE_ULONG cb;
    const WCHAR *k = key_of("+Val|", &cb);
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("ByVal"), 0, k, cb, 0), JET_errSuccess);
    k = key_of("+Val|", &cb);
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("byval"), 0, k, cb, 0), JET_errIndexDuplicate);
    k = key_of("+Nope|", &cb);
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("Bad"), 0, k, cb, 0), JET_errColumnNotFound);
    k = key_of("+Val|", &cb);
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("Dens"), 0, k, cb, 5), JET_errDensityInvalid);
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("P2"), JET_bitIndexPrimary, k, cb, 0), JET_errIndexHasPrimary);
    /* a unique index over duplicate rows is refused, and nothing remains of it */
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("UVal"), JET_bitIndexUnique, k, cb, 0), JET_errKeyDuplicate);
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, W("UVal")), JET_errIndexNotFound);
    /* JetCreateIndex2: several, each with its err */
    JET_INDEXCREATE_W ic[2];
    memset(ic, 0, sizeof ic);
    WCHAR k1[16] = {'-', 'V', 'a', 'l', 0, '+', 'I', 'd', 0, 0};
    WCHAR k2[16] = {'+', 'N', 'a', 'm', 'e', 0, 0};
    ic[0] = (JET_INDEXCREATE_W){.cbStruct = sizeof ic[0], .szIndexName = (WCHAR *)W("ValDescId"),
                                .szKey = k1, .cbKey = 10 * sizeof(WCHAR)};
    ic[1].cbStruct = sizeof ic[1];
    ic[1].szIndexName = (WCHAR *)W("ByName");
    ic[1].szKey = k2;
    ic[1].cbKey = 7 * sizeof(WCHAR);
    ic[1].grbit = JET_bitIndexUnique | JET_bitIndexIgnoreNull;
    ic[0].err = ic[1].err = 1;
    CHECK_ERR(JetCreateIndex2W(g_ses, t, ic, 2), JET_errSuccess);
    CHECK(ic[0].err == JET_errSuccess && ic[1].err == JET_errSuccess);

    /* JetSetCurrentIndex: MoveFirst positions on the first entry */
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, W("ByVal")), JET_errSuccess);
    CHECK(col_long(t, g_id) == 2);
    CHECK_ORDER(t, "2,4,3,1");
    char back[64];
    order_dir(t, back, sizeof back, true);
    CHECK(!strcmp(back, "1,3,4,2"));
    WCHAR name[64 + 1];
    CHECK_ERR(JetGetCurrentIndexW(g_ses, t, name, sizeof name), JET_errSuccess);
    char narrow[80];
    support_narrow(name, narrow, sizeof narrow);
    CHECK(!strcmp(narrow, "ByVal"));
    CHECK_ERR(JetGetCurrentIndexW(g_ses, t, name, 3 * sizeof(WCHAR)), JET_wrnBufferTruncated);
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, W("ValDescId")), JET_errSuccess);
    CHECK_ORDER(t, "1,3,2,4");
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, W("ByName")), JET_errSuccess);
    CHECK_ORDER(t, "2,4,1"); /* IgnoreNull: row 3 has no entry */
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, NULL), JET_errSuccess);
    CHECK_ORDER(t, "1,2,3,4");
    CHECK_ERR(JetGetCurrentIndexW(g_ses, t, name, sizeof name), JET_errSuccess);
    support_narrow(name, narrow, sizeof narrow);
    CHECK(!strcmp(narrow, "pk"));
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, W("Missing")), JET_errIndexNotFound);

    /* JET_bitNoMove keeps the record; a record the index ignores: JET_errNoCurrentRecord */
    int32_t id = 4;
    CHECK_ERR(JetMakeKey(g_ses, t, &id, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetSeek(g_ses, t, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetSetCurrentIndex2W(g_ses, t, W("ByVal"), JET_bitNoMove), JET_errSuccess);
    CHECK(col_long(t, g_id) == 4);
    CHECK_ERR(JetMove(g_ses, t, JET_MovePrevious, 0), JET_errSuccess);
    CHECK(col_long(t, g_id) == 2);
    CHECK_ERR(JetSetCurrentIndex2W(g_ses, t, W("ByVal"), JET_bitMoveFirst), JET_errSuccess);
    CHECK(col_long(t, g_id) == 2); /* the current index again: nothing moves */
    id = 3;
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, NULL), JET_errSuccess);
    CHECK_ERR(JetMakeKey(g_ses, t, &id, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetSeek(g_ses, t, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetSetCurrentIndex3W(g_ses, t, W("ByName"), JET_bitNoMove, 1), JET_errNoCurrentRecord);
    CHECK_ERR(JetSetCurrentIndex2W(g_ses, t, W("ByName"), 0x80), JET_errInvalidGrbit);
    CHECK_ERR(JetCloseTable(g_ses, t), JET_errSuccess);
}

/* jetseek-function, jetmakekey-function, jetretrievecolumn-function, jetupdate-function,
 * jetdelete-function: through a secondary index with duplicates */
static void test_seek_update_delete(void)
{
    JET_TABLEID t = make_table("T2");
    for (int32_t i = 1; i <= 9; i++)
        insert(t, i, i % 3, NULL); /* Val: 1,2,0,1,2,0,1,2,0 */
    ESE_ULONG cb;
    const WCHAR *k = key_of("+Val|", &cb);
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("ByVal"), 0, k, cb, 0), JET_errSuccess);
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, W("ByVal")), JET_errSuccess);
    CHECK_ORDER(t, "3,6,9,1,4,7,2,5,8");
    /* EQ / GE / GT land on the first entry of a key, LE / LT on the last; a seek compares index
     * keys only */
    static const struct {
        int32_t val;
        JET_GRBIT grbit;
        JET_ERR err;
        int32_t id;
    } seeks[] = {
        {1, JET_bitSeekEQ, JET_errSuccess, 1},       {1, JET_bitSeekLE, JET_errSuccess, 7},
        {1, JET_bitSeekGT, JET_errSuccess, 2},       {1, JET_bitSeekLT, JET_errSuccess, 9},
        {1, JET_bitSeekGE, JET_errSuccess, 1},       {5, JET_bitSeekEQ, JET_errRecordNotFound, 0},
        {5, JET_bitSeekGE, JET_errRecordNotFound, 0}, {5, JET_bitSeekLE, JET_wrnSeekNotEqual, 8},
        {-1, JET_bitSeekGE, JET_wrnSeekNotEqual, 3},  {-1, JET_bitSeekLT, JET_errRecordNotFound, 0},
    };
    int32_t v;
    for (size_t i = 0; i < sizeof seeks / sizeof seeks[0]; i++) {
        v = seeks[i].val;
        CHECK_ERR(JetMakeKey(g_ses, t, &v, 4, JET_bitNewKey), JET_errSuccess);
        CHECK_ERR(JetSeek(g_ses, t, seeks[i].grbit), seeks[i].err);
        if (seeks[i].id)
            CHECK(col_long(t, g_id) == seeks[i].id);
    }

    /* replace through the index: the entry moves, the cursor stays on the row */
    v = 1;
    CHECK_ERR(JetMakeKey(g_ses, t, &v, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetSeek(g_ses, t, JET_bitSeekEQ), JET_errSuccess);
    CHECK_ERR(JetMove(g_ses, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(col_long(t, g_id) == 4);
    CHECK_ERR(JetPrepareUpdate(g_ses, t, JET_prepReplace), JET_errSuccess);
    int32_t nv = 7;
    CHECK_ERR(JetSetColumn(g_ses, t, g_val, &nv, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(g_ses, t, NULL, 0, NULL), JET_errSuccess);
    CHECK(col_long(t, g_val) == 7);
    CHECK_ERR(JetMove(g_ses, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(col_long(t, g_id) == 7); /* the next entry after the old place */
    /* delete through the index, then move on */
    CHECK_ERR(JetDelete(g_ses, t), JET_errSuccess);
    CHECK_ERR(JetRetrieveColumn(g_ses, t, g_id, &v, 4, NULL, 0, NULL), JET_errRecordDeleted);
    CHECK_ERR(JetMove(g_ses, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(col_long(t, g_id) == 2);
    CHECK_ORDER(t, "3,6,9,1,2,5,8,4");
    /* inside a transaction: own changes are read through the index, rollback undoes them */
    CHECK_ERR(JetBeginTransaction(g_ses), JET_errSuccess);
    insert(t, 10, 0, NULL);
    CHECK_ORDER(t, "3,6,9,10,1,2,5,8,4");
    CHECK_ERR(JetRollback(g_ses, 0), JET_errSuccess);
    CHECK_ORDER(t, "3,6,9,1,2,5,8,4");
    /* a replace through the index inside a transaction (jetprepareupdate-function: the row is
     * locked by its bookmark), seen through the index at once, committed */
    CHECK_ERR(JetBeginTransaction(g_ses), JET_errSuccess);
    v = 2;
    CHECK_ERR(JetMakeKey(g_ses, t, &v, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(JetSeek(g_ses, t, JET_bitSeekEQ), JET_errSuccess);
    CHECK(col_long(t, g_id) == 2);
    CHECK_ERR(JetPrepareUpdate(g_ses, t, JET_prepReplace), JET_errSuccess);
    nv = -1;
    CHECK_ERR(JetSetColumn(g_ses, t, g_val, &nv, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(g_ses, t, NULL, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetMove(g_ses, t, JET_MoveNext, 0), JET_errSuccess);
    CHECK(col_long(t, g_id) == 5);
    CHECK_ORDER(t, "2,3,6,9,1,5,8,4");
    CHECK_ERR(JetCommitTransaction(g_ses, 0), JET_errSuccess);
    CHECK_ORDER(t, "2,3,6,9,1,5,8,4");
    /* a unique index refuses a duplicate at JetUpdate (jetupdate-function: JET_errKeyDuplicate) */
    k = key_of("+Name|", &cb);
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("UName"), JET_bitIndexUnique | JET_bitIndexIgnoreNull, k, cb, 0),
              JET_errSuccess);
    insert(t, 20, 0, "x");
    CHECK_ERR(JetPrepareUpdate(g_ses, t, JET_prepInsert), JET_errSuccess);
    int32_t id = 21;
    CHECK_ERR(JetSetColumn(g_ses, t, g_id, &id, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(g_ses, t, g_name, "X", 1, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(g_ses, t, NULL, 0, NULL), JET_errKeyDuplicate); /* case-insensitive */
    CHECK_ERR(JetPrepareUpdate(g_ses, t, JET_prepCancel), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(g_ses), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(g_ses, t, JET_prepInsert), JET_errSuccess);
    CHECK_ERR(JetSetColumn(g_ses, t, g_id, &id, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(g_ses, t, g_name, "x", 1, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(g_ses, t, NULL, 0, NULL), JET_errKeyDuplicate);
    CHECK_ERR(JetPrepareUpdate(g_ses, t, JET_prepCancel), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(g_ses, 0), JET_errSuccess);

    /* jetgettableindexinfo-function, the number levels */
    ESE_ULONG n = 0;
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, NULL, &n, sizeof n, JET_IdxInfoCount), JET_errSuccess);
    CHECK(n == 3);
    uint16_t km = 0;
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, W("ByVal"), &km, sizeof km, JET_IdxInfoKeyMost), JET_errSuccess);
    CHECK(km == 255);
    ESE_ULONG dens = 0, lcid = 0;
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, W("ByVal"), &dens, sizeof dens, JET_IdxInfoSpaceAlloc), JET_errSuccess);
    CHECK(dens == 80);
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, W("ByVal"), &lcid, sizeof lcid, JET_IdxInfoLangid), JET_errSuccess);
    CHECK(lcid == 1033);
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, W("Nope"), &lcid, sizeof lcid, JET_IdxInfoLangid), JET_errIndexNotFound);
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, NULL, &km, 1, JET_IdxInfoKeyMost), JET_errBufferTooSmall);

    /* jetdeleteindex-function: another cursor on it, the primary, a missing one, the own one */
    JET_TABLEID t2 = 0;
    CHECK_ERR(JetOpenTableW(g_ses, g_dbid, W("T2"), NULL, 0, 0, &t2), JET_errSuccess);
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t2, W("UName")), JET_errSuccess);
    CHECK_ERR(JetDeleteIndexW(g_ses, t, W("UName")), JET_errIndexInUse);
    CHECK_ERR(JetCloseTable(g_ses, t2), JET_errSuccess);
    CHECK_ERR(JetDeleteIndexW(g_ses, t, W("UName")), JET_errSuccess);
    CHECK_ERR(JetDeleteIndexW(g_ses, t, W("UName")), JET_errIndexNotFound);
    CHECK_ERR(JetDeleteIndexW(g_ses, t, W("pk")), JET_errIndexMustStay);
    CHECK_ERR(JetDeleteIndexW(g_ses, t, W("ByVal")), JET_errSuccess); /* the current one */
    CHECK_ERR(JetGetCurrentIndexW(g_ses, t, (WCHAR[64 + 1]){0}, 2 * (64 + 1)),
              JET_errSuccess);
    CHECK_ERR(JetMove(g_ses, t, JET_MoveNext, 0), JET_errSuccess); /* before the first: first */
    CHECK(col_long(t, g_id) == 1);
    CHECK_ERR(JetCloseTable(g_ses, t), JET_errSuccess);
}

/* jetcreatetablecolumnindex2-function: secondary indexes in rgindexcreate */
static void test_create_table_with_indexes(void)
{
    JET_COLUMNCREATE_W cols[2];
    memset(cols, 0, sizeof cols);
    cols[0].cbStruct = cols[1].cbStruct = sizeof cols[0];
    cols[0].szColumnName = (WCHAR *)W("K");
    cols[0].coltyp = JET_coltypLong;
    WCHAR wv[4], wvdesc[16], wvkm[16], wt3[8], wt4[8];
    cols[1].szColumnName = support_widen(wv, 4, "V");
    cols[1].coltyp = JET_coltypLong;
    WCHAR kp[] = {'+', 'K', 0, 0}, kv[] = {'-', 'V', 0, 0};
    JET_INDEXCREATE_W ix[3];
    memset(ix, 0, sizeof ix);
    for (int i = 0; i < 3; i++)
        ix[i].cbStruct = sizeof ix[i];
    ix[0].szIndexName = (WCHAR *)W("P");
    ix[0].szKey = kp;
    ix[0].cbKey = sizeof kp;
    ix[0].grbit = JET_bitIndexPrimary;
    ix[1].szIndexName = support_widen(wvdesc, 16, "VDesc");
    ix[1].szKey = kv;
    ix[1].cbKey = sizeof kv;
    ix[2].szIndexName = support_widen(wvkm, 16, "VKeyMost");
    ix[2].szKey = kv;
    ix[2].cbKey = sizeof kv;
    ix[2].grbit = JET_bitIndexKeyMost;
    ix[2].cbKeyMost = 500;
    JET_TABLECREATE2_W tc;
    memset(&tc, 0, sizeof tc);
    tc.cbStruct = sizeof tc;
    tc.szTableName = support_widen(wt3, 8, "T3");
    tc.rgcolumncreate = cols;
    tc.cColumns = 2;
    tc.rgindexcreate = ix;
    tc.cIndexes = 3;
    CHECK_ERR(JetCreateTableColumnIndex2W(g_ses, g_dbid, &tc), JET_errSuccess);
    CHECK(tc.cCreated == 6 && ix[1].err == 0 && ix[2].err == 0);
    uint16_t km = 0;
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, tc.tableid, W("VKeyMost"), &km, sizeof km, JET_IdxInfoKeyMost),
              JET_errSuccess);
    CHECK(km == 500);
    for (int32_t i = 0; i < 5; i++) {
        int32_t v = i * 10;
        CHECK_ERR(JetPrepareUpdate(g_ses, tc.tableid, JET_prepInsert), JET_errSuccess);
        CHECK_ERR(JetSetColumn(g_ses, tc.tableid, cols[0].columnid, &i, 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetSetColumn(g_ses, tc.tableid, cols[1].columnid, &v, 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(g_ses, tc.tableid, NULL, 0, NULL), JET_errSuccess);
    }
    CHECK_ERR(JetSetCurrentIndexW(g_ses, tc.tableid, W("VDesc")), JET_errSuccess);
    int32_t first = -1;
    CHECK_ERR(JetRetrieveColumn(g_ses, tc.tableid, cols[0].columnid, &first, 4, NULL, 0, NULL), JET_errSuccess);
    CHECK(first == 4);
    CHECK_ERR(JetCloseTable(g_ses, tc.tableid), JET_errSuccess);
    /* two primary indexes */
    tc.szTableName = support_widen(wt4, 8, "T4");
    ix[1] = ix[0];
    tc.cIndexes = 2;
    CHECK_ERR(JetCreateTableColumnIndex2W(g_ses, g_dbid, &tc), JET_errIndexHasPrimary);
}

/* The indexes come back after JetDetachDatabase + JetAttachDatabase (from the catalog). */
static void test_reattach(void)
{
    CHECK_ERR(JetCloseDatabase(g_ses, g_dbid, 0), JET_errSuccess);
    CHECK_ERR(JetDetachDatabase2W(g_ses, W(g_db), 0), JET_errSuccess);
    JET_TABLEID t = 0;
    CHECK_ERR(support_open_table(g_ses, g_db, true, &g_dbid, "T1", &t), JET_errSuccess);
    CHECK_ERR(support_column_id(g_ses, t, "Id", &g_id), JET_errSuccess);
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, W("ValDescId")), JET_errSuccess);
    CHECK_ORDER(t, "1,3,2,4");
    CHECK_ERR(JetSetCurrentIndexW(g_ses, t, W("ByName")), JET_errSuccess);
    CHECK_ORDER(t, "2,4,1");
    CHECK_ERR(JetCloseTable(g_ses, t), JET_errSuccess);
}


/* The index after a crash: a forked writer commits durable transactions that insert, replace
 * and delete rows of an indexed table and dies without JetTerm; JetInit's recovery must bring
 * the index back exactly with its rows (the maintenance is in each commit's page images). */
#define CRASH_ROWS 400
static int32_t crash_val(int32_t i)
{
    return i % 13 + (i % 7 == 0 ? 100 : 0);
}

static void crash_writer(const char *folder, const char *db)
{
    JET_INSTANCE inst;
    JET_SESID ses;
    JET_DBID dbid;
    if (support_start_instance(&inst, &ses, "index-crash", folder, folder, 0, false) < 0 ||
        JetCreateDatabase2W(ses, W(db), 0, &dbid, 0) < 0)
        _exit(3);
    g_ses = ses;
    g_dbid = dbid;
    JET_TABLEID t = make_table("C");
    ESE_ULONG cb;
    const WCHAR *k = key_of("+Val|", &cb);
    if (JetCreateIndexW(ses, t, W("ByVal"), 0, k, cb, 0) < 0)
        _exit(4);
    for (int32_t i = 0; i < CRASH_ROWS; i++) {
        if (i % 50 == 0 && JetBeginTransaction(ses) < 0)
            _exit(5);
        insert(t, i, i % 13, NULL);
        if (i % 50 == 49 && JetCommitTransaction(ses, 0) < 0)
            _exit(6);
    }
    CHECK_ERR(JetBeginTransaction(ses), JET_errSuccess);
    for (int32_t i = 0; i < CRASH_ROWS; i++) {
        if (i % 10 && i % 7)
            continue;
        CHECK_ERR(JetMakeKey(ses, t, &i, 4, JET_bitNewKey), JET_errSuccess);
        CHECK_ERR(JetSeek(ses, t, JET_bitSeekEQ), JET_errSuccess);
        if (i % 10 == 0) {
            CHECK_ERR(JetDelete(ses, t), JET_errSuccess);
        } else {
            int32_t v = crash_val(i);
            CHECK_ERR(JetPrepareUpdate(ses, t, JET_prepReplace), JET_errSuccess);
            CHECK_ERR(JetSetColumn(ses, t, g_val, &v, 4, 0, NULL), JET_errSuccess);
            CHECK_ERR(JetUpdate(ses, t, NULL, 0, NULL), JET_errSuccess);
        }
    }
    CHECK_ERR(JetCommitTransaction(ses, 0), JET_errSuccess);
    fflush(stdout);
    _exit(check_failed ? 7 : 0); /* no JetTerm: the database file was never flushed */
}

static void test_crash_recovery(void)
{
    char folder[320], db[400];
    snprintf(folder, sizeof folder, "%s/crash", g_folder);
    mkdir(folder, 0700);
    snprintf(db, sizeof db, "%s/crash.edb", folder);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        crash_writer(folder, db);
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    JET_INSTANCE inst;
    JET_SESID ses;
    JET_DBID dbid;
    JET_TABLEID t = 0;
    CHECK_ERR(support_start_instance(&inst, &ses, "index-crash2", folder, folder, 0, false), JET_errSuccess);
    CHECK_ERR(support_open_table(ses, db, true, &dbid, "C", &t), JET_errSuccess);
    JET_SESID saved = g_ses;
    g_ses = ses;
    CHECK_ERR(support_column_id(ses, t, "Id", &g_id), JET_errSuccess);
    CHECK_ERR(JetSetCurrentIndexW(ses, t, W("ByVal")), JET_errSuccess);
    /* expected: rows not deleted, ordered by (Val, Id) */
    char expected[4096] = "", got[4096];
    for (int32_t v = 0; v < 113; v++)
        for (int32_t i = 0; i < CRASH_ROWS; i++)
            if (i % 10 && crash_val(i) == v) {
                size_t n = strlen(expected);
                snprintf(expected + n, sizeof expected - n, "%s%d", n ? "," : "", i);
            }
    order(t, got, sizeof got);
    CHECK(!strcmp(got, expected));
    CHECK_ERR(JetCloseTable(ses, t), JET_errSuccess);
    CHECK_ERR(JetEndSession(ses, 0), JET_errSuccess);
    CHECK_ERR(JetTerm2(inst, 0), JET_errSuccess);
    g_ses = saved;
}

/* jetgettableindexinfo-function, jet-indexlist-structure: JET_IdxInfoList is a list table with
 * one row per key column of every index (JET_IdxInfo with a name: that index's rows only);
 * grbitColumn says JET_bitKeyDescending; the list table moves and closes like any table. */
static void test_index_list(void)
{
    JET_TABLEID t = make_table("T5");
    ESE_ULONG cb;
    const WCHAR *key = key_of("+Val|-Name|", &cb);
    CHECK_ERR(JetCreateIndexW(g_ses, t, W("ByValName"), 0, key, cb, 100), JET_errSuccess);
    JET_INDEXLIST il;
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, NULL, &il, sizeof il - 1, JET_IdxInfoList),
              JET_errBufferTooSmall);
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, NULL, &il, sizeof il, JET_IdxInfoList),
              JET_errSuccess);
    CHECK(il.cbStruct == sizeof il && il.cRecord == 3);
    char seen[200] = "";
    JET_ERR err = JetMove(g_ses, il.tableid, JET_MoveFirst, 0);
    for (; err == JET_errSuccess; err = JetMove(g_ses, il.tableid, JET_MoveNext, 0)) {
        char index[80], column[80], row[200];
        list_text(g_ses, il.tableid, il.columnidindexname, index, sizeof index);
        list_text(g_ses, il.tableid, il.columnidcolumnname, column, sizeof column);
        snprintf(row, sizeof row, "%s:%u/%u:%c%s:%u ", index,
                 list_u32(g_ses, il.tableid, il.columnidiColumn),
                 list_u32(g_ses, il.tableid, il.columnidcColumn),
                 list_u32(g_ses, il.tableid, il.columnidgrbitColumn) & 1 ? '-' : '+', column,
                 list_u32(g_ses, il.tableid, il.columnidcoltyp));
        strncat(seen, row, sizeof seen - strlen(seen) - 1);
    }
    CHECK_ERR(err, JET_errNoCurrentRecord);
    CHECK(strcmp(seen, "pk:0/1:+Id:4 ByValName:0/2:+Val:4 ByValName:1/2:-Name:10 ") == 0);
    if (strcmp(seen, "pk:0/1:+Id:4 ByValName:0/2:+Val:4 ByValName:1/2:-Name:10 ") != 0)
        fprintf(stderr, "index list: %s\n", seen);
    CHECK_ERR(JetCloseTable(g_ses, il.tableid), JET_errSuccess);
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, W("ByValName"), &il, sizeof il, JET_IdxInfo),
              JET_errSuccess);
    CHECK(il.cRecord == 2);
    CHECK_ERR(JetCloseTable(g_ses, il.tableid), JET_errSuccess);
    CHECK_ERR(JetGetTableIndexInfoW(g_ses, t, W("Nope"), &il, sizeof il, JET_IdxInfo),
              JET_errIndexNotFound);
    /* every allocation of the list can fail: the call fails cleanly, then succeeds */
    int failures = 0;
    for (uint64_t nth = 1; nth < 1000; nth++) {
        fault_reset();
        fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
        err = JetGetTableIndexInfoW(g_ses, t, NULL, &il, sizeof il, JET_IdxInfoList);
        fault_reset();
        if (err == JET_errSuccess)
            break;
        CHECK_ERR(err, JET_errOutOfMemory);
        failures++;
    }
    CHECK(failures > 0);
    CHECK_ERR(JetCloseTable(g_ses, il.tableid), JET_errSuccess);
    CHECK_ERR(JetCloseTable(g_ses, t), JET_errSuccess);
}

int main(void)
{
    if (support_make_root(g_folder, sizeof g_folder, "index-api") != 0)
        return 1;
    snprintf(g_db, sizeof g_db, "%s/idx.edb", g_folder);
    test_crash_recovery(); /* first: the fork happens before this process has threads */
    CHECK_ERR(support_start_instance(&g_inst, &g_ses, "index-api", g_folder, g_folder, 0, true),
              JET_errSuccess);
    CHECK_ERR(JetCreateDatabase2W(g_ses, W(g_db), 0, &g_dbid, 0), JET_errSuccess);
    test_create_and_move();
    test_seek_update_delete();
    test_create_table_with_indexes();
    test_reattach();
    test_index_list();
    CHECK_ERR(JetEndSession(g_ses, 0), JET_errSuccess);
    CHECK_ERR(JetTerm2(g_inst, 0), JET_errSuccess);
    support_remove_tree(g_folder);
    return check_summary();
}
