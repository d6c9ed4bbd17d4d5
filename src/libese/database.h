/*
 * database.h -- a database at the C level: create / open / close, the schema cache read from
 * the catalog, tables with columns and a primary index, rows (insert, replace, delete, read)
 * and cursors over a table in primary-key order.
 *
 * This is the layer the Jet API (JetCreateDatabase2W, JetAttachDatabase2W, JetCreateTable,
 * JetAddColumn, JetCreateIndex2, JetPrepareUpdate + JetSetColumn + JetUpdate, JetDelete,
 * JetMove, JetSeek, JetRetrieveColumn) sits on.  It writes what ESE writes (facts:
 * shared/reference/ese-btree-catalog-facts.md):
 *
 *   - create: the empty layout of space_create_database, MSysObjects' (page 4) and
 *     MSysObjectsShadow's (page 24) self-description records (catalog_build_mso_entries), the
 *     Name (page 7) and RootObjects (page 10) index entries for them, objidLast = 5;
 *   - a table: objid = objidLast + 1, a multiple-extent FDP out of the database root (parent
 *     1); catalog records table, columns (by fid), primary index (sharing the table's objid and
 *     FDP), all mirrored into the shadow and the Name / RootObjects indexes;
 *   - column placement as ESE does: fixed-size types (Bit, UnsignedByte, Short, Long,
 *     LongLong, DateTime, ...) are fixed columns (fid 1..127), Text / Binary variable
 *     (128..255) unless JET_bitColumnFixed (fixed, cb_max bytes) or JET_bitColumnTagged,
 *     LongText / LongBinary (and anything JET_bitColumnTagged) tagged (256..);
 *   - a table without a primary index gets ESE's sequential DBK key: BE32(1), BE32(2), ...;
 *   - long values longer than 1023 bytes (ESE's cbLVIntrinsicMost), or that do not fit the
 *     record, are separated into the table's LV tree (LID32, LVROOT {1, size}, chunks of
 *     lv_chunk_size).  The LV tree ("LV", its own objid, FDP out of the table's space, pages
 *     flagged LongValue) is created lazily at the table's first separated value, as ESE does;
 *     its catalog record is added then.
 *
 * State and durability (Recovery off for now: NULL log hooks): the header says dirty (2) from
 * open/create until db_close, which flushes every page, stamps the header's dbtime (>= every
 * page's) and writes state clean (3).  db_flush does the same but leaves the state dirty.
 *
 * Concurrency: one latch per database serializes every call below, cursors included; it is
 * released before a commit waits for the log to become durable (group commit).
 * Changes are commits: outside a transaction each update is an implicit transaction, applied,
 * logged and durable when the call returns; inside one (the *_trx calls, trx.h) it is staged
 * in the session's write set until the level-0 commit.  A failed commit leaves nothing.
 *
 * Values: a column value is bytes (numbers little-endian, Text as stored: UTF-16LE for code
 * page 1200, 8-bit for 1252; Bit 1 byte; DateTime an 8-byte double).  data NULL with cb 0 is
 * NULL; an empty non-NULL value needs DB_VALUE_ZERO_LENGTH.
 */
#ifndef LIBESE_DATABASE_H
#define LIBESE_DATABASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btree.h"
#include "esent.h"
#include "key.h"
#include "record.h"
#include "trx.h"

typedef struct ese_database ese_database;
typedef struct ese_table ese_table;

/* ---- databases --------------------------------------------------------------------------- */

/* Initial size of a new database, in pages (the file grows as needed). */
#define DB_INITIAL_PAGES 256u

/* Create a new database file (it must not exist) with page size page_size (the process-wide
 * JET_paramDatabasePageSize).  The database is open afterwards.  Errors: dbfile_create's
 * (JET_errDatabaseDuplicate, I/O), JET_errOutOfMemory. */
JET_ERR db_create(const char *path, uint32_t page_size, ese_database **pdb);

