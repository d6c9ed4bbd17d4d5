/*
 * checksum.c - ESE header (XOR-32) and page/segment (XOR+ECC) checksums.
 *
 * Facts: shared/reference/ese-format-facts.md sections 6.1-6.4.
 *
 * The XOR+ECC "ECC" half is, per block, the XOR of the indices of all set
 * bits (X) and the parity of the number of set bits (p).  Computing that bit
 * by bit would cost a branch per bit; instead each block is read as 64-bit
 * little-endian words and two observations make it word-parallel:
 *
 *   bit index b = 64*w + k  (word w, bit k of that word) = (w << 6) | k, so
 *   X = XOR(k over set bits)  ^  XOR(w << 6 over set bits).
 *
 *   - The k part depends only on how often each k occurs, i.e. on the XOR of
 *     all words (`all`): bit t of it is the parity of `all` masked to the
 *     lanes whose index has bit t set.
 *   - The w part: word w contributes w << 6 once per set bit, so only when
 *     its popcount is odd.  Bit j of that sum is then the parity of the XOR of
 *     the words whose index has bit j set (`by_index_bit[j]`).
 *
 * So the hot loop is nothing but XORs into 11 accumulators; the parities
 * (16 of them) are taken once per block.  p is the parity of `all`.
 */
#include "eseformat.h"

#include <string.h>

/* ---------------------------------------------------------------------- */
/* Unaligned little-endian word loads for the hot loops.  memcpy keeps them
 * free of alignment UB and compiles to plain loads. */

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ESE_HOST_BIG_ENDIAN 1
#else
#define ESE_HOST_BIG_ENDIAN 0
#endif

ESE_INLINE uint64_t word64_le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if ESE_HOST_BIG_ENDIAN
    v = __builtin_bswap64(v);
#endif
    return v;
}

ESE_INLINE uint32_t word32_le(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
#if ESE_HOST_BIG_ENDIAN
    v = __builtin_bswap32(v);
#endif
    return v;
}

/* Parity of a 64-bit word by folding; only used a few times per block, so a
 * portable form is fast enough and needs no compiler builtins. */
ESE_INLINE uint32_t parity64(uint64_t x)
{
    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    x ^= x >> 2;
    x ^= x >> 1;
    return (uint32_t)(x & 1u);
}

/* ======================================================================
 * XOR-32 header checksum (facts 6.1)
 * ==================================================================== */

uint32_t ese_header_checksum(const void *block, size_t cb)
{
    const uint8_t *p = (const uint8_t *)block;
    if (cb < 4)
        return ESE_HEADER_CHECKSUM_SEED;

    /* XOR everything as 64-bit words (4 independent chains so the CPU can
     * overlap them), fold to 32 bits, then take the stored checksum back out:
     * XOR is its own inverse, so this equals skipping dword 0. */
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    size_t i = 0;
    for (; i + 32 <= cb; i += 32) {
        a0 ^= word64_le(p + i);
        a1 ^= word64_le(p + i + 8);
        a2 ^= word64_le(p + i + 16);
        a3 ^= word64_le(p + i + 24);
    }
    for (; i + 8 <= cb; i += 8)
        a0 ^= word64_le(p + i);
    uint64_t all = a0 ^ a1 ^ a2 ^ a3;
    uint32_t x = (uint32_t)all ^ (uint32_t)(all >> 32);
    if (i + 4 <= cb)
        x ^= word32_le(p + i);
    x ^= word32_le(p); /* drop the stored checksum */
    return x ^ ESE_HEADER_CHECKSUM_SEED;
}

bool ese_header_verify(const void *block, size_t cb)
{
    if (cb < 4)
        return false;
    return ese_load_u32(block) == ese_header_checksum(block, cb);
}

void ese_header_stamp(void *block, size_t cb)
{
    if (cb < 4)
        return;
    ese_store_u32(block, ese_header_checksum(block, cb));
}

