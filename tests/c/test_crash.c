/*
 * test_crash.c -- crash recovery of random transactions, through the Jet API.
 *
 * A forked writer (fork happens before any thread exists in the parent) starts an instance
 * with logging on (small log generations, so rounds cross rolls; the background checkpointer
 * runs, so crashes land between checkpoints too), creates a database and a table (Id Long key,
 * Val Long, Blob LongBinary) and runs random transactions of 1-5 rows on KEYS keys (insert,
 * replace or delete; long values from a few bytes to three pages).  Each transaction is one of:
 *   - a durable commit (JetCommitTransaction 0),
 *   - a lazy commit (JET_bitCommitLazyFlush), after which, now and then, a
 *     JET_bitWaitAllLevel0Commit flush,
 *   - a rollback (JetRollback),
 *   - an implicit transaction: one update outside any transaction (durable).
 * Before it begins a transaction the writer reports its plan on a pipe ("begin T kind n
 * id op cb ..."), and AFTER each commit, rollback or flush returns its outcome ("durable T",
 * "lazy T", "rolled back T", "flushed through T").  Every row a transaction T writes holds
 * Val = T and a long value whose length is planned and whose bytes are a function of (T, Id).
 *
 * The round ends with SIGKILL at a random moment, or with a simulated power loss after a
 * random number of file writes (src/libese/powerloss.h: every write not yet fsynced dropped
 * or torn).  Then the parent runs JetInit on the same folders (recovery), reads every row and
 * checks:
 *   - every row holds a whole, exact value written by a transaction the writer began (never
 *     one it had not begun), never one of a rolled-back transaction (nor of the one in flight
 *     if that one was a rollback);
 *   - the database is exactly the state after some prefix of the commits, in commit order
 *     (the log is one sequence: what survives is a prefix), and that prefix reaches at least
 *     the last durable commit and the last flushed lazy commit: so every durable transaction,
 *     and every lazy one at or before the last flush, is present with all its rows, no
 *     transaction is partial, and only the unflushed lazy tail (or the one in flight, if it
 *     was a commit) may be missing;
 *   - each transaction with any row visible is whole (the same property, checked by name);
 *   - after JetTerm, db_check: every tree, the space trees, catalog against shadow.
 * Built and run by ci/sanitize.  Rounds: CRASH_ROUNDS (default 20 of each kind);
 * benchmarks/crash_soak.sh runs 500 of each.  CRASH_SEED: the first seed (default the time;
 * the checkpointer's timing still varies a round); CRASH_DEBUG: one line per round.
 * Long values are a nonlinear hash of (T, Id, offset) in even rounds and, in odd rounds, a
 * GF(2)-linear pattern whose sectors XOR alike across versions, which the XOR page checksum
 * cannot tell apart after a torn write: redo must repair those pages (docs/crash-recovery.md).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "support.h"
#include "checkpoint.h"
#include "checkpointer.h"
#include "database.h"
#include "esent.h"
#include "log.h"
#include "osal.h"
#include "powerloss.h"

#define PAGE 4096u            /* JET_paramDatabasePageSize's default */
#define KEYS 200
#define MAX_ROWS 5
#define BLOB_MAX (3 * PAGE)
#define ABSENT (-1)
#define LOG_KIB 128           /* small generations: rolls, and checkpointer rounds after each */

enum kind { K_DURABLE, K_LAZY, K_ROLLBACK, K_IMPLICIT };
static const char *const k_kind_name[] = {"durable", "lazy", "rollback", "implicit"};
enum op { OP_INSERT, OP_REPLACE, OP_DELETE };
enum outcome { OUT_NONE, OUT_DURABLE, OUT_LAZY, OUT_ROLLED_BACK };

typedef struct {
    int32_t id;
    int op;
    uint32_t cb; /* the long value's length (insert, replace) */
} row_plan;

typedef struct {
    int32_t t;
    int kind;
    int n;
    row_plan rows[MAX_ROWS];
    int outcome; /* what the writer reported; OUT_NONE: in flight when it died */
} trx_plan;

/* A key's state: the transaction that wrote it last and its long value's length. */
typedef struct {
    int32_t t; /* ABSENT, or T */
    uint32_t cb;
} key_state;

