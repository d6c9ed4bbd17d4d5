/*
 * test_record.c -- records, keys, catalog records and long values (src/libese/record.c, key.c,
 * catalog_format.c, lv_format.c).
 *
 *   gcc -std=gnu11 -Wall -Wextra -Werror -Isrc -Isrc/libese -Isrc/libese/include -Isrc/eseformat \
 *       tests/c/test_record.c src/libese/(all .c) src/eseformat/(all .c) -lpthread -o test_record
 *   ./test_record                 unit tests, then the sample databases when ESE_SAMPLES is set
 *   ./test_record --dump FILE     print every table of FILE, decoded with libese's decoders, as
 *                                 JSON (tests/test_record_format_oracle.py compares it with
 *                                 dissect.esedb)
 *
 * The sample part walks database pages itself (test-only code): it reads every catalog record
 * of every sample, decodes it, re-encodes it and compares bytes with what esent.dll wrote.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_format.h"
#include "eseformat.h"
#include "fault.h"
#include "key.h"
#include "lv_format.h"
#include "osal.h"
#include "record.h"

#include "check.h"

/* ---- small helpers ---------------------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng_next(void)
{
    /* xorshift64*: deterministic, so failures reproduce. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t rng_below(uint32_t n)
{
    return n ? (uint32_t)(rng_next() % n) : 0;
}

static const uint8_t k_empty_record[4] = {0x00, 0x7F, 0x04, 0x00};

static bool bytes_equal(const void *a, size_t cb_a, const void *b, size_t cb_b)
{
    return cb_a == cb_b && (cb_a == 0 || memcmp(a, b, cb_a) == 0);
}

static size_t hex_to_bytes(const char *hex, uint8_t *out)
{
    size_t n = 0;
    while (hex[0] && hex[1]) {
        if (hex[0] == ' ') {
            hex++;
            continue;
        }
        unsigned v;
        sscanf(hex, "%2x", &v);
        out[n++] = (uint8_t)v;
        hex += 2;
    }
    return n;
}

static void print_hex(FILE *f, const uint8_t *p, size_t cb)
{
    for (size_t i = 0; i < cb; i++)
        fprintf(f, "%02x", p[i]);
}

/* ---- record round trips -------------------------------------------------------------------- */

static const uint32_t k_page_sizes[] = {2048, 4096, 8192, 16384, 32768};

/* A table using every column type and layout. */
static const record_column k_all_columns[] = {
    {1, JET_coltypBit, 0, 0, 0, 0, NULL, 0},
    {2, JET_coltypUnsignedByte, 0, 0, 0, 0, NULL, 0},
    {3, JET_coltypShort, 0, 0, 0, 0, NULL, 0},
    {4, JET_coltypLong, 0, RECORD_FIELD_NOT_NULL, 0, 0, NULL, 0},
    {5, JET_coltypCurrency, 0, 0, 0, 0, NULL, 0},
    {6, JET_coltypIEEESingle, 0, 0, 0, 0, NULL, 0},
    {7, JET_coltypIEEEDouble, 0, 0, 0, 0, NULL, 0},
    {8, JET_coltypDateTime, 0, 0, 0, 0, NULL, 0},
    {9, JET_coltypUnsignedLong, 0, 0, 0, 0, NULL, 0},
    {10, JET_coltypLongLong, 0, 0, 0, 0, NULL, 0},
    {11, JET_coltypGUID, 0, 0, 0, 0, NULL, 0},
    {12, JET_coltypUnsignedShort, 0, 0, 0, 0, NULL, 0},
    {13, JET_coltypBinary, 6, 0, 0, 0, NULL, 0},            /* fixed Binary */
    {14, JET_coltypText, 8, 0, JET_CP_ASCII, 0, NULL, 0},   /* fixed Text */
    {128, JET_coltypText, 0, 0, JET_CP_UNICODE, 0, NULL, 0},
    {129, JET_coltypBinary, 40, 0, 0, 0, NULL, 0},
    {131, JET_coltypText, 0, 0, JET_CP_ASCII, 0, NULL, 0},  /* 130 left out on purpose */
    {256, JET_coltypLong, 0, 0, 0, 0, NULL, 0},
    {257, JET_coltypText, 0, RECORD_FIELD_MULTIVALUED, JET_CP_UNICODE, 0, NULL, 0},
    {258, JET_coltypLongBinary, 0, 0, 0, 0, NULL, 0},
    {259, JET_coltypLongText, 0, RECORD_FIELD_MULTIVALUED, JET_CP_UNICODE, 0, NULL, 0},
    {260, JET_coltypBinary, 0, RECORD_FIELD_MULTIVALUED, 0, 0, NULL, 0},
    {300, JET_coltypGUID, 0, 0, 0, 0, NULL, 0},
};
#define ALL_COLUMN_COUNT (sizeof(k_all_columns) / sizeof(k_all_columns[0]))

static record_set_value setv(const void *data, uint32_t cb)
{
    record_set_value v = {data, cb, 0, 0};
    return v;
}

/* Apply one set and replace *rec (freeing the old one). */
static JET_ERR set_col(const record_schema *s, uint8_t **rec, size_t *cb, uint16_t fid,
                       uint32_t itag, const record_set_value *v)
{
    uint8_t *out;
    size_t out_cb;
    JET_ERR err = record_set_column(s, *rec, *cb, fid, itag, v, &out, &out_cb);
    if (err >= 0) {
        osal_free(*rec);
        *rec = out;
        *cb = out_cb;
    }
    return err;
}

static bool get_equals(const record_schema *s, const uint8_t *rec, size_t cb, uint16_t fid,
                       uint32_t itag, const void *data, uint32_t cb_data)
{
    record_value v;
    if (record_get_column(s, rec, cb, fid, itag, &v) < 0 || v.kind != RECORD_VALUE_DATA)
        return false;
    return bytes_equal(v.data, v.cb, data, cb_data);
}

static record_value_kind get_kind(const record_schema *s, const uint8_t *rec, size_t cb,
                                  uint16_t fid, uint32_t itag)
{
    record_value v;
    if (record_get_column(s, rec, cb, fid, itag, &v) < 0)
        return (record_value_kind)-1;
    return v.kind;
}

static void test_record_basics(void)
{
    CHECK(record_coltyp_fixed_size(JET_coltypBit) == 1);
    CHECK(record_coltyp_fixed_size(JET_coltypUnsignedByte) == 1);
    CHECK(record_coltyp_fixed_size(JET_coltypShort) == 2);
    CHECK(record_coltyp_fixed_size(JET_coltypUnsignedShort) == 2);
    CHECK(record_coltyp_fixed_size(JET_coltypLong) == 4);
    CHECK(record_coltyp_fixed_size(JET_coltypUnsignedLong) == 4);
    CHECK(record_coltyp_fixed_size(JET_coltypIEEESingle) == 4);
    CHECK(record_coltyp_fixed_size(JET_coltypLongLong) == 8);
    CHECK(record_coltyp_fixed_size(JET_coltypCurrency) == 8);
    CHECK(record_coltyp_fixed_size(JET_coltypIEEEDouble) == 8);
    CHECK(record_coltyp_fixed_size(JET_coltypDateTime) == 8);
    CHECK(record_coltyp_fixed_size(JET_coltypGUID) == 16);
    CHECK(record_coltyp_fixed_size(JET_coltypText) == 0);
    CHECK(record_coltyp_fixed_size(JET_coltypLongBinary) == 0);

    /* REC::CbRecordMost for every page size (record.h's table). */
    CHECK(record_size_most(2048, 255) == 1741);
    CHECK(record_size_most(4096, 255) == 3789);
    CHECK(record_size_most(8192, 255) == 7885);
    CHECK(record_size_most(16384, 255) == 16037);
    CHECK(record_size_most(32768, 255) == 32421);
    CHECK(record_size_most(2048, 0) == 1743);
    CHECK(record_size_most(4096, 0) == 3791);
    CHECK(record_size_most(8192, 0) == 7887);
    CHECK(record_size_most(16384, 0) == 16288);
    CHECK(record_size_most(32768, 0) == 32672);
    CHECK(record_size_most(4096, 100) == 3791); /* small pages reserve at least 255 */
    CHECK(record_size_most(4096, 1000) == 4048 - 2 - 1002);
    CHECK(record_size_most(1234, 255) == 0);

    CHECK(record_field_flags_from_grbit(JET_bitColumnNotNULL | JET_bitColumnMultiValued |
                                        JET_bitColumnCompressed) ==
          (RECORD_FIELD_NOT_NULL | RECORD_FIELD_MULTIVALUED | RECORD_FIELD_COMPRESSED));
    CHECK(record_grbit_from_field_flags(5, RECORD_FIELD_NOT_NULL) ==
          (JET_bitColumnFixed | JET_bitColumnNotNULL));
    CHECK(record_grbit_from_field_flags(300, RECORD_FIELD_MULTIVALUED) ==
          (JET_bitColumnTagged | JET_bitColumnMultiValued));

    /* Schema checks. */
    record_schema s;
    record_column bad[2] = {{1, JET_coltypLong, 0, 0, 0, 0, NULL, 0},
                            {1, JET_coltypShort, 0, 0, 0, 0, NULL, 0}};
    CHECK_ERR(record_schema_init(&s, bad, 2, 4096, 255), JET_errInvalidParameter);
    bad[1].fid = 5;
    bad[1].field_flags = RECORD_FIELD_MULTIVALUED;
    CHECK_ERR(record_schema_init(&s, bad, 2, 4096, 255), JET_errInvalidParameter);
    bad[1].field_flags = 0;
    bad[1].coltyp = JET_coltypLongText;
    CHECK_ERR(record_schema_init(&s, bad, 2, 4096, 255), JET_errInvalidColumnType);
    bad[1].fid = 130;
    bad[1].coltyp = JET_coltypLong;
    CHECK_ERR(record_schema_init(&s, bad, 2, 4096, 255), JET_errInvalidColumnType);
    bad[1].coltyp = JET_coltypText;
    CHECK_ERR(record_schema_init(&s, bad, 2, 4095, 255), JET_errInvalidParameter);
    CHECK_ERR(record_schema_init(&s, bad, 2, 4096, 255), JET_errSuccess);
    CHECK(s.fid_fixed_last == 1 && s.fid_var_last == 130 && s.fixed_end == 8);
    record_schema_free(&s);
    record_schema_free(&s); /* twice is harmless */

    CHECK_ERR(record_schema_init(&s, k_all_columns, ALL_COLUMN_COUNT, 8192, 255), JET_errSuccess);
    /* Offsets summed in fid order from 4: 1+1+2+4+8+4+8+8+4+8+16+2+6 (fixed text at 76). */
    CHECK(record_schema_find(&s, 13)->record_offset == 70);
    CHECK(record_schema_find(&s, 14)->record_offset == 76);
    CHECK(s.fixed_end == 84);
    CHECK(record_schema_find(&s, 130) == NULL);

    /* The empty record and reads from it. */
    uint8_t *rec = NULL;
    size_t cb = 0;
    CHECK_ERR(record_build(&s, NULL, 0, NULL, 0, &rec, &cb), JET_errSuccess);
    CHECK(bytes_equal(rec, cb, k_empty_record, 4));
    CHECK(get_kind(&s, rec, cb, 4, 1) == RECORD_VALUE_ABSENT);
    CHECK(get_kind(&s, rec, cb, 128, 1) == RECORD_VALUE_ABSENT);
    CHECK(get_kind(&s, rec, cb, 257, 1) == RECORD_VALUE_ABSENT);
    record_value v;
    CHECK_ERR(record_get_column(&s, rec, cb, 130, 1, &v), JET_errColumnNotFound);
    CHECK_ERR(record_check_not_null(&s, rec, cb, NULL), JET_errNullInvalid);
    osal_free(rec);
    record_schema_free(&s);
}

