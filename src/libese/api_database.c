/*
 * api_database.c -- databases through the Jet API: JetCreateDatabase2W, JetAttachDatabase2W,
 * JetDetachDatabase2W, JetOpenDatabaseW, JetCloseDatabase, JetGetDatabaseFileInfoW and
 * JetCreateTableColumnIndex2W; the registry of attached databases, dbids and tableids
 * (api_data.h), and the hooks JetEndSession and JetTerm2 call.
 *
 * Behaviour and errors as the ESENT reference documents them (learn.microsoft.com, "Extensible
 * Storage Engine" > "JetCreateDatabase2 Function", "JetAttachDatabase2 Function",
 * "JetDetachDatabase2 Function", "JetOpenDatabase Function", "JetCloseDatabase Function",
 * "JetGetDatabaseFileInfo Function", "JetCreateTableColumnIndex2 Function"):
 *   - a database is attached to an instance (create or attach), then opened by sessions; each
 *     open gives a JET_DBID; create also opens it for the calling session;
 *   - creating a file that exists: JET_errDatabaseDuplicate (unless JET_bitDbOverwriteExisting);
 *     attaching a missing file: JET_errFileNotFound; attaching one already attached to this
 *     instance: JET_wrnDatabaseAttached; a file another instance of this process has:
 *     JET_errDatabaseSharingViolation (another process: JET_errFileAccessDenied, its lock);
 *   - opening or detaching a file not attached: JET_errDatabaseNotFound; detaching while a
 *     session has it open (dbid or table): JET_errDatabaseInUse;
 *   - a dbid another session opened, or one closed: JET_errInvalidDatabaseId.
 * libese gaps (JET_errFeatureNotAvailable): template tables, callbacks,
 * the column options database.c refuses (column_add: Finalize, DeleteOnZero, ...).
 */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api_data.h"
#include "catalog_format.h"
#include "eseformat.h"
#include "osal.h"
#include "session.h"

/* ---- the registry (g_engine.lock) ------------------------------------------------------------ */

static api_db **g_dbs;
static size_t g_db_count, g_db_cap;
static api_dbid **g_dbids;
static size_t g_dbid_count, g_dbid_cap;
static api_table **g_tables;
static size_t g_table_count, g_table_cap;

static void remove_ptr(void **array, size_t *count, void *p)
{
    for (size_t i = 0; i < *count; i++)
        if (array[i] == p) {
            array[i] = array[--*count];
            return;
        }
}

static void adb_free(api_db *adb)
{
    if (!adb)
        return;
    osal_free(adb->path);
    osal_free(adb->identity);
    osal_free(adb->keys);
    osal_free(adb);
}

JET_ERR api_dbid_find_locked(JET_SESID sesid, JET_DBID dbid, api_dbid **pd)
{
    for (size_t i = 0; i < g_dbid_count; i++)
        if (g_dbids[i]->dbid == dbid && g_dbids[i]->sesid == sesid) {
            *pd = g_dbids[i];
            return JET_errSuccess;
        }
    return JET_errInvalidDatabaseId;
}

JET_ERR api_dbid_database(JET_SESID sesid, JET_DBID dbid, api_db **padb)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    api_dbid *d = NULL;
    JET_ERR err = session_find_locked(sesid, &s);
    if (err == JET_errSuccess)
        err = api_dbid_find_locked(sesid, dbid, &d);
    *padb = d ? d->adb : NULL;
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

JET_ERR api_table_register_locked(api_table *tb)
{
    JET_ERR err = engine_reserve_locked((void ***)&g_tables, g_table_count, &g_table_cap);
    if (err < 0)
        return err;
    tb->tableid = engine_new_handle_locked();
    g_tables[g_table_count++] = tb;
    tb->adb->table_count++;
    return JET_errSuccess;
}

JET_ERR api_table_find_locked(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb)
{
    for (size_t i = 0; i < g_table_count; i++)
        if (g_tables[i]->tableid == tableid && g_tables[i]->sesid == sesid) {
            *ptb = g_tables[i];
            return JET_errSuccess;
        }
    return JET_errInvalidTableId;
}

uint32_t api_table_handles_locked(const ese_table *t)
{
    uint32_t n = 0;
    for (size_t i = 0; i < g_table_count; i++)
        n += g_tables[i]->t == t;
    return n;
}

static void clear_values(api_table *tb)
{
    tb->value_count = 0;
    tb->set_used = 0;
}

void api_table_remove_locked(api_table *tb)
{
    remove_ptr((void **)g_tables, &g_table_count, tb);
    tb->adb->table_count--;
    db_cursor_close(tb->cursor);
    clear_values(tb);
    osal_free(tb->values);
    osal_free(tb->set_buf);
    osal_free(tb->rec);
    osal_free(tb);
}

const api_key_info *api_db_keys_locked(api_db *adb, uint32_t objid)
{
    for (size_t i = 0; i < adb->key_count; i++)
        if (adb->keys[i].objid == objid)
            return &adb->keys[i];
    return NULL;
}

