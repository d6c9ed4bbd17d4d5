// Build and run from the repository root (one line each):
// gcc -std=c11 -O2 -Wall -Wextra -Werror -Isrc/eseformat tests/c/test_eseformat.c src/eseformat/*.c -o /tmp/test_eseformat
// /tmp/test_eseformat [SAMPLES_DIR]
// Sanitizers: add -g -fsanitize=address,undefined -fno-sanitize-recover=all.
/*
 * test_eseformat.c - standalone tests and micro-benchmarks for src/eseformat.
 *
 * SAMPLES_DIR (else $ESE_SAMPLES, else ../shared/ese-samples) holds the
 * Windows-written databases; without it the worked examples of the format
 * facts section 11 are skipped and only synthetic checks run.
 * ESEFORMAT_BENCH_MB sets the benchmark buffer size (default 64; 0 skips).
 *
 * The last line is "N passed, M failed"; the exit status is non-zero on any
 * failure.  Checks over many random cases count once per loop.
 */
#include "eseformat.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int tests_passed, tests_failed;

#define CHECK(cond, ...)                                                         \
    do {                                                                         \
        if (cond) {                                                              \
            tests_passed++;                                                      \
        } else {                                                                 \
            tests_failed++;                                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                 \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
        }                                                                        \
    } while (0)

/* ---------------------------------------------------------------------- */
/* Deterministic PRNG (xorshift64*), so failures reproduce. */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t rng_below(uint32_t n)
{
    return (uint32_t)(rng_next() % n);
}

static void rng_fill(uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; ++i)
        buf[i] = (uint8_t)(rng_next() >> 56);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* ---------------------------------------------------------------------- */
/* Reference XOR+ECC block checksum, bit by bit, straight from the wording of
 * format facts 6.3 - deliberately naive, to check the word-parallel one. */

static uint64_t reference_block_checksum(const uint8_t *p, size_t cb, uint32_t pgno,
                                         bool header_block)
{
    uint32_t xor_part = 0;
    for (size_t i = header_block ? 8 : 0; i < cb; i += 4)
        xor_part ^= ese_load_u32(p + i);
    xor_part ^= pgno;
    uint32_t index_xor = 0, ones = 0;
    for (uint32_t b = header_block ? 64 : 0; b < cb * 8; ++b) {
        if ((p[b / 8] >> (b % 8)) & 1u) {
            index_xor ^= b;
            ones ^= 1u;
        }
    }
    uint32_t ecc = (index_xor & 0xFFFFu) | ((index_xor ^ (ones ? 0xFFFFu : 0u)) << 16);
    ecc &= (uint32_t)(((uint64_t)cb << 19) - 1u);
    return ((uint64_t)ecc << 32) | xor_part;
}

static const size_t page_sizes[] = {2048, 4096, 8192, 16384, 32768};
#define N_PAGE_SIZES (sizeof page_sizes / sizeof page_sizes[0])

/* A page with random content that looks enough like a real one. */
static void make_random_page(uint8_t *page, size_t page_size, uint32_t pgno)
{
    rng_fill(page, page_size);
    ese_store_u32(page + ESE_PGHDR_OFF_FLAGS,
                  ESE_PAGE_FLAG_ROOT | ESE_PAGE_FLAG_LEAF | ESE_PAGE_FLAG_NEW_RECORD_FORMAT);
    if (page_size > ESE_SMALL_PAGE_MAX)
        memset(page + 68, 0, 12); /* reserved bytes of the 80-byte header */
    ese_page_stamp(page, page_size, pgno);
}

/* A random bit the checksum covers and ECC may repair: not the stored
 * checksum (bits 0-63) and not the format flag. */
static uint32_t random_repairable_bit(size_t page_size)
{
    for (;;) {
        uint32_t bit = rng_below((uint32_t)(page_size * 8));
        if (bit >= 64 && bit != ESE_NEW_CHECKSUM_FLAG_BIT)
            return bit;
    }
}

/* ====================================================================== */

