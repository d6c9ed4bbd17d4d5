/*
 * test_columns.c -- column types and options through the Jet API: every column type of
 * JET_VERSION 0x0A00 as fixed / variable / tagged / NOT NULL, default values, autoincrement,
 * version, escrow (JetEscrowUpdate), multi-valued columns, buffer truncation and NULL,
 * JetSetColumns / JetRetrieveColumns and JetPrepareUpdate(JET_prepInsertCopy).  Each test
 * names the ESENT documentation page it follows (learn.microsoft.com, "Extensible Storage
 * Engine").  Built and run by ci/sanitize.
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

static JET_ERR insert_id(env *e, JET_TABLEID t, JET_COLUMNID cid, int32_t id)
{
    JET_ERR err = JetPrepareUpdate(e->ses, t, JET_prepInsert);
    if (err == JET_errSuccess)
        err = JetSetColumn(e->ses, t, cid, &id, 4, 0, NULL);
    if (err == JET_errSuccess)
        err = JetUpdate(e->ses, t, NULL, 0, NULL);
    return err;
}

static JET_ERR seek_id(env *e, JET_TABLEID t, int32_t id)
{
    JET_ERR err = JetMakeKey(e->ses, t, &id, 4, JET_bitNewKey);
    return err == JET_errSuccess ? JetSeek(e->ses, t, JET_bitSeekEQ) : err;
}

static int32_t get_i32(env *e, JET_TABLEID t, JET_COLUMNID c, JET_GRBIT grbit)
{
    int32_t v = -999;
    ESE_ULONG cb = 0;
    JET_ERR err = JetRetrieveColumn(e->ses, t, c, &v, 4, &cb, grbit, NULL);
    return err == JET_errSuccess && cb == 4 ? v : -999;
}

/* ---- every column type ------------------------------------------------------------------------ */

typedef struct {
    JET_COLTYP coltyp;
    uint32_t size;   /* 0: variable length */
    uint32_t cp;
} type_case;

static const type_case k_types[] = {
    {JET_coltypBit, 1, 0},           {JET_coltypUnsignedByte, 1, 0},
    {JET_coltypShort, 2, 0},         {JET_coltypUnsignedShort, 2, 0},
    {JET_coltypLong, 4, 0},          {JET_coltypUnsignedLong, 4, 0},
    {JET_coltypLongLong, 8, 0},      {JET_coltypUnsignedLongLong, 8, 0},
    {JET_coltypCurrency, 8, 0},      {JET_coltypIEEESingle, 4, 0},
    {JET_coltypIEEEDouble, 8, 0},    {JET_coltypDateTime, 8, 0},
    {JET_coltypGUID, 16, 0},         {JET_coltypBinary, 0, 0},
    {JET_coltypText, 0, JET_CP_ASCII}, {JET_coltypText, 0, JET_CP_UNICODE},
    {JET_coltypLongBinary, 0, 0},    {JET_coltypLongText, 0, JET_CP_ASCII},
    {JET_coltypLongText, 0, JET_CP_UNICODE},
};

/* learn.microsoft.com "JET_COLTYP", "JET_COLUMNDEF Structure", "JetSetColumn Function",
 * "JetRetrieveColumn Function": each type as default placement, tagged and NOT NULL; a fixed
 * type takes exactly its size (JET_errInvalidBufferSize), a NOT NULL column left NULL fails
 * JetUpdate (JET_errNullInvalid), a tagged column cannot be NOT NULL (JET_errTaggedNotNULL);
 * a short buffer gives JET_wrnBufferTruncated and the full size, NULL JET_wrnColumnNull. */
