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
 * Updates made here are ESENT's implicit transactions: each JetUpdate / JetDelete reaches the
 * database at once (database.h).  Explicit transactions come later.
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
    uint64_t generation;                /* bumped by every insert / replace / delete */
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
} api_position;

#define API_PREP_NONE 0u
#define API_PREP_INSERT 1u
#define API_PREP_REPLACE 2u

typedef struct api_set_value {
    uint16_t fid;
    uint8_t *data;        /* osal_malloc'd (NULL for NULL / empty) */
    uint32_t cb;
    bool zero_length;
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
    api_position pos;
    uint8_t cur_key[DB_KEY_MOST + 1];
    uint32_t cb_cur_key;
    uint8_t *rec;                       /* copy of the current record */
    size_t cb_rec;
    uint64_t rec_generation;            /* adb->generation when rec was read */
    key_search search;
    uint32_t prep;                      /* API_PREP_* */
    api_set_value *values;
    size_t value_count, value_cap;
} api_table;

/* ---- registry (api_database.c); callers hold g_engine.lock ---------------------------------- */
JET_ERR api_dbid_find_locked(JET_SESID sesid, JET_DBID dbid, api_dbid **pd);
JET_ERR api_table_register_locked(api_table *tb);
JET_ERR api_table_find_locked(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb);
/* Unregister and free a table handle (memory only: no I/O). */
void api_table_remove_locked(api_table *tb);
/* The key columns of a table (objid) of a database, or NULL. */
const api_key_info *api_db_keys_locked(api_db *adb, uint32_t objid);
JET_ERR api_db_add_keys_locked(api_db *adb, const api_key_info *k);

/* A session's table handle, checked: JET_errInvalidSesid, JET_errInvalidTableId. */
JET_ERR api_table_get(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb);

/* ---- hooks for session.c and instance.c ---------------------------------------------------- */
/* Close every table and dbid of a session (memory only; caller holds g_engine.lock). */
void api_session_end_locked(JET_SESID sesid);
/* Close every database attached to an instance that JetTerm2 has unregistered (its sessions
 * ended already).  Takes g_engine.lock itself; flushes the files without it. */
void api_instance_term(ese_instance *inst);

#endif /* LIBESE_API_DATA_H */
