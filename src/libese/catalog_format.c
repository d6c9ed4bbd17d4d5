/*
 * catalog_format.c -- MSysObjects records (see catalog_format.h).
 *
 * Catalog records are ordinary records over the catalog's columns, so encoding and decoding
 * go through record.c with the catalog's schema; this file knows which fields each kind of
 * record carries and what ESE puts in them.
 */
#include "catalog_format.h"

#include <string.h>

#include "eseformat.h"
#include "key.h"
#include "osal.h"

/* ---- the catalog schema ------------------------------------------------------------------ */

typedef struct catalog_column_info {
    uint16_t fid;
    JET_COLTYP coltyp;
    uint32_t cb_max;       /* SpaceUsage ESE writes for it */
    uint32_t field_flags;
    const char *name;
} catalog_column_info;

/* MSysObjects' columns (_cat.cxx), with the values ESE writes in its self-description. */
static const catalog_column_info k_catalog_columns[] = {
    {CATALOG_FID_OBJID_TABLE, JET_coltypLong, 4, RECORD_FIELD_NOT_NULL, "ObjidTable"},
    {CATALOG_FID_TYPE, JET_coltypShort, 2, RECORD_FIELD_NOT_NULL, "Type"},
    {CATALOG_FID_ID, JET_coltypLong, 4, RECORD_FIELD_NOT_NULL, "Id"},
    {CATALOG_FID_COLTYP_OR_PGNO_FDP, JET_coltypLong, 4, RECORD_FIELD_NOT_NULL, "ColtypOrPgnoFDP"},
    {CATALOG_FID_SPACE_USAGE, JET_coltypLong, 4, RECORD_FIELD_NOT_NULL, "SpaceUsage"},
    {CATALOG_FID_FLAGS, JET_coltypLong, 4, RECORD_FIELD_NOT_NULL, "Flags"},
    {CATALOG_FID_PAGES_OR_LOCALE, JET_coltypLong, 4, RECORD_FIELD_NOT_NULL, "PagesOrLocale"},
    {CATALOG_FID_ROOT_FLAG, JET_coltypBit, 1, 0, "RootFlag"},
    {CATALOG_FID_RECORD_OFFSET, JET_coltypShort, 2, 0, "RecordOffset"},
    {CATALOG_FID_LCMAP_FLAGS, JET_coltypLong, 4, 0, "LCMapFlags"},
    {CATALOG_FID_KEY_MOST, JET_coltypUnsignedShort, 2, 0, "KeyMost"},
    {CATALOG_FID_LV_CHUNK_MAX, JET_coltypLong, 4, 0, "LVChunkMax"},
    {CATALOG_FID_PGNO_FDP_LAST_SET_TIME, JET_coltypDateTime, 8, 0, "PgnoFDPLastSetTime"},
    {CATALOG_FID_NAME, JET_coltypText, 255, RECORD_FIELD_NOT_NULL, "Name"},
    {CATALOG_FID_STATS, JET_coltypBinary, 255, 0, "Stats"},
    {CATALOG_FID_TEMPLATE_TABLE, JET_coltypText, 255, 0, "TemplateTable"},
    {CATALOG_FID_DEFAULT_VALUE, JET_coltypBinary, 255, 0, "DefaultValue"},
    {CATALOG_FID_KEY_FLD_IDS, JET_coltypBinary, 255, 0, "KeyFldIDs"},
    {CATALOG_FID_VAR_SEG_MAC, JET_coltypBinary, 255, 0, "VarSegMac"},
    {CATALOG_FID_CONDITIONAL_COLUMNS, JET_coltypBinary, 255, 0, "ConditionalColumns"},
    {CATALOG_FID_TUPLE_LIMITS, JET_coltypBinary, 255, 0, "TupleLimits"},
    {CATALOG_FID_VERSION, JET_coltypBinary, 255, 0, "Version"},
    {CATALOG_FID_SORT_ID, JET_coltypBinary, 255, 0, "SortID"},
    {CATALOG_FID_CALLBACK_DATA, JET_coltypLongBinary, 0, 0, "CallbackData"},
    {CATALOG_FID_CALLBACK_DEPENDENCIES, JET_coltypLongBinary, 0, 0, "CallbackDependencies"},
    {CATALOG_FID_SEPARATE_LV, JET_coltypLongBinary, 0, 0, "SeparateLV"},
    {CATALOG_FID_SPACE_HINTS, JET_coltypLongBinary, 0, 0, "SpaceHints"},
    {CATALOG_FID_SPACE_DEFERRED_LV_HINTS, JET_coltypLongBinary, 0, 0, "SpaceDeferredLVHints"},
    {CATALOG_FID_LOCALE_NAME, JET_coltypLongBinary, 0, 0, "LocaleName"},
};
#define CATALOG_COLUMN_COUNT (sizeof(k_catalog_columns) / sizeof(k_catalog_columns[0]))

