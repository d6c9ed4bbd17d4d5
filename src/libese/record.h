/*
 * record.h -- ESE records: the bytes of one table row, built, read and edited in memory.
 *
 * Pure encoders and decoders: bytes in, bytes out, no I/O, no tree access.  The B+tree code
 * stores what record_build / record_set_column produce as the data of a leaf node; the cursor
 * code reads columns back with record_get_column.  Every allocation goes through osal_malloc so
 * fault injection reaches it; every failure is a JET_ERR.
 *
 * The layout (facts: shared/reference/ese-btree-catalog-facts.md §5.1, §5.2):
 *
 *   0  u8   fidFixedLastInRec   0 = no fixed columns
 *   1  u8   fidVarLastInRec     127 = no variable columns
 *   2  u16  ibEndOfFixedData    end of the fixed values plus the null bitmap
 *   4  fixed values, fid 1..last, each at its column's offset and size (little-endian numbers);
 *      NULL ones are filled with 0x2A, as ESE does
 *      null bitmap, ceil(last/8) bytes: bit (fid-1) set = NULL; unused high bits set to 1
 *      u16 end offset per variable fid 128..last, relative to the start of the variable data;
 *      bit 15 = NULL (the low 15 bits then repeat the previous end)
 *      variable data, in fid order
 *      tagged area to the end of the record: TAGFLD {u16 fid, u16 ib} sorted by fid, then the
 *      values; ib counts from the start of the TAGFLD array
 *
 * Tagged values and the page size.  On small pages (<= 8 KiB) ib carries flags (0x4000 "a header
 * byte precedes the value", 0x2000 "NULL overriding a default", 0x8000 "derived from a template
 * table") and 13 offset bits; a header byte is written only when it has a flag to say, which is
 * always for long-value columns.  On large pages (16/32 KiB) ib has 15 offset bits plus 0x8000
 * and every value starts with the header byte.  Header flags: 0x01 long value, 0x02 compressed,
 * 0x04 separated (the value is a LID), 0x08 multi-values, 0x10 two values, 0x20 NULL (large
 * pages), 0x40 encrypted.
 *
 * Multi-valued tagged columns use ESE's two forms: TWOVALUES (small pages, non-long-value
 * columns, exactly two values: header 0x18, u8 length of the first value, value 1, value 2) and
 * MULTIVALUES (header 0x08|flags, then u16 offsets from the start of the offset array, one per
 * value, bit 15 = that value is separated; the first offset / 2 is the count).  Which form a
 * column is in depends on its history, exactly as in ESE (a column that went from three values
 * to two stays in MULTIVALUES form), and record_set_column reproduces those transitions.
 *
 * Record size limit.  record_size_most() is ESE's REC::CbRecordMost: the largest node data a
 * page can hold (page - page header - one reserved tag - the new node's tag) minus the key
 * length count (2 bytes) minus room for the largest primary key:
 *     small pages: node_most - 2 - max(255, 2 + key_most)
 *     large pages: node_most - 2 - 2 - key_most
 * with key_most = the primary index's cbKeyMost, or 4 (the DBK) for a table without one.
 *     page     node_most   primary key 255   no primary index
 *     2 KiB       2000          1741              1743
 *     4 KiB       4048          3789              3791
 *     8 KiB       8144          7885              7887
 *     16 KiB     16296         16037             16288
 *     32 KiB     32680         32421             32672
 * A record longer than that cannot be stored and every builder here returns JET_errRecordTooBig.
 */
#ifndef LIBESE_RECORD_H
#define LIBESE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esent.h"

/* The column types, column grbits, code pages and limits used here come from esent.h through
 * src/esent_constants.h. */

/* ---- column ids ----------------------------------------------------------------------------- */
#define RECORD_FID_FIXED_FIRST 1u
#define RECORD_FID_FIXED_LAST 127u
#define RECORD_FID_VAR_FIRST 128u
#define RECORD_FID_VAR_LAST 255u
#define RECORD_FID_TAGGED_FIRST 256u
#define RECORD_FID_TAGGED_LAST 65535u

/* The smallest record: no fixed, no variable, no tagged columns (REC::REC). */
#define RECORD_MIN_SIZE 4u

/* What ESE writes into the bytes of a NULL fixed column (seen in every sample). */
#define RECORD_NULL_FILLER 0x2A