static char g_folder[256], g_db[320];
static int g_instances;


/* Odd rounds write "aliasing" long values, linear in GF(2): sectors of two versions of a page
 * then XOR alike, so a torn write of them passes the page checksum and only redo can repair it
 * (bufmgr.c bm_redo_image re-applies images of equal dbtime).  Even rounds write a nonlinear
 * hash, which the checksum does see through.  Set per round before the fork. */
static bool g_aliasing;

static uint8_t blob_byte(int32_t t, int32_t id, uint32_t i)
{
    if (g_aliasing)
        return (uint8_t)((uint32_t)t ^ (uint32_t)id ^ i);
    uint64_t x = (uint64_t)(uint32_t)t << 40 ^ (uint64_t)(uint32_t)id << 24 ^ i;
    x *= 0x9E3779B97F4A7C15u;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9u;
    return (uint8_t)(x >> 32 ^ x >> 56);
}

static void fill_blob(uint8_t *blob, int32_t t, int32_t id, uint32_t cb)
{
    for (uint32_t i = 0; i < cb; i++)
        blob[i] = blob_byte(t, id, i);
}

static log_lsn checkpoint_now_on_disk(void)
{
    char chk[400];
    snprintf(chk, sizeof chk, "%s/edb.chk", g_folder);
    checkpoint_data data;
    memset(&data, 0, sizeof data);
    return checkpoint_read(chk, NULL, &data, NULL) == JET_errSuccess ? data.checkpoint : 0;
}

/* An instance on g_folder (log, system and temp), JetInit'ed: recovery runs when the folder
 * holds the log of a crashed writer. */
static JET_ERR start_instance(JET_INSTANCE *inst)
{
    char name[64], slash[300], temp[320];
    snprintf(name, sizeof name, "crash-%d-%d", (int)getpid(), g_instances++);
    snprintf(slash, sizeof slash, "%s/", g_folder);
    snprintf(temp, sizeof temp, "%s/tmp.edb", g_folder);
    *inst = 0;
    JET_ERR err = JetCreateInstance2W(inst, W(name), NULL, 0);
    if (err >= 0)
        err = JetSetSystemParameterW(inst, 0, JET_paramSystemPath, 0, W(slash));
    if (err >= 0)
        err = JetSetSystemParameterW(inst, 0, JET_paramLogFilePath, 0, W(slash));
    if (err >= 0)
        err = JetSetSystemParameterW(inst, 0, JET_paramTempPath, 0, W(temp));
    if (err >= 0)
        err = JetSetSystemParameterW(inst, 0, JET_paramLogFileSize, LOG_KIB, NULL);
    if (err >= 0)
        err = JetInit3W(inst, NULL, 0);
    return err;
}

typedef struct {
    JET_SESID ses;
    JET_DBID dbid;
    JET_TABLEID tab;
    JET_COLUMNID id, val, blob;
} conn;

static JET_ERR create_table(conn *c)
{
    static const char *const names[] = {"Id", "Val", "Blob"};
    static const JET_COLTYP types[] = {JET_coltypLong, JET_coltypLong, JET_coltypLongBinary};
    JET_COLUMNID ids[3];
    JET_ERR err = support_create_table(c->ses, c->dbid, "T", 3, names, types, 0, &c->tab, ids);
    if (err >= 0) {
        c->id = ids[0];
        c->val = ids[1];
        c->blob = ids[2];
    }
    return err;
}

static JET_ERR find_columns(conn *c)
{
    JET_COLUMNDEF def;
    JET_COLUMNID *ids[3] = {&c->id, &c->val, &c->blob};
    const char *names[3] = {"Id", "Val", "Blob"};
    JET_ERR err = JET_errSuccess;
    for (int i = 0; i < 3 && err >= 0; i++) {
        err = JetGetTableColumnInfoW(c->ses, c->tab, W(names[i]), &def, sizeof def, JET_ColInfo);
        *ids[i] = def.columnid;
    }
    return err;
}

