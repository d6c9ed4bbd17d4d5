/*
 * test_trx.c -- transactions through the Jet API (docs/contract/transactions.md): nesting and
 * the depth limit, commit and rollback outside a transaction, a session's own reads, nested
 * rollback and commit, snapshot isolation between sessions (rows and long values), write
 * conflicts, the session-thread binding and JetSetSessionContext, lazy commits and
 * JET_bitWaitLastLevel0Commit, the write-set limit (and what a commit larger than the cache
 * does), schema changes inside a transaction, a transaction over two databases, faults in
 * commit (allocation, log write, log fsync: atomic after restart, instance dead after a log
 * failure), power cuts in the middle of a large commit (one commit unit: all or nothing), a
 * multi-threaded stress of 8 sessions on one database (ThreadSanitizer), and a measurement of
 * durable commits per second with 1 and 8 sessions on one database.
 *
 * Built and run by ci/sanitize (ASan+UBSan, then TSan): this file plus every .c file of
 * src/libese and src/eseformat.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bufmgr.h"
#include "check.h"
#include "engine.h"
#include "esent.h"
#include "fault.h"
#include "log.h"
#include "osal.h"
#include "powerloss.h"
#include "session.h"
#include "support.h"


static char g_root[256];
static int g_case;

/* ---- small helpers ------------------------------------------------------------------------- */

typedef struct {
    char folder[300];
    char db_path[340];
    JET_INSTANCE inst;
} env;

static JET_ERR env_start(env *e)
{
    char name[64];
    snprintf(name, sizeof name, "trx-test-%d-%d", (int)getpid(), g_case++);
    return support_start_instance(&e->inst, NULL, name, e->folder, e->folder, 1024, false);
}

static void env_new(env *e, const char *tag)
{
    support_fresh_dir(e->folder, sizeof e->folder, g_root, tag);
    snprintf(e->db_path, sizeof e->db_path, "%s/t.edb", e->folder);
}

static ese_log *log_of(JET_INSTANCE inst)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_instance *i = NULL;
    ese_log *log = engine_find_instance_locked(inst, &i) == JET_errSuccess ? i->log : NULL;
    pthread_mutex_unlock(&g_engine.lock);
    return log;
}

static ese_trx *trx_of(JET_SESID sesid)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s = NULL;
    ese_trx *trx = session_find_locked(sesid, &s) == JET_errSuccess ? session_trx(s) : NULL;
    pthread_mutex_unlock(&g_engine.lock);
    return trx;
}

/* A session on the table "T" (Id Long primary key, Val Long, Blob LongBinary). */
typedef struct {
    JET_SESID ses;
    JET_DBID dbid;
    JET_TABLEID tab;
} conn;

static JET_COLUMNID g_id, g_val, g_blob;

static JET_ERR create_table(JET_SESID ses, JET_DBID dbid, const char *name, JET_TABLEID *ptab)
{
    static const char *const names[3] = {"Id", "Val", "Blob"};
    static const JET_COLTYP types[3] = {JET_coltypLong, JET_coltypLong, JET_coltypLongBinary};
    JET_COLUMNID ids[3];
    JET_ERR err = support_create_table(ses, dbid, name, 3, names, types, 0, ptab, ids);
    if (err >= 0) {
        g_id = ids[0];
        g_val = ids[1];
        g_blob = ids[2];
    }
    return err;
}

/* Session 0 creates the database and the table; the others open them. */
static JET_ERR conn_open(env *e, conn *c, bool create)
{
    memset(c, 0, sizeof *c);
    JET_ERR err = JetBeginSessionW(e->inst, &c->ses, NULL, NULL);
    if (err < 0)
        return err;
    if (create) {
        if ((err = JetCreateDatabase2W(c->ses, W(e->db_path), 0, &c->dbid, 0)) < 0)
            return err;
        return create_table(c->ses, c->dbid, "T", &c->tab);
    }
    if ((err = JetOpenDatabaseW(c->ses, W(e->db_path), NULL, &c->dbid, 0)) < 0)
        return err;
    return JetOpenTableW(c->ses, c->dbid, W("T"), NULL, 0, 0, &c->tab);
}

static JET_ERR set_row(conn *c, int32_t id, int32_t val, const void *blob, uint32_t cb_blob)
{
    JET_ERR err = JetSetColumn(c->ses, c->tab, g_id, &id, 4, 0, NULL);
    if (err >= 0)
        err = JetSetColumn(c->ses, c->tab, g_val, &val, 4, 0, NULL);
    if (err >= 0 && blob)
        err = JetSetColumn(c->ses, c->tab, g_blob, blob, cb_blob, 0, NULL);
    return err;
}

static JET_ERR insert_blob(conn *c, int32_t id, int32_t val, const void *blob, uint32_t cb)
{
    JET_ERR err = JetPrepareUpdate(c->ses, c->tab, JET_prepInsert);
    if (err >= 0)
        err = set_row(c, id, val, blob, cb);
    if (err >= 0)
        err = JetUpdate(c->ses, c->tab, NULL, 0, NULL);
    if (err < 0)
        JetPrepareUpdate(c->ses, c->tab, JET_prepCancel);
    return err;
}

static JET_ERR insert(conn *c, int32_t id, int32_t val)
{
    return insert_blob(c, id, val, NULL, 0);
}

static JET_ERR seek(conn *c, int32_t id)
{
    JET_ERR err = JetMakeKey(c->ses, c->tab, &id, 4, JET_bitNewKey);
    return err < 0 ? err : JetSeek(c->ses, c->tab, JET_bitSeekEQ);
}

/* The row's Val, or the seek's error (JET_errRecordNotFound). */
static JET_ERR get_val(conn *c, int32_t id, int32_t *val)
{
    JET_ERR err = seek(c, id);
    ESE_ULONG cb = 0;
    *val = 0;
    if (err >= 0)
        err = JetRetrieveColumn(c->ses, c->tab, g_val, val, 4, &cb, 0, NULL);
    return err;
}

/* The row's Val or -1 when absent (any other error: -2). */
static int32_t val_of(conn *c, int32_t id)
{
    int32_t v = 0;
    JET_ERR err = get_val(c, id, &v);
    return err == JET_errRecordNotFound ? -1 : err < 0 ? -2 : v;
}

static JET_ERR replace_blob(conn *c, int32_t id, int32_t val, const void *blob, uint32_t cb)
{
    JET_ERR err = seek(c, id);
    if (err >= 0)
        err = JetPrepareUpdate(c->ses, c->tab, JET_prepReplace);
    if (err >= 0)
        err = JetSetColumn(c->ses, c->tab, g_val, &val, 4, 0, NULL);
    if (err >= 0 && blob)
        err = JetSetColumn(c->ses, c->tab, g_blob, blob, cb, 0, NULL);
    if (err >= 0)
        err = JetUpdate(c->ses, c->tab, NULL, 0, NULL);
    if (err < 0)
        JetPrepareUpdate(c->ses, c->tab, JET_prepCancel);
    return err;
}

