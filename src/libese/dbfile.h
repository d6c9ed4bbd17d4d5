/*
 * dbfile.h -- one database file: its header (and shadow header), its pages, its lock.
 *
 * The header is ESE's DBFILEHDR (ese-format-facts.md §3), kept in memory as a whole header page
 * and written to disk as the primary copy at offset 0 and the shadow at offset P: the primary is
 * written and fsynced before the shadow, so a crash tears at most one of them and the other is
 * still valid.  Reading takes the primary when its checksum holds, else the shadow.
 *
 * Pages are addressed by ESE page number: page n >= 1 lives at file offset (n + 1) * P.  Page
 * contents, dbtimes and checksums are the buffer manager's business; this file only moves bytes.
 *
 * libese marks the databases it creates by the computer-name field of their signDb ("libese"),
 * which ESE itself leaves empty: a database without that mark opens read-only at most (issue
 * contract: libese never writes a file esent.dll owns).
 */
#ifndef LIBESE_DBFILE_H
#define LIBESE_DBFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "eseformat.h"
#include "esent.h"
#include "osal.h"

#define DBFILE_CREATOR_MARK "libese"
#define DBFILE_FORMAT_REVISION 0x14u /* DaeUpdateMajor both third-party readers support */

typedef struct ese_dbfile {
    osal_file file;
    char *path;              /* UTF-8, as opened */
    uint32_t page_size;
    uint32_t page_count;     /* data pages (the file holds page_count + 2 pages) */
    bool read_only;
    bool created_by_libese;
    uint8_t *header;         /* page_size bytes: the header page as it is (or will be) on disk */
} ese_dbfile;

/* Create a new database file (it must not exist) with `page_count` zeroed data pages and a header
 * in state JustCreated.  `sign_log` is the instance's log signature (NULL: logging is off, the
 * field stays zero).  The file is locked; the header and shadow are written and fsynced. */
JET_ERR dbfile_create(const char *path, uint32_t page_size, uint32_t page_count,
                      const ese_signature *sign_log, ese_dbfile **pdb);

/* Open and lock an existing database file, read and check its header:
 * JET_errFileNotFound; JET_errFileAccessDenied (another instance or process has it);
 * JET_errDatabaseCorrupted (neither header copy is a valid ESE database header);
 * JET_errPageSizeMismatch (its page size is not `page_size`); JET_errDatabaseFileReadOnly (it
 * was not created by libese and `read_only` is false: libese never writes esent.dll's files). */
JET_ERR dbfile_open(const char *path, uint32_t page_size, bool read_only, ese_dbfile **pdb);

/* Close (and unlock) without writing anything. */
void dbfile_close(ese_dbfile *db);

/* Write the in-memory header to both copies (checksummed; primary, fsync, shadow, fsync). */
JET_ERR dbfile_write_header(ese_dbfile *db);

/* Read / write one data page (pgno >= 1).  Reading past the end gives zeroes. */
JET_ERR dbfile_read_page(ese_dbfile *db, uint32_t pgno, void *buf);
JET_ERR dbfile_write_page(ese_dbfile *db, uint32_t pgno, const void *buf);

/* Grow the file by `cpg` zeroed pages; *pfirst receives the first new page number. */
JET_ERR dbfile_extend(ese_dbfile *db, uint32_t cpg, uint32_t *pfirst);

/* fsync the file. */
JET_ERR dbfile_sync(ese_dbfile *db);

/* ---- header fields ----------------------------------------------------------------------- */
uint32_t dbfile_state(const ese_dbfile *db);
void dbfile_set_state(ese_dbfile *db, uint32_t state);
uint64_t dbfile_dbtime(const ese_dbfile *db);
void dbfile_set_dbtime(ese_dbfile *db, uint64_t dbtime);
uint32_t dbfile_objid_last(const ese_dbfile *db);
void dbfile_set_objid_last(ese_dbfile *db, uint32_t objid);
void dbfile_sign_db(const ese_dbfile *db, ese_signature *out);
void dbfile_sign_log(const ese_dbfile *db, ese_signature *out);
void dbfile_set_sign_log(ese_dbfile *db, const ese_signature *sign_log);

#endif /* LIBESE_DBFILE_H */
