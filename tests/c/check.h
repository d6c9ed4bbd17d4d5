/*
 * check.h -- the few lines of test harness the C tests share.
 *
 * CHECK(cond) records a pass or a failure (with file:line); check_summary() prints
 * "N passed, N failed" and gives the process exit status.
 */
#ifndef ESENT_TESTS_CHECK_H
#define ESENT_TESTS_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (cond) {                                                                           \
            check_passed++;                                                                   \
        } else {                                                                              \
            check_failed++;                                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);        \
        }                                                                                     \
    } while (0)

#define CHECK_ERR(expr, expected)                                                             \
    do {                                                                                      \
        long check_got_ = (long)(expr);                                                       \
        if (check_got_ == (long)(expected)) {                                                 \
            check_passed++;                                                                   \
        } else {                                                                              \
            check_failed++;                                                                   \
            fprintf(stderr, "%s:%d: %s returned %ld, expected %ld\n", __FILE__, __LINE__,    \
                    #expr, check_got_, (long)(expected));                                     \
        }                                                                                     \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif /* ESENT_TESTS_CHECK_H */