static JET_ERR replace(conn *c, int32_t id, int32_t val)
{
    return replace_blob(c, id, val, NULL, 0);
}

static JET_ERR del(conn *c, int32_t id)
{
    JET_ERR err = seek(c, id);
    return err < 0 ? err : JetDelete(c->ses, c->tab);
}

/* Rows in key order: their count, and the sum of their Ids. */
static int count_rows(conn *c, int64_t *psum)
{
    int n = 0;
    int64_t sum = 0;
    for (JET_ERR err = JetMove(c->ses, c->tab, (ESE_LONG)JET_MoveFirst, 0); err >= 0;
         err = JetMove(c->ses, c->tab, JET_MoveNext, 0)) {
        int32_t id = 0;
        ESE_ULONG cb = 0;
        if (JetRetrieveColumn(c->ses, c->tab, g_id, &id, 4, &cb, 0, NULL) < 0)
            return -1;
        n++;
        sum += id;
    }
    if (psum)
        *psum = sum;
    return n;
}

/* Does the row's Blob hold exactly `len` bytes of `fill`? */
static bool blob_is(conn *c, int32_t id, uint8_t fill, uint32_t len)
{
    if (seek(c, id) < 0)
        return false;
    uint8_t *buf = malloc(len + 16);
    ESE_ULONG cb = 0;
    JET_ERR err = JetRetrieveColumn(c->ses, c->tab, g_blob, buf, len + 16, &cb, 0, NULL);
    bool ok = err == JET_errSuccess && cb == len;
    for (uint32_t i = 0; ok && i < len; i++)
        ok = buf[i] == fill;
    free(buf);
    return ok;
}

/* ---- nesting, own reads, rollback ---------------------------------------------------------------- */