static void test_types(void)
{
    env e;
    CHECK_ERR(env_start(&e), JET_errSuccess);
    int n = (int)(sizeof k_types / sizeof k_types[0]);
    for (int i = 0; i < n; i++) {
        const type_case *tc = &k_types[i];
        bool is_long = tc->coltyp == JET_coltypLongBinary || tc->coltyp == JET_coltypLongText;
        col_spec cols[4] = {
            {"id", JET_coltypLong, 0, 0, 0, NULL, 0},
            {"plain", tc->coltyp, 0, 0, tc->cp, NULL, 0},
            {"tagged", tc->coltyp, JET_bitColumnTagged, 0, tc->cp, NULL, 0},
            {"notnull", tc->coltyp, is_long ? 0 : JET_bitColumnNotNULL, 0, tc->cp, NULL, 0},
        };
        char tname[32];
        snprintf(tname, sizeof tname, "types%d", i);
        JET_TABLEID t = 0;
        JET_COLUMNID ids[4];
        CHECK_ERR(make_table(&e, tname, cols, 4, &t, ids), JET_errSuccess);
        CHECK(ids[1] < 128 ? tc->size != 0 : ids[1] < 256 ? tc->size == 0 && !is_long : is_long);
        CHECK(ids[2] >= 256);
        /* a value of the right size: 16 bytes for variable types (a whole number of UTF-16
         * units), a long one for the long types */
        uint8_t value[3000];
        uint32_t cb = tc->size ? tc->size : is_long ? sizeof value : 16;
        for (uint32_t k = 0; k < cb; k++)
            value[k] = (uint8_t)(k * 7 + i + 1);
        if (tc->coltyp == JET_coltypBit)
            value[0] = 0xFF; /* ESE stores a set bit as 0xFF */
        if (tc->coltyp == JET_coltypText || tc->coltyp == JET_coltypLongText)
            for (uint32_t k = 0; k < cb; k++)
                value[k] = tc->cp == JET_CP_UNICODE && (k & 1) ? 0 : (uint8_t)('a' + k % 26);
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
        int32_t id = 1;
        CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &id, 4, 0, NULL), JET_errSuccess);
        if (tc->size) {
            CHECK_ERR(JetSetColumn(e.ses, t, ids[1], value, tc->size + 1, 0, NULL),
                      JET_errInvalidBufferSize);
            CHECK_ERR(JetSetColumn(e.ses, t, ids[1], value, 0, JET_bitSetZeroLength, NULL),
                      JET_errInvalidBufferSize);
        }
        CHECK_ERR(JetSetColumn(e.ses, t, ids[1], value, cb, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[2], value, cb, 0, NULL), JET_errSuccess);
        if (!is_long) /* NOT NULL left NULL */
            CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errNullInvalid);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[3], value, cb, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
        CHECK_ERR(insert_id(&e, t, ids[0], 2), is_long ? JET_errSuccess : JET_errNullInvalid);
        if (!is_long)
            CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepCancel), JET_errSuccess);

        CHECK_ERR(seek_id(&e, t, 1), JET_errSuccess);
        for (int c = 1; c < 4; c++) {
            uint8_t out[3000];
            ESE_ULONG got = 0;
            CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[c], out, sizeof out, &got, 0, NULL),
                      JET_errSuccess);
            CHECK(got == cb && memcmp(out, value, cb) == 0);
            CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[c], out, cb - 1, &got, 0, NULL),
                      JET_wrnBufferTruncated);
            CHECK(got == cb);
            JET_RETINFO ri = {sizeof ri, cb / 2, 1, 0};
            CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[c], out, sizeof out, &got, 0, &ri),
                      JET_errSuccess);
            CHECK(got == cb - cb / 2 && memcmp(out, value + cb / 2, got) == 0);
        }
        if (is_long) {
            CHECK_ERR(seek_id(&e, t, 2), JET_errSuccess);
            ESE_ULONG got = 7;
            CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[1], NULL, 0, &got, 0, NULL),
                      JET_wrnColumnNull);
            CHECK(got == 0);
        }
        CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
        /* a tagged NOT NULL column is refused */
        col_spec bad[2] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                           {"x", tc->coltyp, JET_bitColumnTagged | JET_bitColumnNotNULL, 0, tc->cp,
                            NULL, 0}};
        snprintf(tname, sizeof tname, "bad%d", i);
        CHECK_ERR(make_table(&e, tname, bad, 2, &t, ids), JET_errTaggedNotNULL);
    }
    /* reopened, the values read back the same (spot check on the last table) */
    env_reattach(&e);
    JET_TABLEID t = 0;
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("types4"), NULL, 0, 0, &t), JET_errSuccess);
    CHECK_ERR(JetMove(e.ses, t, JET_MoveFirst, 0), JET_errSuccess);
    JET_COLUMNID plain = 0;
    CHECK_ERR(support_column_id(e.ses, t, "plain", &plain), JET_errSuccess);
    /* types4 is the Long case: bytes k * 7 + 4 + 1 */
    CHECK(get_i32(&e, t, plain, 0) == (int32_t)(5 | 12 << 8 | 19 << 16 | 26 << 24));
    env_stop(&e);
}

/* ---- default values --------------------------------------------------------------------------- */

/* learn.microsoft.com "JET_COLUMNCREATE Structure" (pvDefault / cbDefault), "JetRetrieveColumn
 * Function" (JET_bitRetrieveIgnoreDefault): a row that never set a column reads its default;
 * the default is in the catalog (it survives a reattach and shows in the column list). */