static size_t detect_page_size_at(const uint8_t *buf, size_t len, bool shadow)
{
    for (size_t page_size = ESE_PAGE_SIZE_MIN; page_size <= ESE_PAGE_SIZE_MAX;
         page_size *= 2) {
        size_t offset = shadow ? page_size : 0;
        if (len < offset + page_size)
            break;
        const uint8_t *header = buf + offset;
        if (!ese_header_verify(header, page_size))
            continue;
        uint32_t stored = ese_load_u32(header + ESE_DBHDR_OFF_PAGE_SIZE);
        if (stored == page_size ||
            (stored == 0 && page_size == ESE_PAGE_SIZE_DEFAULT))
            return page_size;
    }
    return 0;
}

size_t ese_detect_page_size(const void *buf, size_t len)
{
    return detect_page_size_at((const uint8_t *)buf, len, false);
}

size_t ese_detect_page_size_from_shadow(const void *buf, size_t len)
{
    return detect_page_size_at((const uint8_t *)buf, len, true);
}

/* ======================================================================
 * XOR+ECC block checksum (facts 6.3)
 * ==================================================================== */

/* Lane masks: bit t of a bit position k (0..63) selects these lanes. */
static const uint64_t lane_index_bit_mask[6] = {
    0xAAAAAAAAAAAAAAAAull, 0xCCCCCCCCCCCCCCCCull, 0xF0F0F0F0F0F0F0F0ull,
    0xFF00FF00FF00FF00ull, 0xFFFF0000FFFF0000ull, 0xFFFFFFFF00000000ull,
};

/* 8 KiB = 1024 words: word indices have at most 10 bits. */
#define WORD_INDEX_BITS 10

/* Eight values at positions 0..7: their XOR, and for each position bit t
 * (0-2) the XOR of the values whose position has bit t set. */
typedef struct octet_fold {
    uint64_t all, pos_bit0, pos_bit1, pos_bit2;
} octet_fold;

ESE_INLINE octet_fold fold_octet(uint64_t v0, uint64_t v1, uint64_t v2, uint64_t v3,
                                 uint64_t v4, uint64_t v5, uint64_t v6, uint64_t v7)
{
    const uint64_t x01 = v0 ^ v1, x23 = v2 ^ v3, x45 = v4 ^ v5, x67 = v6 ^ v7;
    octet_fold f;
    f.all = x01 ^ x23 ^ x45 ^ x67;
    f.pos_bit0 = v1 ^ v3 ^ v5 ^ v7;
    f.pos_bit1 = x23 ^ x67;
    f.pos_bit2 = x45 ^ x67;
    return f;
}

/* One 64-byte chunk = eight words. */
ESE_INLINE octet_fold fold_chunk(const uint8_t *q)
{
    return fold_octet(word64_le(q), word64_le(q + 8), word64_le(q + 16), word64_le(q + 24),
                      word64_le(q + 32), word64_le(q + 40), word64_le(q + 48),
                      word64_le(q + 56));
}