/* The columns MSysObjects describes in its own records: every one but PgnoFDPLastSetTime,
 * which the engines that wrote the samples did not have yet. */
#define CATALOG_SELF_DESCRIBED(fid) ((fid) != CATALOG_FID_PGNO_FDP_LAST_SET_TIME)

JET_ERR catalog_schema_init(record_schema *schema, uint32_t page_size)
{
    record_column columns[CATALOG_COLUMN_COUNT];
    memset(columns, 0, sizeof(columns));
    for (size_t i = 0; i < CATALOG_COLUMN_COUNT; i++) {
        columns[i].fid = k_catalog_columns[i].fid;
        columns[i].coltyp = k_catalog_columns[i].coltyp;
        columns[i].cb_max = k_catalog_columns[i].coltyp == JET_coltypLongBinary
                                ? 0
                                : k_catalog_columns[i].cb_max;
        columns[i].code_page = record_coltyp_is_text(k_catalog_columns[i].coltyp) ? JET_CP_ASCII : 0;
    }
    /* The catalog has no separate key-size reserve question: its primary key is 13 bytes, but
     * ESE sizes its records like any table with a default (255-byte) primary key. */
    return record_schema_init(schema, columns, CATALOG_COLUMN_COUNT, page_size, JET_cbKeyMost_OLD);
}

/* ---- keys ------------------------------------------------------------------------------- */

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

void catalog_key(uint32_t objid_table, uint16_t type, uint32_t id, uint8_t key[CATALOG_KEY_SIZE])
{
    key[0] = KEY_PREFIX_DATA;
    store_be32(key + 1, objid_table ^ 0x80000000u);
    key[5] = KEY_PREFIX_DATA;
    key[6] = (uint8_t)((type ^ 0x8000u) >> 8);
    key[7] = (uint8_t)(type ^ 0x8000u);
    key[8] = KEY_PREFIX_DATA;
    store_be32(key + 9, id ^ 0x80000000u);
}

JET_ERR catalog_key_parse(const uint8_t *key, size_t cb, uint32_t *objid_table, uint16_t *type,
                          uint32_t *id)
{
    if (key == NULL || cb != CATALOG_KEY_SIZE || key[0] != KEY_PREFIX_DATA ||
        key[5] != KEY_PREFIX_DATA || key[8] != KEY_PREFIX_DATA)
        return JET_errCatalogCorrupted;
    *objid_table = load_be32(key + 1) ^ 0x80000000u;
    *type = (uint16_t)((((uint16_t)key[6] << 8) | key[7]) ^ 0x8000u);
    *id = load_be32(key + 9) ^ 0x80000000u;
    return JET_errSuccess;
}

JET_ERR catalog_name_index_key(uint32_t objid_table, uint16_t type, const char *name,
                               size_t cb_name, uint8_t *key, uint32_t *cb_key)
{
    static const key_segment segments[3] = {
        {JET_coltypLong, 0, false, true, 0},
        {JET_coltypShort, 0, false, true, 0},
        {JET_coltypText, JET_CP_ASCII, false, false, 0},
    };
    const key_index index = {segments, 3, JET_cbKeyMost_OLD, 0, false, false, false};
    uint8_t objid_le[4], type_le[2];
    ese_store_u32(objid_le, objid_table);
    ese_store_u16(type_le, type);
    const key_column_value values[3] = {
        {objid_le, 4, false},
        {type_le, 2, false},
        {name, (uint32_t)cb_name, name == NULL},
    };
    return key_build(&index, values, key, cb_key, NULL);
}

JET_ERR catalog_root_objects_key(const char *name, size_t cb_name, uint8_t *key,
                                 uint32_t *cb_key)
{
    static const key_segment segments[2] = {
        {JET_coltypBit, 0, false, true, 0},
        {JET_coltypText, JET_CP_ASCII, false, false, 0},
    };
    const key_index index = {segments, 2, JET_cbKeyMost_OLD, 0, false, false, false};
    static const uint8_t root_flag = 0xFF;
    const key_column_value values[2] = {
        {&root_flag, 1, false},
        {name, (uint32_t)cb_name, name == NULL},
    };
    return key_build(&index, values, key, cb_key, NULL);
}

/* ---- decode / encode ---------------------------------------------------------------------- */