static void test_defaults(void)
{
    env e;
    CHECK_ERR(env_start(&e), JET_errSuccess);
    int32_t d_long = 42;
    const char d_text[] = "hello";
    uint8_t d_blob[40];
    memset(d_blob, 0xB1, sizeof d_blob);
    col_spec cols[5] = {
        {"id", JET_coltypLong, 0, 0, 0, NULL, 0},
        {"n", JET_coltypLong, 0, 0, 0, &d_long, 4},
        {"s", JET_coltypText, 0, 0, JET_CP_ASCII, d_text, 5},
        {"b", JET_coltypLongBinary, 0, 0, 0, d_blob, sizeof d_blob},
        {"plain", JET_coltypLong, 0, 0, 0, NULL, 0},
    };
    JET_TABLEID t = 0;
    JET_COLUMNID ids[5];
    CHECK_ERR(make_table(&e, "defs", cols, 5, &t, ids), JET_errSuccess);
    CHECK_ERR(insert_id(&e, t, ids[0], 1), JET_errSuccess);
    /* row 2 sets its own values, row 3 sets the tagged one NULL explicitly */
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
    int32_t two = 2, seven = 7;
    CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &two, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[1], &seven, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[2], "xy", 2, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
    int32_t three = 3;
    CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &three, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[3], NULL, 0, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[1], NULL, 0, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    for (int round = 0; round < 2; round++) {
        CHECK_ERR(seek_id(&e, t, 1), JET_errSuccess);
        CHECK(get_i32(&e, t, ids[1], 0) == 42);
        char s[16];
        ESE_ULONG cb = 0;
        CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[2], s, sizeof s, &cb, 0, NULL), JET_errSuccess);
        CHECK(cb == 5 && memcmp(s, "hello", 5) == 0);
        uint8_t b[64];
        CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[3], b, sizeof b, &cb, 0, NULL), JET_errSuccess);
        CHECK(cb == sizeof d_blob && memcmp(b, d_blob, cb) == 0);
        /* the tagged default is not stored in the row: IgnoreDefault sees NULL (ESE stores
         * fixed and variable defaults in a new row, as its default record does) */
        CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[3], b, sizeof b, &cb,
                                    JET_bitRetrieveIgnoreDefault, NULL), JET_wrnColumnNull);
        CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[4], b, sizeof b, &cb, 0, NULL),
                  JET_wrnColumnNull);
        CHECK_ERR(seek_id(&e, t, 2), JET_errSuccess);
        CHECK(get_i32(&e, t, ids[1], 0) == 7);
        CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[2], s, sizeof s, &cb, 0, NULL), JET_errSuccess);
        CHECK(cb == 2 && memcmp(s, "xy", 2) == 0);
        CHECK_ERR(seek_id(&e, t, 3), JET_errSuccess);
        CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[3], b, sizeof b, &cb, 0, NULL), JET_wrnColumnNull);
        CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[1], b, sizeof b, &cb, 0, NULL), JET_wrnColumnNull);
        /* the catalog keeps the default: JET_ColInfoList's default column */
        JET_COLUMNLIST cl;
        CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, NULL, &cl, sizeof cl, JET_ColInfoListSortColumnid),
                  JET_errSuccess);
        CHECK_ERR(JetMove(e.ses, cl.tableid, JET_MoveFirst, 0), JET_errSuccess); /* id */
        CHECK_ERR(JetMove(e.ses, cl.tableid, JET_MoveNext, 0), JET_errSuccess);  /* n */
        int32_t d = 0;
        CHECK_ERR(JetRetrieveColumn(e.ses, cl.tableid, cl.columnidDefault, &d, 4, &cb, 0, NULL),
                  JET_errSuccess);
        CHECK(cb == 4 && d == 42);
        CHECK(list_u32(e.ses, cl.tableid, cl.columnidgrbit) ==
              (JET_bitColumnFixed | JET_bitColumnUpdatable));
        CHECK_ERR(JetCloseTable(e.ses, cl.tableid), JET_errSuccess);
        if (round == 0) {
            CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
            env_reattach(&e);
            CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("defs"), NULL, 0, 0, &t), JET_errSuccess);
        }
    }
    /* a new row after the reattach reads the defaults too */
    CHECK_ERR(insert_id(&e, t, ids[0], 4), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 4), JET_errSuccess);
    CHECK(get_i32(&e, t, ids[1], 0) == 42);
    /* bad defaults */
    int64_t big = 1;
    col_spec bad1[2] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                        {"x", JET_coltypLong, 0, 0, 0, &big, 8}};
    CHECK_ERR(make_table(&e, "bad1", bad1, 2, &t, ids), JET_errDefaultValueTooBig);
    col_spec bad2[2] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                        {"x", JET_coltypText, 0, 3, JET_CP_ASCII, "toolong", 7}};
    CHECK_ERR(make_table(&e, "bad2", bad2, 2, &t, ids), JET_errDefaultValueTooBig);
    col_spec bad3[2] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                        {"x", JET_coltypLongLong, 0, 0, 0, &d_long, 4}};
    CHECK_ERR(make_table(&e, "bad3", bad3, 2, &t, ids), JET_errInvalidBufferSize);
    env_stop(&e);
}

/* ---- autoincrement and version ---------------------------------------------------------------- */

/* learn.microsoft.com "JET_COLUMNDEF Structure" (JET_bitColumnAutoincrement,
 * JET_bitColumnVersion), "JetSetColumn Function": the engine numbers new rows 1, 2, ...; the
 * value is there as soon as the insert is prepared (JET_bitRetrieveCopy); it cannot be set
 * (JET_errInvalidColumnType, as ESE's ErrRECSetColumn); after a reattach the counter continues
 * from the largest value.  A version column starts at 0 and each replace adds one; it cannot be
 * set in a replace. */