uint64_t ese_block_checksum(const void *block, size_t cb, uint32_t pgno,
                            bool header_block)
{
    const uint8_t *p = (const uint8_t *)block;
    if (cb == 0 || cb % 8 != 0 || cb > ESE_CHECKSUM_BLOCK_MAX)
        return 0;
    const size_t nwords = cb / 8;

    uint64_t all = 0;                             /* XOR of every word */
    uint64_t by_index_bit[WORD_INDEX_BITS] = {0}; /* XOR of words w with bit j of w */

    /* Two levels of the same fold over 512-byte groups: word index bits 0-2
     * are the word's place in its chunk, bits 3-5 the chunk's place in its
     * group, bits 6-9 the group number, shared by all 64 words of the group
     * (so the group's XOR goes to each set bit, masked to stay branch-free). */
    size_t w = 0;
    for (; w + 64 <= nwords; w += 64) {
        const uint8_t *g = p + w * 8;
        uint64_t chunk_all[8];
#define ESE_FOLD_CHUNK(k)                                                        \
    do {                                                                         \
        const octet_fold f_ = fold_chunk(g + 64 * (k));                          \
        by_index_bit[0] ^= f_.pos_bit0;                                          \
        by_index_bit[1] ^= f_.pos_bit1;                                          \
        by_index_bit[2] ^= f_.pos_bit2;                                          \
        chunk_all[k] = f_.all;                                                   \
    } while (0)
        ESE_FOLD_CHUNK(0);
        ESE_FOLD_CHUNK(1);
        ESE_FOLD_CHUNK(2);
        ESE_FOLD_CHUNK(3);
        ESE_FOLD_CHUNK(4);
        ESE_FOLD_CHUNK(5);
        ESE_FOLD_CHUNK(6);
        ESE_FOLD_CHUNK(7);
#undef ESE_FOLD_CHUNK
        const octet_fold group = fold_octet(chunk_all[0], chunk_all[1], chunk_all[2],
                                            chunk_all[3], chunk_all[4], chunk_all[5],
                                            chunk_all[6], chunk_all[7]);
        by_index_bit[3] ^= group.pos_bit0;
        by_index_bit[4] ^= group.pos_bit1;
        by_index_bit[5] ^= group.pos_bit2;
        all ^= group.all;
        const size_t group_number = w / 64;
        for (unsigned j = 0; j < WORD_INDEX_BITS - 6; ++j) {
            const uint64_t select = 0u - (uint64_t)((group_number >> j) & 1u);
            by_index_bit[6 + j] ^= group.all & select;
        }
    }
    for (; w < nwords; ++w) { /* blocks that are not a multiple of 512 bytes */
        const uint64_t v = word64_le(p + w * 8);
        all ^= v;
        for (unsigned j = 0; j < WORD_INDEX_BITS; ++j)
            if ((w >> j) & 1u)
                by_index_bit[j] ^= v;
    }
    /* The header block's first 8 bytes (the stored checksum) count as zero.
     * Word 0 has index 0, so it reached `all` and nothing else. */
    if (header_block)
        all ^= word64_le(p);

    uint32_t index_xor = 0;
    for (unsigned t = 0; t < 6; ++t)
        index_xor |= parity64(all & lane_index_bit_mask[t]) << t;
    for (unsigned j = 0; j < WORD_INDEX_BITS; ++j)
        index_xor |= parity64(by_index_bit[j]) << (6 + j);
    const uint32_t odd_ones = parity64(all);

    /* High half = indices' 16-bit complements XOR'd = X ^ (p ? 0xFFFF : 0);
     * keep n = log2(8 * cb) bits of each half: mask (cb << 19) - 1 mod 2^32. */
    uint32_t ecc = (index_xor & 0xFFFFu) |
                   ((index_xor ^ (odd_ones ? 0xFFFFu : 0u)) << 16);
    ecc &= (uint32_t)(((uint64_t)cb << 19) - 1u);

    const uint32_t xor_part = (uint32_t)all ^ (uint32_t)(all >> 32) ^ pgno;
    return ((uint64_t)ecc << 32) | xor_part;
}

int32_t ese_block_error_bit(size_t cb, uint64_t stored, uint64_t computed)
{
    if (cb == 0 || cb > ESE_CHECKSUM_BLOCK_MAX)
        return -1;
    const uint32_t ecc_diff = (uint32_t)(stored >> 32) ^ (uint32_t)(computed >> 32);
    const uint32_t xor_diff = (uint32_t)stored ^ (uint32_t)computed;
    const uint32_t bits_in_block = (uint32_t)cb * 8u;
    const uint32_t index_mask = bits_in_block - 1u;

    /* A single flipped bit b changes the low half by b and the high half by
     * b's complement, so low ^ high has all n index bits set. */
    if (((ecc_diff ^ (ecc_diff >> 16)) & index_mask) != index_mask)
        return -1;
    const uint32_t bit = ecc_diff & 0xFFFFu;
    if (bit >= bits_in_block)
        return -1;
    /* The same flip changes exactly bit b % 32 of the XOR half. */
    if (xor_diff != (1u << (bit & 31u)))
        return -1;
    return (int32_t)bit;
}

