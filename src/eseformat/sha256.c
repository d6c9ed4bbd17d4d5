/*
 * sha256.c - SHA-256 (FIPS 180-4): streaming front end, run-time choice of
 * implementation, and the portable block function.
 *
 * The backup path hashes every byte it copies, so the hardware paths
 * (sha256_x86.c, sha256_arm.c) matter; the portable code is the reference
 * they are tested against and the fallback everywhere else.
 */
#if defined(_MSC_VER) && !defined(_CRT_SECURE_NO_WARNINGS)
#define _CRT_SECURE_NO_WARNINGS /* getenv is fine here: read once, not kept */
#endif

#include "eseformat.h"
#include "sha256_internal.h"

#include <stdlib.h>
#include <string.h>

const uint32_t ese_sha256_round_constants[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u,
    0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u,
    0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
    0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au,
    0x5b9cca4fu, 0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static const uint32_t initial_state[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

/* ======================================================================
 * Portable block function
 * ==================================================================== */

ESE_INLINE uint32_t rotr32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32u - n));
}

ESE_INLINE uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

#define BIG_SIGMA0(x) (rotr32((x), 2) ^ rotr32((x), 13) ^ rotr32((x), 22))
#define BIG_SIGMA1(x) (rotr32((x), 6) ^ rotr32((x), 11) ^ rotr32((x), 25))
#define SMALL_SIGMA0(x) (rotr32((x), 7) ^ rotr32((x), 18) ^ ((x) >> 3))
#define SMALL_SIGMA1(x) (rotr32((x), 17) ^ rotr32((x), 19) ^ ((x) >> 10))
#define CHOOSE(e, f, g) (((e) & ((f) ^ (g))) ^ (g))
#define MAJORITY(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

/* One round with the working variables named by position, so eight
 * consecutive rounds can rotate names instead of moving eight values. */
#define ROUND(a, b, c, d, e, f, g, h, i)                                         \
    do {                                                                         \
        const uint32_t t1_ = (h) + BIG_SIGMA1(e) + CHOOSE((e), (f), (g)) +       \
                             ese_sha256_round_constants[(i)] + w[(i) & 15];      \
        (d) += t1_;                                                              \
        (h) = t1_ + BIG_SIGMA0(a) + MAJORITY((a), (b), (c));                     \
    } while (0)

/* Message schedule in a 16-word ring: W[i] replaces W[i - 16]. */
#define SCHEDULE(i)                                                              \
    (w[(i) & 15] += SMALL_SIGMA1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] +        \
                    SMALL_SIGMA0(w[((i) - 15) & 15]))

