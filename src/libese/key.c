/*
 * key.c -- ESE key normalization (see key.h for the rules).
 */
#include "key.h"

#include <string.h>

#include "eseformat.h"

#define BINARY_CHUNK 8u
#define BINARY_CHUNK_NORMALIZED 9u
#define SENTINEL 0xFF

uint32_t key_most_for_page_size(uint32_t page_size)
{
    switch (page_size) {
    case 2048:
        return 500;
    case 4096:
        return 1000;
    case 8192:
    case 16384:
    case 32768:
        return 2000;
    default:
        return 0;
    }
}

int key_compare(const uint8_t *a, size_t cb_a, const uint8_t *b, size_t cb_b)
{
    const size_t n = cb_a < cb_b ? cb_a : cb_b;
    const int c = n ? memcmp(a, b, n) : 0;
    if (c != 0)
        return c < 0 ? -1 : 1;
    return cb_a < cb_b ? -1 : (cb_a > cb_b ? 1 : 0);
}

static uint32_t index_key_most(const key_index *index)
{
    return index->key_most ? index->key_most : KEY_MOST_DEFAULT;
}

/* ESE's cbVarSegMac as the normalizers use it: key_most + 1 means "no separate limit". */
static uint32_t index_var_seg_mac(const key_index *index)
{
    const uint32_t key_most = index_key_most(index);
    const uint32_t mac = index->var_seg_mac;
    return (mac == 0 || mac >= key_most) ? key_most + 1 : mac;
}

static bool is_binary(JET_COLTYP t)
{
    return t == JET_coltypBinary || t == JET_coltypLongBinary;
}

/* ---- Unicode folding (libese's rule, key.h) ---------------------------------------------- */

static uint16_t fold_unit(uint16_t u)
{
    if (u >= 0xFF01 && u <= 0xFF5E) /* full-width ASCII */
        u = (uint16_t)(u - 0xFEE0);
    if (u < 0x80)
        return (u >= 'a' && u <= 'z') ? (uint16_t)(u - 0x20) : u;
    if (u < 0x100) {
        if (u >= 0xE0 && u <= 0xFE && u != 0xF7)
            return (uint16_t)(u - 0x20);
        if (u == 0xFF)
            return 0x178;
        if (u == 0xB5)
            return 0x39C;
        return u;
    }
    if (u <= 0x17F) {
        if (u == 0x131)
            return 'I';
        if (u == 0x17F)
            return 'S';
        if (u == 0x130 || u == 0x138 || u == 0x149 || u == 0x178)
            return u;
        if ((u >= 0x100 && u <= 0x137) || (u >= 0x14A && u <= 0x177))
            return (u & 1) ? (uint16_t)(u - 1) : u;
        if ((u >= 0x139 && u <= 0x148) || (u >= 0x179 && u <= 0x17E))
            return (u & 1) ? u : (uint16_t)(u - 1);
        return u;
    }
    if (u >= 0x3AC && u <= 0x3CE) {
        if (u == 0x3AC)
            return 0x386;
        if (u >= 0x3AD && u <= 0x3AF)
            return (uint16_t)(u - 0x25);
        if (u == 0x3C2)
            return 0x3A3;
        if (u >= 0x3B1 && u <= 0x3CB)
            return (uint16_t)(u - 0x20);
        if (u == 0x3CC)
            return 0x38C;
        if (u == 0x3CD || u == 0x3CE)
            return (uint16_t)(u - 0x3F);
        return u;
    }
    if (u >= 0x430 && u <= 0x44F)
        return (uint16_t)(u - 0x20);
    if (u >= 0x450 && u <= 0x45F)
        return (uint16_t)(u - 0x50);
    if (u >= 0x3041 && u <= 0x3096)
        return (uint16_t)(u + 0x60);
    return u;
}

/* ---- text ------------------------------------------------------------------------------ */

