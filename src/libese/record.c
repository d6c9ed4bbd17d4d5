/*
 * record.c -- ESE records: build, read and edit (see record.h for the layout).
 *
 * Editing works on an exploded copy of the record (a "work" record): the fixed area as bytes
 * plus its null bits, one slot per variable column, and the tagged columns as a list of values.
 * Values point into the old record or into the caller's buffers, so nothing is copied until the
 * work record is encoded again.  Encoding always lays the record out canonically (fixed, null
 * bitmap, variable offsets and data in fid order, TAGFLDs sorted with their data in the same
 * order), which is also the layout ESE's in-place edits maintain, so an edit here produces the
 * bytes ESE's would.
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "eseformat.h"
#include "osal.h"

/* ---- small helpers ---------------------------------------------------------------------- */

#define SMALL_PAGE_MAX 8192u

/* TAGFLD ib flags on small pages. */
#define TAGFLD_DERIVED 0x8000u
#define TAGFLD_EXTENDED_INFO_SMALL 0x4000u
#define TAGFLD_NULL_SMALL 0x2000u
#define TAGFLD_IB_MASK_SMALL 0x1FFFu
#define TAGFLD_IB_MASK_LARGE 0x7FFFu

/* MULTIVALUES offset flag. */
#define MV_SEPARATED 0x8000u
#define MV_IB_MASK 0x7FFFu

#define VAR_NULL_BIT 0x8000u
#define VAR_OFFSET_MASK 0x7FFFu

static bool page_size_valid(uint32_t page_size)
{
    return page_size == 2048 || page_size == 4096 || page_size == 8192 || page_size == 16384 ||
           page_size == 32768;
}

uint32_t record_coltyp_fixed_size(JET_COLTYP coltyp)
{
    switch (coltyp) {
    case JET_coltypBit:
    case JET_coltypUnsignedByte:
        return 1;
    case JET_coltypShort:
    case JET_coltypUnsignedShort:
        return 2;
    case JET_coltypLong:
    case JET_coltypUnsignedLong:
    case JET_coltypIEEESingle:
        return 4;
    case JET_coltypLongLong:
    case JET_coltypUnsignedLongLong:
    case JET_coltypCurrency:
    case JET_coltypIEEEDouble:
    case JET_coltypDateTime:
        return 8;
    case JET_coltypGUID:
        return 16;
    default:
        return 0;
    }
}

bool record_coltyp_is_long_value(JET_COLTYP coltyp)
{
    return coltyp == JET_coltypLongBinary || coltyp == JET_coltypLongText;
}

bool record_coltyp_is_text(JET_COLTYP coltyp)
{
    return coltyp == JET_coltypText || coltyp == JET_coltypLongText;
}

static bool coltyp_known(JET_COLTYP coltyp)
{
    return (coltyp >= JET_coltypBit && coltyp <= JET_coltypLongText) ||
           (coltyp >= JET_coltypUnsignedLong && coltyp <= JET_coltypUnsignedLongLong);
}

uint32_t record_column_fixed_size(const record_column *column)
{
    if (column->fid < RECORD_FID_FIXED_FIRST || column->fid > RECORD_FID_FIXED_LAST)
        return 0;
    uint32_t size = record_coltyp_fixed_size(column->coltyp);
    if (size == 0 && (column->coltyp == JET_coltypBinary || column->coltyp == JET_coltypText))
        size = column->cb_max;
    return size;
}

uint32_t record_size_most(uint32_t page_size, uint32_t primary_key_most)
{
    if (!page_size_valid(page_size))
        return 0;
    /* CPAGE::CbPageDataMax: page minus header, minus the reserved tag 0, minus the new node's
     * own tag (cbInsertionOverhead). */
    const uint32_t header = page_size > SMALL_PAGE_MAX ? ESE_PGHDR_LARGE_SIZE : ESE_PGHDR_SIZE;
    const uint32_t node_most = page_size - header - 4 - 4;
    const uint32_t key_count = 2; /* cbKeyCount: the node's key length */
    const uint32_t key_most = primary_key_most ? primary_key_most : 4; /* DBK */
    if (page_size <= SMALL_PAGE_MAX) {
        /* Small pages keep ESE's historic limit: at least JET_cbKeyMostMin (255) reserved. */
        uint32_t reserve = key_count + key_most;
        if (reserve < 255)
            reserve = 255;
        return node_most - key_count - reserve;
    }
    /* Large pages reserve a prefix count too (2 bytes) and exactly the key. */
    return node_most - key_count - key_count - key_most;
}

uint32_t record_field_flags_from_grbit(JET_GRBIT grbit)
{
    uint32_t flags = 0;
    if (grbit & JET_bitColumnNotNULL)
        flags |= RECORD_FIELD_NOT_NULL;
    if (grbit & JET_bitColumnVersion)
        flags |= RECORD_FIELD_VERSION;
    if (grbit & JET_bitColumnAutoincrement)
        flags |= RECORD_FIELD_AUTOINCREMENT;
    if (grbit & JET_bitColumnMultiValued)
        flags |= RECORD_FIELD_MULTIVALUED;
    if (grbit & JET_bitColumnEscrowUpdate)
        flags |= RECORD_FIELD_ESCROW_UPDATE;
    if (grbit & JET_bitColumnFinalize)
        flags |= RECORD_FIELD_FINALIZE;
    if (grbit & JET_bitColumnUserDefinedDefault)
        flags |= RECORD_FIELD_USER_DEFINED_DEFAULT | RECORD_FIELD_DEFAULT;
    if (grbit & JET_bitColumnDeleteOnZero)
        flags |= RECORD_FIELD_DELETE_ON_ZERO;
    if (grbit & JET_bitColumnCompressed)
        flags |= RECORD_FIELD_COMPRESSED;
    return flags;
}

JET_GRBIT record_grbit_from_field_flags(uint16_t fid, uint32_t field_flags)
{
    JET_GRBIT grbit = 0;
    if (fid >= RECORD_FID_FIXED_FIRST && fid <= RECORD_FID_FIXED_LAST)
        grbit |= JET_bitColumnFixed;
    if (fid >= RECORD_FID_TAGGED_FIRST)
        grbit |= JET_bitColumnTagged;
    if (field_flags & RECORD_FIELD_NOT_NULL)
        grbit |= JET_bitColumnNotNULL;
    if (field_flags & RECORD_FIELD_VERSION)
        grbit |= JET_bitColumnVersion;
    if (field_flags & RECORD_FIELD_AUTOINCREMENT)
        grbit |= JET_bitColumnAutoincrement;
    if (field_flags & RECORD_FIELD_MULTIVALUED)
        grbit |= JET_bitColumnMultiValued;
    if (field_flags & RECORD_FIELD_ESCROW_UPDATE)
        grbit |= JET_bitColumnEscrowUpdate;
    if (field_flags & RECORD_FIELD_FINALIZE)
        grbit |= JET_bitColumnFinalize;
    if (field_flags & RECORD_FIELD_USER_DEFINED_DEFAULT)
        grbit |= JET_bitColumnUserDefinedDefault;
    if (field_flags & RECORD_FIELD_DELETE_ON_ZERO)
        grbit |= JET_bitColumnDeleteOnZero;
    if (field_flags & RECORD_FIELD_COMPRESSED)
        grbit |= JET_bitColumnCompressed;
    return grbit;
}

/* ---- schema ---------------------------------------------------------------------------- */

static int compare_column_fids(const void *a, const void *b)
{
    const uint16_t x = ((const record_column *)a)->fid, y = ((const record_column *)b)->fid;
    return (x > y) - (x < y);
}