static void test_nesting_and_rollback(void)
{
    env e;
    env_new(&e, "nesting");
    CHECK_ERR(env_start(&e), JET_errSuccess);
    conn a, b;
    CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);
    CHECK_ERR(conn_open(&e, &b, false), JET_errSuccess);

    /* outside a transaction */
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errNotInTransaction);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errNotInTransaction);
    CHECK_ERR(JetCommitTransaction(a.ses, 0x100), JET_errInvalidGrbit);
    CHECK_ERR(JetBeginTransaction(0xBAD), JET_errInvalidSesid);

    /* ESENT's depth: 7 levels, the 8th fails and changes nothing */
    for (int i = 0; i < 7; i++)
        CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errTransTooDeep);
    CHECK_ERR(JetBeginTransaction2(a.ses, 0), JET_errTransTooDeep);
    for (int i = 0; i < 7; i++)
        CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errNotInTransaction);

    /* own reads: seek, move and retrieve see the session's own staged changes; others don't */
    CHECK_ERR(insert(&a, 1, 100), JET_errSuccess); /* committed (implicit) */
    CHECK_ERR(insert(&a, 2, 200), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 3, 300), JET_errSuccess);
    CHECK_ERR(replace(&a, 1, 111), JET_errSuccess);
    CHECK_ERR(del(&a, 2), JET_errSuccess);
    CHECK_ERR(insert(&a, 3, 3), JET_errKeyDuplicate);
    CHECK(val_of(&a, 1) == 111 && val_of(&a, 2) == -1 && val_of(&a, 3) == 300);
    int64_t sum = 0;
    CHECK(count_rows(&a, &sum) == 2 && sum == 4);
    CHECK(val_of(&b, 1) == 100 && val_of(&b, 2) == 200 && val_of(&b, 3) == -1);
    CHECK(count_rows(&b, &sum) == 2 && sum == 3);
    CHECK_ERR(replace(&a, 2, 5), JET_errRecordNotFound); /* deleted in this transaction */

    /* a nested level: its rollback undoes only its own changes */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 2, 222), JET_errSuccess); /* re-insert the deleted row */
    CHECK_ERR(replace(&a, 3, 333), JET_errSuccess);
    CHECK_ERR(insert(&a, 4, 400), JET_errSuccess);
    CHECK(val_of(&a, 2) == 222 && val_of(&a, 3) == 333 && val_of(&a, 4) == 400);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK(val_of(&a, 1) == 111 && val_of(&a, 2) == -1 && val_of(&a, 3) == 300 &&
          val_of(&a, 4) == -1);

    /* a nested commit merges into the parent: a rollback of the parent undoes it too */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 5, 500), JET_errSuccess);
    CHECK_ERR(replace(&a, 3, 303), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(replace(&a, 5, 505), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, JET_bitCommitLazyFlush), JET_errSuccess); /* ignored */
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK(val_of(&a, 5) == 505 && val_of(&a, 3) == 303);
    CHECK(val_of(&b, 5) == -1 && val_of(&b, 3) == -1); /* nothing reached the database yet */
    /* a level begun after that merge is undone alone */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(replace(&a, 5, 555), JET_errSuccess);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK(val_of(&a, 5) == 505);

    /* level-0 commit: everything at once, visible to the other session */
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errNotInTransaction);
    CHECK(val_of(&b, 1) == 111 && val_of(&b, 2) == -1 && val_of(&b, 3) == 303 &&
          val_of(&b, 5) == 505);

    /* JET_bitRollbackAll undoes every level */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 6, 600), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(del(&a, 1), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(replace(&a, 3, 1), JET_errSuccess);
    CHECK_ERR(JetRollback(a.ses, JET_bitRollbackAll), JET_errSuccess);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errNotInTransaction);
    CHECK(val_of(&a, 6) == -1 && val_of(&a, 1) == 111 && val_of(&a, 3) == 303);

    /* JetRollback cancels the update prepared in the level, moves the cursors that moved in it
     * before the first record, and closes the tables opened in it */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    JET_TABLEID inner;
    CHECK_ERR(JetOpenTableW(a.ses, a.dbid, W("T"), NULL, 0, 0, &inner), JET_errSuccess);
    CHECK_ERR(seek(&a, 1), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(a.ses, a.tab, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetUpdate(a.ses, a.tab, NULL, 0, NULL), JET_errUpdateNotPrepared);
    int32_t v = 0;
    ESE_ULONG cb = 0;
    CHECK_ERR(JetRetrieveColumn(a.ses, a.tab, g_val, &v, 4, &cb, 0, NULL), JET_errNoCurrentRecord);
    CHECK_ERR(JetCloseTable(a.ses, inner), JET_errInvalidTableId);
    /* a table opened before the transaction stays open and positioned */
    CHECK_ERR(seek(&a, 1), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetRetrieveColumn(a.ses, a.tab, g_val, &v, 4, &cb, 0, NULL), JET_errSuccess);
    CHECK(v == 111);

    /* an open transaction ends with its session: rolled back */
    CHECK_ERR(JetBeginTransaction(b.ses), JET_errSuccess);
    CHECK_ERR(insert(&b, 7, 700), JET_errSuccess);
    CHECK_ERR(JetEndSession(b.ses, 0), JET_errSuccess);
    CHECK(val_of(&a, 7) == -1);
    CHECK_ERR(insert(&a, 7, 7), JET_errSuccess); /* its write lock went with it */

    /* a read-only transaction refuses updates */
    CHECK_ERR(JetBeginTransaction2(a.ses, JET_bitTransactionReadOnly), JET_errSuccess);
    CHECK_ERR(insert(&a, 8, 8), JET_errTransReadOnly);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK_ERR(insert(&a, 8, 8), JET_errSuccess);

    /* JetCommitTransaction2 reports the commit's log position; a timeout needs a lazy commit */
    JET_COMMIT_ID id1, id2;
    CHECK_ERR(JetBeginTransaction3(a.ses, 42, 0), JET_errSuccess);
    CHECK_ERR(replace(&a, 8, 9), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction2(a.ses, 0, 10, &id1), JET_errInvalidParameter);
    CHECK_ERR(JetCommitTransaction2(a.ses, 0, 0, &id1), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(replace(&a, 8, 10), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction2(a.ses, JET_bitCommitLazyFlush, 100, &id2), JET_errSuccess);
    CHECK(id1.commitId > 0 && id2.commitId > id1.commitId);
    CHECK(memcmp(&id1.signLog, &id2.signLog, sizeof id1.signLog) == 0);
    CHECK_ERR(JetCommitTransaction(a.ses, JET_bitWaitAllLevel0Commit), JET_errSuccess);

    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
}

/* ---- isolation and write conflicts ------------------------------------------------------------ */

static void test_isolation(void)
{
    env e;
    env_new(&e, "isolation");
    CHECK_ERR(env_start(&e), JET_errSuccess);
    conn a, b, c;
    CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);
    CHECK_ERR(conn_open(&e, &b, false), JET_errSuccess);
    CHECK_ERR(conn_open(&e, &c, false), JET_errSuccess);
    static uint8_t big[3][9000];
    memset(big[0], 0xA1, sizeof big[0]);
    memset(big[1], 0xB2, sizeof big[1]);
    memset(big[2], 0xC3, sizeof big[2]);
    for (int32_t id = 1; id <= 10; id++)
        CHECK_ERR(insert_blob(&a, id, id * 10, big[0], 5000), JET_errSuccess);

    /* b's snapshot is taken at its begin */
    CHECK_ERR(JetBeginTransaction(b.ses), JET_errSuccess);
    CHECK(val_of(&b, 1) == 10);
    /* a commits a replace (with a new long value), a delete and an insert, outside and inside
     * a transaction */
    CHECK_ERR(replace_blob(&a, 1, 11, big[1], 7000), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(del(&a, 2), JET_errSuccess);
    CHECK_ERR(insert_blob(&a, 11, 110, big[2], 6000), JET_errSuccess);
    CHECK_ERR(replace(&a, 3, 33), JET_errSuccess);
    CHECK(val_of(&b, 3) == 30); /* uncommitted: b never sees it */
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    /* b still sees the database as of its begin: rows, long values, moves */
    CHECK(val_of(&b, 1) == 10 && blob_is(&b, 1, 0xA1, 5000));
    CHECK(val_of(&b, 2) == 20 && blob_is(&b, 2, 0xA1, 5000));
    CHECK(val_of(&b, 3) == 30 && val_of(&b, 11) == -1);
    int64_t sum = 0;
    CHECK(count_rows(&b, &sum) == 10 && sum == 55);
    /* a reader outside a transaction sees the latest commits */
    CHECK(val_of(&c, 1) == 11 && blob_is(&c, 1, 0xB2, 7000) && val_of(&c, 2) == -1 &&
          val_of(&c, 11) == 110 && blob_is(&c, 11, 0xC3, 6000));
    CHECK(count_rows(&c, &sum) == 10 && sum == 55 - 2 + 11);
    /* b's own changes layer over its snapshot */
    CHECK_ERR(insert(&b, 12, 120), JET_errSuccess);
    CHECK(count_rows(&b, &sum) == 11 && sum == 67);
    /* b may not change a row committed after its begin, nor insert a key another
     * transaction inserted after its begin: ESENT's write conflict */
    CHECK_ERR(replace(&b, 1, 1), JET_errWriteConflict);
    CHECK_ERR(del(&b, 3), JET_errWriteConflict);
    CHECK_ERR(replace(&b, 2, 2), JET_errWriteConflict); /* deleted after its begin */
    CHECK_ERR(insert(&b, 11, 1), JET_errWriteConflict);
    CHECK_ERR(replace(&b, 4, 44), JET_errSuccess); /* untouched since: fine */
    CHECK_ERR(JetCommitTransaction(b.ses, 0), JET_errSuccess);
    CHECK(val_of(&c, 4) == 44 && val_of(&c, 12) == 120 && val_of(&c, 1) == 11);

    /* the first updater holds the row until it ends: the second fails at once, even when the
     * first commits later; an update outside a transaction conflicts as well */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(b.ses), JET_errSuccess);
    CHECK_ERR(replace(&a, 5, 55), JET_errSuccess);
    CHECK_ERR(replace(&b, 5, 56), JET_errWriteConflict);
    CHECK_ERR(del(&b, 5), JET_errWriteConflict);
    CHECK_ERR(replace(&c, 5, 57), JET_errWriteConflict);
    CHECK_ERR(insert(&a, 20, 200), JET_errSuccess);
    CHECK_ERR(insert(&b, 20, 201), JET_errWriteConflict); /* a's uncommitted insert */
    CHECK_ERR(replace(&b, 6, 66), JET_errSuccess);
    CHECK_ERR(replace(&a, 6, 67), JET_errWriteConflict); /* and the other way round */
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK_ERR(replace(&b, 5, 58), JET_errWriteConflict); /* committed after b began */
    CHECK_ERR(JetCommitTransaction(b.ses, 0), JET_errSuccess);
    CHECK(val_of(&c, 5) == 55 && val_of(&c, 6) == 66 && val_of(&c, 20) == 200);
    /* a rollback releases the lock */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(replace(&a, 7, 77), JET_errSuccess);
    CHECK_ERR(replace(&c, 7, 78), JET_errWriteConflict);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK_ERR(replace(&c, 7, 79), JET_errSuccess);
    /* ... and so does a nested rollback of the level that took it */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(replace(&a, 8, 88), JET_errSuccess);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK_ERR(replace(&c, 8, 89), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);

    /* JET_prepReplace takes the write lock at once; JET_prepReplaceNoLock leaves the conflict
     * to JetUpdate; the lock outlives a cancelled update until the transaction ends */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(b.ses), JET_errSuccess);
    CHECK_ERR(seek(&a, 9), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(a.ses, a.tab, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(seek(&b, 9), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(b.ses, b.tab, JET_prepReplace), JET_errWriteConflict);
    CHECK_ERR(JetPrepareUpdate(b.ses, b.tab, JET_prepReplaceNoLock), JET_errSuccess);
    int32_t nine = 99;
    CHECK_ERR(JetSetColumn(b.ses, b.tab, g_val, &nine, 4, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetUpdate(b.ses, b.tab, NULL, 0, NULL), JET_errWriteConflict);
    CHECK_ERR(JetPrepareUpdate(b.ses, b.tab, JET_prepCancel), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(a.ses, a.tab, JET_prepCancel), JET_errSuccess);
    CHECK_ERR(replace(&c, 9, 1), JET_errWriteConflict); /* still a's */
    CHECK(val_of(&a, 9) == 90 && val_of(&b, 9) == 90);  /* a lock changes nothing */
    CHECK_ERR(seek(&a, 10), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(a.ses, a.tab, JET_prepReplace), JET_errSuccess);
    CHECK_ERR(JetPrepareUpdate(a.ses, a.tab, JET_prepCancel), JET_errSuccess);
    CHECK_ERR(replace(&a, 9, 91), JET_errSuccess);
    CHECK_ERR(JetRollback(b.ses, 0), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK(val_of(&c, 9) == 91 && val_of(&c, 10) == 100);
    CHECK_ERR(replace(&c, 10, 101), JET_errSuccess); /* the commit released both locks */

    /* a long-running reader keeps seeing its snapshot through many later commits */
    CHECK_ERR(JetBeginTransaction(b.ses), JET_errSuccess);
    int n_before = count_rows(&b, &sum);
    int64_t sum_before = sum;
    for (int32_t id = 100; id < 160; id++)
        CHECK_ERR(insert(&a, id, id), JET_errSuccess);
    for (int32_t id = 100; id < 130; id++)
        CHECK_ERR(del(&c, id), JET_errSuccess);
    CHECK(count_rows(&b, &sum) == n_before && sum == sum_before);
    CHECK_ERR(JetCommitTransaction(b.ses, 0), JET_errSuccess);
    CHECK(count_rows(&b, NULL) == n_before + 30);

    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
}

/* ---- the thread binding ------------------------------------------------------------------------ */

typedef struct {
    conn *c;
    int step;
    JET_ERR results[8];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stage;              /* step 0: 1 = begun, 2 = told to commit */
} bind_job;

static void *bind_thread(void *arg)
{
    bind_job *j = arg;
    conn *c = j->c;
    if (j->step == 0) {
        /* begin, then stay alive (thread ids are reused once a thread is gone) until told to
         * commit */
        j->results[0] = JetBeginTransaction(c->ses);
        j->results[1] = insert(c, 1, 1);
        pthread_mutex_lock(&j->lock);
        j->stage = 1;
        pthread_cond_broadcast(&j->cond);
        while (j->stage != 2)
            pthread_cond_wait(&j->cond, &j->lock);
        pthread_mutex_unlock(&j->lock);
        j->results[2] = JetCommitTransaction(c->ses, 0);
    } else if (j->step == 4) {
        j->results[0] = JetBeginTransaction(c->ses);
        j->results[1] = insert(c, 4, 4);
    } else if (j->step == 1) {
        j->results[0] = JetCommitTransaction(c->ses, 0);
        j->results[1] = insert(c, 50, 50); /* an update: ESENT runs it in a nested transaction */
        j->results[2] = del(c, 1);
        int32_t v = 0;
        j->results[3] = get_val(c, 1, &v); /* reads are not checked */
    } else if (j->step == 2) {
        j->results[0] = JetSetSessionContext(c->ses, 0x1234);
        j->results[1] = JetBeginTransaction(c->ses);
        j->results[2] = insert(c, 2, 2);
        j->results[3] = JetResetSessionContext(c->ses);
    } else {
        j->results[0] = JetResetSessionContext(c->ses); /* set by another thread */
    }
    return NULL;
}

static void run_on_thread(bind_job *j)
{
    pthread_t t;
    if (pthread_create(&t, NULL, bind_thread, j) == 0)
        pthread_join(t, NULL);
}

static void test_thread_binding(void)
{
    env e;
    env_new(&e, "binding");
    CHECK_ERR(env_start(&e), JET_errSuccess);
    conn a;
    CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);

    bind_job j;
    memset(&j, 0, sizeof j);
    j.c = &a;
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.cond, NULL);
    pthread_t first;
    CHECK(pthread_create(&first, NULL, bind_thread, &j) == 0); /* begins on another thread */
    pthread_mutex_lock(&j.lock);
    while (j.stage != 1)
        pthread_cond_wait(&j.cond, &j.lock);
    pthread_mutex_unlock(&j.lock);
    CHECK_ERR(j.results[0], JET_errSuccess);
    CHECK_ERR(j.results[1], JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSessionSharingViolation);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSessionSharingViolation);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSessionSharingViolation);
    bind_job other;
    memset(&other, 0, sizeof other);
    other.c = &a;
    other.step = 1;
    run_on_thread(&other); /* a third thread: not the one that began either */
    CHECK_ERR(other.results[0], JET_errSessionSharingViolation);
    CHECK_ERR(other.results[1], JET_errSessionSharingViolation);
    CHECK_ERR(other.results[2], JET_errSessionSharingViolation);
    CHECK_ERR(other.results[3], JET_errSuccess);
    CHECK_ERR(insert(&a, 51, 51), JET_errSessionSharingViolation); /* nor this one */
    JET_TABLEID ddl;
    CHECK_ERR(create_table(a.ses, a.dbid, "T3", &ddl), JET_errSessionSharingViolation);
    pthread_mutex_lock(&j.lock);
    j.stage = 2;
    pthread_cond_broadcast(&j.cond);
    pthread_mutex_unlock(&j.lock);
    pthread_join(first, NULL);
    CHECK_ERR(j.results[2], JET_errSuccess); /* the thread that began commits */
    CHECK(val_of(&a, 1) == 1);
    /* a transaction left open by a thread that is gone ends with the session (rolled back) */
    other.step = 4;
    run_on_thread(&other);
    CHECK_ERR(other.results[0], JET_errSuccess);
    CHECK_ERR(other.results[1], JET_errSuccess);
    CHECK_ERR(JetEndSession(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetBeginSessionW(e.inst, &a.ses, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetOpenDatabaseW(a.ses, W(e.db_path), NULL, &a.dbid, 0), JET_errSuccess);
    CHECK_ERR(JetOpenTableW(a.ses, a.dbid, W("T"), NULL, 0, 0, &a.tab), JET_errSuccess);
    CHECK(val_of(&a, 4) == -1);

    /* JetSetSessionContext: the transaction follows the context from thread to thread */
    CHECK_ERR(JetSetSessionContext(a.ses, 0), JET_errInvalidParameter);
    CHECK_ERR(JetSetSessionContext(a.ses, (JET_API_PTR)-1), JET_errInvalidParameter);
    j.step = 2;
    memset(j.results, 0, sizeof j.results);
    run_on_thread(&j);
    for (int i = 0; i < 4; i++)
        CHECK_ERR(j.results[i], JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSessionSharingViolation); /* no context */
    CHECK_ERR(JetSetSessionContext(a.ses, 0x9999), JET_errSuccess); /* another context */
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSessionSharingViolation);
    CHECK_ERR(JetResetSessionContext(a.ses), JET_errSuccess);
    CHECK_ERR(JetSetSessionContext(a.ses, 0x1234), JET_errSuccess);
    CHECK_ERR(JetSetSessionContext(a.ses, 0x1234), JET_errSessionContextAlreadySet);
    j.step = 3;
    run_on_thread(&j);
    CHECK_ERR(j.results[0], JET_errSessionContextNotSetByThisThread);
    CHECK_ERR(insert(&a, 3, 3), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetResetSessionContext(a.ses), JET_errSuccess);
    CHECK_ERR(JetResetSessionContext(a.ses), JET_errSessionContextNotSetByThisThread);
    CHECK(val_of(&a, 2) == 2 && val_of(&a, 3) == 3);
    /* outside a transaction any thread may use the session */
    j.step = 1;
    run_on_thread(&j);
    CHECK_ERR(j.results[0], JET_errNotInTransaction);
    CHECK_ERR(j.results[1], JET_errSuccess);
    CHECK_ERR(j.results[2], JET_errSuccess);
    CHECK(val_of(&a, 50) == 50 && val_of(&a, 1) == -1);

    pthread_mutex_destroy(&j.lock);
    pthread_cond_destroy(&j.cond);
    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
}