/* ---- field flags: FIELDFLAG, the column flags as the catalog stores them (facts §4.3) ------- */
#define RECORD_FIELD_NOT_NULL 0x0001
#define RECORD_FIELD_VERSION 0x0002
#define RECORD_FIELD_AUTOINCREMENT 0x0004
#define RECORD_FIELD_MULTIVALUED 0x0008
#define RECORD_FIELD_DEFAULT 0x0010            /* the column has a default value */
#define RECORD_FIELD_ESCROW_UPDATE 0x0020
#define RECORD_FIELD_FINALIZE 0x0040
#define RECORD_FIELD_USER_DEFINED_DEFAULT 0x0080
#define RECORD_FIELD_DELETE_ON_ZERO 0x0200
#define RECORD_FIELD_COMPRESSED 0x1000
#define RECORD_FIELD_ENCRYPTED 0x2000

/* ---- tagged header byte flags (TAGFLD_HEADER) ---------------------------------------------- */
#define RECORD_TAG_HEADER_LONG_VALUE 0x01
#define RECORD_TAG_HEADER_COMPRESSED 0x02
#define RECORD_TAG_HEADER_SEPARATED 0x04
#define RECORD_TAG_HEADER_MULTI_VALUES 0x08
#define RECORD_TAG_HEADER_TWO_VALUES 0x10
#define RECORD_TAG_HEADER_NULL 0x20
#define RECORD_TAG_HEADER_ENCRYPTED 0x40

/* One column of a table, as the record code needs it. */
typedef struct record_column {
    uint16_t fid;            /* 1..127 fixed, 128..255 variable, 256..65535 tagged */
    JET_COLTYP coltyp;       /* JET_coltyp* */
    uint32_t cb_max;         /* fixed Binary/Text: their size; variable: max length (0 = 255);
                              * tagged: max length (0 = no limit); ignored for fixed numbers */
    uint32_t field_flags;    /* RECORD_FIELD_* */
    uint16_t code_page;      /* text columns: 1200 (UTF-16LE) or 1252/20127; 0 otherwise */
    uint16_t record_offset;  /* fixed columns: byte offset in the record; 0 = compute it by
                              * summing the sizes of the fixed columns before it (starting at 4),
                              * as for a table whose fixed columns were never deleted */
    const uint8_t *default_value; /* the column's default value, or NULL */
    uint32_t cb_default;
} record_column;

/* A table's columns plus the page-size facts the layout depends on.  Made by record_schema_init
 * (which copies and sorts the columns), freed by record_schema_free. */
typedef struct record_schema {
    record_column *columns;   /* sorted by fid; fixed ones have record_offset filled in */
    size_t column_count;
    uint32_t page_size;       /* 2048..32768 */
    bool large_page;          /* > 8 KiB: 15-bit tagged offsets, header byte on every value */
    uint32_t record_most;     /* record_size_most(page_size, primary_key_most) */
    uint16_t fid_fixed_last;  /* highest fixed fid defined (0 = none) */
    uint16_t fid_var_last;    /* highest variable fid defined (127 = none) */
    uint32_t fixed_end;       /* end offset of the last fixed column (4 when none) */
} record_schema;

/* Fixed size of a column type in a record (Bit 1, UnsignedByte 1, Short 2, UnsignedShort 2,
 * Long 4, UnsignedLong 4, IEEESingle 4, LongLong 8, UnsignedLongLong 8, Currency 8,
 * IEEEDouble 8, DateTime 8, GUID 16); 0 for Binary, Text and the long types. */
uint32_t record_coltyp_fixed_size(JET_COLTYP coltyp);

/* True for LongBinary and LongText (values that can be separated into the LV tree). */
bool record_coltyp_is_long_value(JET_COLTYP coltyp);

/* True for Text and LongText. */
bool record_coltyp_is_text(JET_COLTYP coltyp);

/* Bytes a column occupies in the fixed area: the type's size, or cb_max for fixed Binary/Text.
 * 0 when the column is not a fixed column. */
uint32_t record_column_fixed_size(const record_column *column);

/* ESE's REC::CbRecordMost (see the table above).  primary_key_most is the primary index's
 * cbKeyMost, or 0 for a table without a primary index (ESE then reserves the 4-byte DBK).
 * 0 for an invalid page size. */
uint32_t record_size_most(uint32_t page_size, uint32_t primary_key_most);

/* FIELDFLAG bits for JetAddColumn's JET_bitColumn* grbits (NotNULL, Version, Autoincrement,
 * MultiValued, EscrowUpdate, Finalize, UserDefinedDefault, DeleteOnZero, Compressed).  Add
 * RECORD_FIELD_DEFAULT when the column gets a default value.  Fixed/Tagged are not flags:
 * they follow from the fid range. */
uint32_t record_field_flags_from_grbit(JET_GRBIT grbit);

