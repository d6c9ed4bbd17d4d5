/*
 * test_libese.c -- C-level tests of libese's first slice: instances, parameters, sessions,
 * handle validation, the allocation fault walk, the I/O layer's fault hooks, and a
 * multi-threaded stress run (for ThreadSanitizer).
 *
 * Built and run by ci/sanitize (ASan+UBSan, then TSan): this file plus every .c file of
 * src/libese, with -Isrc -Isrc/libese -Isrc/libese/include -lpthread.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "esent.h"
#include "fault.h"
#include "osal.h"
#include "support.h"

static char g_folder[256];

static const WCHAR *unique(void)
{
    static int n;
    char name[64];
    snprintf(name, sizeof name, "c-test-%d", n++);
    return W(name);
}

static JET_ERR configure(JET_INSTANCE inst)
{
    JET_ERR err = JET_errSuccess;
    const ESE_ULONG paths[] = {JET_paramSystemPath, JET_paramLogFilePath, JET_paramTempPath};
    for (size_t i = 0; i < 3 && err == JET_errSuccess; i++)
        err = JetSetSystemParameterW(&inst, 0, paths[i], 0, W(g_folder));
    return err;
}

static void test_lifecycle(void)
{
    JET_INSTANCE inst = 0;
    CHECK_ERR(JetCreateInstance2W(&inst, unique(), NULL, 0), JET_errSuccess);
    CHECK_ERR(JetStopBackupInstance(inst), JET_errSuccess); /* created, not initialised */
    CHECK_ERR(configure(inst), JET_errSuccess);
    JET_SESID ses = 0;
    CHECK_ERR(JetBeginSessionW(inst, &ses, NULL, NULL), JET_errNotInitialized);
    CHECK_ERR(JetInit3W(&inst, NULL, 0), JET_errSuccess);
    CHECK_ERR(JetInit3W(&inst, NULL, 0), JET_errAlreadyInitialized);
    CHECK_ERR(JetBeginSessionW(inst, &ses, NULL, NULL), JET_errSuccess);
    ESE_ULONG version = 0;
    CHECK_ERR(JetGetVersion(ses, &version), JET_errSuccess);
    CHECK(version >> 28 == 10);
    CHECK_ERR(JetGetVersion(ses + 1, &version), JET_errInvalidSesid);
    CHECK_ERR(JetStopBackupInstance(inst), JET_errSuccess);
    CHECK_ERR(JetTerm2(inst, JET_bitTermComplete), JET_errSuccess);
    CHECK_ERR(JetEndSession(ses, 0), JET_errInvalidSesid); /* ended with its instance */
    CHECK_ERR(JetStopBackupInstance(inst), JET_errInvalidInstance);
    CHECK_ERR(JetTerm2(inst, 0), JET_errInvalidInstance);
    CHECK_ERR(JetStopBackupInstance(0), JET_errInvalidParameter);
    CHECK_ERR(JetStopBackupInstance(JET_instanceNil), JET_errInvalidParameter);
    CHECK_ERR(JetCreateInstance2W(NULL, NULL, NULL, 0), JET_errInvalidParameter);
}