/* ESE's ErrUtilNormText: copy up to the first NUL, upper-case a-z (C locale), add a 0x00
 * terminator.  When the room (cb_left) is too small the terminator is dropped and the last
 * character kept is upper-cased with ESE's unconditional "c - 'a' + 'A'".  Returns true when
 * the text was cut. */
static bool normalize_text_8bit(const uint8_t *text, uint32_t cb_text, uint32_t cb_left,
                                uint8_t *out, uint32_t *cb_out)
{
    if (cb_left > cb_text) {
        uint32_t n = 0;
        while (n < cb_text && text[n] != 0) {
            uint8_t ch = text[n];
            out[n++] = (ch >= 'a' && ch <= 'z') ? (uint8_t)(ch - 0x20) : ch;
        }
        out[n++] = 0;
        *cb_out = n;
        return false;
    }
    if (cb_left == 0) {
        *cb_out = 0; /* ESE reports no truncation here ("UNDONE" in its source) */
        return false;
    }
    const uint32_t keep = cb_left - 1;
    uint32_t n = 0;
    while (n < keep && text[n] != 0) {
        uint8_t ch = text[n];
        out[n] = (ch >= 'a' && ch <= 'z') ? (uint8_t)(ch - 0x20) : ch;
        n++;
    }
    if (n == keep && text[keep] != 0) {
        out[keep] = (uint8_t)(text[keep] - 'a' + 'A');
        *cb_out = cb_left;
        return true;
    }
    out[n] = 0;
    *cb_out = n + 1;
    return false;
}

/* libese's Unicode rule: folded units big-endian + 00 00, cut at cb_left.  Returns true when
 * the normalized form did not fit. */
static bool normalize_text_unicode(const uint8_t *text, uint32_t cb_text, uint32_t cb_left,
                                   uint8_t *out, uint32_t *cb_out)
{
    uint32_t units = cb_text / 2;
    uint32_t n = 0;
    for (uint32_t i = 0; i < units; i++) {
        const uint16_t u = ese_load_u16(text + 2 * i);
        if (u == 0)
            break;
        if (n + 2 > cb_left) {
            if (n < cb_left)
                out[n++] = (uint8_t)(fold_unit(u) >> 8);
            *cb_out = n;
            return true;
        }
        const uint16_t f = fold_unit(u);
        out[n++] = (uint8_t)(f >> 8);
        out[n++] = (uint8_t)f;
    }
    if (n + 2 > cb_left) {
        while (n < cb_left)
            out[n++] = 0;
        *cb_out = n;
        return true;
    }
    out[n++] = 0;
    out[n++] = 0;
    *cb_out = n;
    return false;
}

/* ESE's ErrFLDNormalizeTextSegment.  Returns true when the key must count as truncated. */
static bool normalize_text_segment(const key_index *index, const key_segment *seg,
                                   const uint8_t *data, uint32_t cb, uint8_t *out,
                                   uint32_t cb_avail, uint32_t *cb_seg)
{
    const uint32_t key_most = index_key_most(index);
    const uint32_t var_seg_mac = index_var_seg_mac(index);
    const uint32_t room = (cb_avail < var_seg_mac ? cb_avail : var_seg_mac) - 1;
    const bool unicode = seg->code_page == JET_CP_UNICODE;
    const uint32_t unit = unicode ? 2 : 1;
    uint32_t cb_field = (cb / unit) * unit;
    if (key_most == JET_cbKeyMost_OLD) {
        const uint32_t clip = ((key_most + unit - 1) / unit) * unit;
        if (cb_field > clip)
            cb_field = clip;
    }
    uint32_t n;
    bool cut = unicode ? normalize_text_unicode(data, cb_field, room, out + 1, &n)
                       : normalize_text_8bit(data, cb_field, room, out + 1, &n);
    /* Hitting the per-segment limit (cbVarSegMac) exactly is not a key truncation. */
    if (cut && var_seg_mac < key_most && n == var_seg_mac - 1)
        cut = false;
    out[0] = KEY_PREFIX_DATA;
    *cb_seg = n + 1;
    return cut;
}