/* ---- lazy commits ---------------------------------------------------------------------------- */

static void test_lazy_commit(void)
{
    env e;
    env_new(&e, "lazy");
    CHECK_ERR(env_start(&e), JET_errSuccess);
    conn a, b;
    CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);
    CHECK_ERR(conn_open(&e, &b, false), JET_errSuccess);
    ese_log *log = log_of(e.inst);
    CHECK(log != NULL);
    if (!log)
        return;
    /* without a lazy commit nothing is waited for */
    CHECK_ERR(JetCommitTransaction(a.ses, JET_bitWaitLastLevel0Commit), JET_errSuccess);

    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 1, 1), JET_errSuccess);
    log_lsn durable_before = log_durable_lsn(log);
    CHECK_ERR(JetCommitTransaction(a.ses, JET_bitCommitLazyFlush), JET_errSuccess);
    log_lsn end = log_append_end_lsn(log);
    CHECK(log_durable_lsn(log) == durable_before && end > durable_before); /* not flushed */
    CHECK(val_of(&b, 1) == 1);                                            /* but visible */
    /* the grbits that wait take no other bit */
    CHECK_ERR(JetCommitTransaction(a.ses, JET_bitWaitLastLevel0Commit | JET_bitCommitLazyFlush),
              JET_errInvalidGrbit);
    CHECK_ERR(JetCommitTransaction(a.ses, JET_bitWaitAllLevel0Commit | JET_bitCommitLazyFlush),
              JET_errInvalidGrbit);
    /* another session's wait for its own (none) does not flush a's */
    CHECK_ERR(JetCommitTransaction(b.ses, JET_bitWaitLastLevel0Commit), JET_errSuccess);
    CHECK(log_durable_lsn(log) == durable_before);
    /* JET_bitWaitLastLevel0Commit: a's last commit is durable now, in or out of a transaction */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, JET_bitWaitLastLevel0Commit), JET_errSuccess);
    CHECK(log_durable_lsn(log) >= end);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess); /* still in it: ends it */
    /* JET_bitWaitAllLevel0Commit flushes every session's lazy commits */
    CHECK_ERR(JetBeginTransaction(b.ses), JET_errSuccess);
    CHECK_ERR(insert(&b, 2, 2), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(b.ses, JET_bitCommitLazyFlush), JET_errSuccess);
    end = log_append_end_lsn(log);
    CHECK(log_durable_lsn(log) < end);
    CHECK_ERR(JetCommitTransaction(a.ses, JET_bitWaitAllLevel0Commit), JET_errSuccess);
    CHECK(log_durable_lsn(log) >= end);
    /* a durable commit is durable at return */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 3, 3), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK(log_durable_lsn(log) >= log_append_end_lsn(log));
    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
}