/* The JET_bitColumn* grbits JetGetColumnInfo reports for a column (Fixed or Tagged from the
 * fid, then the FIELDFLAG bits mapped back). */
JET_GRBIT record_grbit_from_field_flags(uint16_t fid, uint32_t field_flags);

/* Copy, sort and check a table's columns.  primary_key_most as for record_size_most.
 * Errors: JET_errInvalidParameter (bad page size, fid 0, duplicate fid, a multi-valued column
 * that is not tagged), JET_errInvalidColumnType (a type that cannot live in that fid range, a
 * fixed Binary/Text without a size, or cb_max > 255 for a fixed or variable column),
 * JET_errOutOfMemory. */
JET_ERR record_schema_init(record_schema *schema, const record_column *columns, size_t count,
                           uint32_t page_size, uint32_t primary_key_most);

/* Release what record_schema_init allocated (safe on a zeroed or already freed schema). */
void record_schema_free(record_schema *schema);

/* The column with this fid, or NULL. */
const record_column *record_schema_find(const record_schema *schema, uint16_t fid);

/* ---- reading ------------------------------------------------------------------------------- */

typedef enum record_value_kind {
    RECORD_VALUE_ABSENT = 0, /* the record does not store the column at all (fid beyond the
                              * last one in the record, or no TAGFLD): the column's default
                              * applies, or NULL when it has none */
    RECORD_VALUE_NULL,       /* the record says NULL (null bit, NULL variable offset, a NULL
                              * TAGFLD overriding a default, or no value at that itagSequence) */
    RECORD_VALUE_DATA,       /* data/cb hold the value (for a long-value column: the intrinsic
                              * bytes, after the header byte) */
    RECORD_VALUE_SEPARATED   /* a separated long value: lid is its LID in the LV tree */
} record_value_kind;

/* One value read from a record.  data points into the record (valid while it is). */
typedef struct record_value {
    record_value_kind kind;
    const uint8_t *data;
    uint32_t cb;
    uint64_t lid;        /* SEPARATED: the LID (LID64 values have bit 63 set) */
    uint8_t cb_lid;      /* SEPARATED: 4 (LID32) or 8 (LID64) */
    bool compressed;     /* DATA: ESE-compressed bytes (record_decompress gives the value) */
    bool encrypted;      /* DATA/SEPARATED: encrypted (libese cannot decrypt) */
} record_value;

/* Check that a record is well-formed for this schema's page size: header, null bitmap, variable
 * offsets, TAGFLD order and bounds, multi-value structures.  JET_errDatabaseCorrupted if not.
 * The readers below check what they touch as well, so this is for callers that want a verdict
 * on the whole record (repair, tests, records read from a file for the first time). */
JET_ERR record_validate(const record_schema *schema, const uint8_t *rec, size_t cb);

/* Read value number itag (1-based; 0 is taken as 1) of column fid.  Fixed and variable columns
 * have one value; a tagged column's values count from 1 and a missing itag reads as NULL.
 * The value is returned whole whatever the caller's buffer: truncation is the caller's
 * business.  Errors: JET_errColumnNotFound (fid not in the schema),
 * JET_errDatabaseCorrupted (the record is malformed around that column). */
JET_ERR record_get_column(const record_schema *schema, const uint8_t *rec, size_t cb,
                          uint16_t fid, uint32_t itag, record_value *out);

/* Number of values the record stores for a column: 0 when ABSENT or NULL, 1 for a non-NULL
 * fixed or variable column, the instance count for a tagged one.  (ESE's
 * JetRetrieveColumn(itagSequence 0) also counts a default value; the caller adds that.) */
JET_ERR record_count_values(const record_schema *schema, const uint8_t *rec, size_t cb,
                            uint16_t fid, uint32_t *count);

/* The tagged fids a record stores, in record order: the first with fid > after_fid.  Returns
 * JET_errSuccess and *fid, or JET_errColumnNotFound when there is no further tagged column.
 * A TAGFLD that is a NULL override is reported too (record_get_column then says NULL). */
JET_ERR record_next_tagged(const record_schema *schema, const uint8_t *rec, size_t cb,
                           uint16_t after_fid, uint16_t *fid);

/* Decompress an ESE-compressed value (record_value.compressed): the first byte's top five bits
 * name the scheme -- 1 = 7-bit ASCII, 2 = 7-bit Unicode, 3 = XPRESS (MS-XCA plain LZ77, with
 * a u16 uncompressed size after the scheme byte).  Writes up to cb_max bytes to out (which may
 * be NULL with cb_max 0) and the full size to *cb_actual; JET_wrnBufferTruncated when cb_max
 * is smaller.  JET_errDecompressionFailed for XPRESS9/10 and malformed input. */