/* ---- binary ---------------------------------------------------------------------------- */

/* ESE's FLDNormalizeBinarySegment.  *delimiter (0 = none) is where the value's own bytes end
 * inside the segment, for partial limits. */
static bool normalize_binary_segment(const key_index *index, const uint8_t *data, uint32_t cb,
                                     bool fixed, uint8_t *out, uint32_t cb_avail,
                                     uint32_t *cb_seg, uint32_t *delimiter)
{
    const uint32_t key_most = index_key_most(index);
    const uint32_t var_seg_mac = index_var_seg_mac(index);
    bool truncated = false;
    out[0] = KEY_PREFIX_DATA;
    *delimiter = 0;
    if (fixed) {
        uint32_t n = cb + 1;
        if (var_seg_mac < key_most && n > var_seg_mac)
            n = var_seg_mac;
        if (n > cb_avail) {
            n = cb_avail;
            truncated = true;
        }
        memcpy(out + 1, data, n - 1);
        *cb_seg = n;
        return truncated;
    }

    bool whole = true;
    const uint32_t chunks = (cb + BINARY_CHUNK - 1) / BINARY_CHUNK;
    uint32_t n = chunks * BINARY_CHUNK_NORMALIZED + 1;
    if (var_seg_mac < key_most && n > var_seg_mac) {
        n = var_seg_mac;
        whole = false;
    }
    if (n > cb_avail) {
        n = cb_avail;
        whole = false;
        truncated = true;
    }
    uint32_t seg_left = n - 1, field_left = cb;
    uint8_t *p = out + 1;
    const uint8_t *src = data;
    while (seg_left >= BINARY_CHUNK_NORMALIZED) {
        if (field_left <= BINARY_CHUNK) {
            memcpy(p, src, field_left);
            p += field_left;
            *delimiter = (uint32_t)(p - out);
            if (field_left == BINARY_CHUNK) {
                *p++ = whole ? BINARY_CHUNK_NORMALIZED - 1 : BINARY_CHUNK_NORMALIZED;
            } else {
                memset(p, 0, BINARY_CHUNK - field_left);
                p += BINARY_CHUNK - field_left;
                *p++ = (uint8_t)field_left;
            }
            field_left = 0;
        } else {
            memcpy(p, src, BINARY_CHUNK);
            src += BINARY_CHUNK;
            p += BINARY_CHUNK;
            *p++ = BINARY_CHUNK_NORMALIZED;
            field_left -= BINARY_CHUNK;
        }
        seg_left -= BINARY_CHUNK_NORMALIZED;
    }
    if (seg_left > 0) {
        /* A partial chunk at the end of a cut segment. */
        if (field_left >= seg_left) {
            memcpy(p, src, seg_left);
        } else {
            *delimiter = (uint32_t)(p + field_left - out);
            memcpy(p, src, field_left);
            memset(p + field_left, 0, seg_left - field_left);
        }
    }
    *cb_seg = n;
    return truncated;
}

/* ---- fixed types ----------------------------------------------------------------------- */

static void store_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void store_be32(uint8_t *p, uint32_t v)
{
    store_be16(p, (uint16_t)(v >> 16));
    store_be16(p + 2, (uint16_t)v);
}

static void store_be64(uint8_t *p, uint64_t v)
{
    store_be32(p, (uint32_t)(v >> 32));
    store_be32(p + 4, (uint32_t)v);
}

/* ESE's FLDNormalizeFixedSegment.  The value is little-endian (as in records and as Windows
 * callers pass it).  Returns the segment length, 0 when cb does not match the type. */
