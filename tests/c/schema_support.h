/*
 * schema_support.h -- helpers of test_schema.c and test_columns.c: a fresh instance with one
 * database per test, tables from a column list, the current row of a list table.
 */
#ifndef ESENT_TESTS_SCHEMA_SUPPORT_H
#define ESENT_TESTS_SCHEMA_SUPPORT_H

#include <string.h>

#include "check.h"
#include "esent.h"
#include "support.h"

static char g_root[256];

typedef struct {
    JET_INSTANCE inst;
    JET_SESID ses;
    JET_DBID dbid;
    char db_path[400];
} env;

static int g_env_no;

static inline JET_ERR env_start(env *e)
{
    char folder[300], name[32];
    snprintf(name, sizeof name, "env%d", g_env_no++);
    support_fresh_dir(folder, sizeof folder, g_root, name);
    snprintf(e->db_path, sizeof e->db_path, "%s/test.edb", folder);
    JET_ERR err = support_start_instance(&e->inst, &e->ses, name, folder, folder, 0, true);
    if (err == JET_errSuccess)
        err = JetCreateDatabase2W(e->ses, W(e->db_path), 0, &e->dbid, 0);
    return err;
}

static inline void env_stop(env *e)
{
    CHECK_ERR(JetTerm2(e->inst, JET_bitTermComplete), JET_errSuccess);
}

/* Close the database and attach it again (the schema cache is rebuilt from the catalog). */
static inline void env_reattach(env *e)
{
    CHECK_ERR(JetCloseDatabase(e->ses, e->dbid, 0), JET_errSuccess);
    CHECK_ERR(JetDetachDatabase2W(e->ses, W(e->db_path), 0), JET_errSuccess);
    CHECK_ERR(JetAttachDatabase2W(e->ses, W(e->db_path), 0, 0), JET_errSuccess);
    CHECK_ERR(JetOpenDatabaseW(e->ses, W(e->db_path), NULL, &e->dbid, 0), JET_errSuccess);
}

/* A column for make_table. */
typedef struct {
    const char *name;
    JET_COLTYP coltyp;
    JET_GRBIT grbit;
    uint32_t cb_max;
    uint32_t cp;
    const void *def;    /* default value (NULL: none) */
    uint32_t cb_def;
} col_spec;

/* Create table `name` with these columns (at most 16) and the primary index "pk" on the first
 * one; the table stays open in *pt and the column ids go to ids[]. */
static inline JET_ERR make_table(env *e, const char *name, const col_spec *cols, int n, JET_TABLEID *pt,
                          JET_COLUMNID *ids)
{
    JET_COLUMNCREATE_W cc[16];
    WCHAR wnames[16][64], wtable[64], key[66];
    if (n < 1 || n > 16)
        return JET_errInvalidParameter;
    memset(cc, 0, sizeof cc);
    for (int i = 0; i < n; i++) {
        cc[i].cbStruct = sizeof cc[i];
        cc[i].szColumnName = support_widen(wnames[i], 64, cols[i].name);
        cc[i].coltyp = cols[i].coltyp;
        cc[i].grbit = cols[i].grbit;
        cc[i].cbMax = cols[i].cb_max;
        cc[i].cp = cols[i].cp;
        cc[i].pvDefault = (void *)cols[i].def;
        cc[i].cbDefault = cols[i].cb_def;
    }
    key[0] = '+';
    support_widen(key + 1, 64, cols[0].name);
    size_t units = 1 + strlen(cols[0].name) + 1;
    key[units] = 0;
    JET_INDEXCREATE_W idx;
    memset(&idx, 0, sizeof idx);
    idx.cbStruct = sizeof idx;
    idx.szIndexName = (WCHAR *)W("pk");
    idx.szKey = key;
    idx.cbKey = (ESE_ULONG)((units + 1) * sizeof(WCHAR));
    idx.grbit = JET_bitIndexPrimary;
    JET_TABLECREATE2_W tc;
    memset(&tc, 0, sizeof tc);
    tc.cbStruct = sizeof tc;
    tc.szTableName = support_widen(wtable, 64, name);
    tc.rgcolumncreate = cc;
    tc.cColumns = (ESE_ULONG)n;
    tc.rgindexcreate = &idx;
    tc.cIndexes = 1;
    JET_ERR err = JetCreateTableColumnIndex2W(e->ses, e->dbid, &tc);
    if (err >= JET_errSuccess) {
        *pt = tc.tableid;
        for (int i = 0; i < n; i++)
            ids[i] = cc[i].columnid;
    }
    return err;
}

#endif /* ESENT_TESTS_SCHEMA_SUPPORT_H */