JET_ERR api_db_add_keys_locked(api_db *adb, const api_key_info *k)
{
    if (adb->key_count == adb->key_cap) {
        size_t cap = adb->key_cap ? adb->key_cap * 2 : 8;
        api_key_info *grown = osal_calloc(cap, sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (adb->key_count)
            memcpy(grown, adb->keys, adb->key_count * sizeof *grown);
        osal_free(adb->keys);
        adb->keys = grown;
        adb->key_cap = cap;
    }
    adb->keys[adb->key_count++] = *k;
    return JET_errSuccess;
}

JET_ERR api_table_get_any(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    JET_ERR err = session_find_locked(sesid, &s);
    if (err == JET_errSuccess)
        err = api_table_find_locked(sesid, tableid, ptb);
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

bool api_index_in_use_locked(const ese_table *t, const char *name, const api_table *except)
{
    for (size_t i = 0; i < g_table_count; i++) {
        const api_table *tb = g_tables[i];
        const db_index_info *ix = tb->t == t && tb != except ? db_cursor_index(tb->cursor) : NULL;
        if (ix && ix->name && !strcasecmp(ix->name, name))
            return true;
    }
    return false;
}

JET_ERR api_table_get(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    struct ese_log *log = NULL;
    JET_ERR err = session_find_locked(sesid, &s);
    if (err == JET_errSuccess) {
        log = s->instance->log;
        err = api_table_find_locked(sesid, tableid, ptb);
    }
    pthread_mutex_unlock(&g_engine.lock);
    /* After a fatal log error the instance's data is off limits (trx.h, transactions.md). */
    if (err == JET_errSuccess)
        err = trx_log_usable(log);
    return err;
}

void api_session_level_locked(JET_SESID sesid, uint32_t level, bool rollback)
{
    for (size_t i = g_table_count; i-- > 0;) {
        api_table *tb = g_tables[i];
        if (tb->sesid != sesid)
            continue;
        if (rollback && tb->level_open > level) {
            api_table_remove_locked(tb); /* opened in the level rolled back */
            continue;
        }
        if (rollback && tb->prep && tb->level_prep > level) {
            clear_values(tb);
            tb->prep = API_PREP_NONE;
        }
        if (rollback && tb->level_nav > level) {
            tb->pos = POS_BEFORE_FIRST;
            osal_free(tb->rec);
            tb->rec = NULL;
        }
        if (tb->level_open > level)
            tb->level_open = level;
        if (tb->level_prep > level)
            tb->level_prep = level;
        if (tb->level_nav > level)
            tb->level_nav = level;
    }
}

void api_session_end_locked(JET_SESID sesid)
{
    api_list_session_end_locked(sesid);
    for (size_t i = g_table_count; i-- > 0;)
        if (g_tables[i]->sesid == sesid)
            api_table_remove_locked(g_tables[i]);
    for (size_t i = g_dbid_count; i-- > 0;) {
        api_dbid *d = g_dbids[i];
        if (d->sesid == sesid) {
            d->adb->dbid_count--;
            g_dbids[i] = g_dbids[--g_dbid_count];
            osal_free(d);
        }
    }
}

JET_ERR api_instance_term(ese_instance *inst)
{
    JET_ERR first = JET_errSuccess;
    for (;;) {
        api_db *adb = NULL;
        pthread_mutex_lock(&g_engine.lock);
        for (size_t i = 0; i < g_db_count; i++)
            if (g_dbs[i]->inst == inst && g_dbs[i]->db) {
                adb = g_dbs[i];
                break;
            }
        if (adb) {
            /* sessions ended already; drop anything left on it, to be safe */
            for (size_t i = g_table_count; i-- > 0;)
                if (g_tables[i]->adb == adb)
                    api_table_remove_locked(g_tables[i]);
            for (size_t i = g_dbid_count; i-- > 0;)
                if (g_dbids[i]->adb == adb) {
                    osal_free(g_dbids[i]);
                    g_dbids[i] = g_dbids[--g_dbid_count];
                }
            remove_ptr((void **)g_dbs, &g_db_count, adb);
        }
        pthread_mutex_unlock(&g_engine.lock);
        if (!adb)
            return first;
        JET_ERR err = db_close(adb->db); /* flushes and marks the file clean */
        if (err < 0 && first == JET_errSuccess)
            first = err;
        adb_free(adb);
    }
}

/* ---- helpers --------------------------------------------------------------------------------- */

/* A UTF-8 path from a Jet path ('\' read as a separator, as instance.c does). */
static char *path_from_wide(const WCHAR *w, JET_ERR *perr)
{
    if (!w) {
        *perr = JET_errInvalidParameter;
        return NULL;
    }
    if (!w[0]) {
        *perr = JET_errInvalidPath;
        return NULL;
    }
    char *path = utf16_to_utf8(w, perr);
    if (path)
        for (char *c = path; *c; c++)
            if (*c == '\\')
                *c = '/';
    return path;
}

/* The canonical name of a file (which need not exist yet): realpath of it, or of its folder
 * plus its name.  NULL only when out of memory. */
static char *identity_of(const char *path)
{
    char buf[PATH_MAX];
    if (realpath(path, buf))
        return osal_strdup(buf);
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    const char *base = path;
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n == 0)
            n = 1; /* "/name" */
        if (n >= sizeof dir)
            return osal_strdup(path);
        memcpy(dir, path, n);
        dir[n] = 0;
        base = slash + 1;
    } else {
        strcpy(dir, ".");
    }
    if (!realpath(dir, buf))
        return osal_strdup(path);
    size_t lb = strlen(buf), ln = strlen(base);
    char *out = osal_malloc(lb + 1 + ln + 1);
    if (!out)
        return NULL;
    memcpy(out, buf, lb);
    out[lb] = '/';
    memcpy(out + lb + 1, base, ln + 1);
    return out;
}