static uint32_t normalize_fixed_segment(const key_index *index, JET_COLTYP coltyp,
                                        const uint8_t *data, uint32_t cb, uint8_t *out)
{
    out[0] = KEY_PREFIX_DATA;
    const uint32_t size = record_coltyp_fixed_size(coltyp);
    if (size == 0 || cb != size)
        return 0;
    switch (coltyp) {
    case JET_coltypBit:
        out[1] = data[0] ? 0xFF : 0x00;
        break;
    case JET_coltypUnsignedByte:
        out[1] = data[0];
        break;
    case JET_coltypShort:
        store_be16(out + 1, (uint16_t)(ese_load_u16(data) ^ 0x8000u));
        break;
    case JET_coltypUnsignedShort:
        store_be16(out + 1, ese_load_u16(data));
        break;
    case JET_coltypLong:
        store_be32(out + 1, ese_load_u32(data) ^ 0x80000000u);
        break;
    case JET_coltypUnsignedLong:
        store_be32(out + 1, ese_load_u32(data));
        break;
    case JET_coltypLongLong:
    case JET_coltypCurrency:
        store_be64(out + 1, ese_load_u64(data) ^ 0x8000000000000000ull);
        break;
    case JET_coltypUnsignedLongLong:
        store_be64(out + 1, ese_load_u64(data));
        break;
    case JET_coltypIEEESingle: {
        const uint32_t v = ese_load_u32(data);
        store_be32(out + 1, (v & 0x80000000u) ? ~v : v ^ 0x80000000u);
        break;
    }
    case JET_coltypIEEEDouble:
    case JET_coltypDateTime: {
        const uint64_t v = ese_load_u64(data);
        store_be64(out + 1, (v & 0x8000000000000000ull) ? ~v : v ^ 0x8000000000000000ull);
        break;
    }
    case JET_coltypGUID: {
        static const uint8_t ese_order[16] = {10, 11, 12, 13, 14, 15, 8, 9, 6, 7, 4, 5, 0, 1, 2, 3};
        static const uint8_t dotnet_order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
        const uint8_t *order = index->dot_net_guid ? dotnet_order : ese_order;
        for (int i = 0; i < 16; i++)
            out[1 + i] = data[order[i]];
        break;
    }
    default:
        return 0;
    }
    return size + 1;
}

/* ---- one segment ------------------------------------------------------------------------ */

typedef struct segment_result {
    uint32_t cb;          /* segment length */
    bool truncated;       /* cut to fit (the key is truncated) */
    uint32_t delimiter;   /* variable Binary: end of the value's bytes (0 = none) */
    bool text_complete;   /* Text: the terminator is present */
} segment_result;

/* Normalize (not yet complemented).  out has room for cb_avail + 1 bytes. */
static JET_ERR normalize_one(const key_index *index, const key_segment *seg, const uint8_t *data,
                             uint32_t cb, bool is_null, uint8_t *out, uint32_t cb_avail,
                             segment_result *r)
{
    memset(r, 0, sizeof(*r));
    const bool text = record_coltyp_is_text(seg->coltyp);
    const bool binary = is_binary(seg->coltyp);
    if (is_null || cb == 0) {
        /* A zero-length value exists only for Text and Binary; elsewhere it reads as NULL. */
        const bool zero_length = !is_null && (text || binary);
        out[0] = zero_length ? KEY_PREFIX_ZERO_LENGTH
                             : (index->sort_nulls_high ? KEY_PREFIX_NULL_HIGH : KEY_PREFIX_NULL);
        r->cb = 1;
        return JET_errSuccess;
    }
    if (text) {
        r->truncated = normalize_text_segment(index, seg, data, cb, out, cb_avail, &r->cb);
        r->text_complete = !r->truncated && r->cb >= 1 + (seg->code_page == JET_CP_UNICODE ? 2u : 1u);
        return JET_errSuccess;
    }
    if (binary) {
        r->truncated = normalize_binary_segment(index, data, cb, seg->fixed_column, out, cb_avail,
                                                &r->cb, &r->delimiter);
        return JET_errSuccess;
    }
    r->cb = normalize_fixed_segment(index, seg->coltyp, data, cb, out);
    if (r->cb == 0)
        return JET_errInvalidBufferSize;
    if (r->cb > cb_avail) {
        r->cb = cb_avail;
        r->truncated = true;
    }
    return JET_errSuccess;
}

