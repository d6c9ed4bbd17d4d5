/*
 * api_data.h -- private to api_database.c / api_table.c: the Jet API's data objects.
 *
 * Three kinds of objects sit between the Jet handles and database.h:
 *
 *   api_db     one database file attached to one instance (JetAttachDatabase2W /
 *              JetCreateDatabase2W).  It owns the ese_database and knows the primary-key
 *              columns of every table (from the catalog at attach, or from
 *              JetCreateTableColumnIndex2W), which JetMakeKey needs.
 *   api_dbid   one JetOpenDatabaseW (or JetCreateDatabase2W) of a session: a JET_DBID.
 *   api_table  one JetOpenTableW of a session: a JET_TABLEID, its cursor position, its search
 *              key (JetMakeKey) and its prepared update (JetPrepareUpdate + JetSetColumn).
 *
 * Registry: all three live in arrays guarded by g_engine.lock (lock order 1, engine.h); it is
 * held only to find, add or remove objects, never across I/O.  Handles (dbids and tableids)
 * come from engine_new_handle_locked, so a closed handle is never valid again.
 *
 * Lifetimes: a dbid or tableid belongs to one session and is freed when it is closed or when
 * its session ends (api_session_end_locked, called by session.c); an api_db is freed by
 * JetDetachDatabase2W (which refuses while any dbid or tableid uses it) or by JetTerm2
 * (api_instance_term).  A session is used by one thread at a time (ESENT's rule), so an object
 * found under the lock stays valid while that session's call runs without it.
 *
 * Transactions (trx.h): every table handle reads and updates through its session's transaction
 * state.  Outside a transaction each JetUpdate / JetDelete is an implicit transaction, durable
 * at return; inside one it is staged in the session's write set until the level-0 commit.  A
 * table handle remembers the level it was opened, prepared and last moved at, because
 * JetRollback closes the tables opened in the rolled-back level, cancels the updates prepared
 * in it and moves the cursors that navigated in it before the first record (as ESENT does).
 */
#ifndef LIBESE_API_DATA_H
#define LIBESE_API_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "database.h"
#include "engine.h"
#include "key.h"

typedef struct api_key_info {
    uint32_t objid;                     /* the table */
    uint32_t count;                     /* key columns; 0 = no primary index */
    uint16_t fids[JET_ccolKeyMost];
    bool descending[JET_ccolKeyMost];
} api_key_info;

typedef struct api_db {
    ese_instance *inst;
    char *path;                         /* UTF-8, '\' turned into '/' */
    char *identity;                     /* realpath, to recognise the same file */
    ese_database *db;                   /* NULL while being attached (I/O in progress) */
    uint32_t dbid_count;                /* open dbids */
    uint32_t table_count;               /* open tableids */
    api_key_info *keys;
    size_t key_count, key_cap;
    uint8_t log_dbid;                   /* its id in the instance's log (0: not logged) */
} api_db;

typedef struct api_dbid {
    JET_DBID dbid;
    JET_SESID sesid;
    api_db *adb;
} api_dbid;

typedef enum {
    POS_BEFORE_FIRST = 0,  /* also the position after a failed seek */
    POS_ON,                /* on the record whose key is cur_key */
    POS_DELETED,           /* on the place of a record deleted through this cursor */
    POS_AFTER_LAST,
    POS_PAST_RANGE,        /* on the entry (cur_key) a JetMove found beyond its index range's
                            * limit: no current record, but moves go on from there (api_cursor.c) */
    POS_GAP,               /* where a failed JetSeek's entry would have been: just before the
                            * entries >= cur_key (after those > cur_key with gap_after) */
} api_position;

#define API_PREP_NONE 0u
#define API_PREP_INSERT 1u
#define API_PREP_REPLACE 2u

typedef struct api_set_value {
    uint16_t fid;
    uint32_t off;         /* the bytes: api_table.set_buf + off (cb 0: NULL or empty) */
    uint32_t cb;
    bool zero_length;
    uint32_t itag;        /* multi-valued columns: JET_SETINFO.itagSequence */
} api_set_value;