static catalog_bytes *object_bytes_field(catalog_object *obj, uint16_t fid)
{
    switch (fid) {
    case CATALOG_FID_NAME: return &obj->name;
    case CATALOG_FID_STATS: return &obj->stats;
    case CATALOG_FID_TEMPLATE_TABLE: return &obj->template_table;
    case CATALOG_FID_DEFAULT_VALUE: return &obj->default_value;
    case CATALOG_FID_KEY_FLD_IDS: return &obj->key_fld_ids;
    case CATALOG_FID_VAR_SEG_MAC: return &obj->var_seg_mac;
    case CATALOG_FID_CONDITIONAL_COLUMNS: return &obj->conditional_columns;
    case CATALOG_FID_TUPLE_LIMITS: return &obj->tuple_limits;
    case CATALOG_FID_VERSION: return &obj->version;
    case CATALOG_FID_SORT_ID: return &obj->sort_id;
    case CATALOG_FID_CALLBACK_DATA: return &obj->callback_data;
    case CATALOG_FID_CALLBACK_DEPENDENCIES: return &obj->callback_dependencies;
    case CATALOG_FID_SEPARATE_LV: return &obj->separate_lv;
    case CATALOG_FID_SPACE_HINTS: return &obj->space_hints;
    case CATALOG_FID_SPACE_DEFERRED_LV_HINTS: return &obj->space_deferred_lv_hints;
    case CATALOG_FID_LOCALE_NAME: return &obj->locale_name;
    default: return NULL;
    }
}

static const catalog_bytes *object_bytes_field_const(const catalog_object *obj, uint16_t fid)
{
    return object_bytes_field((catalog_object *)obj, fid); /* the same lookup, read-only use */
}

/* Little-endian value of a fixed field (as an unsigned number of its width). */
static uint64_t object_fixed_value(const catalog_object *obj, uint16_t fid)
{
    switch (fid) {
    case CATALOG_FID_OBJID_TABLE: return obj->objid_table;
    case CATALOG_FID_TYPE: return obj->type;
    case CATALOG_FID_ID: return obj->id;
    case CATALOG_FID_COLTYP_OR_PGNO_FDP: return obj->coltyp_or_pgno_fdp;
    case CATALOG_FID_SPACE_USAGE: return obj->space_usage;
    case CATALOG_FID_FLAGS: return obj->flags;
    case CATALOG_FID_PAGES_OR_LOCALE: return obj->pages_or_locale;
    case CATALOG_FID_ROOT_FLAG: return obj->root_flag;
    case CATALOG_FID_RECORD_OFFSET: return obj->record_offset;
    case CATALOG_FID_LCMAP_FLAGS: return obj->lcmap_flags;
    case CATALOG_FID_KEY_MOST: return obj->key_most;
    case CATALOG_FID_LV_CHUNK_MAX: return obj->lv_chunk_max;
    case CATALOG_FID_PGNO_FDP_LAST_SET_TIME: return obj->pgno_fdp_last_set_time;
    default: return 0;
    }
}

static void object_set_fixed(catalog_object *obj, uint16_t fid, const uint8_t *data, uint32_t cb)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cb && i < 8; i++)
        v |= (uint64_t)data[i] << (8 * i);
    switch (fid) {
    case CATALOG_FID_OBJID_TABLE: obj->objid_table = (uint32_t)v; break;
    case CATALOG_FID_TYPE: obj->type = (uint16_t)v; break;
    case CATALOG_FID_ID: obj->id = (uint32_t)v; break;
    case CATALOG_FID_COLTYP_OR_PGNO_FDP: obj->coltyp_or_pgno_fdp = (uint32_t)v; break;
    case CATALOG_FID_SPACE_USAGE: obj->space_usage = (uint32_t)v; break;
    case CATALOG_FID_FLAGS: obj->flags = (uint32_t)v; break;
    case CATALOG_FID_PAGES_OR_LOCALE: obj->pages_or_locale = (uint32_t)v; break;
    case CATALOG_FID_ROOT_FLAG: obj->root_flag = (uint8_t)v; break;
    case CATALOG_FID_RECORD_OFFSET: obj->record_offset = (uint16_t)v; break;
    case CATALOG_FID_LCMAP_FLAGS: obj->lcmap_flags = (uint32_t)v; break;
    case CATALOG_FID_KEY_MOST: obj->key_most = (uint16_t)v; break;
    case CATALOG_FID_LV_CHUNK_MAX: obj->lv_chunk_max = (uint32_t)v; break;
    case CATALOG_FID_PGNO_FDP_LAST_SET_TIME: obj->pgno_fdp_last_set_time = v; break;
    default: break;
    }
}

