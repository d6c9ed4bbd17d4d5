/*
 * test_checkpointer.c -- the background checkpointer (checkpointer.h) through the Jet API:
 *   - a forced round (esent_checkpoint_now's C side) moves <base>.chk to the end of the log,
 *     and the background thread does it by itself after generation rolls;
 *   - recovery after SIGKILL-style abandon and after a simulated power loss, several
 *     checkpoints after the database was attached: redo starts at the checkpoint (few commits
 *     replayed) and still knows the database (the ATTACH the log carries into every
 *     generation), and every committed row is back;
 *   - JET_paramCircularLog: generations below the checkpoint are deleted after each advance,
 *     nothing is deleted between JetBeginExternalBackupInstance and End, deletion resumes after;
 *   - JetTruncateLogInstance after checkpoints (no restart) deletes real generations;
 *   - a streaming backup taken after many checkpoints restores (JetExternalRestore2W);
 *   - every write and fsync of a round failing: the round's error, the instance unavailable as
 *     after a log failure (-510 / -1090), the checkpoint file intact, every row after restart;
 *   - sessions committing while rounds run (ThreadSanitizer runs this file).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "checkpoint.h"
#include "checkpointer.h"
#include "esent.h"
#include "fault.h"
#include "log.h"
#include "powerloss.h"
#include "recovery.h"
#include "support.h"

#define PAGE 4096u
#define VALUE_SIZE SUPPORT_VALUE_SIZE

static char g_root[256];

/* ---- helpers ------------------------------------------------------------------------------- */

/* Archived generations in the folder: how many, and the oldest (0 if none). */
static int archives(const char *folder, int32_t *oldest)
{
    int n = 0;
    int32_t low = 0;
    DIR *d = opendir(folder);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        int32_t g = log_parse_archive_name("edb", e->d_name);
        if (g > 0) {
            n++;
            if (!low || g < low)
                low = g;
        }
    }
    closedir(d);
    if (oldest)
        *oldest = low;
    return n;
}

