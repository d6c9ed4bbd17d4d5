/*
 * lv_format.h -- long values: LIDs, LV-tree keys, LVROOT, chunking (facts §6).
 *
 * Pure helpers: bytes in, bytes out.  A table's separated long values live in its LV tree: for
 * each value a root node (key = LID) holding LVROOT {refcount, size}, followed by chunk nodes
 * (key = LID + byte offset) holding the value's bytes.  Roots and chunks sort together, so a
 * value is its root followed by its chunks in key order.
 *
 *   form    LID range                              root key          chunk key
 *   LID32   1 .. 0x7FFFFEFF                        BE32(lid)         BE32(lid) BE32(offset)
 *   LID64   0x80000000_10000001 .. (bit 63 set)    BE64(lid)         BE64(lid) BE32(offset)
 *
 * libese writes LID32 (ESE's default and what both readers handle best) and reads both.
 */
#ifndef LIBESE_LV_FORMAT_H
#define LIBESE_LV_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esent.h"

#define LV_LID32_FIRST 1u
#define LV_LID32_MOST 0x7FFFFEFFu         /* 0x7FFFFF00.. are reserved (rec.hxx) */
#define LV_LID64_FLAG 0x8000000000000000ull
#define LV_LID64_FIRST 0x8000000010000001ull

#define LV_ROOT_SIZE 8u                   /* LVROOT: u32 refcount, u32 size.  Never the 9-byte
                                           * LVROOT2: both readers reject it (facts §6.3) */
#define LV_ROOT_KEY_SIZE 4u               /* LID32 */
#define LV_CHUNK_KEY_SIZE 8u              /* LID32 + offset */
#define LV_LID64_ROOT_KEY_SIZE 8u
#define LV_LID64_CHUNK_KEY_SIZE 12u
#define LV_KEY_MOST 12u

/* ESE's cbLVIntrinsicMost: by default a long value longer than this is separated. */
#define LV_INTRINSIC_MOST_DEFAULT 1023u

/* JET_cbColumnLVPageOverhead: a small page's chunk is the page size minus this. */
#define LV_PAGE_OVERHEAD 82u

/* ESE's LVChunkSizeMost for a page size (JET_paramLVChunkSizeMost): P - 82 up to 8 KiB (2014,
 * 4014, 8110), 4050 for 16 KiB, 8150 for 32 KiB.  0 for an invalid page size. */
uint32_t lv_chunk_size(uint32_t page_size);

/* Key of a LID32 value's root node: BE32(lid). */
void lv_root_key(uint32_t lid, uint8_t key[LV_ROOT_KEY_SIZE]);

/* Key of a LID32 value's chunk starting at byte offset: BE32(lid) BE32(offset). */
void lv_chunk_key(uint32_t lid, uint32_t offset, uint8_t key[LV_CHUNK_KEY_SIZE]);

/* Root / chunk keys for a LID of either form: 4/8 (LID32) or 8/12 (LID64) bytes.  Return the
 * key length written to key (room for LV_KEY_MOST bytes). */
uint32_t lv_make_root_key(uint64_t lid, uint8_t key[LV_KEY_MOST]);
uint32_t lv_make_chunk_key(uint64_t lid, uint32_t offset, uint8_t key[LV_KEY_MOST]);

/* A parsed LV-tree key. */
typedef struct lv_key {
    uint64_t lid;       /* LID64 values keep bit 63 */
    bool is_root;       /* root node (no offset) */
    bool is_lid64;
    uint32_t offset;    /* chunks: byte offset of the chunk in the value */
} lv_key;

/* Parse an LV-tree key: 4 bytes = LID32 root; 8 bytes = LID64 root if bit 7 of the first byte
 * is set, else a LID32 chunk; 12 bytes = LID64 chunk (facts §6.2).  JET_errLVCorrupted for any
 * other shape or LID 0. */
JET_ERR lv_parse_key(const uint8_t *key, size_t cb, lv_key *out);