static void complement(uint8_t *p, uint32_t cb)
{
    for (uint32_t i = 0; i < cb; i++)
        p[i] = (uint8_t)~p[i];
}

static bool index_valid(const key_index *index)
{
    return index != NULL && index->segments != NULL && index->segment_count >= 1 &&
           index->segment_count <= JET_ccolKeyMost && index_key_most(index) <= KEY_MOST_MOST;
}

JET_ERR key_normalize_segment(const key_index *index, const key_segment *segment,
                              const void *data, uint32_t cb, bool zero_length, uint8_t *out,
                              uint32_t cb_avail, uint32_t *cb_out, bool *truncated)
{
    *cb_out = 0;
    if (truncated)
        *truncated = false;
    if (cb_avail == 0 || cb_avail > KEY_MOST_MOST || index == NULL || segment == NULL)
        return JET_errInvalidParameter;
    uint8_t buffer[KEY_LIMIT_MOST_MOST + 8];
    segment_result r;
    const bool is_null = (data == NULL || cb == 0) && !zero_length;
    JET_ERR err = normalize_one(index, segment, data, is_null ? 0 : cb, is_null, buffer, cb_avail, &r);
    if (err < 0)
        return err;
    if (segment->descending)
        complement(buffer, r.cb);
    memcpy(out, buffer, r.cb);
    *cb_out = r.cb;
    if (truncated)
        *truncated = r.truncated;
    return JET_errSuccess;
}

JET_ERR key_build(const key_index *index, const key_column_value *values, uint8_t *key,
                  uint32_t *cb_key, uint32_t *info)
{
    *cb_key = 0;
    if (info)
        *info = 0;
    if (!index_valid(index) || values == NULL)
        return JET_errInvalidParameter;
    const uint32_t key_most = index_key_most(index);
    uint8_t segment[KEY_LIMIT_MOST_MOST + 8];
    uint32_t avail = key_most, used = 0;
    bool key_truncated = false, all_null = true, first_null = false, some_null = false;

    for (uint32_t i = 0; i < index->segment_count; i++) {
        const key_segment *seg = &index->segments[i];
        const key_column_value *v = &values[i];
        const bool is_null = v->is_null;
        if (is_null) {
            some_null = true;
            if (i == 0)
                first_null = true;
        } else {
            all_null = false;
        }
        if (avail == 0) {
            key_truncated = true;
            if (index->disallow_truncation)
                return JET_errKeyTruncated;
            continue;
        }
        uint32_t cb = is_null ? 0 : v->cb;
        /* ESE reads at most key_most bytes of a value to build its key; above 255 it reads more
         * whenever those do not fill the segment, which amounts to the whole value. */
        if (key_most == JET_cbKeyMost_OLD && cb > key_most)
            cb = key_most;
        segment_result r;
        JET_ERR err = normalize_one(index, seg, (const uint8_t *)v->data, cb, is_null, segment,
                                    avail, &r);
        if (err < 0)
            return err;
        if (key_truncated)
            continue;
        if (r.truncated) {
            key_truncated = true;
            if (index->disallow_truncation)
                return JET_errKeyTruncated;
        } else if (r.cb > avail) {
            key_truncated = true;
            if (index->disallow_truncation)
                return JET_errKeyTruncated;
            r.cb = avail;
        }
        if (seg->descending)
            complement(segment, r.cb);
        memcpy(key + used, segment, r.cb);
        used += r.cb;
        avail -= r.cb;
    }
    *cb_key = used;
    if (info) {
        if (key_truncated)
            *info |= KEY_INFO_TRUNCATED;
        if (all_null)
            *info |= KEY_INFO_ALL_NULL;
        if (first_null)
            *info |= KEY_INFO_FIRST_NULL;
        if (some_null)
            *info |= KEY_INFO_SOME_NULL;
    }
    return JET_errSuccess;
}

/* ---- JetMakeKey ------------------------------------------------------------------------ */

