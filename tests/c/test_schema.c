/*
 * test_schema.c -- catalog information and schema changes through the Jet API: the temporary
 * list tables (api_list.c), JetGetTableColumnInfo / JetGetColumnInfo at every level,
 * JetGetObjectInfo, JetGetTableInfo, and the DDL calls (api_schema.c), each checked against
 * the ESENT documentation page named in the test, with allocation fault walks.
 *
 * Built and run by ci/sanitize with every .c file of src/libese and src/eseformat.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "database.h"
#include "esent.h"
#include "fault.h"
#include "osal.h"
#include "support.h"
#include "schema_support.h"

static const char *const k_names[] = {"id", "Name", "blob", "Count"};
static const JET_COLTYP k_types[] = {JET_coltypLong, JET_coltypText, JET_coltypLongBinary,
                                     JET_coltypShort};

static JET_ERR make_people(env *e, const char *name, JET_TABLEID *pt, JET_COLUMNID ids[4])
{
    return support_create_table(e->ses, e->dbid, name, 4, k_names, k_types, JET_bitColumnNotNULL,
                                pt, ids);
}

/* learn.microsoft.com "JetGetTableColumnInfo Function", "JetGetColumnInfo Function",
 * "JET_COLUMNDEF Structure", "JET_COLUMNBASE Structure". */
static void test_column_info(void)
{
    env e;
    JET_TABLEID t;
    JET_COLUMNID ids[4];
    CHECK_ERR(env_start(&e), JET_errSuccess);
    CHECK_ERR(make_people(&e, "people", &t, ids), JET_errSuccess);

    JET_COLUMNDEF def;
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W("name"), &def, sizeof def, JET_ColInfo),
              JET_errSuccess);
    CHECK(def.cbStruct == sizeof def && def.columnid == ids[1] && def.coltyp == JET_coltypText);
    CHECK(def.cbMax == 255 && def.cp == JET_CP_ASCII && def.grbit == JET_bitColumnUpdatable);
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W("id"), &def, sizeof def, JET_ColInfo),
              JET_errSuccess);
    CHECK(def.grbit == (JET_bitColumnFixed | JET_bitColumnNotNULL | JET_bitColumnUpdatable));
    CHECK(def.cbMax == 4);
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, (const WCHAR *)&ids[2], &def, sizeof def,
                                     JET_ColInfoByColid), JET_errSuccess);
    CHECK(def.coltyp == JET_coltypLongBinary && (def.grbit & JET_bitColumnTagged));
    JET_COLUMNID bad = 999;
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, (const WCHAR *)&bad, &def, sizeof def,
                                     JET_ColInfoByColid), JET_errColumnNotFound);
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W("nope"), &def, sizeof def, JET_ColInfo),
              JET_errColumnNotFound);
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W("id"), &def, sizeof def - 1, JET_ColInfo),
              JET_errBufferTooSmall);
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W("id"), &def, sizeof def, 99),
              JET_errInvalidParameter);

    JET_COLUMNBASE_W base;
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W("Count"), &base, sizeof base, JET_ColInfoBase),
              JET_errSuccess);
    char s[300];
    support_narrow(base.szBaseTableName, s, sizeof s);
    CHECK(!strcmp(s, "people"));
    support_narrow(base.szBaseColumnName, s, sizeof s);
    CHECK(!strcmp(s, "Count"));
    CHECK(base.columnid == ids[3] && base.coltyp == JET_coltypShort && base.cbMax == 2);

    /* JetGetColumnInfo: the same through the database and the table's name */
    CHECK_ERR(JetGetColumnInfoW(e.ses, e.dbid, W("PEOPLE"), W("blob"), &def, sizeof def,
                                JET_ColInfo), JET_errSuccess);
    CHECK(def.columnid == ids[2]);
    CHECK_ERR(JetGetColumnInfoW(e.ses, e.dbid, W("ghosts"), W("blob"), &def, sizeof def,
                                JET_ColInfo), JET_errObjectNotFound);
    CHECK_ERR(JetGetColumnInfoW(e.ses, e.dbid + 77, W("people"), W("blob"), &def, sizeof def,
                                JET_ColInfo), JET_errInvalidDatabaseId);
    env_stop(&e);
}

/* learn.microsoft.com "JET_COLUMNLIST Structure": a temporary table, one row per column; the
 * caller closes it. */