static void test_block_checksum_matches_reference(void)
{
    static const size_t block_sizes[] = {8, 16, 64, 72, 512, 2048, 4096, 8192};
    uint8_t *block = xmalloc(8192);
    int mismatches = 0;
    for (size_t s = 0; s < sizeof block_sizes / sizeof block_sizes[0]; ++s) {
        const size_t cb = block_sizes[s];
        for (int round = 0; round < 40; ++round) {
            rng_fill(block, cb);
            if (round % 5 == 0) /* sparse blocks too */
                for (size_t i = 0; i < cb; ++i)
                    block[i] &= (uint8_t)(rng_next() >> 56) & (uint8_t)(rng_next() >> 56);
            const uint32_t pgno = (uint32_t)rng_next();
            for (int hb = 0; hb < 2; ++hb) {
                if (hb && cb < 8)
                    continue;
                if (ese_block_checksum(block, cb, pgno, hb != 0) !=
                    reference_block_checksum(block, cb, pgno, hb != 0))
                    mismatches++;
            }
        }
    }
    CHECK(mismatches == 0, "fast block checksum differs from the bit-by-bit reference %d times",
          mismatches);

    /* facts 6.3: an all-zero block yields pgno (XOR = pgno, ECC = 0). */
    memset(block, 0, 8192);
    CHECK(ese_block_checksum(block, 4096, 0x11, false) == 0x11, "zero 4K block");
    CHECK(ese_block_checksum(block, 8192, 1, false) == 1, "zero 8K block");
    CHECK(ese_block_checksum(block, 0, 1, false) == 0, "cb 0 rejected");
    CHECK(ese_block_checksum(block, 12, 1, false) == 0, "cb not a multiple of 8 rejected");
    CHECK(ese_block_checksum(block, 16384, 1, false) == 0, "cb over 8 KiB rejected");
    free(block);
}

static void test_header_checksum(void)
{
    uint8_t *header = xmalloc(ESE_PAGE_SIZE_MAX * 2);
    for (size_t s = 0; s < N_PAGE_SIZES; ++s) {
        const size_t page_size = page_sizes[s];
        memset(header, 0, page_size * 2);
        ese_store_u32(header + ESE_DBHDR_OFF_MAGIC, ESE_MAGIC);
        ese_store_u32(header + ESE_DBHDR_OFF_FORMAT_VERSION, ESE_FORMAT_VERSION_620);
        ese_store_u32(header + ESE_DBHDR_OFF_PAGE_SIZE, (uint32_t)page_size);
        ese_store_u32(header + ESE_DBHDR_OFF_FILE_TYPE, ESE_FILETYPE_DATABASE);
        rng_fill(header + 300, 200);
        ese_header_stamp(header, page_size);
        memcpy(header + page_size, header, page_size); /* shadow */
        CHECK(ese_header_verify(header, page_size), "stamped header verifies (%zu)", page_size);
        CHECK(ese_detect_page_size(header, page_size * 2) == page_size,
              "detect page size %zu -> %zu", page_size, ese_detect_page_size(header, page_size * 2));
        CHECK(ese_detect_page_size_from_shadow(header, page_size * 2) == page_size,
              "detect page size from shadow %zu", page_size);
        header[page_size - 1] ^= 0x40;
        CHECK(!ese_header_verify(header, page_size), "flipped header fails (%zu)", page_size);
        CHECK(ese_detect_page_size(header, page_size * 2) == 0, "damaged header undetectable");
        CHECK(ese_detect_page_size_from_shadow(header, page_size * 2) == page_size,
              "shadow still detects %zu", page_size);
    }
    /* facts 2: a stored page size of 0 means 4096. */
    memset(header, 0, 4096);
    ese_store_u32(header + ESE_DBHDR_OFF_MAGIC, ESE_MAGIC);
    ese_header_stamp(header, 4096);
    CHECK(ese_detect_page_size(header, 4096) == 4096, "page size 0 means 4096");
    CHECK(ese_header_page_size(header) == 4096, "header page size 0 reads as 4096");
    /* facts 6.1: seed ^ dwords 1.. ; the magic cancels the seed. */
    CHECK(ese_header_checksum(header, 4096) == 0, "magic-only header checksums to 0");
    free(header);
}