static void test_autoincrement_version(void)
{
    env e;
    CHECK_ERR(env_start(&e), JET_errSuccess);
    col_spec cols[4] = {
        {"id", JET_coltypLong, 0, 0, 0, NULL, 0},
        {"auto", JET_coltypLong, JET_bitColumnAutoincrement, 0, 0, NULL, 0},
        {"ver", JET_coltypLong, JET_bitColumnVersion, 0, 0, NULL, 0},
        {"val", JET_coltypLong, 0, 0, 0, NULL, 0},
    };
    JET_TABLEID t = 0;
    JET_COLUMNID ids[4];
    CHECK_ERR(make_table(&e, "auto", cols, 4, &t, ids), JET_errSuccess);
    JET_COLUMNDEF def;
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W("auto"), &def, sizeof def, JET_ColInfo),
              JET_errSuccess);
    CHECK(def.grbit & JET_bitColumnAutoincrement);
    CHECK_ERR(JetGetTableColumnInfoW(e.ses, t, W("ver"), &def, sizeof def, JET_ColInfo),
              JET_errSuccess);
    CHECK(def.grbit & JET_bitColumnVersion);
    for (int32_t id = 10; id < 13; id++) {
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
        CHECK(get_i32(&e, t, ids[1], JET_bitRetrieveCopy) == id - 9);
        int32_t x = 5;
        CHECK_ERR(JetSetColumn(e.ses, t, ids[1], &x, 4, 0, NULL), JET_errInvalidColumnType);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &id, 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    }
    /* a cancelled insert uses up its number, as in ESE */
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepCancel), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 11), JET_errSuccess);
    CHECK(get_i32(&e, t, ids[1], 0) == 2);
    CHECK(get_i32(&e, t, ids[2], 0) == 0);
    for (int k = 1; k <= 3; k++) {
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
        int32_t v = k;
        CHECK_ERR(JetSetColumn(e.ses, t, ids[2], &v, 4, 0, NULL), JET_errInvalidColumnType);
        CHECK_ERR(JetSetColumn(e.ses, t, ids[3], &v, 4, 0, NULL), JET_errSuccess);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
        CHECK(get_i32(&e, t, ids[2], 0) == k);
    }
    /* a version may be given at insert */
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
    int32_t id = 20, v100 = 100;
    CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &id, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[2], &v100, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 20), JET_errSuccess);
    CHECK(get_i32(&e, t, ids[2], 0) == 100);
    CHECK(get_i32(&e, t, ids[1], 0) == 5);
    /* reattach: the next number follows the largest committed one */
    CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
    env_reattach(&e);
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("auto"), NULL, 0, 0, &t), JET_errSuccess);
    CHECK_ERR(insert_id(&e, t, ids[0], 30), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 30), JET_errSuccess);
    CHECK(get_i32(&e, t, ids[1], 0) == 6);
    /* inside a rolled-back transaction the number is still used up */
    CHECK_ERR(JetBeginTransaction(e.ses), JET_errSuccess);
    CHECK_ERR(insert_id(&e, t, ids[0], 31), JET_errSuccess);
    CHECK_ERR(JetRollback(e.ses, 0), JET_errSuccess);
    CHECK_ERR(insert_id(&e, t, ids[0], 32), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 32), JET_errSuccess);
    CHECK(get_i32(&e, t, ids[1], 0) == 8);

    /* 64-bit autoincrement (Currency) */
    col_spec cur[2] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                       {"a", JET_coltypCurrency, JET_bitColumnAutoincrement, 0, 0, NULL, 0}};
    JET_TABLEID t2;
    JET_COLUMNID ids2[2];
    CHECK_ERR(make_table(&e, "cur", cur, 2, &t2, ids2), JET_errSuccess);
    CHECK_ERR(insert_id(&e, t2, ids2[0], 1), JET_errSuccess);
    CHECK_ERR(insert_id(&e, t2, ids2[0], 2), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t2, 2), JET_errSuccess);
    int64_t a = 0;
    ESE_ULONG cb = 0;
    CHECK_ERR(JetRetrieveColumn(e.ses, t2, ids2[1], &a, 8, &cb, 0, NULL), JET_errSuccess);
    CHECK(cb == 8 && a == 2);
    /* refused definitions */
    col_spec two[3] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                       {"a", JET_coltypLong, JET_bitColumnAutoincrement, 0, 0, NULL, 0},
                       {"b", JET_coltypLong, JET_bitColumnAutoincrement, 0, 0, NULL, 0}};
    CHECK_ERR(make_table(&e, "two", two, 3, &t2, ids2), JET_errColumnRedundant);
    two[1].grbit = two[2].grbit = JET_bitColumnVersion;
    CHECK_ERR(make_table(&e, "two", two, 3, &t2, ids2), JET_errColumnRedundant);
    col_spec text[2] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                        {"a", JET_coltypText, JET_bitColumnAutoincrement, 0, 0, NULL, 0}};
    CHECK_ERR(make_table(&e, "text", text, 2, &t2, ids2), JET_errInvalidColumnType);
    text[1].coltyp = JET_coltypShort;
    text[1].grbit = JET_bitColumnVersion;
    CHECK_ERR(make_table(&e, "text", text, 2, &t2, ids2), JET_errInvalidColumnType);
    text[1].coltyp = JET_coltypLong;
    text[1].grbit = JET_bitColumnVersion | JET_bitColumnTagged;
    CHECK_ERR(make_table(&e, "text", text, 2, &t2, ids2), JET_errInvalidParameter);
    env_stop(&e);
}

/* ---- escrow ----------------------------------------------------------------------------------- */

/* learn.microsoft.com "JetEscrowUpdate Function", "JET_COLUMNDEF Structure"
 * (JET_bitColumnEscrowUpdate): an atomic add returning the value before; the column starts at
 * its default.  libese deviation (DESIGN.md "Column options"): a second transaction's escrow
 * update of a row another open transaction changed is a write conflict, where ESENT merges. */