static void test_column_list(void)
{
    env e;
    JET_TABLEID t;
    JET_COLUMNID ids[4];
    CHECK_ERR(env_start(&e), JET_errSuccess);
    CHECK_ERR(make_people(&e, "people", &t, ids), JET_errSuccess);

    JET_COLUMNLIST cl;
    memset(&cl, 0, sizeof cl);
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, NULL, &cl, sizeof cl, JET_ColInfoList),
              JET_errSuccess);
    CHECK(cl.cbStruct == sizeof cl && cl.cRecord == 4);
    /* sorted by name, case-insensitively: blob, Count, id, Name */
    const char *by_name[] = {"blob", "Count", "id", "Name"};
    int row = 0;
    for (JET_ERR err = JetMove(e.ses, cl.tableid, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(e.ses, cl.tableid, JET_MoveNext, 0), row++) {
        char name[80], table[80];
        list_text(e.ses, cl.tableid, cl.columnidcolumnname, name, sizeof name);
        list_text(e.ses, cl.tableid, cl.columnidBaseTableName, table, sizeof table);
        CHECK(row < 4 && !strcmp(name, by_name[row]));
        CHECK(!strcmp(table, "people"));
        JET_COLUMNDEF def;
        CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W(name), &def, sizeof def, JET_ColInfo),
                  JET_errSuccess);
        CHECK(list_u32(e.ses, cl.tableid, cl.columnidcolumnid) == def.columnid);
        CHECK(list_u32(e.ses, cl.tableid, cl.columnidcoltyp) == (uint32_t)def.coltyp);
        CHECK(list_u32(e.ses, cl.tableid, cl.columnidcbMax) == def.cbMax);
        CHECK(list_u32(e.ses, cl.tableid, cl.columnidgrbit) == def.grbit);
        CHECK(list_u16(e.ses, cl.tableid, cl.columnidCp) == def.cp);
        CHECK(list_u16(e.ses, cl.tableid, cl.columnidLangid) == 0x409);
        ESE_ULONG cb = 99;
        CHECK_ERR(JetRetrieveColumn(e.ses, cl.tableid, cl.columnidDefault, NULL, 0, &cb, 0, NULL),
                  JET_wrnColumnNull);
        CHECK(cb == 0);
    }
    CHECK(row == 4);
    /* off the end, then back */
    CHECK_ERR(JetMove(e.ses, cl.tableid, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetRetrieveColumn(e.ses, cl.tableid, cl.columnidcolumnid, NULL, 0, NULL, 0, NULL),
              JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(e.ses, cl.tableid, JET_MovePrevious, 0), JET_errSuccess);
    char name[80];
    list_text(e.ses, cl.tableid, cl.columnidcolumnname, name, sizeof name);
    CHECK(!strcmp(name, "Name"));
    CHECK_ERR(JetMove(e.ses, cl.tableid, -2, 0), JET_errSuccess);
    list_text(e.ses, cl.tableid, cl.columnidcolumnname, name, sizeof name);
    CHECK(!strcmp(name, "Count"));
    CHECK_ERR(JetMove(e.ses, cl.tableid, -5, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetMove(e.ses, cl.tableid, 1, 0), JET_errSuccess); /* from before the first */
    list_text(e.ses, cl.tableid, cl.columnidcolumnname, name, sizeof name);
    CHECK(!strcmp(name, "blob"));
    CHECK_ERR(JetMove(e.ses, cl.tableid, JET_MoveLast, 0), JET_errSuccess);
    /* truncation: the full size in *pcbActual */
    WCHAR w[2];
    ESE_ULONG cb = 0;
    CHECK_ERR(JetRetrieveColumn(e.ses, cl.tableid, cl.columnidcolumnname, w, sizeof w, &cb, 0,
                                NULL), JET_wrnBufferTruncated);
    CHECK(cb == 8 && w[0] == 'N' && w[1] == 'a');
    JET_RETINFO ri = {sizeof ri, 2, 1, 0}; /* ibLongValue 2: from the second character */
    CHECK_ERR(JetRetrieveColumn(e.ses, cl.tableid, cl.columnidcolumnname, w, sizeof w, &cb, 0,
                                &ri), JET_wrnBufferTruncated);
    CHECK(cb == 6 && w[0] == 'a');
    ri.itagSequence = 2;
    CHECK_ERR(JetRetrieveColumn(e.ses, cl.tableid, cl.columnidcolumnname, w, sizeof w, &cb, 0,
                                &ri), JET_wrnColumnNull);
    CHECK_ERR(JetRetrieveColumn(e.ses, cl.tableid, 99, w, sizeof w, &cb, 0, NULL),
              JET_errColumnNotFound);
    /* JetRetrieveColumns works on a list table too (learn.microsoft.com "JetRetrieveColumns
     * Function"): each element as JetRetrieveColumn, the first error stops the call */
    uint32_t colid = 0;
    WCHAR wname[8];
    JET_RETRIEVECOLUMN rc[3];
    memset(rc, 0, sizeof rc);
    rc[0] = (JET_RETRIEVECOLUMN){cl.columnidcolumnid, &colid, 4, 0, 0, 0, 1, 0, 0};
    rc[1] = (JET_RETRIEVECOLUMN){cl.columnidcolumnname, wname, 2, 0, 0, 0, 1, 0, 0};
    rc[2] = (JET_RETRIEVECOLUMN){cl.columnidDefault, NULL, 0, 0, 0, 0, 1, 0, 0};
    CHECK_ERR(JetRetrieveColumns(e.ses, cl.tableid, rc, 3), JET_errSuccess);
    CHECK(colid == 128 && rc[0].cbActual == 4 && rc[0].err == JET_errSuccess);
    CHECK(rc[1].err == JET_wrnBufferTruncated && rc[1].cbActual == 8 && wname[0] == 'N');
    CHECK(rc[2].err == JET_wrnColumnNull);
    rc[1].columnid = 77;
    CHECK_ERR(JetRetrieveColumns(e.ses, cl.tableid, rc, 3), JET_errColumnNotFound);
    CHECK(rc[1].err == JET_errColumnNotFound);
    CHECK_ERR(JetRetrieveColumns(e.ses, cl.tableid, NULL, 1), JET_errInvalidParameter);
    CHECK_ERR(JetSetColumns(e.ses, cl.tableid, NULL, 0), JET_errInvalidTableId);
    /* a list table is not a database table */
    CHECK_ERR(JetPrepareUpdate(e.ses, cl.tableid, JET_prepInsert), JET_errInvalidTableId);
    CHECK_ERR(JetCloseTable(e.ses, cl.tableid), JET_errSuccess);
    CHECK_ERR(JetCloseTable(e.ses, cl.tableid), JET_errInvalidTableId);
    CHECK_ERR(JetMove(e.ses, cl.tableid, JET_MoveFirst, 0), JET_errInvalidTableId);

    /* JET_ColInfoListSortColumnid: by columnid (fixed, variable, tagged) */
    CHECK_ERR(JetGetColumnInfoW(e.ses, e.dbid, W("people"), NULL, &cl, sizeof cl,
                                JET_ColInfoListSortColumnid), JET_errSuccess);
    uint32_t last = 0;
    row = 0;
    for (JET_ERR err = JetMove(e.ses, cl.tableid, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(e.ses, cl.tableid, JET_MoveNext, 0), row++) {
        uint32_t id = list_u32(e.ses, cl.tableid, cl.columnidcolumnid);
        CHECK(id > last);
        last = id;
    }
    CHECK(row == 4);
    /* JET_ColInfoListCompact too; left open: JetEndSession frees it (ASan checks) */
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, NULL, &cl, sizeof cl, JET_ColInfoListCompact),
              JET_errSuccess);
    CHECK(cl.cRecord == 4);
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, NULL, &cl, sizeof cl - 1, JET_ColInfoList),
              JET_errBufferTooSmall);
    /* another session cannot use it */
    JET_SESID other;
    CHECK_ERR(JetBeginSessionW(e.inst, &other, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetMove(other, cl.tableid, JET_MoveFirst, 0), JET_errInvalidTableId);
    CHECK_ERR(JetCloseTable(other, cl.tableid), JET_errInvalidTableId);
    CHECK_ERR(JetEndSession(other, 0), JET_errSuccess);
    CHECK_ERR(JetMove(e.ses, cl.tableid, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetEndSession(e.ses, 0), JET_errSuccess);
    env_stop(&e);
}

/* learn.microsoft.com "JetGetObjectInfo Function", "JET_OBJECTINFO Structure",
 * "JET_OBJECTLIST Structure", "JetGetTableInfo Function". */
static void test_object_info(void)
{
    env e;
    JET_TABLEID t, t2;
    JET_COLUMNID ids[4], ids2[4];
    CHECK_ERR(env_start(&e), JET_errSuccess);
    CHECK_ERR(make_people(&e, "people", &t, ids), JET_errSuccess);
    CHECK_ERR(make_people(&e, "Zoo", &t2, ids2), JET_errSuccess);
    uint8_t big[3000];
    memset(big, 7, sizeof big);
    for (int32_t i = 0; i < 5; i++) {
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &i, 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[2], big, sizeof big, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    }
    JET_OBJECTINFO oi;
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, W("people"), &oi, sizeof oi,
                                JET_ObjInfo), JET_errSuccess);
    CHECK(oi.cbStruct == sizeof oi && oi.objtyp == JET_objtypTable && oi.flags == 0);
    CHECK(oi.cRecord == 5 && oi.cPage >= 2); /* the table's pages and its LV tree's */
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, W("people"), &oi, sizeof oi,
                                JET_ObjInfoNoStats), JET_errSuccess);
    CHECK(oi.cRecord == 0 && oi.cPage == 0);
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, W("ghosts"), &oi,
                                sizeof oi, JET_ObjInfo), JET_errObjectNotFound);
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, W("people"), &oi,
                                sizeof oi - 1, JET_ObjInfo), JET_errBufferTooSmall);
    /* a transaction sees its own rows in the count */
    CHECK_ERR(JetBeginTransaction(e.ses), JET_errSuccess);
    CHECK_ERR(JetMove(e.ses, t, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetDelete(e.ses, t), JET_errSuccess);
    CHECK_ERR(JetGetTableInfoW(e.ses, t, &oi, sizeof oi, JET_TblInfo), JET_errSuccess);
    CHECK(oi.cRecord == 4);
    CHECK_ERR(JetRollback(e.ses, 0), JET_errSuccess);

    JET_OBJECTLIST ol;
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, NULL, &ol, sizeof ol,
                                JET_ObjInfoList), JET_errSuccess);
    CHECK(ol.cbStruct == sizeof ol && ol.cRecord == 4);
    const char *expect[] = {"MSysObjects", "MSysObjectsShadow", "people", "Zoo"};
    int row = 0;
    for (JET_ERR err = JetMove(e.ses, ol.tableid, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(e.ses, ol.tableid, JET_MoveNext, 0), row++) {
        char name[80];
        list_text(e.ses, ol.tableid, ol.columnidobjectname, name, sizeof name);
        CHECK(row < 4 && !strcmp(name, expect[row]));
        CHECK(list_u32(e.ses, ol.tableid, ol.columnidobjtyp) == JET_objtypTable);
        uint32_t flags = list_u32(e.ses, ol.tableid, ol.columnidflags);
        CHECK(flags == (row < 2 ? JET_bitObjectSystem : 0u));
        if (row == 2)
            CHECK(list_u32(e.ses, ol.tableid, ol.columnidcRecord) == 5);
        ESE_ULONG cb = 5;
        CHECK_ERR(JetRetrieveColumn(e.ses, ol.tableid, ol.columnidcontainername, name, 10, &cb, 0,
                                    NULL), JET_wrnColumnNull);
    }
    CHECK(row == 4);
    CHECK_ERR(JetCloseTable(e.ses, ol.tableid), JET_errSuccess);
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, NULL, &ol, sizeof ol,
                                JET_ObjInfoListNoStats), JET_errSuccess);
    CHECK_ERR(JetMove(e.ses, ol.tableid, JET_MoveLast, 0), JET_errSuccess);
    CHECK(list_u32(e.ses, ol.tableid, ol.columnidcRecord) == 0);
    CHECK_ERR(JetCloseTable(e.ses, ol.tableid), JET_errSuccess);
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, NULL, &ol, sizeof ol, 42),
              JET_errInvalidParameter);

    WCHAR wname[16];
    char name[32];
    CHECK_ERR(JetGetTableInfoW(e.ses, t2, wname, sizeof wname, JET_TblInfoName), JET_errSuccess);
    support_narrow(wname, name, sizeof name);
    CHECK(!strcmp(name, "Zoo"));
    CHECK_ERR(JetGetTableInfoW(e.ses, t2, wname, 4, JET_TblInfoName), JET_errBufferTooSmall);
    JET_DBID dbid = 0;
    CHECK_ERR(JetGetTableInfoW(e.ses, t2, &dbid, sizeof dbid, JET_TblInfoDbid), JET_errSuccess);
    CHECK(dbid == e.dbid);
    CHECK_ERR(JetGetTableInfoW(e.ses, t2, &dbid, sizeof dbid, 77), JET_errInvalidParameter);
    env_stop(&e);
}

