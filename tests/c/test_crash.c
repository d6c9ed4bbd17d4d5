/*
 * test_crash.c -- crash recovery of logged commits at the database layer.
 *
 * A forked writer (fork happens before any thread exists) creates a database with logging on
 * and inserts, replaces and deletes rows, each change a durable commit; after each returns it
 * reports the change on a pipe.  The parent kills it with SIGKILL at a random moment, or the
 * writer is cut by simulated power loss (every write not yet fsynced dropped or torn).  Then
 * recovery runs and the database must hold exactly the changes reported committed, plus at most
 * the one change in flight (durable but not yet reported).  Built and run by ci/sanitize.
 * Rounds: CRASH_ROUNDS (default 20 of each kind).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "database.h"
#include "log.h"
#include "osal.h"
#include "powerloss.h"
#include "recovery.h"

#define PAGE 8192u
#define KEYS 400
#define STATE_ABSENT (-1)

static char g_folder[256], g_db[320];

static ese_log *open_log(void)
{
    log_config config;
    memset(&config, 0, sizeof config);
    config.folder = g_folder;
    config.base_name = "edb";
    config.file_size_kib = 128; /* small: rounds cross generation rolls */
    config.page_size = PAGE;
    ese_log *log = NULL;
    return log_open(&config, &log) == JET_errSuccess ? log : NULL;
}

static const db_column_def k_columns[2] = {{"Id", JET_coltypLong, 0, 0, 0},
                                           {"Val", JET_coltypLong, 0, 0, 0}};

/* The writer: random inserts/replaces/deletes on KEYS keys; reports "op key value" after each
 * commit returns.  Never returns. */
static void writer(int out, unsigned seed, long powerloss_after)
{
    if (powerloss_after > 0)
        powerloss_arm(seed, (uint64_t)powerloss_after);
    ese_log *log = open_log();
    ese_database *db = NULL;
    if (!log || db_create(g_db, PAGE, &db) != JET_errSuccess || db_use_log(db, log, 1) < 0)
        _exit(3);
    db_index_column key = {"Id", false};
    db_table_def def = {"T", k_columns, 2, "PK", &key, 1, 0};
    ese_table *t = NULL;
    if (db_create_table(db, &def, &t) < 0)
        _exit(4);
    if (write(out, "ready\n", 6) != 6)
        _exit(5);
    srand(seed);
    for (int32_t step = 1;; step++) {
        int32_t id = rand() % KEYS, val = step;
        uint8_t k[16];
        uint32_t cb_key = sizeof k;
        db_value kv = {1, &id, 4, 0};
        if (table_make_key(t, &kv, 1, k, &cb_key) < 0)
            _exit(6);
        db_value row[2] = {{1, &id, 4, 0}, {2, &val, 4, 0}};
        char line[64];
        int op = rand() % 3;
        JET_ERR err = op == 0 ? db_insert(t, row, 2)
                    : op == 1 ? db_replace(t, k, cb_key, &row[1], 1)
                              : db_delete(t, k, cb_key);
        if (err == JET_errKeyDuplicate || err == JET_errRecordNotFound)
            continue;
        if (err < 0)
            _exit(7);
        int n = snprintf(line, sizeof line, "%d %d %d\n", op, id, op == 2 ? STATE_ABSENT : val);
        if (write(out, line, (size_t)n) != n)
            _exit(8);
    }
}

/* Apply the reported changes to a model: state[id] = value or STATE_ABSENT. */
static long read_reports(FILE *in, int32_t *state, int32_t *last_id, int32_t *last_state,
                         int *ready)
{
    long changes = 0;
    char line[64];
    int op, id, value;
    while (fgets(line, sizeof line, in)) {
        if (strcmp(line, "ready\n") == 0) {
            *ready = 1;
            continue;
        }
        if (sscanf(line, "%d %d %d", &op, &id, &value) != 3 || id < 0 || id >= KEYS)
            continue;
        state[id] = value;
        *last_id = id;
        *last_state = value;
        changes++;
    }
    return changes;
}

static long g_total_changes, g_total_rounds_with_data;

