/* dbfile.c -- see dbfile.h. */
#include "dbfile.h"

#include <string.h>

#include "osal_files.h" /* writes and syncs through the power-loss simulator */

#define OS_VERSION_MAJOR 10u /* what the header's "OS that last touched it" fields say */

static uint64_t page_offset(const ese_dbfile *db, uint32_t pgno)
{
    return ((uint64_t)pgno + 1) * db->page_size;
}

static ese_dbfile *dbfile_new(const char *path, uint32_t page_size, JET_ERR *perr)
{
    ese_dbfile *db = osal_calloc(1, sizeof *db);
    if (db) {
        db->file.fd = -1;
        db->page_size = page_size;
        db->path = osal_malloc(strlen(path) + 1);
        db->header = osal_calloc(1, page_size);
        if (db->path && db->header) {
            strcpy(db->path, path);
            return db;
        }
        osal_free(db->path);
        osal_free(db->header);
        osal_free(db);
    }
    *perr = JET_errOutOfMemory;
    return NULL;
}

static void dbfile_free(ese_dbfile *db)
{
    osal_free(db->path);
    osal_free(db->header);
    osal_free(db);
}

void dbfile_close(ese_dbfile *db)
{
    if (!db)
        return;
    osal_close(&db->file);
    dbfile_free(db);
}

/* A fresh header: ESE's fields as a new database has them (facts §3; btree-catalog facts §7). */
static void init_header(ese_dbfile *db, const ese_signature *sign_log)
{
    uint8_t *h = db->header;
    memset(h, 0, db->page_size);
    ese_store_u32(h + ESE_DBHDR_OFF_MAGIC, ESE_MAGIC);
    ese_store_u32(h + ESE_DBHDR_OFF_FORMAT_VERSION, ESE_FORMAT_VERSION_620);
    ese_signature sign_db;
    memset(&sign_db, 0, sizeof sign_db);
    sign_db.random = osal_random_u32();
    osal_now(&sign_db.created);
    strcpy(sign_db.computer_name, DBFILE_CREATOR_MARK);
    ese_signature_store(h + ESE_DBHDR_OFF_SIGN_DB, &sign_db);
    ese_store_u32(h + ESE_DBHDR_OFF_DBSTATE, ESE_DBSTATE_JUST_CREATED);
    ese_store_u32(h + ESE_DBHDR_OFF_DBID, 1);
    if (sign_log)
        ese_signature_store(h + ESE_DBHDR_OFF_SIGN_LOG, sign_log);
    ese_store_u32(h + ESE_DBHDR_OFF_OS_MAJOR, OS_VERSION_MAJOR);
    ese_store_u32(h + ESE_DBHDR_OFF_FORMAT_REVISION, DBFILE_FORMAT_REVISION);
    ese_store_u32(h + ESE_DBHDR_OFF_PAGE_SIZE, db->page_size); /* never 0: readers need it */
    ese_store_u32(h + ESE_DBHDR_OFF_CREATE_VERSION, ESE_FORMAT_VERSION_620);
    ese_store_u32(h + ESE_DBHDR_OFF_CREATE_REVISION, DBFILE_FORMAT_REVISION);
    memset(h + ESE_DBHDR_OFF_SORT_VERSION, 0xFF, 8);
    /* The file type at 667 is the last field libesedb's 668-byte header checksum covers; every
     * byte after it stays zero so its partial checksum agrees with ESE's (btree facts §7). */
    ese_store_u32(h + ESE_DBHDR_OFF_FILE_TYPE, ESE_FILETYPE_DATABASE);
}

JET_ERR dbfile_write_header(ese_dbfile *db)
{
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    ese_header_stamp(db->header, db->page_size);
    JET_ERR err = osal_files_write_at(&db->file, db->header, db->page_size, 0);
    if (err == JET_errSuccess)
        err = osal_files_sync(&db->file);
    if (err == JET_errSuccess)
        err = osal_files_write_at(&db->file, db->header, db->page_size, db->page_size);
    if (err == JET_errSuccess)
        err = osal_files_sync(&db->file);
    return err;
}

JET_ERR dbfile_create(const char *path, uint32_t page_size, uint32_t page_count,
                      const ese_signature *sign_log, ese_dbfile **pdb)
{
    JET_ERR err = JET_errSuccess;
    ese_dbfile *db = dbfile_new(path, page_size, &err);
    if (!db)
        return err;
    err = osal_open(path, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE | OSAL_OPEN_EXCL,
                    &db->file);
    if (err == JET_errFileAlreadyExists)
        err = JET_errDatabaseDuplicate;
    if (err != JET_errSuccess) {
        dbfile_free(db);
        return err;
    }
    db->created_by_libese = true;
    err = osal_lock_exclusive(&db->file);
    if (err == JET_errSuccess)
        err = osal_set_size(&db->file, ((uint64_t)page_count + ESE_DB_RESERVED_PAGES) * page_size);
    if (err == JET_errSuccess) {
        db->page_count = page_count;
        init_header(db, sign_log);
        err = dbfile_write_header(db);
    }
    if (err != JET_errSuccess) {
        dbfile_close(db);
        return err;
    }
    *pdb = db;
    return JET_errSuccess;
}

/* Is this header page a valid ESE database header of the expected page size? */
static bool header_valid(const uint8_t *page, uint32_t page_size)
{
    return ese_load_u32(page + ESE_DBHDR_OFF_MAGIC) == ESE_MAGIC &&
           ese_header_verify(page, page_size) &&
           ese_header_page_size(page) == page_size;
}