/* ---- the write-set limit ---------------------------------------------------------------------- */

static void test_limit(void)
{
    env e;
    env_new(&e, "limit");
    /* a cache of 64 pages: the write set may take 16 pages' worth (a quarter) */
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramCacheSizeMax, 64, NULL), JET_errSuccess);
    bm_set_cache_budget(64);
    CHECK_ERR(env_start(&e), JET_errSuccess);
    conn a, b;
    CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);
    CHECK_ERR(conn_open(&e, &b, false), JET_errSuccess);

    /* a small row costs 2 pages (its leaf + one for its bytes): 8 fit, the 9th does not */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    int fitted = 0;
    JET_ERR err = JET_errSuccess;
    for (int32_t id = 1; id <= 100 && err >= 0; id++)
        if ((err = insert(&a, id, id)) >= 0)
            fitted++;
    CHECK_ERR(err, JET_errVersionStoreOutOfMemory);
    CHECK(fitted == 8);
    /* changing a staged row again costs nothing more */
    CHECK_ERR(replace(&a, 3, 33), JET_errSuccess);
    CHECK_ERR(insert(&a, 50, 50), JET_errVersionStoreOutOfMemory);
    /* a nested rollback gives its share back */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(del(&a, 8), JET_errSuccess);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK_ERR(del(&a, 8), JET_errSuccess); /* the row's share is the same */
    CHECK_ERR(insert(&a, 50, 50), JET_errVersionStoreOutOfMemory);
    /* the transaction can still commit what it holds */
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    int64_t sum = 0;
    CHECK(count_rows(&b, &sum) == 7 && sum == 36 - 8);
    CHECK(val_of(&b, 3) == 33);
    /* ... or roll back */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    for (int32_t id = 200; id < 300 && err != JET_errVersionStoreOutOfMemory; id++)
        err = insert(&a, id, id);
    CHECK_ERR(err, JET_errVersionStoreOutOfMemory);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK(count_rows(&b, NULL) == 7);
    /* a long value counts by its size: 20 KiB is 11 pages of 4 KiB... halves */
    static uint8_t big[40000];
    memset(big, 0x5A, sizeof big);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert_blob(&a, 400, 1, big, sizeof big), JET_errVersionStoreOutOfMemory);
    CHECK_ERR(insert_blob(&a, 400, 1, big, 10000), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK(blob_is(&b, 400, 0x5A, 10000));

    /* What a commit larger than the cache would do (the limit exists so it cannot happen):
     * with the limit lifted, a transaction that touches more pages than the cache holds fails
     * its commit with JET_errOutOfBuffers -- the batch of a commit stays in the cache until it
     * is logged (no-steal) -- and nothing of it is applied; it can then be rolled back. */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    ese_trx *trx = trx_of(a.ses);
    CHECK(trx != NULL);
    if (trx)
        trx->limit = UINT64_MAX;
    uint32_t rnd = 12345;
    int staged = 0;
    for (int i = 0; i < 3000; i++) {
        rnd = rnd * 1103515245u + 12345u;
        int32_t id = 1000 + (int32_t)(rnd % 1000000);
        if (insert_blob(&a, id, i, big, 600) >= 0) /* intrinsic: 600 bytes per row */
            staged++;
    }
    CHECK(staged > 2900);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errOutOfBuffers);
    CHECK(count_rows(&b, NULL) == 8); /* nothing applied */
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 999, 999), JET_errSuccess);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK(count_rows(&b, NULL) == 9 && val_of(&b, 999) == 999);

    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramCacheSizeMax, 2000000000, NULL),
              JET_errSuccess);
    bm_set_cache_budget(2000000000u);
}

