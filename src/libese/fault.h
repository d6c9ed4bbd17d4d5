/*
 * fault.h -- fault injection for libese's allocation and I/O layer.
 *
 * Every allocation and every file read, write and fsync libese makes goes through osal.c, and
 * each of those asks fault_should_fail() first.  A test arms one kind of operation to fail at its
 * Nth occurrence (counted from the moment it was armed), either through the test API below or
 * through the environment variable LIBESE_FAULT, read once at the first operation:
 *
 *     LIBESE_FAULT="write:12"          the 12th write fails
 *     LIBESE_FAULT="alloc:3,fsync:1"   the 3rd allocation and the 1st fsync fail
 *
 * A failed operation behaves as the operating system would report it (ENOMEM, EIO, ENOSPC), so
 * the error mapping above it is exercised exactly as in production.  Arming is process-wide and
 * thread-safe; counting is exact even with several threads.
 */
#ifndef LIBESE_FAULT_H
#define LIBESE_FAULT_H

#include <stdint.h>

typedef enum {
    FAULT_ALLOC = 0,
    FAULT_READ,
    FAULT_WRITE,
    FAULT_FSYNC,
    FAULT_KIND_COUNT
} fault_kind;

/* What an injected failure looks like to the caller (an errno value). */
typedef enum {
    FAULT_AS_EIO = 0,    /* an I/O error (reads, writes, fsync) */
    FAULT_AS_ENOSPC,     /* disk full (writes) */
} fault_flavour;

/* Arm `kind` so that its `nth` occurrence from now fails (1 = the very next one); 0 disarms. */
void fault_arm(fault_kind kind, uint64_t nth, fault_flavour flavour);

/* Disarm everything and reset every counter. */
void fault_reset(void);

/* How many operations of `kind` have been attempted since the last reset (armed or not). */
uint64_t fault_count(fault_kind kind);

/* Called by osal.c before each operation: nonzero means "fail this one" and gives the errno. */
int fault_should_fail(fault_kind kind);

#endif /* LIBESE_FAULT_H */