JET_ERR catalog_object_decode(const uint8_t *rec, size_t cb, uint32_t page_size,
                              catalog_object *out)
{
    memset(out, 0, sizeof(*out));
    record_schema schema;
    JET_ERR err = catalog_schema_init(&schema, page_size);
    if (err < 0)
        return err == JET_errOutOfMemory ? err : JET_errInvalidParameter;
    err = record_validate(&schema, rec, cb);
    for (size_t i = 0; i < CATALOG_COLUMN_COUNT && err >= 0; i++) {
        const uint16_t fid = k_catalog_columns[i].fid;
        record_value v;
        err = record_get_column(&schema, rec, cb, fid, 1, &v);
        if (err < 0)
            break;
        if (v.kind == RECORD_VALUE_SEPARATED) {
            err = JET_errCatalogCorrupted; /* catalog values are never separated */
            break;
        }
        if (v.kind != RECORD_VALUE_DATA)
            continue;
        if (fid <= RECORD_FID_FIXED_LAST) {
            out->fixed_present |= 1u << (fid - 1);
            object_set_fixed(out, fid, v.data, v.cb);
        } else {
            catalog_bytes *field = object_bytes_field(out, fid);
            /* A zero-length value still needs a non-NULL pointer to count as present. */
            field->data = v.cb ? v.data : rec;
            field->cb = v.cb;
        }
    }
    record_schema_free(&schema);
    if (err < 0)
        return err == JET_errOutOfMemory ? err : JET_errCatalogCorrupted;
    const uint32_t required = (1u << (CATALOG_FID_OBJID_TABLE - 1)) | (1u << (CATALOG_FID_TYPE - 1)) |
                              (1u << (CATALOG_FID_ID - 1));
    if ((out->fixed_present & required) != required)
        return JET_errCatalogCorrupted;
    return JET_errSuccess;
}

JET_ERR catalog_object_encode(const catalog_object *obj, uint32_t page_size, uint8_t **rec,
                              size_t *cb)
{
    *rec = NULL;
    *cb = 0;
    record_schema schema;
    JET_ERR err = catalog_schema_init(&schema, page_size);
    if (err < 0)
        return err;
    record_build_value values[CATALOG_COLUMN_COUNT];
    uint8_t fixed_bytes[13][8];
    size_t n = 0;
    for (size_t i = 0; i < CATALOG_COLUMN_COUNT; i++) {
        const uint16_t fid = k_catalog_columns[i].fid;
        if (fid <= RECORD_FID_FIXED_LAST) {
            if (!(obj->fixed_present & (1u << (fid - 1))))
                continue;
            const uint32_t size = record_coltyp_fixed_size(k_catalog_columns[i].coltyp);
            ese_store_u64(fixed_bytes[fid - 1], object_fixed_value(obj, fid));
            values[n].fid = fid;
            values[n].value = (record_set_value){fixed_bytes[fid - 1], size, 0, 0};
            n++;
            continue;
        }
        const catalog_bytes *field = object_bytes_field_const(obj, fid);
        if (field->data == NULL)
            continue;
        values[n].fid = fid;
        values[n].value = (record_set_value){field->data, field->cb, RECORD_SET_ZERO_LENGTH, 0};
        n++;
    }
    err = record_build(&schema, NULL, 0, values, n, rec, cb);
    record_schema_free(&schema);
    return err;
}

JET_ERR catalog_index_segments(const catalog_object *index, catalog_index_segment *segments,
                               uint32_t max_segments, uint32_t *count)
{
    *count = 0;
    const catalog_bytes *k = &index->key_fld_ids;
    if (k->data == NULL)
        return JET_errSuccess;
    const bool extended = ((index->flags >> 16) & CATALOG_IDX_EXTENDED_COLUMNS) != 0;
    const uint32_t entry = extended ? 4u : 2u;
    if (k->cb % entry != 0 || k->cb / entry > max_segments)
        return JET_errCatalogCorrupted;
    const uint32_t n = k->cb / entry;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = k->data + entry * i;
        if (extended) {
            segments[i].flags = e[0];
            segments[i].fid = ese_load_u16(e + 2);
        } else {
            /* The old form: a signed fid, negative for a descending segment. */
            const int16_t signed_fid = (int16_t)ese_load_u16(e);
            segments[i].flags = signed_fid < 0 ? CATALOG_SEGMENT_DESCENDING : 0;
            segments[i].fid = (uint16_t)(signed_fid < 0 ? -signed_fid : signed_fid);
        }
    }
    *count = n;
    return JET_errSuccess;
}

JET_ERR catalog_column_from_object(const catalog_object *obj, record_column *column)
{
    memset(column, 0, sizeof(*column));
    if (obj->type != CATALOG_TYPE_COLUMN || obj->id == 0 || obj->id > RECORD_FID_TAGGED_LAST)
        return JET_errInvalidParameter;
    column->fid = (uint16_t)obj->id;
    column->coltyp = obj->coltyp_or_pgno_fdp;
    const bool fixed = column->fid <= RECORD_FID_FIXED_LAST;
    const bool sized = record_coltyp_fixed_size(column->coltyp) != 0 ||
                       (fixed && (column->coltyp == JET_coltypBinary || column->coltyp == JET_coltypText));
    /* Variable/tagged Binary and Text say 255 or their declared maximum; long values 0. */
    column->cb_max = sized ? obj->space_usage
                           : (obj->space_usage == JET_cbColumnMost ? 0 : obj->space_usage);
    column->field_flags = obj->flags;
    column->code_page = (uint16_t)obj->pages_or_locale;
    if (fixed && obj->objid_table > CATALOG_OBJID_MSO_SHADOW)
        column->record_offset = obj->record_offset;
    if (obj->default_value.data != NULL) {
        column->default_value = obj->default_value.data;
        column->cb_default = obj->default_value.cb;
    }
    return JET_errSuccess;
}