static JET_ERR seek(conn *c, int32_t id)
{
    JET_ERR err = JetMakeKey(c->ses, c->tab, &id, 4, JET_bitNewKey);
    return err < 0 ? err : JetSeek(c->ses, c->tab, JET_bitSeekEQ);
}

/* One row of transaction t, as planned. */
static JET_ERR apply_row(conn *c, int32_t t, const row_plan *r, uint8_t *blob)
{
    JET_ERR err = JET_errSuccess;
    if (r->op != OP_INSERT && (err = seek(c, r->id)) < 0)
        return err;
    if (r->op == OP_DELETE)
        return JetDelete(c->ses, c->tab);
    fill_blob(blob, t, r->id, r->cb);
    err = JetPrepareUpdate(c->ses, c->tab, r->op == OP_INSERT ? JET_prepInsert : JET_prepReplace);
    if (err >= 0 && r->op == OP_INSERT)
        err = JetSetColumn(c->ses, c->tab, c->id, &r->id, 4, 0, NULL);
    if (err >= 0)
        err = JetSetColumn(c->ses, c->tab, c->val, &t, 4, 0, NULL);
    if (err >= 0)
        err = JetSetColumn(c->ses, c->tab, c->blob, blob, r->cb, 0, NULL);
    if (err >= 0)
        err = JetUpdate(c->ses, c->tab, NULL, 0, NULL);
    return err;
}

static void report(int out, const char *line)
{
    size_t n = strlen(line); /* < PIPE_BUF: one atomic write */
    if (write(out, line, n) != (ssize_t)n)
        _exit(8);
}

/* A random transaction on the writer's committed state. */
static void plan_trx(trx_plan *p, int32_t t, const key_state *state)
{
    memset(p, 0, sizeof *p);
    p->t = t;
    int r = rand() % 20;
    p->kind = r < 6 ? K_DURABLE : r < 12 ? K_LAZY : r < 17 ? K_ROLLBACK : K_IMPLICIT;
    p->n = p->kind == K_IMPLICIT ? 1 : 1 + rand() % MAX_ROWS;
    for (int i = 0; i < p->n; i++) {
        row_plan *row = &p->rows[i];
        bool fresh;
        do { /* distinct keys within a transaction */
            row->id = rand() % KEYS;
            fresh = true;
            for (int j = 0; j < i; j++)
                fresh = fresh && p->rows[j].id != row->id;
        } while (!fresh);
        row->op = state[row->id].t == ABSENT ? OP_INSERT : rand() % 2 ? OP_REPLACE : OP_DELETE;
        int size = rand() % 3; /* a few bytes, in the record or separated, or past a page */
        row->cb = size == 0   ? 1 + (uint32_t)(rand() % 200)
                  : size == 1 ? 200 + (uint32_t)(rand() % 1800)
                              : PAGE + 1 + (uint32_t)(rand() % (BLOB_MAX - PAGE));
        if (row->op == OP_DELETE)
            row->cb = 0;
    }
}