/* Open an existing database created by libese and read its catalog into the schema cache.
 * JET_errDatabaseDirtyShutdown when the header says dirty (no recovery yet); dbfile_open's
 * errors; JET_errCatalogCorrupted for a catalog it cannot read. */
JET_ERR db_open(const char *path, uint32_t page_size, bool read_only, ese_database **pdb);

/* Flush everything and write the header with the current dbtime (state stays dirty). */
JET_ERR db_flush(ese_database *db);

/* From now on, log every change as a durable commit in `log` under database id `dbid` (an
 * ATTACH record first; db_close appends the DETACH).  Without it changes are not logged
 * (JET_paramRecovery "off"). */
struct ese_log;
JET_ERR db_use_log(ese_database *db, struct ese_log *log, uint8_t dbid);

/* Flush everything, mark the header clean (3), close the file and free everything.  The
 * database is freed even when flushing fails (the error is returned; the file then keeps its
 * dirty state). */
JET_ERR db_close(ese_database *db);

uint32_t db_page_size(const ese_database *db);
uint32_t db_objid_last(const ese_database *db);
/* The buffer manager's page store (tests run bt_check / space_check_database on it). */
ese_pagestore *db_store(ese_database *db);

/* Check every tree of the database (bt_check through space_check_database over every FDP:
 * root, catalog and its indexes, shadow, tables and LV trees) and that the catalog and its
 * shadow hold the same records.  JET_errDatabaseCorrupted + msg. */
JET_ERR db_check(ese_database *db, char *msg, size_t cb_msg);

/* ---- schema ------------------------------------------------------------------------------ */

typedef struct db_column_def {
    const char *name;        /* ASCII, 1..64 characters */
    JET_COLTYP coltyp;
    uint32_t cb_max;         /* Text/Binary: max length (0 = 255); fixed Text/Binary: size */
    uint16_t code_page;      /* Text / LongText: 1200 or 1252 (0 = 1252) */
    JET_GRBIT grbit;         /* JET_bitColumnFixed / Tagged / NotNULL / Version / Autoincrement /
                              * MultiValued / EscrowUpdate ("Column options" in DESIGN.md) */
    const void *default_value; /* JET_COLUMNCREATE pvDefault (NULL: none) */
    uint32_t cb_default;
} db_column_def;

typedef struct db_index_column {
    const char *name;        /* a column of the table (not a long-value column) */
    bool descending;
} db_index_column;

typedef struct db_table_def {
    const char *name;                   /* ASCII, 1..64 characters */
    const db_column_def *columns;
    size_t column_count;
    const char *primary_index;          /* NULL: no primary index (sequential DBK keys) */
    const db_index_column *key_columns; /* the primary index's columns */
    size_t key_count;                   /* 1..JET_ccolKeyMost */
    uint32_t initial_pages;             /* JET_TABLECREATE ulPages (0: 3, the least) */
    const struct db_index_def *indexes; /* secondary indexes (i5-index), built with the table */
    size_t index_count;
} db_table_def;

/* One column of the schema cache. */
typedef struct db_column {
    char *name;
    uint16_t fid;
    JET_COLTYP coltyp;
    uint32_t cb_max;
    uint16_t code_page;
    uint32_t field_flags;
    uint8_t *default_value;  /* the catalog's DefaultValue (RECORD_FIELD_DEFAULT), or NULL */
    uint32_t cb_default;
} db_column;

/* Create a table with its columns and (optionally) its primary index.  *ptable (may be NULL)
 * gets the table, owned by the database.  JET_errTableDuplicate, JET_errColumnDuplicate,
 * JET_errInvalidName, JET_errInvalidColumnType, JET_errTooManyColumns, JET_errIndexInvalidDef
 * (no/too many/unknown/long key columns), JET_errDatabaseFileReadOnly, I/O and memory errors
 * (after which the catalog may hold part of the definition: the caller must not go on; this
 * will be a transaction's rollback). */
