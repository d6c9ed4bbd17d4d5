/*
 * lv_format.c -- long-value keys, roots and chunking (see lv_format.h).
 */
#include "lv_format.h"

#include <string.h>

#include "eseformat.h"
#include "osal.h"

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

uint32_t lv_chunk_size(uint32_t page_size)
{
    switch (page_size) {
    case 2048:
    case 4096:
    case 8192:
        return page_size - LV_PAGE_OVERHEAD;
    case 16384:
        return 4050;
    case 32768:
        return 8150;
    default:
        return 0;
    }
}

void lv_root_key(uint32_t lid, uint8_t key[LV_ROOT_KEY_SIZE])
{
    store_be32(key, lid);
}

void lv_chunk_key(uint32_t lid, uint32_t offset, uint8_t key[LV_CHUNK_KEY_SIZE])
{
    store_be32(key, lid);
    store_be32(key + 4, offset);
}

bool lv_lid_valid(uint64_t lid)
{
    if (lid & LV_LID64_FLAG)
        return lid >= LV_LID64_FIRST && lid <= 0x80FFFFFFFFFFFFFFull;
    return lid >= LV_LID32_FIRST && lid <= 0x7FFFFFFFull;
}

uint32_t lv_make_root_key(uint64_t lid, uint8_t key[LV_KEY_MOST])
{
    if (lid & LV_LID64_FLAG) {
        store_be32(key, (uint32_t)(lid >> 32));
        store_be32(key + 4, (uint32_t)lid);
        return LV_LID64_ROOT_KEY_SIZE;
    }
    store_be32(key, (uint32_t)lid);
    return LV_ROOT_KEY_SIZE;
}

uint32_t lv_make_chunk_key(uint64_t lid, uint32_t offset, uint8_t key[LV_KEY_MOST])
{
    const uint32_t cb = lv_make_root_key(lid, key);
    store_be32(key + cb, offset);
    return cb + 4;
}

JET_ERR lv_parse_key(const uint8_t *key, size_t cb, lv_key *out)
{
    memset(out, 0, sizeof(*out));
    if (key == NULL)
        return JET_errLVCorrupted;
    if (cb == 4) {
        out->lid = load_be32(key);
        out->is_root = true;
    } else if (cb == 8 && (key[0] & 0x80)) {
        out->lid = ((uint64_t)load_be32(key) << 32) | load_be32(key + 4);
        out->is_root = true;
        out->is_lid64 = true;
    } else if (cb == 8) {
        out->lid = load_be32(key);
        out->offset = load_be32(key + 4);
    } else if (cb == 12) {
        out->lid = ((uint64_t)load_be32(key) << 32) | load_be32(key + 4);
        out->offset = load_be32(key + 8);
        out->is_lid64 = true;
        if (!(key[0] & 0x80))
            return JET_errLVCorrupted;
    } else {
        return JET_errLVCorrupted;
    }
    return lv_lid_valid(out->lid) ? JET_errSuccess : JET_errLVCorrupted;
}

uint32_t lv_lid_reference(uint64_t lid, uint8_t out[8])
{
    if (!lv_lid_valid(lid))
        return 0;
    if (lid & LV_LID64_FLAG) {
        ese_store_u64(out, lid);
        return 8;
    }
    ese_store_u32(out, (uint32_t)lid);
    return 4;
}

void lv_root_encode(uint32_t refcount, uint32_t size, uint8_t out[LV_ROOT_SIZE])
{
    ese_store_u32(out, refcount);
    ese_store_u32(out + 4, size);
}

JET_ERR lv_root_decode(const uint8_t *data, size_t cb, lv_root *out)
{
    memset(out, 0, sizeof(*out));
    if (data == NULL || (cb != LV_ROOT_SIZE && cb != LV_ROOT_SIZE + 1))
        return JET_errLVCorrupted;
    out->refcount = ese_load_u32(data);
    out->size = ese_load_u32(data + 4);
    out->flags = cb > LV_ROOT_SIZE ? data[LV_ROOT_SIZE] : 0;
    return JET_errSuccess;
}

bool lv_should_separate(size_t cb, uint32_t intrinsic_most, bool force_separate,
                        bool force_intrinsic)
{
    /* A value no longer than its reference would gain nothing (ESE never separates those). */
    if (cb <= 4)
        return false;
    if (force_separate)
        return true;
    if (force_intrinsic)
        return false;
    const uint32_t limit = intrinsic_most ? intrinsic_most : LV_INTRINSIC_MOST_DEFAULT;
    return cb > limit;
}

uint32_t lv_intrinsic_table_most(uint32_t record_most)
{
    return record_most > 9 ? record_most - 4 - 4 - 1 : 0;
}

uint32_t lv_chunk_count(uint64_t cb, uint32_t chunk_size)
{
    if (chunk_size == 0 || cb == 0)
        return 0;
    return (uint32_t)((cb + chunk_size - 1) / chunk_size);
}

JET_ERR lv_split(const void *value, size_t cb, uint32_t chunk_size, lv_chunk **chunks,
                 uint32_t *count)
{
    *chunks = NULL;
    *count = 0;
    if (chunk_size == 0 || (uint64_t)cb > 0xFFFFFFFFull || (cb > 0 && value == NULL))
        return JET_errInvalidParameter;
    const uint32_t n = lv_chunk_count(cb, chunk_size);
    if (n == 0)
        return JET_errSuccess;
    lv_chunk *out = osal_malloc((size_t)n * sizeof(lv_chunk));
    if (out == NULL)
        return JET_errOutOfMemory;
    const uint8_t *bytes = value;
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t offset = i * chunk_size;
        const uint32_t left = (uint32_t)cb - offset;
        out[i].offset = offset;
        out[i].data = bytes + offset;
        out[i].cb = left < chunk_size ? left : chunk_size;
    }
    *chunks = out;
    *count = n;
    return JET_errSuccess;
}

JET_ERR lv_assembler_init(lv_assembler *a, uint32_t size)
{
    memset(a, 0, sizeof(*a));
    if (size > 0) {
        a->data = osal_malloc(size);
        if (a->data == NULL)
            return JET_errOutOfMemory;
    }
    a->size = size;
    return JET_errSuccess;
}

JET_ERR lv_assembler_add(lv_assembler *a, uint32_t offset, const uint8_t *data, uint32_t cb)
{
    if (offset != a->filled || cb > a->size - a->filled || (cb > 0 && data == NULL))
        return JET_errLVCorrupted;
    if (cb)
        memcpy(a->data + a->filled, data, cb);
    a->filled += cb;
    return JET_errSuccess;
}

JET_ERR lv_assembler_take(lv_assembler *a, uint8_t **value, uint32_t *cb)
{
    *value = NULL;
    *cb = 0;
    if (a->filled != a->size) {
        lv_assembler_free(a);
        return JET_errLVCorrupted;
    }
    *value = a->data;
    *cb = a->size;
    a->data = NULL;
    a->size = a->filled = 0;
    return JET_errSuccess;
}

void lv_assembler_free(lv_assembler *a)
{
    osal_free(a->data);
    a->data = NULL;
    a->size = a->filled = 0;
}