static void test_escrow(void)
{
    env e;
    CHECK_ERR(env_start(&e), JET_errSuccess);
    int32_t ten = 10;
    int64_t big = 1000;
    col_spec cols[4] = {
        {"id", JET_coltypLong, 0, 0, 0, NULL, 0},
        {"count", JET_coltypLong, JET_bitColumnEscrowUpdate, 0, 0, &ten, 4},
        {"total", JET_coltypLongLong, JET_bitColumnEscrowUpdate, 0, 0, &big, 8},
        {"plain", JET_coltypLong, 0, 0, 0, NULL, 0},
    };
    JET_TABLEID t = 0;
    JET_COLUMNID ids[4];
    CHECK_ERR(make_table(&e, "esc", cols, 4, &t, ids), JET_errSuccess);
    CHECK_ERR(insert_id(&e, t, ids[0], 1), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 1), JET_errSuccess);
    int32_t five = 5, old = 0;
    ESE_ULONG cb = 0;
    CHECK_ERR(JetEscrowUpdate(e.ses, t, ids[1], &five, 4, &old, 4, &cb, 0), JET_errNotInTransaction);
    CHECK_ERR(JetBeginTransaction(e.ses), JET_errSuccess);
    CHECK_ERR(JetEscrowUpdate(e.ses, t, ids[1], &five, 4, &old, 4, &cb, 0), JET_errSuccess);
    CHECK(old == 10 && cb == 4);
    CHECK_ERR(JetEscrowUpdate(e.ses, t, ids[1], &five, 4, &old, 4, &cb, 0), JET_errSuccess);
    CHECK(old == 15);
    CHECK(get_i32(&e, t, ids[1], 0) == 20);
    int64_t minus = -1001, old64 = 0;
    CHECK_ERR(JetEscrowUpdate(e.ses, t, ids[2], &minus, 8, &old64, 8, &cb, 0), JET_errSuccess);
    CHECK(old64 == 1000 && cb == 8);
    CHECK_ERR(JetEscrowUpdate(e.ses, t, ids[2], &minus, 4, NULL, 0, NULL, 0),
              JET_errInvalidBufferSize);
    CHECK_ERR(JetEscrowUpdate(e.ses, t, ids[3], &five, 4, NULL, 0, NULL, 0),
              JET_errInvalidOperation);
    CHECK_ERR(JetEscrowUpdate(e.ses, t, ids[1], &five, 4, NULL, 0, NULL, JET_bitEscrowNoRollback),
              JET_errFeatureNotAvailable);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(JetEscrowUpdate(e.ses, t, ids[1], &five, 4, NULL, 0, NULL, 0), JET_errAlreadyPrepared);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepCancel), JET_errSuccess);
    /* another session's transaction meets the row's write lock */
    JET_SESID s2;
    JET_DBID d2;
    JET_TABLEID t2;
    CHECK_ERR(JetBeginSessionW(e.inst, &s2, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetOpenDatabaseW(s2, W(e.db_path), NULL, &d2, 0), JET_errSuccess);
    CHECK_ERR(JetOpenTableW(s2, d2, W("esc"), NULL, 0, 0, &t2), JET_errSuccess);
    CHECK_ERR(JetMove(s2, t2, JET_MoveFirst, 0), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(s2), JET_errSuccess);
    CHECK_ERR(JetEscrowUpdate(s2, t2, ids[1], &five, 4, NULL, 0, NULL, 0), JET_errWriteConflict);
    CHECK_ERR(JetRollback(s2, 0), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(e.ses, 0), JET_errSuccess);
    /* committed: 20 and -1; a rolled-back escrow leaves nothing */
    CHECK_ERR(JetBeginTransaction(s2), JET_errSuccess);
    CHECK_ERR(JetEscrowUpdate(s2, t2, ids[1], &five, 4, &old, 4, NULL, 0), JET_errSuccess);
    CHECK(old == 20);
    CHECK_ERR(JetRollback(s2, 0), JET_errSuccess);
    CHECK(get_i32(&e, t, ids[1], 0) == 20);
    int64_t total = 0;
    CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[2], &total, 8, &cb, 0, NULL), JET_errSuccess);
    CHECK(total == -1);
    CHECK_ERR(JetEndSession(s2, 0), JET_errSuccess);
    /* definitions: escrow needs a default, a Long or LongLong, a fixed column */
    col_spec bad[2] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                       {"x", JET_coltypLong, JET_bitColumnEscrowUpdate, 0, 0, NULL, 0}};
    CHECK_ERR(make_table(&e, "bad", bad, 2, &t2, ids), JET_errInvalidParameter);
    bad[1].coltyp = JET_coltypShort;
    bad[1].def = &ten;
    bad[1].cb_def = 2;
    CHECK_ERR(make_table(&e, "bad", bad, 2, &t2, ids), JET_errInvalidColumnType);
    bad[1].grbit |= JET_bitColumnFinalize;
    CHECK_ERR(make_table(&e, "bad", bad, 2, &t2, ids), JET_errFeatureNotAvailable);
    env_stop(&e);
}

/* ---- multi-valued columns --------------------------------------------------------------------- */

static void read_values(env *e, JET_TABLEID t, JET_COLUMNID c, char *out, size_t cb_out)
{
    out[0] = 0;
    for (uint32_t itag = 1;; itag++) {
        char v[300];
        ESE_ULONG cb = 0;
        JET_RETINFO ri = {sizeof ri, 0, itag, 0};
        JET_ERR err = JetRetrieveColumn(e->ses, t, c, v, sizeof v - 1, &cb, 0, &ri);
        if (err != JET_errSuccess)
            break;
        v[cb < 10 ? cb : 10] = 0;
        if (itag > 1)
            strncat(out, ",", cb_out - strlen(out) - 1);
        strncat(out, v, cb_out - strlen(out) - 1);
    }
}

static JET_ERR set_itag(env *e, JET_TABLEID t, JET_COLUMNID c, const char *v, uint32_t itag)
{
    JET_SETINFO si = {sizeof si, 0, itag};
    return JetSetColumn(e->ses, t, c, v, v ? (ESE_ULONG)strlen(v) : 0, 0, &si);
}

/* learn.microsoft.com "JetSetColumn Function", "JET_SETINFO Structure", "JET_RETINFO
 * Structure": itagSequence 0 appends a value, n replaces value n, NULL at n deletes it (the
 * later ones move down); values count from 1 and past the last read JET_wrnColumnNull.  Goes
 * through record.c's TWOVALUES and MULTIVALUES forms (2 -> 3 -> 2 -> 1 values). */
