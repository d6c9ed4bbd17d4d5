/*
 * catalog_format.h -- MSysObjects records, built and parsed exactly as ESE writes them.
 *
 * Pure encoders/decoders (facts: shared/reference/ese-btree-catalog-facts.md §4).  The catalog
 * is the table MSysObjects (objid 2, root page 4); every table, column, index, long-value tree
 * and callback of the database is one record in it, keyed by (ObjidTable, Type, Id):
 *
 *     7f BE32(ObjidTable ^ 0x80000000) 7f BE16(Type ^ 0x8000) 7f BE32(Id ^ 0x80000000)
 *
 * so a table's record comes first, then its columns (by fid), indexes (by objid), LV tree and
 * callbacks.  MSysObjectsShadow (objid 3, page 24) holds the same records under the same keys.
 * Two secondary indexes of the catalog point back at the records: "Name" (ObjidTable, Type,
 * Name) over every record and "RootObjects" (RootFlag, Name) over the table records; their
 * entries' data is the record's 13-byte key.
 *
 * Records are ordinary ESE records over the catalog's own columns (CATALOG_FID_*), with the
 * shapes ESE writes (decoded from the sample databases; a field that is NULL inside the record
 * has its null bit set and 0x2A bytes, trailing NULL fields are left out):
 *
 *   kind            fixed fields present                  variable / tagged
 *   table           1-8 (RootFlag 0xFF) [12 LVChunkMax]   Name [TemplateTable] [258-260]
 *   fixed column    1-7, 9 RecordOffset (8 NULL)          Name [TemplateTable=callback]
 *   var/tag column  1-7                                    [DefaultValue]
 *   index           1-7, 10 LCMapFlags [11 KeyMost]       Name, KeyFldIDs [133-137]
 *                   (8, 9 NULL)                           LocaleName (tagged, UTF-16LE)
 *   long values     1-7                                    Name "LV"
 * Newer engines also store 13 PgnoFDPLastSetTime on tables, indexes and LV trees (9-12 NULL
 * when unused); the builders write it when given a time.
 *
 * The decoder accepts any shape (up to 13 fixed fields, every tagged field) and keeps every
 * field, so catalog_object_encode(catalog_object_decode(r)) == r for every record ESE writes.
 */
#ifndef LIBESE_CATALOG_FORMAT_H
#define LIBESE_CATALOG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esent.h"
#include "record.h"

/* ---- fixed object ids and pages (facts §1.1) ----------------------------------------------- */
#define CATALOG_OBJID_SYSTEM_ROOT 1u
#define CATALOG_OBJID_MSO 2u
#define CATALOG_OBJID_MSO_SHADOW 3u
#define CATALOG_OBJID_MSO_NAME_INDEX 4u
#define CATALOG_OBJID_MSO_ROOT_OBJECTS_INDEX 5u
#define CATALOG_PGNO_MSO 4u
#define CATALOG_PGNO_MSO_NAME_INDEX 7u
#define CATALOG_PGNO_MSO_ROOT_OBJECTS_INDEX 10u
#define CATALOG_PGNO_MSO_SHADOW 24u
#define CATALOG_MSO_INITIAL_PAGES 20u

/* Record types (the Type column). */
#define CATALOG_TYPE_TABLE 1u
#define CATALOG_TYPE_COLUMN 2u
#define CATALOG_TYPE_INDEX 3u
#define CATALOG_TYPE_LONG_VALUE 4u
#define CATALOG_TYPE_CALLBACK 5u

/* Table flags ESE gives its own tables (JET_bitObject* high bits). */
#define CATALOG_TABLE_FLAGS_MSO 0xC0000000u
#define CATALOG_TABLE_FLAGS_MSYSOBJIDS 0xC8000000u
#define CATALOG_TABLE_FLAGS_MSYSLOCALES 0x88000000u

/* Default densities (SpaceUsage of tables/indexes, LV trees). */
#define CATALOG_DENSITY_DEFAULT 80u
#define CATALOG_DENSITY_LONG_VALUE 100u