/* ======================================================================
 * Whole pages
 * ==================================================================== */

bool ese_page_size_valid(size_t page_size)
{
    return page_size == 2048 || page_size == 4096 || page_size == 8192 ||
           page_size == 16384 || page_size == 32768;
}

unsigned ese_page_block_count(size_t page_size)
{
    if (!ese_page_size_valid(page_size))
        return 0;
    /* 16 KiB pages use four 4 KiB blocks, 32 KiB pages four 8 KiB blocks. */
    return page_size > ESE_SMALL_PAGE_MAX ? 4u : 1u;
}

static bool page_has_new_format(const uint8_t *page)
{
    return (ese_load_u32(page + ESE_PGHDR_OFF_FLAGS) & ESE_PAGE_FLAG_NEW_CHECKSUM) != 0;
}

static uint64_t legacy_page_checksum(const uint8_t *page, size_t page_size,
                                     uint32_t pgno)
{
    /* The XOR-32 covers bytes 4-7, which hold the stored page number. */
    return ((uint64_t)pgno << 32) | ese_header_checksum(page, page_size);
}

unsigned ese_page_checksums(const void *page, size_t page_size, uint32_t pgno,
                            uint64_t out[4])
{
    const uint8_t *p = (const uint8_t *)page;
    const unsigned nblocks = ese_page_block_count(page_size);
    if (nblocks == 0)
        return 0;
    if (!page_has_new_format(p)) {
        /* One XOR-32 covers the whole legacy page, whatever its size. */
        out[0] = legacy_page_checksum(p, page_size, pgno);
        return 1;
    }
    const size_t cb = page_size / nblocks;
    for (unsigned i = 1; i < nblocks; ++i)
        out[i] = ese_block_checksum(p + i * cb, cb, pgno, false);
    out[0] = ese_block_checksum(p, cb, pgno, true);
    return nblocks;
}

bool ese_page_stamp(void *page, size_t page_size, uint32_t pgno)
{
    uint8_t *p = (uint8_t *)page;
    const unsigned nblocks = ese_page_block_count(page_size);
    if (nblocks == 0)
        return false;
    ese_store_u32(p + ESE_PGHDR_OFF_FLAGS,
                  ese_load_u32(p + ESE_PGHDR_OFF_FLAGS) | ESE_PAGE_FLAG_NEW_CHECKSUM);
    const size_t cb = page_size / nblocks;
    if (nblocks > 1) {
        /* Blocks 1-3 first: their checksums and the pgno copy live in block
         * 0, whose checksum must cover them. */
        ese_store_u32(p + ESE_PGHDR_OFF_PGNO, pgno);
        for (unsigned i = 1; i < nblocks; ++i)
            ese_store_u64(p + ESE_PGHDR_OFF_BLOCK_CHECKSUMS + 8 * (i - 1),
                          ese_block_checksum(p + i * cb, cb, pgno, false));
    }
    ese_store_u64(p, ese_block_checksum(p, cb, pgno, true));
    return true;
}

bool ese_page_stamp_legacy(void *page, size_t page_size, uint32_t pgno)
{
    uint8_t *p = (uint8_t *)page;
    if (!ese_page_size_valid(page_size))
        return false;
    ese_store_u32(p + ESE_PGHDR_OFF_FLAGS,
                  ese_load_u32(p + ESE_PGHDR_OFF_FLAGS) & ~ESE_PAGE_FLAG_NEW_CHECKSUM);
    ese_store_u32(p + 4, pgno);
    ese_store_u32(p, ese_header_checksum(p, page_size));
    return true;
}

static bool all_zero(const uint8_t *p, size_t cb)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= cb; i += 8)
        acc |= word64_le(p + i);
    for (; i < cb; ++i)
        acc |= p[i];
    return acc == 0;
}