/* ---- builders ---------------------------------------------------------------------------- */

#define PRESENT(fid) (1u << ((fid) - 1))
#define PRESENT_BASE                                                                          \
    (PRESENT(CATALOG_FID_OBJID_TABLE) | PRESENT(CATALOG_FID_TYPE) | PRESENT(CATALOG_FID_ID) |   \
     PRESENT(CATALOG_FID_COLTYP_OR_PGNO_FDP) | PRESENT(CATALOG_FID_SPACE_USAGE) |               \
     PRESENT(CATALOG_FID_FLAGS) | PRESENT(CATALOG_FID_PAGES_OR_LOCALE))

static catalog_bytes text_bytes(const char *s)
{
    catalog_bytes b = {NULL, 0};
    if (s != NULL) {
        b.data = (const uint8_t *)s;
        b.cb = (uint32_t)strlen(s);
    }
    return b;
}

static void set_last_set_time(catalog_object *obj, uint64_t time)
{
    if (time != 0) {
        obj->fixed_present |= PRESENT(CATALOG_FID_PGNO_FDP_LAST_SET_TIME);
        obj->pgno_fdp_last_set_time = time;
    }
}

void catalog_table_object(const catalog_table_def *def, catalog_object *obj)
{
    memset(obj, 0, sizeof(*obj));
    obj->fixed_present = PRESENT_BASE | PRESENT(CATALOG_FID_ROOT_FLAG);
    obj->objid_table = def->objid;
    obj->type = CATALOG_TYPE_TABLE;
    obj->id = def->objid;
    obj->coltyp_or_pgno_fdp = def->pgno_fdp;
    obj->space_usage = def->density;
    obj->flags = def->flags;
    obj->pages_or_locale = def->initial_pages;
    obj->root_flag = 0xFF;
    if (def->lv_chunk_max) {
        obj->fixed_present |= PRESENT(CATALOG_FID_LV_CHUNK_MAX);
        obj->lv_chunk_max = def->lv_chunk_max;
    }
    set_last_set_time(obj, def->pgno_fdp_last_set_time);
    obj->name = text_bytes(def->name);
    obj->template_table = text_bytes(def->template_table);
    obj->separate_lv = def->separate_lv;
    obj->space_hints = def->space_hints;
    obj->space_deferred_lv_hints = def->space_deferred_lv_hints;
}

void catalog_column_object(const catalog_column_def *def, catalog_object *obj)
{
    memset(obj, 0, sizeof(*obj));
    obj->fixed_present = PRESENT_BASE;
    obj->objid_table = def->objid_table;
    obj->type = CATALOG_TYPE_COLUMN;
    obj->id = def->fid;
    obj->coltyp_or_pgno_fdp = def->coltyp;
    /* SpaceUsage is the column's cbMax: a fixed-size type always says its size (libesedb
     * reads fixed columns at offsets summed from it), variable Text/Binary 255 by default. */
    uint32_t space = record_coltyp_fixed_size(def->coltyp);
    if (space == 0) {
        space = def->cb_max;
        if (space == 0 && def->fid >= RECORD_FID_VAR_FIRST && def->fid <= RECORD_FID_VAR_LAST)
            space = JET_cbColumnMost;
    }
    obj->space_usage = space;
    obj->flags = def->field_flags;
    obj->pages_or_locale = def->code_page;
    if (def->fid <= RECORD_FID_FIXED_LAST) {
        obj->fixed_present |= PRESENT(CATALOG_FID_RECORD_OFFSET);
        obj->record_offset = def->record_offset;
    }
    obj->name = text_bytes(def->name);
    obj->default_value = def->default_value;
    obj->template_table = text_bytes(def->callback);
}

void catalog_lv_object(const catalog_lv_def *def, catalog_object *obj)
{
    memset(obj, 0, sizeof(*obj));
    obj->fixed_present = PRESENT_BASE;
    obj->objid_table = def->objid_table;
    obj->type = CATALOG_TYPE_LONG_VALUE;
    obj->id = def->objid;
    obj->coltyp_or_pgno_fdp = def->pgno_fdp;
    obj->space_usage = def->density;
    obj->flags = def->flags;
    obj->pages_or_locale = def->initial_pages;
    set_last_set_time(obj, def->pgno_fdp_last_set_time);
    obj->name = text_bytes("LV");
}