static void test_page_round_trips(void)
{
    uint8_t *page = xmalloc(ESE_PAGE_SIZE_MAX);
    for (size_t s = 0; s < N_PAGE_SIZES; ++s) {
        const size_t page_size = page_sizes[s];
        int failures = 0;
        for (int round = 0; round < 20; ++round) {
            const uint32_t pgno = 1 + rng_below(1000000);
            make_random_page(page, page_size, pgno);
            ese_page_check check;
            if (ese_page_verify(page, page_size, pgno, &check) != ESE_PAGE_OK || !check.new_format)
                failures++;
            uint64_t sums[4];
            const unsigned n = ese_page_checksums(page, page_size, pgno, sums);
            if (n != ese_page_block_count(page_size) || sums[0] != ese_load_u64(page))
                failures++;
            for (unsigned i = 1; i < n; ++i)
                if (sums[i] != ese_load_u64(page + 32 + 8 * i))
                    failures++;
            if (page_size > ESE_SMALL_PAGE_MAX && ese_load_u32(page + ESE_PGHDR_OFF_PGNO) != pgno)
                failures++;
            /* Legacy format (facts 6.2). */
            ese_page_stamp_legacy(page, page_size, pgno);
            if (ese_page_verify(page, page_size, pgno, &check) != ESE_PAGE_OK || check.new_format ||
                ese_load_u32(page + 4) != pgno)
                failures++;
        }
        CHECK(failures == 0, "page round trips at %zu: %d failures", page_size, failures);
    }
    CHECK(!ese_page_stamp(page, 12288, 1), "12 KiB page size rejected");
    CHECK(ese_page_verify(page, 1024, 1, NULL) == ESE_PAGE_INVALID_SIZE, "1 KiB page size rejected");
    free(page);
}

static void test_uninitialized_and_wrong_pgno(void)
{
    uint8_t *page = xmalloc(ESE_PAGE_SIZE_MAX);
    for (size_t s = 0; s < N_PAGE_SIZES; ++s) {
        const size_t page_size = page_sizes[s];
        memset(page, 0, page_size);
        CHECK(ese_page_verify(page, page_size, 5, NULL) == ESE_PAGE_UNINITIALIZED,
              "zero page uninitialized (%zu)", page_size);

        make_random_page(page, page_size, 7);
        ese_page_check check;
        ese_page_status st = ese_page_verify(page, page_size, 9, &check);
        CHECK(st == ESE_PAGE_WRONG_PGNO && check.claimed_pgno == 7,
              "page 7 read as 9 (%zu): %s claimed %" PRIu32, page_size, ese_page_status_name(st),
              check.claimed_pgno);

        ese_page_stamp_legacy(page, page_size, 7);
        st = ese_page_verify(page, page_size, 9, &check);
        CHECK(st == ESE_PAGE_WRONG_PGNO && check.claimed_pgno == 7,
              "legacy page 7 read as 9 (%zu): %s", page_size, ese_page_status_name(st));
        page[100] ^= 1;
        CHECK(ese_page_verify(page, page_size, 7, NULL) == ESE_PAGE_BAD,
              "legacy page with a flipped bit is bad (%zu)", page_size);
    }
    free(page);
}