static int restart_and_count(env *e, int64_t *psum);

/* ---- schema changes and two databases ---------------------------------------------------------- */

static void test_ddl_and_two_databases(void)
{
    env e;
    env_new(&e, "ddl");
    CHECK_ERR(env_start(&e), JET_errSuccess);
    conn a, b;
    CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);
    CHECK_ERR(conn_open(&e, &b, false), JET_errSuccess);

    /* a table created inside a transaction is committed at once: rollback keeps it (and
     * closes the handle opened inside), but undoes the rows inserted into it */
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    JET_TABLEID t2;
    CHECK_ERR(create_table(a.ses, a.dbid, "T2", &t2), JET_errSuccess);
    conn a2 = {a.ses, a.dbid, t2};
    CHECK_ERR(insert(&a2, 1, 1), JET_errSuccess);
    JET_TABLEID seen;
    CHECK_ERR(JetOpenTableW(b.ses, b.dbid, W("T2"), NULL, 0, 0, &seen), JET_errSuccess);
    conn b2 = {b.ses, b.dbid, seen};
    CHECK(val_of(&b2, 1) == -1);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetCloseTable(a.ses, t2), JET_errInvalidTableId);
    CHECK(val_of(&b2, 1) == -1 && count_rows(&b2, NULL) == 0);

    /* one transaction over two databases: one commit, both or neither */
    char path2[400];
    snprintf(path2, sizeof path2, "%s/second.edb", e.folder);
    JET_DBID dbid2;
    CHECK_ERR(JetCreateDatabase2W(a.ses, W(path2), 0, &dbid2, 0), JET_errSuccess);
    JET_TABLEID x;
    CHECK_ERR(create_table(a.ses, dbid2, "T", &x), JET_errSuccess);
    conn ax = {a.ses, dbid2, x};
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 10, 10), JET_errSuccess);
    CHECK_ERR(insert(&ax, 10, 20), JET_errSuccess);
    CHECK(val_of(&a, 10) == 10 && val_of(&ax, 10) == 20 && val_of(&b, 10) == -1);
    CHECK_ERR(JetCommitTransaction(a.ses, 0), JET_errSuccess);
    CHECK(val_of(&b, 10) == 10 && val_of(&ax, 10) == 20);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 11, 11), JET_errSuccess);
    CHECK_ERR(insert(&ax, 11, 21), JET_errSuccess);
    /* a database with staged changes cannot be detached */
    CHECK_ERR(JetCloseTable(a.ses, x), JET_errSuccess);
    CHECK_ERR(JetCloseDatabase(a.ses, dbid2, 0), JET_errSuccess);
    CHECK_ERR(JetDetachDatabase2W(b.ses, W(path2), 0), JET_errDatabaseInUse);
    CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
    CHECK_ERR(JetDetachDatabase2W(b.ses, W(path2), 0), JET_errSuccess);
    CHECK(val_of(&b, 11) == -1);

    /* JetTerm with transactions open rolls them back: nothing of them after a restart */
    int before = count_rows(&b, NULL);
    CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
    CHECK_ERR(insert(&a, 12, 12), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(b.ses), JET_errSuccess);
    CHECK_ERR(del(&b, 10), JET_errSuccess);
    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
    CHECK(restart_and_count(&e, NULL) == before);
}

/* ---- faults in commit ---------------------------------------------------------------------------- */

/* Restart the instance on the same files and count the rows (the database is attached again;
 * recovery ran in JetInit).  -1 when that fails. */
static int restart_and_count(env *e, int64_t *psum)
{
    JET_ERR err = env_start(e);
    conn c;
    memset(&c, 0, sizeof c);
    if (err >= 0)
        err = JetBeginSessionW(e->inst, &c.ses, NULL, NULL);
    if (err >= 0)
        err = JetAttachDatabase2W(c.ses, W(e->db_path), 0, 0);
    if (err >= 0)
        err = JetOpenDatabaseW(c.ses, W(e->db_path), NULL, &c.dbid, 0);
    if (err >= 0)
        err = JetOpenTableW(c.ses, c.dbid, W("T"), NULL, 0, 0, &c.tab);
    int n = -1;
    if (err >= 0) {
        JET_COLUMNDEF def;
        if (JetGetTableColumnInfoW(c.ses, c.tab, W("Id"), &def, sizeof def, JET_ColInfo) >= 0)
            g_id = def.columnid;
        if (JetGetTableColumnInfoW(c.ses, c.tab, W("Val"), &def, sizeof def, JET_ColInfo) >= 0)
            g_val = def.columnid;
        n = count_rows(&c, psum);
    } else {
        fprintf(stderr, "restart failed: %d\n", (int)err);
    }
    if (e->inst)
        CHECK_ERR(JetTerm2(e->inst, 0), JET_errSuccess);
    return n;
}

