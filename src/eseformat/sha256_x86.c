/*
 * sha256_x86.c - SHA-256 block function using the x86 SHA extensions
 * (SHA-NI: SHA256RNDS2, SHA256MSG1, SHA256MSG2), chosen at run time.
 *
 * GCC and Clang compile the intrinsics through a per-function target
 * attribute, so the rest of the extension keeps its baseline ISA.  MSVC
 * accepts the intrinsics without any flag.  Elsewhere this file only
 * provides stubs that report "not supported".
 */
#include "eseformat.h"
#include "sha256_internal.h"

#if (defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)) && \
    (defined(__GNUC__) || defined(__clang__) || defined(_MSC_VER))
#define ESE_HAVE_X86_SHANI 1
#else
#define ESE_HAVE_X86_SHANI 0
#endif

#if ESE_HAVE_X86_SHANI

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#include <immintrin.h>
#define ESE_TARGET_SHANI
#else
#include <cpuid.h>
#include <immintrin.h>
#define ESE_TARGET_SHANI __attribute__((target("sha,sse4.1,ssse3")))
#endif

/* _mm_loadu/_mm_storeu take __m128i pointers but need no alignment. */
ESE_TARGET_SHANI ESE_INLINE __m128i load_128(const void *p)
{
    return _mm_loadu_si128((const __m128i *)p);
}

ESE_TARGET_SHANI ESE_INLINE void store_128(void *p, __m128i v)
{
    _mm_storeu_si128((__m128i *)p, v);
}

/* CPUID.1:ECX bit 9 SSSE3, bit 19 SSE4.1; CPUID.(7,0):EBX bit 29 SHA. */
static bool cpu_has_shani(void)
{
    unsigned max_leaf, ecx1, ebx7;
#if defined(_MSC_VER) && !defined(__clang__)
    int regs[4];
    __cpuid(regs, 0);
    max_leaf = (unsigned)regs[0];
    if (max_leaf < 7)
        return false;
    __cpuid(regs, 1);
    ecx1 = (unsigned)regs[2];
    __cpuidex(regs, 7, 0);
    ebx7 = (unsigned)regs[1];
#else
    unsigned eax, ebx, ecx, edx;
    max_leaf = (unsigned)__get_cpuid_max(0, NULL);
    if (max_leaf < 7)
        return false;
    __cpuid(1, eax, ebx, ecx, edx);
    ecx1 = ecx;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    ebx7 = ebx;
#endif
    return (ecx1 & (1u << 9)) && (ecx1 & (1u << 19)) && (ebx7 & (1u << 29));
}

/* cpuid traps to the hypervisor in some VMs; ask once.  -1 unknown, 0 no,
 * 1 yes. */
static ese_lazy_int shani_state = -1;

bool ese_sha256_x86_shani_supported(void)
{
    int state = ESE_LAZY_LOAD(shani_state);
    if (state < 0) {
        state = cpu_has_shani() ? 1 : 0;
        ESE_LAZY_STORE(shani_state, state);
    }
    return state == 1;
}

/* Four rounds: add the round constants to the four message words, then
 * SHA256RNDS2 twice (it consumes two words from the low half each time).
 * The state lives as ABEF / CDGH register pairs, the layout the
 * instruction wants; each RNDS2 turns the pair around. */
#define SHANI_4ROUNDS(msg, k_index)                                              \
    do {                                                                         \
        __m128i wk_ = _mm_add_epi32(                                             \
            (msg), load_128(&ese_sha256_round_constants[(k_index)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk_);                           \
        wk_ = _mm_shuffle_epi32(wk_, 0x0E);                                      \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, wk_);                           \
    } while (0)

/* W[t..t+3] from W[t-16..t-13] (a), W[t-12..] (b), W[t-8..] (c),
 * W[t-4..] (d); the result replaces a. */
#define SHANI_SCHEDULE(a, b, c, d)                                               \
    ((a) = _mm_sha256msg2_epu32(                                                 \
         _mm_add_epi32(_mm_sha256msg1_epu32((a), (b)), _mm_alignr_epi8((d), (c), 4)), \
         (d)))

ESE_TARGET_SHANI
void ese_sha256_blocks_x86_shani(uint32_t state[8], const uint8_t *data,
                                 size_t nblocks)
{
    /* Message words are big-endian; this shuffle swaps each dword. */
    const __m128i byte_swap =
        _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

    /* state A..H -> ABEF (lanes F,E,B,A) and CDGH (lanes H,G,D,C). */
    __m128i badc = _mm_shuffle_epi32(load_128(&state[0]), 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(load_128(&state[4]), 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);

    for (; nblocks > 0; --nblocks, data += 64) {
        const __m128i abef_start = abef, cdgh_start = cdgh;
        __m128i m0 = _mm_shuffle_epi8(load_128(data), byte_swap);
        __m128i m1 = _mm_shuffle_epi8(load_128(data + 16), byte_swap);
        __m128i m2 = _mm_shuffle_epi8(load_128(data + 32), byte_swap);
        __m128i m3 = _mm_shuffle_epi8(load_128(data + 48), byte_swap);

        SHANI_4ROUNDS(m0, 0);
        SHANI_4ROUNDS(m1, 4);
        SHANI_4ROUNDS(m2, 8);
        SHANI_4ROUNDS(m3, 12);
        for (unsigned k = 16; k < 64; k += 16) {
            SHANI_SCHEDULE(m0, m1, m2, m3);
            SHANI_4ROUNDS(m0, k);
            SHANI_SCHEDULE(m1, m2, m3, m0);
            SHANI_4ROUNDS(m1, k + 4);
            SHANI_SCHEDULE(m2, m3, m0, m1);
            SHANI_4ROUNDS(m2, k + 8);
            SHANI_SCHEDULE(m3, m0, m1, m2);
            SHANI_4ROUNDS(m3, k + 12);
        }
        abef = _mm_add_epi32(abef, abef_start);
        cdgh = _mm_add_epi32(cdgh, cdgh_start);
    }

    /* Back to A..H order. */
    const __m128i abef_ordered = _mm_shuffle_epi32(abef, 0x1B); /* A B E F */
    const __m128i ghcd = _mm_shuffle_epi32(cdgh, 0xB1);         /* G H C D */
    store_128(&state[0], _mm_blend_epi16(abef_ordered, ghcd, 0xF0));
    store_128(&state[4], _mm_alignr_epi8(ghcd, abef_ordered, 8));
}

#else /* !ESE_HAVE_X86_SHANI */

bool ese_sha256_x86_shani_supported(void)
{
    return false;
}

void ese_sha256_blocks_x86_shani(uint32_t state[8], const uint8_t *data,
                                 size_t nblocks)
{
    /* Never selected on this build; stay correct if called anyway. */
    ese_sha256_blocks_portable(state, data, nblocks);
}

#endif