/* LCMapFlags every index in the samples carries: LCMAP_SORTKEY | NORM_IGNORECASE |
 * NORM_IGNOREKANATYPE | NORM_IGNOREWIDTH. */
#define CATALOG_LCMAP_FLAGS_DEFAULT 0x00030401u

/* IDB flags (low 16 bits of an index's Flags) and IDX flags (high 16 bits). */
#define CATALOG_IDB_UNIQUE 0x0001u
#define CATALOG_IDB_ALLOW_ALL_NULLS 0x0002u
#define CATALOG_IDB_ALLOW_FIRST_NULL 0x0004u
#define CATALOG_IDB_ALLOW_SOME_NULLS 0x0008u
#define CATALOG_IDB_NO_NULL_SEG 0x0010u
#define CATALOG_IDB_PRIMARY 0x0020u
#define CATALOG_IDB_LOCALE_SET 0x0040u
#define CATALOG_IDB_MULTIVALUED 0x0080u
#define CATALOG_IDB_TEMPLATE_INDEX 0x0100u
#define CATALOG_IDB_DERIVED_INDEX 0x0200u
#define CATALOG_IDB_LOCALIZED_TEXT 0x0400u
#define CATALOG_IDB_SORT_NULLS_HIGH 0x0800u
#define CATALOG_IDB_CROSS_PRODUCT 0x2000u
#define CATALOG_IDB_DISALLOW_TRUNCATION 0x4000u
#define CATALOG_IDB_NESTED_TABLE 0x8000u
#define CATALOG_IDX_EXTENDED_COLUMNS 0x0001u  /* KeyFldIDs uses 4-byte entries (always now) */
#define CATALOG_IDX_DOT_NET_GUID 0x0002u

/* Flags of one KeyFldIDs entry. */
#define CATALOG_SEGMENT_DESCENDING 0x40u
#define CATALOG_SEGMENT_TEMPLATE_COLUMN 0x80u
#define CATALOG_SEGMENT_MUST_BE_NULL 0x20u

/* ---- the catalog's own columns --------------------------------------------------------------- */
#define CATALOG_FID_OBJID_TABLE 1
#define CATALOG_FID_TYPE 2
#define CATALOG_FID_ID 3
#define CATALOG_FID_COLTYP_OR_PGNO_FDP 4
#define CATALOG_FID_SPACE_USAGE 5
#define CATALOG_FID_FLAGS 6
#define CATALOG_FID_PAGES_OR_LOCALE 7
#define CATALOG_FID_ROOT_FLAG 8
#define CATALOG_FID_RECORD_OFFSET 9
#define CATALOG_FID_LCMAP_FLAGS 10
#define CATALOG_FID_KEY_MOST 11
#define CATALOG_FID_LV_CHUNK_MAX 12
#define CATALOG_FID_PGNO_FDP_LAST_SET_TIME 13
#define CATALOG_FID_NAME 128
#define CATALOG_FID_STATS 129
#define CATALOG_FID_TEMPLATE_TABLE 130
#define CATALOG_FID_DEFAULT_VALUE 131
#define CATALOG_FID_KEY_FLD_IDS 132
#define CATALOG_FID_VAR_SEG_MAC 133
#define CATALOG_FID_CONDITIONAL_COLUMNS 134
#define CATALOG_FID_TUPLE_LIMITS 135
#define CATALOG_FID_VERSION 136
#define CATALOG_FID_SORT_ID 137
#define CATALOG_FID_CALLBACK_DATA 256
#define CATALOG_FID_CALLBACK_DEPENDENCIES 257
#define CATALOG_FID_SEPARATE_LV 258
#define CATALOG_FID_SPACE_HINTS 259
#define CATALOG_FID_SPACE_DEFERRED_LV_HINTS 260
#define CATALOG_FID_LOCALE_NAME 261