JET_ERR db_create_table(ese_database *db, const db_table_def *def, ese_table **ptable);

/* A table by name (ASCII, case-insensitive as ESE), or NULL. */
ese_table *db_find_table(ese_database *db, const char *name);
size_t db_table_count(const ese_database *db);
ese_table *db_table_at(ese_database *db, size_t i);

const char *table_name(const ese_table *t);
uint32_t table_objid(const ese_table *t);
uint32_t table_pgno_fdp(const ese_table *t);
uint32_t table_lv_pgno_fdp(const ese_table *t);   /* 0 while it has no LV tree */
size_t table_column_count(const ese_table *t);
const db_column *table_column_at(const ese_table *t, size_t i);
const db_column *table_find_column(const ese_table *t, const char *name);
bool table_has_primary_index(const ese_table *t);
/* The column with this id (fid), or NULL. */
const db_column *table_column_by_fid(const ese_table *t, uint32_t fid);
/* JetGetObjectInfo's statistics: the rows trx sees (committed rows outside a transaction) and
 * the pages the table's trees own and use (its data tree and LV tree). */
JET_ERR db_table_stats(ese_table *t, struct ese_trx *trx, uint32_t *pc_record, uint32_t *pc_page);

/* ---- secondary indexes (index.c, database.c "secondary indexes"; DESIGN.md) ---------------
 *
 * A secondary index is its own tree (objid objidLast + 1, FDP out of the table's space, pages
 * flagged Index, NonUniqueKeys unless unique) with a catalog record of type Index (mirrored in
 * the shadow and the Name index).  Leaf entries: a unique index stores key = normalized index
 * key, data = the row's primary key (the bookmark), as ESE does; a non-unique index stores key =
 * index key || primary key, data = primary key (libese's layout: ESE keeps the index key alone
 * and orders duplicates by data; btree.h).  Every commit keeps every index of the table current.
 * "Entry key" below (E) is always index key || primary key, the order an index is read in. */

typedef struct db_index_def {
    const char *name;                   /* ASCII, 1..64 characters */
    const db_index_column *key_columns; /* 1..JET_ccolKeyMost (long values: first key_most bytes) */
    size_t key_count;
    JET_GRBIT grbit;     /* JET_bitIndexUnique, IgnoreNull, IgnoreAnyNull, IgnoreFirstNull,
                          * DisallowNull, SortNullsHigh, DotNetGuid, DisallowTruncation,
                          * Unicode (accepted; key.h's normalization is used) */
    uint32_t lcid;       /* accepted and kept (0: none) */
    uint32_t key_most;   /* 0: 255 (JET_cbKeyMost_OLD); at most key_most_for_page_size */
    uint32_t density;    /* 0: 80 */
} db_index_def;

/* One index of the schema cache (table_index_at).  Index 0 is the primary index when the table
 * has one (objid and FDP those of the table, JET_bitIndexPrimary | JET_bitIndexUnique). */
typedef struct db_index_info {
    char *name;
    uint32_t objid, pgno_fdp, density, lcid;
    JET_GRBIT grbit;                    /* JET_bitIndex* as created */
    uint32_t key_count;
    uint16_t fids[JET_ccolKeyMost];
    key_segment segments[JET_ccolKeyMost]; /* coltyp, code page, descending per column */
    key_index kidx;                     /* its key shape (key_most, nulls high, .NET GUID) */
} db_index_info;

/* Add a secondary index and build it from the committed rows, all in one commit.
 * JET_errIndexDuplicate (name taken), JET_errIndexInvalidDef (bad/duplicate/long-value
 * columns, bad key_most), JET_errColumnNotFound, JET_errInvalidName, JET_errKeyDuplicate (a
 * unique index over duplicate rows), JET_errNullKeyDisallowed (DisallowNull over a NULL),
 * JET_errInvalidGrbit (JET_bitIndexPrimary: a table's primary index is made with it),
 * JET_errDatabaseFileReadOnly.  Nothing is changed on any error. */
