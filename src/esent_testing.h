/*
 * esent_testing.h -- the test-only hooks the binding exposes (esent._esent._fault_*).
 *
 * With libese they reach its fault-injection layer (src/libese/fault.h).  On Windows there is no
 * libese: ESENT_HAVE_LIBESE is 0 and the hooks do nothing and say so, so tests that need them
 * skip there instead of the module failing to build.
 */
#ifndef ESENT_TESTING_H
#define ESENT_TESTING_H

#ifdef _WIN32

#define ESENT_HAVE_LIBESE 0
static inline int esent_fault_arm(int kind, unsigned long long nth, int enospc)
{
    (void)kind; (void)nth; (void)enospc;
    return -1;
}
static inline void esent_fault_reset(void) {}
static inline long esent_checkpoint_now(unsigned long long instance)
{
    (void)instance;
    return -1; /* JET_errRfsNotArmed-like "no such hook": esent.dll has no test hook */
}
static inline void esent_checkpoints_in_background(int enabled) { (void)enabled; }
static inline unsigned long long esent_fault_count(int kind)
{
    (void)kind;
    return 0;
}

#else

#include "checkpointer.h"
#include "fault.h"

#define ESENT_HAVE_LIBESE 1
/* kind is a fault_kind; returns 0, or -1 for an unknown kind. */
static inline int esent_fault_arm(int kind, unsigned long long nth, int enospc)
{
    if (kind < 0 || kind >= FAULT_KIND_COUNT)
        return -1;
    fault_arm((fault_kind)kind, nth, enospc ? FAULT_AS_ENOSPC : FAULT_AS_EIO);
    return 0;
}
static inline void esent_fault_reset(void) { fault_reset(); }
static inline unsigned long long esent_fault_count(int kind)
{
    return (kind >= 0 && kind < FAULT_KIND_COUNT) ? fault_count((fault_kind)kind) : 0;
}
/* One checkpointer round now, synchronously (checkpointer.h): the JET_ERR. */
static inline long esent_checkpoint_now(unsigned long long instance)
{
    return checkpointer_run_instance((JET_INSTANCE)instance);
}
/* Background checkpointer rounds on (default) or off, process-wide (checkpointer.h): off makes
 * the I/O a workload does, and so a fault walk's points, independent of timing. */
static inline void esent_checkpoints_in_background(int enabled)
{
    checkpointer_set_background(enabled != 0);
}

#endif /* _WIN32 */

#endif /* ESENT_TESTING_H */