static JET_ERR running_session_locked(JET_SESID sesid, ese_session **ps)
{
    JET_ERR err = session_find_locked(sesid, ps);
    if (err < 0)
        return err;
    if ((*ps)->instance->state == INSTANCE_TERMINATING)
        return JET_errTermInProgress;
    return JET_errSuccess;
}

static api_db *find_db_locked(const char *identity)
{
    for (size_t i = 0; i < g_db_count; i++)
        if (strcmp(g_dbs[i]->identity, identity) == 0)
            return g_dbs[i];
    return NULL;
}

static JET_ERR new_dbid_locked(JET_SESID sesid, api_db *adb, JET_DBID *pdbid)
{
    JET_ERR err = engine_reserve_locked((void ***)&g_dbids, g_dbid_count, &g_dbid_cap);
    if (err < 0)
        return err;
    api_dbid *d = osal_calloc(1, sizeof *d);
    if (!d)
        return JET_errOutOfMemory;
    d->dbid = (JET_DBID)engine_new_handle_locked();
    d->sesid = sesid;
    d->adb = adb;
    adb->dbid_count++;
    g_dbids[g_dbid_count++] = d;
    *pdbid = d->dbid;
    return JET_errSuccess;
}

/* Read the primary-key columns of every table from the catalog (MSysObjects, page 4).  Runs
 * before the database is registered, so nothing else uses it yet. */
static JET_ERR load_keys(api_db *adb)
{
    ese_btree mso;
    JET_ERR err = bt_open(&mso, db_store(adb->db), 4);
    if (err < 0)
        return err;
    ese_btcursor bc;
    bt_cursor_init(&bc, &mso);
    uint8_t *rec = NULL;
    size_t cap = 0;
    uint32_t page_size = db_page_size(adb->db);
    for (err = bt_cursor_first(&bc); err >= 0; err = bt_cursor_next(&bc)) {
        size_t dl = 0;
        if ((err = bt_cursor_get(&bc, NULL, 0, NULL, NULL, 0, &dl)) < 0)
            break;
        if (dl > cap) {
            osal_free(rec);
            cap = dl;
            if (!(rec = osal_malloc(cap))) {
                err = JET_errOutOfMemory;
                break;
            }
        }
        if ((err = bt_cursor_get(&bc, NULL, 0, NULL, rec, cap, &dl)) < 0)
            break;
        catalog_object o;
        if ((err = catalog_object_decode(rec, dl, page_size, &o)) < 0)
            break;
        if (o.type != CATALOG_TYPE_INDEX || o.id != o.objid_table || o.objid_table <= 3)
            continue; /* primary indexes of user tables only */
        catalog_index_segment segs[JET_ccolKeyMost];
        api_key_info k = {.objid = o.objid_table};
        if ((err = catalog_index_segments(&o, segs, JET_ccolKeyMost, &k.count)) < 0)
            break;
        for (uint32_t i = 0; i < k.count; i++) {
            k.fids[i] = segs[i].fid;
            k.descending[i] = (segs[i].flags & CATALOG_SEGMENT_DESCENDING) != 0;
        }
        if ((err = api_db_add_keys_locked(adb, &k)) < 0)
            break;
    }
    bt_cursor_release(&bc);
    osal_free(rec);
    return err == JET_errNoCurrentRecord ? JET_errSuccess : err;
}

/* Reserve a registry entry for a file about to be created or attached (db NULL until the I/O
 * is done).  *pexisting gets an entry that is already there. */
static JET_ERR reserve_db(JET_SESID sesid, const WCHAR *szFilename, api_db **padb,
                          api_db **pexisting, uint32_t *ppage_size)
{
    JET_ERR err;
    char *path = path_from_wide(szFilename, &err);
    if (!path)
        return err;
    char *identity = identity_of(path);
    api_db *adb = osal_calloc(1, sizeof *adb);
    if (!identity || !adb) {
        osal_free(path);
        osal_free(identity);
        osal_free(adb);
        return JET_errOutOfMemory;
    }
    adb->path = path;
    adb->identity = identity;
    *pexisting = NULL;

    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    err = running_session_locked(sesid, &s);
    if (err == JET_errSuccess) {
        api_db *other = find_db_locked(identity);
        if (other) {
            *pexisting = other;
            err = other->inst == s->instance ? JET_errDatabaseDuplicate
                                             : JET_errDatabaseSharingViolation;
        }
    }
    if (err == JET_errSuccess)
        err = engine_reserve_locked((void ***)&g_dbs, g_db_count, &g_db_cap);
    if (err == JET_errSuccess) {
        adb->inst = s->instance;
        g_dbs[g_db_count++] = adb;
        *ppage_size = (uint32_t)g_engine.global_params[PARAM_SLOT_DATABASE_PAGE_SIZE].integer;
    }
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0) {
        adb_free(adb);
        return err;
    }
    *padb = adb;
    return JET_errSuccess;
}