JET_ERR db_create_index(ese_table *t, const db_index_def *def);
/* Remove a secondary index (catalog records; its pages stay with the table, see DESIGN.md).
 * JET_errIndexNotFound, JET_errIndexMustStay (the primary index).  No cursor may be on it
 * (the Jet layer answers JET_errIndexInUse). */
JET_ERR db_delete_index(ese_table *t, const char *name);
size_t table_index_count(const ese_table *t);
const db_index_info *table_index_at(const ese_table *t, size_t i);
/* By name (case-insensitive, as ESE); NULL when none. */
const db_index_info *table_find_index(const ese_table *t, const char *name);

/* ---- rows -------------------------------------------------------------------------------- */

#define DB_VALUE_ZERO_LENGTH 0x1  /* an empty, non-NULL value */

typedef struct db_value {
    uint16_t fid;
    const void *data;        /* NULL with cb 0: NULL (unless DB_VALUE_ZERO_LENGTH) */
    uint32_t cb;
    uint32_t flags;          /* DB_VALUE_* */
    uint32_t itag;           /* multi-valued columns: JetSetColumn's itagSequence (0: append a
                              * value, n: replace value n, NULL at n: delete it); others: 0 */
} db_value;

/* Longest normalized key (primary keys are cut at 255 bytes). */
#define DB_KEY_MOST 255u

/* Insert a row.  Columns not given are NULL.  JET_errKeyDuplicate when the primary key is
 * present; JET_errNullKeyDisallowed for a NULL key column; JET_errNullInvalid for a NOT NULL
 * column; record.h's errors for bad values; JET_errWriteConflict when a transaction holds the
 * row (db_insert_trx below).  Nothing is changed on any error (the commit is all or nothing). */
JET_ERR db_insert(ese_table *t, const db_value *values, size_t count);

/* Replace columns of the row whose primary key is key (JetPrepareUpdate(Replace) + set +
 * update): the given columns change, the others keep their values; a long value replaced is
 * deleted from the LV tree after the row is updated.  JET_errRecordNotFound;
 * JET_errRecordPrimaryChanged when a key column would change; JET_errWriteConflict.  Nothing
 * is changed on any error. */
JET_ERR db_replace(ese_table *t, const uint8_t *key, uint32_t cb_key, const db_value *values,
                   size_t count);

/* Delete the row with this primary key, with its separated long values.
 * JET_errRecordNotFound; JET_errWriteConflict.  Nothing is changed on any error. */
JET_ERR db_delete(ese_table *t, const uint8_t *key, uint32_t cb_key);

/* The normalized primary key of the row these values describe (values of the key columns;
 * others are ignored).  key needs DB_KEY_MOST bytes.  For a table without a primary index
 * values[0] must be a 4-byte little-endian DBK (fid ignored).  JET_errNullKeyDisallowed. */
JET_ERR table_make_key(ese_table *t, const db_value *values, size_t count, uint8_t *key,
                       uint32_t *cb_key);

/* Read one column of a record (as a cursor or db_lookup returned it), reassembling a separated
 * long value.  *pdata is osal_malloc'd (osal_free it; NULL for NULL and for empty values).
 * JET_wrnColumnNull for NULL; JET_errColumnNotFound; JET_errLVCorrupted. */
JET_ERR table_retrieve(ese_table *t, const uint8_t *rec, size_t cb, uint16_t fid,
                       uint8_t **pdata, uint32_t *pcb);

/* table_retrieve_trx with the JetRetrieveColumn options: value number itag (1-based; a
 * missing one reads JET_wrnColumnNull), and the column's default value for a row that never
 * set it unless ignore_default (JET_bitRetrieveIgnoreDefault). */
JET_ERR table_retrieve_value_trx(ese_table *t, struct ese_trx *trx, const uint8_t *rec, size_t cb,
                                 uint16_t fid, uint32_t itag, bool ignore_default,
                                 uint8_t **pdata, uint32_t *pcb);