/* db_check over the closed database file: every tree and the exact page ownership. */
static void check_file(const char *path)
{
    ese_database *db = NULL;
    JET_ERR open_err = JET_errPageSizeMismatch;
    for (uint32_t page = 2048; page <= 32768 && open_err == JET_errPageSizeMismatch; page *= 2)
        open_err = db_open(path, page, true, &db);
    CHECK_ERR(open_err, JET_errSuccess);
    if (!db)
        return;
    char msg[300] = "";
    JET_ERR err = db_check(db, msg, sizeof msg);
    CHECK_ERR(err, JET_errSuccess);
    if (err < 0)
        fprintf(stderr, "db_check: %s\n", msg);
    CHECK_ERR(db_close(db), JET_errSuccess);
}

static int column_names(JET_SESID ses, JET_TABLEID t, char *out, size_t cb_out)
{
    JET_COLUMNLIST cl;
    out[0] = 0;
    if (JetGetTableColumnInfoW(ses, t, NULL, &cl, sizeof cl, JET_ColInfoListSortColumnid) < 0)
        return -1;
    int n = 0;
    for (JET_ERR err = JetMove(ses, cl.tableid, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(ses, cl.tableid, JET_MoveNext, 0), n++) {
        char name[80];
        list_text(ses, cl.tableid, cl.columnidcolumnname, name, sizeof name);
        if (n)
            strncat(out, ",", cb_out - strlen(out) - 1);
        strncat(out, name, cb_out - strlen(out) - 1);
    }
    JetCloseTable(ses, cl.tableid);
    return n;
}

/* learn.microsoft.com "JetAddColumn Function": a column added to a table that has rows; old
 * rows read NULL or the default (ESE does not rewrite them). */
static void test_add_column(void)
{
    env e;
    JET_TABLEID t;
    JET_COLUMNID ids[4];
    CHECK_ERR(env_start(&e), JET_errSuccess);
    CHECK_ERR(make_people(&e, "people", &t, ids), JET_errSuccess);
    for (int32_t i = 0; i < 50; i++)
        CHECK_ERR(support_insert_row(e.ses, t, ids[0], i, ids[1], "abc", 3), JET_errSuccess);
    JET_COLUMNDEF def = {sizeof def, 0, JET_coltypLong, 0, 0, 0, 0, 0, 0};
    JET_COLUMNID c_fixed = 0, c_def = 0, c_var = 0, c_tag = 0;
    CHECK_ERR(JetAddColumnW(e.ses, t, W("age"), &def, NULL, 0, &c_fixed), JET_errSuccess);
    int32_t seven = 7;
    CHECK_ERR(JetAddColumnW(e.ses, t, W("level"), &def, &seven, 4, &c_def), JET_errSuccess);
    JET_COLUMNDEF text = {sizeof text, 0, JET_coltypText, 0, 0, JET_CP_UNICODE, 0, 100, 0};
    CHECK_ERR(JetAddColumnW(e.ses, t, W("title"), &text, NULL, 0, &c_var), JET_errSuccess);
    JET_COLUMNDEF lv = {sizeof lv, 0, JET_coltypLongBinary, 0, 0, 0, 0, 0, JET_bitColumnMultiValued};
    CHECK_ERR(JetAddColumnW(e.ses, t, W("photos"), &lv, NULL, 0, &c_tag), JET_errSuccess);
    CHECK(c_fixed == 3 && c_def == 4 && c_var == 129 && c_tag == 257);
    CHECK_ERR(JetAddColumnW(e.ses, t, W("AGE"), &def, NULL, 0, NULL), JET_errColumnDuplicate);
    CHECK_ERR(JetAddColumnW(e.ses, t, W("bad.name"), &def, NULL, 0, NULL), JET_errInvalidName);
    JET_COLUMNDEF badtype = {sizeof def, 0, 99, 0, 0, 0, 0, 0, 0};
    CHECK_ERR(JetAddColumnW(e.ses, t, W("x"), &badtype, NULL, 0, NULL), JET_errInvalidColumnType);
    JET_COLUMNDEF shortdef = {sizeof def - 1, 0, JET_coltypLong, 0, 0, 0, 0, 0, 0};
    CHECK_ERR(JetAddColumnW(e.ses, t, W("x"), &shortdef, NULL, 0, NULL), JET_errInvalidParameter);
    /* DDL inside a transaction is committed at once (transactions.md section 9) */
    CHECK_ERR(JetBeginTransaction(e.ses), JET_errSuccess);
    CHECK_ERR(JetAddColumnW(e.ses, t, W("late"), &def, NULL, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetRollback(e.ses, 0), JET_errSuccess);
    for (int round = 0; round < 2; round++) {
        /* row 1 + round was never updated */
        CHECK_ERR(JetMove(e.ses, t, JET_MoveFirst, 0), JET_errSuccess);
        CHECK_ERR(JetMove(e.ses, t, 1 + round, 0), JET_errSuccess);
        ESE_ULONG cb = 9;
        int32_t v = 0;
        CHECK_ERR(JetRetrieveColumn(e.ses, t, c_fixed, &v, 4, &cb, 0, NULL), JET_wrnColumnNull);
        CHECK_ERR(JetRetrieveColumn(e.ses, t, c_def, &v, 4, &cb, 0, NULL), JET_errSuccess);
        CHECK(v == 7);
        CHECK_ERR(JetRetrieveColumn(e.ses, t, c_var, &v, 4, &cb, 0, NULL), JET_wrnColumnNull);
        if (round == 1) { /* the second row kept what round 0 gave it */
            CHECK_ERR(JetMove(e.ses, t, JET_MoveFirst, 0), JET_errSuccess);
            CHECK_ERR(JetMove(e.ses, t, 1, 0), JET_errSuccess);
            CHECK_ERR(JetRetrieveColumn(e.ses, t, c_fixed, &v, 4, &cb, 0, NULL), JET_errSuccess);
            CHECK(v == 40);
            WCHAR w[4];
            CHECK_ERR(JetRetrieveColumn(e.ses, t, c_var, w, sizeof w, &cb, 0, NULL), JET_errSuccess);
            CHECK(cb == 4 && w[0] == 'h' && w[1] == 'i');
        }
        /* an old row takes the new columns */
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
        int32_t age = 40 + round;
        CHECK_ERR(JetSetColumn(e.ses, t, c_fixed, &age, 4, 0, NULL), JET_errSuccess);
        const WCHAR hi[2] = {'h', 'i'};
        CHECK_ERR(JetSetColumn(e.ses, t, c_var, hi, 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetSetColumn(e.ses, t, c_tag, "pic", 3, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetRetrieveColumn(e.ses, t, c_fixed, &v, 4, &cb, 0, NULL), JET_errSuccess);
        CHECK(v == age);
        CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[1], &v, 2, &cb, 0, NULL), JET_wrnBufferTruncated);
        CHECK(cb == 3);
        char names[300];
        CHECK(column_names(e.ses, t, names, sizeof names) == 9);
        CHECK(!strcmp(names, "id,Count,age,level,late,Name,title,blob,photos"));
        if (round == 0) {
            CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
            env_reattach(&e);
            CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("people"), NULL, 0, 0, &t), JET_errSuccess);
        }
    }
    CHECK(support_count_rows(e.ses, t) == 50);
    env_stop(&e);
    check_file(e.db_path);
}

