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
    (void)env_reattach;
    support_remove_tree(g_root);
    return check_summary();
}