void ese_sha256_blocks_portable(uint32_t state[8], const uint8_t *data,
                                size_t nblocks)
{
    uint32_t w[16];
    for (; nblocks > 0; --nblocks, data += 64) {
        for (unsigned i = 0; i < 16; ++i)
            w[i] = load_be32(data + 4 * i);
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (unsigned i = 0; i < 64; i += 8) {
            if (i >= 16) {
                for (unsigned j = i; j < i + 8; ++j)
                    SCHEDULE(j);
            }
            ROUND(a, b, c, d, e, f, g, h, i + 0);
            ROUND(h, a, b, c, d, e, f, g, i + 1);
            ROUND(g, h, a, b, c, d, e, f, i + 2);
            ROUND(f, g, h, a, b, c, d, e, i + 3);
            ROUND(e, f, g, h, a, b, c, d, i + 4);
            ROUND(d, e, f, g, h, a, b, c, i + 5);
            ROUND(c, d, e, f, g, h, a, b, i + 6);
            ROUND(b, c, d, e, f, g, h, a, i + 7);
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

/* ======================================================================
 * Implementation choice
 * ==================================================================== */

/* The process-wide choice, -1 until first use (see ese_lazy_int). */
static ese_lazy_int selected_impl = -1;

bool ese_sha256_available(ese_sha256_impl impl)
{
    switch (impl) {
    case ESE_SHA256_AUTO:
    case ESE_SHA256_PORTABLE:
        return true;
    case ESE_SHA256_X86_SHANI:
        return ese_sha256_x86_shani_supported();
    case ESE_SHA256_ARMV8:
        return ese_sha256_armv8_supported();
    }
    return false;
}

static bool portable_forced_by_environment(void)
{
    const char *value = getenv("ESENT_SHA256_PORTABLE");
    return value != NULL && value[0] != '\0' && strcmp(value, "0") != 0;
}

static ese_sha256_impl detect_best(void)
{
    if (portable_forced_by_environment())
        return ESE_SHA256_PORTABLE;
    if (ese_sha256_x86_shani_supported())
        return ESE_SHA256_X86_SHANI;
    if (ese_sha256_armv8_supported())
        return ESE_SHA256_ARMV8;
    return ESE_SHA256_PORTABLE;
}

ese_sha256_impl ese_sha256_current(void)
{
    int impl = ESE_LAZY_LOAD(selected_impl);
    if (impl < 0) {
        const ese_sha256_impl best = detect_best();
        impl = (int)best;
        ESE_LAZY_STORE(selected_impl, impl);
    }
    return (ese_sha256_impl)impl;
}

bool ese_sha256_select(ese_sha256_impl impl)
{
    if (impl == ESE_SHA256_AUTO) {
        const ese_sha256_impl best = detect_best();
        ESE_LAZY_STORE(selected_impl, (int)best);
        return true;
    }
    if (!ese_sha256_available(impl))
        return false;
    ESE_LAZY_STORE(selected_impl, (int)impl);
    return true;
}

const char *ese_sha256_impl_name(ese_sha256_impl impl)
{
    switch (impl) {
    case ESE_SHA256_AUTO:
        return "auto";
    case ESE_SHA256_PORTABLE:
        return "portable";
    case ESE_SHA256_X86_SHANI:
        return "sha-ni";
    case ESE_SHA256_ARMV8:
        return "armv8";
    }
    return "unknown";
}

static void run_blocks(ese_sha256_impl impl, uint32_t state[8],
                       const uint8_t *data, size_t nblocks)
{
    switch (impl) {
    case ESE_SHA256_X86_SHANI:
        ese_sha256_blocks_x86_shani(state, data, nblocks);
        return;
    case ESE_SHA256_ARMV8:
        ese_sha256_blocks_armv8(state, data, nblocks);
        return;
    case ESE_SHA256_AUTO: /* never stored in a context; be safe anyway */
    case ESE_SHA256_PORTABLE:
        break;
    }
    ese_sha256_blocks_portable(state, data, nblocks);
}

/* ======================================================================
 * Streaming API
 * ==================================================================== */

void ese_sha256_init(ese_sha256_ctx *ctx)
{
    (void)ese_sha256_init_impl(ctx, ESE_SHA256_AUTO);
}

bool ese_sha256_init_impl(ese_sha256_ctx *ctx, ese_sha256_impl impl)
{
    bool ok = true;
    memcpy(ctx->state, initial_state, sizeof ctx->state);
    ctx->total_bytes = 0;
    ctx->pending_len = 0;
    memset(ctx->pending, 0, sizeof ctx->pending);
    if (impl == ESE_SHA256_AUTO) {
        impl = ese_sha256_current();
    } else if (!ese_sha256_available(impl)) {
        impl = ESE_SHA256_PORTABLE;
        ok = false;
    }
    ctx->impl = impl;
    return ok;
}

void ese_sha256_update(ese_sha256_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    if (len == 0)
        return;
    ctx->total_bytes += len;
    if (ctx->pending_len > 0) {
        size_t take = ESE_SHA256_BLOCK_SIZE - ctx->pending_len;
        if (take > len)
            take = len;
        memcpy(ctx->pending + ctx->pending_len, p, take);
        ctx->pending_len += (uint32_t)take;
        p += take;
        len -= take;
        if (ctx->pending_len < ESE_SHA256_BLOCK_SIZE)
            return;
        run_blocks(ctx->impl, ctx->state, ctx->pending, 1);
        ctx->pending_len = 0;
    }
    /* Whole blocks straight from the caller's buffer: no copy. */
    const size_t nblocks = len / ESE_SHA256_BLOCK_SIZE;
    if (nblocks > 0) {
        run_blocks(ctx->impl, ctx->state, p, nblocks);
        p += nblocks * ESE_SHA256_BLOCK_SIZE;
        len -= nblocks * ESE_SHA256_BLOCK_SIZE;
    }
    if (len > 0) {
        memcpy(ctx->pending, p, len);
        ctx->pending_len = (uint32_t)len;
    }
}

void ese_sha256_final(ese_sha256_ctx *ctx, uint8_t digest[32])
{
    const uint64_t bit_length = ctx->total_bytes * 8u;
    uint8_t tail[2 * ESE_SHA256_BLOCK_SIZE];
    size_t n = ctx->pending_len;
    memset(tail, 0, sizeof tail);
    memcpy(tail, ctx->pending, n);
    tail[n++] = 0x80;
    /* The 8-byte length must end a block: one block if it still fits. */
    const size_t tail_len = (n + 8 <= ESE_SHA256_BLOCK_SIZE) ? ESE_SHA256_BLOCK_SIZE
                                                             : 2 * ESE_SHA256_BLOCK_SIZE;
    for (unsigned i = 0; i < 8; ++i)
        tail[tail_len - 1 - i] = (uint8_t)(bit_length >> (8 * i));
    run_blocks(ctx->impl, ctx->state, tail, tail_len / ESE_SHA256_BLOCK_SIZE);
    for (unsigned i = 0; i < 8; ++i) {
        digest[4 * i + 0] = (uint8_t)(ctx->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(ctx->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(ctx->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)ctx->state[i];
    }
    ctx->pending_len = 0;
}

void ese_sha256(const void *data, size_t len, uint8_t digest[32])
{
    ese_sha256_ctx ctx;
    ese_sha256_init(&ctx);
    ese_sha256_update(&ctx, data, len);
    ese_sha256_final(&ctx, digest);
}