static void test_multivalued(void)
{
    env e;
    CHECK_ERR(env_start(&e), JET_errSuccess);
    col_spec cols[3] = {
        {"id", JET_coltypLong, 0, 0, 0, NULL, 0},
        {"tags", JET_coltypText, JET_bitColumnTagged | JET_bitColumnMultiValued, 0, JET_CP_ASCII,
         NULL, 0},
        {"blobs", JET_coltypLongBinary, JET_bitColumnMultiValued, 0, 0, NULL, 0},
    };
    JET_TABLEID t = 0;
    JET_COLUMNID ids[3];
    CHECK_ERR(make_table(&e, "mv", cols, 3, &t, ids), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
    int32_t id = 1;
    CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &id, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(set_itag(&e, t, ids[1], "red", 0), JET_errSuccess);
    CHECK_ERR(set_itag(&e, t, ids[1], "green", 0), JET_errSuccess);
    uint8_t big[5000];
    memset(big, 0x5A, sizeof big);
    JET_SETINFO si0 = {sizeof si0, 0, 0};
    CHECK_ERR(JetSetColumn(e.ses, t, ids[2], big, sizeof big, 0, &si0), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[2], "small", 5, 0, &si0), JET_errSuccess);
    CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 1), JET_errSuccess);
    char all[200];
    read_values(&e, t, ids[1], all, sizeof all);
    CHECK(!strcmp(all, "red,green"));
    uint8_t out[6000];
    ESE_ULONG cb = 0;
    JET_RETINFO ri = {sizeof ri, 0, 1, 0};
    CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[2], out, sizeof out, &cb, 0, &ri), JET_errSuccess);
    CHECK(cb == sizeof big && memcmp(out, big, cb) == 0);
    ri.itagSequence = 2;
    CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[2], out, sizeof out, &cb, 0, &ri), JET_errSuccess);
    CHECK(cb == 5 && memcmp(out, "small", 5) == 0);
    ri.itagSequence = 3;
    CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[2], out, sizeof out, &cb, 0, &ri), JET_wrnColumnNull);
    /* JetRetrieveColumns with itagSequence 0 counts them */
    JET_RETRIEVECOLUMN rc[2];
    memset(rc, 0, sizeof rc);
    rc[0].columnid = ids[1];
    rc[1].columnid = ids[2];
    CHECK_ERR(JetRetrieveColumns(e.ses, t, rc, 2), JET_errSuccess);
    CHECK(rc[0].itagSequence == 2 && rc[1].itagSequence == 2);
    /* 2 -> 3 values (TWOVALUES -> MULTIVALUES), replace the middle one, 3 -> 2 -> 1 */
    const struct {
        const char *value;
        uint32_t itag;
        const char *expect;
    } steps[] = {
        {"blue", 0, "red,green,blue"},  {"GREEN", 2, "red,GREEN,blue"},
        {NULL, 1, "GREEN,blue"},        {"cyan", 3, "GREEN,blue,cyan"},
        {NULL, 2, "GREEN,cyan"},        {NULL, 2, "GREEN"},
        {"x", 0, "GREEN,x"},            {NULL, 5, "GREEN,x"},
    };
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
        CHECK_ERR(set_itag(&e, t, ids[1], steps[k].value, steps[k].itag), JET_errSuccess);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
        read_values(&e, t, ids[1], all, sizeof all);
        CHECK(!strcmp(all, steps[k].expect));
        if (strcmp(all, steps[k].expect))
            fprintf(stderr, "step %zu: %s\n", k, all);
    }
    /* several changes in one update, inside a transaction that is rolled back */
    CHECK_ERR(JetBeginTransaction(e.ses), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(set_itag(&e, t, ids[1], "a", 0), JET_errSuccess);
    CHECK_ERR(set_itag(&e, t, ids[1], "b", 0), JET_errSuccess);
    CHECK_ERR(set_itag(&e, t, ids[1], NULL, 1), JET_errSuccess);
    CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    read_values(&e, t, ids[1], all, sizeof all);
    CHECK(!strcmp(all, "x,a,b"));
    CHECK_ERR(JetRollback(e.ses, 0), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 1), JET_errSuccess);
    read_values(&e, t, ids[1], all, sizeof all);
    CHECK(!strcmp(all, "GREEN,x"));
    /* survives a reattach */
    CHECK_ERR(JetCloseTable(e.ses, t), JET_errSuccess);
    env_reattach(&e);
    CHECK_ERR(JetOpenTableW(e.ses, e.dbid, W("mv"), NULL, 0, 0, &t), JET_errSuccess);
    CHECK_ERR(JetMove(e.ses, t, JET_MoveFirst, 0), JET_errSuccess);
    read_values(&e, t, ids[1], all, sizeof all);
    CHECK(!strcmp(all, "GREEN,x"));
    /* a single-valued column has one value */
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
    JET_SETINFO si2 = {sizeof si2, 0, 2};
    CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &id, 4, 0, &si2), JET_errFeatureNotAvailable);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepCancel), JET_errSuccess);
    /* a multi-valued column must be tagged */
    col_spec bad[2] = {{"id", JET_coltypLong, 0, 0, 0, NULL, 0},
                       {"x", JET_coltypText, JET_bitColumnMultiValued, 0, 0, NULL, 0}};
    CHECK_ERR(make_table(&e, "bad", bad, 2, &t, ids), JET_errMultiValuedColumnMustBeTagged);
    env_stop(&e);
}

/* ---- several columns at once ------------------------------------------------------------------ */

/* learn.microsoft.com "JetSetColumns Function", "JetRetrieveColumns Function",
 * "JET_RETRIEVECOLUMN Structure": each element's result in its err and cbActual; an error
 * stops the call. */