/* Is the file's header valid for a page size other than `page_size` (the one it claims)? */
static bool header_of_other_page_size(osal_file *file, const uint8_t *first, uint32_t page_size)
{
    uint32_t stored = ese_header_page_size(first);
    if (stored == page_size || !ese_page_size_valid(stored))
        return false;
    uint8_t *header = osal_malloc(stored);
    size_t got = 0;
    bool valid = header && osal_read_at(file, header, stored, 0, &got) == JET_errSuccess &&
                 got == stored && ese_header_verify(header, stored);
    osal_free(header);
    return valid;
}

JET_ERR dbfile_open(const char *path, uint32_t page_size, bool read_only, ese_dbfile **pdb)
{
    JET_ERR err = JET_errSuccess;
    ese_dbfile *db = dbfile_new(path, page_size, &err);
    if (!db)
        return err;
    db->read_only = read_only;
    err = osal_open(path, read_only ? OSAL_OPEN_READ : OSAL_OPEN_READ | OSAL_OPEN_WRITE, &db->file);
    if (err == JET_errSuccess)
        err = osal_lock_exclusive(&db->file);
    uint64_t size = 0;
    if (err == JET_errSuccess)
        err = osal_size(&db->file, &size);
    if (err != JET_errSuccess)
        goto fail;

    /* The page size decides where the shadow is: read the primary first to learn it. */
    size_t got = 0;
    err = osal_read_at(&db->file, db->header, page_size, 0, &got);
    if (err != JET_errSuccess)
        goto fail;
    if (got < ESE_DBHDR_SIZE || ese_load_u32(db->header + ESE_DBHDR_OFF_MAGIC) != ESE_MAGIC) {
        err = JET_errDatabaseCorrupted;
        goto fail;
    }
    if (!header_valid(db->header, page_size)) {
        if (header_of_other_page_size(&db->file, db->header, page_size)) {
            err = JET_errPageSizeMismatch;
            goto fail;
        }
        /* Primary torn or damaged: the shadow, written after it, is the previous good copy. */
        err = osal_read_at(&db->file, db->header, page_size, page_size, &got);
        if (err != JET_errSuccess)
            goto fail;
        if (got < page_size || !header_valid(db->header, page_size)) {
            err = JET_errDatabaseCorrupted;
            goto fail;
        }
    }
    ese_signature sign_db;
    ese_signature_load(db->header + ESE_DBHDR_OFF_SIGN_DB, &sign_db);
    db->created_by_libese = strcmp(sign_db.computer_name, DBFILE_CREATOR_MARK) == 0;
    if (!db->created_by_libese && !read_only) {
        err = JET_errDatabaseFileReadOnly;
        goto fail;
    }
    db->page_count = size / page_size > ESE_DB_RESERVED_PAGES
                         ? (uint32_t)(size / page_size - ESE_DB_RESERVED_PAGES)
                         : 0;
    *pdb = db;
    return JET_errSuccess;

fail:
    dbfile_close(db);
    return err;
}

JET_ERR dbfile_read_page(ese_dbfile *db, uint32_t pgno, void *buf)
{
    size_t got = 0;
    JET_ERR err = osal_read_at(&db->file, buf, db->page_size, page_offset(db, pgno), &got);
    if (err == JET_errSuccess && got < db->page_size)
        memset((uint8_t *)buf + got, 0, db->page_size - got);
    return err;
}

JET_ERR dbfile_write_page(ese_dbfile *db, uint32_t pgno, const void *buf)
{
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    return osal_files_write_at(&db->file, buf, db->page_size, page_offset(db, pgno));
}

JET_ERR dbfile_extend(ese_dbfile *db, uint32_t cpg, uint32_t *pfirst)
{
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    uint32_t first = db->page_count + 1;
    JET_ERR err = osal_set_size(
        &db->file, ((uint64_t)db->page_count + cpg + ESE_DB_RESERVED_PAGES) * db->page_size);
    if (err != JET_errSuccess)
        return err;
    db->page_count += cpg;
    *pfirst = first;
    return JET_errSuccess;
}

JET_ERR dbfile_sync(ese_dbfile *db)
{
    return osal_files_sync(&db->file);
}

/* ---- header fields ----------------------------------------------------------------------- */

uint32_t dbfile_state(const ese_dbfile *db)
{
    return ese_load_u32(db->header + ESE_DBHDR_OFF_DBSTATE);
}

void dbfile_set_state(ese_dbfile *db, uint32_t state)
{
    ese_store_u32(db->header + ESE_DBHDR_OFF_DBSTATE, state);
}

uint64_t dbfile_dbtime(const ese_dbfile *db)
{
    return ese_load_u64(db->header + ESE_DBHDR_OFF_DBTIME_DIRTIED);
}

void dbfile_set_dbtime(ese_dbfile *db, uint64_t dbtime)
{
    ese_store_u64(db->header + ESE_DBHDR_OFF_DBTIME_DIRTIED, dbtime);
}

uint32_t dbfile_objid_last(const ese_dbfile *db)
{
    return ese_load_u32(db->header + ESE_DBHDR_OFF_OBJID_LAST);
}

void dbfile_set_objid_last(ese_dbfile *db, uint32_t objid)
{
    ese_store_u32(db->header + ESE_DBHDR_OFF_OBJID_LAST, objid);
}

void dbfile_sign_db(const ese_dbfile *db, ese_signature *out)
{
    ese_signature_load(db->header + ESE_DBHDR_OFF_SIGN_DB, out);
}

void dbfile_sign_log(const ese_dbfile *db, ese_signature *out)
{
    ese_signature_load(db->header + ESE_DBHDR_OFF_SIGN_LOG, out);
}

void dbfile_set_sign_log(ese_dbfile *db, const ese_signature *sign_log)
{
    ese_signature_store(db->header + ESE_DBHDR_OFF_SIGN_LOG, sign_log);
}