static void test_commit_faults(void)
{
    /* allocation failures anywhere in a commit: the commit fails with JET_errOutOfMemory and
     * applies nothing, the transaction stays open (rolled back here), and the next one works */
    env e;
    env_new(&e, "fault-alloc");
    CHECK_ERR(env_start(&e), JET_errSuccess);
    conn a;
    CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);
    static uint8_t big[6000];
    memset(big, 0x77, sizeof big);
    int failures = 0, committed = 0;
    for (uint64_t n = 1; n < 400; n++) {
        int32_t base = 1000 * (int32_t)n;
        CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
        for (int32_t i = 0; i < 4; i++)
            CHECK_ERR(insert_blob(&a, base + i, i, big, i == 0 ? sizeof big : 10), JET_errSuccess);
        CHECK_ERR(replace(&a, base + 1, 5), JET_errSuccess);
        fault_reset();
        fault_arm(FAULT_ALLOC, n, FAULT_AS_EIO);
        JET_ERR err = JetCommitTransaction(a.ses, 0);
        bool hit = fault_count(FAULT_ALLOC) >= n;
        fault_reset();
        if (err >= 0) {
            CHECK(!hit);
            committed = base;
            break;
        }
        failures++;
        CHECK_ERR(err, JET_errOutOfMemory);
        CHECK(val_of(&a, base) == 0 && val_of(&a, base + 1) == 5); /* still staged */
        CHECK_ERR(JetRollback(a.ses, 0), JET_errSuccess);
        CHECK(val_of(&a, base) == -1 && val_of(&a, base + 1) == -1);
    }
    CHECK(failures > 10 && committed);
    CHECK(val_of(&a, committed + 1) == 5 && blob_is(&a, committed, 0x77, sizeof big));
    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
    int64_t sum = 0;
    CHECK(restart_and_count(&e, &sum) == 4 && sum == 4 * (int64_t)committed + 6);

    /* a log write or fsync failing in a durable commit: the error (JET_errLogWriteFail), the
     * instance is dead afterwards (data calls: JET_errInstanceUnavailable; rollback and close
     * still work), and after a restart the transaction is atomic: absent when the write
     * failed (it never reached the file), all or nothing when only the fsync failed (the
     * bytes may be in the file) */
    for (int kind = 0; kind < 2; kind++) {
        env_new(&e, kind ? "fault-fsync" : "fault-write");
        CHECK_ERR(env_start(&e), JET_errSuccess);
        CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);
        conn b;
        CHECK_ERR(conn_open(&e, &b, false), JET_errSuccess);
        CHECK_ERR(insert(&a, 1, 1), JET_errSuccess); /* committed and durable */
        CHECK_ERR(JetBeginTransaction(a.ses), JET_errSuccess);
        for (int32_t id = 10; id < 20; id++)
            CHECK_ERR(insert(&a, id, id), JET_errSuccess);
        CHECK_ERR(JetBeginTransaction(b.ses), JET_errSuccess);
        fault_reset();
        fault_arm(kind ? FAULT_FSYNC : FAULT_WRITE, 1, FAULT_AS_EIO);
        JET_ERR err = JetCommitTransaction(a.ses, 0);
        fault_reset();
        CHECK_ERR(err, JET_errLogWriteFail);
        CHECK_ERR(JetBeginTransaction(a.ses), JET_errInstanceUnavailable);
        CHECK_ERR(insert(&a, 30, 30), JET_errInstanceUnavailable);
        int32_t v;
        CHECK_ERR(get_val(&b, 1, &v), JET_errInstanceUnavailable);
        CHECK_ERR(JetCommitTransaction(b.ses, JET_bitWaitAllLevel0Commit),
                  JET_errInstanceUnavailable);
        CHECK_ERR(JetRollback(b.ses, 0), JET_errSuccess);
        JetTerm2(e.inst, 0); /* its error is JetTerm's business (the log is dead) */
        int64_t sum2 = 0;
        int n = restart_and_count(&e, &sum2);
        if (kind == 0)
            CHECK(n == 1 && sum2 == 1);
        else
            CHECK((n == 1 && sum2 == 1) || (n == 11 && sum2 == 1 + 145));
    }
}

/* ---- one commit unit under power loss --------------------------------------------------------------- */

/* The child: a durable transaction A (ids 1..10), a lazy one L (id 11), then a large
 * transaction B (ids 1000..1399 with long values, several log segments and ring writes) whose
 * commit the power cut interrupts after `cut_after` writes.  Never returns. */
static void power_child(env *e, uint64_t seed, uint64_t cut_after)
{
    if (env_start(e) < 0)
        _exit(3);
    conn a;
    if (conn_open(e, &a, true) < 0)
        _exit(4);
    static uint8_t big[3000];
    memset(big, 0x42, sizeof big);
    if (JetBeginTransaction(a.ses) < 0)
        _exit(5);
    for (int32_t id = 1; id <= 10; id++)
        if (insert(&a, id, id) < 0)
            _exit(6);
    if (JetCommitTransaction(a.ses, 0) < 0 || JetBeginTransaction(a.ses) < 0 ||
        insert(&a, 11, 11) < 0 || JetCommitTransaction(a.ses, JET_bitCommitLazyFlush) < 0)
        _exit(7);
    if (JetBeginTransaction(a.ses) < 0)
        _exit(8);
    for (int32_t id = 1000; id < 1400; id++)
        if (insert_blob(&a, id, id, big, sizeof big) < 0)
            _exit(9);
    powerloss_arm(seed, cut_after);
    JetCommitTransaction(a.ses, 0);
    powerloss_cut(seed); /* the commit finished before the cut: cut now */
}

static void test_power_cut_commit(void)
{
    int all = 0, none = 0, bad = 0, lazy_kept = 0;
    for (uint64_t round = 0; round < 16; round++) {
        env e;
        env_new(&e, "power");
        pid_t pid = fork();
        if (pid == 0)
            power_child(&e, 1000 + round, 1 + round); /* the commit makes ~9 writes */
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == POWERLOSS_EXIT_STATUS);
        int64_t sum = 0;
        int n = restart_and_count(&e, &sum);
        /* A always (durable before the cut); L whole or not at all (its record went out with
         * B's writes, unsynced); B all or nothing (one commit unit) */
        int64_t sum_b = 0;
        for (int64_t id = 1000; id < 1400; id++)
            sum_b += id;
        if (n == 11 || n == 411) {
            lazy_kept++;
            n--;
            sum -= 11;
        }
        if (n == 10 && sum == 55)
            none++;
        else if (n == 410 && sum == 55 + sum_b)
            all++;
        else {
            bad++;
            fprintf(stderr, "power round %d: %d rows, sum %lld\n", (int)round, n, (long long)sum);
        }
    }
    CHECK(bad == 0 && all > 0 && none > 0);
    printf("power cuts in a large commit: %d all, %d nothing, %d partial (lazy commit kept in %d)\n",
           all, none, bad, lazy_kept);
}