typedef struct api_table {
    JET_TABLEID tableid;
    JET_SESID sesid;
    JET_DBID dbid;
    api_db *adb;
    ese_table *t;
    api_key_info key;
    key_segment segments[JET_ccolKeyMost];
    key_index kidx;
    db_cursor *cursor;
    struct ese_trx *trx;                /* its session's transaction state */
    uint32_t level_open, level_prep, level_nav; /* transaction levels (see the top) */
    api_position pos;
    uint8_t cur_key[DB_KEY_MOST + 1];
    uint32_t cb_cur_key;
    uint8_t *rec;                       /* copy of the current record */
    size_t cb_rec;
    uint64_t rec_generation;            /* db_generation when rec was read */
    key_search search;
    uint32_t prep;                      /* API_PREP_* */
    api_set_value *values;
    size_t value_count, value_cap;
    /* i5-index, the current index (see "The current index" below): the current entry's primary
     * key beside cur_key, and the index's name for JetGetCurrentIndex */
    uint8_t cur_bm[DB_KEY_MOST + 1];
    uint32_t cb_cur_bm;
    uint8_t *set_buf;                   /* the prepared update's value bytes, reused across
                                         * updates so JetSetColumn(s) allocate nothing once warm */
    size_t set_used, set_cap;
    /* the cursor API (api_cursor.c) */
    size_t cap_rec;                     /* rec's allocated size */
    bool synced;                        /* cursor stands on cur_key: JetMove steps from there */
    bool gap_after;                     /* POS_GAP: after the entries equal to cur_key */
    bool range, range_upper, range_inclusive; /* an index range in effect (JetSetIndexRange) */
    uint32_t cb_range_key;
    uint8_t range_key[KEY_LIMIT_MOST_MOST];
} api_table;

/* ---- The current index (api_index.c; the seam with the cursor calls) ------------------------
 *
 * A table handle reads in the order of its *current index*: the primary index when it is
 * opened, a secondary one after JetSetCurrentIndex.  Everything that depends on it follows it:
 *   - key / segments / kidx describe the current index's key columns (JetMakeKey builds keys
 *     for it, JetRetrieveKey returns them);
 *   - the db_cursor reads that index (db_cursor_set_index: moves and seeks in its order);
 *   - pos == POS_ON means "on the entry (cur_key, cur_bm)": cur_key is the current index's key
 *     of the entry, cur_bm its row's primary key (the bookmark; equal to cur_key on the primary
 *     index).  Rows are read, replaced, deleted and locked by cur_bm, never by cur_key.
 * After the tree changed a handle finds its entry again with api_table_reposition; a secondary
 * index with duplicates needs both halves, which is why cur_bm is kept. */

/* Position the cursor relative to the entry (cur_key, cur_bm): mode BT_SEEK_EQ lands on it
 * (JET_errRecordNotFound when it is gone), GT / LT on its neighbour, GE / LE on it or the
 * neighbour; then take that row as the handle's current one (tb->rec, cur_key, cur_bm, pos).
 * JET_errNoCurrentRecord when the handle is not on an entry. */
JET_ERR api_table_reposition(api_table *tb, bt_seek_mode mode);
/* After a db_cursor move or seek that returned err (gen: db_generation before it): take the
 * row it landed on as the handle's current one, or note `off` when it fell off. */
JET_ERR api_table_take_position(api_table *tb, JET_ERR err, uint64_t gen, api_position off);
/* Make ix the handle's current index (NULL: the primary; the cursor is then unpositioned and
 * key / segments / kidx describe ix).  JET_errIndexNotFound. */
JET_ERR api_table_use_index(api_table *tb, const char *name);
/* key / segments / kidx from ix (NULL: from tb->key, the primary index's columns). */
void api_table_describe_key(api_table *tb, const db_index_info *ix);

/* A JET_INDEXCREATE_W as a db_index_def (api_index.c; JetCreateIndex2W and
 * JetCreateTableColumnIndex2W).  Names are osal_malloc'd: api_index_def_free. */