static void test_single_bit_correction(void)
{
    uint8_t *page = xmalloc(ESE_PAGE_SIZE_MAX);
    uint8_t *original = xmalloc(ESE_PAGE_SIZE_MAX);
    for (size_t s = 0; s < N_PAGE_SIZES; ++s) {
        const size_t page_size = page_sizes[s];
        int wrong = 0;
        for (int round = 0; round < 300; ++round) {
            const uint32_t pgno = 1 + rng_below(100000);
            make_random_page(original, page_size, pgno);
            memcpy(page, original, page_size);
            uint32_t bit = random_repairable_bit(page_size);
            if (round < 8 && page_size > ESE_SMALL_PAGE_MAX)
                bit = 320 + rng_below(192); /* inside the stored block checksums */
            ese_flip_bit(page, bit);
            ese_page_check check;
            if (ese_page_verify(page, page_size, pgno, &check) != ESE_PAGE_CORRECTABLE ||
                check.error_bits != 1 || check.bit[0] != bit) {
                wrong++;
                continue;
            }
            if (ese_page_correct(page, page_size, pgno, &check) != ESE_PAGE_CORRECTABLE ||
                memcmp(page, original, page_size) != 0 ||
                ese_page_verify(page, page_size, pgno, NULL) != ESE_PAGE_OK)
                wrong++;
        }
        CHECK(wrong == 0, "single flips at %zu: %d not located/corrected", page_size, wrong);

        /* Two flips in one block: never correctable (SEC-DED). */
        int not_bad = 0;
        for (int round = 0; round < 300; ++round) {
            make_random_page(page, page_size, 3);
            const size_t block = page_size / ese_page_block_count(page_size);
            const uint32_t first = random_repairable_bit(block);
            uint32_t second;
            do
                second = random_repairable_bit(block);
            while (second == first);
            ese_flip_bit(page, first);
            ese_flip_bit(page, second);
            memcpy(original, page, page_size);
            if (ese_page_verify(page, page_size, 3, NULL) != ESE_PAGE_BAD ||
                ese_page_correct(page, page_size, 3, NULL) != ESE_PAGE_BAD ||
                memcmp(page, original, page_size) != 0)
                not_bad++;
        }
        CHECK(not_bad == 0, "double flips at %zu: %d not reported bad", page_size, not_bad);

        /* The format flag bit is never "corrected" (facts 6.3 step 4). */
        make_random_page(page, page_size, 3);
        ese_flip_bit(page, ESE_NEW_CHECKSUM_FLAG_BIT);
        CHECK(ese_page_verify(page, page_size, 3, NULL) == ESE_PAGE_BAD,
              "flag bit flip is bad (%zu)", page_size);
    }

    /* Large pages: one flip in each of two blocks is repairable block by
     * block, as ESE does. */
    make_random_page(original, 16384, 42);
    memcpy(page, original, 16384);
    ese_flip_bit(page, 4096 * 8 + 1234);
    ese_flip_bit(page, 3 * 4096 * 8 + 99);
    ese_page_check check;
    ese_page_status st = ese_page_correct(page, 16384, 42, &check);
    CHECK(st == ESE_PAGE_CORRECTABLE && check.error_bits == 2 &&
              check.bit[0] == 4096 * 8 + 1234 && check.bit[1] == 3 * 4096 * 8 + 99 &&
              memcmp(page, original, 16384) == 0,
          "two blocks with one flip each: %s, %" PRIu32 " bits", ese_page_status_name(st),
          check.error_bits);
    free(page);
    free(original);
}

static void test_block_error_bit(void)
{
    /* facts 11: page 3 with bit 8005 flipped. */
    const uint64_t stored = 0x7E3D01C20099DBBAull;
    const uint64_t computed = 0x1E871E870099DB9Aull;
    CHECK(ese_block_error_bit(4096, stored, computed) == 8005, "worked example bit 8005");
    CHECK(ese_block_error_bit(4096, stored, stored ^ 3) == -1, "xor-only difference not a bit");
}

static void test_batch_verify(void)
{
    const size_t page_size = 8192, npages = 12;
    uint8_t *buf = xmalloc(page_size * npages);
    const uint32_t first = 100;
    for (size_t i = 0; i < npages; ++i)
        make_random_page(buf + i * page_size, page_size, first + (uint32_t)i);
    memset(buf + 2 * page_size, 0, page_size);        /* 102 uninitialized */
    ese_flip_bit(buf + 4 * page_size, 5000);          /* 104 correctable */
    make_random_page(buf + 6 * page_size, page_size, 999); /* 106 wrong pgno */
    buf[9 * page_size + 77] ^= 0x11;                  /* 109 bad */

    ese_page_check problems[8];
    ese_verify_totals totals;
    memset(&totals, 0, sizeof totals);
    size_t n = ese_verify_pages(buf, page_size, npages, first, problems, 8, &totals);
    CHECK(n == 3, "batch: %zu problems", n);
    CHECK(n == 3 && problems[0].pgno == 104 && problems[0].status == ESE_PAGE_CORRECTABLE &&
              problems[0].bit[0] == 5000,
          "batch problem 0");
    CHECK(n == 3 && problems[1].pgno == 106 && problems[1].status == ESE_PAGE_WRONG_PGNO &&
              problems[1].claimed_pgno == 999,
          "batch problem 1");
    CHECK(n == 3 && problems[2].pgno == 109 && problems[2].status == ESE_PAGE_BAD, "batch problem 2");
    CHECK(totals.pages == 12 && totals.ok == 8 && totals.uninitialized == 1 &&
              totals.correctable == 1 && totals.wrong_pgno == 1 && totals.bad == 1,
          "batch totals");
    /* Only the first problem wanted; totals accumulate. */
    n = ese_verify_pages(buf, page_size, npages, first, problems, 1, &totals);
    CHECK(n == 3 && problems[0].pgno == 104 && totals.pages == 24 && totals.bad == 2,
          "batch first-only + accumulation");
    CHECK(ese_verify_pages(buf, 3000, 1, 1, NULL, 0, NULL) == (size_t)-1, "batch invalid size");
    free(buf);
}