static void unreserve_db(api_db *adb)
{
    pthread_mutex_lock(&g_engine.lock);
    remove_ptr((void **)g_dbs, &g_db_count, adb);
    pthread_mutex_unlock(&g_engine.lock);
    adb_free(adb);
}

/* Start logging the database's changes in its instance's log (nothing when Recovery is off or
 * the database is read-only).  Its log id is the lowest one no other database of the instance
 * holds: recovery maps ids to files by the log's ATTACH and DETACH records. */
static JET_ERR start_logging(api_db *adb, bool read_only)
{
    if (!adb->inst->log || read_only)
        return JET_errSuccess;
    pthread_mutex_lock(&g_engine.lock);
    uint8_t chosen = 0;
    for (unsigned candidate = 1; candidate <= 255 && !chosen; candidate++) {
        bool used = false;
        for (size_t i = 0; i < g_db_count && !used; i++)
            used = g_dbs[i] != adb && g_dbs[i]->inst == adb->inst &&
                   g_dbs[i]->log_dbid == candidate;
        if (!used)
            chosen = (uint8_t)candidate;
    }
    adb->log_dbid = chosen;
    pthread_mutex_unlock(&g_engine.lock);
    if (!chosen)
        return JET_errTooManyAttachedDatabases;
    return db_use_log(adb->db, adb->inst->log, chosen);
}

/* ---- the API --------------------------------------------------------------------------------- */

JET_ERR JET_API JetCreateDatabase2W(JET_SESID sesid, const WCHAR *szFilename,
                                    const ESE_ULONG cpgDatabaseSizeMax, JET_DBID *pdbid,
                                    JET_GRBIT grbit)
{
    (void)cpgDatabaseSizeMax; /* 0 = no limit; libese does not cap the size yet */
    if (!pdbid)
        return JET_errInvalidParameter;
    api_db *adb, *existing;
    uint32_t page_size = 0;
    JET_ERR err = reserve_db(sesid, szFilename, &adb, &existing, &page_size);
    if (err < 0)
        return err;
    if (grbit & JET_bitDbOverwriteExisting) {
        if (unlink(adb->path) != 0 && errno != ENOENT) {
            unreserve_db(adb);
            return osal_error_from_errno(errno, JET_errDiskIO);
        }
    }
    ese_database *db = NULL;
    err = db_create(adb->path, page_size, &db);
    if (err < 0) {
        unreserve_db(adb);
        return err;
    }
    osal_free(adb->identity); /* the file exists now: its real name */
    adb->identity = identity_of(adb->path);
    pthread_mutex_lock(&g_engine.lock);
    if (!adb->identity)
        err = JET_errOutOfMemory;
    adb->db = db;
    pthread_mutex_unlock(&g_engine.lock);
    if (err == JET_errSuccess)
        err = start_logging(adb, false);
    pthread_mutex_lock(&g_engine.lock);
    if (err == JET_errSuccess)
        err = new_dbid_locked(sesid, adb, pdbid);
    if (err < 0)
        remove_ptr((void **)g_dbs, &g_db_count, adb);
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0) {
        db_close(db);
        adb_free(adb);
    }
    return err;
}

JET_ERR JET_API JetAttachDatabase2W(JET_SESID sesid, const WCHAR *szFilename,
                                    const ESE_ULONG cpgDatabaseSizeMax, JET_GRBIT grbit)
{
    (void)cpgDatabaseSizeMax;
    api_db *adb, *existing;
    uint32_t page_size = 0;
    pthread_mutex_lock(&g_engine.lock);
    ese_session *bs;
    bool backing_up = session_find_locked(sesid, &bs) == JET_errSuccess &&
                      bs->instance->backup_active;
    pthread_mutex_unlock(&g_engine.lock);
    if (backing_up)
        return JET_errBackupInProgress; /* backup facts §3.1 (S:db.cxx ErrIsamAttachDatabase) */
    JET_ERR err = reserve_db(sesid, szFilename, &adb, &existing, &page_size);
    if (err == JET_errDatabaseDuplicate)
        return JET_wrnDatabaseAttached; /* attached to this instance already */
    if (err < 0)
        return err;
    ese_database *db = NULL;
    err = db_open(adb->path, page_size, (grbit & JET_bitDbReadOnly) != 0, &db);
    if (err < 0) {
        unreserve_db(adb);
        return err;
    }
    adb->db = db;
    err = load_keys(adb);
    if (err >= 0)
        err = start_logging(adb, (grbit & JET_bitDbReadOnly) != 0);
    if (err < 0) {
        unreserve_db(adb);
        db_close(db);
        return err;
    }
    return JET_errSuccess;
}