/* learn.microsoft.com "JetRenameColumn Function", "JetDeleteColumn2 Function": a deleted
 * column leaves ESE's stub in the catalog (its id is not reused); a key column cannot go. */
static void test_rename_delete_column(void)
{
    env e;
    JET_TABLEID t;
    JET_COLUMNID ids[4];
    CHECK_ERR(env_start(&e), JET_errSuccess);
    CHECK_ERR(make_people(&e, "people", &t, ids), JET_errSuccess);
    JET_COLUMNDEF def = {sizeof def, 0, JET_coltypLong, 0, 0, 0, 0, 0, 0};
    JET_COLUMNID c_after;
    CHECK_ERR(JetAddColumnW(e.ses, t, W("after"), &def, NULL, 0, &c_after), JET_errSuccess);
    for (int32_t i = 0; i < 20; i++) {
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
        int16_t count = (int16_t)(i * 3);
        int32_t after = i + 1000;
        CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &i, 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[3], &count, 2, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetSetColumn(e.ses, t, c_after, &after, 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[2], "blob", 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    }
    CHECK_ERR(JetRenameColumnW(e.ses, t, W("Count"), W("Total"), 0), JET_errSuccess);
    CHECK_ERR(JetRenameColumnW(e.ses, t, W("Count"), W("x"), 0), JET_errColumnNotFound);
    CHECK_ERR(JetRenameColumnW(e.ses, t, W("Total"), W("name"), 0), JET_errColumnDuplicate);
    CHECK_ERR(JetRenameColumnW(e.ses, t, W("Total"), W("a[b]"), 0), JET_errInvalidName);
    CHECK_ERR(JetRenameColumnW(e.ses, t, W("Total"), W("TOTAL"), 0), JET_errSuccess); /* case */
    CHECK_ERR(JetDeleteColumnW(e.ses, t, W("id")), JET_errColumnInUse);
    CHECK_ERR(JetDeleteColumnW(e.ses, t, W("ghost")), JET_errColumnNotFound);
    CHECK_ERR(JetDeleteColumn2W(e.ses, t, W("blob"), 0x100), JET_errInvalidGrbit);
    /* delete the fixed column in the middle and the tagged one */
    CHECK_ERR(JetDeleteColumnW(e.ses, t, W("TOTAL")), JET_errSuccess);
    CHECK_ERR(JetDeleteColumn2W(e.ses, t, W("blob"), 0), JET_errSuccess);
    for (int round = 0; round < 2; round++) {
        char names[300];
        CHECK(column_names(e.ses, t, names, sizeof names) == 3);
        CHECK(!strcmp(names, "id,after,Name"));
        JET_COLUMNDEF cd;
        CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, (const WCHAR *)&ids[3], &cd, sizeof cd,
                                         JET_ColInfoByColid), JET_errColumnNotFound);
        /* the fixed column after the deleted one still reads right */
        int rows = 0;
        for (JET_ERR err = JetMove(e.ses, t, JET_MoveFirst, 0); err == JET_errSuccess;
             err = JetMove(e.ses, t, JET_MoveNext, 0), rows++) {
            int32_t after = 0;
            ESE_ULONG cb = 0;
            CHECK_ERR(JetRetrieveColumn(e.ses, t, c_after, &after, 4, &cb, 0, NULL), JET_errSuccess);
            CHECK(after == rows + 1000);
            CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[3], &after, 4, &cb, 0, NULL),
                      JET_errColumnNotFound);
        }
        CHECK(rows == 20);
        /* a new column gets a new id, never the deleted one's */
        char nm[16];
        snprintf(nm, sizeof nm, "new%d", round);
        JET_COLUMNID c_new = 0;
        CHECK_ERR(JetAddColumnW(e.ses, t, W(nm), &def, NULL, 0, &c_new), JET_errSuccess);
        CHECK(c_new == (JET_COLUMNID)(4 + round));
        CHECK_ERR(JetDeleteColumnW(e.ses, t, W(nm)), JET_errSuccess);
        /* an update of an old row keeps it readable */
        CHECK_ERR(JetMove(e.ses, t, JET_MoveFirst, 0), JET_errSuccess);
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[1], "z", 1, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
        if (round == 0) {
            CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
            env_reattach(&e);
            CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("people"), NULL, 0, 0, &t), JET_errSuccess);
        }
    }
    env_stop(&e);
    check_file(e.db_path);
}

