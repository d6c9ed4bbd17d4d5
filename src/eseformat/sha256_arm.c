/*
 * sha256_arm.c - SHA-256 block function using the ARMv8 SHA2 instructions
 * (SHA256H, SHA256H2, SHA256SU0, SHA256SU1), chosen at run time.
 *
 * Built when the compiler targets AArch64 and either already enables SHA2
 * (e.g. Apple arm64, where every CPU has it) or is GCC, which can enable
 * it per function.  Detection: compile-time feature macro, else Linux
 * getauxval(AT_HWCAP).  Everything else (Windows on ARM, other compilers and
 * systems) uses the portable code.
 */
#include "sha256_internal.h"

#if defined(__aarch64__) && (defined(__ARM_FEATURE_SHA2) || defined(__ARM_FEATURE_CRYPTO))
#define ESE_HAVE_ARMV8_SHA2 1
#define ESE_ARMV8_SHA2_ALWAYS 1 /* baseline of the build: no run-time test */
#define ESE_TARGET_ARMV8_SHA2
#elif defined(__aarch64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define ESE_HAVE_ARMV8_SHA2 1
#define ESE_ARMV8_SHA2_ALWAYS 0
#define ESE_TARGET_ARMV8_SHA2 __attribute__((target("+crypto")))
#else
#define ESE_HAVE_ARMV8_SHA2 0
#endif

#if ESE_HAVE_ARMV8_SHA2

#include <arm_neon.h>

#if !ESE_ARMV8_SHA2_ALWAYS
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1ul << 6) /* AArch64 Linux hwcap bit for SHA2 */
#endif
#endif

bool ese_sha256_armv8_supported(void)
{
#if ESE_ARMV8_SHA2_ALWAYS
    return true;
#else
    return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
#endif
}

/* Four rounds: SHA256H updates ABCD, SHA256H2 updates EFGH from the
 * previous ABCD, both consuming the same four W+K words. */
#define ARM_4ROUNDS(msg, k_index)                                                \
    do {                                                                         \
        const uint32x4_t wk_ = vaddq_u32((msg), vld1q_u32(&ese_sha256_round_constants[(k_index)])); \
        const uint32x4_t abcd_before_ = abcd;                                    \
        abcd = vsha256hq_u32(abcd, efgh, wk_);                                   \
        efgh = vsha256h2q_u32(efgh, abcd_before_, wk_);                          \
    } while (0)

/* W[t..t+3] from the previous 16 words; the result replaces a. */
#define ARM_SCHEDULE(a, b, c, d) ((a) = vsha256su1q_u32(vsha256su0q_u32((a), (b)), (c), (d)))

ESE_TARGET_ARMV8_SHA2
void ese_sha256_blocks_armv8(uint32_t state[8], const uint8_t *data,
                             size_t nblocks)
{
    uint32x4_t abcd = vld1q_u32(&state[0]);
    uint32x4_t efgh = vld1q_u32(&state[4]);
    for (; nblocks > 0; --nblocks, data += 64) {
        const uint32x4_t abcd_start = abcd, efgh_start = efgh;
        /* Message words are big-endian: reverse bytes within each word. */
        uint32x4_t m0 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 0)));
        uint32x4_t m1 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 16)));
        uint32x4_t m2 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 32)));
        uint32x4_t m3 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 48)));

        ARM_4ROUNDS(m0, 0);
        ARM_4ROUNDS(m1, 4);
        ARM_4ROUNDS(m2, 8);
        ARM_4ROUNDS(m3, 12);
        for (unsigned k = 16; k < 64; k += 16) {
            ARM_SCHEDULE(m0, m1, m2, m3);
            ARM_4ROUNDS(m0, k);
            ARM_SCHEDULE(m1, m2, m3, m0);
            ARM_4ROUNDS(m1, k + 4);
            ARM_SCHEDULE(m2, m3, m0, m1);
            ARM_4ROUNDS(m2, k + 8);
            ARM_SCHEDULE(m3, m0, m1, m2);
            ARM_4ROUNDS(m3, k + 12);
        }
        abcd = vaddq_u32(abcd, abcd_start);
        efgh = vaddq_u32(efgh, efgh_start);
    }
    vst1q_u32(&state[0], abcd);
    vst1q_u32(&state[4], efgh);
}

#else /* !ESE_HAVE_ARMV8_SHA2 */

bool ese_sha256_armv8_supported(void)
{
    return false;
}

void ese_sha256_blocks_armv8(uint32_t state[8], const uint8_t *data,
                             size_t nblocks)
{
    /* Never selected on this build; stay correct if called anyway. */
    ese_sha256_blocks_portable(state, data, nblocks);
}

#endif