static log_lsn checkpoint_of(const char *folder)
{
    char chk[400];
    support_path(chk, sizeof chk, folder, "edb.chk");
    checkpoint_data data;
    memset(&data, 0, sizeof data);
    return checkpoint_read(chk, NULL, &data, NULL) == JET_errSuccess ? data.checkpoint : 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- an instance with one database and table -------------------------------------------------- */

typedef struct {
    char folder[300];
    char db[400];
    bool circular;
    JET_INSTANCE inst;
    JET_SESID ses;
    JET_DBID dbid;
    JET_TABLEID table;
    JET_COLUMNID col_id, col_value;
} env;

static JET_ERR start(env *e)
{
    static int n;
    char name[64], slash[320], temp[340];
    snprintf(name, sizeof name, "ckpt-%d", n++);
    snprintf(slash, sizeof slash, "%s/", e->folder);
    snprintf(temp, sizeof temp, "%s/tmp.edb", e->folder);
    /* 64 KiB generations: a roll every dozen rows */
    return support_start_instance(&e->inst, &e->ses, name, slash, temp, 64, e->circular);
}

static JET_ERR find_columns(env *e)
{
    JET_ERR err = support_column_id(e->ses, e->table, "id", &e->col_id);
    if (err == JET_errSuccess)
        err = support_column_id(e->ses, e->table, "value", &e->col_value);
    return err;
}

/* A fresh folder, instance, database "data.edb" and table "t" (id, value). */
static JET_ERR create(env *e, const char *name, bool circular)
{
    memset(e, 0, sizeof *e);
    e->circular = circular;
    support_fresh_dir(e->folder, sizeof e->folder, g_root, name);
    support_path(e->db, sizeof e->db, e->folder, "data.edb");
    JET_ERR err = start(e);
    if (err == JET_errSuccess)
        err = JetCreateDatabase2W(e->ses, W(e->db), 0, &e->dbid, 0);
    static const char *const names[2] = {"id", "value"};
    static const JET_COLTYP types[2] = {JET_coltypLong, JET_coltypLongBinary};
    JET_COLUMNID ids[2] = {0, 0};
    if (err == JET_errSuccess)
        err = support_create_table(e->ses, e->dbid, "t", 2, names, types, JET_bitColumnNotNULL,
                                   &e->table, ids);
    e->col_id = ids[0];
    e->col_value = ids[1];
    return err;
}

/* Start again on the same folder (recovery runs) and open the database and table. */
static JET_ERR reopen(env *e)
{
    JET_ERR err = start(e);
    if (err == JET_errSuccess)
        err = support_open_table(e->ses, e->db, true, &e->dbid, "t", &e->table);
    if (err == JET_errSuccess)
        err = find_columns(e);
    return err;
}

static JET_ERR term(env *e)
{
    JET_ERR err = JetTerm2(e->inst, JET_bitTermComplete);
    e->inst = 0;
    return err;
}

static JET_ERR insert_on(JET_SESID ses, JET_TABLEID table, const env *e, int32_t id)
{
    uint8_t value[VALUE_SIZE];
    support_fill_value(value, id);
    return support_insert_row(ses, table, e->col_id, id, e->col_value, value, sizeof value);
}

static JET_ERR insert(env *e, int32_t id)
{
    return insert_on(e->ses, e->table, e, id);
}

static JET_ERR insert_range(env *e, int32_t first, int32_t count)
{
    JET_ERR err = JET_errSuccess;
    for (int32_t id = first; id < first + count && err == JET_errSuccess; id++)
        err = insert(e, id);
    return err;
}

/* Rows of the open table: their number, each checked (ids consecutive from 0, its own value);
 * -1 when one is wrong. */
static int count_rows(env *e)
{
    int count = 0;
    bool good = true;
    JET_ERR move = JetMove(e->ses, e->table, JET_MoveFirst, 0);
    while (move == JET_errSuccess) {
        int32_t id = -1;
        uint8_t value[VALUE_SIZE + 10];
        ESE_ULONG cb = 0;
        JetRetrieveColumn(e->ses, e->table, e->col_id, &id, sizeof id, &cb, 0, NULL);
        JetRetrieveColumn(e->ses, e->table, e->col_value, value, sizeof value, &cb, 0, NULL);
        good = good && id == count && support_value_ok(value, cb, id);
        count++;
        move = JetMove(e->ses, e->table, JET_MoveNext, 0);
    }
    CHECK_ERR(move, JET_errNoCurrentRecord);
    return good ? count : -1;
}

static JET_ERR checkpoint_now(env *e)
{
    return checkpointer_run_instance(e->inst);
}

/* ---- 1. forced and background rounds ---------------------------------------------------------- */

static void test_rounds(void)
{
    checkpointer_set_background(false);
    env e;
    CHECK_ERR(create(&e, "rounds", false), JET_errSuccess);
    log_lsn at_init = checkpoint_of(e.folder);
    CHECK(at_init != 0);
    CHECK_ERR(insert_range(&e, 0, 60), JET_errSuccess);
    CHECK(checkpoint_of(e.folder) == at_init); /* background rounds are off */
    CHECK_ERR(checkpoint_now(&e), JET_errSuccess);
    log_lsn first = checkpoint_of(e.folder);
    CHECK(log_lsn_generation(first) > log_lsn_generation(at_init) + 2);
    CHECK_ERR(checkpoint_now(&e), JET_errSuccess); /* nothing new: stays */
    CHECK(checkpoint_of(e.folder) == first);

    /* the hook's errors */
    CHECK_ERR(checkpointer_run_instance(0), JET_errInvalidParameter);
    CHECK_ERR(checkpointer_run_instance(e.inst + 1000), JET_errInvalidInstance);
    JET_INSTANCE created = 0;
    CHECK_ERR(JetCreateInstance2W(&created, W("ckpt-created"), NULL, 0), JET_errSuccess);
    CHECK_ERR(checkpointer_run_instance(created), JET_errNotInitialized);
    CHECK_ERR(JetTerm2(created, 0), JET_errSuccess);

    /* the background thread moves it by itself after rolls */
    checkpointer_set_background(true);
    CHECK_ERR(insert_range(&e, 60, 40), JET_errSuccess);
    log_lsn later = first;
    for (int i = 0; i < 100 && later == first; i++) {
        sleep_ms(50);
        later = checkpoint_of(e.folder);
    }
    CHECK(later > first);
    CHECK(count_rows(&e) == 100);
    CHECK_ERR(term(&e), JET_errSuccess);
    CHECK_ERR(reopen(&e), JET_errSuccess);
    CHECK(count_rows(&e) == 100);
    CHECK_ERR(term(&e), JET_errSuccess);
}

/* ---- 2. crash after several checkpoints --------------------------------------------------------- */

#define CRASH_ROWS_BEFORE 100
#define CRASH_ROWS_AFTER 5

/* The child: the database is attached in the first generation; five forced checkpoints with
 * rolls in between, then CRASH_ROWS_AFTER durable rows after the last one; then the power cut
 * or an exit without JetTerm (what SIGKILL leaves: every write made, nothing more).  Reports the
 * checkpoint it saw and the rows committed on `out`.  Never returns. */
static void crash_child(env *e, int out, bool power, uint64_t seed)
{
    if (power)
        powerloss_arm(seed, 0); /* before any thread: records every unsynced write */
    checkpointer_set_background(false);
    if (create(e, power ? "crash-power" : "crash-kill", false) < 0)
        _exit(3);
    int32_t id = 0;
    for (int round = 0; round < 5; round++) {
        if (insert_range(e, id, CRASH_ROWS_BEFORE / 5) < 0 || checkpoint_now(e) < 0)
            _exit(4);
        id += CRASH_ROWS_BEFORE / 5;
    }
    log_lsn checkpoint = checkpoint_of(e->folder);
    if (insert_range(e, id, CRASH_ROWS_AFTER) < 0)
        _exit(5);
    id += CRASH_ROWS_AFTER;
    char line[64];
    int n = snprintf(line, sizeof line, "%llu %d\n", (unsigned long long)checkpoint, id);
    if (write(out, line, (size_t)n) != n)
        _exit(6);
    if (power)
        powerloss_cut(seed);
    _exit(0);
}

static void test_crash(bool power, uint64_t seed)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    env e;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        crash_child(&e, fds[1], power, seed);
    }
    close(fds[1]);
    char line[64] = {0};
    ssize_t got = read(fds[0], line, sizeof line - 1);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) &&
          WEXITSTATUS(status) == (power ? POWERLOSS_EXIT_STATUS : 0));
    unsigned long long checkpoint = 0;
    int rows = -1;
    CHECK(got > 0 && sscanf(line, "%llu %d", &checkpoint, &rows) == 2);
    CHECK(rows == CRASH_ROWS_BEFORE + CRASH_ROWS_AFTER);

    memset(&e, 0, sizeof e);
    support_path(e.folder, sizeof e.folder, g_root, power ? "crash-power" : "crash-kill");
    support_path(e.db, sizeof e.db, e.folder, "data.edb");
    CHECK(checkpoint_of(e.folder) == checkpoint && log_lsn_generation(checkpoint) > 5);
    /* Redo itself: from the checkpoint (only the rows after it are replayed), knowing the
     * database from the ATTACH carried into the checkpoint's generation. */
    recovery_config config = {e.folder, e.folder, "edb", PAGE};
    recovery_stats stats;
    CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess);
    CHECK(stats.had_logs && !stats.clean_end);
    CHECK(stats.commits >= CRASH_ROWS_AFTER && stats.commits < CRASH_ROWS_AFTER + 3);
    CHECK(stats.databases_closed == 1);
    CHECK_ERR(reopen(&e), JET_errSuccess);
    CHECK(count_rows(&e) == rows);
    CHECK_ERR(term(&e), JET_errSuccess);
}