/* The same, copied straight into the caller's buffer from byte ib on (JetRetrieveColumn's
 * contract: *pcb_actual = the bytes from ib to the end, JET_wrnBufferTruncated when they do
 * not fit, JET_wrnColumnNull for NULL).  No allocation for a value stored in the record. */
JET_ERR table_retrieve_into_trx(ese_table *t, struct ese_trx *trx, const uint8_t *rec, size_t cb,
                                uint16_t fid, uint32_t itag, bool ignore_default, uint32_t ib,
                                void *pv, uint32_t cb_max, uint32_t *pcb_actual);
/* Copy bytes ib.. of a value to pv (cb_max bytes): JetRetrieveColumn's contract as above. */
JET_ERR db_copy_value_out(const uint8_t *data, uint32_t cb, uint32_t ib, void *pv, uint32_t cb_max,
                          uint32_t *pcb_actual);
/* How many values a record holds for a column (a default counts as one unless
 * ignore_default): JetRetrieveColumn(s) with itagSequence 0. */
JET_ERR table_count_values(ese_table *t, const uint8_t *rec, size_t cb, uint16_t fid,
                           bool ignore_default, uint32_t *pcount);

/* The table's autoincrement column (0: none) and the next value for a new row (Long: 32-bit,
 * Currency/LongLong: 64-bit).  Values are handed out once and never given back (a cancelled
 * insert or a rollback leaves a gap, as in ESE); the first call after open derives the counter
 * from the largest value committed, as ESE does. */
uint16_t table_autoincrement_fid(const ese_table *t);
JET_ERR table_next_autoincrement(ese_table *t, uint64_t *pvalue);

/* JetEscrowUpdate: add delta to the escrow column fid (Long or LongLong) of the row under key,
 * through trx, returning the value before.  An update like JetPrepareUpdate/JetUpdate (the
 * row's write lock, so two transactions escrow-updating one row conflict: see "Column options"
 * in DESIGN.md).  JET_errRecordNotFound, JET_errWriteConflict, JET_errInvalidOperation (not an
 * escrow column). */
JET_ERR db_escrow_trx(ese_table *t, struct ese_trx *trx, const uint8_t *key, uint32_t cb_key,
                      uint16_t fid, int64_t delta, int64_t *pold);

/* ---- schema changes (DDL: each is its own durable commit, docs/contract/transactions.md) -- */

/* JetAddColumn on an existing table: the column gets the next fid of its kind (fixed,
 * variable or tagged) and a catalog record (with its shadow and Name entry).  Existing rows are
 * not rewritten: they read the default value, or NULL.  *pfid (may be NULL) gets its id.
 * JET_errColumnDuplicate, JET_errInvalidName, JET_errInvalidColumnType, JET_errTooManyColumns,
 * JET_errColumnRedundant, ... as db_create_table. */
JET_ERR db_add_column(ese_table *t, const db_column_def *def, uint16_t *pfid);

/* JetRenameTable: JET_errInvalidName, JET_errTableDuplicate.  The caller makes sure no
 * cursor is open on the table. */
JET_ERR db_rename_table(ese_table *t, const char *new_name);
/* JetRenameColumn: JET_errColumnNotFound, JET_errInvalidName, JET_errColumnDuplicate. */
JET_ERR db_rename_column(ese_table *t, const char *name, const char *new_name);
/* JetDeleteColumn: the catalog record becomes ESE's stub (Coltyp 0, Name
 * "JetStub_<objidTable>_<fid>"), so the fid is never reused and fixed offsets stay valid;
 * values in old rows are left where they are.  JET_errColumnNotFound, JET_errColumnInUse (a
 * key column of the primary index; secondary indexes are the caller's to check). */