/* Exact bytes for a few records, worked out by hand from the layout in record.h. */
static void test_record_exact_bytes(void)
{
    static const record_column cols[] = {
        {1, JET_coltypLong, 0, 0, 0, 0, NULL, 0},
        {2, JET_coltypShort, 0, 0, 0, 0, NULL, 0},
        {128, JET_coltypText, 0, 0, JET_CP_ASCII, 0, NULL, 0},
        {130, JET_coltypBinary, 0, 0, 0, 0, NULL, 0},
        {256, JET_coltypLong, 0, 0, 0, 0, NULL, 0},
        {257, JET_coltypLongBinary, 0, 0, 0, 0, NULL, 0},
        {258, JET_coltypBinary, 0, RECORD_FIELD_MULTIVALUED, 0, 0, NULL, 0},
        {259, JET_coltypLongBinary, 0, RECORD_FIELD_MULTIVALUED, 0, 0, NULL, 0},
    };
    const uint8_t long7[4] = {7, 0, 0, 0};
    const uint8_t tag9[4] = {9, 0, 0, 0};
    uint8_t expect[128];
    for (int large = 0; large < 2; large++) {
        record_schema s;
        CHECK_ERR(record_schema_init(&s, cols, 8, large ? 32768 : 8192, 255), JET_errSuccess);
        const record_build_value values[] = {
            {1, setv(long7, 4)},
            {130, setv("xy", 2)},
            {256, setv(tag9, 4)},
            {257, setv("LV!", 3)},
        };
        uint8_t *rec;
        size_t cb;
        CHECK_ERR(record_build(&s, NULL, 0, values, 4, &rec, &cb), JET_errSuccess);
        /* fixed last 1, var last 130 (128, 129 NULL), ibEnd 4+4+1 = 9, bitmap 0xFE (fid 1 set,
         * bits 1-7 unused = 1); offsets 128 NULL end 0, 129 NULL end 0 (no column 129 in the
         * schema: still NULL), 130 end 2; "xy"; TAGFLD 256 @8, 257 @8+len(256). */
        const char *hex = large ? "01 82 0900 07000000 fe 0080 0080 0200 7879"
                                  " 0001 0800 0101 0d00 00 09000000 01 4c5621"
                                : "01 82 0900 07000000 fe 0080 0080 0200 7879"
                                  " 0001 0800 0101 0c40 09000000 01 4c5621";
        size_t n = hex_to_bytes(hex, expect);
        CHECK(bytes_equal(rec, cb, expect, n));
        if (!bytes_equal(rec, cb, expect, n)) {
            fprintf(stderr, "got ");
            print_hex(stderr, rec, cb);
            fprintf(stderr, "\n");
        }
        CHECK(get_equals(&s, rec, cb, 1, 1, long7, 4));
        CHECK(get_kind(&s, rec, cb, 2, 1) == RECORD_VALUE_ABSENT);
        CHECK(get_kind(&s, rec, cb, 128, 1) == RECORD_VALUE_NULL);
        CHECK(get_equals(&s, rec, cb, 130, 1, "xy", 2));
        CHECK(get_equals(&s, rec, cb, 256, 1, tag9, 4));
        CHECK(get_equals(&s, rec, cb, 257, 1, "LV!", 3));

        /* Separated long value: header 0x05 + LID32 LE. */
        record_set_value sep = {NULL, 0, RECORD_SET_SEPARATED, 0x01020304};
        CHECK_ERR(set_col(&s, &rec, &cb, 257, 1, &sep), JET_errSuccess);
        record_value v;
        CHECK_ERR(record_get_column(&s, rec, cb, 257, 1, &v), JET_errSuccess);
        CHECK(v.kind == RECORD_VALUE_SEPARATED && v.lid == 0x01020304 && v.cb_lid == 4);
        CHECK(rec[cb - 5] == 0x05 && ese_load_u32(rec + cb - 4) == 0x01020304);
        record_set_value sep64 = {NULL, 0, RECORD_SET_SEPARATED, 0x8000000010000005ull};
        CHECK_ERR(set_col(&s, &rec, &cb, 257, 1, &sep64), JET_errSuccess);
        CHECK_ERR(record_get_column(&s, rec, cb, 257, 1, &v), JET_errSuccess);
        CHECK(v.kind == RECORD_VALUE_SEPARATED && v.lid == 0x8000000010000005ull && v.cb_lid == 8);
        record_set_value badlid = {NULL, 0, RECORD_SET_SEPARATED, 0};
        CHECK_ERR(set_col(&s, &rec, &cb, 257, 1, &badlid), JET_errInvalidParameter);
        /* Separated is for long values only. */
        CHECK_ERR(set_col(&s, &rec, &cb, 256, 1, &sep), JET_errInvalidParameter);
        CHECK_ERR(set_col(&s, &rec, &cb, 130, 1, &sep), JET_errInvalidParameter);
        osal_free(rec);

        /* Multi-values on a non-long-value column: TWOVALUES on small pages, MULTIVALUES on
         * large ones; a third value makes MULTIVALUES everywhere. */
        rec = NULL;
        cb = 0;
        const record_build_value mv2[] = {{258, setv("ab", 2)}, {258, setv("cde", 3)}};
        CHECK_ERR(record_build(&s, NULL, 0, mv2, 2, &rec, &cb), JET_errSuccess);
        n = hex_to_bytes(large ? "00 7f 0400 0201 0400 08 0400 0600 6162 636465"
                               : "00 7f 0400 0201 0440 18 02 6162 636465", expect);
        CHECK(bytes_equal(rec, cb, expect, n));
        CHECK(get_equals(&s, rec, cb, 258, 1, "ab", 2));
        CHECK(get_equals(&s, rec, cb, 258, 2, "cde", 3));
        CHECK(get_kind(&s, rec, cb, 258, 3) == RECORD_VALUE_NULL);
        uint32_t count;
        CHECK_ERR(record_count_values(&s, rec, cb, 258, &count), JET_errSuccess);
        CHECK(count == 2);
        record_set_value third = setv("f", 1);
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 0, &third), JET_errSuccess);
        n = hex_to_bytes("00 7f 0400 0201 0440 08 0600 0800 0b00 6162 636465 66", expect);
        if (large)
            expect[7] = 0x00;
        CHECK(bytes_equal(rec, cb, expect, n));
        /* Deleting the middle value keeps MULTIVALUES form with two values (ESE does not go
         * back to TWOVALUES). */
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 2, NULL), JET_errSuccess);
        n = hex_to_bytes("00 7f 0400 0201 0440 08 0400 0600 6162 66", expect);
        if (large)
            expect[7] = 0x00;
        CHECK(bytes_equal(rec, cb, expect, n));
        CHECK(get_equals(&s, rec, cb, 258, 2, "f", 1));
        /* Replace value 1, then delete down to one value: the header goes on small pages. */
        record_set_value repl = setv("zz", 2);
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 1, &repl), JET_errSuccess);
        CHECK(get_equals(&s, rec, cb, 258, 1, "zz", 2));
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 1, NULL), JET_errSuccess);
        n = hex_to_bytes(large ? "00 7f 0400 0201 0400 00 66" : "00 7f 0400 0201 0400 66", expect);
        CHECK(bytes_equal(rec, cb, expect, n));
        CHECK_ERR(record_count_values(&s, rec, cb, 258, &count), JET_errSuccess);
        CHECK(count == 1);
        /* TWOVALUES back to one value (small pages): value 2 goes, no header. */
        record_set_value second = setv("gh", 2);
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 0, &second), JET_errSuccess);
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 1, NULL), JET_errSuccess);
        n = hex_to_bytes(large ? "00 7f 0400 0201 0400 00 6768" : "00 7f 0400 0201 0400 6768", expect);
        CHECK(bytes_equal(rec, cb, expect, n));
        /* Appending NULL, or deleting a value that is not there, changes nothing. */
        size_t before = cb;
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 0, NULL), JET_errSuccess);
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 5, NULL), JET_errSuccess);
        CHECK(cb == before);
        CHECK_ERR(set_col(&s, &rec, &cb, 258, 1, NULL), JET_errSuccess);
        CHECK(bytes_equal(rec, cb, k_empty_record, 4));
        osal_free(rec);

        /* Multi-valued long values: MULTIVALUES with the long-value flag, per-value separated
         * bit 0x8000. */
        rec = NULL;
        cb = 0;
        const record_build_value mvlv[] = {
            {259, setv("one", 3)},
            {259, {NULL, 0, RECORD_SET_SEPARATED, 42}},
            {259, setv("", 0)},
        };
        record_build_value mvlv3[3];
        memcpy(mvlv3, mvlv, sizeof(mvlv3));
        mvlv3[2].value.flags = RECORD_SET_ZERO_LENGTH;
        CHECK_ERR(record_build(&s, NULL, 0, mvlv3, 3, &rec, &cb), JET_errSuccess);
        n = hex_to_bytes("00 7f 0400 0301 0440 09 0600 0980 0d00 6f6e65 2a000000", expect);
        if (large)
            expect[7] = 0x00;
        CHECK(bytes_equal(rec, cb, expect, n));
        CHECK_ERR(record_get_column(&s, rec, cb, 259, 2, &v), JET_errSuccess);
        CHECK(v.kind == RECORD_VALUE_SEPARATED && v.lid == 42);
        CHECK_ERR(record_get_column(&s, rec, cb, 259, 3, &v), JET_errSuccess);
        CHECK(v.kind == RECORD_VALUE_DATA && v.cb == 0);
        /* Deleting down to the separated value: it becomes a single value with header 0x05. */
        CHECK_ERR(set_col(&s, &rec, &cb, 259, 3, NULL), JET_errSuccess);
        CHECK_ERR(set_col(&s, &rec, &cb, 259, 1, NULL), JET_errSuccess);
        n = hex_to_bytes("00 7f 0400 0301 0440 05 2a000000", expect);
        if (large)
            expect[7] = 0x00;
        CHECK(bytes_equal(rec, cb, expect, n));
        /* Two long values on a small page are MULTIVALUES too (the first has a header). */
        record_set_value lv2 = setv("x", 1);
        CHECK_ERR(set_col(&s, &rec, &cb, 259, 0, &lv2), JET_errSuccess);
        n = hex_to_bytes("00 7f 0400 0301 0440 09 0480 0800 2a000000 78", expect);
        if (large)
            expect[7] = 0x00;
        CHECK(bytes_equal(rec, cb, expect, n));
        osal_free(rec);
        record_schema_free(&s);
    }
}

/* A random value for a column (cb 0 = NULL).  Text values stay printable; for Unicode columns
 * the length is even. */
static uint32_t random_value(const record_column *c, uint8_t *buf, uint32_t room)
{
    uint32_t size = record_column_fixed_size(c);
    if (size == 0)
        size = record_coltyp_fixed_size(c->coltyp);
    if (size == 0) {
        uint32_t most = c->cb_max ? c->cb_max : (record_coltyp_is_long_value(c->coltyp) ? 300 : 255);
        if (most > room)
            most = room;
        size = rng_below(most + 1);
        if (c->coltyp == JET_coltypText && c->fid <= RECORD_FID_FIXED_LAST)
            size = c->cb_max;
        if (c->code_page == JET_CP_UNICODE)
            size &= ~1u;
    } else if (c->fid <= RECORD_FID_FIXED_LAST && (c->coltyp == JET_coltypBinary || c->coltyp == JET_coltypText)) {
        size = c->cb_max;
    }
    for (uint32_t i = 0; i < size; i++)
        buf[i] = record_coltyp_is_text(c->coltyp) ? (uint8_t)('a' + rng_below(26)) : (uint8_t)rng_next();
    if (c->coltyp == JET_coltypBit && size)
        buf[0] = rng_below(2) ? 0xFF : 0x00;
    return size;
}

/* Build records from random values and read every one back, on every page size. */
static void test_record_round_trips(void)
{
    int failures = 0;
    for (size_t p = 0; p < sizeof(k_page_sizes) / sizeof(k_page_sizes[0]); p++) {
        record_schema s;
        CHECK_ERR(record_schema_init(&s, k_all_columns, ALL_COLUMN_COUNT, k_page_sizes[p], 255),
                  JET_errSuccess);
        for (int round = 0; round < 300; round++) {
            /* Values: each column present with probability 2/3; multi-valued ones get 1..4. */
            static uint8_t storage[64][400];
            record_build_value values[64];
            uint32_t fids[64], itags[64];
            size_t n = 0;
            uint32_t budget = s.record_most / 2;
            for (size_t c = 0; c < ALL_COLUMN_COUNT && n < 60; c++) {
                const record_column *col = &k_all_columns[c];
                if (rng_below(3) == 0)
                    continue;
                uint32_t instances = (col->field_flags & RECORD_FIELD_MULTIVALUED) ? 1 + rng_below(4) : 1;
                for (uint32_t k = 0; k < instances && n < 60; k++) {
                    uint32_t room = budget > 300 ? 300 : budget;
                    uint32_t cb = random_value(col, storage[n], room);
                    if (cb == 0 && record_column_fixed_size(col) == 0 && col->fid < RECORD_FID_TAGGED_FIRST)
                        cb = 1, storage[n][0] = 'q';
                    if (budget < cb + 8)
                        break;
                    budget -= cb + 8;
                    values[n].fid = col->fid;
                    values[n].value = setv(storage[n], cb);
                    if (cb == 0)
                        values[n].value.flags = RECORD_SET_ZERO_LENGTH;
                    fids[n] = col->fid;
                    itags[n] = k + 1;
                    n++;
                }
            }
            uint8_t *rec;
            size_t cb;
            JET_ERR err = record_build(&s, NULL, 0, values, n, &rec, &cb);
            if (err < 0) {
                failures++;
                continue;
            }
            if (record_validate(&s, rec, cb) < 0)
                failures++;
            for (size_t i = 0; i < n; i++) {
                const uint8_t *want = values[i].value.data;
                uint32_t cb_want = values[i].value.cb;
                const record_column *col = record_schema_find(&s, (uint16_t)fids[i]);
                uint8_t bit;
                if (col->coltyp == JET_coltypBit) {
                    bit = want[0] ? 0xFF : 0x00;
                    want = &bit;
                }
                if (!get_equals(&s, rec, cb, (uint16_t)fids[i], itags[i], want, cb_want))
                    failures++;
            }
            /* Every column not given reads ABSENT (or, for a fixed one inside the record, NULL). */
            for (size_t c = 0; c < ALL_COLUMN_COUNT; c++) {
                bool given = false;
                for (size_t i = 0; i < n; i++)
                    given |= fids[i] == k_all_columns[c].fid;
                if (given)
                    continue;
                record_value_kind kind = get_kind(&s, rec, cb, k_all_columns[c].fid, 1);
                if (kind != RECORD_VALUE_ABSENT && kind != RECORD_VALUE_NULL)
                    failures++;
            }
            /* Rebuilding from the decoded record changes nothing (set each value again). */
            uint8_t *again = NULL;
            size_t again_cb = 0;
            err = record_build(&s, rec, cb, NULL, 0, &again, &again_cb);
            if (err < 0 || !bytes_equal(rec, cb, again, again_cb))
                failures++;
            osal_free(again);
            osal_free(rec);
        }
        record_schema_free(&s);
    }
    CHECK(failures == 0);
}