static int one_round(unsigned seed, int power_loss)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", g_folder);
    if (system(cmd) != 0)
        return 0;
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return 0;
    srand(seed * 7919u);
    long cut_after = power_loss ? 40 + rand() % 400 : 0;
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        writer(pipefd[1], seed, cut_after);
    }
    close(pipefd[1]);
    if (!power_loss) {
        struct timespec pause = {0, (10 + rand() % 150) * 1000 * 1000L};
        nanosleep(&pause, NULL);
        kill(pid, SIGKILL);
    }
    int32_t state[KEYS], last_id = -1, last_state = 0; /* last_id: kept for the report */
    for (int i = 0; i < KEYS; i++)
        state[i] = STATE_ABSENT;
    int ready = 0;
    FILE *in = fdopen(pipefd[0], "r");
    long changes = read_reports(in, state, &last_id, &last_state, &ready);
    g_total_changes += changes;
    g_total_rounds_with_data += changes > 0;
    fclose(in);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!ready)
        return 1; /* died before the table existed: nothing was promised */

    recovery_config config = {g_folder, g_folder, "edb", PAGE};
    recovery_stats stats;
    JET_ERR err = recovery_run(&config, &stats);
    CHECK_ERR(err, JET_errSuccess);
    ese_database *db = NULL;
    CHECK_ERR(db_open(g_db, PAGE, true, &db), JET_errSuccess);
    if (!db)
        return 0;
    ese_table *t = db_find_table(db, "T");
    CHECK(t != NULL);
    int mismatches = 0, in_flight_seen = 0;
    for (int32_t id = 0; t && id < KEYS; id++) {
        uint8_t k[16];
        uint32_t cb_key = sizeof k;
        db_value kv = {1, &id, 4, 0};
        table_make_key(t, &kv, 1, k, &cb_key);
        uint8_t *rec = NULL;
        size_t cb = 0;
        int32_t found = STATE_ABSENT;
        if (db_lookup(t, k, cb_key, &rec, &cb) >= 0) {
            uint8_t *data = NULL;
            uint32_t cbd = 0;
            if (table_retrieve(t, rec, cb, 2, &data, &cbd) >= 0 && cbd == 4)
                memcpy(&found, data, 4);
            osal_free(data);
        }
        osal_free(rec);
        if (found != state[id]) {
            /* Only one change can be durable without having been reported: the one the writer
             * was making when it died.  It is an insert or replace with a value (a step number)
             * newer than any reported, or a delete of a key reported present. */
            bool in_flight = found > last_state || (found == STATE_ABSENT && state[id] != STATE_ABSENT);
            if (!in_flight_seen && in_flight) {
                in_flight_seen = 1;
                continue;
            }
            mismatches++;
            fprintf(stderr, "round %u%s: key %d holds %d, committed %d\n", seed,
                    power_loss ? " (power loss)" : "", id, found, state[id]);
        }
    }
    char msg[256] = "";
    CHECK_ERR(db_check(db, msg, sizeof msg), JET_errSuccess);
    db_close(db);
    CHECK(mismatches == 0);
    return 1;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_folder, sizeof g_folder, "%s/libese-crash-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(g_folder))
        return 2;
    snprintf(g_db, sizeof g_db, "%s/crash.edb", g_folder);
    const char *rounds_env = getenv("CRASH_ROUNDS");
    int rounds = rounds_env ? atoi(rounds_env) : 20;
    unsigned base = (unsigned)time(NULL);
    printf("crash rounds: %d SIGKILL + %d power loss, seeds from %u\n", rounds, rounds, base);
    for (int r = 0; r < rounds; r++) {
        CHECK(one_round(base + (unsigned)r, 0));
        CHECK(one_round(base + 100000u + (unsigned)r, 1));
    }
    printf("committed changes checked: %ld over %ld rounds that committed any\n", g_total_changes,
           g_total_rounds_with_data);
    CHECK(g_total_rounds_with_data > 0); /* the test must exercise something */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_folder);
    if (system(cmd) != 0)
        return 2;
    return check_summary();
}