JET_ERR db_delete_column(ese_table *t, const char *name);
/* JetDeleteTable: every catalog record of the table (table, columns, indexes, LV tree) is
 * removed and its pages go back to the database root, in one commit.  The caller makes sure no
 * cursor is open on it; JET_errTableInUse while a transaction holds rows of it.  t stays
 * allocated (unlisted) until the database closes. */
JET_ERR db_delete_table(ese_table *t);

/* Copy out the record stored under key (osal_malloc'd).  JET_errRecordNotFound. */
JET_ERR db_lookup(ese_table *t, const uint8_t *key, uint32_t cb_key, uint8_t **prec, size_t *pcb);

/* ---- cursors ----------------------------------------------------------------------------- */

typedef struct db_cursor db_cursor;

JET_ERR db_cursor_open(ese_table *t, db_cursor **pcursor);
void db_cursor_close(db_cursor *c);

/* Moves: JET_errNoCurrentRecord past either end (or on an empty table), as JetMove. */
JET_ERR db_cursor_first(db_cursor *c);
JET_ERR db_cursor_last(db_cursor *c);
JET_ERR db_cursor_next(db_cursor *c);
JET_ERR db_cursor_prev(db_cursor *c);
/* Seek by normalized key of the current index (on a secondary index EQ, GE and GT land on the
 * first entry of their key, LE and LT on the last):
 * BT_SEEK_EQ / GE / LE / GT / LT as JetSeek's SeekEQ/GE/LE/GT/LT:
 * JET_errRecordNotFound when none qualifies, JET_wrnSeekNotEqual for an inexact GE/LE. */
JET_ERR db_cursor_seek(db_cursor *c, const uint8_t *key, uint32_t cb_key, bt_seek_mode mode);

/* The current row: its key (the current index's key: on a secondary index the index key, see
 * db_cursor_bookmark for the primary key) and record (pointers valid until the cursor moves or closes).
 * JET_errNoCurrentRecord; JET_errRecordDeleted when it was deleted since. */
JET_ERR db_cursor_row(db_cursor *c, const uint8_t **pkey, uint32_t *pcb_key,
                      const uint8_t **prec, size_t *pcb_rec);

/* Read through a secondary index (NULL or the primary index's name: the primary index).  The
 * cursor is then unpositioned.  JET_errIndexNotFound. */
JET_ERR db_cursor_set_index(db_cursor *c, const char *name);
/* The index the cursor reads (never NULL). */
const db_index_info *db_cursor_index(const db_cursor *c);
/* Position by entry: relative to (key, bookmark) where key is an index key and bookmark a
 * primary key: EQ lands exactly on that entry (JET_errRecordNotFound when it is gone), GT / LT
 * on the entry after / before it (JET_errRecordNotFound past the end), GE / LE on it or the
 * next / previous one.  On the primary index the bookmark is ignored (it is the key).  This is
 * how a handle finds its place again after the tree changed. */
JET_ERR db_cursor_seek_entry(db_cursor *c, const uint8_t *key, uint32_t cb_key,
                             const uint8_t *bookmark, uint32_t cb_bookmark, bt_seek_mode mode);
/* Position on row bm's entry number itag (1-based, 0 = 1; in index key order: a row has
 * several entries in an index over a multi-valued column) in the cursor's index.
 * JET_errNoCurrentRecord when the row is gone or has no such entry (its key's NULLs are
 * ignored by the index); the cursor is then unpositioned. */
JET_ERR db_cursor_goto_row(db_cursor *c, const uint8_t *bm, uint32_t cb_bm, uint32_t itag);
/* The current row's primary key (its bookmark).  JET_errNoCurrentRecord. */
JET_ERR db_cursor_bookmark(db_cursor *c, const uint8_t **pbm, uint32_t *pcb_bm);

/* table_retrieve on the current row. */
JET_ERR db_cursor_retrieve(db_cursor *c, uint16_t fid, uint8_t **pdata, uint32_t *pcb);