void key_search_reset(key_search *ks)
{
    ks->cb = 0;
    ks->columns = 0;
    ks->prepared = false;
    ks->limit = false;
    ks->too_big = false;
}

/* FLDISetFullColumnLimit: pad with 0xFF up to cb_avail_with_suffix bytes (end limits). */
static void set_full_column_limit(uint8_t *seg, uint32_t *cb, uint32_t cb_avail_with_suffix,
                                  bool sentinel)
{
    if (sentinel && *cb < cb_avail_with_suffix) {
        memset(seg + *cb, SENTINEL, cb_avail_with_suffix - *cb);
        *cb = cb_avail_with_suffix;
    }
}

/* FLDISetPartialColumnLimitOnTextColumn: drop the terminator, then pad for an end limit. */
static void set_partial_limit_text(uint8_t *seg, uint32_t *cb, uint32_t cb_avail_with_suffix,
                                   const key_segment *s, bool complete, bool sentinel)
{
    if (*cb < 2) {
        set_full_column_limit(seg, cb, cb_avail_with_suffix, sentinel);
        return;
    }
    const uint32_t suffix = cb_avail_with_suffix - 1;
    uint32_t end = *cb;
    if (s->code_page == JET_CP_UNICODE) {
        if (complete)
            end -= 2; /* libese's 2-byte terminator */
    } else {
        const uint8_t terminator = s->descending ? 0xFF : 0x00;
        if (seg[end - 1] == terminator)
            end--;
    }
    if (end > suffix)
        end = suffix;
    if (sentinel) {
        memset(seg + end, SENTINEL, suffix - end + 1);
        *cb = cb_avail_with_suffix;
    } else {
        *cb = end;
    }
}

/* FLDITrySetPartialColumnLimitOnBinaryColumn: cut at the value's last byte, then pad. */
static void set_partial_limit_binary(uint8_t *seg, uint32_t *cb, uint32_t cb_avail_with_suffix,
                                     uint32_t delimiter, bool sentinel)
{
    if (delimiter == 0) {
        set_full_column_limit(seg, cb, cb_avail_with_suffix, sentinel);
    } else if (sentinel) {
        *cb += 1;
        memset(seg + delimiter, SENTINEL, *cb - delimiter);
    } else {
        *cb = delimiter;
    }
}

/* RECTextColumnPadding: a fixed Text column's value is padded with spaces. */
static void pad_fixed_text(uint8_t *buffer, uint32_t cb, uint32_t size, uint16_t code_page)
{
    for (uint32_t i = cb; i < size; i++) {
        if (code_page == JET_CP_UNICODE)
            buffer[i] = ((i - cb) % 2 == 0) ? 0x20 : 0x00;
        else
            buffer[i] = 0x20;
    }
}