/* ---- 8 sessions on one database ------------------------------------------------------------------ */

#define STRESS_THREADS 8

typedef struct {
    env *e;
    int index;
    int iterations;
    int committed;          /* transactions committed */
    int increments;         /* of them, those that incremented the shared counter */
    int conflicts;
    JET_ERR failure;
} stress_job;

static void *stress_thread(void *arg)
{
    stress_job *j = arg;
    conn c;
    JET_ERR err = conn_open(j->e, &c, false);
    for (int i = 0; err >= 0 && i < j->iterations; i++) {
        if ((err = JetBeginTransaction(c.ses)) < 0)
            break;
        int32_t base = 1000000 * (j->index + 1) + 10 * i;
        for (int32_t k = 0; k < 3 && err >= 0; k++)
            err = insert(&c, base + k, i);
        /* the shared counter: read it in the snapshot, write it back plus one */
        bool bump = i % 2 == 0;
        int32_t counter = 0;
        if (err >= 0 && bump && (err = get_val(&c, 0, &counter)) >= 0)
            err = replace(&c, 0, counter + 1);
        if (err == JET_errWriteConflict) {
            j->conflicts++;
            err = JetRollback(c.ses, 0);
            continue;
        }
        if (err < 0)
            break;
        if (i % 7 == 3) { /* some roll back */
            err = JetRollback(c.ses, 0);
            continue;
        }
        if ((err = JetCommitTransaction(c.ses, i % 5 == 0 ? JET_bitCommitLazyFlush : 0)) < 0)
            break;
        j->committed++;
        j->increments += bump;
    }
    if (err >= 0)
        err = JetCommitTransaction(c.ses, JET_bitWaitLastLevel0Commit);
    j->failure = err < 0 ? err : JET_errSuccess;
    JetEndSession(c.ses, 0);
    return NULL;
}

static void test_stress(void)
{
    env e;
    env_new(&e, "stress");
    CHECK_ERR(env_start(&e), JET_errSuccess);
    conn a;
    CHECK_ERR(conn_open(&e, &a, true), JET_errSuccess);
    CHECK_ERR(insert(&a, 0, 0), JET_errSuccess); /* the shared counter */
    stress_job jobs[STRESS_THREADS];
    pthread_t threads[STRESS_THREADS];
    for (int i = 0; i < STRESS_THREADS; i++) {
        jobs[i] = (stress_job){&e, i, 60, 0, 0, 0, JET_errSuccess};
        CHECK(pthread_create(&threads[i], NULL, stress_thread, &jobs[i]) == 0);
    }
    int committed = 0, increments = 0, conflicts = 0;
    for (int i = 0; i < STRESS_THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK_ERR(jobs[i].failure, JET_errSuccess);
        committed += jobs[i].committed;
        increments += jobs[i].increments;
        conflicts += jobs[i].conflicts;
    }
    /* every committed transaction's rows are there, and no increment of the counter was lost
     * (a lost update would need two transactions to write the row: the write lock and the
     * snapshot check forbid it) */
    CHECK(count_rows(&a, NULL) == 1 + 3 * committed);
    CHECK(val_of(&a, 0) == increments);
    printf("stress: %d sessions, %d commits, %d counter increments, %d write conflicts\n",
           STRESS_THREADS, committed, increments, conflicts);
    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
    int64_t sum = 0;
    CHECK(restart_and_count(&e, &sum) == 1 + 3 * committed);
}

/* ---- durable commits per second: 1 and 8 sessions on one database ------------------------------- */

typedef struct {
    env *e;
    int index;
    double seconds;
    long commits;
    pthread_barrier_t *start;
} speed_job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *speed_thread(void *arg)
{
    speed_job *j = arg;
    conn c;
    if (conn_open(j->e, &c, false) < 0)
        return NULL;
    pthread_barrier_wait(j->start);
    double end = now_s() + j->seconds;
    for (int32_t n = 0; now_s() < end; n++) {
        if (JetBeginTransaction(c.ses) < 0 ||
            insert(&c, 10000000 * (j->index + 1) + n, n) < 0 ||
            JetCommitTransaction(c.ses, 0) < 0)
            break;
        j->commits++;
    }
    JetEndSession(c.ses, 0);
    return NULL;
}

static double measure(int threads, double seconds, double *fsyncs_per_commit)
{
    env e;
    char tag[32];
    snprintf(tag, sizeof tag, "speed%d", threads);
    env_new(&e, tag);
    if (env_start(&e) < 0)
        return 0;
    conn a;
    if (conn_open(&e, &a, true) < 0)
        return 0;
    ese_log *log = log_of(e.inst);
    log_stats before, after;
    log_get_stats(log, &before);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    speed_job jobs[STRESS_THREADS];
    pthread_t tids[STRESS_THREADS];
    for (int i = 0; i < threads; i++) {
        jobs[i] = (speed_job){&e, i, seconds, 0, &start};
        pthread_create(&tids[i], NULL, speed_thread, &jobs[i]);
    }
    pthread_barrier_wait(&start);
    double t0 = now_s();
    long commits = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        commits += jobs[i].commits;
    }
    double elapsed = now_s() - t0;
    log_get_stats(log, &after);
    pthread_barrier_destroy(&start);
    *fsyncs_per_commit = commits ? (double)(after.flushes - before.flushes) / (double)commits : 0;
    JetTerm2(e.inst, 0);
    return elapsed > 0 ? (double)commits / elapsed : 0;
}

static void test_speed(void)
{
    double f1 = 0, f8 = 0;
    double one = measure(1, 1.0, &f1);
    double eight = measure(STRESS_THREADS, 1.0, &f8);
    printf("durable commits/s on one database: 1 session %.0f (%.2f log flushes per commit), "
           "8 sessions %.0f (%.2f flushes per commit), ratio %.2fx (measured, not asserted; "
           "TMPDIR=%s)\n",
           one, f1, eight, f8, one > 0 ? eight / one : 0, getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    CHECK(one > 0 && eight > 0);
}

int main(void)
{
    if (support_make_root(g_root, sizeof g_root, "libese-trx") != 0)
        return 2;
    test_nesting_and_rollback();
    test_isolation();
    test_lazy_commit();
    test_limit();
    test_ddl_and_two_databases();
    test_commit_faults();
    test_power_cut_commit(); /* forks: before any test that leaves threads behind */
    test_thread_binding();
    test_stress();
    test_speed();
    support_remove_tree(g_root);
    return check_summary();
}
