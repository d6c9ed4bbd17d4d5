/*
 * index.c -- secondary index entries of a row (see index.h).
 */
#include "index.h"

#include <string.h>

#include "catalog_format.h"
#include "key.h"
#include "osal.h"

void index_keys_free(index_keys *k)
{
    osal_free(k->bytes);
    osal_free(k->offsets);
    memset(k, 0, sizeof *k);
}

bool index_keys_contains(const index_keys *k, const uint8_t *key, uint32_t cb)
{
    size_t lo = 0, hi = k->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t cb_mid;
        const uint8_t *m = index_key_at(k, mid, &cb_mid);
        int cmp = key_compare(m, cb_mid, key, cb);
        if (cmp == 0)
            return true;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Insert key in order unless present. */
static JET_ERR keys_add(index_keys *k, const uint8_t *key, uint32_t cb)
{
    size_t pos = 0;
    for (; pos < k->count; pos++) {
        uint32_t cb_i;
        const uint8_t *ki = index_key_at(k, pos, &cb_i);
        int cmp = key_compare(ki, cb_i, key, cb);
        if (cmp == 0)
            return JET_errSuccess;
        if (cmp > 0)
            break;
    }
    if (k->cb + cb > k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 512;
        while (cap < k->cb + cb)
            cap *= 2;
        uint8_t *p = osal_malloc(cap);
        if (!p)
            return JET_errOutOfMemory;
        if (k->cb)
            memcpy(p, k->bytes, k->cb);
        osal_free(k->bytes);
        k->bytes = p;
        k->cap = cap;
    }
    if (k->count == k->cap_offsets) {
        size_t cap = k->cap_offsets ? k->cap_offsets * 2 : 8;
        uint32_t *p = osal_malloc(cap * 2 * sizeof *p);
        if (!p)
            return JET_errOutOfMemory;
        if (k->count)
            memcpy(p, k->offsets, k->count * 2 * sizeof *p);
        osal_free(k->offsets);
        k->offsets = p;
        k->cap_offsets = cap;
    }
    memcpy(k->bytes + k->cb, key, cb);
    memmove(k->offsets + 2 * (pos + 1), k->offsets + 2 * pos, (k->count - pos) * 2 * sizeof *k->offsets);
    k->offsets[2 * pos] = (uint32_t)k->cb;
    k->offsets[2 * pos + 1] = cb;
    k->cb += cb;
    k->count++;
    return JET_errSuccess;
}

/* One key column's value; *owned (osal_malloc'd, the caller frees it) when it had to be read
 * from the LV tree or decompressed. */
static JET_ERR column_value(const record_schema *schema, const uint8_t *rec, size_t cb,
                            uint16_t fid, uint32_t itag, index_lv_reader read_lv, void *context,
                            key_column_value *out, uint8_t **owned)
{
    record_value v;
    JET_ERR err = record_get_column(schema, rec, cb, fid, itag, &v);
    if (err < 0)
        return err;
    memset(out, 0, sizeof *out);
    osal_free(*owned);
    *owned = NULL;
    if (v.encrypted)
        return JET_errFeatureNotAvailable; /* libese cannot decrypt */
    if (v.kind == RECORD_VALUE_SEPARATED) {
        uint32_t n = 0;
        if ((err = read_lv(context, v.lid, owned, &n)) < 0)
            return err;
        out->data = *owned;
        out->cb = n;
        return JET_errSuccess;
    }
    if (v.kind != RECORD_VALUE_DATA) {
        out->is_null = true;
        return JET_errSuccess;
    }
    if (v.compressed) {
        uint32_t full = 0;
        record_decompress(v.data, v.cb, NULL, 0, &full);
        if (!(*owned = osal_malloc(full ? full : 1)))
            return JET_errOutOfMemory;
        if ((err = record_decompress(v.data, v.cb, *owned, full, &full)) < 0)
            return err;
        out->data = *owned;
        out->cb = full;
        return JET_errSuccess;
    }
    out->data = v.data;
    out->cb = v.cb;
    return JET_errSuccess;
}

JET_ERR index_row_keys(const db_index_info *ix, const record_schema *schema, const uint8_t *rec,
                       size_t cb, index_lv_reader read_lv, void *context, index_keys *out)
{
    out->cb = 0;
    out->count = 0;
    key_column_value vals[JET_ccolKeyMost];
    uint8_t *owned[JET_ccolKeyMost] = {0};
    uint32_t mv = ix->key_count, mv_count = 1;
    JET_ERR err = JET_errSuccess;
    for (uint32_t i = 0; err >= 0 && i < ix->key_count; i++) {
        if ((err = column_value(schema, rec, cb, ix->fids[i], 1, read_lv, context, &vals[i],
                                &owned[i])) < 0)
            break;
        if (mv == ix->key_count && ix->fids[i] >= RECORD_FID_TAGGED_FIRST) {
            uint32_t n = 0;
            if ((err = record_count_values(schema, rec, cb, ix->fids[i], &n)) < 0)
                break;
            if (n > 1) {
                mv = i;
                mv_count = n;
            }
        }
    }
    uint8_t key[KEY_MOST_MOST];
    for (uint32_t v = 1; err >= 0 && v <= mv_count; v++) {
        if (v > 1 && (err = column_value(schema, rec, cb, ix->fids[mv], v, read_lv, context,
                                         &vals[mv], &owned[mv])) < 0)
            break;
        uint32_t cb_key = 0, info = 0;
        if ((err = key_build(&ix->kidx, vals, key, &cb_key, &info)) < 0)
            break;
        if ((info & KEY_INFO_SOME_NULL) && (ix->grbit & JET_bitIndexDisallowNull)) {
            err = JET_errNullKeyDisallowed;
            break;
        }
        if (((info & KEY_INFO_ALL_NULL) && (ix->grbit & JET_bitIndexIgnoreNull)) ||
            ((info & KEY_INFO_SOME_NULL) && (ix->grbit & JET_bitIndexIgnoreAnyNull)) ||
            ((info & KEY_INFO_FIRST_NULL) && (ix->grbit & JET_bitIndexIgnoreFirstNull)))
            continue;
        err = keys_add(out, key, cb_key);
    }
    for (uint32_t i = 0; i < ix->key_count; i++)
        osal_free(owned[i]);
    return err;
}

/* ESE keeps the "allow" form of the NULL rules (IDB AllowAllNulls / AllowFirstNull /
 * AllowSomeNulls) and NoNullSeg for DisallowNull. */
uint32_t index_catalog_flags(JET_GRBIT grbit, bool multivalued)
{
    uint32_t idb = 0, idx = CATALOG_IDX_EXTENDED_COLUMNS;
    if (grbit & (JET_bitIndexUnique | JET_bitIndexPrimary))
        idb |= CATALOG_IDB_UNIQUE;
    if (grbit & JET_bitIndexPrimary)
        idb |= CATALOG_IDB_PRIMARY;
    if (grbit & JET_bitIndexDisallowNull)
        idb |= CATALOG_IDB_NO_NULL_SEG;
    else {
        if (!(grbit & JET_bitIndexIgnoreNull))
            idb |= CATALOG_IDB_ALLOW_ALL_NULLS;
        if (!(grbit & (JET_bitIndexIgnoreFirstNull | JET_bitIndexIgnoreAnyNull)))
            idb |= CATALOG_IDB_ALLOW_FIRST_NULL;
        if (!(grbit & JET_bitIndexIgnoreAnyNull))
            idb |= CATALOG_IDB_ALLOW_SOME_NULLS;
    }
    if (grbit & JET_bitIndexSortNullsHigh)
        idb |= CATALOG_IDB_SORT_NULLS_HIGH;
    if (grbit & JET_bitIndexDisallowTruncation)
        idb |= CATALOG_IDB_DISALLOW_TRUNCATION;
    if (multivalued)
        idb |= CATALOG_IDB_MULTIVALUED;
    if (grbit & JET_bitIndexDotNetGuid)
        idx |= CATALOG_IDX_DOT_NET_GUID;
    return idb | idx << 16;
}

JET_GRBIT index_grbit_from_catalog(uint32_t flags)
{
    uint32_t idb = flags & 0xFFFFu, idx = flags >> 16;
    JET_GRBIT g = 0;
    if (idb & CATALOG_IDB_PRIMARY)
        g |= JET_bitIndexPrimary;
    if (idb & CATALOG_IDB_UNIQUE)
        g |= JET_bitIndexUnique;
    if (idb & CATALOG_IDB_NO_NULL_SEG)
        g |= JET_bitIndexDisallowNull;
    else {
        if (!(idb & CATALOG_IDB_ALLOW_ALL_NULLS))
            g |= JET_bitIndexIgnoreNull;
        if (!(idb & CATALOG_IDB_ALLOW_SOME_NULLS))
            g |= JET_bitIndexIgnoreAnyNull;
        else if (!(idb & CATALOG_IDB_ALLOW_FIRST_NULL))
            g |= JET_bitIndexIgnoreFirstNull;
    }
    if (idb & CATALOG_IDB_SORT_NULLS_HIGH)
        g |= JET_bitIndexSortNullsHigh;
    if (idb & CATALOG_IDB_DISALLOW_TRUNCATION)
        g |= JET_bitIndexDisallowTruncation;
    if (idx & CATALOG_IDX_DOT_NET_GUID)
        g |= JET_bitIndexDotNetGuid;
    return g;
}
