/* fault.c -- see fault.h.  Counters are C11 atomics, so arming costs nothing when disarmed. */
#define _POSIX_C_SOURCE 200809L
#include "fault.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_uint_fast64_t g_count[FAULT_KIND_COUNT];
static atomic_uint_fast64_t g_fail_at[FAULT_KIND_COUNT]; /* absolute count that fails; 0 = none */
static atomic_int g_flavour[FAULT_KIND_COUNT];
static atomic_int g_env_read;

static const char *const k_kind_names[FAULT_KIND_COUNT] = {"alloc", "read", "write", "fsync"};

void fault_arm(fault_kind kind, uint64_t nth, fault_flavour flavour)
{
    if ((unsigned)kind >= FAULT_KIND_COUNT)
        return;
    atomic_store(&g_flavour[kind], (int)flavour);
    atomic_store(&g_fail_at[kind], nth ? atomic_load(&g_count[kind]) + nth : 0);
}

void fault_reset(void)
{
    for (int k = 0; k < FAULT_KIND_COUNT; k++) {
        atomic_store(&g_fail_at[k], 0);
        atomic_store(&g_count[k], 0);
        atomic_store(&g_flavour[k], FAULT_AS_EIO);
    }
}

uint64_t fault_count(fault_kind kind)
{
    return (unsigned)kind < FAULT_KIND_COUNT ? atomic_load(&g_count[kind]) : 0;
}

/* Parse LIBESE_FAULT once: "kind:n[:enospc],kind:n,...".  Unknown kinds are ignored, so a typo
 * in a test shows up as "nothing failed", which the test's own assertion then catches. */
static void read_environment(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&g_env_read, &expected, 1))
        return;
    const char *spec = getenv("LIBESE_FAULT");
    if (!spec)
        return;
    char buf[256];
    strncpy(buf, spec, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(item, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *end = NULL;
        unsigned long long nth = strtoull(colon + 1, &end, 10);
        fault_flavour flavour = (end && strcmp(end, ":enospc") == 0) ? FAULT_AS_ENOSPC : FAULT_AS_EIO;
        for (int k = 0; k < FAULT_KIND_COUNT; k++)
            if (strcmp(item, k_kind_names[k]) == 0)
                fault_arm((fault_kind)k, nth, flavour);
    }
}

int fault_should_fail(fault_kind kind)
{
    read_environment();
    uint64_t n = atomic_fetch_add(&g_count[kind], 1) + 1;
    uint64_t at = atomic_load(&g_fail_at[kind]);
    if (at == 0 || n != at)
        return 0;
    if (kind == FAULT_ALLOC)
        return ENOMEM;
    return atomic_load(&g_flavour[kind]) == FAULT_AS_ENOSPC ? ENOSPC : EIO;
}