typedef struct api_index_def {
    db_index_def def;
    char *name;
    char *key_names[JET_ccolKeyMost];
    db_index_column cols[JET_ccolKeyMost];
} api_index_def;
JET_ERR api_index_def_from(const JET_INDEXCREATE_W *x, api_index_def *out);
void api_index_def_free(api_index_def *d);
/* Parse an index key "+a\0-b\0\0" of cbKey bytes (api_database.c). */
JET_ERR api_parse_index_key(const WCHAR *szKey, uint32_t cbKey, char **names, bool *descending,
                            size_t *pcount);

/* ---- registry (api_database.c); callers hold g_engine.lock ---------------------------------- */
JET_ERR api_dbid_find_locked(JET_SESID sesid, JET_DBID dbid, api_dbid **pd);
JET_ERR api_table_register_locked(api_table *tb);
/* The database a session opened as dbid (takes g_engine.lock itself): JET_errInvalidSesid,
 * JET_errInvalidDatabaseId. */
JET_ERR api_dbid_database(JET_SESID sesid, JET_DBID dbid, api_db **padb);
JET_ERR api_table_find_locked(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb);
/* How many table handles (of any session) are open on a table (JetDeleteTable and
 * JetRenameTable refuse with JET_errTableInUse). */
uint32_t api_table_handles_locked(const ese_table *t);
/* Unregister and free a table handle (memory only: no I/O). */
void api_table_remove_locked(api_table *tb);
/* The key columns of a table (objid) of a database, or NULL. */
const api_key_info *api_db_keys_locked(api_db *adb, uint32_t objid);
JET_ERR api_db_add_keys_locked(api_db *adb, const api_key_info *k);

/* Whether a table handle other than `except` reads index `name` of table t (i5-index). */
bool api_index_in_use_locked(const ese_table *t, const char *name, const api_table *except);

/* A session's table handle, checked: JET_errInvalidSesid, JET_errInvalidTableId, and
 * JET_errInstanceUnavailable once the instance's log has failed. */
JET_ERR api_table_get(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb);
/* The same without the instance check: for calls that only drop memory (cancelling an update)
 * and must work on an unusable instance too. */
JET_ERR api_table_get_any(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb);

/* JetSetColumn / JetRetrieveColumn on a table handle already checked (api_table.c), for
 * JetSetColumns / JetRetrieveColumns (api_columns.c); api_count_values counts a column's values
 * in the current row (JET_RETRIEVECOLUMN.itagSequence 0); api_current_key gives the current
 * row's primary key (JET_errNoCurrentRecord / JET_errRecordDeleted) for JetEscrowUpdate. */
JET_ERR api_count_values(api_table *tb, JET_COLUMNID columnid, JET_GRBIT grbit, uint32_t *pcount);
JET_ERR api_current_key(api_table *tb, const uint8_t **pkey, uint32_t *pcb_key);
JET_ERR api_set_column(api_table *tb, JET_COLUMNID columnid, const void *pvData, ESE_ULONG cbData,
                       JET_GRBIT grbit, const JET_SETINFO *psetinfo);
JET_ERR api_retrieve_column(api_table *tb, JET_COLUMNID columnid, void *pvData, ESE_ULONG cbData,
                            ESE_ULONG *pcbActual, JET_GRBIT grbit, JET_RETINFO *pretinfo);
/* Make tb->rec the current record (api_table.c): JET_errNoCurrentRecord off a record,
 * JET_errRecordDeleted on one deleted since. */
JET_ERR api_table_load_current(api_table *tb);
/* Drop a prepared update (api_table.c): every navigation cancels it, as ESENT's does. */
void api_table_cancel_update(api_table *tb);

/* ---- hooks for session.c and instance.c ---------------------------------------------------- */
/* Close every table and dbid of a session (memory only; caller holds g_engine.lock). */
void api_session_end_locked(JET_SESID sesid);
/* The session's transaction is at `level` now (caller holds g_engine.lock): after a commit
 * the tables' levels come down to it; after a rollback (rollback true) the tables opened
 * above it are closed, updates prepared above it cancelled, cursors that navigated above it
 * moved before the first record. */
void api_session_level_locked(JET_SESID sesid, uint32_t level, bool rollback);
/* Close every database attached to an instance that JetTerm2 has unregistered (its sessions
 * ended already).  Takes g_engine.lock itself; flushes the files without it.  Returns the first
 * failed close (every database is closed and freed regardless): the file then keeps its dirty
 * state and JetTerm2 must leave the checkpoint where recovery still replays it. */