JET_ERR key_make(key_search *ks, const key_index *index, const void *data, uint32_t cb,
                 JET_GRBIT grbit)
{
    if (index == NULL || (!index_valid(index) && !(grbit & JET_bitNormalizedKey)))
        return JET_errInvalidParameter;
    const uint32_t key_most = index->key_most ? index->key_most : KEY_MOST_DEFAULT;
    if (key_most > KEY_MOST_MOST)
        return JET_errInvalidParameter;

    if (grbit & JET_bitNormalizedKey) {
        /* Load a key made earlier, whole (up to key_most + 1 bytes, or 255 bytes). */
        const uint32_t limit = key_most + 1;
        if (cb > limit && cb > JET_cbKeyMost_OLD)
            return JET_errInvalidParameter;
        if (cb > limit)
            cb = limit;
        key_search_reset(ks);
        if (cb)
            memcpy(ks->bytes, data, cb);
        ks->cb = cb;
        ks->columns = 1;
        ks->prepared = true;
        ks->limit = cb > key_most;
        return JET_errSuccess;
    }
    if (grbit & JET_bitNewKey) {
        key_search_reset(ks);
    } else if (ks->limit) {
        return JET_errKeyIsMade;
    } else if (!ks->prepared) {
        return JET_errKeyNotMade;
    }
    if (ks->columns >= index->segment_count)
        return JET_errKeyIsMade;

    const key_segment *seg = &index->segments[ks->columns];
    const bool text = record_coltyp_is_text(seg->coltyp);
    const bool binary = is_binary(seg->coltyp);
    const JET_GRBIT limit_option = grbit & JET_maskLimitOptions;
    switch (limit_option) {
    case 0:
    case JET_bitFullColumnStartLimit:
    case JET_bitFullColumnEndLimit:
        break;
    case JET_bitPartialColumnStartLimit:
    case JET_bitPartialColumnEndLimit:
        if (!text && (seg->fixed_column || !binary))
            return JET_errInvalidGrbit;
        break;
    default:
        return JET_errInvalidGrbit;
    }
    const bool zero_length = (grbit & JET_bitKeyDataZeroLength) != 0 && cb == 0;
    if (zero_length && (seg->fixed_column || (!text && !binary)))
        return JET_errInvalidBufferSize;

    const uint8_t *value = data;
    if (key_most == JET_cbKeyMost_OLD && cb > JET_cbKeyMost_OLD)
        cb = JET_cbKeyMost_OLD;
    uint8_t padded[JET_cbColumnMost + 1];
    if (seg->fixed_column && cb > 0) {
        const uint32_t size = (text || binary) ? seg->cb_fixed : record_coltyp_fixed_size(seg->coltyp);
        if (cb != size) {
            if (seg->coltyp == JET_coltypText && cb < size && size <= JET_cbColumnMost) {
                memcpy(padded, data, cb);
                pad_fixed_text(padded, cb, size, seg->code_page);
                value = padded;
                cb = size;
            } else {
                return JET_errInvalidBufferSize;
            }
        }
    }

    uint8_t segment[KEY_LIMIT_MOST_MOST + 8];
    uint32_t seg_cb = 0;
    if (!ks->too_big && ks->cb < key_most) {
        const uint32_t avail = key_most - ks->cb;
        const bool is_null = cb == 0 && !zero_length;
        segment_result r;
        JET_ERR err = normalize_one(index, seg, value, cb, is_null, segment, avail, &r);
        if (err < 0)
            return err;
        if (r.truncated)
            ks->too_big = true;
        seg_cb = r.cb;
        if (seg->descending)
            complement(segment, seg_cb);
        const uint32_t with_suffix = avail + 1;
        switch (limit_option) {
        case JET_bitFullColumnStartLimit:
        case JET_bitFullColumnEndLimit:
            set_full_column_limit(segment, &seg_cb, with_suffix,
                                  limit_option == JET_bitFullColumnEndLimit);
            ks->limit = true;
            break;
        case JET_bitPartialColumnStartLimit:
        case JET_bitPartialColumnEndLimit:
            if (text)
                set_partial_limit_text(segment, &seg_cb, with_suffix, seg, r.text_complete,
                                       limit_option == JET_bitPartialColumnEndLimit);
            else
                set_partial_limit_binary(segment, &seg_cb, with_suffix, r.delimiter,
                                         limit_option == JET_bitPartialColumnEndLimit);
            ks->limit = true;
            break;
        default:
            if ((grbit & JET_bitSubStrLimit) && text) {
                set_partial_limit_text(segment, &seg_cb, with_suffix, seg, r.text_complete, true);
                ks->limit = true;
            } else if (grbit & JET_bitStrLimit) {
                set_partial_limit_binary(segment, &seg_cb, with_suffix, r.delimiter, true);
                ks->limit = true;
            }
            break;
        }
    }
    ks->columns++;
    const uint32_t limit = key_most + 1;
    if (ks->cb + seg_cb > limit)
        seg_cb = limit - ks->cb;
    memcpy(ks->bytes + ks->cb, segment, seg_cb);
    ks->cb += seg_cb;
    ks->prepared = true;
    return JET_errSuccess;
}