/* ---- 3. circular logging, paused by a backup ---------------------------------------------------- */

/* Read a file through the backup API to its end. */
static JET_ERR read_through(env *e, const WCHAR *name, const char *dest)
{
    FILE *f = dest ? fopen(dest, "wb") : NULL;
    JET_ERR err = support_copy_backup_file(e->inst, name, support_sink_file, f, NULL);
    if (f)
        fclose(f);
    return err;
}

/* The rest of a full backup after Begin: the database (into db_dest when not NULL), the logs
 * (into log_dest), truncation when asked, End.  With pnamed: GetTruncateLogInfo first names
 * the generations truncation will delete (*pnamed of them, each checked to be a real file). */
static void finish_backup(env *e, const char *db_dest, const char *log_dest, bool truncate,
                          char *db_name, size_t cb_db_name, JET_LOGINFO_W *info, int *pnamed)
{
    WCHAR names[1024];
    ESE_ULONG cb = 0;
    CHECK_ERR(JetGetAttachInfoInstanceW(e->inst, names, sizeof names, &cb), JET_errSuccess);
    if (db_name)
        support_narrow(names, db_name, cb_db_name);
    CHECK_ERR(read_through(e, names, db_dest), JET_errSuccess);
    if (pnamed) {
        static WCHAR doomed[16384];
        CHECK_ERR(JetGetTruncateLogInfoInstanceW(e->inst, doomed, sizeof doomed, &cb),
                  JET_errSuccess);
        *pnamed = 0;
        char name[600];
        for (const WCHAR *p = doomed; support_next_name(&p, name, sizeof name); (*pnamed)++)
            CHECK(support_file_exists(name));
    }
    static WCHAR logs[16384];
    JET_LOGINFO_W local;
    if (!info)
        info = &local;
    info->cbSize = sizeof *info;
    CHECK_ERR(JetGetLogInfoInstance2W(e->inst, logs, sizeof logs, &cb, info), JET_errSuccess);
    if (log_dest)
        mkdir(log_dest, 0700);
    char src[600], dst[800];
    for (const WCHAR *p = logs; support_next_name(&p, src, sizeof src);) {
        char *dest = NULL;
        if (log_dest) {
            const char *base = strrchr(src, '/');
            support_path(dst, sizeof dst, log_dest, base ? base + 1 : src);
            dest = dst;
        }
        CHECK_ERR(read_through(e, W(src), dest), JET_errSuccess);
    }
    if (truncate)
        CHECK_ERR(JetTruncateLogInstance(e->inst), JET_errSuccess);
    CHECK_ERR(JetEndExternalBackupInstance2(e->inst, JET_bitBackupEndNormal |
                                                         (truncate ? JET_bitBackupTruncateDone : 0)),
              JET_errSuccess);
}