static void test_set_retrieve_columns(void)
{
    env e;
    CHECK_ERR(env_start(&e), JET_errSuccess);
    col_spec cols[4] = {
        {"id", JET_coltypLong, 0, 0, 0, NULL, 0},
        {"name", JET_coltypText, 0, 0, JET_CP_UNICODE, NULL, 0},
        {"score", JET_coltypIEEEDouble, 0, 0, 0, NULL, 0},
        {"memo", JET_coltypLongText, 0, 0, JET_CP_ASCII, NULL, 0},
    };
    JET_TABLEID t = 0;
    JET_COLUMNID ids[4];
    CHECK_ERR(make_table(&e, "sc", cols, 4, &t, ids), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(e.ses), JET_errSuccess);
    for (int32_t i = 0; i < 300; i++) {
        WCHAR name[8] = {'n', (WCHAR)('0' + i % 10), 0};
        double score = i * 1.5;
        JET_SETCOLUMN sc[3];
        memset(sc, 0, sizeof sc);
        sc[0] = (JET_SETCOLUMN){ids[0], &i, 4, 0, 0, 0, 0};
        sc[1] = (JET_SETCOLUMN){ids[1], name, 4, 0, 0, 0, 0};
        sc[2] = (JET_SETCOLUMN){ids[2], &score, 8, 0, 0, 0, 0};
        CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
        CHECK_ERR(JetSetColumns(e.ses, t, sc, 3), JET_errSuccess);
        CHECK(sc[0].err == 0 && sc[1].err == 0 && sc[2].err == 0);
        CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    }
    CHECK_ERR(JetCommitTransaction(e.ses, 0), JET_errSuccess);
    int rows = 0;
    for (JET_ERR err = JetMove(e.ses, t, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(e.ses, t, JET_MoveNext, 0), rows++) {
        int32_t id = -1;
        WCHAR name[1];
        double score = -1;
        char memo[4];
        JET_RETRIEVECOLUMN rc[4];
        memset(rc, 0, sizeof rc);
        rc[0] = (JET_RETRIEVECOLUMN){ids[0], &id, 4, 0, 0, 0, 1, 0, 0};
        rc[1] = (JET_RETRIEVECOLUMN){ids[1], name, sizeof name, 0, 0, 0, 1, 0, 0};
        rc[2] = (JET_RETRIEVECOLUMN){ids[2], &score, 8, 0, 0, 0, 1, 0, 0};
        rc[3] = (JET_RETRIEVECOLUMN){ids[3], memo, sizeof memo, 0, 0, 0, 1, 0, 0};
        CHECK_ERR(JetRetrieveColumns(e.ses, t, rc, 4), JET_errSuccess);
        CHECK(id == rows && rc[0].err == JET_errSuccess && rc[0].cbActual == 4);
        CHECK(rc[1].err == JET_wrnBufferTruncated && rc[1].cbActual == 4 && name[0] == 'n');
        CHECK(score == rows * 1.5 && rc[2].cbActual == 8);
        CHECK(rc[3].err == JET_wrnColumnNull && rc[3].cbActual == 0);
    }
    CHECK(rows == 300);
    /* an error stops the call and is returned */
    CHECK_ERR(JetMove(e.ses, t, JET_MoveFirst, 0), JET_errSuccess);
    JET_RETRIEVECOLUMN rc[2];
    int32_t id;
    memset(rc, 0, sizeof rc);
    rc[0] = (JET_RETRIEVECOLUMN){999, &id, 4, 0, 0, 0, 1, 0, 0};
    rc[1] = (JET_RETRIEVECOLUMN){ids[0], &id, 4, 0, 0, 0, 1, 0, 77};
    CHECK_ERR(JetRetrieveColumns(e.ses, t, rc, 2), JET_errColumnNotFound);
    CHECK(rc[0].err == JET_errColumnNotFound && rc[1].err == 77);
    JET_SETCOLUMN sc[2];
    memset(sc, 0, sizeof sc);
    sc[0] = (JET_SETCOLUMN){ids[2], &id, 4, 0, 0, 0, 0}; /* 4 bytes into a double */
    CHECK_ERR(JetSetColumns(e.ses, t, sc, 1), JET_errUpdateNotPrepared);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(JetSetColumns(e.ses, t, sc, 1), JET_errInvalidBufferSize);
    CHECK(sc[0].err == JET_errInvalidBufferSize);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepCancel), JET_errSuccess);
    CHECK_ERR(JetSetColumns(e.ses, t + 1000, sc, 1), JET_errInvalidTableId);
    CHECK_ERR(JetRetrieveColumns(e.ses, t, NULL, 1), JET_errInvalidParameter);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(JetSetColumns(e.ses, t, NULL, 1), JET_errInvalidParameter);
    CHECK_ERR(JetSetColumns(e.ses, t, NULL, 0), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepCancel), JET_errSuccess);
    env_stop(&e);
}

/* ---- insert copy ------------------------------------------------------------------------------ */

/* learn.microsoft.com "JetPrepareUpdate Function" (JET_prepInsertCopy): a new row with the
 * current row's values, a new autoincrement value; the caller changes the key. */
static void test_insert_copy(void)
{
    env e;
    CHECK_ERR(env_start(&e), JET_errSuccess);
    col_spec cols[5] = {
        {"id", JET_coltypLong, 0, 0, 0, NULL, 0},
        {"auto", JET_coltypLong, JET_bitColumnAutoincrement, 0, 0, NULL, 0},
        {"text", JET_coltypText, 0, 0, JET_CP_ASCII, NULL, 0},
        {"blob", JET_coltypLongBinary, 0, 0, 0, NULL, 0},
        {"tags", JET_coltypBinary, JET_bitColumnTagged | JET_bitColumnMultiValued, 0, 0, NULL, 0},
    };
    JET_TABLEID t = 0;
    JET_COLUMNID ids[5];
    CHECK_ERR(make_table(&e, "copy", cols, 5, &t, ids), JET_errSuccess);
    uint8_t big[4000];
    for (size_t k = 0; k < sizeof big; k++)
        big[k] = (uint8_t)k;
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsert), JET_errSuccess);
    int32_t id = 1;
    CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &id, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[2], "abc", 3, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[3], big, sizeof big, 0, NULL), JET_errSuccess);
    CHECK_ERR(set_itag(&e, t, ids[4], "t1", 0), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e.ses, t, ids[4], "", 0, JET_bitSetZeroLength, &(JET_SETINFO){
                  sizeof(JET_SETINFO), 0, 0}), JET_errSuccess); /* an empty second value */
    CHECK_ERR(set_itag(&e, t, ids[4], "", 0), JET_errSuccess); /* NULL: appends nothing */
    CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 1), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsertCopy), JET_errSuccess);
    CHECK(get_i32(&e, t, ids[1], JET_bitRetrieveCopy) == 2);
    CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errKeyDuplicate); /* same key */
    id = 2;
    CHECK_ERR(JetSetColumn(e.ses, t, ids[0], &id, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(e.ses, t, NULL, 0, NULL), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 2), JET_errSuccess);
    CHECK(get_i32(&e, t, ids[1], 0) == 2);
    char s[8];
    ESE_ULONG cb = 0;
    CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[2], s, sizeof s, &cb, 0, NULL), JET_errSuccess);
    CHECK(cb == 3 && memcmp(s, "abc", 3) == 0);
    uint8_t out[5000];
    CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[3], out, sizeof out, &cb, 0, NULL), JET_errSuccess);
    CHECK(cb == sizeof big && memcmp(out, big, cb) == 0);
    char all[100];
    read_values(&e, t, ids[4], all, sizeof all);
    CHECK(!strcmp(all, "t1,"));
    /* the copied row's long value is its own: deleting the original keeps it */
    CHECK_ERR(seek_id(&e, t, 1), JET_errSuccess);
    CHECK_ERR(JetDelete(e.ses, t), JET_errSuccess);
    CHECK_ERR(seek_id(&e, t, 2), JET_errSuccess);
    CHECK_ERR(JetRetrieveColumn(e.ses, t, ids[3], out, sizeof out, &cb, 0, NULL), JET_errSuccess);
    CHECK(cb == sizeof big && memcmp(out, big, cb) == 0);
    /* insert copy needs a current row */
    CHECK_ERR(JetMove(e.ses, t, JET_MoveLast, 0), JET_errSuccess);
    CHECK_ERR(JetMove(e.ses, t, JET_MoveNext, 0), JET_errNoCurrentRecord);
    CHECK_ERR(JetPrepareUpdate(e.ses, t, JET_prepInsertCopy), JET_errNoCurrentRecord);
    env_stop(&e);
}