/* The catalog's columns as a record schema, for any code that wants to read catalog records
 * with record.h directly.  13 fixed, 10 variable, 6 tagged columns (record_schema_free it). */
JET_ERR catalog_schema_init(record_schema *schema, uint32_t page_size);

/* ---- keys ------------------------------------------------------------------------------------ */
#define CATALOG_KEY_SIZE 13u

/* The primary key of a catalog record. */
void catalog_key(uint32_t objid_table, uint16_t type, uint32_t id, uint8_t key[CATALOG_KEY_SIZE]);

/* Parse a catalog primary key.  JET_errCatalogCorrupted unless it has the 13-byte shape. */
JET_ERR catalog_key_parse(const uint8_t *key, size_t cb, uint32_t *objid_table, uint16_t *type,
                          uint32_t *id);

/* Key of a record's entry in the Name index: 7f BE32 | 7f BE16 | 7f UPPER(name) 00 (the name is
 * normalized as 8-bit text, cut at 255 bytes of key).  key needs 255 bytes. */
JET_ERR catalog_name_index_key(uint32_t objid_table, uint16_t type, const char *name,
                               size_t cb_name, uint8_t *key, uint32_t *cb_key);

/* Key of a table record's entry in the RootObjects index: 7f ff | 7f UPPER(name) 00.  key
 * needs 255 bytes. */
JET_ERR catalog_root_objects_key(const char *name, size_t cb_name, uint8_t *key,
                                 uint32_t *cb_key);

/* ---- a decoded record ---------------------------------------------------------------------- */

/* Bytes of a variable or tagged field; data == NULL means the field is NULL / absent. */
typedef struct catalog_bytes {
    const uint8_t *data;
    uint32_t cb;
} catalog_bytes;

/* Every field of a catalog record.  fixed_present has bit (fid - 1) set for each fixed field
 * stored with a value (fids 1..13); byte fields point into the record (or the caller's data). */
typedef struct catalog_object {
    uint32_t fixed_present;
    uint32_t objid_table;
    uint16_t type;                  /* CATALOG_TYPE_* */
    uint32_t id;                    /* table/index/LV: objid; column: fid; callback: id */
    uint32_t coltyp_or_pgno_fdp;    /* column: JET_coltyp; others: the tree's root page */
    uint32_t space_usage;           /* column: cbMax; others: density % */
    uint32_t flags;                 /* table: JET_bitObject*; column: FIELDFLAG;
                                     * index: IDB | IDX << 16 */
    uint32_t pages_or_locale;       /* table/LV: initial pages; column: code page; index: LCID */
    uint8_t root_flag;              /* 0xFF on table records */
    uint16_t record_offset;         /* fixed columns */
    uint32_t lcmap_flags;           /* indexes */
    uint16_t key_most;              /* indexes with a custom key size */
    uint32_t lv_chunk_max;          /* tables with a custom LV chunk size */
    uint64_t pgno_fdp_last_set_time;
    catalog_bytes name;             /* ASCII, no terminator */
    catalog_bytes stats;
    catalog_bytes template_table;   /* table: template name; column/callback: callback name */
    catalog_bytes default_value;
    catalog_bytes key_fld_ids;      /* index: its columns (catalog_index_segments) */
    catalog_bytes var_seg_mac;
    catalog_bytes conditional_columns;
    catalog_bytes tuple_limits;
    catalog_bytes version;          /* index: NLS version (Unicode indexes) */
    catalog_bytes sort_id;          /* index: sort GUID (Unicode indexes) */
    catalog_bytes callback_data;
    catalog_bytes callback_dependencies;
    catalog_bytes separate_lv;
    catalog_bytes space_hints;
    catalog_bytes space_deferred_lv_hints;
    catalog_bytes locale_name;      /* index: UTF-16LE locale name, e.g. "en-US" */
} catalog_object;

/* Parse a catalog record (the data of a catalog leaf node) into *out; byte fields point into
 * rec.  Tolerates every shape real files carry.  JET_errCatalogCorrupted when the record is
 * malformed or lacks ObjidTable/Type/Id; JET_errOutOfMemory. */