static void test_circular(void)
{
    checkpointer_set_background(false);
    env e;
    CHECK_ERR(create(&e, "circular", true), JET_errSuccess);
    CHECK_ERR(insert_range(&e, 0, 60), JET_errSuccess);
    int32_t oldest = 0;
    int before = archives(e.folder, &oldest);
    CHECK(before >= 3); /* the checkpoint has not moved: nothing could go */
    CHECK_ERR(checkpoint_now(&e), JET_errSuccess);
    log_lsn checkpoint = checkpoint_of(e.folder);
    int after = archives(e.folder, &oldest);
    CHECK(after < before);
    CHECK(oldest == 0 || oldest >= log_lsn_generation(checkpoint)); /* only what redo needs */

    /* a backup pauses the deletion from Begin to End */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    int32_t copy_mic = log_lsn_generation(checkpoint_of(e.folder));
    CHECK_ERR(insert_range(&e, 60, 60), JET_errSuccess);
    CHECK_ERR(checkpoint_now(&e), JET_errSuccess);
    CHECK(log_lsn_generation(checkpoint_of(e.folder)) > copy_mic + 2); /* it still moves */
    int during = archives(e.folder, &oldest);
    CHECK(during >= 4 && oldest == copy_mic); /* ... but nothing went */
    finish_backup(&e, NULL, NULL, false, NULL, 0, NULL, NULL);
    /* End resumed it: the next advance deletes again */
    CHECK_ERR(insert(&e, 120), JET_errSuccess);
    CHECK_ERR(checkpoint_now(&e), JET_errSuccess);
    checkpoint = checkpoint_of(e.folder);
    CHECK(archives(e.folder, &oldest) < during);
    CHECK(oldest == 0 || oldest >= log_lsn_generation(checkpoint));
    CHECK(count_rows(&e) == 121);
    CHECK_ERR(term(&e), JET_errSuccess);
    CHECK_ERR(reopen(&e), JET_errSuccess);
    CHECK(count_rows(&e) == 121);
    CHECK_ERR(term(&e), JET_errSuccess);
}

/* ---- 4. backup truncation after checkpoints; restore of such a backup --------------------------- */

static JET_ERR restore2(const char *backup_logs, const char *original, const char *copy,
                        const JET_LOGINFO_W *loginfo)
{
    char chk[400];
    support_path(chk, sizeof chk, g_root, "restore-chk");
    mkdir(chk, 0700);
    return support_external_restore(chk, backup_logs, original, copy, loginfo, NULL, NULL);
}