JET_ERR catalog_index_object(const catalog_index_def *def, catalog_index_storage *storage,
                             catalog_object *obj)
{
    memset(obj, 0, sizeof(*obj));
    if (def->name == NULL || def->segment_count == 0 || def->segment_count > 16 ||
        def->segments == NULL)
        return JET_errInvalidParameter;
    obj->fixed_present = PRESENT_BASE | PRESENT(CATALOG_FID_LCMAP_FLAGS);
    obj->objid_table = def->objid_table;
    obj->type = CATALOG_TYPE_INDEX;
    obj->id = def->objid;
    obj->coltyp_or_pgno_fdp = def->pgno_fdp;
    obj->space_usage = def->density;
    obj->flags = (uint32_t)def->idb_flags |
                 ((uint32_t)(def->idx_flags | CATALOG_IDX_EXTENDED_COLUMNS) << 16);
    obj->pages_or_locale = def->lcid;
    obj->lcmap_flags = def->lcmap_flags;
    if (def->key_most && def->key_most != JET_cbKeyMost_OLD) {
        obj->fixed_present |= PRESENT(CATALOG_FID_KEY_MOST);
        obj->key_most = def->key_most;
    }
    set_last_set_time(obj, def->pgno_fdp_last_set_time);
    obj->name = text_bytes(def->name);
    for (uint32_t i = 0; i < def->segment_count; i++) {
        uint8_t *e = storage->key_fld_ids + 4 * i;
        e[0] = def->segments[i].flags;
        e[1] = 0;
        ese_store_u16(e + 2, def->segments[i].fid);
    }
    obj->key_fld_ids.data = storage->key_fld_ids;
    obj->key_fld_ids.cb = 4 * def->segment_count;
    if (def->locale_name != NULL) {
        const size_t n = strlen(def->locale_name);
        if (n == 0 || n > sizeof(storage->locale_name) / 2)
            return JET_errInvalidParameter;
        for (size_t i = 0; i < n; i++) {
            storage->locale_name[2 * i] = (uint8_t)def->locale_name[i];
            storage->locale_name[2 * i + 1] = 0;
        }
        obj->locale_name.data = storage->locale_name;
        obj->locale_name.cb = (uint32_t)(2 * n);
    }
    obj->var_seg_mac = def->var_seg_mac;
    obj->conditional_columns = def->conditional_columns;
    obj->tuple_limits = def->tuple_limits;
    obj->version = def->version;
    obj->sort_id = def->sort_id;
    obj->space_hints = def->space_hints;
    return JET_errSuccess;
}

static JET_ERR encode_with_key(const catalog_object *obj, uint32_t page_size,
                               uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb)
{
    *rec = NULL;
    *cb = 0;
    if (obj->name.data == NULL || obj->name.cb == 0)
        return JET_errInvalidParameter;
    if (key != NULL)
        catalog_key(obj->objid_table, obj->type, obj->id, key);
    return catalog_object_encode(obj, page_size, rec, cb);
}

JET_ERR catalog_build_table(const catalog_table_def *def, uint32_t page_size,
                            uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb)
{
    catalog_object obj;
    catalog_table_object(def, &obj);
    return encode_with_key(&obj, page_size, key, rec, cb);
}

JET_ERR catalog_build_column(const catalog_column_def *def, uint32_t page_size,
                             uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb)
{
    catalog_object obj;
    catalog_column_object(def, &obj);
    return encode_with_key(&obj, page_size, key, rec, cb);
}

JET_ERR catalog_build_index(const catalog_index_def *def, uint32_t page_size,
                            uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb)
{
    catalog_object obj;
    catalog_index_storage storage;
    *rec = NULL;
    *cb = 0;
    JET_ERR err = catalog_index_object(def, &storage, &obj);
    if (err < 0)
        return err;
    return encode_with_key(&obj, page_size, key, rec, cb);
}

JET_ERR catalog_build_lv(const catalog_lv_def *def, uint32_t page_size,
                         uint8_t key[CATALOG_KEY_SIZE], uint8_t **rec, size_t *cb)
{
    catalog_object obj;
    catalog_lv_object(def, &obj);
    return encode_with_key(&obj, page_size, key, rec, cb);
}

/* ---- system tables ------------------------------------------------------------------------ */