/* The writer.  Never returns. */
static void writer(int out, unsigned seed, long cut_after)
{
    if (cut_after > 0)
        powerloss_arm(seed, (uint64_t)cut_after); /* before any thread exists */
    checkpointer_set_background(true);            /* the default; crashes land between rounds */
    JET_INSTANCE inst = 0;
    conn c;
    memset(&c, 0, sizeof c);
    if (start_instance(&inst) < 0 || JetBeginSessionW(inst, &c.ses, NULL, NULL) < 0)
        _exit(3);
    if (JetCreateDatabase2W(c.ses, W(g_db), 0, &c.dbid, 0) < 0 || create_table(&c) < 0)
        _exit(4);
    char line[256];
    snprintf(line, sizeof line, "ready %llu %llu\n",
             (unsigned long long)checkpoint_now_on_disk(),
             (unsigned long long)powerloss_write_count());
    report(out, line);
    srand(seed);
    static key_state state[KEYS]; /* committed, as the writer knows it */
    for (int i = 0; i < KEYS; i++)
        state[i].t = ABSENT;
    static uint8_t blob[BLOB_MAX];
    for (int32_t t = 1;; t++) {
        trx_plan p;
        plan_trx(&p, t, state);
        int n = snprintf(line, sizeof line, "begin %d %d %d", t, p.kind, p.n);
        for (int i = 0; i < p.n; i++)
            n += snprintf(line + n, sizeof line - (size_t)n, " %d %d %u", p.rows[i].id,
                          p.rows[i].op, p.rows[i].cb);
        snprintf(line + n, sizeof line - (size_t)n, "\n");
        report(out, line);
        if (p.kind != K_IMPLICIT && JetBeginTransaction(c.ses) < 0)
            _exit(5);
        for (int i = 0; i < p.n; i++)
            if (apply_row(&c, t, &p.rows[i], blob) < 0)
                _exit(6);
        JET_ERR err = p.kind == K_DURABLE    ? JetCommitTransaction(c.ses, 0)
                      : p.kind == K_LAZY     ? JetCommitTransaction(c.ses, JET_bitCommitLazyFlush)
                      : p.kind == K_ROLLBACK ? JetRollback(c.ses, 0)
                                             : JET_errSuccess;
        if (err < 0)
            _exit(7);
        if (p.kind != K_ROLLBACK)
            for (int i = 0; i < p.n; i++)
                state[p.rows[i].id] = (key_state){p.rows[i].op == OP_DELETE ? ABSENT : t,
                                                  p.rows[i].cb};
        snprintf(line, sizeof line, "%s %d\n",
                 p.kind == K_LAZY ? "lazy" : p.kind == K_ROLLBACK ? "rolled back" : "durable", t);
        report(out, line);
        if (p.kind == K_LAZY && rand() % 3 == 0) {
            if (JetCommitTransaction(c.ses, JET_bitWaitAllLevel0Commit) < 0)
                _exit(9);
            snprintf(line, sizeof line, "flushed through %d\n", t);
            report(out, line);
        }
    }
}

/* ---- the parent: the reports, then recovery and the checks ---------------------------------- */

typedef struct {
    trx_plan *trx; /* trx[T - 1]: every transaction begun, in order */
    int32_t count;
    int32_t last_durable, last_flushed; /* T, 0 if none */
    int ready;
    unsigned long long ready_checkpoint, ready_writes;
    int bad_lines;
} reports;

static void read_line(reports *r, const char *line)
{
    int32_t t = 0;
    if (sscanf(line, "ready %llu %llu", &r->ready_checkpoint, &r->ready_writes) == 2) {
        r->ready = 1;
    } else if (strncmp(line, "begin ", 6) == 0) {
        trx_plan p;
        memset(&p, 0, sizeof p);
        int used = 0;
        const char *s = line + 6;
        if (sscanf(s, "%d %d %d%n", &p.t, &p.kind, &p.n, &used) != 3 || p.t != r->count + 1 ||
            p.n < 1 || p.n > MAX_ROWS) {
            r->bad_lines++;
            return;
        }
        s += used;
        for (int i = 0; i < p.n; i++) {
            if (sscanf(s, "%d %d %u%n", &p.rows[i].id, &p.rows[i].op, &p.rows[i].cb, &used) != 3) {
                r->bad_lines++;
                return;
            }
            s += used;
        }
        trx_plan *grown = realloc(r->trx, sizeof *grown * (size_t)(r->count + 1));
        if (!grown)
            abort();
        r->trx = grown;
        r->trx[r->count++] = p;
    } else if (sscanf(line, "durable %d", &t) == 1 && t == r->count) {
        r->trx[t - 1].outcome = OUT_DURABLE;
        r->last_durable = t;
    } else if (sscanf(line, "lazy %d", &t) == 1 && t == r->count) {
        r->trx[t - 1].outcome = OUT_LAZY;
    } else if (sscanf(line, "rolled back %d", &t) == 1 && t == r->count) {
        r->trx[t - 1].outcome = OUT_ROLLED_BACK;
    } else if (sscanf(line, "flushed through %d", &t) == 1 && t == r->count) {
        r->last_flushed = t;
    } else {
        r->bad_lines++; /* never: every write is one whole line */
    }
}

/* What the recovered table holds. */
typedef struct {
    key_state key[KEYS];
    int bad; /* rows that are not an exact value of some transaction */
} found_state;