/* learn.microsoft.com "JetRenameTable Function", "JetDeleteTable Function". */
static void test_rename_delete_table(void)
{
    env e;
    JET_TABLEID t, t2;
    JET_COLUMNID ids[4];
    CHECK_ERR(env_start(&e), JET_errSuccess);
    CHECK_ERR(make_people(&e, "people", &t, ids), JET_errSuccess);
    uint8_t big[6000];
    memset(big, 9, sizeof big);
    for (int32_t i = 0; i < 200; i++) /* many pages, a long-value tree */
        CHECK_ERR(support_insert_row(e.ses, t, ids[0], i, ids[2], big, i % 10 ? 300 : sizeof big),
                  JET_errSuccess);
    CHECK_ERR(make_people(&e, "other", &t2, ids), JET_errSuccess);
    CHECK_ERR(support_insert_row(e.ses, t2, ids[0], 1, 0, NULL, 0), JET_errSuccess);
    CHECK_ERR(JetCloseTable(e.ses, t2), JET_errSuccess);
    CHECK_ERR(JetRenameTableW(e.ses, e.dbid, W("people"), W("folk")), JET_errTableInUse);
    CHECK_ERR(JetDeleteTableW(e.ses, e.dbid, W("people")), JET_errTableInUse);
    CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
    CHECK_ERR(JetRenameTableW(e.ses, e.dbid, W("people"), W("OTHER")), JET_errTableDuplicate);
    CHECK_ERR(JetRenameTableW(e.ses, e.dbid, W("people"), W("bad!")), JET_errInvalidName);
    CHECK_ERR(JetRenameTableW(e.ses, e.dbid, W("nobody"), W("x")), JET_errObjectNotFound);
    CHECK_ERR(JetRenameTableW(e.ses, e.dbid, W("MSysObjects"), W("x")),
              JET_errCannotDeleteSystemTable);
    CHECK_ERR(JetRenameTableW(e.ses, e.dbid, W("people"), W("folk")), JET_errSuccess);
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("people"), NULL, 0, 0, &t), JET_errObjectNotFound);
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("FOLK"), NULL, 0, 0, &t), JET_errSuccess);
    CHECK(support_count_rows(e.ses, t) == 200);
    CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
    env_reattach(&e);
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("folk"), NULL, 0, 0, &t), JET_errSuccess);
    CHECK(support_count_rows(e.ses, t) == 200);
    /* a transaction holding a row of it keeps it */
    CHECK_ERR(JetBeginTransaction(e.ses), JET_errSuccess);
    CHECK_ERR(JetMove(e.ses, t, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetDelete(e.ses, t), JET_errSuccess);
    CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
    CHECK_ERR(JetDeleteTableW(e.ses, e.dbid, W("folk")), JET_errTableInUse);
    CHECK_ERR(JetRollback(e.ses, 0), JET_errSuccess);
    JET_OBJECTINFO before;
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, W("folk"), &before,
                                sizeof before, JET_ObjInfo), JET_errSuccess);
    CHECK(before.cRecord == 200 && before.cPage > 20);
    CHECK_ERR(JetDeleteTableW(e.ses, e.dbid, W("folk")), JET_errSuccess);
    CHECK_ERR(JetDeleteTableW(e.ses, e.dbid, W("folk")), JET_errObjectNotFound);
    CHECK_ERR(JetDeleteTableW(e.ses, e.dbid, W("MSysObjectsShadow")),
              JET_errCannotDeleteSystemTable);
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("folk"), NULL, 0, 0, &t), JET_errObjectNotFound);
    /* the name is free again; the space is reused by the next table */
    CHECK_ERR(make_people(&e, "folk", &t, ids), JET_errSuccess);
    CHECK(support_count_rows(e.ses, t) == 0);
    CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
    env_reattach(&e);
    JET_OBJECTLIST ol;
    CHECK_ERR(JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, NULL, &ol, sizeof ol,
                                JET_ObjInfoListNoStats), JET_errSuccess);
    CHECK(ol.cRecord == 4); /* MSysObjects, MSysObjectsShadow, folk, other */
    CHECK_ERR(JetCloseTable(e.ses, ol.tableid), JET_errSuccess);
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("other"), NULL, 0, 0, &t2), JET_errSuccess);
    CHECK(support_count_rows(e.ses, t2) == 1);
    env_stop(&e);
    check_file(e.db_path);
}