JET_ERR catalog_object_decode(const uint8_t *rec, size_t cb, uint32_t page_size,
                              catalog_object *out);

/* Encode every field *obj has (fixed_present bits, non-NULL byte fields) as ESE would.
 * *rec is osal_malloc'd.  JET_errRecordTooBig, JET_errOutOfMemory. */
JET_ERR catalog_object_encode(const catalog_object *obj, uint32_t page_size, uint8_t **rec,
                              size_t *cb);

/* One column of an index, from KeyFldIDs. */
typedef struct catalog_index_segment {
    uint16_t fid;
    uint8_t flags;      /* CATALOG_SEGMENT_* */
} catalog_index_segment;

/* Parse an index's KeyFldIDs: 4-byte entries {u8 flags, u8 0, u16 fid} when the index has
 * IDX ExtendedColumns, else the old 2-byte form (a negative fid = descending).  Up to
 * max_segments; JET_errCatalogCorrupted when malformed or longer. */
JET_ERR catalog_index_segments(const catalog_object *index, catalog_index_segment *segments,
                               uint32_t max_segments, uint32_t *count);

/* The record_column a column record describes (for record_schema_init): fid, type, cbMax (the
 * SpaceUsage of a fixed-size or fixed Binary/Text column; 0 = unlimited otherwise), FIELDFLAG
 * flags, code page, RecordOffset and the default value (pointing into the record).  The two
 * catalog tables (objid 2 and 3) describe every fixed column at offset 4, so their offsets are
 * left 0 for record_schema_init to compute.  JET_errInvalidParameter if obj is not a column. */
JET_ERR catalog_column_from_object(const catalog_object *obj, record_column *column);

/* ---- building records of each kind ----------------------------------------------------------- */

/* A table record.  ESE's values for a user table: density 80 (JET_TABLECREATE ulDensity 0),
 * flags 0, initial_pages = the pages JetCreateTable was asked for. */
typedef struct catalog_table_def {
    uint32_t objid;
    uint32_t pgno_fdp;
    uint32_t density;              /* SpaceUsage */
    uint32_t flags;
    uint32_t initial_pages;
    const char *name;
    const char *template_table;    /* NULL: none */
    uint32_t lv_chunk_max;         /* 0: the default, not stored */
    catalog_bytes separate_lv;     /* optional tagged hints (data NULL: absent) */
    catalog_bytes space_hints;
    catalog_bytes space_deferred_lv_hints;
    uint64_t pgno_fdp_last_set_time; /* 0: not stored (older engines) */
} catalog_table_def;

/* A column record.  space usage is the type's size for fixed-size types, else cb_max (255 for a
 * variable Binary/Text column declared with 0). */
typedef struct catalog_column_def {
    uint32_t objid_table;
    uint16_t fid;
    JET_COLTYP coltyp;
    uint32_t cb_max;
    uint32_t field_flags;          /* RECORD_FIELD_* */
    uint16_t code_page;            /* 1200/1252 for text (ESE wrote 1252 on its own columns) */
    uint16_t record_offset;        /* fixed columns (fid <= 127): their offset in the record */
    const char *name;
    catalog_bytes default_value;   /* data NULL: none */
    const char *callback;          /* user-defined default callback name, NULL: none */
} catalog_column_def;