static void apply_trx(key_state *state, const trx_plan *p)
{
    for (int i = 0; i < p->n; i++)
        state[p->rows[i].id] =
            (key_state){p->rows[i].op == OP_DELETE ? ABSENT : p->t, p->rows[i].cb};
}

static int diff_states(const key_state *a, const key_state *b)
{
    int n = 0;
    for (int i = 0; i < KEYS; i++)
        n += a[i].t != b[i].t || (a[i].t != ABSENT && a[i].cb != b[i].cb);
    return n;
}

/* Read every row after recovery; rows not exactly as some transaction T wrote them are
 * counted bad (and reported). */
static void read_table(conn *c, found_state *f, const reports *r, const char *round)
{
    for (int i = 0; i < KEYS; i++)
        f->key[i].t = ABSENT;
    f->bad = 0;
    static uint8_t blob[BLOB_MAX + 64];
    JET_ERR move = JetMove(c->ses, c->tab, JET_MoveFirst, 0);
    while (move == JET_errSuccess) {
        int32_t id = -1, t = -1;
        ESE_ULONG cb_id = 0, cb_val = 0, cb_blob = 0;
        JetRetrieveColumn(c->ses, c->tab, c->id, &id, 4, &cb_id, 0, NULL);
        JetRetrieveColumn(c->ses, c->tab, c->val, &t, 4, &cb_val, 0, NULL);
        JetRetrieveColumn(c->ses, c->tab, c->blob, blob, sizeof blob, &cb_blob, 0, NULL);
        const char *why = NULL;
        if (cb_id != 4 || id < 0 || id >= KEYS)
            why = "an Id never written";
        else if (cb_val != 4 || t < 1)
            why = "no transaction number";
        else if (t > r->count)
            why = "a transaction the writer never began";
        else if (r->trx[t - 1].kind == K_ROLLBACK)
            why = "a rolled-back transaction";
        else {
            const trx_plan *p = &r->trx[t - 1];
            const row_plan *row = NULL;
            for (int i = 0; i < p->n; i++)
                if (p->rows[i].id == id && p->rows[i].op != OP_DELETE)
                    row = &p->rows[i];
            if (!row)
                why = "a transaction that did not write this row";
            else if (cb_blob != row->cb)
                why = "a long value of the wrong length";
            for (uint32_t i = 0; !why && i < cb_blob; i++)
                if (blob[i] != blob_byte(t, id, i)) {
                    why = "a long value with the wrong bytes";
                    uint32_t e = i;
                    while (e < cb_blob && blob[e] != blob_byte(t, id, e))
                        e++;
                    fprintf(stderr, "%s: Id %d: wrong bytes [%u, %u) of %lu: %02x, not %02x\n",
                            round, id, i, e, (unsigned long)cb_blob, blob[i], blob_byte(t, id, i));
                }
        }
        if (why) {
            f->bad++;
            fprintf(stderr, "%s: row Id %d holds T %d (%lu bytes): %s\n", round, id, t,
                    (unsigned long)cb_blob, why);
        } else {
            f->key[id] = (key_state){t, (uint32_t)cb_blob};
        }
        move = JetMove(c->ses, c->tab, JET_MoveNext, 0);
    }
    CHECK_ERR(move, JET_errNoCurrentRecord);
}

static long g_rounds_with_data, g_checkpoint_moved, g_durable, g_lazy_flushed, g_lazy_kept,
    g_lazy_lost, g_rolled_back, g_in_flight_commits, g_in_flight_kept, g_rows;

