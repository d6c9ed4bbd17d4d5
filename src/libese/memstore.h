/*
 * memstore.h -- an in-memory page store (pagestore.h) for tests and tools.
 *
 * Pages live in memory, each at a fixed address for the store's lifetime (growing the store
 * never moves a page, so refs stay valid across extend()).  A store can be loaded from an ESE
 * database file and saved to one: the file is the header page, its shadow, then pages
 * 1..page_count, exactly the database file layout (facts §2).  The two header pages are kept
 * as loaded (zeros for a new store) and written back unchanged; memstore_header() lets a test
 * put something there.  Saving stamps every non-zero page's checksum (XOR+ECC, eseformat) on
 * the copy written out; pages in memory are never changed by saving.
 *
 * Release of a writable ref stamps the next dbtime (a counter starting at the largest dbtime
 * found when loading) at page offset 8, as the buffer manager does.
 *
 * Not thread-safe: one thread at a time (the tree code's callers serialize anyway).
 */
#ifndef LIBESE_MEMSTORE_H
#define LIBESE_MEMSTORE_H

#include <stdint.h>

#include "pagestore.h"

typedef struct ese_memstore ese_memstore;

/* A new store of page_count zeroed pages (0 is allowed: grow it with extend()).
 * JET_errInvalidParameter for a page size other than 2/4/8/16/32 KiB, JET_errOutOfMemory. */
JET_ERR memstore_create(uint32_t page_size, uint32_t page_count, ese_memstore **pstore);

/* Load a database file.  page_size 0 = detect it from the header (ESE's rule, falling back to
 * the shadow header); a non-zero value is used as is.  A read-only store refuses write() and
 * extend() with JET_errDatabaseFileReadOnly.  Errors: the file's I/O errors,
 * JET_errFileNotFound, JET_errInvalidDatabase (no page size detectable / size not a multiple
 * of the page size), JET_errOutOfMemory. */
JET_ERR memstore_load(const char *path, uint32_t page_size, int read_only, ese_memstore **pstore);

/* Write the store to path (created or truncated): both header pages, then every page, with
 * each non-zero page's checksum computed on the way out.  The file is fsynced. */
JET_ERR memstore_save(ese_memstore *store, const char *path);

/* Free the store and every page. */
void memstore_destroy(ese_memstore *store);

/* The store as the tree code sees it. */
ese_pagestore *memstore_pagestore(ese_memstore *store);

/* The two header pages (2 * page_size bytes: header, then shadow), writable. */
uint8_t *memstore_header(ese_memstore *store);

/* Direct access to page pgno (1..page_count) for tests; NULL when out of range. */
uint8_t *memstore_page(ese_memstore *store, uint32_t pgno);

/* The last dbtime stamped (or found at load). */
uint64_t memstore_dbtime(const ese_memstore *store);

/* Number of refs currently outstanding (tests check the tree code releases everything). */
uint64_t memstore_outstanding_refs(const ese_memstore *store);

#endif /* LIBESE_MEMSTORE_H */