/* Every allocation of each DDL call fails once: the call reports it, the catalog and the
 * schema cache are as before (the next try succeeds, the file checks clean). */
static JET_ERR ddl_round(env *e, int step)
{
    JET_ERR err = JET_errSuccess;
    if (step < 3) {
        JET_TABLEID t;
        if ((err = JetOpenTableW(e->ses, e->dbid, W("people"), NULL, 0, 0, &t)) < 0)
            return err;
        JET_COLUMNDEF def = {sizeof def, 0, JET_coltypLong, 0, 0, 0, 0, 0, 0};
        int32_t five = 5;
        if (step == 0)
            err = JetAddColumnW(e->ses, t, W("extra"), &def, &five, 4, NULL);
        else if (step == 1)
            err = JetRenameColumnW(e->ses, t, W("extra"), W("more"), 0);
        else
            err = JetDeleteColumnW(e->ses, t, W("more"));
        JetCloseTable(e->ses, t);
    }
    if (step == 3)
        err = JetRenameTableW(e->ses, e->dbid, W("people"), W("folk"));
    if (step == 4)
        err = JetRenameTableW(e->ses, e->dbid, W("folk"), W("people"));
    if (step == 5)
        err = JetDeleteTableW(e->ses, e->dbid, W("people"));
    return err;
}