static void test_truncate_and_restore(void)
{
    checkpointer_set_background(false);
    env e;
    CHECK_ERR(create(&e, "truncate", false), JET_errSuccess);
    for (int round = 0; round < 4; round++) {
        CHECK_ERR(insert_range(&e, round * 20, 20), JET_errSuccess);
        CHECK_ERR(checkpoint_now(&e), JET_errSuccess);
    }
    int32_t oldest = 0;
    int before = archives(e.folder, &oldest);
    int32_t checkpoint_gen = log_lsn_generation(checkpoint_of(e.folder));
    CHECK(oldest == 1 && checkpoint_gen > 4);

    char set[300], db_copy[400], logs[400], db_name[400];
    support_fresh_dir(set, sizeof set, g_root, "truncate-set");
    support_path(db_copy, sizeof db_copy, set, "copy.edb");
    support_path(logs, sizeof logs, set, "logs");
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    JET_LOGINFO_W info;
    int named = -1;
    finish_backup(&e, db_copy, logs, true, db_name, sizeof db_name, &info, &named);
    /* the generations below the live checkpoint (not the one JetInit wrote), real files */
    CHECK(named == checkpoint_gen - 1);
    CHECK(info.ulGenLow == (ESE_ULONG)checkpoint_gen);
    int after = archives(e.folder, &oldest);
    /* what is left: the copied generations from the checkpoint's on (the roll archived the
     * last), all of them older than the ones truncated */
    CHECK(oldest == checkpoint_gen && after == (int)info.ulGenHigh - checkpoint_gen + 1);
    CHECK(before - named <= 1 && after >= 1);
    /* after the backup: more rows, more checkpoints (not in the backup) */
    CHECK_ERR(insert_range(&e, 80, 10), JET_errSuccess);
    CHECK_ERR(checkpoint_now(&e), JET_errSuccess);
    CHECK_ERR(term(&e), JET_errSuccess);

    /* The backup's logs start at the checkpoint's generation, long after the ATTACH: restore
     * knows the database from the ATTACH carried into that generation. */
    CHECK_ERR(restore2(logs, db_name, db_copy, &info), JET_errSuccess);
    env r;
    memset(&r, 0, sizeof r);
    support_fresh_dir(r.folder, sizeof r.folder, g_root, "truncate-reader");
    snprintf(r.db, sizeof r.db, "%s", db_copy);
    CHECK_ERR(reopen(&r), JET_errSuccess);
    CHECK(count_rows(&r) == 80);
    CHECK_ERR(term(&r), JET_errSuccess);
}

/* ---- 5. a failing round ------------------------------------------------------------------------- */

static void test_faults(void)
{
    checkpointer_set_background(false);
    for (int kind = 0; kind < 2; kind++) {
        fault_kind fk = kind ? FAULT_FSYNC : FAULT_WRITE;
        int fired = 0;
        for (uint64_t nth = 1;; nth++) {
            env e;
            CHECK_ERR(create(&e, "faults", false), JET_errSuccess);
            CHECK_ERR(insert_range(&e, 0, 30), JET_errSuccess);
            log_lsn old = checkpoint_of(e.folder);
            fault_reset();
            fault_arm(fk, nth, FAULT_AS_EIO);
            JET_ERR err = checkpoint_now(&e);
            bool hit = fault_count(fk) >= nth;
            fault_reset();
            if (!hit) {
                /* the walk is past the round's last operation of this kind */
                CHECK_ERR(err, JET_errSuccess);
                CHECK(checkpoint_of(e.folder) > old);
                CHECK_ERR(term(&e), JET_errSuccess);
                break;
            }
            fired++;
            CHECK(err < 0);
            /* the instance is unusable as after a failed log write */
            CHECK_ERR(insert(&e, 30), JET_errInstanceUnavailable);
            CHECK_ERR(JetBeginTransaction(e.ses), JET_errInstanceUnavailable);
            CHECK_ERR(checkpoint_now(&e), JET_errLogWriteFail);
            /* the checkpoint file: the old one or the new one, readable */
            log_lsn now = checkpoint_of(e.folder);
            CHECK(now == old || now > old);
            JetTerm2(e.inst, 0); /* fails: the log is dead; the next JetInit replays */
            e.inst = 0;
            CHECK_ERR(reopen(&e), JET_errSuccess);
            CHECK(count_rows(&e) == 30);
            CHECK_ERR(term(&e), JET_errSuccess);
            if (nth > 200)
                break; /* cannot happen: a round makes far fewer writes */
        }
        CHECK(fired >= 2); /* at least one page and the checkpoint file */
    }
}