JET_ERR record_schema_init(record_schema *schema, const record_column *columns, size_t count,
                           uint32_t page_size, uint32_t primary_key_most)
{
    memset(schema, 0, sizeof(*schema));
    if (!page_size_valid(page_size) || (count > 0 && columns == NULL))
        return JET_errInvalidParameter;

    record_column *copy = NULL;
    if (count > 0) {
        copy = osal_malloc(count * sizeof(record_column));
        if (copy == NULL)
            return JET_errOutOfMemory;
        memcpy(copy, columns, count * sizeof(record_column));
        qsort(copy, count, sizeof(record_column), compare_column_fids);
    }

    JET_ERR err = JET_errSuccess;
    uint32_t fixed_end = RECORD_MIN_SIZE;
    uint16_t fixed_last = 0, var_last = RECORD_FID_VAR_FIRST - 1;
    for (size_t i = 0; i < count; i++) {
        record_column *c = &copy[i];
        if (c->fid == 0 || (i > 0 && copy[i - 1].fid == c->fid)) {
            err = JET_errInvalidParameter;
            break;
        }
        if (!coltyp_known(c->coltyp) || c->coltyp == JET_coltypSLV) {
            err = JET_errInvalidColumnType;
            break;
        }
        if ((c->field_flags & RECORD_FIELD_MULTIVALUED) && c->fid < RECORD_FID_TAGGED_FIRST) {
            err = JET_errInvalidParameter;
            break;
        }
        if (c->fid <= RECORD_FID_FIXED_LAST) {
            /* Fixed columns: numbers, or Binary/Text of a declared size up to 255 bytes. */
            if (record_coltyp_is_long_value(c->coltyp)) {
                err = JET_errInvalidColumnType;
                break;
            }
            uint32_t size = record_column_fixed_size(c);
            if (size == 0 || size > JET_cbColumnMost) {
                err = JET_errInvalidColumnType;
                break;
            }
            if (c->record_offset == 0)
                c->record_offset = (uint16_t)fixed_end;
            if (c->record_offset < fixed_end) { /* overlaps the previous column */
                err = JET_errInvalidParameter;
                break;
            }
            fixed_end = (uint32_t)c->record_offset + size;
            fixed_last = c->fid;
        } else if (c->fid <= RECORD_FID_VAR_LAST) {
            /* Variable columns hold Binary or Text of at most 255 bytes. */
            if (c->coltyp != JET_coltypBinary && c->coltyp != JET_coltypText) {
                err = JET_errInvalidColumnType;
                break;
            }
            if (c->cb_max > JET_cbColumnMost) {
                err = JET_errInvalidColumnType;
                break;
            }
            c->record_offset = 0;
            var_last = c->fid;
        } else {
            c->record_offset = 0;
        }
    }
    if (err < 0) {
        osal_free(copy);
        return err;
    }
    if (fixed_end > 0xFFFF) {
        osal_free(copy);
        return JET_errInvalidParameter;
    }

    schema->columns = copy;
    schema->column_count = count;
    schema->page_size = page_size;
    schema->large_page = page_size > SMALL_PAGE_MAX;
    schema->record_most = record_size_most(page_size, primary_key_most);
    schema->fid_fixed_last = fixed_last;
    schema->fid_var_last = var_last;
    schema->fixed_end = fixed_end;
    return JET_errSuccess;
}

void record_schema_free(record_schema *schema)
{
    if (schema == NULL)
        return;
    osal_free(schema->columns);
    schema->columns = NULL;
    schema->column_count = 0;
}

const record_column *record_schema_find(const record_schema *schema, uint16_t fid)
{
    size_t lo = 0, hi = schema->column_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint16_t f = schema->columns[mid].fid;
        if (f == fid)
            return &schema->columns[mid];
        if (f < fid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- parsing the record layout ---------------------------------------------------------- */

typedef struct rec_layout {
    uint8_t fixed_last;           /* 0..127 */
    uint8_t var_last;             /* 127..255 */
    uint32_t fixed_cb;            /* bytes of fixed values (from offset 4) */
    const uint8_t *bitmap;        /* null bitmap */
    uint32_t bitmap_cb;
    const uint8_t *var_offsets;   /* u16 per variable column */
    uint32_t var_count;
    const uint8_t *var_data;
    uint32_t var_data_cb;
    const uint8_t *tagged;        /* TAGFLD array start */
    uint32_t tagged_cb;
} rec_layout;

static JET_ERR layout_parse(const uint8_t *rec, size_t cb, rec_layout *l)
{
    if (rec == NULL || cb < RECORD_MIN_SIZE || cb > 0xFFFF)
        return JET_errDatabaseCorrupted;
    l->fixed_last = rec[0];
    l->var_last = rec[1];
    if (l->fixed_last > RECORD_FID_FIXED_LAST || l->var_last < RECORD_FID_VAR_FIRST - 1)
        return JET_errDatabaseCorrupted;
    const uint32_t ib_end_fixed = ese_load_u16(rec + 2);
    l->bitmap_cb = (l->fixed_last + 7u) / 8u;
    if (ib_end_fixed < RECORD_MIN_SIZE + l->bitmap_cb || ib_end_fixed > cb)
        return JET_errDatabaseCorrupted;
    if (l->fixed_last == 0 && ib_end_fixed != RECORD_MIN_SIZE)
        return JET_errDatabaseCorrupted;
    l->fixed_cb = ib_end_fixed - RECORD_MIN_SIZE - l->bitmap_cb;
    l->bitmap = rec + ib_end_fixed - l->bitmap_cb;
    l->var_count = (uint32_t)l->var_last - (RECORD_FID_VAR_FIRST - 1);
    if ((size_t)ib_end_fixed + 2u * l->var_count > cb)
        return JET_errDatabaseCorrupted;
    l->var_offsets = rec + ib_end_fixed;
    l->var_data = l->var_offsets + 2u * l->var_count;
    const uint32_t var_area_max = (uint32_t)(cb - ib_end_fixed - 2u * l->var_count);
    uint32_t prev_end = 0;
    for (uint32_t i = 0; i < l->var_count; i++) {
        uint16_t entry = ese_load_u16(l->var_offsets + 2 * i);
        uint32_t end = entry & VAR_OFFSET_MASK;
        if (end < prev_end || end > var_area_max)
            return JET_errDatabaseCorrupted;
        prev_end = end;
    }
    l->var_data_cb = prev_end;
    l->tagged = l->var_data + prev_end;
    l->tagged_cb = var_area_max - prev_end;
    return JET_errSuccess;
}

static bool fixed_null(const rec_layout *l, uint16_t fid)
{
    const uint32_t bit = fid - 1u;
    return (l->bitmap[bit / 8] >> (bit % 8)) & 1u;
}

/* ---- tagged area ------------------------------------------------------------------------ */

/* One TAGFLD as stored. */
typedef struct tagfld_view {
    uint16_t fid;
    bool derived;
    bool null_entry;       /* a NULL overriding a default */
    bool has_header;       /* a header byte starts the data */
    const uint8_t *data;   /* the TAGFLD's bytes, header included */
    uint32_t cb;
} tagfld_view;

static JET_ERR tagged_count(const record_schema *s, const rec_layout *l, uint32_t *count)
{
    if (l->tagged_cb == 0) {
        *count = 0;
        return JET_errSuccess;
    }
    if (l->tagged_cb < 4)
        return JET_errDatabaseCorrupted;
    const uint32_t mask = s->large_page ? TAGFLD_IB_MASK_LARGE : TAGFLD_IB_MASK_SMALL;
    const uint32_t first_ib = ese_load_u16(l->tagged + 2) & mask;
    if (first_ib == 0 || first_ib % 4 != 0 || first_ib > l->tagged_cb)
        return JET_errDatabaseCorrupted;
    *count = first_ib / 4;
    return JET_errSuccess;
}

static JET_ERR tagfld_at(const record_schema *s, const rec_layout *l, uint32_t count, uint32_t i,
                         tagfld_view *v)
{
    const uint32_t mask = s->large_page ? TAGFLD_IB_MASK_LARGE : TAGFLD_IB_MASK_SMALL;
    const uint8_t *entry = l->tagged + 4 * i;
    const uint16_t raw_ib = ese_load_u16(entry + 2);
    const uint32_t ib = raw_ib & mask;
    const uint32_t next = (i + 1 < count) ? (ese_load_u16(entry + 6) & mask) : l->tagged_cb;
    if (ib < 4 * count || next < ib || next > l->tagged_cb)
        return JET_errDatabaseCorrupted;
    v->fid = ese_load_u16(entry);
    v->derived = (raw_ib & TAGFLD_DERIVED) != 0;
    v->data = l->tagged + ib;
    v->cb = next - ib;
    if (v->fid < RECORD_FID_TAGGED_FIRST)
        return JET_errDatabaseCorrupted;
    if (s->large_page) {
        if (v->cb < 1)
            return JET_errDatabaseCorrupted;
        v->has_header = true;
        v->null_entry = (v->data[0] & RECORD_TAG_HEADER_NULL) != 0;
    } else {
        v->has_header = (raw_ib & TAGFLD_EXTENDED_INFO_SMALL) != 0;
        v->null_entry = (raw_ib & TAGFLD_NULL_SMALL) != 0;
        if (v->has_header && v->cb < 1)
            return JET_errDatabaseCorrupted;
    }
    return JET_errSuccess;
}

/* Binary search for a non-derived TAGFLD by fid.  The array is sorted with derived entries
 * first (ESE's order; libese never writes them but reads them), then by fid, so "entry sorts
 * before the target" is: derived, or a smaller fid. */
static JET_ERR tagfld_find(const record_schema *s, const rec_layout *l, uint16_t fid,
                           tagfld_view *v, bool *found)
{
    uint32_t count;
    JET_ERR err = tagged_count(s, l, &count);
    *found = false;
    if (err < 0)
        return err;
    uint32_t lo = 0, hi = count;
    while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        const uint8_t *entry = l->tagged + 4 * mid;
        const uint16_t entry_fid = ese_load_u16(entry);
        const bool derived = (ese_load_u16(entry + 2) & TAGFLD_DERIVED) != 0;
        if (derived || entry_fid < fid)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < count) {
        err = tagfld_at(s, l, count, lo, v);
        if (err < 0)
            return err;
        *found = !v->derived && v->fid == fid;
    }
    return JET_errSuccess;
}

/* The values inside one TAGFLD. */
typedef struct tag_instance {
    const uint8_t *data;
    uint32_t cb;
    bool separated;
} tag_instance;

enum { TAG_FORM_SINGLE = 0, TAG_FORM_TWO = 1, TAG_FORM_MULTI = 2 };

/* Describe the TAGFLD's structure: form, header flags and value count.  With out != NULL (room
 * for *count values) also the values. */
static JET_ERR tagfld_decode(const tagfld_view *v, uint8_t *form, uint8_t *header,
                             uint32_t *count, tag_instance *out, uint32_t out_room)
{
    *form = TAG_FORM_SINGLE;
    *header = v->has_header ? v->data[0] : 0;
    if (v->null_entry) {
        *count = 0;
        return JET_errSuccess;
    }
    const uint8_t h = *header;
    if (v->has_header && (h & RECORD_TAG_HEADER_MULTI_VALUES)) {
        if (h & RECORD_TAG_HEADER_TWO_VALUES) {
            /* TWOVALUES: header, u8 length of value 1, value 1, value 2. */
            if (v->cb < 2 || (uint32_t)v->data[1] > v->cb - 2)
                return JET_errDatabaseCorrupted;
            *form = TAG_FORM_TWO;
            *count = 2;
            if (out && out_room >= 2) {
                const uint32_t cb1 = v->data[1];
                out[0] = (tag_instance){v->data + 2, cb1, false};
                out[1] = (tag_instance){v->data + 2 + cb1, v->cb - 2 - cb1, false};
            }
            return JET_errSuccess;
        }
        /* MULTIVALUES: header, u16 offsets (from the start of the offset array), data. */
        const uint8_t *mv = v->data + 1;
        const uint32_t mv_cb = v->cb - 1;
        if (mv_cb < 2)
            return JET_errDatabaseCorrupted;
        const uint32_t first = ese_load_u16(mv) & MV_IB_MASK;
        if (first < 2 || first % 2 != 0 || first > mv_cb)
            return JET_errDatabaseCorrupted;
        const uint32_t n = first / 2;
        uint32_t prev = first;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t ib = ese_load_u16(mv + 2 * i) & MV_IB_MASK;
            if (ib < prev || ib > mv_cb)
                return JET_errDatabaseCorrupted;
            prev = ib;
        }
        *form = TAG_FORM_MULTI;
        *count = n;
        if (out && out_room >= n) {
            for (uint32_t i = 0; i < n; i++) {
                uint16_t raw = ese_load_u16(mv + 2 * i);
                uint32_t ib = raw & MV_IB_MASK;
                uint32_t end = (i + 1 < n) ? (ese_load_u16(mv + 2 * i + 2) & MV_IB_MASK) : mv_cb;
                out[i] = (tag_instance){mv + ib, end - ib, (raw & MV_SEPARATED) != 0};
            }
        }
        return JET_errSuccess;
    }
    *count = 1;
    if (out && out_room >= 1) {
        const uint32_t skip = v->has_header ? 1u : 0u;
        out[0] = (tag_instance){v->data + skip, v->cb - skip,
                                v->has_header && (h & RECORD_TAG_HEADER_SEPARATED) != 0};
    }
    return JET_errSuccess;
}

