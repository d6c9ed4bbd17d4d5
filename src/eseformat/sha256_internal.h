/*
 * sha256_internal.h - private glue between the SHA-256 front end
 * (sha256.c) and its per-architecture block functions.  Not installed, not
 * part of the public API.
 */
#ifndef ESEFORMAT_SHA256_INTERNAL_H
#define ESEFORMAT_SHA256_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A lazily computed int shared by threads (an implementation choice, a CPU
 * feature answer).  Racing writers store the same value, so relaxed atomics
 * suffice; without C11 atomics (MSVC's default C mode) an aligned volatile int
 * cannot tear either. */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && \
    !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
typedef atomic_int ese_lazy_int;
#define ESE_LAZY_LOAD(var) atomic_load_explicit(&(var), memory_order_relaxed)
#define ESE_LAZY_STORE(var, value) atomic_store_explicit(&(var), (value), memory_order_relaxed)
#else
typedef volatile int ese_lazy_int;
#define ESE_LAZY_LOAD(var) (var)
#define ESE_LAZY_STORE(var, value) ((var) = (value))
#endif

/* FIPS 180-4 round constants K0..K63. */
extern const uint32_t ese_sha256_round_constants[64];

/* Each block function runs the compression function over nblocks
 * consecutive 64-byte blocks, updating state[8] (A..H) in place. */
typedef void (*ese_sha256_blocks_fn)(uint32_t state[8], const uint8_t *data,
                                     size_t nblocks);

void ese_sha256_blocks_portable(uint32_t state[8], const uint8_t *data,
                                size_t nblocks);

/* x86 SHA extensions (sha256_x86.c).  When the build or CPU lacks them,
 * _supported() is false and the block function must not be called. */
bool ese_sha256_x86_shani_supported(void);
void ese_sha256_blocks_x86_shani(uint32_t state[8], const uint8_t *data,
                                 size_t nblocks);

/* ARMv8 SHA2 instructions (sha256_arm.c), same contract. */
bool ese_sha256_armv8_supported(void);
void ese_sha256_blocks_armv8(uint32_t state[8], const uint8_t *data,
                             size_t nblocks);

#endif /* ESEFORMAT_SHA256_INTERNAL_H */