/* A database whose detach failed to flush leaves changes only the log has: the checkpoint must
 * stay before them (bm_group_lost_position) while the instance goes on, so the next JetInit
 * replays them. */
static void test_failed_detach(void)
{
    checkpointer_set_background(false);
    env e;
    CHECK_ERR(create(&e, "lost", false), JET_errSuccess);
    log_lsn at_init = checkpoint_of(e.folder);
    CHECK_ERR(insert_range(&e, 0, 30), JET_errSuccess);
    char other[400];
    support_path(other, sizeof other, e.folder, "other.edb");
    JET_DBID other_dbid = 0;
    CHECK_ERR(JetCreateDatabase2W(e.ses, W(other), 0, &other_dbid, 0), JET_errSuccess);
    CHECK_ERR(JetCloseTable(e.ses, e.table), JET_errSuccess);
    CHECK_ERR(JetCloseDatabase(e.ses, e.dbid, 0), JET_errSuccess);
    fault_reset();
    fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO); /* its first page write */
    JET_ERR err = JetDetachDatabase2W(e.ses, W(e.db), 0);
    fault_reset();
    CHECK(err < 0);
    CHECK(archives(e.folder, NULL) >= 2); /* the log went on well past it */
    CHECK_ERR(checkpoint_now(&e), JET_errSuccess);
    /* its rows' changes began in the first generation: the checkpoint stays there */
    CHECK(log_lsn_generation(checkpoint_of(e.folder)) == log_lsn_generation(at_init));
    CHECK(JetTerm2(e.inst, JET_bitTermComplete) < 0); /* the failed detach: an unclean end */
    e.inst = 0;
    CHECK_ERR(reopen(&e), JET_errSuccess);
    CHECK(count_rows(&e) == 30);
    CHECK_ERR(term(&e), JET_errSuccess);
}

/* ---- 6. sessions committing while rounds run ---------------------------------------------------- */

#define WRITERS 4
#define ROWS_PER_WRITER 60

typedef struct {
    env *e;
    int index;
    JET_ERR err;
} writer_arg;

static void *writer(void *p)
{
    writer_arg *w = p;
    JET_SESID ses = 0;
    JET_DBID dbid = 0;
    JET_TABLEID table = 0;
    w->err = JetBeginSessionW(w->e->inst, &ses, NULL, NULL);
    if (w->err == JET_errSuccess)
        w->err = support_open_table(ses, w->e->db, false, &dbid, "t", &table);
    for (int i = 0; i < ROWS_PER_WRITER && w->err == JET_errSuccess; i++)
        w->err = insert_on(ses, table, w->e, i * WRITERS + w->index);
    if (table)
        JetCloseTable(ses, table);
    if (ses)
        JetEndSession(ses, 0);
    return NULL;
}

static void test_concurrent(void)
{
    checkpointer_set_background(true);
    env e;
    CHECK_ERR(create(&e, "concurrent", true), JET_errSuccess);
    pthread_t threads[WRITERS];
    writer_arg args[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        args[i] = (writer_arg){&e, i, 0};
        pthread_create(&threads[i], NULL, writer, &args[i]);
    }
    int forced_ok = 0;
    for (int i = 0; i < 20; i++) {
        forced_ok += checkpoint_now(&e) == JET_errSuccess;
        sleep_ms(5);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(threads[i], NULL);
        CHECK_ERR(args[i].err, JET_errSuccess);
    }
    CHECK(forced_ok == 20);
    CHECK_ERR(checkpoint_now(&e), JET_errSuccess);
    CHECK(count_rows(&e) == WRITERS * ROWS_PER_WRITER);
    CHECK_ERR(term(&e), JET_errSuccess);
    CHECK_ERR(reopen(&e), JET_errSuccess);
    CHECK(count_rows(&e) == WRITERS * ROWS_PER_WRITER);
    CHECK_ERR(term(&e), JET_errSuccess);
}

int main(void)
{
    if (support_make_root(g_root, sizeof g_root, "test_checkpointer") != 0)
        return 2;
    /* forks first, while no thread exists yet */
    test_crash(false, 0);
    test_crash(true, 12345);
    test_crash(true, 777);
    test_rounds();
    test_circular();
    test_truncate_and_restore();
    test_faults();
    test_failed_detach();
    test_concurrent();
    support_remove_tree(g_root);
    return check_summary();
}