static JET_ERR load_lid(const uint8_t *data, uint32_t cb, uint64_t *lid, uint8_t *cb_lid)
{
    if (cb == 4) {
        *lid = ese_load_u32(data);
        *cb_lid = 4;
    } else if (cb == 8) {
        *lid = ese_load_u64(data);
        *cb_lid = 8;
    } else {
        return JET_errDatabaseCorrupted;
    }
    return JET_errSuccess;
}

/* ---- reading ---------------------------------------------------------------------------- */

JET_ERR record_get_column(const record_schema *schema, const uint8_t *rec, size_t cb,
                          uint16_t fid, uint32_t itag, record_value *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = RECORD_VALUE_ABSENT;
    const record_column *col = record_schema_find(schema, fid);
    if (col == NULL)
        return JET_errColumnNotFound;
    rec_layout l;
    JET_ERR err = layout_parse(rec, cb, &l);
    if (err < 0)
        return err;
    if (itag == 0)
        itag = 1;

    if (fid <= RECORD_FID_FIXED_LAST) {
        if (fid > l.fixed_last)
            return JET_errSuccess;
        if (itag != 1 || fixed_null(&l, fid)) {
            out->kind = RECORD_VALUE_NULL;
            return JET_errSuccess;
        }
        const uint32_t size = record_column_fixed_size(col);
        const uint32_t offset = col->record_offset - RECORD_MIN_SIZE;
        if (offset + size > l.fixed_cb)
            return JET_errDatabaseCorrupted;
        out->kind = RECORD_VALUE_DATA;
        out->data = rec + col->record_offset;
        out->cb = size;
        return JET_errSuccess;
    }

    if (fid <= RECORD_FID_VAR_LAST) {
        if (fid > l.var_last)
            return JET_errSuccess;
        const uint32_t i = fid - RECORD_FID_VAR_FIRST;
        const uint16_t entry = ese_load_u16(l.var_offsets + 2 * i);
        if (itag != 1 || (entry & VAR_NULL_BIT)) {
            out->kind = RECORD_VALUE_NULL;
            return JET_errSuccess;
        }
        const uint32_t start = i == 0 ? 0 : (ese_load_u16(l.var_offsets + 2 * i - 2) & VAR_OFFSET_MASK);
        const uint32_t end = entry & VAR_OFFSET_MASK;
        out->kind = RECORD_VALUE_DATA;
        out->data = l.var_data + start;
        out->cb = end - start;
        return JET_errSuccess;
    }

    tagfld_view v;
    bool found;
    err = tagfld_find(schema, &l, fid, &v, &found);
    if (err < 0 || !found)
        return err;
    if (v.null_entry) {
        out->kind = RECORD_VALUE_NULL;
        return JET_errSuccess;
    }
    uint8_t form, header;
    uint32_t count;
    err = tagfld_decode(&v, &form, &header, &count, NULL, 0);
    if (err < 0)
        return err;
    if (itag > count) {
        out->kind = RECORD_VALUE_NULL;
        return JET_errSuccess;
    }
    tag_instance one;
    if (form == TAG_FORM_SINGLE) {
        err = tagfld_decode(&v, &form, &header, &count, &one, 1);
    } else {
        /* Decode only the wanted instance without an allocation. */
        if (form == TAG_FORM_TWO) {
            tag_instance two[2];
            err = tagfld_decode(&v, &form, &header, &count, two, 2);
            one = two[itag - 1];
        } else {
            const uint8_t *mv = v.data + 1;
            const uint32_t mv_cb = v.cb - 1;
            const uint16_t raw = ese_load_u16(mv + 2 * (itag - 1));
            const uint32_t ib = raw & MV_IB_MASK;
            const uint32_t end = itag < count ? (ese_load_u16(mv + 2 * itag) & MV_IB_MASK) : mv_cb;
            one = (tag_instance){mv + ib, end - ib, (raw & MV_SEPARATED) != 0};
        }
    }
    if (err < 0)
        return err;
    out->encrypted = (header & RECORD_TAG_HEADER_ENCRYPTED) != 0;
    if (one.separated) {
        out->kind = RECORD_VALUE_SEPARATED;
        return load_lid(one.data, one.cb, &out->lid, &out->cb_lid);
    }
    out->kind = RECORD_VALUE_DATA;
    out->data = one.data;
    out->cb = one.cb;
    /* Only the first value of a multi-valued column can be compressed (ESE's rule). */
    out->compressed = (header & RECORD_TAG_HEADER_COMPRESSED) != 0 && itag == 1;
    return JET_errSuccess;
}