static void check_init(ese_page_check *c, uint32_t pgno, bool new_format)
{
    memset(c, 0, sizeof *c);
    c->status = ESE_PAGE_OK;
    c->pgno = pgno;
    for (unsigned i = 0; i < 4; ++i)
        c->bit[i] = UINT32_MAX;
    c->new_format = new_format;
}

static ese_page_status verify_legacy(const uint8_t *p, size_t page_size,
                                     uint32_t pgno, ese_page_check *c)
{
    const uint64_t stored = ese_load_u64(p);
    const uint64_t computed = legacy_page_checksum(p, page_size, pgno);
    c->stored = stored;
    c->computed = computed;
    if (stored == computed)
        return c->status = ESE_PAGE_OK;
    const uint32_t stored_pgno = (uint32_t)(stored >> 32);
    if ((uint32_t)stored == (uint32_t)computed && stored_pgno != 0) {
        /* The content is intact; it just belongs elsewhere. */
        c->claimed_pgno = stored_pgno;
        return c->status = ESE_PAGE_WRONG_PGNO;
    }
    if (all_zero(p, page_size))
        return c->status = ESE_PAGE_UNINITIALIZED;
    return c->status = ESE_PAGE_BAD;
}

/* Block-level judgement inside a new-format page. */
enum block_verdict { BLOCK_MATCH, BLOCK_CORRECTABLE, BLOCK_FATAL };

static enum block_verdict judge_block(size_t cb, unsigned block_index,
                                      uint64_t stored, uint64_t computed,
                                      uint32_t *bit_in_block)
{
    if (stored == computed)
        return BLOCK_MATCH;
    const int32_t bit = ese_block_error_bit(cb, stored, computed);
    if (bit < 0)
        return BLOCK_FATAL;
    if (block_index == 0) {
        /* Bits 0-63 of the header block are the stored checksum itself and
         * are not covered; the format flag is never "corrected", since a
         * flipped flag would mean the page was judged in the wrong format. */
        if ((uint32_t)bit < 64 || (uint32_t)bit == ESE_NEW_CHECKSUM_FLAG_BIT)
            return BLOCK_FATAL;
    }
    *bit_in_block = (uint32_t)bit;
    return BLOCK_CORRECTABLE;
}