/* The checks on one recovered table; returns the number of problems. */
static int check_round(const reports *r, const found_state *f, const char *round)
{
    int problems = f->bad;
    /* The commits in commit order: those reported, then the one in flight if it commits. */
    int32_t *commits = malloc(sizeof *commits * (size_t)(r->count + 1));
    int n = 0, required = 0;
    int32_t must = r->last_durable > r->last_flushed ? r->last_durable : r->last_flushed;
    for (int32_t i = 0; i < r->count; i++) {
        const trx_plan *p = &r->trx[i];
        bool in_flight = p->outcome == OUT_NONE;
        if (p->outcome == OUT_ROLLED_BACK || (in_flight && p->kind == K_ROLLBACK))
            continue;
        commits[n++] = p->t;
        if (p->t <= must)
            required = n;
        g_in_flight_commits += in_flight;
    }
    /* Find the prefix (at least `required` commits) whose state the table holds. */
    static key_state model[KEYS], at_required[KEYS];
    for (int i = 0; i < KEYS; i++)
        model[i].t = ABSENT;
    for (int i = 0; i < required; i++)
        apply_trx(model, &r->trx[commits[i] - 1]);
    memcpy(at_required, model, sizeof model);
    int match = -1;
    for (int i = required; match < 0; i++) {
        if (diff_states(model, f->key) == 0)
            match = i;
        else if (i < n)
            apply_trx(model, &r->trx[commits[i] - 1]);
        else
            break;
    }
    /* Named checks: every visible transaction whole, every required one present. */
    int upto = match >= 0 ? match : n;
    for (int i = 0; i < upto || i < required; i++) {
        const trx_plan *p = &r->trx[commits[i] - 1];
        int kept = 0, lost = 0;
        for (int j = 0; j < p->n; j++) {
            const row_plan *row = &p->rows[j];
            bool overwritten = false; /* by a later commit within the prefix */
            for (int k = i + 1; k < upto && !overwritten; k++) {
                const trx_plan *q = &r->trx[commits[k] - 1];
                for (int m = 0; m < q->n; m++)
                    overwritten = overwritten || q->rows[m].id == row->id;
            }
            if (overwritten)
                continue;
            const key_state *got = &f->key[row->id];
            bool as_written = row->op == OP_DELETE ? got->t == ABSENT
                                                   : got->t == p->t && got->cb == row->cb;
            kept += as_written;
            lost += !as_written;
        }
        if (lost && (kept || i < required)) {
            problems++;
            fprintf(stderr,
                    "%s: %s transaction %d (%s) %s: %d of its surviving rows kept, %d not\n", round,
                    k_kind_name[p->kind], p->t, p->outcome == OUT_NONE ? "in flight" : "reported",
                    kept ? "partial" : "lost", kept, lost);
        }
    }
    if (match < 0) {
        problems++;
        fprintf(stderr, "%s: the table is no prefix of the %d commits (at least %d required): "
                        "%d keys differ from the required prefix, last durable %d, last flush %d\n",
                round, n, required, diff_states(at_required, f->key), r->last_durable,
                r->last_flushed);
        for (int i = 0; i < KEYS; i++)
            if (at_required[i].t != f->key[i].t)
                fprintf(stderr, "%s:   key %d holds T %d, required prefix gives T %d\n", round, i,
                        f->key[i].t, at_required[i].t);
    } else {
        for (int i = 0; i < n; i++) {
            const trx_plan *p = &r->trx[commits[i] - 1];
            if (p->outcome == OUT_NONE) {
                g_in_flight_kept += i < match;
                continue;
            }
            if (p->kind == K_LAZY)
                *(i < required ? &g_lazy_flushed : i < match ? &g_lazy_kept : &g_lazy_lost) += 1;
            else
                g_durable++;
        }
        for (int32_t i = 0; i < r->count; i++)
            g_rolled_back += r->trx[i].outcome == OUT_ROLLED_BACK;
        for (int i = 0; i < KEYS; i++)
            g_rows += f->key[i].t != ABSENT;
    }
    free(commits);
    return problems;
}