JET_ERR record_count_values(const record_schema *schema, const uint8_t *rec, size_t cb,
                            uint16_t fid, uint32_t *count)
{
    *count = 0;
    if (fid < RECORD_FID_TAGGED_FIRST) {
        record_value v;
        JET_ERR err = record_get_column(schema, rec, cb, fid, 1, &v);
        if (err < 0)
            return err;
        *count = (v.kind == RECORD_VALUE_DATA) ? 1 : 0;
        return JET_errSuccess;
    }
    if (record_schema_find(schema, fid) == NULL)
        return JET_errColumnNotFound;
    rec_layout l;
    JET_ERR err = layout_parse(rec, cb, &l);
    if (err < 0)
        return err;
    tagfld_view v;
    bool found;
    err = tagfld_find(schema, &l, fid, &v, &found);
    if (err < 0 || !found)
        return err;
    uint8_t form, header;
    return tagfld_decode(&v, &form, &header, count, NULL, 0);
}

JET_ERR record_next_tagged(const record_schema *schema, const uint8_t *rec, size_t cb,
                           uint16_t after_fid, uint16_t *fid)
{
    rec_layout l;
    JET_ERR err = layout_parse(rec, cb, &l);
    if (err < 0)
        return err;
    uint32_t count;
    err = tagged_count(schema, &l, &count);
    if (err < 0)
        return err;
    for (uint32_t i = 0; i < count; i++) {
        tagfld_view v;
        err = tagfld_at(schema, &l, count, i, &v);
        if (err < 0)
            return err;
        if (v.fid > after_fid) {
            *fid = v.fid;
            return JET_errSuccess;
        }
    }
    return JET_errColumnNotFound;
}

JET_ERR record_validate(const record_schema *schema, const uint8_t *rec, size_t cb)
{
    rec_layout l;
    JET_ERR err = layout_parse(rec, cb, &l);
    if (err < 0)
        return err;
    /* Fixed area: every known column inside the record must fit. */
    for (size_t i = 0; i < schema->column_count; i++) {
        const record_column *c = &schema->columns[i];
        if (c->fid > l.fixed_last)
            break;
        if (c->record_offset - RECORD_MIN_SIZE + record_column_fixed_size(c) > l.fixed_cb)
            return JET_errDatabaseCorrupted;
    }
    /* Unused high bits of the last null bitmap byte: ESE sets them; tolerate either. */
    uint32_t count;
    err = tagged_count(schema, &l, &count);
    if (err < 0)
        return err;
    uint32_t prev_fid = 0;
    bool prev_derived = true;
    for (uint32_t i = 0; i < count; i++) {
        tagfld_view v;
        err = tagfld_at(schema, &l, count, i, &v);
        if (err < 0)
            return err;
        /* Derived entries first, then ascending fids within each group. */
        if (i > 0) {
            if (v.derived && !prev_derived)
                return JET_errDatabaseCorrupted;
            if (v.derived == prev_derived && v.fid <= prev_fid)
                return JET_errDatabaseCorrupted;
        }
        prev_fid = v.fid;
        prev_derived = v.derived;
        if (v.null_entry && !schema->large_page && v.cb != 0)
            return JET_errDatabaseCorrupted;
        uint8_t form, header;
        uint32_t n;
        err = tagfld_decode(&v, &form, &header, &n, NULL, 0);
        if (err < 0)
            return err;
        if (form == TAG_FORM_SINGLE && n == 1 && v.has_header &&
            (header & RECORD_TAG_HEADER_SEPARATED) && v.cb != 5 && v.cb != 9)
            return JET_errDatabaseCorrupted;
    }
    return JET_errSuccess;
}

/* ---- decompression --------------------------------------------------------------------- */

#define COMPRESS_7BIT_ASCII 1u
#define COMPRESS_7BIT_UNICODE 2u
#define COMPRESS_XPRESS 3u

/* 7-bit packing: value bits LSB first, 7 per character, after the scheme byte whose low three
 * bits are (bits used in the last byte - 1). */
static JET_ERR decompress_7bit(const uint8_t *data, uint32_t cb, bool wide, uint8_t *out,
                               uint32_t cb_max, uint32_t *cb_actual)
{
    if (cb < 2)
        return JET_errDecompressionFailed;
    const uint32_t bits_final = (data[0] & 7u) + 1u;
    const uint32_t bits_total = (cb - 2) * 8u + bits_final;
    const uint32_t chars = bits_total / 7u;
    const uint32_t total = wide ? chars * 2u : chars;
    *cb_actual = total;
    uint32_t produced = 0;
    for (uint32_t c = 0; c < chars && produced < cb_max && out != NULL; c++) {
        const uint32_t bit = c * 7u;
        const uint32_t byte = 1u + bit / 8u;
        const uint32_t shift = bit % 8u;
        uint32_t word = data[byte];
        if (byte + 1 < cb)
            word |= (uint32_t)data[byte + 1] << 8;
        const uint8_t ch = (uint8_t)((word >> shift) & 0x7Fu);
        out[produced++] = ch;
        if (wide && produced < cb_max)
            out[produced++] = 0;
    }
    return total > cb_max ? JET_wrnBufferTruncated : JET_errSuccess;
}

/* MS-XCA plain LZ77 ("LZXpress"): 32-bit flag words, literals and (offset, length) matches. */
static JET_ERR decompress_xpress(const uint8_t *in, uint32_t cb_in, uint8_t *full,
                                 uint32_t cb_full)
{
    uint32_t ip = 0, op = 0, flags = 0, flag_count = 0, half_byte_pos = 0;
    while (op < cb_full) {
        if (flag_count == 0) {
            if (ip + 4 > cb_in)
                return JET_errDecompressionFailed;
            flags = ese_load_u32(in + ip);
            ip += 4;
            flag_count = 32;
        }
        flag_count--;
        if ((flags & (1u << flag_count)) == 0) {
            if (ip >= cb_in)
                return JET_errDecompressionFailed;
            full[op++] = in[ip++];
            continue;
        }
        if (ip + 2 > cb_in)
            return JET_errDecompressionFailed;
        const uint32_t match = ese_load_u16(in + ip);
        ip += 2;
        uint32_t length = match % 8u;
        const uint32_t offset = match / 8u + 1u;
        if (length == 7) {
            if (half_byte_pos == 0) {
                if (ip >= cb_in)
                    return JET_errDecompressionFailed;
                length = in[ip] % 16u;
                half_byte_pos = ip++;
            } else {
                length = in[half_byte_pos] / 16u;
                half_byte_pos = 0;
            }
            if (length == 15) {
                if (ip >= cb_in)
                    return JET_errDecompressionFailed;
                length = in[ip++];
                if (length == 255) {
                    if (ip + 2 > cb_in)
                        return JET_errDecompressionFailed;
                    length = ese_load_u16(in + ip);
                    ip += 2;
                    if (length == 0) {
                        if (ip + 4 > cb_in)
                            return JET_errDecompressionFailed;
                        length = ese_load_u32(in + ip);
                        ip += 4;
                    }
                    if (length < 15 + 7)
                        return JET_errDecompressionFailed;
                    length -= 15 + 7;
                }
                length += 15;
            }
            length += 7;
        }
        length += 3;
        if (offset > op)
            return JET_errDecompressionFailed;
        for (uint32_t i = 0; i < length && op < cb_full; i++, op++)
            full[op] = full[op - offset];
    }
    return JET_errSuccess;
}