static void test_params(void)
{
    JET_INSTANCE inst = 0;
    CHECK_ERR(JetCreateInstance2W(&inst, unique(), NULL, 0), JET_errSuccess);
    WCHAR text[8];
    JET_API_PTR value = 0;
    CHECK_ERR(JetGetSystemParameterW(inst, 0, JET_paramBaseName, NULL, text, sizeof text),
              JET_errSuccess);
    CHECK(text[0] == 'e' && text[1] == 'd' && text[2] == 'b' && text[3] == 0);
    CHECK_ERR(JetGetSystemParameterW(inst, 0, JET_paramBaseName, NULL, text, 4),
              JET_errBufferTooSmall);
    CHECK_ERR(JetGetSystemParameterW(inst, 0, JET_paramBaseName, NULL, NULL, 8),
              JET_errInvalidParameter);
    CHECK_ERR(JetGetSystemParameterW(inst, 0, JET_paramMaxSessions, NULL, NULL, 0),
              JET_errInvalidParameter);
    CHECK_ERR(JetGetSystemParameterW(inst, 0, JET_paramMaxSessions, &value, NULL, 0),
              JET_errSuccess);
    CHECK(value == 16);
    CHECK_ERR(JetSetSystemParameterW(&inst, 0, JET_paramBaseName, 0, W("ab")),
              JET_errInvalidParameter);
    CHECK_ERR(JetSetSystemParameterW(&inst, 0, 0xFFFF, 0, NULL), JET_errInvalidParameter);
    CHECK_ERR(JetSetSystemParameterW(&inst, 0, JET_paramLogFileSize, 32769, NULL),
              JET_errInvalidParameter);
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramDatabasePageSize, 8192, NULL),
              JET_errAlreadyInitialized); /* an instance exists */
    CHECK_ERR(configure(inst), JET_errSuccess);
    CHECK_ERR(JetInit3W(&inst, NULL, 0), JET_errSuccess);
    CHECK_ERR(JetSetSystemParameterW(&inst, 0, JET_paramBaseName, 0, W("xyz")),
              JET_errAlreadyInitialized);
    CHECK_ERR(JetSetSystemParameterW(&inst, 0, JET_paramBaseName, 0, W("edb")), JET_errSuccess);
    JET_INSTANCE bogus = inst + 1;
    CHECK_ERR(JetSetSystemParameterW(&bogus, 0, JET_paramBaseName, 0, W("abc")),
              JET_errInvalidInstance);
    CHECK_ERR(JetTerm2(inst, 0), JET_errSuccess);
    /* with no instance alive the process-wide page size may change again */
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramDatabasePageSize, 8192, NULL),
              JET_errSuccess);
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramDatabasePageSize, 4096, NULL),
              JET_errSuccess);
}

/* The slice's workload, for the allocation fault walk. */
static JET_ERR workload(void)
{
    JET_INSTANCE inst = 0;
    JET_ERR err = JetCreateInstance2W(&inst, unique(), W("display"), 0);
    if (err != JET_errSuccess)
        return err;
    JET_SESID ses = 0;
    if ((err = configure(inst)) == JET_errSuccess &&
        (err = JetInit3W(&inst, NULL, 0)) == JET_errSuccess &&
        (err = JetBeginSessionW(inst, &ses, NULL, NULL)) == JET_errSuccess)
        err = JetEndSession(ses, 0);
    if (inst) { /* 0 after a failed JetInit (already freed) */
        JET_ERR term_err = JetTerm2(inst, JET_bitTermAbrupt);
        if (err == JET_errSuccess)
            err = term_err; /* JetTerm's own work (the checkpoint, the log) can fail too */
    }
    return err;
}

static void test_allocation_fault_walk(void)
{
    fault_reset();
    CHECK_ERR(workload(), JET_errSuccess);
    uint64_t total = fault_count(FAULT_ALLOC);
    CHECK(total > 5);
    for (uint64_t nth = 1; nth <= total; nth++) {
        fault_reset();
        fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
        CHECK_ERR(workload(), JET_errOutOfMemory);
        fault_reset();
        CHECK_ERR(workload(), JET_errSuccess);
    }
}

static void test_io_faults(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/io-test.bin", g_folder);
    osal_file file;
    CHECK_ERR(osal_open(path, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE, &file),
              JET_errSuccess);
    char buf[64] = "0123456789";
    size_t got = 0;

    fault_reset();
    fault_arm(FAULT_WRITE, 2, FAULT_AS_EIO);
    CHECK_ERR(osal_write_at(&file, buf, 10, 0), JET_errSuccess);
    CHECK_ERR(osal_write_at(&file, buf, 10, 10), JET_errDiskIO); /* the 2nd write */
    CHECK_ERR(osal_write_at(&file, buf, 10, 10), JET_errSuccess); /* only that one */

    fault_arm(FAULT_WRITE, 1, FAULT_AS_ENOSPC);
    CHECK_ERR(osal_write_at(&file, buf, 10, 20), JET_errDiskFull);

    fault_arm(FAULT_FSYNC, 1, FAULT_AS_EIO);
    CHECK_ERR(osal_sync(&file), JET_errDiskIO);
    CHECK_ERR(osal_sync(&file), JET_errSuccess);

    fault_arm(FAULT_READ, 1, FAULT_AS_EIO);
    CHECK_ERR(osal_read_at(&file, buf, 10, 0, &got), JET_errDiskIO);
    CHECK_ERR(osal_read_at(&file, buf, 20, 0, &got), JET_errSuccess);
    CHECK(got == 20 && memcmp(buf, "0123456789", 10) == 0);
    CHECK_ERR(osal_read_at(&file, buf, 20, 1000, &got), JET_errSuccess);
    CHECK(got == 0); /* past the end */
    CHECK(fault_count(FAULT_READ) == 3);
    fault_reset();
    CHECK_ERR(osal_close(&file), JET_errSuccess);

    CHECK_ERR(osal_open("/nonexistent/dir/file", OSAL_OPEN_READ, &file), JET_errFileNotFound);
    CHECK_ERR(osal_open(path, OSAL_OPEN_WRITE | OSAL_OPEN_CREATE | OSAL_OPEN_EXCL, &file),
              JET_errFileAlreadyExists);
    unlink(path);
}