/* ---- transactions (trx.h) ----------------------------------------------------------------
 *
 * The same operations through a session's transaction state.  With trx NULL, or trx outside a
 * transaction (level 0), an update is an implicit transaction of its own: applied, logged as
 * one commit and durable when the call returns (the calls above are these with trx NULL).
 * Inside a transaction an update is staged in the session's write set (nothing reaches a page
 * before the level-0 commit) and reads see the write set over the database as of the
 * transaction's snapshot.  Extra errors of an update inside a transaction:
 * JET_errWriteConflict (another transaction holds the row, or changed it after this one
 * began), JET_errVersionStoreOutOfMemory (the write-set limit), JET_errTransReadOnly. */
struct ese_log;

/* key_out (DB_KEY_MOST bytes, may be NULL) receives the new row's primary key (its DBK for a
 * table without a primary index). */
JET_ERR db_insert_trx(ese_table *t, struct ese_trx *trx, const db_value *values, size_t count,
                      uint8_t *key_out, uint32_t *pcb_key);
JET_ERR db_replace_trx(ese_table *t, struct ese_trx *trx, const uint8_t *key, uint32_t cb_key,
                       const db_value *values, size_t count);
JET_ERR db_delete_trx(ese_table *t, struct ese_trx *trx, const uint8_t *key, uint32_t cb_key);
/* Take the row's write lock without changing it (JetPrepareUpdate with JET_prepReplace inside a
 * transaction); held until the transaction ends.  Nothing outside a transaction. */
JET_ERR db_lock_trx(ese_table *t, struct ese_trx *trx, const uint8_t *key, uint32_t cb_key);
JET_ERR db_lookup_trx(ese_table *t, struct ese_trx *trx, const uint8_t *key, uint32_t cb_key,
                      uint8_t **prec, size_t *pcb);
/* table_retrieve for a record read through trx (its own long values, values kept for its
 * snapshot). */
JET_ERR table_retrieve_trx(ese_table *t, struct ese_trx *trx, const uint8_t *rec, size_t cb,
                           uint16_t fid, uint8_t **pdata, uint32_t *pcb);
/* Make the cursor read through trx from now on (NULL: the committed trees). */
void db_cursor_set_trx(db_cursor *c, struct ese_trx *trx);

/* Bumped by every change any view of the database may see (staged, committed, undone): a
 * reader's cached copy of a row is stale when it changed. */
uint64_t db_generation(const ese_database *db);

/* Open transactions holding a write set on the database (it must not be closed meanwhile). */
uint32_t db_transaction_refs(ese_database *db);

/* For trx.c.  Commit every write set of trx as ONE commit unit: latch its databases (address
 * order), apply, append every page image then one commit record, release the latches.  The
 * caller then waits for *pend to be durable (0: nothing logged).  On failure nothing was
 * applied and the transaction is unchanged. */
JET_ERR db_trx_commit(struct ese_trx *trx, struct ese_log **plog, uint64_t *pend);
/* Undo one staged change (rollback of its save point); takes undo->previous. */
void db_trx_undo(struct ese_trx *trx, trx_undo *undo);
/* Drop every write set of trx and release its write locks (rollback to level 0). */
void db_trx_release(struct ese_trx *trx);

/* ---- streaming backup (backup.c) --------------------------------------------------------- */

struct ese_dbfile;
struct ese_bufmgr;
/* The file and buffer manager a backup copies from: it reads pages from the file under a
 * buffer-manager range lock (bm_range_lock) and never writes a page. */
struct ese_dbfile *db_file(ese_database *db);
struct ese_bufmgr *db_bufmgr(ese_database *db);
/* Call fn with the database's lock held, so no commit and no other header write interleaves:
 * the backup captures the header at JetOpenFileInstance and writes its backup info at End. */
JET_ERR db_with_header(ese_database *db, JET_ERR (*fn)(struct ese_dbfile *file, void *context),
                       void *context);

#endif /* LIBESE_DATABASE_H */