JET_ERR record_decompress(const uint8_t *data, uint32_t cb, uint8_t *out, uint32_t cb_max,
                          uint32_t *cb_actual)
{
    *cb_actual = 0;
    if (data == NULL || cb < 1 || (out == NULL && cb_max != 0))
        return JET_errDecompressionFailed;
    const uint32_t scheme = data[0] >> 3;
    if (scheme == COMPRESS_7BIT_ASCII)
        return decompress_7bit(data, cb, false, out, cb_max, cb_actual);
    if (scheme == COMPRESS_7BIT_UNICODE)
        return decompress_7bit(data, cb, true, out, cb_max, cb_actual);
    if (scheme != COMPRESS_XPRESS || cb < 3)
        return JET_errDecompressionFailed;
    const uint32_t total = ese_load_u16(data + 1);
    *cb_actual = total;
    if (cb_max == 0)
        return total ? JET_wrnBufferTruncated : JET_errSuccess;
    /* Decode the whole value once so partial reads see the same bytes. */
    uint8_t *full = osal_malloc(total ? total : 1);
    if (full == NULL)
        return JET_errOutOfMemory;
    JET_ERR err = decompress_xpress(data + 3, cb - 3, full, total);
    if (err >= 0) {
        memcpy(out, full, total < cb_max ? total : cb_max);
        err = total > cb_max ? JET_wrnBufferTruncated : JET_errSuccess;
    }
    osal_free(full);
    return err;
}

/* ---- the work record -------------------------------------------------------------------- */

typedef struct tag_column {
    uint16_t fid;
    bool derived;
    bool null_entry;     /* NULL overriding a default */
    bool has_header;     /* SINGLE on small pages: a header byte is stored */
    bool compressed;     /* the first value is compressed */
    bool encrypted;
    uint8_t form;        /* TAG_FORM_* */
    uint32_t count, capacity;
    tag_instance *values;
} tag_column;

typedef struct rec_work {
    const record_schema *schema;
    uint8_t fixed_last;
    uint8_t *fixed;             /* fixed values; byte i is record offset 4 + i */
    uint32_t fixed_cb;
    uint32_t fixed_capacity;
    uint8_t null_bits[16];      /* bit fid-1 set = NULL */
    uint8_t var_last;
    const uint8_t *var_data[128];
    uint32_t var_cb[128];
    bool var_null[128];
    tag_column *tags;           /* in record order */
    size_t tag_count, tag_capacity;
} rec_work;

static void work_free(rec_work *w)
{
    for (size_t i = 0; i < w->tag_count; i++)
        osal_free(w->tags[i].values);
    osal_free(w->tags);
    osal_free(w->fixed);
    w->tags = NULL;
    w->fixed = NULL;
    w->tag_count = w->tag_capacity = 0;
}

static JET_ERR tag_reserve(tag_column *t, uint32_t count)
{
    if (count <= t->capacity)
        return JET_errSuccess;
    uint32_t capacity = t->capacity ? t->capacity * 2 : 2;
    while (capacity < count)
        capacity *= 2;
    tag_instance *values = osal_malloc(capacity * sizeof(tag_instance));
    if (values == NULL)
        return JET_errOutOfMemory;
    if (t->count)
        memcpy(values, t->values, t->count * sizeof(tag_instance));
    osal_free(t->values);
    t->values = values;
    t->capacity = capacity;
    return JET_errSuccess;
}

/* Insert a new tagged column at position pos (record order). */
static JET_ERR work_insert_tag(rec_work *w, size_t pos, tag_column **out)
{
    if (w->tag_count == w->tag_capacity) {
        size_t capacity = w->tag_capacity ? w->tag_capacity * 2 : 8;
        tag_column *tags = osal_malloc(capacity * sizeof(tag_column));
        if (tags == NULL)
            return JET_errOutOfMemory;
        if (w->tag_count)
            memcpy(tags, w->tags, w->tag_count * sizeof(tag_column));
        osal_free(w->tags);
        w->tags = tags;
        w->tag_capacity = capacity;
    }
    memmove(&w->tags[pos + 1], &w->tags[pos], (w->tag_count - pos) * sizeof(tag_column));
    memset(&w->tags[pos], 0, sizeof(tag_column));
    w->tag_count++;
    *out = &w->tags[pos];
    return JET_errSuccess;
}

static void work_remove_tag(rec_work *w, size_t pos)
{
    osal_free(w->tags[pos].values);
    memmove(&w->tags[pos], &w->tags[pos + 1], (w->tag_count - pos - 1) * sizeof(tag_column));
    w->tag_count--;
}

static JET_ERR work_fixed_reserve(rec_work *w, uint32_t cb)
{
    if (cb <= w->fixed_capacity)
        return JET_errSuccess;
    uint8_t *fixed = osal_malloc(cb);
    if (fixed == NULL)
        return JET_errOutOfMemory;
    if (w->fixed_cb)
        memcpy(fixed, w->fixed, w->fixed_cb);
    osal_free(w->fixed);
    w->fixed = fixed;
    w->fixed_capacity = cb;
    return JET_errSuccess;
}

static JET_ERR work_load(rec_work *w, const record_schema *s, const uint8_t *rec, size_t cb)
{
    memset(w, 0, sizeof(*w));
    w->schema = s;
    w->var_last = RECORD_FID_VAR_FIRST - 1;
    if (rec == NULL)
        return JET_errSuccess;

    /* Edit only what is well-formed: a damaged record must not turn into a worse one. */
    JET_ERR err = record_validate(s, rec, cb);
    if (err < 0)
        return err;
    rec_layout l;
    err = layout_parse(rec, cb, &l);
    if (err < 0)
        return err;
    w->fixed_last = l.fixed_last;
    if (l.fixed_cb) {
        err = work_fixed_reserve(w, l.fixed_cb);
        if (err < 0)
            return err;
        memcpy(w->fixed, rec + RECORD_MIN_SIZE, l.fixed_cb);
        w->fixed_cb = l.fixed_cb;
    }
    memcpy(w->null_bits, l.bitmap, l.bitmap_cb);
    w->var_last = l.var_last;
    uint32_t prev_end = 0;
    for (uint32_t i = 0; i < l.var_count; i++) {
        const uint16_t entry = ese_load_u16(l.var_offsets + 2 * i);
        const uint32_t end = entry & VAR_OFFSET_MASK;
        w->var_null[i] = (entry & VAR_NULL_BIT) != 0;
        w->var_data[i] = l.var_data + prev_end;
        w->var_cb[i] = w->var_null[i] ? 0 : end - prev_end;
        prev_end = end;
    }

    uint32_t count;
    err = tagged_count(s, &l, &count);
    if (err < 0)
        goto fail;
    for (uint32_t i = 0; i < count; i++) {
        tagfld_view v;
        err = tagfld_at(s, &l, count, i, &v);
        if (err < 0)
            goto fail;
        tag_column *t;
        err = work_insert_tag(w, w->tag_count, &t);
        if (err < 0)
            goto fail;
        t->fid = v.fid;
        t->derived = v.derived;
        t->null_entry = v.null_entry;
        t->has_header = v.has_header;
        uint8_t form, header;
        uint32_t n;
        err = tagfld_decode(&v, &form, &header, &n, NULL, 0);
        if (err < 0)
            goto fail;
        t->form = form;
        t->compressed = (header & RECORD_TAG_HEADER_COMPRESSED) != 0;
        t->encrypted = (header & RECORD_TAG_HEADER_ENCRYPTED) != 0;
        if (n > 0) {
            err = tag_reserve(t, n);
            if (err < 0)
                goto fail;
            err = tagfld_decode(&v, &form, &header, &n, t->values, t->capacity);
            if (err < 0)
                goto fail;
            t->count = n;
        }
    }
    return JET_errSuccess;

fail:
    work_free(w);
    return err;
}