/* True when lid is a valid LID of either form. */
bool lv_lid_valid(uint64_t lid);

/* The value's reference as a record stores it after header 0x05: LID32 = 4 bytes LE, LID64 =
 * 8 bytes LE.  Returns the length (0 for an invalid LID). */
uint32_t lv_lid_reference(uint64_t lid, uint8_t out[8]);

/* LVROOT (8 bytes, little-endian): reference count and total size of the value. */
typedef struct lv_root {
    uint32_t refcount;
    uint32_t size;
    uint8_t flags;      /* LVROOT2's flags byte when read from a 9-byte root (0x01 encrypted) */
} lv_root;

/* Write the 8-byte LVROOT. */
void lv_root_encode(uint32_t refcount, uint32_t size, uint8_t out[LV_ROOT_SIZE]);

/* Read a root node's data: 8 bytes (LVROOT) or 9 (LVROOT2, written by newer ESEs for encrypted
 * values).  JET_errLVCorrupted for any other length. */
JET_ERR lv_root_decode(const uint8_t *data, size_t cb, lv_root *out);

/* Does a value of cb bytes go to the LV tree?  intrinsic_most is the table's SeparateLV hint,
 * 0 for ESE's default (1023).  force_separate is JET_bitSetSeparateLV, force_intrinsic
 * JET_bitSetIntrinsicLV.  Values no longer than a LID (4 bytes) are never separated; values that
 * must be intrinsic still have to fit the record (lv_intrinsic_table_most), which the caller
 * checks against the record it is building. */
bool lv_should_separate(size_t cb, uint32_t intrinsic_most, bool force_separate,
                        bool force_intrinsic);

/* ESE's CbLVIntrinsicTableMost: the longest long value a record of record_most bytes can keep
 * intrinsic (record_most - 4 - 4 - 1: record header, TAGFLD, header byte). */
uint32_t lv_intrinsic_table_most(uint32_t record_most);

/* Chunks of a value of cb bytes at chunk_size bytes each (0 for an empty value). */
uint32_t lv_chunk_count(uint64_t cb, uint32_t chunk_size);

/* One chunk of a value: its offset in the value and its bytes (pointing into the value). */
typedef struct lv_chunk {
    uint32_t offset;
    const uint8_t *data;
    uint32_t cb;
} lv_chunk;

/* Split a value into chunks of chunk_size bytes (the last one shorter).  *chunks is
 * osal_malloc'd (osal_free it; NULL with count 0 for an empty value) and points into value.
 * JET_errInvalidParameter for chunk_size 0 or a value over 4 GiB, JET_errOutOfMemory. */
JET_ERR lv_split(const void *value, size_t cb, uint32_t chunk_size, lv_chunk **chunks,
                 uint32_t *count);

/* Reassembles a value from its root and chunks read in key order. */
typedef struct lv_assembler {
    uint8_t *data;      /* osal_malloc'd, size bytes; lv_assembler_take or _free releases it */
    uint32_t size;
    uint32_t filled;    /* bytes received so far; the next chunk must start here */
} lv_assembler;

/* Start reassembling a value of `size` bytes (from its LVROOT).  JET_errOutOfMemory. */
JET_ERR lv_assembler_init(lv_assembler *a, uint32_t size);

/* Add the chunk whose key said `offset`.  JET_errLVCorrupted when it does not start where the
 * previous one ended or runs past the size. */
JET_ERR lv_assembler_add(lv_assembler *a, uint32_t offset, const uint8_t *data, uint32_t cb);

/* Finish: JET_errLVCorrupted unless exactly size bytes arrived; on success *value (owned by
 * the caller, osal_free it; NULL for an empty value) and *cb.  The assembler is emptied either
 * way. */
JET_ERR lv_assembler_take(lv_assembler *a, uint8_t **value, uint32_t *cb);

/* Drop a partial value. */
void lv_assembler_free(lv_assembler *a);

#endif /* LIBESE_LV_FORMAT_H */