/* ---- fault walk over an update of a table with every option ------------------------------------ */

static JET_ERR option_workload(env *e, JET_TABLEID t, const JET_COLUMNID *ids, int32_t id)
{
    JET_ERR err = JetBeginTransaction(e->ses);
    if (err < 0)
        return err;
    uint8_t big[2000];
    memset(big, 3, sizeof big);
    JET_SETINFO si0 = {sizeof si0, 0, 0};
    int32_t five = 5;
    if ((err = JetPrepareUpdate(e->ses, t, JET_prepInsert)) >= 0 &&
        (err = JetSetColumn(e->ses, t, ids[0], &id, 4, 0, NULL)) >= 0 &&
        (err = JetSetColumn(e->ses, t, ids[4], "a", 1, 0, &si0)) >= 0 &&
        (err = JetSetColumn(e->ses, t, ids[4], big, sizeof big, 0, &si0)) >= 0 &&
        (err = JetUpdate(e->ses, t, NULL, 0, NULL)) >= 0 && (err = seek_id(e, t, id)) >= 0 &&
        (err = JetEscrowUpdate(e->ses, t, ids[3], &five, 4, NULL, 0, NULL, 0)) >= 0 &&
        (err = JetPrepareUpdate(e->ses, t, JET_prepReplace)) >= 0 &&
        (err = JetSetColumn(e->ses, t, ids[4], NULL, 0, 0, &(JET_SETINFO){sizeof si0, 0, 1})) >= 0 &&
        (err = JetUpdate(e->ses, t, NULL, 0, NULL)) >= 0)
        err = JetCommitTransaction(e->ses, 0);
    if (err < 0) {
        JetPrepareUpdate(e->ses, t, JET_prepCancel);
        JetRollback(e->ses, JET_bitRollbackAll);
    }
    return err;
}

static void test_option_faults(void)
{
    env e;
    CHECK_ERR(env_start(&e), JET_errSuccess);
    int32_t zero = 0;
    col_spec cols[5] = {
        {"id", JET_coltypLong, 0, 0, 0, NULL, 0},
        {"auto", JET_coltypLong, JET_bitColumnAutoincrement, 0, 0, NULL, 0},
        {"ver", JET_coltypLong, JET_bitColumnVersion, 0, 0, NULL, 0},
        {"esc", JET_coltypLong, JET_bitColumnEscrowUpdate, 0, 0, &zero, 4},
        {"mv", JET_coltypLongBinary, JET_bitColumnMultiValued, 0, 0, NULL, 0},
    };
    JET_TABLEID t = 0;
    JET_COLUMNID ids[5];
    CHECK_ERR(make_table(&e, "opts", cols, 5, &t, ids), JET_errSuccess);
    int32_t id = 1;
    fault_reset();
    CHECK_ERR(option_workload(&e, t, ids, id++), JET_errSuccess);
    uint64_t total = fault_count(FAULT_ALLOC);
    CHECK(total > 10);
    int failures = 0;
    for (uint64_t nth = 1; nth <= total + 5; nth++) {
        fault_reset();
        fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
        JET_ERR err = option_workload(&e, t, ids, id);
        fault_reset();
        if (err == JET_errSuccess) {
            id++;
            continue;
        }
        failures++;
        CHECK_ERR(err, JET_errOutOfMemory);
        /* nothing of the failed transaction remains */
        CHECK_ERR(seek_id(&e, t, id), JET_errRecordNotFound);
    }
    CHECK(failures > 10);
    /* the rows that made it are whole: version 1, escrow 5, one value left */
    int rows = 0;
    for (JET_ERR err = JetMove(e.ses, t, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(e.ses, t, JET_MoveNext, 0), rows++) {
        CHECK(get_i32(&e, t, ids[2], 0) == 1);
        CHECK(get_i32(&e, t, ids[3], 0) == 5);
        JET_RETRIEVECOLUMN rc = {ids[4], NULL, 0, 0, 0, 0, 0, 0, 0};
        CHECK_ERR(JetRetrieveColumns(e.ses, t, &rc, 1), JET_errSuccess);
        CHECK(rc.itagSequence == 1);
    }
    CHECK(rows == id - 1);
    env_stop(&e);
}

int main(void)
{
    if (support_make_root(g_root, sizeof g_root, "libese-columns") != 0)
        return 2;
    test_types();
    test_defaults();
    test_autoincrement_version();
    test_escrow();
    test_multivalued();
    test_set_retrieve_columns();
    test_insert_copy();
    test_option_faults();
    support_remove_tree(g_root);
    return check_summary();
}