JET_ERR api_instance_term(ese_instance *inst);

/* ---- hooks for the streaming backup (backup.c) ---------------------------------------------- */
typedef struct api_backup_db {
    char *identity;    /* canonical path (osal_malloc'd) */
    ese_database *db;
} api_backup_db;
/* The instance's attached databases that are logged (not read-only), in attach order. */
JET_ERR api_backup_databases(ese_instance *inst, api_backup_db **pdbs, size_t *pcount);
void api_backup_databases_free(api_backup_db *dbs, size_t count);
/* The attached, logged database of the instance a file name (UTF-8) names, by canonical path:
 * JET_errDatabaseNotFound when none.  out->identity is osal_malloc'd. */
JET_ERR api_backup_find_database(ese_instance *inst, const char *path, api_backup_db *out);

/* ---- temporary list tables (api_list.c; the schema part of issue 5) -------------------------
 *
 * A read-only JET_TABLEID over rows built in memory, for the Jet calls that answer with a
 * temporary table (JET_ColInfoList..., JET_ObjInfoList..., JET_IdxInfoList...).  JetMove
 * (First / Last / Next / Previous / by n, JET_errNoCurrentRecord past either end),
 * JetRetrieveColumn and JetRetrieveColumns (pcbActual, JET_wrnBufferTruncated, JET_wrnColumnNull,
 * ibLongValue; itagSequence > 1 reads NULL) and JetCloseTable work on it; every other table call
 * answers JET_errInvalidTableId.  It belongs to the session that made it and is freed by
 * JetCloseTable or JetEndSession (a rollback leaves it open).
 *
 * Use: api_list_table_create (columns: their types; column i has JET_COLUMNID i + 1, see
 * API_LIST_COLUMNID), api_list_table_append_row once per row (one api_list_value per column,
 * copied), then api_list_table_open, which registers it and gives the JET_TABLEID (positioned
 * before the first row; move first as ESENT callers do).  Before open, api_list_table_discard
 * frees it; open frees it itself when it fails.  Values are the bytes JetRetrieveColumn returns
 * (numbers little-endian; Unicode text UTF-16LE without a terminator). */
typedef struct api_list_column {
    JET_COLTYP coltyp;     /* reported to callers who ask; the bytes are not checked */
    uint16_t cp;           /* text columns: 1200 or 1252 */
} api_list_column;

typedef struct api_list_value {
    const void *data;      /* NULL: the column is NULL in this row */
    uint32_t cb;
} api_list_value;

#define API_LIST_COLUMNID(i) ((JET_COLUMNID)((i) + 1))

typedef struct api_list_table api_list_table;

JET_ERR api_list_table_create(JET_SESID sesid, const api_list_column *cols, size_t ncols,
                              api_list_table **plist);
JET_ERR api_list_table_append_row(api_list_table *lt, const api_list_value *values);
size_t api_list_table_row_count(const api_list_table *lt);
JET_ERR api_list_table_open(api_list_table *lt, JET_TABLEID *ptableid);
void api_list_table_discard(api_list_table *lt);
/* For the table calls (api_table.c): the session's list table with this id, or NULL. */
api_list_table *api_list_table_find(JET_SESID sesid, JET_TABLEID tableid);
JET_ERR api_list_table_move(api_list_table *lt, ESE_LONG cRow);
JET_ERR api_list_table_retrieve(api_list_table *lt, JET_COLUMNID columnid, void *pvData,
                                ESE_ULONG cbData, ESE_ULONG *pcbActual, JET_RETINFO *pretinfo);
/* JetCloseTable of a list table: JET_errInvalidTableId when it is none of the session's. */
JET_ERR api_list_table_close(JET_SESID sesid, JET_TABLEID tableid);
/* UTF-16LE bytes of an ASCII catalog name for a list table's Text column (buf: 128 bytes). */
uint32_t api_utf16_name(const char *name, uint8_t *buf);
/* JetEndSession (api_session_end_locked): free the session's lists; g_engine.lock held. */
void api_list_session_end_locked(JET_SESID sesid);

#endif /* LIBESE_API_DATA_H */