void catalog_entries_free(catalog_entry *entries, size_t count)
{
    if (entries == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        osal_free(entries[i].rec);
    osal_free(entries);
}

/* A growing list of entries; the first error sticks. */
typedef struct entry_list {
    catalog_entry *entries;
    size_t count, capacity;
    uint32_t page_size;
    JET_ERR err;
} entry_list;

static void list_add_object(entry_list *list, const catalog_object *obj)
{
    if (list->err < 0)
        return;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 32;
        catalog_entry *grown = osal_malloc(capacity * sizeof(catalog_entry));
        if (grown == NULL) {
            list->err = JET_errOutOfMemory;
            return;
        }
        if (list->count)
            memcpy(grown, list->entries, list->count * sizeof(catalog_entry));
        osal_free(list->entries);
        list->entries = grown;
        list->capacity = capacity;
    }
    catalog_entry *e = &list->entries[list->count];
    JET_ERR err = encode_with_key(obj, list->page_size, e->key, &e->rec, &e->cb);
    if (err < 0) {
        list->err = err;
        return;
    }
    list->count++;
}

static JET_ERR list_finish(entry_list *list, catalog_entry **entries, size_t *count)
{
    if (list->err < 0) {
        catalog_entries_free(list->entries, list->count);
        *entries = NULL;
        *count = 0;
        return list->err;
    }
    *entries = list->entries;
    *count = list->count;
    return JET_errSuccess;
}

static void add_index(entry_list *list, const catalog_index_def *def)
{
    catalog_object obj;
    catalog_index_storage storage;
    JET_ERR err = catalog_index_object(def, &storage, &obj);
    if (err < 0) {
        if (list->err >= 0)
            list->err = err;
        return;
    }
    list_add_object(list, &obj);
}