/* An index record.  The primary index shares the table's objid and root page. */
typedef struct catalog_index_def {
    uint32_t objid_table;
    uint32_t objid;
    uint32_t pgno_fdp;
    uint32_t density;
    uint16_t idb_flags;            /* CATALOG_IDB_* */
    uint16_t idx_flags;            /* CATALOG_IDX_* (ExtendedColumns is always added) */
    uint32_t lcid;                 /* 0 when locale_name is given */
    uint32_t lcmap_flags;
    uint16_t key_most;             /* 0: JET_cbKeyMost_OLD, not stored */
    const char *name;
    const catalog_index_segment *segments;
    uint32_t segment_count;
    const char *locale_name;       /* ASCII, stored as UTF-16LE; NULL: none */
    catalog_bytes var_seg_mac;     /* optional raw fields (data NULL: absent) */
    catalog_bytes conditional_columns;
    catalog_bytes tuple_limits;
    catalog_bytes version;
    catalog_bytes sort_id;
    catalog_bytes space_hints;
    uint64_t pgno_fdp_last_set_time;
} catalog_index_def;

/* A long-value tree record (its name is always "LV"). */
typedef struct catalog_lv_def {
    uint32_t objid_table;
    uint32_t objid;
    uint32_t pgno_fdp;
    uint32_t density;              /* 100 in ESE's files */
    uint32_t flags;
    uint32_t initial_pages;
    uint64_t pgno_fdp_last_set_time;
} catalog_lv_def;

/* Each builder fills *obj with the record's fields in ESE's shape (no allocation; byte fields
 * point into the def, and the index builder's KeyFldIDs/LocaleName into *storage, which must
 * outlive obj) -- then catalog_object_encode gives the bytes.  The *_record variants do both
 * and also return the key.  Errors: JET_errInvalidParameter for a missing name or bad
 * segments, plus those of catalog_object_encode. */
void catalog_table_object(const catalog_table_def *def, catalog_object *obj);
void catalog_column_object(const catalog_column_def *def, catalog_object *obj);
void catalog_lv_object(const catalog_lv_def *def, catalog_object *obj);

/* Room for an index's generated fields (KeyFldIDs, UTF-16 locale name). */
typedef struct catalog_index_storage {
    uint8_t key_fld_ids[4 * 16];
    uint8_t locale_name[2 * 85];
} catalog_index_storage;
JET_ERR catalog_index_object(const catalog_index_def *def, catalog_index_storage *storage,
                             catalog_object *obj);

JET_ERR catalog_build_table(const catalog_table_def *def, uint32_t page_size,
                            uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb);
JET_ERR catalog_build_column(const catalog_column_def *def, uint32_t page_size,
                             uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb);
JET_ERR catalog_build_index(const catalog_index_def *def, uint32_t page_size,
                            uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb);
JET_ERR catalog_build_lv(const catalog_lv_def *def, uint32_t page_size,
                         uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb);

/* ---- the catalog's description of itself and of ESE's other system tables --------------------- */

/* A ready record: key and data of one catalog leaf node. */
typedef struct catalog_entry {
    uint8_t key[CATALOG_KEY_SIZE];
    uint8_t *rec;       /* osal_malloc'd */
    size_t cb;
} catalog_entry;

/* The records ESE writes for MSysObjects and MSysObjectsShadow themselves, in key order:
 * MSysObjects (objid 2, page 4) with its 28 columns and indexes Id (2, page 4), Name (4,
 * page 7), RootObjects (5, page 10); MSysObjectsShadow (3, page 24) with the same columns and
 * its Id index.  byte-for-byte what esent.dll writes (checked against the samples).  Free with
 * catalog_entries_free. */
JET_ERR catalog_build_mso_entries(uint32_t page_size, catalog_entry **entries, size_t *count);

/* The records of MSysObjids (objid -> table, type; a 1-page table ESE adds at the first
 * read/write attach) and MSysLocales (NLS versions of the locales indexes use), given the objid
 * and root page each got. */
JET_ERR catalog_build_msysobjids_entries(uint32_t objid, uint32_t pgno_fdp, uint32_t page_size,
                                         catalog_entry **entries, size_t *count);
JET_ERR catalog_build_msyslocales_entries(uint32_t objid, uint32_t pgno_fdp, uint32_t page_size,
                                          catalog_entry **entries, size_t *count);

void catalog_entries_free(catalog_entry *entries, size_t count);

#endif /* LIBESE_CATALOG_FORMAT_H */