static JET_ERR detach_one(api_db *adb)
{
    JET_ERR err = db_close(adb->db);
    if (err < 0) {
        /* The file kept its dirty state: JetTerm2 must not move the checkpoint past its log. */
        pthread_mutex_lock(&g_engine.lock);
        if (adb->inst->unclean_close == JET_errSuccess)
            adb->inst->unclean_close = err;
        pthread_mutex_unlock(&g_engine.lock);
    }
    adb_free(adb);
    return err;
}

JET_ERR JET_API JetDetachDatabase2W(JET_SESID sesid, const WCHAR *szFilename, JET_GRBIT grbit)
{
    (void)grbit; /* JET_bitForceDetach: nothing to force without transactions */
    JET_ERR err;
    char *identity = NULL;
    if (szFilename) {
        char *path = path_from_wide(szFilename, &err);
        if (!path)
            return err;
        identity = identity_of(path);
        osal_free(path);
        if (!identity)
            return JET_errOutOfMemory;
    }
    for (;;) {
        /* NULL detaches every database of the instance, one at a time */
        pthread_mutex_lock(&g_engine.lock);
        ese_session *s;
        api_db *adb = NULL;
        err = running_session_locked(sesid, &s);
        if (err == JET_errSuccess) {
            for (size_t i = 0; i < g_db_count && !adb; i++)
                if (g_dbs[i]->inst == s->instance && g_dbs[i]->db &&
                    (!identity || strcmp(g_dbs[i]->identity, identity) == 0))
                    adb = g_dbs[i];
            if (!adb && identity)
                err = JET_errDatabaseNotFound;
            else if (adb && s->instance->backup_active)
                err = JET_errBackupInProgress; /* backup facts §3.1 (S:db.cxx ErrIsamDetachDatabase) */
            else if (adb && (adb->dbid_count || adb->table_count))
                err = JET_errDatabaseInUse;
            else if (adb && db_transaction_refs(adb->db))
                err = JET_errDatabaseInUse; /* a transaction has changes staged on it */
            else if (adb)
                remove_ptr((void **)g_dbs, &g_db_count, adb);
        }
        pthread_mutex_unlock(&g_engine.lock);
        if (err < 0 || !adb)
            break;
        err = detach_one(adb);
        if (err < 0 || identity)
            break;
    }
    osal_free(identity);
    return err;
}

JET_ERR JET_API JetOpenDatabaseW(JET_SESID sesid, const WCHAR *szFilename,
                                 const WCHAR *szConnect, JET_DBID *pdbid, JET_GRBIT grbit)
{
    (void)szConnect; /* reserved */
    (void)grbit;     /* JET_bitDbReadOnly / Exclusive: not enforced per session yet */
    if (!pdbid)
        return JET_errInvalidParameter;
    JET_ERR err;
    char *path = path_from_wide(szFilename, &err);
    if (!path)
        return err;
    char *identity = identity_of(path);
    osal_free(path);
    if (!identity)
        return JET_errOutOfMemory;
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    err = running_session_locked(sesid, &s);
    if (err == JET_errSuccess) {
        api_db *adb = find_db_locked(identity);
        if (!adb || !adb->db || adb->inst != s->instance)
            err = JET_errDatabaseNotFound;
        else
            err = new_dbid_locked(sesid, adb, pdbid);
    }
    pthread_mutex_unlock(&g_engine.lock);
    osal_free(identity);
    return err;
}