JET_ERR record_decompress(const uint8_t *data, uint32_t cb, uint8_t *out, uint32_t cb_max,
                          uint32_t *cb_actual);

/* ---- writing ------------------------------------------------------------------------------- */

/* Flags of a value given to record_set_column / record_build. */
#define RECORD_SET_ZERO_LENGTH 0x01     /* an empty value, not NULL (variable/tagged columns) */
#define RECORD_SET_SEPARATED 0x02       /* a separated long value: lid is its LID */
#define RECORD_SET_REVERT_TO_DEFAULT 0x04 /* with NULL: drop the column so its default applies
                                         * again (JET_bitSetRevertToDefaultValue) */
#define RECORD_SET_COMPRESSED 0x08      /* data is already ESE-compressed (long values only) */

/* A value to store.  data NULL or cb 0 means NULL unless RECORD_SET_ZERO_LENGTH is set. */
typedef struct record_set_value {
    const void *data;
    uint32_t cb;
    uint32_t flags;     /* RECORD_SET_* */
    uint64_t lid;       /* RECORD_SET_SEPARATED: LID32 (<= 0x7FFFFFFF) or LID64 (bit 63 set) */
} record_set_value;

/* One column value for record_build. */
typedef struct record_build_value {
    uint16_t fid;
    record_set_value value;
} record_build_value;

/* Set (replace, add or delete) one value of column fid in rec, producing a new record in
 * *out_rec (osal_malloc'd; the caller osal_frees it).  This is JetSetColumn on a prepared
 * update.  itag follows JetSetColumn's itagSequence for multi-valued tagged columns: 1..count
 * replaces (or with NULL deletes) that value, 0 or count+1.. appends (NULL: nothing to do);
 * other columns have one value and ignore itag.  A NULL on a tagged column with a default value
 * leaves a NULL TAGFLD so the default stops applying, unless RECORD_SET_REVERT_TO_DEFAULT.
 * Setting a fixed or variable column beyond the record's last one extends the record: the
 * columns in between get their default value or NULL.  Bit values are stored as 0xFF/0x00; a
 * fixed Binary (Text) value shorter than its column is padded with zeros (spaces).
 * Errors: JET_errColumnNotFound, JET_errInvalidBufferSize (wrong size for a fixed column, or
 * zero-length on one), JET_errColumnTooBig (longer than cb_max, or a non-long tagged value over
 * 255 bytes), JET_errInvalidParameter (separated/compressed on a non-long-value column, a bad
 * LID), JET_errRecordTooBig (the result exceeds schema->record_most),
 * JET_errDatabaseCorrupted (rec is malformed), JET_errOutOfMemory. */
JET_ERR record_set_column(const record_schema *schema, const uint8_t *rec, size_t cb,
                          uint16_t fid, uint32_t itag, const record_set_value *value,
                          uint8_t **out_rec, size_t *out_cb);

/* Build a record from scratch: start from rec (or, when rec is NULL, from the minimal record
 * 00 7f 04 00) and apply each value in turn as record_set_column with itag 0 -- so values of
 * the same multi-valued column become its values 1, 2, ... in array order, and a later value
 * of a single-valued column replaces an earlier one.  Same errors as record_set_column. */
JET_ERR record_build(const record_schema *schema, const uint8_t *rec, size_t cb,
                     const record_build_value *values, size_t count, uint8_t **out_rec,
                     size_t *out_cb);

/* record_build with each value's itag (JetSetColumn's itagSequence, as record_set_column)
 * taken from itags[i] (itags NULL: all 0). */
JET_ERR record_build_itags(const record_schema *schema, const uint8_t *rec, size_t cb,
                           const record_build_value *values, const uint32_t *itags, size_t count,
                           uint8_t **out_rec, size_t *out_cb);

/* The record a new row starts from (ESE's insert copy of the table's default record): fixed and
 * variable columns with a default value are present with it, everything else is absent.
 * Tagged defaults are never stored; a reader sees them through RECORD_VALUE_ABSENT. */
JET_ERR record_build_default(const record_schema *schema, uint8_t **out_rec, size_t *out_cb);

/* JetUpdate's NOT NULL check: JET_errNullInvalid when a RECORD_FIELD_NOT_NULL column is NULL,
 * or absent without a default value; JET_errSuccess otherwise. *bad_fid (may be NULL) names
 * the first offending column. */
JET_ERR record_check_not_null(const record_schema *schema, const uint8_t *rec, size_t cb,
                              uint16_t *bad_fid);

#endif /* LIBESE_RECORD_H */