static void set_null_bit(rec_work *w, uint16_t fid, bool is_null)
{
    const uint32_t bit = fid - 1u;
    if (is_null)
        w->null_bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
    else
        w->null_bits[bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

static bool column_has_default(const record_column *c)
{
    return (c->field_flags & RECORD_FIELD_DEFAULT) && c->default_value != NULL;
}

/* Grow the fixed area so it holds fid: the columns in between get their default or NULL. */
static JET_ERR work_extend_fixed(rec_work *w, uint16_t fid)
{
    const record_schema *s = w->schema;
    const record_column *target = record_schema_find(s, fid);
    const uint32_t new_cb = target->record_offset + record_column_fixed_size(target) -
                            RECORD_MIN_SIZE;
    if (new_cb < w->fixed_cb)
        return JET_errDatabaseCorrupted; /* the record's fixed area disagrees with the schema */
    JET_ERR err = work_fixed_reserve(w, new_cb);
    if (err < 0)
        return err;
    memset(w->fixed + w->fixed_cb, RECORD_NULL_FILLER, new_cb - w->fixed_cb);
    w->fixed_cb = new_cb;
    for (uint16_t f = (uint16_t)(w->fixed_last + 1); f <= fid; f++) {
        set_null_bit(w, f, true);
        const record_column *c = record_schema_find(s, f);
        if (c != NULL && f != fid && column_has_default(c)) {
            const uint32_t size = record_column_fixed_size(c);
            memcpy(w->fixed + c->record_offset - RECORD_MIN_SIZE, c->default_value,
                   c->cb_default < size ? c->cb_default : size);
            set_null_bit(w, f, false);
        }
    }
    w->fixed_last = (uint8_t)fid;
    return JET_errSuccess;
}

static JET_ERR work_extend_var(rec_work *w, uint16_t fid)
{
    for (uint16_t f = (uint16_t)(w->var_last + 1); f <= fid; f++) {
        const uint32_t i = f - RECORD_FID_VAR_FIRST;
        const record_column *c = record_schema_find(w->schema, f);
        if (c != NULL && f != fid && column_has_default(c)) {
            w->var_data[i] = c->default_value;
            w->var_cb[i] = c->cb_default;
            w->var_null[i] = false;
        } else {
            w->var_data[i] = NULL;
            w->var_cb[i] = 0;
            w->var_null[i] = true;
        }
    }
    w->var_last = (uint8_t)fid;
    return JET_errSuccess;
}

static bool value_is_null(const record_set_value *v)
{
    if (v == NULL)
        return true;
    if (v->flags & RECORD_SET_SEPARATED)
        return false;
    if (v->flags & RECORD_SET_ZERO_LENGTH)
        return false;
    return v->data == NULL || v->cb == 0;
}

static const uint8_t k_bit_true = 0xFF, k_bit_false = 0x00;

static JET_ERR work_set_fixed(rec_work *w, const record_column *c, const record_set_value *v)
{
    const bool is_null = value_is_null(v);
    if (v && (v->flags & (RECORD_SET_SEPARATED | RECORD_SET_COMPRESSED)))
        return JET_errInvalidParameter;
    const uint32_t size = record_column_fixed_size(c);
    const bool padded = c->coltyp == JET_coltypBinary || c->coltyp == JET_coltypText;
    if (!is_null) {
        if (v->cb == 0)
            return JET_errInvalidBufferSize; /* zero-length is not a fixed value */
        if (padded ? v->cb > size : v->cb != size)
            return JET_errInvalidBufferSize;
    }
    if (c->fid > w->fixed_last) {
        /* A NULL beyond the record changes nothing -- unless it must hide a default. */
        if (is_null && !column_has_default(c))
            return JET_errSuccess;
        if (is_null && (v && (v->flags & RECORD_SET_REVERT_TO_DEFAULT)))
            return JET_errSuccess;
        JET_ERR err = work_extend_fixed(w, c->fid);
        if (err < 0)
            return err;
    }
    uint8_t *dst = w->fixed + c->record_offset - RECORD_MIN_SIZE;
    if (is_null) {
        if (v && (v->flags & RECORD_SET_REVERT_TO_DEFAULT) && column_has_default(c)) {
            memcpy(dst, c->default_value, c->cb_default < size ? c->cb_default : size);
            set_null_bit(w, c->fid, false);
        } else {
            set_null_bit(w, c->fid, true); /* ESE only flips the bit; the old bytes stay */
        }
        return JET_errSuccess;
    }
    const uint8_t *src = v->data;
    if (c->coltyp == JET_coltypBit)
        src = src[0] ? &k_bit_true : &k_bit_false;
    memcpy(dst, src, v->cb);
    if (v->cb < size) {
        /* Fixed Binary pads with zeros, fixed Text with spaces (UTF-16 spaces for 1200). */
        if (c->coltyp == JET_coltypText && c->code_page == JET_CP_UNICODE) {
            for (uint32_t i = v->cb; i < size; i++)
                dst[i] = ((i - v->cb) % 2 == 0) ? 0x20 : 0x00;
        } else {
            memset(dst + v->cb, c->coltyp == JET_coltypText ? 0x20 : 0x00, size - v->cb);
        }
    }
    set_null_bit(w, c->fid, false);
    return JET_errSuccess;
}

static JET_ERR work_set_var(rec_work *w, const record_column *c, const record_set_value *v)
{
    const bool is_null = value_is_null(v);
    if (v && (v->flags & (RECORD_SET_SEPARATED | RECORD_SET_COMPRESSED)))
        return JET_errInvalidParameter;
    const uint32_t cb_max = c->cb_max ? c->cb_max : JET_cbColumnMost;
    if (!is_null && v->cb > cb_max)
        return JET_errColumnTooBig;
    if (c->fid > w->var_last) {
        if (is_null && (!column_has_default(c) || (v && (v->flags & RECORD_SET_REVERT_TO_DEFAULT))))
            return JET_errSuccess;
        work_extend_var(w, c->fid);
    }
    const uint32_t i = c->fid - RECORD_FID_VAR_FIRST;
    if (is_null) {
        if (v && (v->flags & RECORD_SET_REVERT_TO_DEFAULT) && column_has_default(c)) {
            w->var_data[i] = c->default_value;
            w->var_cb[i] = c->cb_default;
            w->var_null[i] = false;
        } else {
            w->var_data[i] = NULL;
            w->var_cb[i] = 0;
            w->var_null[i] = true;
        }
        return JET_errSuccess;
    }
    w->var_data[i] = v->cb ? v->data : NULL;
    w->var_cb[i] = v->cb;
    w->var_null[i] = false;
    return JET_errSuccess;
}

/* Reference bytes for separated values: the LID, little-endian, 4 or 8 bytes.  The work record
 * points at them until it is encoded, so they live in a scratch area sized for the batch. */
typedef struct lid_scratch {
    uint8_t *bytes;      /* capacity * 8 bytes */
    uint32_t used;
    uint32_t capacity;
} lid_scratch;

static JET_ERR lid_bytes(lid_scratch *scratch, uint64_t lid, const uint8_t **data, uint32_t *cb)
{
    if (scratch == NULL || scratch->used >= scratch->capacity)
        return JET_errInvalidParameter;
    uint8_t *b = scratch->bytes + 8u * scratch->used++;
    if (lid >> 63) {
        ese_store_u64(b, lid);
        *cb = 8;
    } else if (lid != 0 && lid <= 0x7FFFFFFFu) {
        ese_store_u32(b, (uint32_t)lid);
        *cb = 4;
    } else {
        return JET_errInvalidParameter;
    }
    *data = b;
    return JET_errSuccess;
}

/* Does a single-valued TAGFLD need its header byte? */
static bool single_needs_header(const record_schema *s, const record_column *c,
                                const tag_column *t)
{
    if (s->large_page || record_coltyp_is_long_value(c->coltyp))
        return true;
    return t->compressed || t->encrypted || (t->count == 1 && t->values[0].separated);
}

static JET_ERR work_set_tagged(rec_work *w, const record_column *c, uint32_t itag,
                               const record_set_value *v, lid_scratch *scratch)
{
    const record_schema *s = w->schema;
    const bool is_long = record_coltyp_is_long_value(c->coltyp);
    const bool multi = (c->field_flags & RECORD_FIELD_MULTIVALUED) != 0;
    const bool is_null = value_is_null(v);
    const bool revert = v && (v->flags & RECORD_SET_REVERT_TO_DEFAULT);
    if (!multi)
        itag = 1;

    tag_instance value = {NULL, 0, false};
    bool compressed = false;
    if (!is_null) {
        if ((v->flags & (RECORD_SET_SEPARATED | RECORD_SET_COMPRESSED)) && !is_long)
            return JET_errInvalidParameter;
        if ((v->flags & RECORD_SET_SEPARATED) && (v->flags & RECORD_SET_COMPRESSED))
            return JET_errInvalidParameter;
        if (v->flags & RECORD_SET_SEPARATED) {
            JET_ERR err = lid_bytes(scratch, v->lid, &value.data, &value.cb);
            if (err < 0)
                return err;
            value.separated = true;
        } else {
            const uint32_t cb_limit = is_long ? (c->cb_max ? c->cb_max : 0xFFFFFFFFu)
                                              : (c->cb_max ? c->cb_max : JET_cbColumnMost);
            if (v->cb > cb_limit || (!is_long && v->cb > JET_cbColumnMost))
                return JET_errColumnTooBig;
            value.data = v->cb ? v->data : NULL;
            value.cb = v->cb;
            compressed = (v->flags & RECORD_SET_COMPRESSED) != 0;
        }
    }

    /* Find the column's TAGFLD (non-derived; libese never creates derived ones). */
    size_t pos = 0;
    while (pos < w->tag_count && (w->tags[pos].derived || w->tags[pos].fid < c->fid))
        pos++;
    const bool exists = pos < w->tag_count && !w->tags[pos].derived && w->tags[pos].fid == c->fid;
    const bool has_default = (c->field_flags & RECORD_FIELD_DEFAULT) != 0;

    if (is_null) {
        if (!exists) {
            /* Hide the default behind a NULL entry, as ESE does for itag 1. */
            if (has_default && itag <= 1 && !revert) {
                tag_column *t;
                JET_ERR err = work_insert_tag(w, pos, &t);
                if (err < 0)
                    return err;
                t->fid = c->fid;
                t->null_entry = true;
            }
            return JET_errSuccess;
        }
        tag_column *t = &w->tags[pos];
        if (t->null_entry) {
            if (revert)
                work_remove_tag(w, pos);
            return JET_errSuccess;
        }
        if (itag == 0 || itag > t->count)
            return JET_errSuccess; /* appending NULL does nothing */
        if (t->form == TAG_FORM_SINGLE) {
            if (has_default && !revert) {
                t->count = 0;
                t->null_entry = true;
                t->compressed = t->encrypted = false;
            } else {
                work_remove_tag(w, pos);
            }
            return JET_errSuccess;
        }
        /* Delete one value of several. */
        const uint32_t i = itag - 1;
        if (i == 0)
            t->compressed = false; /* only the first value can be compressed */
        memmove(&t->values[i], &t->values[i + 1], (t->count - i - 1) * sizeof(tag_instance));
        t->count--;
        if (t->count == 1) {
            /* Back to one value: the header stays only if it still has something to say. */
            t->form = TAG_FORM_SINGLE;
            t->has_header = single_needs_header(s, c, t);
        }
        return JET_errSuccess;
    }

    if (!exists || w->tags[pos].null_entry) {
        tag_column *t;
        if (!exists) {
            JET_ERR err = work_insert_tag(w, pos, &t);
            if (err < 0)
                return err;
            t->fid = c->fid;
        } else {
            t = &w->tags[pos];
            t->null_entry = false;
        }
        JET_ERR err = tag_reserve(t, 1);
        if (err < 0)
            return err;
        t->form = TAG_FORM_SINGLE;
        t->values[0] = value;
        t->count = 1;
        t->compressed = compressed;
        t->encrypted = false;
        t->has_header = single_needs_header(s, c, t);
        return JET_errSuccess;
    }

    tag_column *t = &w->tags[pos];
    if (itag >= 1 && itag <= t->count) {
        /* Replace a value in place. */
        t->values[itag - 1] = value;
        if (itag == 1)
            t->compressed = compressed;
        if (t->form == TAG_FORM_SINGLE)
            t->has_header = single_needs_header(s, c, t);
        return JET_errSuccess;
    }
    if (compressed)
        return JET_errInvalidParameter; /* only the first value may be compressed */
    JET_ERR err = tag_reserve(t, t->count + 1);
    if (err < 0)
        return err;
    t->values[t->count++] = value;
    if (t->count == 2) {
        /* ESE: a value without a header byte (small page, not a long value) becomes
         * TWOVALUES; one with a header becomes MULTIVALUES. */
        t->form = t->has_header ? TAG_FORM_MULTI : TAG_FORM_TWO;
    } else {
        t->form = TAG_FORM_MULTI;
    }
    return JET_errSuccess;
}

static JET_ERR work_set(rec_work *w, uint16_t fid, uint32_t itag, const record_set_value *v,
                        lid_scratch *scratch)
{
    const record_column *c = record_schema_find(w->schema, fid);
    if (c == NULL)
        return JET_errColumnNotFound;
    if (fid <= RECORD_FID_FIXED_LAST)
        return work_set_fixed(w, c, v);
    if (fid <= RECORD_FID_VAR_LAST)
        return work_set_var(w, c, v);
    return work_set_tagged(w, c, itag, v, scratch);
}

/* Bytes one tagged column takes after its TAGFLD. */
static uint32_t tag_data_size(const record_schema *s, const tag_column *t)
{
    if (t->null_entry)
        return s->large_page ? 1u : 0u;
    uint32_t size = 0;
    for (uint32_t i = 0; i < t->count; i++)
        size += t->values[i].cb;
    switch (t->form) {
    case TAG_FORM_TWO:
        return 2u + size;
    case TAG_FORM_MULTI:
        return 1u + 2u * t->count + size;
    default:
        return (t->has_header || s->large_page ? 1u : 0u) + size;
    }
}

static JET_ERR work_store(const rec_work *w, uint8_t **out_rec, size_t *out_cb)
{
    const record_schema *s = w->schema;
    const uint32_t bitmap_cb = (w->fixed_last + 7u) / 8u;
    const uint32_t var_count = (uint32_t)w->var_last - (RECORD_FID_VAR_FIRST - 1);
    uint64_t size = RECORD_MIN_SIZE + (uint64_t)w->fixed_cb + bitmap_cb + 2u * var_count;
    for (uint32_t i = 0; i < var_count; i++)
        size += w->var_cb[i];
    size_t live_tags = 0;
    for (size_t i = 0; i < w->tag_count; i++) {
        const tag_column *t = &w->tags[i];
        if (!t->null_entry && t->count == 0)
            continue;
        live_tags++;
        size += 4u + tag_data_size(s, t);
    }
    if (size > s->record_most)
        return JET_errRecordTooBig;

    uint8_t *rec = osal_malloc((size_t)size);
    if (rec == NULL)
        return JET_errOutOfMemory;
    uint8_t *p = rec;
    p[0] = w->fixed_last;
    p[1] = w->var_last;
    ese_store_u16(p + 2, (uint16_t)(RECORD_MIN_SIZE + w->fixed_cb + bitmap_cb));
    p += RECORD_MIN_SIZE;
    if (w->fixed_cb)
        memcpy(p, w->fixed, w->fixed_cb);
    p += w->fixed_cb;
    if (bitmap_cb) {
        memcpy(p, w->null_bits, bitmap_cb);
        /* ESE sets the bits past the last fixed column. */
        const uint32_t used = w->fixed_last % 8u;
        if (used)
            p[bitmap_cb - 1] |= (uint8_t)(0xFFu << used);
        p += bitmap_cb;
    }
    uint32_t end = 0;
    for (uint32_t i = 0; i < var_count; i++) {
        end += w->var_cb[i];
        ese_store_u16(p + 2 * i, (uint16_t)(end | (w->var_null[i] ? VAR_NULL_BIT : 0)));
    }
    p += 2u * var_count;
    for (uint32_t i = 0; i < var_count; i++) {
        if (w->var_cb[i])
            memcpy(p, w->var_data[i], w->var_cb[i]);
        p += w->var_cb[i];
    }

    uint8_t *tag_array = p;
    uint32_t ib = 4u * (uint32_t)live_tags;
    size_t n = 0;
    for (size_t i = 0; i < w->tag_count; i++) {
        const tag_column *t = &w->tags[i];
        if (!t->null_entry && t->count == 0)
            continue;
        const record_column *c = record_schema_find(s, t->fid);
        const bool is_long = c ? record_coltyp_is_long_value(c->coltyp) : false;
        uint8_t *d = tag_array + ib;
        uint16_t raw_ib = (uint16_t)ib;
        if (t->derived)
            raw_ib |= TAGFLD_DERIVED;
        bool header_written = false;
        uint8_t header = 0;
        if (is_long)
            header |= RECORD_TAG_HEADER_LONG_VALUE;
        if (t->encrypted)
            header |= RECORD_TAG_HEADER_ENCRYPTED;
        if (t->null_entry) {
            if (s->large_page) {
                d[0] = (uint8_t)(header | RECORD_TAG_HEADER_NULL);
                header_written = true;
            } else {
                raw_ib |= TAGFLD_NULL_SMALL;
            }
        } else if (t->form == TAG_FORM_SINGLE) {
            if (t->compressed)
                header |= RECORD_TAG_HEADER_COMPRESSED;
            if (t->values[0].separated)
                header |= RECORD_TAG_HEADER_SEPARATED;
            uint8_t *q = d;
            if (t->has_header || s->large_page) {
                *q++ = header;
                header_written = true;
            }
            if (t->values[0].cb)
                memcpy(q, t->values[0].data, t->values[0].cb);
        } else if (t->form == TAG_FORM_TWO) {
            d[0] = (uint8_t)(header | RECORD_TAG_HEADER_MULTI_VALUES | RECORD_TAG_HEADER_TWO_VALUES);
            d[1] = (uint8_t)t->values[0].cb;
            if (t->values[0].cb)
                memcpy(d + 2, t->values[0].data, t->values[0].cb);
            if (t->values[1].cb)
                memcpy(d + 2 + t->values[0].cb, t->values[1].data, t->values[1].cb);
            header_written = true;
        } else {
            if (t->compressed)
                header |= RECORD_TAG_HEADER_COMPRESSED;
            d[0] = (uint8_t)(header | RECORD_TAG_HEADER_MULTI_VALUES);
            uint8_t *mv = d + 1;
            uint32_t off = 2u * t->count;
            for (uint32_t k = 0; k < t->count; k++) {
                ese_store_u16(mv + 2 * k,
                              (uint16_t)(off | (t->values[k].separated ? MV_SEPARATED : 0)));
                if (t->values[k].cb)
                    memcpy(mv + off, t->values[k].data, t->values[k].cb);
                off += t->values[k].cb;
            }
            header_written = true;
        }
        if (header_written && !s->large_page)
            raw_ib |= TAGFLD_EXTENDED_INFO_SMALL;
        ese_store_u16(tag_array + 4 * n, t->fid);
        ese_store_u16(tag_array + 4 * n + 2, raw_ib);
        ib += tag_data_size(s, t);
        n++;
    }
    *out_rec = rec;
    *out_cb = (size_t)size;
    return JET_errSuccess;
}

/* ---- writing API ------------------------------------------------------------------------- */

JET_ERR record_set_column(const record_schema *schema, const uint8_t *rec, size_t cb,
                          uint16_t fid, uint32_t itag, const record_set_value *value,
                          uint8_t **out_rec, size_t *out_cb)
{
    *out_rec = NULL;
    *out_cb = 0;
    if (record_schema_find(schema, fid) == NULL)
        return JET_errColumnNotFound;
    static const uint8_t k_min_record[RECORD_MIN_SIZE] = {0x00, 0x7F, 0x04, 0x00};
    if (rec == NULL) {
        rec = k_min_record;
        cb = sizeof(k_min_record);
    }
    rec_work w;
    JET_ERR err = work_load(&w, schema, rec, cb);
    if (err < 0)
        return err;
    uint8_t lid_buffer[8];
    lid_scratch scratch = {lid_buffer, 0, 1};
    err = work_set(&w, fid, itag, value, &scratch);
    if (err >= 0)
        err = work_store(&w, out_rec, out_cb);
    work_free(&w);
    return err;
}

JET_ERR record_build(const record_schema *schema, const uint8_t *rec, size_t cb,
                     const record_build_value *values, size_t count, uint8_t **out_rec,
                     size_t *out_cb)
{
    return record_build_itags(schema, rec, cb, values, NULL, count, out_rec, out_cb);
}

JET_ERR record_build_itags(const record_schema *schema, const uint8_t *rec, size_t cb,
                           const record_build_value *values, const uint32_t *itags, size_t count,
                           uint8_t **out_rec, size_t *out_cb)
{
    *out_rec = NULL;
    *out_cb = 0;
    static const uint8_t k_min_record[RECORD_MIN_SIZE] = {0x00, 0x7F, 0x04, 0x00};
    if (rec == NULL) {
        rec = k_min_record;
        cb = sizeof(k_min_record);
    }
    if (count > 0 && values == NULL)
        return JET_errInvalidParameter;
    rec_work w;
    JET_ERR err = work_load(&w, schema, rec, cb);
    if (err < 0)
        return err;
    lid_scratch scratch = {NULL, 0, 0};
    if (count > 0) {
        scratch.bytes = osal_malloc(count * 8u);
        if (scratch.bytes == NULL) {
            work_free(&w);
            return JET_errOutOfMemory;
        }
        scratch.capacity = (uint32_t)count;
    }
    for (size_t i = 0; i < count && err >= 0; i++)
        err = work_set(&w, values[i].fid, itags ? itags[i] : 0, &values[i].value, &scratch);
    if (err >= 0)
        err = work_store(&w, out_rec, out_cb);
    work_free(&w);
    osal_free(scratch.bytes);
    return err;
}

JET_ERR record_build_default(const record_schema *schema, uint8_t **out_rec, size_t *out_cb)
{
    *out_rec = NULL;
    *out_cb = 0;
    rec_work w;
    JET_ERR err = work_load(&w, schema, NULL, 0);
    if (err < 0)
        return err;
    for (size_t i = 0; i < schema->column_count && err >= 0; i++) {
        const record_column *c = &schema->columns[i];
        if (c->fid >= RECORD_FID_TAGGED_FIRST || !column_has_default(c))
            continue;
        record_set_value v = {c->default_value, c->cb_default, RECORD_SET_ZERO_LENGTH, 0};
        if (c->fid <= RECORD_FID_FIXED_LAST)
            v.flags = 0;
        err = work_set(&w, c->fid, 1, &v, NULL);
    }
    if (err >= 0)
        err = work_store(&w, out_rec, out_cb);
    work_free(&w);
    return err;
}

JET_ERR record_check_not_null(const record_schema *schema, const uint8_t *rec, size_t cb,
                              uint16_t *bad_fid)
{
    if (bad_fid)
        *bad_fid = 0;
    for (size_t i = 0; i < schema->column_count; i++) {
        const record_column *c = &schema->columns[i];
        if (!(c->field_flags & RECORD_FIELD_NOT_NULL))
            continue;
        record_value v;
        JET_ERR err = record_get_column(schema, rec, cb, c->fid, 1, &v);
        if (err < 0)
            return err;
        const bool missing = v.kind == RECORD_VALUE_NULL ||
                             (v.kind == RECORD_VALUE_ABSENT && !column_has_default(c));
        if (missing) {
            if (bad_fid)
                *bad_fid = c->fid;
            return JET_errNullInvalid;
        }
    }
    return JET_errSuccess;
}