static ese_page_status verify_new(const uint8_t *p, size_t page_size,
                                  uint32_t pgno, ese_page_check *c)
{
    const unsigned nblocks = ese_page_block_count(page_size);
    const size_t cb = page_size / nblocks;
    uint64_t stored[4], computed[4];

    stored[0] = ese_load_u64(p);
    for (unsigned i = 1; i < nblocks; ++i)
        stored[i] = ese_load_u64(p + ESE_PGHDR_OFF_BLOCK_CHECKSUMS + 8 * (i - 1));
    ese_page_checksums(p, page_size, pgno, computed);

    /* Fast path: everything matches. */
    bool all_match = true;
    for (unsigned i = 0; i < nblocks; ++i)
        all_match = all_match && stored[i] == computed[i];
    c->stored = stored[0];
    c->computed = computed[0];
    if (all_match)
        return c->status = ESE_PAGE_OK;

    /* Judge block 0 first: a correctable bit inside the stored checksums of
     * blocks 1-3 means the value to compare them against is the repaired
     * one. */
    uint64_t expected[4];
    memcpy(expected, stored, sizeof expected);
    int first_fatal = -1;
    for (unsigned i = 0; i < nblocks; ++i) {
        uint32_t bit = 0;
        const enum block_verdict v = judge_block(cb, i, expected[i], computed[i], &bit);
        if (v == BLOCK_FATAL) {
            first_fatal = (int)i;
            break;
        }
        if (v == BLOCK_CORRECTABLE) {
            const uint32_t page_bit = (uint32_t)(i * cb * 8) + bit;
            c->bit[c->error_bits++] = page_bit;
            const uint32_t stored_sums_first_bit = ESE_PGHDR_OFF_BLOCK_CHECKSUMS * 8u;
            if (i == 0 && nblocks > 1 && page_bit >= stored_sums_first_bit &&
                page_bit < stored_sums_first_bit + 64u * (nblocks - 1)) {
                const uint32_t rel = page_bit - stored_sums_first_bit;
                expected[1 + rel / 64] ^= (uint64_t)1 << (rel % 64);
            }
        }
    }
    if (first_fatal < 0)
        return c->status = ESE_PAGE_CORRECTABLE;

    /* Not repairable.  Wrong location?  Then every block's ECC half matches
     * and the XOR halves all differ by pgno ^ claimed. */
    c->error_bits = 0;
    for (unsigned i = 0; i < 4; ++i)
        c->bit[i] = UINT32_MAX;
    const uint32_t pgno_diff = (uint32_t)stored[0] ^ (uint32_t)computed[0];
    bool relocated = pgno_diff != 0 && (pgno ^ pgno_diff) != 0;
    for (unsigned i = 0; relocated && i < nblocks; ++i)
        relocated = (stored[i] >> 32) == (computed[i] >> 32) &&
                    ((uint32_t)stored[i] ^ (uint32_t)computed[i]) == pgno_diff;
    if (relocated && nblocks > 1)
        relocated = ese_load_u32(p + ESE_PGHDR_OFF_PGNO) == (pgno ^ pgno_diff);
    if (relocated) {
        c->claimed_pgno = pgno ^ pgno_diff;
        return c->status = ESE_PAGE_WRONG_PGNO;
    }
    /* (No all-zero test here: flag 0x2000 is set, so the page is not.) */
    c->bad_block = (uint32_t)first_fatal;
    c->stored = stored[first_fatal];
    c->computed = computed[first_fatal];
    return c->status = ESE_PAGE_BAD;
}

ese_page_status ese_page_verify(const void *page, size_t page_size,
                                uint32_t pgno, ese_page_check *out)
{
    const uint8_t *p = (const uint8_t *)page;
    ese_page_check local;
    ese_page_check *c = out ? out : &local;
    if (!ese_page_size_valid(page_size)) {
        check_init(c, pgno, false);
        return c->status = ESE_PAGE_INVALID_SIZE;
    }
    const bool new_format = page_has_new_format(p);
    check_init(c, pgno, new_format);
    return new_format ? verify_new(p, page_size, pgno, c)
                      : verify_legacy(p, page_size, pgno, c);
}