JET_ERR JET_API JetCloseDatabase(JET_SESID sesid, JET_DBID dbid, JET_GRBIT grbit)
{
    (void)grbit; /* reserved */
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    api_dbid *d = NULL;
    JET_ERR err = session_find_locked(sesid, &s);
    if (err == JET_errSuccess)
        err = api_dbid_find_locked(sesid, dbid, &d);
    if (err == JET_errSuccess) {
        /* tables opened through it stay open (they keep the database in use) */
        d->adb->dbid_count--;
        remove_ptr((void **)g_dbids, &g_dbid_count, d);
        osal_free(d);
    }
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

/* ---- JetGetDatabaseFileInfoW ------------------------------------------------------------------ */

/* Read a database file's header (primary, else shadow) without opening it as a database. */
static JET_ERR read_header(const char *path, uint8_t **pheader, uint32_t *ppage_size,
                           uint64_t *pfile_size)
{
    osal_file f;
    JET_ERR err = osal_open(path, OSAL_OPEN_READ, &f);
    if (err < 0)
        return err;
    enum { PROBE = 2 * 32768 };
    uint8_t *buf = osal_malloc(PROBE);
    size_t got = 0;
    uint64_t size = 0;
    if (!buf)
        err = JET_errOutOfMemory;
    if (err == JET_errSuccess)
        err = osal_size(&f, &size);
    if (err == JET_errSuccess)
        err = osal_read_at(&f, buf, PROBE, 0, &got);
    osal_close(&f);
    if (err < 0) {
        osal_free(buf);
        return err;
    }
    size_t page_size = ese_detect_page_size(buf, got);
    if (!page_size)
        page_size = ese_detect_page_size_from_shadow(buf, got);
    if (!page_size || got < page_size) {
        osal_free(buf);
        return JET_errDatabaseCorrupted;
    }
    if (!ese_header_verify(buf, page_size)) {
        if (got >= 2 * page_size && ese_header_verify(buf + page_size, page_size))
            memmove(buf, buf + page_size, page_size);
        else {
            osal_free(buf);
            return JET_errDatabaseCorrupted;
        }
    }
    *pheader = buf;
    *ppage_size = (uint32_t)page_size;
    *pfile_size = size;
    return JET_errSuccess;
}

static uint32_t ld32(const uint8_t *p)
{
    return ese_load_u32(p);
}

JET_ERR JET_API JetGetDatabaseFileInfoW(const WCHAR *szDatabaseName, void *pvResult,
                                        ESE_ULONG cbMax, ESE_ULONG InfoLevel)
{
    if (!pvResult)
        return JET_errInvalidParameter;
    switch (InfoLevel) {
    case JET_DbInfoMisc:
        if (cbMax < sizeof(JET_DBINFOMISC))
            return JET_errInvalidBufferSize;
        break;
    case JET_DbInfoPageSize:
        if (cbMax < sizeof(ESE_ULONG))
            return JET_errInvalidBufferSize;
        break;
    case JET_DbInfoFilesize:
        if (cbMax < sizeof(uint64_t))
            return JET_errInvalidBufferSize;
        break;
    default:
        return JET_errInvalidParameter;
    }
    JET_ERR err;
    char *path = path_from_wide(szDatabaseName, &err);
    if (!path)
        return err;
    uint8_t *h = NULL;
    uint32_t page_size = 0;
    uint64_t file_size = 0;
    err = read_header(path, &h, &page_size, &file_size);
    osal_free(path);
    if (err < 0)
        return err;
    switch (InfoLevel) {
    case JET_DbInfoPageSize: {
        ESE_ULONG v = page_size;
        memcpy(pvResult, &v, sizeof v);
        break;
    }
    case JET_DbInfoFilesize:
        /* the file's size in bytes, as a 64-bit integer */
        memcpy(pvResult, &file_size, sizeof file_size);
        break;
    case JET_DbInfoMisc: {
        JET_DBINFOMISC m;
        memset(&m, 0, sizeof m);
        m.ulVersion = ld32(h + ESE_DBHDR_OFF_FORMAT_VERSION);
        m.ulUpdate = ld32(h + ESE_DBHDR_OFF_FORMAT_REVISION);
        memcpy(&m.signDb, h + ESE_DBHDR_OFF_SIGN_DB, sizeof m.signDb);
        m.dbstate = ld32(h + ESE_DBHDR_OFF_DBSTATE);
        memcpy(&m.lgposConsistent, h + ESE_DBHDR_OFF_LGPOS_CONSISTENT, 8);
        memcpy(&m.logtimeConsistent, h + ESE_DBHDR_OFF_LOGTIME_CONSISTENT, 8);
        memcpy(&m.logtimeAttach, h + ESE_DBHDR_OFF_LOGTIME_ATTACH, 8);
        memcpy(&m.lgposAttach, h + ESE_DBHDR_OFF_LGPOS_ATTACH, 8);
        memcpy(&m.logtimeDetach, h + ESE_DBHDR_OFF_LOGTIME_DETACH, 8);
        memcpy(&m.lgposDetach, h + ESE_DBHDR_OFF_LGPOS_DETACH, 8);
        memcpy(&m.signLog, h + ESE_DBHDR_OFF_SIGN_LOG, sizeof m.signLog);
        memcpy(&m.bkinfoFullPrev, h + ESE_DBHDR_OFF_BKINFO_FULL_PREV, sizeof m.bkinfoFullPrev);
        memcpy(&m.bkinfoIncPrev, h + ESE_DBHDR_OFF_BKINFO_INC_PREV, sizeof m.bkinfoIncPrev);
        memcpy(&m.bkinfoFullCur, h + ESE_DBHDR_OFF_BKINFO_FULL_CUR, sizeof m.bkinfoFullCur);
        m.fShadowingDisabled = (ld32(h + ESE_DBHDR_OFF_DB_FLAGS) & 1u) != 0;
        m.dwMajorVersion = ld32(h + ESE_DBHDR_OFF_OS_MAJOR);
        m.dwMinorVersion = ld32(h + ESE_DBHDR_OFF_OS_MINOR);
        m.dwBuildNumber = ld32(h + ESE_DBHDR_OFF_OS_BUILD);
        m.lSPNumber = (int32_t)ld32(h + ESE_DBHDR_OFF_OS_SP);
        m.cbPageSize = page_size;
        memcpy(pvResult, &m, sizeof m);
        break;
    }
    }
    osal_free(h);
    return JET_errSuccess;
}

/* ---- JetCreateTableColumnIndex2W -------------------------------------------------------------- */

/* Parse an index key "+a\0-b\0\0" (cbKey bytes) into names (UTF-8, osal_malloc'd) and
 * directions. */
JET_ERR api_parse_index_key(const WCHAR *szKey, uint32_t cbKey, char **names, bool *descending,
                            size_t *pcount)
{
    size_t units = cbKey / 2, i = 0, n = 0;
    if (!szKey || units == 0)
        return JET_errIndexInvalidDef;
    while (i < units && szKey[i]) {
        size_t start = i;
        while (i < units && szKey[i])
            i++;
        if (n >= JET_ccolKeyMost)
            return JET_errIndexInvalidDef;
        const WCHAR *seg = szKey + start;
        size_t len = i - start;
        bool desc = false;
        if (seg[0] == '+' || seg[0] == '-') {
            desc = seg[0] == '-';
            seg++;
            len--;
        }
        if (len == 0)
            return JET_errIndexInvalidDef;
        WCHAR *copy = osal_calloc(len + 1, sizeof(WCHAR));
        if (!copy)
            return JET_errOutOfMemory;
        memcpy(copy, seg, len * sizeof(WCHAR));
        JET_ERR err;
        names[n] = utf16_to_utf8(copy, &err);
        osal_free(copy);
        if (!names[n])
            return err;
        descending[n++] = desc;
        i++; /* the terminator */
    }
    *pcount = n;
    return n ? JET_errSuccess : JET_errIndexInvalidDef;
}

JET_ERR api_open_table(JET_SESID sesid, JET_DBID dbid, api_db *adb, ese_table *t,
                       JET_TABLEID *ptableid); /* api_table.c */

JET_ERR JET_API JetCreateTableColumnIndex2W(JET_SESID sesid, JET_DBID dbid,
                                            JET_TABLECREATE2_W *ptc)
{
    if (!ptc || ptc->cbStruct != sizeof(JET_TABLECREATE2_W) ||
        (ptc->cColumns && !ptc->rgcolumncreate) || (ptc->cIndexes && !ptc->rgindexcreate))
        return JET_errInvalidParameter;
    ptc->tableid = JET_tableidNil;
    ptc->cCreated = 0;

    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    api_dbid *d = NULL;
    JET_ERR err = running_session_locked(sesid, &s);
    if (err == JET_errSuccess)
        err = api_dbid_find_locked(sesid, dbid, &d);
    api_db *adb = d ? d->adb : NULL;
    ese_trx *trx = err == JET_errSuccess ? session_trx(s) : NULL;
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0)
        return err;
    if ((err = trx_check_caller(trx)) < 0)
        return err; /* ESENT runs DDL in a (nested) transaction too */
    if (ptc->szTemplateTableName || ptc->szCallback)
        return JET_errFeatureNotAvailable; /* libese gap: templates, callbacks */

    char *table_name = NULL;
    db_column_def *cols = osal_calloc(ptc->cColumns ? ptc->cColumns : 1, sizeof *cols);
    char *key_names[JET_ccolKeyMost] = {0};
    bool key_desc[JET_ccolKeyMost] = {0};
    db_index_column key_cols[JET_ccolKeyMost];
    size_t key_count = 0;
    char *index_name = NULL;
    api_index_def *sec = NULL;          /* secondary indexes (i5-index) */
    db_index_def *sec_defs = NULL;
    size_t sec_count = 0;
    if (!cols)
        return JET_errOutOfMemory;
    if (!ptc->szTableName) {
        err = JET_errInvalidParameter;
        goto done;
    }
    if (!(table_name = utf16_to_utf8(ptc->szTableName, &err)))
        goto done;
    for (uint32_t i = 0; i < ptc->cColumns; i++) {
        const JET_COLUMNCREATE_W *c = &ptc->rgcolumncreate[i];
        if (c->cbStruct != sizeof(JET_COLUMNCREATE_W) || !c->szColumnName) {
            err = JET_errInvalidParameter;
            goto done;
        }
        if (!c->pvDefault && c->cbDefault) {
            err = JET_errInvalidParameter;
            goto done;
        }
        if (!(cols[i].name = utf16_to_utf8(c->szColumnName, &err)))
            goto done;
        cols[i].coltyp = c->coltyp;
        cols[i].cb_max = c->cbMax;
        cols[i].code_page = (uint16_t)c->cp;
        cols[i].grbit = c->grbit; /* the options database.c accepts: column_add */
        cols[i].default_value = c->cbDefault ? c->pvDefault : NULL;
        cols[i].cb_default = c->cbDefault;
    }
    /* the primary index (one at most: JET_errIndexHasPrimary) and the secondary ones (i5-index) */
    if (ptc->cIndexes && !(sec = osal_calloc(ptc->cIndexes, sizeof *sec))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    for (uint32_t i = 0; i < ptc->cIndexes; i++) {
        const JET_INDEXCREATE_W *x = &ptc->rgindexcreate[i];
        if (x->cbStruct != sizeof(JET_INDEXCREATE_W) || !x->szIndexName) {
            err = JET_errInvalidParameter;
            goto done;
        }
        if (!(x->grbit & JET_bitIndexPrimary)) {
            if ((err = api_index_def_from(x, &sec[sec_count])) < 0) {
                ptc->rgindexcreate[i].err = err;
                goto done;
            }
            sec_count++;
            continue;
        }
        if (index_name) {
            err = ptc->rgindexcreate[i].err = JET_errIndexHasPrimary;
            goto done;
        }
        if (!(index_name = utf16_to_utf8(x->szIndexName, &err)))
            goto done;
        if ((err = api_parse_index_key(x->szKey, x->cbKey, key_names, key_desc, &key_count)) < 0)
            goto done;
        for (size_t k = 0; k < key_count; k++)
            key_cols[k] = (db_index_column){key_names[k], key_desc[k]};
    }
    if (sec_count && !(sec_defs = osal_calloc(sec_count, sizeof *sec_defs))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    for (size_t i = 0; i < sec_count; i++)
        sec_defs[i] = sec[i].def;
    db_table_def def = {
        .name = table_name,
        .columns = cols,
        .column_count = ptc->cColumns,
        .primary_index = index_name,
        .key_columns = key_count ? key_cols : NULL,
        .key_count = key_count,
        .initial_pages = ptc->ulPages,
        .indexes = sec_defs,
        .index_count = sec_count,
    };
    ese_table *t = NULL;
    if ((err = db_create_table(adb->db, &def, &t)) < 0)
        goto done;

    /* outputs, as ESENT sets them: each column's id and err, each index's err, the count */
    for (uint32_t i = 0; i < ptc->cColumns; i++) {
        const db_column *c = table_find_column(t, cols[i].name);
        ptc->rgcolumncreate[i].columnid = c ? c->fid : 0;
        ptc->rgcolumncreate[i].err = JET_errSuccess;
    }
    for (uint32_t i = 0; i < ptc->cIndexes; i++)
        ptc->rgindexcreate[i].err = JET_errSuccess;
    api_key_info k = {.objid = table_objid(t), .count = (uint32_t)key_count};
    for (size_t i = 0; i < key_count; i++) {
        const db_column *c = table_find_column(t, key_names[i]);
        k.fids[i] = c ? c->fid : 0;
        k.descending[i] = key_desc[i];
    }
    pthread_mutex_lock(&g_engine.lock);
    err = api_db_add_keys_locked(adb, &k);
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0)
        goto done;
    JET_TABLEID tableid;
    if ((err = api_open_table(sesid, dbid, adb, t, &tableid)) < 0)
        goto done;
    ptc->tableid = tableid;
    ptc->cCreated = 1 + ptc->cColumns + ptc->cIndexes;

done:
    for (uint32_t i = 0; i < ptc->cColumns; i++)
        osal_free((void *)cols[i].name);
    osal_free(cols);
    for (size_t i = 0; i < JET_ccolKeyMost; i++)
        osal_free(key_names[i]);
    osal_free(index_name);
    osal_free(table_name);
    for (size_t i = 0; i < sec_count; i++)
        api_index_def_free(&sec[i]);
    osal_free(sec);
    osal_free(sec_defs);
    return err;
}

/* ---- hooks for the streaming backup (backup.c) ------------------------------------------------ */

void api_backup_databases_free(api_backup_db *dbs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        osal_free(dbs[i].identity);
    osal_free(dbs);
}

JET_ERR api_backup_databases(ese_instance *inst, api_backup_db **pdbs, size_t *pcount)
{
    *pdbs = NULL;
    *pcount = 0;
    pthread_mutex_lock(&g_engine.lock);
    size_t n = 0;
    for (size_t i = 0; i < g_db_count; i++)
        if (g_dbs[i]->inst == inst && g_dbs[i]->db && g_dbs[i]->log_dbid)
            n++;
    api_backup_db *dbs = osal_calloc(n ? n : 1, sizeof *dbs);
    JET_ERR err = dbs ? JET_errSuccess : JET_errOutOfMemory;
    size_t k = 0;
    for (size_t i = 0; i < g_db_count && err == JET_errSuccess; i++) {
        api_db *adb = g_dbs[i];
        if (adb->inst != inst || !adb->db || !adb->log_dbid)
            continue;
        if (!(dbs[k].identity = osal_strdup(adb->identity)))
            err = JET_errOutOfMemory;
        else
            dbs[k++].db = adb->db;
    }
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0) {
        if (dbs)
            api_backup_databases_free(dbs, k);
        return err;
    }
    *pdbs = dbs;
    *pcount = k;
    return JET_errSuccess;
}

JET_ERR api_backup_find_database(ese_instance *inst, const char *path, api_backup_db *out)
{
    char *identity = identity_of(path);
    if (!identity)
        return JET_errOutOfMemory;
    pthread_mutex_lock(&g_engine.lock);
    api_db *adb = find_db_locked(identity);
    JET_ERR err = JET_errSuccess;
    if (!adb || adb->inst != inst || !adb->db || !adb->log_dbid)
        err = JET_errDatabaseNotFound;
    else
        out->db = adb->db;
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0) {
        osal_free(identity);
        return err;
    }
    out->identity = identity;
    return JET_errSuccess;
}