static void test_record_edits(void)
{
    static const uint8_t default_long[4] = {0x2A, 0, 0, 0};
    static const uint8_t default_tag[2] = {'d', 'f'};
    const record_column cols[] = {
        {1, JET_coltypLong, 0, RECORD_FIELD_NOT_NULL, 0, 0, NULL, 0},
        {2, JET_coltypLong, 0, RECORD_FIELD_DEFAULT, 0, 0, default_long, 4},
        {3, JET_coltypBit, 0, 0, 0, 0, NULL, 0},
        {4, JET_coltypText, 5, 0, JET_CP_ASCII, 0, NULL, 0},
        {5, JET_coltypText, 6, 0, JET_CP_UNICODE, 0, NULL, 0},
        {6, JET_coltypBinary, 3, 0, 0, 0, NULL, 0},
        {128, JET_coltypBinary, 4, 0, 0, 0, NULL, 0},
        {129, JET_coltypText, 0, RECORD_FIELD_DEFAULT, JET_CP_ASCII, 0, (const uint8_t *)"dflt", 4},
        {256, JET_coltypBinary, 0, RECORD_FIELD_DEFAULT, 0, 0, default_tag, 2},
        {257, JET_coltypLongText, 0, 0, JET_CP_ASCII, 0, NULL, 0},
    };
    for (size_t p = 0; p < sizeof(k_page_sizes) / sizeof(k_page_sizes[0]); p++) {
        record_schema s;
        CHECK_ERR(record_schema_init(&s, cols, sizeof(cols) / sizeof(cols[0]), k_page_sizes[p], 0),
                  JET_errSuccess);
        /* The insert record carries the fixed and variable defaults, not the tagged one. */
        uint8_t *rec;
        size_t cb;
        CHECK_ERR(record_build_default(&s, &rec, &cb), JET_errSuccess);
        CHECK(rec[0] == 2 && rec[1] == 129);
        CHECK(get_kind(&s, rec, cb, 1, 1) == RECORD_VALUE_NULL);
        CHECK(get_equals(&s, rec, cb, 2, 1, default_long, 4));
        CHECK(get_equals(&s, rec, cb, 129, 1, "dflt", 4));
        CHECK(get_kind(&s, rec, cb, 128, 1) == RECORD_VALUE_NULL);
        CHECK(get_kind(&s, rec, cb, 256, 1) == RECORD_VALUE_ABSENT);
        CHECK(rec[4] == RECORD_NULL_FILLER); /* NULL fixed column 1 is filled with 0x2A */
        uint16_t bad = 0;
        CHECK_ERR(record_check_not_null(&s, rec, cb, &bad), JET_errNullInvalid);
        CHECK(bad == 1);
        osal_free(rec);

        /* Setting a fixed column beyond the record extends it; columns in between get their
         * default or NULL. */
        rec = NULL;
        cb = 0;
        uint8_t *tmp;
        size_t tmp_cb;
        CHECK_ERR(record_set_column(&s, k_empty_record, 4, 3, 1, &(record_set_value){"\x01", 1, 0, 0},
                                    &tmp, &tmp_cb),
                  JET_errSuccess);
        rec = tmp;
        cb = tmp_cb;
        CHECK(rec[0] == 3);
        CHECK(get_kind(&s, rec, cb, 1, 1) == RECORD_VALUE_NULL);
        CHECK(get_equals(&s, rec, cb, 2, 1, default_long, 4));
        CHECK(get_equals(&s, rec, cb, 3, 1, "\xFF", 1)); /* Bit values become 0xFF */
        /* Bitmap: fid 1 NULL, fid 2 and 3 set, bits 3-7 unused = 1. */
        CHECK(rec[ese_load_u16(rec + 2) - 1] == 0xF9);
        /* Fixed Text and Binary pad a short value; too long is refused. */
        CHECK_ERR(set_col(&s, &rec, &cb, 4, 1, &(record_set_value){"ab", 2, 0, 0}), JET_errSuccess);
        CHECK(get_equals(&s, rec, cb, 4, 1, "ab   ", 5));
        CHECK_ERR(set_col(&s, &rec, &cb, 5, 1, &(record_set_value){"a\0", 2, 0, 0}), JET_errSuccess);
        CHECK(get_equals(&s, rec, cb, 5, 1, "a\0 \0 \0", 6));
        CHECK_ERR(set_col(&s, &rec, &cb, 6, 1, &(record_set_value){"z", 1, 0, 0}), JET_errSuccess);
        CHECK(get_equals(&s, rec, cb, 6, 1, "z\0\0", 3));
        CHECK_ERR(set_col(&s, &rec, &cb, 6, 1, &(record_set_value){"wxyz", 4, 0, 0}),
                  JET_errInvalidBufferSize);
        CHECK_ERR(set_col(&s, &rec, &cb, 1, 1, &(record_set_value){"abc", 3, 0, 0}),
                  JET_errInvalidBufferSize);
        CHECK_ERR(set_col(&s, &rec, &cb, 1, 1, &(record_set_value){"", 0, RECORD_SET_ZERO_LENGTH, 0}),
                  JET_errInvalidBufferSize);
        CHECK_ERR(set_col(&s, &rec, &cb, 128, 1, &(record_set_value){"abcde", 5, 0, 0}),
                  JET_errColumnTooBig);
        CHECK_ERR(set_col(&s, &rec, &cb, 99, 1, &(record_set_value){"a", 1, 0, 0}), JET_errColumnNotFound);
        /* NULL on a fixed column flips only its bit. */
        CHECK_ERR(set_col(&s, &rec, &cb, 6, 1, NULL), JET_errSuccess);
        CHECK(get_kind(&s, rec, cb, 6, 1) == RECORD_VALUE_NULL);
        CHECK_ERR(set_col(&s, &rec, &cb, 1, 1, &(record_set_value){"\1\0\0\0", 4, 0, 0}), JET_errSuccess);
        CHECK_ERR(record_check_not_null(&s, rec, cb, NULL), JET_errSuccess);

        /* Variable columns: zero-length is not NULL; extending carries the default along. */
        CHECK_ERR(set_col(&s, &rec, &cb, 128, 1, &(record_set_value){NULL, 0, RECORD_SET_ZERO_LENGTH, 0}),
                  JET_errSuccess);
        record_value v;
        CHECK_ERR(record_get_column(&s, rec, cb, 128, 1, &v), JET_errSuccess);
        CHECK(v.kind == RECORD_VALUE_DATA && v.cb == 0);
        CHECK(get_kind(&s, rec, cb, 129, 1) == RECORD_VALUE_ABSENT);
        CHECK_ERR(set_col(&s, &rec, &cb, 129, 1, NULL), JET_errSuccess); /* hides the default */
        CHECK(get_kind(&s, rec, cb, 129, 1) == RECORD_VALUE_NULL);
        CHECK_ERR(set_col(&s, &rec, &cb, 129, 1, &(record_set_value){NULL, 0, RECORD_SET_REVERT_TO_DEFAULT, 0}),
                  JET_errSuccess);
        CHECK(get_equals(&s, rec, cb, 129, 1, "dflt", 4));

        /* A tagged column with a default: NULL leaves a NULL TAGFLD behind. */
        CHECK_ERR(set_col(&s, &rec, &cb, 256, 1, NULL), JET_errSuccess);
        CHECK(get_kind(&s, rec, cb, 256, 1) == RECORD_VALUE_NULL);
        uint16_t fid = 0;
        CHECK_ERR(record_next_tagged(&s, rec, cb, 0, &fid), JET_errSuccess);
        CHECK(fid == 256);
        CHECK_ERR(record_validate(&s, rec, cb), JET_errSuccess);
        CHECK_ERR(set_col(&s, &rec, &cb, 256, 1, &(record_set_value){"v", 1, 0, 0}), JET_errSuccess);
        CHECK(get_equals(&s, rec, cb, 256, 1, "v", 1));
        CHECK_ERR(set_col(&s, &rec, &cb, 256, 1, NULL), JET_errSuccess);
        CHECK(get_kind(&s, rec, cb, 256, 1) == RECORD_VALUE_NULL);
        CHECK_ERR(set_col(&s, &rec, &cb, 256, 1, &(record_set_value){NULL, 0, RECORD_SET_REVERT_TO_DEFAULT, 0}),
                  JET_errSuccess);
        CHECK(get_kind(&s, rec, cb, 256, 1) == RECORD_VALUE_ABSENT);
        CHECK_ERR(record_next_tagged(&s, rec, cb, 0, &fid), JET_errColumnNotFound);
        /* Non-multi-valued columns ignore itag: a second set replaces. */
        CHECK_ERR(set_col(&s, &rec, &cb, 257, 0, &(record_set_value){"a", 1, 0, 0}), JET_errSuccess);
        CHECK_ERR(set_col(&s, &rec, &cb, 257, 0, &(record_set_value){"bb", 2, 0, 0}), JET_errSuccess);
        uint32_t count = 0;
        CHECK_ERR(record_count_values(&s, rec, cb, 257, &count), JET_errSuccess);
        CHECK(count == 1 && get_equals(&s, rec, cb, 257, 1, "bb", 2));
        CHECK_ERR(set_col(&s, &rec, &cb, 256, 1, &(record_set_value){"c", 1, RECORD_SET_COMPRESSED, 0}),
                  JET_errInvalidParameter);
        osal_free(rec);
        record_schema_free(&s);
    }
}

/* The record size limit is exact: record_most bytes build, one more does not. */
static void test_record_size_limit(void)
{
    const record_column cols[] = {
        {256, JET_coltypLongBinary, 0, 0, 0, 0, NULL, 0},
        {257, JET_coltypLongBinary, 0, 0, 0, 0, NULL, 0},
        {258, JET_coltypBinary, 0, RECORD_FIELD_MULTIVALUED, 0, 0, NULL, 0},
    };
    static uint8_t big[33000];
    memset(big, 'b', sizeof(big));
    for (size_t p = 0; p < sizeof(k_page_sizes) / sizeof(k_page_sizes[0]); p++) {
        for (int with_key = 0; with_key < 2; with_key++) {
            record_schema s;
            CHECK_ERR(record_schema_init(&s, cols, 3, k_page_sizes[p], with_key ? 255 : 0), JET_errSuccess);
            const uint32_t most = s.record_most;
            CHECK(most == record_size_most(k_page_sizes[p], with_key ? 255 : 0));
            /* record = 4 header + 4 TAGFLD + 1 header byte + value */
            const uint32_t fits = most - 9;
            uint8_t *rec;
            size_t cb;
            CHECK_ERR(record_set_column(&s, NULL, 0, 256, 1, &(record_set_value){big, fits, 0, 0}, &rec, &cb),
                      JET_errSuccess);
            CHECK(cb == most);
            osal_free(rec);
            CHECK_ERR(record_set_column(&s, NULL, 0, 256, 1, &(record_set_value){big, fits + 1, 0, 0}, &rec, &cb),
                      JET_errRecordTooBig);
            CHECK(rec == NULL);
            /* Many small multi-values hit the same limit. */
            record_build_value values[400];
            size_t n = 0;
            for (; n < 400; n++) {
                values[n].fid = 258;
                values[n].value = setv(big, 200);
            }
            CHECK_ERR(record_build(&s, NULL, 0, values, n, &rec, &cb),
                      400 * 202 + 9 > most ? JET_errRecordTooBig : JET_errSuccess);
            if (rec)
                osal_free(rec);
            /* A non-long tagged value is limited to 255 bytes. */
            CHECK_ERR(record_set_column(&s, NULL, 0, 258, 1, &(record_set_value){big, 256, 0, 0}, &rec, &cb),
                      JET_errColumnTooBig);
            record_schema_free(&s);
        }
    }
}

/* Malformed records: every reader and validate fail cleanly (ASan watches for overreads). */
static void test_record_corruption(void)
{
    record_schema s;
    CHECK_ERR(record_schema_init(&s, k_all_columns, ALL_COLUMN_COUNT, 4096, 255), JET_errSuccess);
    uint8_t val[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    const record_build_value values[] = {
        {4, setv(val, 4)},        {11, setv(val, 16)},      {128, setv("a\0b\0", 4)},
        {129, setv(val, 10)},     {256, setv(val, 4)},      {257, setv("x\0", 2)},
        {257, setv("y\0", 2)},    {257, setv("z\0", 2)},    {258, setv(val, 7)},
        {259, setv("p\0", 2)},    {259, setv("q\0", 2)},    {260, setv(val, 3)},
        {260, setv(val, 5)},
    };
    uint8_t *rec;
    size_t cb;
    CHECK_ERR(record_build(&s, NULL, 0, values, sizeof(values) / sizeof(values[0]), &rec, &cb),
              JET_errSuccess);
    CHECK_ERR(record_validate(&s, rec, cb), JET_errSuccess);
    /* Truncations. */
    int crashes_avoided = 0;
    for (size_t len = 0; len < cb; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, rec, len);
        (void)record_validate(&s, copy, len);
        for (size_t c = 0; c < ALL_COLUMN_COUNT; c++) {
            record_value v;
            for (uint32_t itag = 1; itag <= 4; itag++)
                (void)record_get_column(&s, copy, len, k_all_columns[c].fid, itag, &v);
        }
        uint8_t *out;
        size_t out_cb;
        if (record_set_column(&s, copy, len, 257, 2, &(record_set_value){"w\0", 2, 0, 0}, &out, &out_cb) >= 0)
            osal_free(out);
        free(copy);
        crashes_avoided++;
    }
    /* Random byte flips. */
    for (int round = 0; round < 3000; round++) {
        uint8_t *copy = malloc(cb);
        memcpy(copy, rec, cb);
        int flips = 1 + (int)rng_below(4);
        for (int f = 0; f < flips; f++)
            copy[rng_below((uint32_t)cb)] ^= (uint8_t)(1u << rng_below(8));
        (void)record_validate(&s, copy, cb);
        for (size_t c = 0; c < ALL_COLUMN_COUNT; c++) {
            record_value v;
            uint32_t count;
            (void)record_get_column(&s, copy, cb, k_all_columns[c].fid, 1 + rng_below(4), &v);
            (void)record_count_values(&s, copy, cb, k_all_columns[c].fid, &count);
        }
        uint8_t *out;
        size_t out_cb;
        if (record_set_column(&s, copy, cb, 260, 0, &(record_set_value){"w", 1, 0, 0}, &out, &out_cb) >= 0) {
            CHECK_ERR(record_validate(&s, out, out_cb), JET_errSuccess);
            osal_free(out);
        }
        free(copy);
    }
    CHECK(crashes_avoided == (int)cb);
    static const uint8_t bad_header[] = {0x80, 0x7F, 0x04, 0x00};
    CHECK_ERR(record_validate(&s, bad_header, 4), JET_errDatabaseCorrupted);
    static const uint8_t bad_var[] = {0x00, 0x7E, 0x04, 0x00};
    CHECK_ERR(record_validate(&s, bad_var, 4), JET_errDatabaseCorrupted);
    static const uint8_t short_rec[] = {0x00, 0x7F, 0x04};
    CHECK_ERR(record_validate(&s, short_rec, 3), JET_errDatabaseCorrupted);
    osal_free(rec);
    record_schema_free(&s);
}

/* 7-bit and XPRESS decompression. */
static void test_decompress(void)
{
    /* 7-bit ASCII of "Record": 7 bits per char LSB first; scheme byte 0x08 | (bits in last
     * byte - 1). */
    const char *text = "Record          0";
    const size_t n = strlen(text);
    uint8_t packed[64] = {0};
    uint32_t bit = 0;
    for (size_t i = 0; i < n; i++, bit += 7)
        for (int b = 0; b < 7; b++)
            if ((text[i] >> b) & 1)
                packed[1 + (bit + b) / 8] |= (uint8_t)(1u << ((bit + b) % 8));
    const uint32_t bytes = (uint32_t)((bit + 7) / 8);
    const uint32_t last_bits = bit % 8 ? bit % 8 : 8;
    packed[0] = (uint8_t)((1u << 3) | (last_bits - 1));
    uint8_t out[64];
    uint32_t actual;
    CHECK_ERR(record_decompress(packed, 1 + bytes, out, sizeof(out), &actual), JET_errSuccess);
    CHECK(actual == n && memcmp(out, text, n) == 0);
    CHECK_ERR(record_decompress(packed, 1 + bytes, out, 3, &actual), JET_wrnBufferTruncated);
    CHECK(actual == n && memcmp(out, text, 3) == 0);
    packed[0] = (uint8_t)((2u << 3) | (last_bits - 1));
    CHECK_ERR(record_decompress(packed, 1 + bytes, out, sizeof(out), &actual), JET_errSuccess);
    CHECK(actual == 2 * n);
    bool wide_ok = true;
    for (size_t i = 0; i < n; i++)
        wide_ok &= out[2 * i] == (uint8_t)text[i] && out[2 * i + 1] == 0;
    CHECK(wide_ok);
    /* XPRESS (MS-XCA plain LZ77): literals "abc", then a match of offset 3, length 6. */
    static const uint8_t xpress[] = {0x18, 9, 0, 0x00, 0x00, 0x00, 0x10, 'a', 'b', 'c', 0x13, 0x00};
    CHECK_ERR(record_decompress(xpress, sizeof(xpress), out, sizeof(out), &actual), JET_errSuccess);
    CHECK(actual == 9 && memcmp(out, "abcabcabc", 9) == 0);
    static const uint8_t xpress_bad[] = {0x18, 9, 0, 0x00, 0x00, 0x00, 0x80, 0x13, 0x00};
    CHECK_ERR(record_decompress(xpress_bad, sizeof(xpress_bad), out, sizeof(out), &actual),
              JET_errDecompressionFailed);
    static const uint8_t xpress9[] = {0x28, 1, 2, 3, 4, 5};
    CHECK_ERR(record_decompress(xpress9, sizeof(xpress9), out, sizeof(out), &actual),
              JET_errDecompressionFailed);
}

/* ---- keys --------------------------------------------------------------------------------- */

static uint32_t make_one_key(JET_COLTYP coltyp, uint16_t cp, bool descending, bool fixed,
                             const void *data, uint32_t cb, bool is_null, uint8_t *key)
{
    const key_segment seg = {coltyp, cp, descending, fixed, 0};
    const key_index index = {&seg, 1, 255, 0, false, false, false};
    const key_column_value v = {data, cb, is_null};
    uint32_t cb_key = 0;
    if (key_build(&index, &v, key, &cb_key, NULL) < 0)
        return 0;
    return cb_key;
}

static bool key_is(JET_COLTYP coltyp, const void *data, uint32_t cb, const char *hex)
{
    uint8_t key[300], want[300];
    const uint32_t n = make_one_key(coltyp, JET_CP_ASCII, false, true, data, cb, false, key);
    const size_t m = hex_to_bytes(hex, want);
    if (!bytes_equal(key, n, want, m)) {
        fprintf(stderr, "key of coltyp %u: got ", (unsigned)coltyp);
        print_hex(stderr, key, n);
        fprintf(stderr, " want %s\n", hex);
        return false;
    }
    return true;
}