static void test_log_segment(void)
{
    uint8_t seg[ESE_LOG_SEGMENT_SIZE];
    rng_fill(seg, sizeof seg);
    ese_lgpos pos = {0, 57, 12};
    ese_lgpos_store(seg + ESE_LGSEG_OFF_LGPOS, &pos);
    ese_log_segment_stamp(seg);
    CHECK(ese_log_segment_verify(seg, NULL) == ESE_PAGE_OK, "stamped segment verifies");
    /* facts 6.4: the same block function with isec in place of pgno. */
    CHECK(ese_load_u64(seg) == ese_block_checksum(seg, 4096, 57, true), "segment uses isec");
    ese_flip_bit(seg, 20000);
    ese_page_check check;
    CHECK(ese_log_segment_verify(seg, &check) == ESE_PAGE_CORRECTABLE && check.bit[0] == 20000,
          "segment single flip located");
    ese_flip_bit(seg, 20001);
    CHECK(ese_log_segment_verify(seg, NULL) == ESE_PAGE_BAD, "segment double flip bad");
    memset(seg, 0, sizeof seg);
    CHECK(ese_log_segment_verify(seg, NULL) == ESE_PAGE_UNINITIALIZED, "zero segment unused");
}

static void test_records(void)
{
    /* facts 11: signDb of the secedit sample. */
    static const uint8_t sig_bytes[28] = {0xe4, 0x28, 0x10, 0x1f, 0x25, 0x10, 0x0f, 0x02,
                                          0x07, 0x7c, 0xe5, 0x08};
    ese_signature sig;
    ese_signature_load(sig_bytes, &sig);
    CHECK(sig.random == 0x1F1028E4u && sig.created.year == 2024 && sig.created.month == 7 &&
              sig.created.day == 2 && sig.created.hour == 15 && sig.created.minute == 16 &&
              sig.created.second == 37 && sig.created.millisecond == 626 && sig.created.utc &&
              sig.computer_name[0] == '\0',
          "signature decode");
    uint8_t back[28];
    ese_signature_store(back, &sig);
    CHECK(memcmp(back, sig_bytes, 28) == 0, "signature round trip");

    uint8_t zero[8] = {0};
    ese_logtime t;
    ese_logtime_load(zero, &t);
    CHECK(!ese_logtime_is_set(zero) && t.year == 0 && t.month == 0, "unset logtime");
    ese_logtime_store(back, &t);
    CHECK(memcmp(back, zero, 8) == 0, "unset logtime stores zeros");

    ese_lgpos a = {0, 33, 2}, b = {5, 32, 2}, c = {0, 0, 3};
    CHECK(ese_lgpos_compare(&a, &b) > 0 && ese_lgpos_compare(&b, &c) < 0 &&
              ese_lgpos_compare(&a, &a) == 0,
          "lgpos order");
    uint8_t raw[8];
    ese_lgpos_store(raw, &a);
    static const uint8_t expected_raw[8] = {0x00, 0x00, 0x21, 0x00, 0x02, 0x00, 0x00, 0x00};
    CHECK(memcmp(raw, expected_raw, 8) == 0, "lgpos bytes (facts 11, gen 2 isec 33)");

    ese_bkinfo bk = {{799, 1, 123627}, {2023, 10, 31, 2, 57, 7, 597, true, false}, 123620, 123627};
    uint8_t bk_raw[24];
    ese_bkinfo_store(bk_raw, &bk);
    ese_bkinfo bk2;
    ese_bkinfo_load(bk_raw, &bk2);
    CHECK(bk2.mark.ib == 799 && bk2.mark.generation == 123627 && bk2.mark_time.millisecond == 597 &&
              bk2.mark_time.year == 2023 && bk2.gen_low == 123620 && bk2.gen_high == 123627,
          "bkinfo round trip");
}

/* ---------------------------------------------------------------------- */
/* SHA-256 */

