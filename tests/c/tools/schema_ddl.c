/*
 * schema_ddl.c -- writes a database through libese's Jet API that exercises the column options
 * and every schema change, for tests/test_schema_oracle.py to read with dissect.esedb and
 * libesedb (pyesedb).  Usage: schema_ddl FOLDER  (writes FOLDER/ddl.edb, prints nothing on
 * success, exits 1 with the failing call on stderr otherwise).
 *
 * The database, after every call below (what the readers must see):
 *   table "items" (renamed from "things"): columns id (Long, key), n (Long, default 42),
 *     label (Text 1252), tags (Text, tagged multi-valued), auto (Long autoincrement),
 *     ver (Long version), added (Long, added after the rows, default 7),
 *     plus the stubs of the deleted columns "gone" (fixed Short, between n and auto) and
 *     "gonetag" (tagged Binary);
 *   rows id 1..5: n = 42 (default) except row 3 (n = 3), label "row<id>", tags "a<id>" and
 *     "b<id>" (two values), auto = id, ver = 0 (row 2: 1, replaced once, added = 9);
 *   table "kept": id 1..3; table "dropped" was created, filled and deleted.
 */
#include <stdio.h>
#include <string.h>

#include "esent.h"
#include "support.h"

#define TRY(call)                                                                             \
    do {                                                                                      \
        JET_ERR e_ = (call);                                                                  \
        if (e_ < 0) {                                                                         \
            fprintf(stderr, "%s:%d: %s -> %ld\n", __FILE__, __LINE__, #call, (long)e_);       \
            return 1;                                                                         \
        }                                                                                     \
    } while (0)

static JET_ERR create(JET_SESID ses, JET_DBID dbid, const char *name, JET_COLUMNCREATE_W *cols,
                      int n, JET_TABLEID *pt)
{
    WCHAR key[] = {'+', 'i', 'd', 0, 0};
    JET_INDEXCREATE_W idx;
    memset(&idx, 0, sizeof idx);
    idx.cbStruct = sizeof idx;
    idx.szIndexName = (WCHAR *)W("pk");
    idx.szKey = key;
    idx.cbKey = sizeof key;
    idx.grbit = JET_bitIndexPrimary;
    JET_TABLECREATE2_W tc;
    memset(&tc, 0, sizeof tc);
    tc.cbStruct = sizeof tc;
    tc.szTableName = support_wdup(name);
    tc.rgcolumncreate = cols;
    tc.cColumns = (ESE_ULONG)n;
    tc.rgindexcreate = &idx;
    tc.cIndexes = 1;
    JET_ERR err = JetCreateTableColumnIndex2W(ses, dbid, &tc);
    free(tc.szTableName);
    *pt = tc.tableid;
    return err;
}

static JET_COLUMNCREATE_W col(const char *name, JET_COLTYP coltyp, JET_GRBIT grbit, uint32_t cp,
                              void *def, uint32_t cb_def)
{
    JET_COLUMNCREATE_W c;
    memset(&c, 0, sizeof c);
    c.cbStruct = sizeof c;
    c.szColumnName = support_wdup(name);
    c.coltyp = coltyp;
    c.grbit = grbit;
    c.cp = cp;
    c.pvDefault = def;
    c.cbDefault = cb_def;
    return c;
}

static JET_COLUMNID id_of(JET_SESID ses, JET_TABLEID t, const char *name)
{
    JET_COLUMNID id = 0;
    support_column_id(ses, t, name, &id);
    return id;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s/ddl.edb", argv[1]);
    JET_INSTANCE inst;
    JET_SESID ses;
    JET_DBID dbid;
    TRY(support_start_instance(&inst, &ses, "schema-ddl", argv[1], argv[1], 0, true));
    TRY(JetCreateDatabase2W(ses, W(db_path), 0, &dbid, 0));

    int32_t forty_two = 42;
    JET_COLUMNCREATE_W cols[8] = {
        col("id", JET_coltypLong, 0, 0, NULL, 0),
        col("n", JET_coltypLong, 0, 0, &forty_two, 4),
        col("gone", JET_coltypShort, 0, 0, NULL, 0),
        col("label", JET_coltypText, 0, JET_CP_ASCII, NULL, 0),
        col("tags", JET_coltypText, JET_bitColumnTagged | JET_bitColumnMultiValued, JET_CP_ASCII,
            NULL, 0),
        col("auto", JET_coltypLong, JET_bitColumnAutoincrement, 0, NULL, 0),
        col("ver", JET_coltypLong, JET_bitColumnVersion, 0, NULL, 0),
        col("gonetag", JET_coltypBinary, JET_bitColumnTagged, 0, NULL, 0),
    };
    JET_TABLEID t;
    TRY(create(ses, dbid, "things", cols, 8, &t));
    for (int i = 0; i < 8; i++)
        free(cols[i].szColumnName);
    JET_COLUMNID c_id = id_of(ses, t, "id"), c_n = id_of(ses, t, "n"), c_gone = id_of(ses, t, "gone"),
                 c_label = id_of(ses, t, "label"), c_tags = id_of(ses, t, "tags"),
                 c_gonetag = id_of(ses, t, "gonetag");
    TRY(JetBeginTransaction(ses));
    for (int32_t id = 1; id <= 5; id++) {
        char label[16], a[8], b[8];
        snprintf(label, sizeof label, "row%d", id);
        snprintf(a, sizeof a, "a%d", id);
        snprintf(b, sizeof b, "b%d", id);
        int16_t g = (int16_t)(id * 100);
        JET_SETCOLUMN sc[7] = {
            {c_id, &id, 4, 0, 0, 0, 0},
            {c_gone, &g, 2, 0, 0, 0, 0},
            {c_label, label, (uint32_t)strlen(label), 0, 0, 0, 0},
            {c_tags, a, (uint32_t)strlen(a), 0, 0, 0, 0},
            {c_tags, b, (uint32_t)strlen(b), 0, 0, 0, 0},
            {c_gonetag, "zz", 2, 0, 0, 0, 0},
            {c_n, &id, 4, 0, 0, 0, 0},
        };
        TRY(JetPrepareUpdate(ses, t, JET_prepInsert));
        TRY(JetSetColumns(ses, t, sc, id == 3 ? 7 : 6));
        TRY(JetUpdate(ses, t, NULL, 0, NULL));
    }
    TRY(JetCommitTransaction(ses, 0));
    /* a column added after the rows, then changes of the schema */
    int32_t seven = 7;
    JET_COLUMNDEF def = {sizeof def, 0, JET_coltypLong, 0, 0, 0, 0, 0, 0};
    JET_COLUMNID c_added = 0;
    TRY(JetAddColumnW(ses, t, W("added"), &def, &seven, 4, &c_added));
    int32_t two = 2, nine = 9;
    TRY(JetMakeKey(ses, t, &two, 4, JET_bitNewKey));
    TRY(JetSeek(ses, t, JET_bitSeekEQ));
    TRY(JetPrepareUpdate(ses, t, JET_prepReplace));
    TRY(JetSetColumn(ses, t, c_added, &nine, 4, 0, NULL));
    TRY(JetUpdate(ses, t, NULL, 0, NULL));
    TRY(JetDeleteColumnW(ses, t, W("gone")));
    TRY(JetDeleteColumnW(ses, t, W("gonetag")));
    TRY(JetRenameColumnW(ses, t, W("label"), W("title"), 0));
    TRY(JetCloseTable(ses, t));
    TRY(JetRenameTableW(ses, dbid, W("things"), W("items")));

    JET_COLUMNCREATE_W one[1] = {col("id", JET_coltypLong, 0, 0, NULL, 0)};
    TRY(create(ses, dbid, "dropped", one, 1, &t));
    for (int32_t id = 1; id <= 100; id++) {
        TRY(JetPrepareUpdate(ses, t, JET_prepInsert));
        TRY(JetSetColumn(ses, t, one[0].columnid, &id, 4, 0, NULL));
        TRY(JetUpdate(ses, t, NULL, 0, NULL));
    }
    TRY(JetCloseTable(ses, t));
    TRY(JetDeleteTableW(ses, dbid, W("dropped")));
    TRY(create(ses, dbid, "kept", one, 1, &t));
    free(one[0].szColumnName);
    for (int32_t id = 1; id <= 3; id++) {
        TRY(JetPrepareUpdate(ses, t, JET_prepInsert));
        TRY(JetSetColumn(ses, t, one[0].columnid, &id, 4, 0, NULL));
        TRY(JetUpdate(ses, t, NULL, 0, NULL));
    }
    TRY(JetCloseTable(ses, t));
    TRY(JetTerm2(inst, JET_bitTermComplete));
    return 0;
}