static void test_ddl_faults(void)
{
    env e;
    JET_TABLEID t;
    JET_COLUMNID ids[4];
    CHECK_ERR(env_start(&e), JET_errSuccess);
    CHECK_ERR(make_people(&e, "people", &t, ids), JET_errSuccess);
    for (int32_t i = 0; i < 30; i++)
        CHECK_ERR(support_insert_row(e.ses, t, ids[0], i, ids[1], "abc", 3), JET_errSuccess);
    CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
    for (int step = 0; step < 6; step++) {
        int failures = 0;
        for (uint64_t nth = 1; nth < 100000; nth++) {
            fault_reset();
            fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
            JET_ERR err = ddl_round(&e, step);
            fault_reset();
            if (err == JET_errSuccess)
                break;
            CHECK_ERR(err, JET_errOutOfMemory);
            if (err != JET_errOutOfMemory)
                break;
            failures++;
        }
        CHECK(failures > 0);
        char names[300] = "";
        if (step < 3 && JetOpenTableW(e.ses, e.dbid, W("people"), NULL, 0, 0, &t) == 0) {
            column_names(e.ses, t, names, sizeof names);
            CHECK(!strcmp(names, step == 0 ? "id,Count,extra,Name,blob"
                                 : step == 1 ? "id,Count,more,Name,blob"
                                             : "id,Count,Name,blob"));
            CHECK(support_count_rows(e.ses, t) == 30);
            JetCloseTable(e.ses, t);
        }
    }
    env_reattach(&e);
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("people"), NULL, 0, 0, &t), JET_errObjectNotFound);
    env_stop(&e);
    check_file(e.db_path);
}