static void hex(const uint8_t *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static void sha256_with(ese_sha256_impl impl, const void *data, size_t len, uint8_t out[32])
{
    ese_sha256_ctx ctx;
    ese_sha256_init_impl(&ctx, impl);
    ese_sha256_update(&ctx, data, len);
    ese_sha256_final(&ctx, out);
}

static void test_sha256(void)
{
    static const struct {
        const char *message;
        const char *digest;
    } vectors[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    static const char million_a[] =
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

    ese_sha256_impl impls[3] = {ESE_SHA256_PORTABLE, ESE_SHA256_X86_SHANI, ESE_SHA256_ARMV8};
    char text[65];
    uint8_t digest[32], reference[32];
    char *a_million = xmalloc(1000000);
    memset(a_million, 'a', 1000000);
    int implementations_tested = 0;
    for (int k = 0; k < 3; ++k) {
        const ese_sha256_impl impl = impls[k];
        if (!ese_sha256_available(impl)) {
            printf("  sha256 %s: not available here, skipped\n", ese_sha256_impl_name(impl));
            continue;
        }
        implementations_tested++;
        for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; ++v) {
            sha256_with(impl, vectors[v].message, strlen(vectors[v].message), digest);
            hex(digest, 32, text);
            CHECK(strcmp(text, vectors[v].digest) == 0, "sha256[%s](\"%s\") = %s",
                  ese_sha256_impl_name(impl), vectors[v].message, text);
        }
        /* The million 'a's fed in awkward pieces to exercise buffering. */
        ese_sha256_ctx ctx;
        ese_sha256_init_impl(&ctx, impl);
        size_t fed = 0, piece = 1;
        while (fed < 1000000) {
            size_t n = piece < 1000000 - fed ? piece : 1000000 - fed;
            ese_sha256_update(&ctx, a_million + fed, n);
            fed += n;
            piece = piece * 3 + 1;
            if (piece > 70000)
                piece = 7;
        }
        ese_sha256_final(&ctx, digest);
        hex(digest, 32, text);
        CHECK(strcmp(text, million_a) == 0, "sha256[%s](1M a) = %s", ese_sha256_impl_name(impl), text);
    }
    CHECK(implementations_tested >= 1, "at least the portable SHA-256 ran");

    /* Every implementation agrees with the portable one on random lengths
     * and random chunkings. */
    uint8_t *data = xmalloc(5000);
    int disagreements = 0;
    for (int round = 0; round < 300; ++round) {
        const size_t len = rng_below(5000);
        rng_fill(data, len);
        sha256_with(ESE_SHA256_PORTABLE, data, len, reference);
        for (int k = 1; k < 3; ++k) {
            if (!ese_sha256_available(impls[k]))
                continue;
            ese_sha256_ctx ctx;
            ese_sha256_init_impl(&ctx, impls[k]);
            size_t fed = 0;
            while (fed < len) {
                size_t n = 1 + rng_below(200);
                if (n > len - fed)
                    n = len - fed;
                ese_sha256_update(&ctx, data + fed, n);
                fed += n;
            }
            ese_sha256_final(&ctx, digest);
            if (memcmp(digest, reference, 32) != 0)
                disagreements++;
        }
    }
    CHECK(disagreements == 0, "sha256 implementations disagree %d times", disagreements);

    /* Selection API. */
    const ese_sha256_impl before = ese_sha256_current();
    CHECK(ese_sha256_select(ESE_SHA256_PORTABLE) && ese_sha256_current() == ESE_SHA256_PORTABLE,
          "select portable");
    ese_sha256_ctx ctx;
    ese_sha256_init(&ctx);
    CHECK(ctx.impl == ESE_SHA256_PORTABLE, "new contexts follow the selection");
    CHECK(ese_sha256_select(before), "restore selection");
    CHECK(ese_sha256_available(ESE_SHA256_ARMV8) || !ese_sha256_select(ESE_SHA256_ARMV8),
          "unavailable implementation refused");
    printf("  sha256 implementation in use: %s\n", ese_sha256_impl_name(ese_sha256_current()));
    free(data);
    free(a_million);
}

/* ---------------------------------------------------------------------- */
/* Worked examples from real files (facts 11). */

static uint8_t *read_file(const char *dir, const char *name, size_t *len_out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 20, len = 0;
    uint8_t *buf = xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            uint8_t *bigger = realloc(buf, cap);
            if (bigger == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    *len_out = len;
    return buf;
}

static void test_samples(const char *dir)
{
    size_t len = 0;
    uint8_t *db = read_file(dir, "secedit-win11-22631.sdb", &len);
    if (db == NULL) {
        printf("  samples not found in %s: worked examples skipped\n", dir);
        return;
    }
    CHECK(ese_load_u32(db) == 0xBC68D3A2u && ese_header_checksum(db, 4096) == 0xBC68D3A2u,
          "secedit header checksum 0xBC68D3A2");
    CHECK(ese_header_verify(db + 4096, 4096) && memcmp(db, db + 4096, 4096) == 0,
          "secedit shadow identical and verifies");
    CHECK(ese_detect_page_size(db, len) == 4096, "secedit page size 4096");
    CHECK(ese_load_u32(db + ESE_DBHDR_OFF_FILE_TYPE) == ESE_FILETYPE_DATABASE &&
              ese_load_u32(db + ESE_DBHDR_OFF_DBSTATE) == ESE_DBSTATE_CLEAN_SHUTDOWN &&
              ese_load_u32(db + ESE_DBHDR_OFF_FORMAT_REVISION) == 0xE6,
          "secedit header fields");

    static const struct {
        uint32_t flags, xor_data, ecc;
    } pages[3] = {
        {0xA803, 0x0001A772u, 0x7FDF7FDFu},
        {0xA823, 0x00EC59D9u, 0x01920192u},
        {0x12823, 0x0099DBB9u, 0x7E3D01C2u},
    };
    for (uint32_t pgno = 1; pgno <= 3; ++pgno) {
        const uint8_t *page = db + (pgno + 1) * 4096;
        const uint64_t sum = ese_block_checksum(page, 4096, pgno, true);
        CHECK(ese_load_u32(page + 36) == pages[pgno - 1].flags, "page %u flags", pgno);
        CHECK((uint32_t)sum == (pages[pgno - 1].xor_data ^ pgno) &&
                  (uint32_t)(sum >> 32) == pages[pgno - 1].ecc && sum == ese_load_u64(page),
              "page %u checksum %016" PRIx64, pgno, sum);
        CHECK(ese_page_verify(page, 4096, pgno, NULL) == ESE_PAGE_OK, "page %u verifies", pgno);
    }
    /* Negative control: flip bit 8005 of page 3. */
    uint8_t page3[4096];
    memcpy(page3, db + 4 * 4096, 4096);
    ese_flip_bit(page3, 8005);
    const uint64_t damaged = ese_block_checksum(page3, 4096, 3, true);
    CHECK(damaged == 0x1E871E870099DB9Aull, "damaged page 3 computes %016" PRIx64, damaged);
    CHECK((uint32_t)((damaged ^ ese_load_u64(page3)) >> 32) == 0x60BA1F45u, "ECC difference");
    ese_page_check check;
    CHECK(ese_page_correct(page3, 4096, 3, &check) == ESE_PAGE_CORRECTABLE && check.bit[0] == 8005 &&
              memcmp(page3, db + 4 * 4096, 4096) == 0,
          "bit 8005 located and corrected");
    ese_verify_totals totals;
    memset(&totals, 0, sizeof totals);
    size_t problems = ese_verify_pages(db + 2 * 4096, 4096, len / 4096 - 2, 1, NULL, 0, &totals);
    CHECK(problems == 0 && totals.ok == 36 && totals.uninitialized == 218,
          "secedit: %zu problems, %" PRIu64 " ok, %" PRIu64 " uninit", problems, totals.ok,
          totals.uninitialized);
    free(db);

    db = read_file(dir, "decompress_test-8k.edb", &len);
    if (db != NULL) {
        CHECK(ese_detect_page_size(db, len) == 8192, "8k sample page size");
        CHECK(ese_load_u64(db + 2 * 8192) == 0x00ccff330001b77cull &&
                  ese_page_verify(db + 2 * 8192, 8192, 1, NULL) == ESE_PAGE_OK,
              "8k page 1 checksum");
        free(db);
    }
    db = read_file(dir, "qmgr-16k.db", &len);
    if (db != NULL) {
        uint64_t sums[4];
        CHECK(ese_detect_page_size(db, len) == 16384, "16k sample page size");
        const unsigned n = ese_page_checksums(db + 2 * 16384, 16384, 1, sums);
        CHECK(n == 4 && sums[0] == 0x7d4a02b5001ae81full && sums[1] == 1 && sums[2] == 1 &&
                  sums[3] == 0x001b7fe400000011ull,
              "16k page 1 block checksums");
        memset(&totals, 0, sizeof totals);
        problems = ese_verify_pages(db + 2 * 16384, 16384, len / 16384 - 2, 1, NULL, 0, &totals);
        CHECK(problems == 0 && totals.ok == 43, "qmgr: %zu problems, %" PRIu64 " ok", problems,
              totals.ok);
        free(db);
    }
}

/* ---------------------------------------------------------------------- */
/* Micro-benchmarks: print MB/s, never assert on speed. */

static double now_seconds(void)
{
#ifdef TIME_UTC
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
#else /* C libraries without C11 timespec_get (older mingw-w64) */
    return (double)clock() / CLOCKS_PER_SEC;
#endif
}

static volatile uint64_t benchmark_sink;

static void report(const char *what, size_t bytes, int reps, double seconds)
{
    printf("  bench %-34s %9.0f MB/s\n", what, (double)bytes * reps / seconds / 1e6);
}

static void run_benchmarks(void)
{
    const char *env = getenv("ESEFORMAT_BENCH_MB");
    const size_t mb = env ? (size_t)strtoul(env, NULL, 10) : 64;
    if (mb == 0)
        return;
    const size_t len = mb << 20;
    uint8_t *buf = xmalloc(len);
    rng_fill(buf, len);
    const int reps = 3;

    for (size_t s = 1; s < N_PAGE_SIZES; ++s) { /* 4, 8, 16, 32 KiB */
        const size_t page_size = page_sizes[s];
        const size_t npages = len / page_size;
        for (size_t i = 0; i < npages; ++i)
            make_random_page(buf + i * page_size, page_size, 1 + (uint32_t)i);
        double t0 = now_seconds();
        size_t problems = 0;
        for (int r = 0; r < reps; ++r)
            problems += ese_verify_pages(buf, page_size, npages, 1, NULL, 0, NULL);
        char label[64];
        snprintf(label, sizeof label, "verify_pages %zu KiB", page_size / 1024);
        report(label, npages * page_size, reps, now_seconds() - t0);
        benchmark_sink += problems;
    }
    double t0 = now_seconds();
    for (int r = 0; r < reps; ++r)
        for (size_t off = 0; off + 8192 <= len; off += 8192)
            benchmark_sink += ese_block_checksum(buf + off, 8192, 1, false);
    report("block checksum 8 KiB blocks", len, reps, now_seconds() - t0);
    /* The same over 256 KiB again and again: cache-resident, so this shows
     * the arithmetic's speed rather than memory bandwidth. */
    const size_t hot = (size_t)256 << 10;
    const int hot_reps = (int)(len / hot) * reps;
    t0 = now_seconds();
    for (int r = 0; r < hot_reps; ++r)
        for (size_t off = 0; off < hot; off += 8192)
            benchmark_sink += ese_block_checksum(buf + off, 8192, (uint32_t)r, false);
    report("block checksum 8 KiB, cache-resident", hot, hot_reps, now_seconds() - t0);
    t0 = now_seconds();
    for (int r = 0; r < reps; ++r)
        benchmark_sink += ese_header_checksum(buf, len);
    report("XOR-32 header checksum", len, reps, now_seconds() - t0);

    ese_sha256_impl impls[3] = {ESE_SHA256_PORTABLE, ESE_SHA256_X86_SHANI, ESE_SHA256_ARMV8};
    for (int k = 0; k < 3; ++k) {
        if (!ese_sha256_available(impls[k]))
            continue;
        uint8_t digest[32];
        t0 = now_seconds();
        sha256_with(impls[k], buf, len, digest);
        benchmark_sink += digest[0];
        char label[64];
        snprintf(label, sizeof label, "sha256 %s", ese_sha256_impl_name(impls[k]));
        report(label, len, 1, now_seconds() - t0);
    }
    free(buf);
}

int main(int argc, char **argv)
{
    const char *samples = argc > 1 ? argv[1] : getenv("ESE_SAMPLES");
    if (samples == NULL)
        samples = "../shared/ese-samples";
    const char *seed = getenv("ESEFORMAT_TEST_SEED");
    if (seed != NULL)
        rng_state = strtoull(seed, NULL, 0) | 1u;
    printf("eseformat tests (seed 0x%016" PRIx64 ")\n", rng_state);

    test_block_checksum_matches_reference();
    test_header_checksum();
    test_page_round_trips();
    test_uninitialized_and_wrong_pgno();
    test_single_bit_correction();
    test_block_error_bit();
    test_batch_verify();
    test_log_segment();
    test_records();
    test_sha256();
    test_samples(samples);
    run_benchmarks();

    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return tests_failed == 0 ? 0 : 1;
}