static void test_utf16(void)
{
    JET_ERR err;
    char *utf8 = utf16_to_utf8(W("plain"), &err);
    CHECK(utf8 && strcmp(utf8, "plain") == 0);
    osal_free(utf8);
    const char *mixed = "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"; /* été € 😀 */
    WCHAR *wide = utf8_to_utf16(mixed, &err);
    CHECK(wide && wide[0] == 0xE9 && wide[6] == 0xD83D && wide[7] == 0xDE00 && wide[8] == 0);
    char *back = utf16_to_utf8(wide, &err);
    CHECK(back && strcmp(back, mixed) == 0);
    osal_free(wide);
    osal_free(back);
    const WCHAR lone[] = {0xD800, 'x', 0};
    CHECK(utf16_to_utf8(lone, &err) == NULL && err == JET_errInvalidParameter);
    CHECK(utf8_to_utf16("\xff", &err) == NULL && err == JET_errInvalidParameter);
}

/* Several threads create, initialise, use and terminate instances while others call
 * JetStopBackupInstance on whatever handles they see: ThreadSanitizer's workload. */
#define STRESS_THREADS 6
#define STRESS_ROUNDS 150
static volatile JET_INSTANCE g_shared[STRESS_THREADS];

static void *stress_worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    int errors = 0;
    for (int round = 0; round < STRESS_ROUNDS; round++) {
        JET_INSTANCE inst = 0;
        char name[64];
        snprintf(name, sizeof name, "stress-%d-%d", id, round);
        WCHAR wname[64];
        if (JetCreateInstance2W(&inst, support_widen(wname, 64, name), NULL, 0) != JET_errSuccess) {
            errors++;
            continue;
        }
        __atomic_store_n(&g_shared[id], inst, __ATOMIC_RELAXED);
        JET_INSTANCE peer = __atomic_load_n(&g_shared[(id + 1) % STRESS_THREADS], __ATOMIC_RELAXED);
        JET_ERR err = JetStopBackupInstance(peer);
        if (err != JET_errSuccess && err != JET_errInvalidInstance && err != JET_errInvalidParameter)
            errors++;
        JET_SESID ses;
        if (JetBeginSessionW(inst, &ses, NULL, NULL) != JET_errNotInitialized)
            errors++;
        if (JetTerm2(inst, 0) != JET_errSuccess)
            errors++;
    }
    return (void *)(intptr_t)errors;
}

static void test_threads(void)
{
    pthread_t threads[STRESS_THREADS];
    /* The limit is 16 instances; 6 threads hold at most one each. */
    for (int i = 0; i < STRESS_THREADS; i++)
        pthread_create(&threads[i], NULL, stress_worker, (void *)(intptr_t)i);
    int errors = 0;
    for (int i = 0; i < STRESS_THREADS; i++) {
        void *result;
        pthread_join(threads[i], &result);
        errors += (int)(intptr_t)result;
    }
    CHECK(errors == 0);
}

int main(void)
{
    if (support_make_root(g_folder, sizeof g_folder, "libese-c-test") != 0)
        return 2;
    test_lifecycle();
    test_params();
    test_allocation_fault_walk();
    test_io_faults();
    test_utf16();
    test_threads();
    rmdir(g_folder);
    return check_summary();
}