/* Every allocation of building a list table fails once: the call reports it and leaks
 * nothing (ASan), and the next call works. */
static void test_list_faults(void)
{
    env e;
    JET_TABLEID t;
    JET_COLUMNID ids[4];
    CHECK_ERR(env_start(&e), JET_errSuccess);
    CHECK_ERR(make_people(&e, "people", &t, ids), JET_errSuccess);
    for (int kind = 0; kind < 2; kind++) {
        uint64_t nth = 1;
        for (;; nth++) {
            fault_reset();
            fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
            JET_COLUMNLIST cl;
            JET_OBJECTLIST ol;
            JET_ERR err = kind == 0
                              ? JetGetTableColumnInfoW(e.ses, t, NULL, &cl, sizeof cl, JET_ColInfoList)
                              : JetGetObjectInfoW(e.ses, e.dbid, JET_objtypTable, NULL, NULL, &ol,
                                                  sizeof ol, JET_ObjInfoList);
            fault_reset();
            if (err == JET_errSuccess) {
                CHECK_ERR(JetCloseTable(e.ses, kind == 0 ? cl.tableid : ol.tableid), JET_errSuccess);
                break;
            }
            CHECK_ERR(err, JET_errOutOfMemory);
        }
        CHECK(nth > 3);
    }
    env_stop(&e);
}

int main(void)
{
    if (support_make_root(g_root, sizeof g_root, "libese-schema") != 0)
        return 2;
    test_column_info();
    test_column_list();
    test_object_info();
    test_list_faults();
    test_add_column();
    test_rename_delete_column();
    test_rename_delete_table();
    test_ddl_faults();
    support_remove_tree(g_root);
    return check_summary();
}