void ese_flip_bit(void *buf, uint32_t bit)
{
    uint8_t *b = (uint8_t *)buf;
    b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

ese_page_status ese_page_correct(void *page, size_t page_size, uint32_t pgno,
                                 ese_page_check *out)
{
    ese_page_check local;
    ese_page_check *c = out ? out : &local;
    const ese_page_status status = ese_page_verify(page, page_size, pgno, c);
    if (status != ESE_PAGE_CORRECTABLE)
        return status;
    for (uint32_t i = 0; i < c->error_bits; ++i)
        ese_flip_bit(page, c->bit[i]);
    /* The verdict guarantees this; checking again costs one page pass and
     * makes sure a logic error can never turn a bad page into a "fixed" one. */
    if (ese_page_verify(page, page_size, pgno, NULL) != ESE_PAGE_OK) {
        for (uint32_t i = 0; i < c->error_bits; ++i)
            ese_flip_bit(page, c->bit[i]);
        c->status = ESE_PAGE_BAD;
        return ESE_PAGE_BAD;
    }
    return status;
}

size_t ese_verify_pages(const void *buf, size_t page_size, size_t page_count,
                        uint32_t first_pgno, ese_page_check *problems,
                        size_t max_problems, ese_verify_totals *totals)
{
    if (!ese_page_size_valid(page_size))
        return (size_t)-1;
    const uint8_t *p = (const uint8_t *)buf;
    ese_verify_totals counts = {0, 0, 0, 0, 0, 0};
    size_t nproblems = 0;
    for (size_t i = 0; i < page_count; ++i) {
        ese_page_check check;
        /* Page numbers wrap modulo 2^32 like ESE's 32-bit pgno. */
        const uint32_t pgno = first_pgno + (uint32_t)i;
        switch (ese_page_verify(p + i * page_size, page_size, pgno, &check)) {
        case ESE_PAGE_OK:
            counts.ok++;
            continue;
        case ESE_PAGE_UNINITIALIZED:
            counts.uninitialized++;
            continue;
        case ESE_PAGE_CORRECTABLE:
            counts.correctable++;
            break;
        case ESE_PAGE_WRONG_PGNO:
            counts.wrong_pgno++;
            break;
        case ESE_PAGE_BAD:
        case ESE_PAGE_INVALID_SIZE: /* cannot happen: size checked above */
            counts.bad++;
            break;
        }
        if (nproblems < max_problems && problems != NULL)
            problems[nproblems] = check;
        nproblems++;
    }
    if (totals != NULL) {
        totals->pages += page_count;
        totals->ok += counts.ok;
        totals->uninitialized += counts.uninitialized;
        totals->correctable += counts.correctable;
        totals->wrong_pgno += counts.wrong_pgno;
        totals->bad += counts.bad;
    }
    return nproblems;
}

const char *ese_page_status_name(ese_page_status status)
{
    switch (status) {
    case ESE_PAGE_OK:
        return "ok";
    case ESE_PAGE_UNINITIALIZED:
        return "uninitialized";
    case ESE_PAGE_CORRECTABLE:
        return "correctable";
    case ESE_PAGE_WRONG_PGNO:
        return "wrong_pgno";
    case ESE_PAGE_BAD:
        return "bad";
    case ESE_PAGE_INVALID_SIZE:
        return "invalid_size";
    }
    return "unknown";
}

/* ======================================================================
 * v8 log segments (facts 6.4)
 * ==================================================================== */

uint64_t ese_log_segment_checksum(const void *segment)
{
    const uint8_t *s = (const uint8_t *)segment;
    /* The stored isec, not the physical position: shadow sectors repeat
     * their predecessor byte for byte. */
    const uint32_t isec = ese_load_u16(s + ESE_LGSEG_OFF_ISEC);
    return ese_block_checksum(s, ESE_LOG_SEGMENT_SIZE, isec, true);
}

ese_page_status ese_log_segment_verify(const void *segment, ese_page_check *out)
{
    const uint8_t *s = (const uint8_t *)segment;
    ese_page_check local;
    ese_page_check *c = out ? out : &local;
    check_init(c, ese_load_u16(s + ESE_LGSEG_OFF_ISEC), true);
    c->stored = ese_load_u64(s);
    /* Unused segments are all zero, and with isec 0 their checksum would
     * "match" (zero), so test for them first. */
    if (c->stored == 0 && all_zero(s, ESE_LOG_SEGMENT_SIZE))
        return c->status = ESE_PAGE_UNINITIALIZED;
    c->computed = ese_log_segment_checksum(s);
    if (c->stored == c->computed)
        return c->status = ESE_PAGE_OK;
    uint32_t bit = 0;
    if (judge_block(ESE_LOG_SEGMENT_SIZE, 0, c->stored, c->computed, &bit) ==
        BLOCK_CORRECTABLE) {
        c->bit[0] = bit;
        c->error_bits = 1;
        return c->status = ESE_PAGE_CORRECTABLE;
    }
    return c->status = ESE_PAGE_BAD;
}

void ese_log_segment_stamp(void *segment)
{
    uint8_t *s = (uint8_t *)segment;
    ese_store_u32(s + ESE_LGSEG_OFF_FLAGS,
                  ese_load_u32(s + ESE_LGSEG_OFF_FLAGS) | ESE_PAGE_FLAG_NEW_CHECKSUM);
    ese_store_u64(s, ese_log_segment_checksum(s));
}