/* MSysObjects or MSysObjectsShadow: table, its columns, its indexes. */
static void add_catalog_table(entry_list *list, uint32_t objid, uint32_t pgno, uint32_t pages,
                              const char *name)
{
    const catalog_table_def table = {objid, pgno, CATALOG_DENSITY_DEFAULT, CATALOG_TABLE_FLAGS_MSO,
                                     pages, name, NULL, 0, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    catalog_object obj;
    catalog_table_object(&table, &obj);
    list_add_object(list, &obj);
    for (size_t i = 0; i < CATALOG_COLUMN_COUNT; i++) {
        const catalog_column_info *c = &k_catalog_columns[i];
        if (!CATALOG_SELF_DESCRIBED(c->fid))
            continue;
        /* ESE describes its own columns with code page 1252 and, for every fixed column,
         * RecordOffset 4 (the catalog's offsets are compiled in, not read from here). */
        const catalog_column_def column = {objid, c->fid, c->coltyp, c->cb_max, c->field_flags,
                                           JET_CP_ASCII, 4, c->name, {NULL, 0}, NULL};
        catalog_column_object(&column, &obj);
        list_add_object(list, &obj);
    }
    static const catalog_index_segment id_segments[3] = {
        {CATALOG_FID_OBJID_TABLE, 0}, {CATALOG_FID_TYPE, 0}, {CATALOG_FID_ID, 0}};
    const catalog_index_def id_index = {
        objid, objid, pgno, CATALOG_DENSITY_DEFAULT,
        CATALOG_IDB_UNIQUE | CATALOG_IDB_NO_NULL_SEG | CATALOG_IDB_PRIMARY, 0, 0,
        CATALOG_LCMAP_FLAGS_DEFAULT, 0, "Id", id_segments, 3, "en-US",
        {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    add_index(list, &id_index);
    if (objid != CATALOG_OBJID_MSO)
        return;
    static const catalog_index_segment name_segments[3] = {
        {CATALOG_FID_OBJID_TABLE, 0}, {CATALOG_FID_TYPE, 0}, {CATALOG_FID_NAME, 0}};
    const catalog_index_def name_index = {
        objid, CATALOG_OBJID_MSO_NAME_INDEX, CATALOG_PGNO_MSO_NAME_INDEX, CATALOG_DENSITY_DEFAULT,
        CATALOG_IDB_UNIQUE | CATALOG_IDB_NO_NULL_SEG, 0, 0, CATALOG_LCMAP_FLAGS_DEFAULT, 0,
        "Name", name_segments, 3, "en-US",
        {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    add_index(list, &name_index);
    static const catalog_index_segment root_segments[2] = {
        {CATALOG_FID_ROOT_FLAG, 0}, {CATALOG_FID_NAME, 0}};
    const catalog_index_def root_index = {
        objid, CATALOG_OBJID_MSO_ROOT_OBJECTS_INDEX, CATALOG_PGNO_MSO_ROOT_OBJECTS_INDEX,
        CATALOG_DENSITY_DEFAULT, CATALOG_IDB_UNIQUE | CATALOG_IDB_ALLOW_SOME_NULLS, 0, 0,
        CATALOG_LCMAP_FLAGS_DEFAULT, 0, "RootObjects", root_segments, 2, "en-US",
        {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    add_index(list, &root_index);
}

JET_ERR catalog_build_mso_entries(uint32_t page_size, catalog_entry **entries, size_t *count)
{
    entry_list list = {NULL, 0, 0, page_size, JET_errSuccess};
    add_catalog_table(&list, CATALOG_OBJID_MSO, CATALOG_PGNO_MSO, CATALOG_MSO_INITIAL_PAGES,
                      "MSysObjects");
    /* The shadow's primary extent: 5 pages (6 on 2 KiB pages, facts §1.1). */
    add_catalog_table(&list, CATALOG_OBJID_MSO_SHADOW, CATALOG_PGNO_MSO_SHADOW,
                      page_size == 2048 ? 6u : 5u, "MSysObjectsShadow");
    return list_finish(&list, entries, count);
}

JET_ERR catalog_build_msysobjids_entries(uint32_t objid, uint32_t pgno_fdp, uint32_t page_size,
                                         catalog_entry **entries, size_t *count)
{
    entry_list list = {NULL, 0, 0, page_size, JET_errSuccess};
    const catalog_table_def table = {objid, pgno_fdp, CATALOG_DENSITY_LONG_VALUE,
                                     CATALOG_TABLE_FLAGS_MSYSOBJIDS, 0, "MSysObjids", NULL, 0,
                                     {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    catalog_object obj;
    catalog_table_object(&table, &obj);
    list_add_object(&list, &obj);
    static const struct {
        uint16_t fid;
        JET_COLTYP coltyp;
        const char *name;
    } columns[3] = {{256, JET_coltypLong, "objid"},
                    {257, JET_coltypLong, "objidTable"},
                    {258, JET_coltypShort, "type"}};
    for (int i = 0; i < 3; i++) {
        const catalog_column_def column = {objid, columns[i].fid, columns[i].coltyp, 0, 0, 0, 0,
                                           columns[i].name, {NULL, 0}, NULL};
        catalog_column_object(&column, &obj);
        list_add_object(&list, &obj);
    }
    static const catalog_index_segment segments[1] = {{256, 0}};
    const catalog_index_def index = {
        objid, objid, pgno_fdp, CATALOG_DENSITY_LONG_VALUE,
        CATALOG_IDB_UNIQUE | CATALOG_IDB_ALLOW_ALL_NULLS | CATALOG_IDB_ALLOW_FIRST_NULL |
            CATALOG_IDB_ALLOW_SOME_NULLS | CATALOG_IDB_PRIMARY,
        0, 0, CATALOG_LCMAP_FLAGS_DEFAULT, 0, "primary", segments, 1, "en-US",
        {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    add_index(&list, &index);
    return list_finish(&list, entries, count);
}

JET_ERR catalog_build_msyslocales_entries(uint32_t objid, uint32_t pgno_fdp, uint32_t page_size,
                                          catalog_entry **entries, size_t *count)
{
    entry_list list = {NULL, 0, 0, page_size, JET_errSuccess};
    /* ESE gives MSysLocales a density of 92 %. */
    const uint32_t density = 92;
    const catalog_table_def table = {objid, pgno_fdp, density, CATALOG_TABLE_FLAGS_MSYSLOCALES, 0,
                                     "MSysLocales", NULL, 0, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    catalog_object obj;
    catalog_table_object(&table, &obj);
    list_add_object(&list, &obj);
    static const uint8_t zero_long[4] = {0, 0, 0, 0};
    const catalog_column_def type_column = {objid, 1, JET_coltypUnsignedByte, 0,
                                            RECORD_FIELD_NOT_NULL, 0, 4, "Type", {NULL, 0}, NULL};
    const catalog_column_def value_column = {
        objid, 2, JET_coltypLong, 0, RECORD_FIELD_DEFAULT | RECORD_FIELD_ESCROW_UPDATE, 0, 5,
        "iValue", {zero_long, 4}, NULL};
    const catalog_column_def key_column = {objid, 128, JET_coltypBinary, 255, 0, 0, 0, "Key",
                                           {NULL, 0}, NULL};
    catalog_column_object(&type_column, &obj);
    list_add_object(&list, &obj);
    catalog_column_object(&value_column, &obj);
    list_add_object(&list, &obj);
    catalog_column_object(&key_column, &obj);
    list_add_object(&list, &obj);
    static const catalog_index_segment segments[1] = {{128, 0}};
    const catalog_index_def index = {
        objid, objid, pgno_fdp, density,
        CATALOG_IDB_UNIQUE | CATALOG_IDB_ALLOW_ALL_NULLS | CATALOG_IDB_ALLOW_FIRST_NULL |
            CATALOG_IDB_ALLOW_SOME_NULLS | CATALOG_IDB_PRIMARY | CATALOG_IDB_DISALLOW_TRUNCATION,
        0, 0, CATALOG_LCMAP_FLAGS_DEFAULT, 0, "KeyPrimary", segments, 1, "en-US",
        {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, 0};
    add_index(&list, &index);
    return list_finish(&list, entries, count);
}