static void test_key_exact_bytes(void)
{
    int32_t l = 2;
    CHECK(key_is(JET_coltypLong, &l, 4, "7f80000002"));
    l = -1;
    CHECK(key_is(JET_coltypLong, &l, 4, "7f7fffffff"));
    int16_t sh = -2;
    CHECK(key_is(JET_coltypShort, &sh, 2, "7f7ffe"));
    uint16_t us = 0x1234;
    CHECK(key_is(JET_coltypUnsignedShort, &us, 2, "7f1234"));
    uint32_t ul = 0x89ABCDEF;
    CHECK(key_is(JET_coltypUnsignedLong, &ul, 4, "7f89abcdef"));
    int64_t ll = 1;
    CHECK(key_is(JET_coltypLongLong, &ll, 8, "7f8000000000000001"));
    CHECK(key_is(JET_coltypCurrency, &ll, 8, "7f8000000000000001"));
    uint8_t bit = 0x01;
    CHECK(key_is(JET_coltypBit, &bit, 1, "7fff"));
    bit = 0;
    CHECK(key_is(JET_coltypBit, &bit, 1, "7f00"));
    uint8_t ub = 0x80;
    CHECK(key_is(JET_coltypUnsignedByte, &ub, 1, "7f80"));
    double d = 1.0; /* 0x3FF0000000000000 -> sign flipped */
    CHECK(key_is(JET_coltypIEEEDouble, &d, 8, "7fbff0000000000000"));
    d = -1.0; /* 0xBFF0000000000000 -> all bits inverted */
    CHECK(key_is(JET_coltypIEEEDouble, &d, 8, "7f400fffffffffffff"));
    float f = 2.0f; /* 0x40000000 */
    CHECK(key_is(JET_coltypIEEESingle, &f, 4, "7fc0000000"));
    const uint8_t guid[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    CHECK(key_is(JET_coltypGUID, guid, 16, "7f 0a0b0c0d0e0f 0809 0607 0405 00010203"));
    /* Text: upper-cased, NUL-terminated, stops at an embedded NUL. */
    CHECK(key_is(JET_coltypText, "MSysObjects", 11, "7f4d5359534f424a4543545300"));
    CHECK(key_is(JET_coltypText, "ab\0cd", 5, "7f414200"));
    /* Variable binary: 8-byte chunks with count bytes. */
    uint8_t key[300], want[300];
    uint32_t n = make_one_key(JET_coltypBinary, 0, false, false, "abc", 3, false, key);
    size_t m = hex_to_bytes("7f 6162630000000000 03", want);
    CHECK(bytes_equal(key, n, want, m));
    n = make_one_key(JET_coltypBinary, 0, false, false, "12345678", 8, false, key);
    m = hex_to_bytes("7f 3132333435363738 08", want);
    CHECK(bytes_equal(key, n, want, m));
    n = make_one_key(JET_coltypBinary, 0, false, false, "123456789", 9, false, key);
    m = hex_to_bytes("7f 3132333435363738 09 3900000000000000 01", want);
    CHECK(bytes_equal(key, n, want, m));
    /* Fixed binary: as is. */
    n = make_one_key(JET_coltypBinary, 0, false, true, "abc", 3, false, key);
    m = hex_to_bytes("7f 616263", want);
    CHECK(bytes_equal(key, n, want, m));
    /* NULL, zero-length, descending. */
    n = make_one_key(JET_coltypLong, 0, false, true, NULL, 0, true, key);
    CHECK(n == 1 && key[0] == 0x00);
    n = make_one_key(JET_coltypText, JET_CP_ASCII, false, false, "", 0, false, key);
    CHECK(n == 1 && key[0] == 0x40);
    l = 2;
    n = make_one_key(JET_coltypLong, 0, true, true, &l, 4, false, key);
    m = hex_to_bytes("80 7ffffffd", want);
    CHECK(bytes_equal(key, n, want, m));
    /* Sort NULLs high. */
    const key_segment seg = {JET_coltypLong, 0, false, true, 0};
    const key_index high = {&seg, 1, 255, 0, true, false, false};
    const key_column_value null_value = {NULL, 0, true};
    uint32_t info = 0;
    CHECK_ERR(key_build(&high, &null_value, key, &n, &info), JET_errSuccess);
    CHECK(n == 1 && key[0] == 0xC0 && (info & KEY_INFO_ALL_NULL) && (info & KEY_INFO_FIRST_NULL));
    /* Unicode (libese's rule): folded units big-endian + 00 00. */
    const uint8_t abc16[] = {'a', 0, 'B', 0, 0xE9, 0x00}; /* "aBé" */
    n = make_one_key(JET_coltypText, JET_CP_UNICODE, false, false, abc16, 6, false, key);
    m = hex_to_bytes("7f 0041 0042 00c9 0000", want);
    CHECK(bytes_equal(key, n, want, m));
    /* Catalog keys (facts §4.2) and Name index keys (§4.4). */
    uint8_t ck[CATALOG_KEY_SIZE];
    catalog_key(2, 1, 2, ck);
    m = hex_to_bytes("7f80000002 7f8001 7f80000002", want);
    CHECK(bytes_equal(ck, CATALOG_KEY_SIZE, want, m));
    uint32_t objid, id;
    uint16_t type;
    CHECK_ERR(catalog_key_parse(ck, CATALOG_KEY_SIZE, &objid, &type, &id), JET_errSuccess);
    CHECK(objid == 2 && type == 1 && id == 2);
    CHECK_ERR(catalog_key_parse(ck, 12, &objid, &type, &id), JET_errCatalogCorrupted);
    CHECK_ERR(catalog_name_index_key(2, 1, "MSysObjects", 11, key, &n), JET_errSuccess);
    m = hex_to_bytes("7f80000002 7f8001 7f4d5359534f424a4543545300", want);
    CHECK(bytes_equal(key, n, want, m));
    CHECK_ERR(catalog_root_objects_key("MSysObjects", 11, key, &n), JET_errSuccess);
    m = hex_to_bytes("7fff 7f4d5359534f424a4543545300", want);
    CHECK(bytes_equal(key, n, want, m));
}

/* Key truncation at key_most, as ESE does it. */
static void test_key_truncation(void)
{
    uint8_t text[600], key[KEY_LIMIT_MOST_MOST];
    memset(text, 'a', sizeof(text));
    const key_segment segs[2] = {{JET_coltypText, JET_CP_ASCII, false, false, 0},
                                 {JET_coltypLong, 0, false, true, 0}};
    key_index index = {segs, 2, 0, 0, false, false, false};
    int32_t one = 1;
    key_column_value values[2] = {{text, 300, false}, {&one, 4, false}};
    uint32_t n = 0, info = 0;
    /* 255-byte key: prefix + 254 text bytes, the last one ESE-upper-cased, no terminator; the
     * Long segment is dropped. */
    CHECK_ERR(key_build(&index, values, key, &n, &info), JET_errSuccess);
    CHECK(n == 255 && key[0] == 0x7F && key[253] == 'A' && key[254] == 'A');
    CHECK(info & KEY_INFO_TRUNCATED);
    /* ESE's last-character quirk: an upper-case letter loses 0x20 too ('B' - 0x20 = '"'). */
    text[253] = 'B';
    CHECK_ERR(key_build(&index, values, key, &n, &info), JET_errSuccess);
    CHECK(key[254] == (uint8_t)('B' - 0x20));
    text[253] = 'a';
    index.disallow_truncation = true;
    CHECK_ERR(key_build(&index, values, key, &n, &info), JET_errKeyTruncated);
    index.disallow_truncation = false;
    /* Exactly fitting text keeps its terminator: 1 + 252 + 1 = 254, then 1 byte of the Long. */
    values[0].cb = 252;
    CHECK_ERR(key_build(&index, values, key, &n, &info), JET_errSuccess);
    CHECK(n == 255 && key[253] == 0 && key[254] == 0x7F && (info & KEY_INFO_TRUNCATED));
    values[0].cb = 248; /* 1 + 248 + 1 + 5 = 255: everything fits */
    CHECK_ERR(key_build(&index, values, key, &n, &info), JET_errSuccess);
    CHECK(n == 255 && !(info & KEY_INFO_TRUNCATED));
    /* A bigger key_most keeps more. */
    index.key_most = 1000;
    values[0].cb = 600;
    CHECK_ERR(key_build(&index, values, key, &n, &info), JET_errSuccess);
    CHECK(n == 1 + 601 + 5 && !(info & KEY_INFO_TRUNCATED));
    /* Binary truncated mid-chunk. */
    const key_segment bseg = {JET_coltypBinary, 0, false, false, 0};
    const key_index bindex = {&bseg, 1, 20, 0, false, false, false};
    const key_column_value bv = {text, 100, false};
    CHECK_ERR(key_build(&bindex, &bv, key, &n, &info), JET_errSuccess);
    CHECK(n == 20 && key[9] == 9 && key[18] == 9 && key[19] == 'a' && (info & KEY_INFO_TRUNCATED));
    /* A cut right after a full chunk: its count byte says 9 (more follows), not 8. */
    const key_index bindex2 = {&bseg, 1, 10, 0, false, false, false};
    const key_column_value bv2 = {text, 16, false};
    CHECK_ERR(key_build(&bindex2, &bv2, key, &n, &info), JET_errSuccess);
    CHECK(n == 10 && key[9] == 9);
    /* cbVarSegMac caps a segment without truncating the key. */
    const key_segment two_text[2] = {{JET_coltypText, JET_CP_ASCII, false, false, 0},
                                     {JET_coltypText, JET_CP_ASCII, false, false, 0}};
    const key_index mac = {two_text, 2, 255, 5, false, false, false};
    const key_column_value tv[2] = {{"abcdefgh", 8, false}, {"xy", 2, false}};
    CHECK_ERR(key_build(&mac, tv, key, &n, &info), JET_errSuccess);
    uint8_t want[32];
    size_t m = hex_to_bytes("7f41424344 7f585900", want);
    CHECK(bytes_equal(key, n, want, m) && !(info & KEY_INFO_TRUNCATED));
}

/* Random values of one type: their keys sort like the values. */
typedef struct typed_value {
    uint8_t bytes[40];
    uint32_t cb;
    bool is_null;
} typed_value;

static int compare_values(JET_COLTYP coltyp, uint16_t cp, const typed_value *a, const typed_value *b)
{
    if (a->is_null || b->is_null)
        return (int)b->is_null - (int)a->is_null == 0 ? 0 : (a->is_null ? -1 : 1);
    switch (coltyp) {
    case JET_coltypBit: {
        int x = a->bytes[0] != 0, y = b->bytes[0] != 0;
        return (x > y) - (x < y);
    }
    case JET_coltypUnsignedByte:
        return (a->bytes[0] > b->bytes[0]) - (a->bytes[0] < b->bytes[0]);
    case JET_coltypShort: {
        int16_t x = (int16_t)ese_load_u16(a->bytes), y = (int16_t)ese_load_u16(b->bytes);
        return (x > y) - (x < y);
    }
    case JET_coltypUnsignedShort: {
        uint16_t x = ese_load_u16(a->bytes), y = ese_load_u16(b->bytes);
        return (x > y) - (x < y);
    }
    case JET_coltypLong: {
        int32_t x = (int32_t)ese_load_u32(a->bytes), y = (int32_t)ese_load_u32(b->bytes);
        return (x > y) - (x < y);
    }
    case JET_coltypUnsignedLong: {
        uint32_t x = ese_load_u32(a->bytes), y = ese_load_u32(b->bytes);
        return (x > y) - (x < y);
    }
    case JET_coltypLongLong:
    case JET_coltypCurrency: {
        int64_t x = (int64_t)ese_load_u64(a->bytes), y = (int64_t)ese_load_u64(b->bytes);
        return (x > y) - (x < y);
    }
    case JET_coltypUnsignedLongLong: {
        uint64_t x = ese_load_u64(a->bytes), y = ese_load_u64(b->bytes);
        return (x > y) - (x < y);
    }
    case JET_coltypIEEESingle: {
        float x, y;
        memcpy(&x, a->bytes, 4);
        memcpy(&y, b->bytes, 4);
        return (x > y) - (x < y);
    }
    case JET_coltypIEEEDouble:
    case JET_coltypDateTime: {
        double x, y;
        memcpy(&x, a->bytes, 8);
        memcpy(&y, b->bytes, 8);
        return (x > y) - (x < y);
    }
    case JET_coltypGUID: {
        /* ESE's GUID order: bytes 10-15, 8-9, 6-7, 4-5, 0-3. */
        static const uint8_t order[16] = {10, 11, 12, 13, 14, 15, 8, 9, 6, 7, 4, 5, 0, 1, 2, 3};
        for (int i = 0; i < 16; i++)
            if (a->bytes[order[i]] != b->bytes[order[i]])
                return a->bytes[order[i]] < b->bytes[order[i]] ? -1 : 1;
        return 0;
    }
    case JET_coltypText:
        if (cp == JET_CP_UNICODE) {
            /* Values are generated as letters only: case-insensitive code unit order. */
            uint32_t n = (a->cb < b->cb ? a->cb : b->cb) / 2;
            for (uint32_t i = 0; i < n; i++) {
                uint16_t x = ese_load_u16(a->bytes + 2 * i), y = ese_load_u16(b->bytes + 2 * i);
                if (x >= 'a' && x <= 'z')
                    x -= 0x20;
                if (y >= 'a' && y <= 'z')
                    y -= 0x20;
                if (x != y)
                    return x < y ? -1 : 1;
            }
            return (a->cb > b->cb) - (a->cb < b->cb);
        } else {
            uint32_t n = a->cb < b->cb ? a->cb : b->cb;
            for (uint32_t i = 0; i < n; i++) {
                int x = a->bytes[i], y = b->bytes[i];
                if (x >= 'a' && x <= 'z')
                    x -= 0x20;
                if (y >= 'a' && y <= 'z')
                    y -= 0x20;
                if (x != y)
                    return x < y ? -1 : 1;
            }
            return (a->cb > b->cb) - (a->cb < b->cb);
        }
    case JET_coltypBinary: {
        uint32_t n = a->cb < b->cb ? a->cb : b->cb;
        int c = n ? memcmp(a->bytes, b->bytes, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return (a->cb > b->cb) - (a->cb < b->cb);
    }
    default:
        return 0;
    }
}

static void random_typed(JET_COLTYP coltyp, uint16_t cp, typed_value *v)
{
    memset(v, 0, sizeof(*v));
    if (rng_below(20) == 0) {
        v->is_null = true;
        return;
    }
    uint32_t size = record_coltyp_fixed_size(coltyp);
    if (coltyp == JET_coltypIEEESingle) {
        float x = (float)((double)(int64_t)rng_next() / 1e10 * (rng_below(2) ? 1 : 1e-20));
        if (rng_below(10) == 0)
            x = (float)(int)rng_below(5) - 2.0f;
        if (x == 0.0f)
            x = 0.0f; /* no negative zero: it sorts below +0.0, which equal values would not */
        memcpy(v->bytes, &x, 4);
        v->cb = 4;
        return;
    }
    if (coltyp == JET_coltypIEEEDouble || coltyp == JET_coltypDateTime) {
        double x = (double)(int64_t)rng_next() / (double)(1ull << rng_below(60));
        if (rng_below(10) == 0)
            x = (double)rng_below(5) - 2.0;
        if (x == 0.0)
            x = 0.0;
        memcpy(v->bytes, &x, 8);
        v->cb = 8;
        return;
    }
    if (size) {
        uint64_t r = rng_next();
        /* Bias toward small magnitudes and the type's edges. */
        if (rng_below(4) == 0)
            r = rng_below(7) - 3;
        for (uint32_t i = 0; i < size; i++)
            v->bytes[i] = (uint8_t)(i < 8 ? r >> (8 * i) : rng_next());
        v->cb = size;
        return;
    }
    const uint32_t unit = cp == JET_CP_UNICODE ? 2 : 1;
    const uint32_t chars = rng_below(40 / unit);
    for (uint32_t i = 0; i < chars; i++) {
        uint8_t ch = coltyp == JET_coltypText ? (uint8_t)((rng_below(2) ? 'a' : 'A') + rng_below(4))
                                              : (uint8_t)rng_below(4);
        v->bytes[unit * i] = ch;
    }
    v->cb = chars * unit;
}

static void test_key_ordering(void)
{
    static const struct {
        JET_COLTYP coltyp;
        uint16_t cp;
    } types[] = {
        {JET_coltypBit, 0},          {JET_coltypUnsignedByte, 0}, {JET_coltypShort, 0},
        {JET_coltypUnsignedShort, 0}, {JET_coltypLong, 0},        {JET_coltypUnsignedLong, 0},
        {JET_coltypLongLong, 0},     {JET_coltypUnsignedLongLong, 0}, {JET_coltypCurrency, 0},
        {JET_coltypIEEESingle, 0},   {JET_coltypIEEEDouble, 0},   {JET_coltypDateTime, 0},
        {JET_coltypGUID, 0},         {JET_coltypText, JET_CP_ASCII}, {JET_coltypText, JET_CP_UNICODE},
        {JET_coltypBinary, 0},       {JET_coltypLongText, JET_CP_ASCII}, {JET_coltypLongBinary, 0},
    };
    int wrong = 0, pairs = 0;
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        const JET_COLTYP coltyp = types[t].coltyp == JET_coltypLongText ? JET_coltypText
                                  : types[t].coltyp == JET_coltypLongBinary ? JET_coltypBinary
                                                                           : types[t].coltyp;
        for (int desc = 0; desc < 2; desc++) {
            /* Two segments: the typed one, then a Long tie-breaker. */
            const key_segment segs[2] = {
                {types[t].coltyp, types[t].cp, desc != 0, record_coltyp_fixed_size(coltyp) != 0, 0},
                {JET_coltypLong, 0, false, true, 0}};
            const key_index index = {segs, 2, 255, 0, false, false, false};
            for (int round = 0; round < 400; round++) {
                typed_value a, b;
                random_typed(coltyp, types[t].cp, &a);
                random_typed(coltyp, types[t].cp, &b);
                if (rng_below(8) == 0)
                    b = a;
                int32_t ta = (int32_t)rng_below(3) - 1, tb = (int32_t)rng_below(3) - 1;
                key_column_value va[2] = {{a.bytes, a.cb, a.is_null}, {&ta, 4, false}};
                key_column_value vb[2] = {{b.bytes, b.cb, b.is_null}, {&tb, 4, false}};
                uint8_t ka[300], kb[300];
                uint32_t na, nb;
                if (key_build(&index, va, ka, &na, NULL) < 0 || key_build(&index, vb, kb, &nb, NULL) < 0) {
                    wrong++;
                    continue;
                }
                int want = compare_values(coltyp, types[t].cp, &a, &b);
                if (desc)
                    want = -want;
                if (want == 0)
                    want = (ta > tb) - (ta < tb);
                const int got = key_compare(ka, na, kb, nb);
                pairs++;
                if (got != want) {
                    wrong++;
                    if (wrong < 5) {
                        fprintf(stderr, "key order: coltyp %u desc %d: want %d got %d\n  ",
                                (unsigned)types[t].coltyp, desc, want, got);
                        print_hex(stderr, ka, na);
                        fprintf(stderr, "\n  ");
                        print_hex(stderr, kb, nb);
                        fprintf(stderr, "\n");
                    }
                }
            }
        }
    }
    CHECK(wrong == 0);
    CHECK(pairs > 10000);
}

/* JetMakeKey and its limit grbits. */
static void test_key_make(void)
{
    const key_segment segs[3] = {{JET_coltypLong, 0, false, true, 0},
                                 {JET_coltypText, JET_CP_ASCII, false, false, 0},
                                 {JET_coltypBinary, 0, false, false, 0}};
    const key_index index = {segs, 3, 255, 0, false, false, false};
    key_search ks;
    key_search_reset(&ks);
    int32_t five = 5;
    CHECK_ERR(key_make(&ks, &index, &five, 4, 0), JET_errKeyNotMade);
    CHECK_ERR(key_make(&ks, &index, &five, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(key_make(&ks, &index, "abc", 3, 0), JET_errSuccess);
    CHECK_ERR(key_make(&ks, &index, "xy", 2, 0), JET_errSuccess);
    CHECK_ERR(key_make(&ks, &index, "z", 1, 0), JET_errKeyIsMade);
    /* The search key equals the index key of the same values. */
    const key_column_value values[3] = {{&five, 4, false}, {"abc", 3, false}, {"xy", 2, false}};
    uint8_t key[300];
    uint32_t n;
    CHECK_ERR(key_build(&index, values, key, &n, NULL), JET_errSuccess);
    CHECK(bytes_equal(ks.bytes, ks.cb, key, n));
    /* Wrong size for a fixed column. */
    CHECK_ERR(key_make(&ks, &index, &five, 2, JET_bitNewKey), JET_errInvalidBufferSize);
    /* NULL and zero-length. */
    CHECK_ERR(key_make(&ks, &index, NULL, 0, JET_bitNewKey), JET_errSuccess);
    CHECK(ks.cb == 1 && ks.bytes[0] == 0x00);
    CHECK_ERR(key_make(&ks, &index, NULL, 0, JET_bitKeyDataZeroLength), JET_errSuccess);
    CHECK(ks.cb == 2 && ks.bytes[1] == 0x40);
    CHECK_ERR(key_make(&ks, &index, NULL, 0, JET_bitNewKey | JET_bitKeyDataZeroLength),
              JET_errInvalidBufferSize);

    /* Full-column limits: start leaves the key, end pads it with 0xFF to key_most + 1. */
    CHECK_ERR(key_make(&ks, &index, &five, 4, JET_bitNewKey | JET_bitFullColumnStartLimit), JET_errSuccess);
    CHECK(ks.cb == 5 && ks.limit);
    CHECK_ERR(key_make(&ks, &index, "abc", 3, 0), JET_errKeyIsMade);
    CHECK_ERR(key_make(&ks, &index, &five, 4, JET_bitNewKey | JET_bitFullColumnEndLimit), JET_errSuccess);
    CHECK(ks.cb == 256 && ks.bytes[5] == 0xFF && ks.bytes[255] == 0xFF);
    /* Every key with Long = 5 lies between the two limits; 4 and 6 do not. */
    key_search lo, hi;
    key_search_reset(&lo);
    key_search_reset(&hi);
    CHECK_ERR(key_make(&lo, &index, &five, 4, JET_bitNewKey | JET_bitFullColumnStartLimit), JET_errSuccess);
    CHECK_ERR(key_make(&hi, &index, &five, 4, JET_bitNewKey | JET_bitFullColumnEndLimit), JET_errSuccess);
    int inside = 0, outside = 0;
    for (int i = 0; i < 200; i++) {
        int32_t l = 4 + (int32_t)rng_below(3);
        char text[12];
        uint32_t cb_text = rng_below(sizeof(text));
        for (uint32_t k = 0; k < cb_text; k++)
            text[k] = (char)('a' + rng_below(26));
        const key_column_value v[3] = {{&l, 4, false}, {text, cb_text, rng_below(5) == 0}, {"q", 1, false}};
        CHECK_ERR(key_build(&index, v, key, &n, NULL), JET_errSuccess);
        const bool between = key_compare(lo.bytes, lo.cb, key, n) <= 0 && key_compare(key, n, hi.bytes, hi.cb) < 0;
        if (between == (l == 5))
            inside++;
        else
            outside++;
    }
    CHECK(outside == 0);

    /* Partial limits on text: prefix "ab" selects exactly the values starting with "ab". */
    CHECK_ERR(key_make(&lo, &index, &five, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(key_make(&lo, &index, "ab", 2, JET_bitPartialColumnStartLimit), JET_errSuccess);
    CHECK(lo.cb == 5 + 3 && lo.bytes[7] == 'B'); /* terminator dropped */
    CHECK_ERR(key_make(&hi, &index, &five, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(key_make(&hi, &index, "ab", 2, JET_bitPartialColumnEndLimit), JET_errSuccess);
    CHECK(hi.cb == 256 && hi.bytes[8] == 0xFF);
    key_search legacy;
    key_search_reset(&legacy);
    CHECK_ERR(key_make(&legacy, &index, &five, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(key_make(&legacy, &index, "ab", 2, JET_bitSubStrLimit), JET_errSuccess);
    CHECK(bytes_equal(legacy.bytes, legacy.cb, hi.bytes, hi.cb));
    static const char *samples[] = {"a", "ab", "AB", "abc", "abz", "Abq", "ac", "b", "aa", ""};
    int bad = 0;
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const key_column_value v[3] = {{&five, 4, false}, {samples[i], (uint32_t)strlen(samples[i]), false}, {"q", 1, false}};
        CHECK_ERR(key_build(&index, v, key, &n, NULL), JET_errSuccess);
        const bool between = key_compare(lo.bytes, lo.cb, key, n) <= 0 && key_compare(key, n, hi.bytes, hi.cb) < 0;
        const bool prefixed = strlen(samples[i]) >= 2 && (samples[i][0] | 0x20) == 'a' && (samples[i][1] | 0x20) == 'b';
        if (between != prefixed)
            bad++;
    }
    CHECK(bad == 0);
    /* StrLimit on text = full end limit. */
    CHECK_ERR(key_make(&legacy, &index, &five, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(key_make(&legacy, &index, "ab", 2, JET_bitStrLimit), JET_errSuccess);
    CHECK(legacy.cb == 256 && legacy.bytes[8] == 0x00 && legacy.bytes[9] == 0xFF);

    /* Partial limits on binary: cut where the value's bytes end. */
    CHECK_ERR(key_make(&lo, &index, &five, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(key_make(&lo, &index, "t", 1, 0), JET_errSuccess);
    CHECK_ERR(key_make(&lo, &index, "\x01\x02\x03", 3, JET_bitPartialColumnStartLimit), JET_errSuccess);
    uint8_t want[32];
    size_t m = hex_to_bytes("7f80000005 7f5400 7f010203", want);
    CHECK(bytes_equal(lo.bytes, lo.cb, want, m));
    CHECK_ERR(key_make(&hi, &index, &five, 4, JET_bitNewKey), JET_errSuccess);
    CHECK_ERR(key_make(&hi, &index, "t", 1, 0), JET_errSuccess);
    CHECK_ERR(key_make(&hi, &index, "\x01\x02\x03", 3, JET_bitPartialColumnEndLimit), JET_errSuccess);
    CHECK(hi.cb == m + 7 && hi.bytes[m] == 0xFF && hi.bytes[m + 6] == 0xFF);
    /* Partial limits are refused on fixed-type columns; two limit options at once too. */
    CHECK_ERR(key_make(&lo, &index, &five, 4, JET_bitNewKey | JET_bitPartialColumnStartLimit), JET_errInvalidGrbit);
    CHECK_ERR(key_make(&lo, &index, &five, 4, JET_bitNewKey | JET_bitFullColumnStartLimit | JET_bitFullColumnEndLimit),
              JET_errInvalidGrbit);
    /* Descending text partial limit: the complemented terminator (0xFF) is dropped. */
    const key_segment dsegs[1] = {{JET_coltypText, JET_CP_ASCII, true, false, 0}};
    const key_index dindex = {dsegs, 1, 255, 0, false, false, false};
    CHECK_ERR(key_make(&lo, &dindex, "ab", 2, JET_bitNewKey | JET_bitPartialColumnStartLimit), JET_errSuccess);
    CHECK(lo.cb == 3 && lo.bytes[0] == 0x80 && lo.bytes[1] == (uint8_t)~'A' && lo.bytes[2] == (uint8_t)~'B');
    /* Unicode partial limit drops libese's 2-byte terminator. */
    const key_segment usegs[1] = {{JET_coltypText, JET_CP_UNICODE, false, false, 0}};
    const key_index uindex = {usegs, 1, 255, 0, false, false, false};
    CHECK_ERR(key_make(&lo, &uindex, "a\0b\0", 4, JET_bitNewKey | JET_bitPartialColumnStartLimit), JET_errSuccess);
    m = hex_to_bytes("7f00410042", want);
    CHECK(bytes_equal(lo.bytes, lo.cb, want, m));
    /* A normalized key is loaded as is. */
    CHECK_ERR(key_make(&lo, &index, want, (uint32_t)m, JET_bitNormalizedKey), JET_errSuccess);
    CHECK(bytes_equal(lo.bytes, lo.cb, want, m) && lo.prepared);
    uint8_t huge[300] = {0};
    CHECK_ERR(key_make(&lo, &index, huge, 257, JET_bitNormalizedKey), JET_errInvalidParameter);
    /* Fixed Text is padded with spaces to its size. */
    const key_segment fsegs[1] = {{JET_coltypText, JET_CP_ASCII, false, true, 4}};
    const key_index findex = {fsegs, 1, 255, 0, false, false, false};
    CHECK_ERR(key_make(&lo, &findex, "ab", 2, JET_bitNewKey), JET_errSuccess);
    m = hex_to_bytes("7f 41422020 00", want);
    CHECK(bytes_equal(lo.bytes, lo.cb, want, m));
    CHECK(key_most_for_page_size(4096) == 1000 && key_most_for_page_size(32768) == 2000);
}

/* ---- long values -------------------------------------------------------------------------- */

static void test_lv_format(void)
{
    CHECK(lv_chunk_size(2048) == 1966);
    CHECK(lv_chunk_size(4096) == 4014);
    CHECK(lv_chunk_size(8192) == 8110);
    CHECK(lv_chunk_size(16384) == 4050);
    CHECK(lv_chunk_size(32768) == 8150);
    CHECK(lv_chunk_size(1000) == 0);
    uint8_t key[LV_KEY_MOST], want[16];
    lv_root_key(0x01020304, key);
    CHECK(memcmp(key, "\x01\x02\x03\x04", 4) == 0);
    lv_chunk_key(7, 8110, key);
    size_t m = hex_to_bytes("00000007 00001fae", want);
    CHECK(bytes_equal(key, 8, want, m));
    lv_key k;
    CHECK_ERR(lv_parse_key(key, 8, &k), JET_errSuccess);
    CHECK(k.lid == 7 && !k.is_root && k.offset == 8110 && !k.is_lid64);
    CHECK(lv_make_root_key(0x8000000010000001ull, key) == 8);
    CHECK_ERR(lv_parse_key(key, 8, &k), JET_errSuccess);
    CHECK(k.is_root && k.is_lid64 && k.lid == 0x8000000010000001ull);
    CHECK(lv_make_chunk_key(0x8000000010000001ull, 5, key) == 12);
    CHECK_ERR(lv_parse_key(key, 12, &k), JET_errSuccess);
    CHECK(!k.is_root && k.offset == 5);
    CHECK(lv_make_root_key(9, key) == 4);
    CHECK_ERR(lv_parse_key(key, 4, &k), JET_errSuccess);
    CHECK(k.is_root && k.lid == 9);
    CHECK_ERR(lv_parse_key(key, 5, &k), JET_errLVCorrupted);
    memset(key, 0, 4);
    CHECK_ERR(lv_parse_key(key, 4, &k), JET_errLVCorrupted); /* LID 0 */
    /* Root and chunk keys of one LID sort together, root first, chunks by offset. */
    uint8_t a[LV_KEY_MOST], b[LV_KEY_MOST], c[LV_KEY_MOST];
    uint32_t na = lv_make_root_key(5, a), nb = lv_make_chunk_key(5, 0, b), nc = lv_make_root_key(6, c);
    CHECK(key_compare(a, na, b, nb) < 0 && key_compare(b, nb, c, nc) < 0);

    uint8_t root[LV_ROOT_SIZE];
    lv_root_encode(1, 12345, root);
    m = hex_to_bytes("01000000 39300000", want);
    CHECK(bytes_equal(root, 8, want, m));
    lv_root r;
    CHECK_ERR(lv_root_decode(root, 8, &r), JET_errSuccess);
    CHECK(r.refcount == 1 && r.size == 12345 && r.flags == 0);
    CHECK_ERR(lv_root_decode(root, 7, &r), JET_errLVCorrupted);
    uint8_t ref[8];
    CHECK(lv_lid_reference(0x12345678, ref) == 4 && ese_load_u32(ref) == 0x12345678);
    CHECK(lv_lid_reference(0, ref) == 0);

    CHECK(!lv_should_separate(1023, 0, false, false));
    CHECK(lv_should_separate(1024, 0, false, false));
    CHECK(lv_should_separate(5, 0, true, false));
    CHECK(!lv_should_separate(4, 0, true, false));
    CHECK(!lv_should_separate(5000, 0, false, true));
    CHECK(lv_should_separate(101, 100, false, false));
    CHECK(lv_intrinsic_table_most(3789) == 3780);

    /* Split and reassemble at every page size's chunk size. */
    static uint8_t value[40000];
    for (size_t i = 0; i < sizeof(value); i++)
        value[i] = (uint8_t)rng_next();
    for (size_t p = 0; p < sizeof(k_page_sizes) / sizeof(k_page_sizes[0]); p++) {
        const uint32_t chunk = lv_chunk_size(k_page_sizes[p]);
        const size_t sizes[] = {0, 1, chunk - 1, chunk, chunk + 1, 3 * (size_t)chunk, sizeof(value)};
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            lv_chunk *chunks;
            uint32_t count;
            CHECK_ERR(lv_split(value, sizes[s], chunk, &chunks, &count), JET_errSuccess);
            CHECK(count == lv_chunk_count(sizes[s], chunk));
            lv_assembler as;
            CHECK_ERR(lv_assembler_init(&as, (uint32_t)sizes[s]), JET_errSuccess);
            bool ok = true;
            for (uint32_t i = 0; i < count; i++) {
                ok &= chunks[i].cb <= chunk && chunks[i].offset == i * chunk;
                ok &= lv_assembler_add(&as, chunks[i].offset, chunks[i].data, chunks[i].cb) == JET_errSuccess;
            }
            uint8_t *whole;
            uint32_t cb;
            CHECK_ERR(lv_assembler_take(&as, &whole, &cb), JET_errSuccess);
            CHECK(ok && cb == sizes[s] && (cb == 0 || memcmp(whole, value, cb) == 0));
            osal_free(whole);
            osal_free(chunks);
        }
    }
    lv_assembler as;
    CHECK_ERR(lv_assembler_init(&as, 10), JET_errSuccess);
    CHECK_ERR(lv_assembler_add(&as, 2, value, 3), JET_errLVCorrupted);
    CHECK_ERR(lv_assembler_add(&as, 0, value, 11), JET_errLVCorrupted);
    CHECK_ERR(lv_assembler_add(&as, 0, value, 4), JET_errSuccess);
    uint8_t *whole;
    uint32_t cb;
    CHECK_ERR(lv_assembler_take(&as, &whole, &cb), JET_errLVCorrupted);
    lv_chunk *chunks;
    uint32_t count;
    CHECK_ERR(lv_split(value, 10, 0, &chunks, &count), JET_errInvalidParameter);
}

/* ---- catalog unit tests ------------------------------------------------------------------- */

static void test_catalog_builders(void)
{
    /* The user-table records of facts §4.3, rebuilt from their meaning. */
    uint8_t key[CATALOG_KEY_SIZE], want[200];
    uint8_t *rec;
    size_t cb;
    const catalog_table_def table = {8, 31, 80, 0, 0, "test_table", NULL, 0,
                                     {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    CHECK_ERR(catalog_build_table(&table, 8192, key, &rec, &cb), JET_errSuccess);
    size_t m = hex_to_bytes("08802000 08000000 0100 08000000 1f000000 50000000 00000000 00000000 ff"
                            " 00 0a00 746573745f7461626c65", want);
    CHECK(bytes_equal(rec, cb, want, m));
    osal_free(rec);
    /* A tagged LongText column of a user table (decompress_test's usual_text). */
    const catalog_column_def column = {8, 259, JET_coltypLongText, 0, 0, JET_CP_ASCII, 0, "usual_text",
                                       {NULL, 0}, NULL};
    CHECK_ERR(catalog_build_column(&column, 8192, key, &rec, &cb), JET_errSuccess);
    m = hex_to_bytes("07801f00 08000000 0200 03010000 0c000000 00000000 00000000 e4040000 80 0a00"
                     " 757375616c5f74657874", want);
    CHECK(bytes_equal(rec, cb, want, m));
    m = hex_to_bytes("7f80000008 7f8002 7f80000103", want);
    CHECK(bytes_equal(key, CATALOG_KEY_SIZE, want, m));
    osal_free(rec);
    /* Decode -> encode is the identity, and the object says what the record says. */
    const catalog_index_segment segs[2] = {{4, 0}, {7, CATALOG_SEGMENT_DESCENDING}};
    const catalog_index_def index = {16, 18, 45, 99, CATALOG_IDB_ALLOW_FIRST_NULL | CATALOG_IDB_ALLOW_SOME_NULLS | CATALOG_IDB_ALLOW_ALL_NULLS,
                                     0, 0, CATALOG_LCMAP_FLAGS_DEFAULT, 0, "stateTQueuedDescIndex", segs, 2, "en-US",
                                     {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    for (size_t p = 0; p < sizeof(k_page_sizes) / sizeof(k_page_sizes[0]); p++) {
        CHECK_ERR(catalog_build_index(&index, k_page_sizes[p], key, &rec, &cb), JET_errSuccess);
        catalog_object obj;
        CHECK_ERR(catalog_object_decode(rec, cb, k_page_sizes[p], &obj), JET_errSuccess);
        CHECK(obj.type == CATALOG_TYPE_INDEX && obj.objid_table == 16 && obj.id == 18);
        CHECK(obj.flags == 0x0001000e && obj.lcmap_flags == CATALOG_LCMAP_FLAGS_DEFAULT);
        CHECK(obj.name.cb == 21 && memcmp(obj.name.data, "stateTQueuedDescIndex", 21) == 0);
        CHECK(obj.locale_name.cb == 10 && memcmp(obj.locale_name.data, "e\0n\0-\0U\0S\0", 10) == 0);
        catalog_index_segment got[16];
        uint32_t count;
        CHECK_ERR(catalog_index_segments(&obj, got, 16, &count), JET_errSuccess);
        CHECK(count == 2 && got[1].fid == 7 && got[1].flags == CATALOG_SEGMENT_DESCENDING);
        uint8_t *again;
        size_t again_cb;
        CHECK_ERR(catalog_object_encode(&obj, k_page_sizes[p], &again, &again_cb), JET_errSuccess);
        CHECK(bytes_equal(rec, cb, again, again_cb));
        osal_free(again);
        osal_free(rec);
    }
    const catalog_lv_def lv = {8, 10, 36, 100, 0, 1, 0};
    CHECK_ERR(catalog_build_lv(&lv, 16384, key, &rec, &cb), JET_errSuccess);
    catalog_object obj;
    CHECK_ERR(catalog_object_decode(rec, cb, 16384, &obj), JET_errSuccess);
    CHECK(obj.type == CATALOG_TYPE_LONG_VALUE && obj.name.cb == 2 && memcmp(obj.name.data, "LV", 2) == 0);
    CHECK(obj.fixed_present == 0x7F);
    osal_free(rec);
    /* Broken records are refused. */
    static const uint8_t junk[] = {0x01, 0x7F, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00};
    CHECK_ERR(catalog_object_decode(junk, sizeof(junk), 4096, &obj), JET_errCatalogCorrupted);
    CHECK_ERR(catalog_object_decode(junk, 3, 4096, &obj), JET_errCatalogCorrupted);

    catalog_entry *entries;
    size_t count;
    CHECK_ERR(catalog_build_mso_entries(4096, &entries, &count), JET_errSuccess);
    /* MSysObjects: table + 28 columns + 3 indexes; the shadow: table + 28 columns + 1 index. */
    CHECK(count == 32 + 30);
    bool sorted = true;
    for (size_t i = 1; i < count; i++)
        sorted &= key_compare(entries[i - 1].key, CATALOG_KEY_SIZE, entries[i].key, CATALOG_KEY_SIZE) < 0;
    CHECK(sorted);
    catalog_entries_free(entries, count);
}

/* ---- sample databases (test-only page walking) --------------------------------------------- */

typedef struct db_file {
    uint8_t *data;
    size_t size;
    uint32_t page_size;
    uint32_t revision;
    uint32_t pages;        /* database pages (1..pages) */
    bool large;
    uint32_t header_size;
} db_file;

static bool db_open(const char *path, db_file *db)
{
    memset(db, 0, sizeof(*db));
    FILE *f;
    const size_t len = strlen(path);
    const bool gz = len > 3 && strcmp(path + len - 3, ".gz") == 0;
    if (gz) {
        char command[4200];
        snprintf(command, sizeof(command), "gzip -dc '%s'", path);
        f = popen(command, "r");
    } else {
        f = fopen(path, "rb");
    }
    if (f == NULL)
        return false;
    size_t capacity = 1 << 20;
    db->data = malloc(capacity);
    size_t got;
    while (db->data && (got = fread(db->data + db->size, 1, capacity - db->size, f)) > 0) {
        db->size += got;
        if (db->size == capacity) {
            capacity *= 2;
            uint8_t *grown = realloc(db->data, capacity);
            if (grown == NULL) {
                free(db->data);
                db->data = NULL;
            }
            db->data = grown;
        }
    }
    if (gz)
        pclose(f);
    else
        fclose(f);
    if (db->data == NULL || db->size < 4096 || ese_load_u32(db->data + 4) != ESE_MAGIC) {
        free(db->data);
        db->data = NULL;
        return false;
    }
    db->page_size = ese_load_u32(db->data + ESE_DBHDR_OFF_PAGE_SIZE);
    db->revision = ese_load_u32(db->data + ESE_DBHDR_OFF_FORMAT_REVISION);
    if (db->page_size == 0)
        db->page_size = 4096;
    db->large = db->page_size > 8192;
    db->header_size = db->large ? ESE_PGHDR_LARGE_SIZE : ESE_PGHDR_SIZE;
    db->pages = (uint32_t)(db->size / db->page_size) - 2;
    return true;
}

static void db_close(db_file *db)
{
    free(db->data);
    db->data = NULL;
}

static const uint8_t *db_page(const db_file *db, uint32_t pgno)
{
    if (pgno == 0 || pgno > db->pages)
        return NULL;
    return db->data + (size_t)(pgno + 1) * db->page_size;
}

static uint32_t page_flags(const uint8_t *page)
{
    return ese_load_u32(page + ESE_PGHDR_OFF_FLAGS);
}

static uint32_t page_tag_count(const uint8_t *page)
{
    return ese_load_u16(page + ESE_PGHDR_OFF_ITAG_STATE) & ESE_PGHDR_ITAG_COUNT_MASK;
}

typedef struct leaf_node {
    uint8_t *key;          /* page_node: the caller's buffer; in a node_list: malloc'd copy */
    uint32_t cb_key;
    const uint8_t *data;
    uint32_t cb_data;
    uint8_t flags;
} leaf_node;

#define NODE_KEY_MOST 2100

/* Node itag of a page: key (prefix from tag 0 + suffix, written to key_buffer of NODE_KEY_MOST
 * bytes) and data.  false if malformed. */
static bool page_node(const db_file *db, const uint8_t *page, uint32_t itag, uint8_t *key_buffer,
                      leaf_node *out)
{
    const uint32_t tags = page_tag_count(page);
    if (itag >= tags)
        return false;
    const uint8_t *tag = page + db->page_size - 4 * (itag + 1);
    const uint32_t mask = db->large ? 0x7FFF : 0x1FFF;
    const uint32_t cb = ese_load_u16(tag) & mask;
    const uint16_t raw_ib = ese_load_u16(tag + 2);
    const uint32_t ib = raw_ib & mask;
    if (db->header_size + ib + cb > db->page_size)
        return false;
    const uint8_t *node = page + db->header_size + ib;
    out->key = key_buffer;
    if (itag == 0) {
        out->cb_key = 0;
        out->data = node;
        out->cb_data = cb;
        return true;
    }
    if (cb < 2)
        return false;
    uint16_t first = ese_load_u16(node);
    uint8_t flags = db->large ? (uint8_t)(first >> 13) : (uint8_t)(raw_ib >> 13);
    first &= 0x1FFF;
    uint32_t prefix = 0, pos = 2, suffix;
    if (flags & 0x4) {
        prefix = first;
        if (cb < 4)
            return false;
        suffix = ese_load_u16(node + 2) & 0x1FFF;
        pos = 4;
    } else {
        suffix = first;
    }
    if (pos + suffix > cb)
        return false;
    leaf_node tag0;
    if (!page_node(db, page, 0, NULL, &tag0) || prefix > tag0.cb_data || prefix + suffix > NODE_KEY_MOST)
        return false;
    memcpy(out->key, tag0.data, prefix);
    memcpy(out->key + prefix, node + pos, suffix);
    out->cb_key = prefix + suffix;
    out->data = node + pos + suffix;
    out->cb_data = cb - pos - suffix;
    out->flags = flags;
    return true;
}

typedef struct node_list {
    leaf_node *nodes;
    size_t count, capacity;
} node_list;

static void list_push(node_list *l, const leaf_node *n)
{
    if (l->count == l->capacity) {
        l->capacity = l->capacity ? l->capacity * 2 : 256;
        l->nodes = realloc(l->nodes, l->capacity * sizeof(leaf_node));
    }
    leaf_node *copy = &l->nodes[l->count++];
    *copy = *n;
    copy->key = malloc(n->cb_key ? n->cb_key : 1);
    memcpy(copy->key, n->key, n->cb_key);
}

static void list_free(node_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->nodes[i].key);
    free(l->nodes);
    l->nodes = NULL;
    l->count = l->capacity = 0;
}

static int compare_nodes(const void *a, const void *b)
{
    const leaf_node *x = a, *y = b;
    return key_compare(x->key, x->cb_key, y->key, y->cb_key);
}

/* Every live node of every leaf page of objid whose flags include `want` and exclude the
 * space-tree/empty bits and whatever `reject` says; sorted by key. */
static void collect_leaves(const db_file *db, uint32_t objid, uint32_t want, uint32_t reject, node_list *out)
{
    for (uint32_t pgno = 1; pgno <= db->pages; pgno++) {
        const uint8_t *page = db_page(db, pgno);
        const uint32_t flags = page_flags(page);
        if (ese_load_u32(page + ESE_PGHDR_OFF_OBJID_FDP) != objid)
            continue;
        if (!(flags & ESE_PAGE_FLAG_LEAF) || (flags & (ESE_PAGE_FLAG_SPACE_TREE | ESE_PAGE_FLAG_EMPTY | reject)) ||
            (flags & want) != want)
            continue;
        for (uint32_t i = 1; i < page_tag_count(page); i++) {
            uint8_t key[NODE_KEY_MOST];
            leaf_node n;
            if (page_node(db, page, i, key, &n) && !(n.flags & 0x2))
                list_push(out, &n);
        }
    }
    if (out->count)
        qsort(out->nodes, out->count, sizeof(leaf_node), compare_nodes);
}

/* The leaves of the B+tree rooted at pgno, in order. */
static void walk_tree(const db_file *db, uint32_t pgno, int depth, node_list *out)
{
    const uint8_t *page = db_page(db, pgno);
    if (page == NULL || depth > 8)
        return;
    const bool leaf = (page_flags(page) & ESE_PAGE_FLAG_LEAF) != 0;
    for (uint32_t i = 1; i < page_tag_count(page); i++) {
        uint8_t key[NODE_KEY_MOST];
        leaf_node n;
        if (!page_node(db, page, i, key, &n))
            continue;
        if (leaf) {
            if (!(n.flags & 0x2))
                list_push(out, &n);
        } else if (n.cb_data >= 4) {
            walk_tree(db, ese_load_u32(n.data + n.cb_data - 4), depth + 1, out);
        }
    }
}

/* The meaning of a decoded catalog object, rebuilt with the public builders. */
static JET_ERR rebuild_catalog_record(const catalog_object *o, uint32_t page_size, uint8_t **rec, size_t *cb)
{
    char name[300], template_table[300];
    snprintf(name, sizeof(name), "%.*s", (int)o->name.cb, o->name.data ? (const char *)o->name.data : "");
    snprintf(template_table, sizeof(template_table), "%.*s", (int)o->template_table.cb,
             o->template_table.data ? (const char *)o->template_table.data : "");
    const uint64_t time = (o->fixed_present & (1u << 12)) ? o->pgno_fdp_last_set_time : 0;
    switch (o->type) {
    case CATALOG_TYPE_TABLE: {
        const catalog_table_def def = {o->id, o->coltyp_or_pgno_fdp, o->space_usage, o->flags, o->pages_or_locale,
                                       name, o->template_table.data ? template_table : NULL, o->lv_chunk_max,
                                       o->separate_lv, o->space_hints, o->space_deferred_lv_hints, time};
        return catalog_build_table(&def, page_size, NULL, rec, cb);
    }
    case CATALOG_TYPE_COLUMN: {
        const catalog_column_def def = {o->objid_table, (uint16_t)o->id, o->coltyp_or_pgno_fdp, o->space_usage,
                                        o->flags, (uint16_t)o->pages_or_locale, o->record_offset, name,
                                        o->default_value, o->template_table.data ? template_table : NULL};
        return catalog_build_column(&def, page_size, NULL, rec, cb);
    }
    case CATALOG_TYPE_INDEX: {
        catalog_index_segment segs[16];
        uint32_t count;
        JET_ERR err = catalog_index_segments(o, segs, 16, &count);
        if (err < 0)
            return err;
        char locale[100] = {0};
        for (uint32_t i = 0; o->locale_name.data && i < o->locale_name.cb / 2 && i < 99; i++)
            locale[i] = (char)o->locale_name.data[2 * i];
        const catalog_index_def def = {o->objid_table, o->id, o->coltyp_or_pgno_fdp, o->space_usage,
                                       (uint16_t)o->flags, (uint16_t)((o->flags >> 16) & ~CATALOG_IDX_EXTENDED_COLUMNS),
                                       o->pages_or_locale, o->lcmap_flags, o->key_most, name, segs, count,
                                       o->locale_name.data ? locale : NULL, o->var_seg_mac, o->conditional_columns,
                                       o->tuple_limits, o->version, o->sort_id, o->space_hints, time};
        return catalog_build_index(&def, page_size, NULL, rec, cb);
    }
    case CATALOG_TYPE_LONG_VALUE: {
        const catalog_lv_def def = {o->objid_table, o->id, o->coltyp_or_pgno_fdp, o->space_usage, o->flags,
                                    o->pages_or_locale, time};
        return catalog_build_lv(&def, page_size, NULL, rec, cb);
    }
    default:
        return JET_errInvalidParameter;
    }
}

typedef struct sample_stats {
    size_t records, decoded, key_matches, generic_equal, rebuilt, rebuilt_equal, by_kind[6], by_kind_equal[6];
    size_t mso_expected, mso_equal, sys_expected, sys_equal, name_entries, name_equal, root_entries, root_equal;
    size_t table_records, table_values, table_errors;
} sample_stats;

static const leaf_node *find_node(const node_list *l, const uint8_t *key, uint32_t cb_key)
{
    size_t lo = 0, hi = l->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = key_compare(l->nodes[mid].key, l->nodes[mid].cb_key, key, cb_key);
        if (c == 0)
            return &l->nodes[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static size_t count_entries_equal(const node_list *catalog, const catalog_entry *entries, size_t n)
{
    size_t equal = 0;
    for (size_t i = 0; i < n; i++) {
        const leaf_node *node = find_node(catalog, entries[i].key, CATALOG_KEY_SIZE);
        if (node && bytes_equal(node->data, node->cb_data, entries[i].rec, entries[i].cb))
            equal++;
        else if (getenv("TEST_RECORD_VERBOSE")) {
            fprintf(stderr, "  system entry differs: key ");
            print_hex(stderr, entries[i].key, CATALOG_KEY_SIZE);
            fprintf(stderr, "\n   ours ");
            print_hex(stderr, entries[i].rec, entries[i].cb);
            if (node) {
                fprintf(stderr, "\n   file ");
                print_hex(stderr, node->data, node->cb_data);
            }
            fprintf(stderr, "\n");
        }
    }
    return equal;
}

/* ---- a table's schema from the catalog, shared by the sample checks and --dump ---------- */

typedef struct table_info {
    uint32_t objid;
    uint32_t pgno_fdp;
    char name[256];
    record_column *columns;
    char (*column_names)[256];
    size_t column_count, column_capacity;
    uint32_t lv_pgno;       /* 0 = no LV tree */
} table_info;

static void tables_from_catalog(const db_file *db, const node_list *catalog, table_info **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    table_info *tables = NULL;
    size_t n = 0;
    for (size_t i = 0; i < catalog->count; i++) {
        catalog_object o;
        if (catalog_object_decode(catalog->nodes[i].data, catalog->nodes[i].cb_data, db->page_size, &o) < 0)
            continue;
        if (o.type == CATALOG_TYPE_TABLE) {
            tables = realloc(tables, (n + 1) * sizeof(table_info));
            table_info *t = &tables[n++];
            memset(t, 0, sizeof(*t));
            t->objid = o.id;
            t->pgno_fdp = o.coltyp_or_pgno_fdp;
            snprintf(t->name, sizeof(t->name), "%.*s", (int)o.name.cb, (const char *)o.name.data);
        } else if (n > 0 && tables[n - 1].objid == o.objid_table) {
            table_info *t = &tables[n - 1];
            if (o.type == CATALOG_TYPE_COLUMN) {
                if (t->column_count == t->column_capacity) {
                    t->column_capacity = t->column_capacity ? 2 * t->column_capacity : 32;
                    t->columns = realloc(t->columns, t->column_capacity * sizeof(record_column));
                    t->column_names = realloc(t->column_names, t->column_capacity * sizeof(*t->column_names));
                }
                record_column *c = &t->columns[t->column_count];
                if (catalog_column_from_object(&o, c) < 0)
                    continue;
                if (c->default_value) {
                    /* The catalog nodes outlive the table list, but keep a copy to be safe. */
                    uint8_t *copy = malloc(c->cb_default + 1);
                    memcpy(copy, c->default_value, c->cb_default);
                    c->default_value = copy;
                }
                snprintf(t->column_names[t->column_count], 256, "%.*s", (int)o.name.cb, (const char *)o.name.data);
                t->column_count++;
            } else if (o.type == CATALOG_TYPE_LONG_VALUE) {
                t->lv_pgno = o.coltyp_or_pgno_fdp;
            }
        }
    }
    *out = tables;
    *count = n;
}

static void tables_free(table_info *tables, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        for (size_t c = 0; c < tables[i].column_count; c++)
            free((void *)tables[i].columns[c].default_value);
        free(tables[i].columns);
        free(tables[i].column_names);
    }
    free(tables);
}

/* A separated long value, reassembled from the LV tree (nodes sorted by key). */
static JET_ERR read_long_value(const node_list *lv_nodes, uint64_t lid, uint8_t **value, uint32_t *cb)
{
    uint8_t key[LV_KEY_MOST];
    const uint32_t cb_key = lv_make_root_key(lid, key);
    const leaf_node *root = find_node(lv_nodes, key, cb_key);
    if (root == NULL)
        return JET_errLVCorrupted;
    lv_root r;
    JET_ERR err = lv_root_decode(root->data, root->cb_data, &r);
    if (err < 0)
        return err;
    lv_assembler as;
    err = lv_assembler_init(&as, r.size);
    if (err < 0)
        return err;
    for (size_t i = (size_t)(root - lv_nodes->nodes) + 1; i < lv_nodes->count && as.filled < r.size; i++) {
        lv_key k;
        if (lv_parse_key(lv_nodes->nodes[i].key, lv_nodes->nodes[i].cb_key, &k) < 0 || k.lid != lid || k.is_root)
            break;
        err = lv_assembler_add(&as, k.offset, lv_nodes->nodes[i].data, lv_nodes->nodes[i].cb_data);
        if (err < 0) {
            lv_assembler_free(&as);
            return err;
        }
    }
    return lv_assembler_take(&as, value, cb);
}

/* One value of a record as the reader sees it: decompressed, LV reassembled.  *owned is set
 * when *data was allocated (osal_free it).  kind RECORD_VALUE_ABSENT takes the default. */
static JET_ERR materialize(const record_column *c, const node_list *lv_nodes, const record_value *v,
                           const uint8_t **data, uint32_t *cb, uint8_t **owned, bool *is_null)
{
    *owned = NULL;
    *is_null = false;
    if (v->kind == RECORD_VALUE_ABSENT) {
        *is_null = c->default_value == NULL;
        *data = c->default_value;
        *cb = c->cb_default;
        return JET_errSuccess;
    }
    if (v->kind == RECORD_VALUE_NULL) {
        *is_null = true;
        return JET_errSuccess;
    }
    if (v->kind == RECORD_VALUE_SEPARATED) {
        JET_ERR err = read_long_value(lv_nodes, v->lid, owned, cb);
        *data = *owned;
        return err;
    }
    if (v->compressed) {
        uint32_t total;
        JET_ERR err = record_decompress(v->data, v->cb, NULL, 0, &total);
        if (err < 0)
            return err;
        *owned = osal_malloc(total ? total : 1);
        if (*owned == NULL)
            return JET_errOutOfMemory;
        err = record_decompress(v->data, v->cb, *owned, total, &total);
        *data = *owned;
        *cb = total;
        return err < 0 ? err : JET_errSuccess;
    }
    *data = v->data;
    *cb = v->cb;
    return JET_errSuccess;
}

/* Decode every record of every table; with json != NULL print them. */
static void decode_tables(const db_file *db, FILE *json, sample_stats *stats)
{
    node_list catalog = {0};
    collect_leaves(db, CATALOG_OBJID_MSO, 0, ESE_PAGE_FLAG_INDEX | ESE_PAGE_FLAG_LONG_VALUE, &catalog);
    table_info *tables;
    size_t table_count;
    tables_from_catalog(db, &catalog, &tables, &table_count);
    if (json)
        fprintf(json, "[\n");
    for (size_t t = 0; t < table_count; t++) {
        table_info *ti = &tables[t];
        record_schema schema;
        if (record_schema_init(&schema, ti->columns, ti->column_count, db->page_size, JET_cbKeyMost_OLD) < 0) {
            stats->table_errors++;
            continue;
        }
        node_list rows = {0}, lv_nodes = {0};
        walk_tree(db, ti->pgno_fdp, 0, &rows);
        if (ti->lv_pgno) {
            walk_tree(db, ti->lv_pgno, 0, &lv_nodes);
            if (lv_nodes.count)
                qsort(lv_nodes.nodes, lv_nodes.count, sizeof(leaf_node), compare_nodes);
        }
        if (json) {
            fprintf(json, "%s{\"table\": \"%s\", \"objid\": %u, \"columns\": [", t ? ",\n" : "", ti->name, ti->objid);
            for (size_t c = 0; c < ti->column_count; c++)
                fprintf(json, "%s{\"name\": \"%s\", \"fid\": %u, \"coltyp\": %u, \"cp\": %u}", c ? ", " : "",
                        ti->column_names[c], ti->columns[c].fid, (unsigned)ti->columns[c].coltyp,
                        ti->columns[c].code_page);
            fprintf(json, "], \"records\": [");
        }
        for (size_t r = 0; r < rows.count; r++) {
            const leaf_node *row = &rows.nodes[r];
            stats->table_records++;
            if (record_validate(&schema, row->data, row->cb_data) < 0)
                stats->table_errors++;
            if (json) {
                fprintf(json, "%s\n  {\"key\": \"", r ? "," : "");
                print_hex(json, row->key, row->cb_key);
                fprintf(json, "\", \"values\": {");
            }
            bool first = true;
            for (size_t c = 0; c < ti->column_count; c++) {
                const record_column *col = &ti->columns[c];
                uint32_t count = 0;
                if (record_count_values(&schema, row->data, row->cb_data, col->fid, &count) < 0) {
                    stats->table_errors++;
                    continue;
                }
                const uint32_t shown = count > 1 ? count : 1;
                if (json)
                    fprintf(json, "%s\"%u\": %s", first ? "" : ", ", col->fid, count > 1 ? "[" : "");
                first = false;
                for (uint32_t itag = 1; itag <= shown; itag++) {
                    record_value v;
                    const uint8_t *data = NULL;
                    uint32_t cb = 0;
                    uint8_t *owned = NULL;
                    bool is_null = true;
                    JET_ERR err = record_get_column(&schema, row->data, row->cb_data, col->fid, itag, &v);
                    if (err >= 0)
                        err = materialize(col, &lv_nodes, &v, &data, &cb, &owned, &is_null);
                    if (err < 0)
                        stats->table_errors++;
                    else
                        stats->table_values++;
                    if (json) {
                        if (itag > 1)
                            fprintf(json, ", ");
                        if (err < 0)
                            fprintf(json, "{\"error\": %d}", (int)err);
                        else if (is_null)
                            fprintf(json, "null");
                        else {
                            fprintf(json, "\"");
                            print_hex(json, data, cb);
                            fprintf(json, "\"");
                        }
                    }
                    osal_free(owned);
                }
                if (json && count > 1)
                    fprintf(json, "]");
            }
            if (json)
                fprintf(json, "}}");
        }
        if (json)
            fprintf(json, "]}");
        list_free(&rows);
        list_free(&lv_nodes);
        record_schema_free(&schema);
    }
    if (json)
        fprintf(json, "\n]\n");
    tables_free(tables, table_count);
    list_free(&catalog);
}

static void check_sample(const char *path, const char *name, sample_stats *total)
{
    db_file db;
    if (!db_open(path, &db)) {
        printf("  %s: cannot read, skipped\n", name);
        return;
    }
    sample_stats s;
    memset(&s, 0, sizeof(s));
    node_list catalog = {0};
    /* Brief: iterate every page, take the leaf pages of objid 2 (the catalog tree). */
    collect_leaves(&db, CATALOG_OBJID_MSO, 0, ESE_PAGE_FLAG_INDEX | ESE_PAGE_FLAG_LONG_VALUE, &catalog);
    for (size_t i = 0; i < catalog.count; i++) {
        const leaf_node *n = &catalog.nodes[i];
        s.records++;
        catalog_object o;
        if (catalog_object_decode(n->data, n->cb_data, db.page_size, &o) < 0)
            continue;
        s.decoded++;
        uint8_t key[CATALOG_KEY_SIZE];
        catalog_key(o.objid_table, o.type, o.id, key);
        if (bytes_equal(key, CATALOG_KEY_SIZE, n->key, n->cb_key))
            s.key_matches++;
        uint8_t *rec;
        size_t cb;
        if (catalog_object_encode(&o, db.page_size, &rec, &cb) >= 0) {
            if (bytes_equal(rec, cb, n->data, n->cb_data))
                s.generic_equal++;
            osal_free(rec);
        }
        if (o.type >= CATALOG_TYPE_TABLE && o.type <= CATALOG_TYPE_LONG_VALUE) {
            s.rebuilt++;
            s.by_kind[o.type]++;
            if (rebuild_catalog_record(&o, db.page_size, &rec, &cb) >= 0) {
                if (bytes_equal(rec, cb, n->data, n->cb_data)) {
                    s.rebuilt_equal++;
                    s.by_kind_equal[o.type]++;
                } else if (getenv("TEST_RECORD_VERBOSE")) {
                    fprintf(stderr, "  %s: rebuilt record differs\n   ours ", name);
                    print_hex(stderr, rec, cb);
                    fprintf(stderr, "\n   file ");
                    print_hex(stderr, n->data, n->cb_data);
                    fprintf(stderr, "\n");
                }
                osal_free(rec);
            }
        }
        /* The system tables ESE adds at the first read/write attach. */
        if (o.type == CATALOG_TYPE_TABLE && o.name.cb == 10 && memcmp(o.name.data, "MSysObjids", 10) == 0) {
            catalog_entry *entries;
            size_t count;
            if (catalog_build_msysobjids_entries(o.id, o.coltyp_or_pgno_fdp, db.page_size, &entries, &count) >= 0) {
                s.sys_expected += count;
                s.sys_equal += count_entries_equal(&catalog, entries, count);
                catalog_entries_free(entries, count);
            }
        }
        if (o.type == CATALOG_TYPE_TABLE && o.name.cb == 11 && memcmp(o.name.data, "MSysLocales", 11) == 0) {
            catalog_entry *entries;
            size_t count;
            if (catalog_build_msyslocales_entries(o.id, o.coltyp_or_pgno_fdp, db.page_size, &entries, &count) >= 0) {
                s.sys_expected += count;
                s.sys_equal += count_entries_equal(&catalog, entries, count);
                catalog_entries_free(entries, count);
            }
        }
    }
    /* The catalog's self-description. */
    catalog_entry *entries;
    size_t count;
    if (catalog_build_mso_entries(db.page_size, &entries, &count) >= 0) {
        s.mso_expected = count;
        s.mso_equal = count_entries_equal(&catalog, entries, count);
        catalog_entries_free(entries, count);
    }
    /* Name and RootObjects index entries: key from the record they point at. */
    for (uint32_t index_objid = CATALOG_OBJID_MSO_NAME_INDEX; index_objid <= CATALOG_OBJID_MSO_ROOT_OBJECTS_INDEX; index_objid++) {
        node_list entries_list = {0};
        collect_leaves(&db, index_objid, ESE_PAGE_FLAG_INDEX, 0, &entries_list);
        for (size_t i = 0; i < entries_list.count; i++) {
            const leaf_node *e = &entries_list.nodes[i];
            const leaf_node *target = find_node(&catalog, e->data, e->cb_data);
            size_t *seen = index_objid == CATALOG_OBJID_MSO_NAME_INDEX ? &s.name_entries : &s.root_entries;
            size_t *equal = index_objid == CATALOG_OBJID_MSO_NAME_INDEX ? &s.name_equal : &s.root_equal;
            (*seen)++;
            catalog_object o;
            if (target == NULL || catalog_object_decode(target->data, target->cb_data, db.page_size, &o) < 0)
                continue;
            uint8_t key[300];
            uint32_t cb_key;
            JET_ERR err = index_objid == CATALOG_OBJID_MSO_NAME_INDEX
                              ? catalog_name_index_key(o.objid_table, o.type, (const char *)o.name.data, o.name.cb, key, &cb_key)
                              : catalog_root_objects_key((const char *)o.name.data, o.name.cb, key, &cb_key);
            if (err >= 0 && bytes_equal(key, cb_key, e->key, e->cb_key))
                (*equal)++;
        }
        list_free(&entries_list);
    }
    decode_tables(&db, NULL, &s);
    printf("  %-26s %2uK rev 0x%-3x catalog %zu records: %zu decoded, %zu keys, %zu re-encoded equal;"
           " rebuilt %zu/%zu (tables %zu/%zu, columns %zu/%zu, indexes %zu/%zu, LV %zu/%zu);"
           " MSO self-description %zu/%zu; MSysObjids+MSysLocales %zu/%zu; Name index %zu/%zu;"
           " RootObjects %zu/%zu; table records %zu (%zu values, %zu errors)\n",
           name, db.page_size / 1024, db.revision, s.records, s.decoded, s.key_matches, s.generic_equal,
           s.rebuilt_equal, s.rebuilt, s.by_kind_equal[1], s.by_kind[1], s.by_kind_equal[2], s.by_kind[2],
           s.by_kind_equal[3], s.by_kind[3], s.by_kind_equal[4], s.by_kind[4], s.mso_equal, s.mso_expected,
           s.sys_equal, s.sys_expected, s.name_equal, s.name_entries, s.root_equal, s.root_entries,
           s.table_records, s.table_values, s.table_errors);
    /* Every catalog record decodes and re-encodes to ESE's bytes, in every sample. */
    CHECK(s.records > 0);
    CHECK(s.decoded == s.records);
    CHECK(s.key_matches == s.records);
    CHECK(s.generic_equal == s.records);
    CHECK(s.table_errors == 0);
    CHECK(s.name_equal == s.name_entries);
    CHECK(s.root_equal == s.root_entries);
    /* Every table/column/index/LV record rebuilt from its meaning alone equals ESE's bytes. */
    CHECK(s.rebuilt_equal == s.rebuilt);
    /* The self-description is that of current esent.dll.  Windows 8.1's (Catalog1.edb) had no
     * LVChunkMax column yet and gave the shadow catalog 9 pages: exactly those 3 records
     * differ there. */
    uint8_t lvchunkmax_key[CATALOG_KEY_SIZE];
    catalog_key(CATALOG_OBJID_MSO, CATALOG_TYPE_COLUMN, CATALOG_FID_LV_CHUNK_MAX, lvchunkmax_key);
    const bool old_engine = find_node(&catalog, lvchunkmax_key, CATALOG_KEY_SIZE) == NULL;
    CHECK(s.mso_equal == s.mso_expected - (old_engine ? 3 : 0));
    /* MSysObjids and MSysLocales as ESE's revision-0x14 engines write them (newer engines add
     * PgnoFDPLastSetTime, which these builders are not given). */
    if (db.revision == 0x14)
        CHECK(s.sys_equal == s.sys_expected);
    total->records += s.records;
    total->generic_equal += s.generic_equal;
    total->rebuilt += s.rebuilt;
    total->rebuilt_equal += s.rebuilt_equal;
    total->mso_expected += s.mso_expected;
    total->mso_equal += s.mso_equal;
    total->table_records += s.table_records;
    list_free(&catalog);
    db_close(&db);
}

static void test_samples(void)
{
    const char *dir = getenv("ESE_SAMPLES");
    if (dir == NULL || *dir == 0) {
        printf("ESE_SAMPLES not set: sample database checks skipped\n");
        return;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        printf("ESE_SAMPLES=%s cannot be read: sample database checks skipped\n", dir);
        return;
    }
    char names[32][256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 32) {
        const char *x = strrchr(e->d_name, '.');
        if (x && (!strcmp(x, ".edb") || !strcmp(x, ".db") || !strcmp(x, ".sdb") || !strcmp(x, ".dat") || !strcmp(x, ".gz")))
            snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
    sample_stats total;
    memset(&total, 0, sizeof(total));
    printf("sample databases in %s:\n", dir);
    for (int i = 0; i < n; i++) {
        char path[4400];
        snprintf(path, sizeof(path), "%.4000s/%.255s", dir, names[i]);
        check_sample(path, names[i], &total);
    }
    printf("  total: %zu catalog records, %zu re-encoded byte-equal; %zu table/column/index/LV records"
           " rebuilt from their meaning, %zu byte-equal; self-description %zu/%zu; %zu table records decoded\n",
           total.records, total.generic_equal, total.rebuilt, total.rebuilt_equal, total.mso_equal,
           total.mso_expected, total.table_records);
}

/* Every allocation the encoders make can fail: each failure point gives JET_errOutOfMemory (or
 * success when that allocation was not needed) and leaks nothing (ASan's leak check). */
static void test_out_of_memory(void)
{
    record_schema s;
    CHECK_ERR(record_schema_init(&s, k_all_columns, ALL_COLUMN_COUNT, 4096, 255), JET_errSuccess);
    uint8_t val[16] = {0};
    const record_build_value values[] = {
        {4, setv(val, 4)}, {128, setv("a\0", 2)}, {257, setv("x\0", 2)}, {257, setv("y\0", 2)},
        {257, setv("z\0", 2)}, {258, {NULL, 0, RECORD_SET_SEPARATED, 7}}, {300, setv(val, 16)},
    };
    int ok = 0, oom = 0, other = 0;
    for (uint64_t nth = 1; nth < 2000 && ok == 0; nth++) {
        fault_reset();
        fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
        uint8_t *rec = NULL, *rec2 = NULL;
        size_t cb = 0, cb2 = 0;
        JET_ERR err = record_build(&s, NULL, 0, values, sizeof(values) / sizeof(values[0]), &rec, &cb);
        if (err >= 0)
            err = record_set_column(&s, rec, cb, 257, 2, NULL, &rec2, &cb2);
        catalog_entry *entries = NULL;
        size_t count = 0;
        if (err >= 0)
            err = catalog_build_mso_entries(8192, &entries, &count);
        catalog_object o;
        if (err >= 0)
            err = catalog_object_decode(entries[1].rec, entries[1].cb, 8192, &o);
        lv_chunk *chunks = NULL;
        uint32_t n = 0;
        if (err >= 0)
            err = lv_split(val, sizeof(val), 5, &chunks, &n);
        if (err >= 0)
            ok++;
        else if (err == JET_errOutOfMemory)
            oom++;
        else {
            other++;
            fprintf(stderr, "allocation %llu failed -> %d\n", (unsigned long long)nth, (int)err);
        }
        osal_free(rec);
        osal_free(rec2);
        catalog_entries_free(entries, count);
        osal_free(chunks);
    }
    fault_reset();
    CHECK(other == 0 && oom > 0 && ok > 0);
    record_schema_free(&s);
}

/* ---- --synth: random records for tests/test_record_format_oracle.py ----------------------- */

/* What a record should hold, column by column: a model kept beside the real edits. */
typedef struct model_value {
    bool separated;
    uint64_t lid;
    uint8_t bytes[300];
    uint32_t cb;
} model_value;

typedef struct model_column {
    model_value values[6];
    uint32_t count;     /* 0 = NULL/absent */
} model_column;

/* Random edits on random records of the all-types table; print each record with the values the
 * model says it holds, for dissect.esedb to decode independently. */
static int synth_dump(uint32_t page_size, uint64_t seed)
{
    rng_state = seed ? seed : 1;
    record_schema s;
    if (record_schema_init(&s, k_all_columns, ALL_COLUMN_COUNT, page_size, 255) < 0)
        return 2;
    printf("{\"page_size\": %u, \"columns\": [", page_size);
    for (size_t c = 0; c < s.column_count; c++)
        printf("%s{\"fid\": %u, \"coltyp\": %u, \"cp\": %u, \"size\": %u, \"offset\": %u}", c ? ", " : "",
               s.columns[c].fid, (unsigned)s.columns[c].coltyp, s.columns[c].code_page,
               record_column_fixed_size(&s.columns[c]), s.columns[c].record_offset);
    printf("], \"records\": [");
    int failures = 0;
    for (int r = 0; r < 300; r++) {
        model_column model[ALL_COLUMN_COUNT];
        memset(model, 0, sizeof(model));
        uint8_t *rec = NULL;
        size_t cb = 0;
        CHECK_ERR(record_build(&s, NULL, 0, NULL, 0, &rec, &cb), JET_errSuccess);
        const int ops = 1 + (int)rng_below(25);
        for (int op = 0; op < ops; op++) {
            const size_t c = rng_below(ALL_COLUMN_COUNT);
            const record_column *col = record_schema_find(&s, k_all_columns[c].fid);
            model_column *m = &model[c];
            const bool multi = (col->field_flags & RECORD_FIELD_MULTIVALUED) != 0;
            const bool is_long = record_coltyp_is_long_value(col->coltyp);
            model_value v;
            memset(&v, 0, sizeof(v));
            const uint32_t choice = rng_below(10);
            if (choice < 2) {
                /* Delete (NULL): a whole single-valued column, or one value of a multi-valued
                 * one. */
                const uint32_t itag = multi ? 1 + rng_below(m->count + 1) : 1;
                if (set_col(&s, &rec, &cb, col->fid, itag, NULL) < 0) {
                    failures++;
                    continue;
                }
                if (!multi)
                    m->count = 0;
                else if (itag <= m->count) {
                    memmove(&m->values[itag - 1], &m->values[itag], (m->count - itag) * sizeof(model_value));
                    m->count--;
                }
                continue;
            }
            if (is_long && choice < 4) {
                v.separated = true;
                v.lid = rng_below(2) ? 1 + rng_below(0x7FFFFF00) : LV_LID64_FIRST + rng_below(1000);
            } else {
                v.cb = random_value(col, v.bytes, 120);
                if (col->coltyp == JET_coltypBit)
                    v.bytes[0] = v.bytes[0] ? 0xFF : 0x00;
            }
            if (v.cb == 0 && !v.separated && record_column_fixed_size(col) == 0) {
                v.bytes[0] = 'k';
                v.bytes[1] = 0;
                v.cb = 2;
            }
            record_set_value sv = {v.bytes, v.cb, v.separated ? RECORD_SET_SEPARATED : 0, v.lid};
            uint32_t itag = 1;
            if (multi) {
                /* Replace an existing value, or append (itag 0 or count+1). */
                itag = rng_below(m->count + 2);
                if (m->count >= 6 && (itag == 0 || itag > m->count))
                    itag = 1;
            }
            JET_ERR err = set_col(&s, &rec, &cb, col->fid, itag, &sv);
            if (err == JET_errRecordTooBig)
                continue;
            if (err < 0) {
                failures++;
                continue;
            }
            if (!multi) {
                m->values[0] = v;
                m->count = 1;
            } else if (itag >= 1 && itag <= m->count) {
                m->values[itag - 1] = v;
            } else {
                m->values[m->count++] = v;
            }
        }
        if (record_validate(&s, rec, cb) < 0)
            failures++;
        printf("%s\n {\"hex\": \"", r ? "," : "");
        print_hex(stdout, rec, cb);
        printf("\", \"values\": {");
        bool first = true;
        for (size_t c = 0; c < ALL_COLUMN_COUNT; c++) {
            const model_column *m = &model[c];
            if (m->count == 0)
                continue;
            printf("%s\"%u\": [", first ? "" : ", ", k_all_columns[c].fid);
            first = false;
            for (uint32_t i = 0; i < m->count; i++) {
                printf("%s", i ? ", " : "");
                if (m->values[i].separated) {
                    printf("{\"lid\": \"");
                    uint8_t ref[8];
                    const uint32_t n = lv_lid_reference(m->values[i].lid, ref);
                    print_hex(stdout, ref, n);
                    printf("\"}");
                } else {
                    printf("\"");
                    print_hex(stdout, m->values[i].bytes, m->values[i].cb);
                    printf("\"");
                }
            }
            printf("]");
        }
        printf("}}");
        osal_free(rec);
    }
    printf("\n]}\n");
    record_schema_free(&s);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--synth") == 0)
        return synth_dump((uint32_t)strtoul(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
    if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
        db_file db;
        if (!db_open(argv[2], &db)) {
            fprintf(stderr, "cannot read %s\n", argv[2]);
            return 2;
        }
        sample_stats s;
        memset(&s, 0, sizeof(s));
        decode_tables(&db, stdout, &s);
        db_close(&db);
        return s.table_errors ? 1 : 0;
    }
    test_record_basics();
    test_record_exact_bytes();
    test_record_round_trips();
    test_record_edits();
    test_record_size_limit();
    test_record_corruption();
    test_decompress();
    test_key_exact_bytes();
    test_key_truncation();
    test_key_ordering();
    test_key_make();
    test_lv_format();
    test_catalog_builders();
    test_out_of_memory();
    test_samples();
    return check_summary();
}