static int one_round(unsigned seed, int power_loss)
{
    char round[64];
    snprintf(round, sizeof round, "round %u%s", seed, power_loss ? " (power loss)" : "");
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", g_folder);
    if (system(cmd) != 0)
        return 0;
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return 0;
    srand(seed * 7919u);
    g_aliasing = seed % 2 == 1;
    /* The setup (JetInit, database, table) makes ~40 writes; cut within the writing after. */
    long cut_after = power_loss ? 20 + rand() % 600 : 0;
    long kill_after_ms = 1 + rand() % 200;
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        writer(pipefd[1], seed, cut_after);
    }
    close(pipefd[1]);
    reports r;
    memset(&r, 0, sizeof r);
    FILE *in = fdopen(pipefd[0], "r");
    char line[256];
    bool killed = false;
    while (fgets(line, sizeof line, in)) {
        read_line(&r, line);
        if (!power_loss && !killed && r.ready) { /* a random moment of the writing */
            struct timespec pause = {0, kill_after_ms * 1000 * 1000L};
            nanosleep(&pause, NULL);
            kill(pid, SIGKILL);
            killed = true;
        }
    }
    fclose(in);
    if (!power_loss && !killed)
        kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    /* the writer never fails by itself: killed, or cut by the power loss */
    if (power_loss)
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == POWERLOSS_EXIT_STATUS);
    else
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK(r.bad_lines == 0);
    if (!r.ready) {
        free(r.trx);
        return 1; /* died before the table existed: nothing was promised */
    }
    g_rounds_with_data += r.count > 0;
    if (getenv("CRASH_DEBUG"))
        fprintf(stderr, "%s: setup writes %llu, cut after %ld, %d begun\n", round,
                r.ready_writes, cut_after, r.count);
    log_lsn checkpoint = checkpoint_now_on_disk();
    g_checkpoint_moved += checkpoint > r.ready_checkpoint;

    /* JetInit on the same folders: recovery */
    JET_INSTANCE inst = 0;
    conn c;
    memset(&c, 0, sizeof c);
    JET_ERR err = start_instance(&inst);
    CHECK_ERR(err, JET_errSuccess);
    if (err >= 0)
        err = JetBeginSessionW(inst, &c.ses, NULL, NULL);
    if (err >= 0)
        err = JetAttachDatabase2W(c.ses, W(g_db), 0, 0);
    if (err >= 0)
        err = JetOpenDatabaseW(c.ses, W(g_db), NULL, &c.dbid, 0);
    if (err >= 0)
        err = JetOpenTableW(c.ses, c.dbid, W("T"), NULL, 0, 0, &c.tab);
    if (err >= 0)
        err = find_columns(&c);
    CHECK_ERR(err, JET_errSuccess);
    int problems = 1;
    if (err >= 0) {
        found_state f;
        read_table(&c, &f, &r, round);
        problems = check_round(&r, &f, round);
    }
    if (inst)
        CHECK_ERR(JetTerm2(inst, JET_bitTermComplete), JET_errSuccess);
    free(r.trx);
    ese_database *db = NULL;
    CHECK_ERR(db_open(g_db, PAGE, true, &db), JET_errSuccess);
    if (db) {
        char msg[256] = "";
        CHECK_ERR(db_check(db, msg, sizeof msg), JET_errSuccess);
        if (msg[0])
            fprintf(stderr, "%s: db_check: %s\n", round, msg);
        db_close(db);
    }
    CHECK(problems == 0);
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
    const char *seed_env = getenv("CRASH_SEED");
    unsigned base = seed_env ? (unsigned)strtoul(seed_env, NULL, 10) : (unsigned)time(NULL);
    printf("crash rounds: %d SIGKILL + %d power loss, seeds from %u\n", rounds, rounds, base);
    fflush(stdout); /* nothing buffered for the forked writers to inherit */
    for (int r = 0; r < rounds; r++) {
        CHECK(one_round(base + (unsigned)r, 0));
        CHECK(one_round(base + 100000u + (unsigned)r, 1));
    }
    printf("transactions checked: %ld durable (implicit included), %ld lazy flushed, "
           "%ld lazy unflushed kept, %ld lazy unflushed lost, %ld rolled back; in flight: %ld "
           "commits, %ld kept\n",
           g_durable, g_lazy_flushed, g_lazy_kept, g_lazy_lost, g_rolled_back,
           g_in_flight_commits, g_in_flight_kept);
    printf("rows checked: %ld over %ld rounds that began any transaction; checkpoint moved "
           "during the writing in %ld\n",
           g_rows, g_rounds_with_data, g_checkpoint_moved);
    CHECK(g_rounds_with_data > 0 && g_durable > 0 && g_rolled_back > 0); /* exercised */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_folder);
    if (system(cmd) != 0)
        return 2;
    return check_summary();
}
