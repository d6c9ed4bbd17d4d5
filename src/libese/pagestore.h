/*
 * pagestore.h -- the narrow page-access interface every tree operation uses.
 *
 * The tree code (page.c, space.c, btree.c) never touches a file: it asks a page store for a
 * page, reads or changes the bytes in place, and gives the page back.  Two stores implement it:
 * the buffer manager (bufmgr.c, over the database file) and memstore.c (pages in memory, for
 * the C tests).
 *
 * Contract:
 *   - Page numbers are ESE's logical ones: 1 .. page_count (page n sits at file offset
 *     (n + 1) * page_size, after the header and its shadow).
 *   - read() gives a read-only view, write() a view the caller will change.  Every ref obtained
 *     from either must be given back with release() exactly once; the data pointer stays valid
 *     (and the page stays in memory) until then, whatever other pages are read, written or
 *     added meanwhile.  A page may be held by several refs at once (e.g. read while written).
 *   - release() of a writable ref tells the store the page changed: the store marks it dirty
 *     and stamps a new dbtime into it (page offset 8).  Page checksums are the store's job at
 *     flush time; the tree code never computes them.
 *   - extend() grows the database by cpg zeroed pages and returns the first new page number;
 *     page_count is updated before it returns.
 *   - The store does no locking on the tree code's behalf: callers serialize writers and keep
 *     readers out while a write is in progress.
 */
#ifndef LIBESE_PAGESTORE_H
#define LIBESE_PAGESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "esent.h"

typedef struct ese_pagestore ese_pagestore;

/* One page lent by a store.  `frame` is the store's own handle (a cache frame, ...). */
typedef struct {
    uint32_t pgno;
    uint8_t *data;   /* page_size bytes; NULL when the ref holds nothing */
    void *frame;
    int writable;
} ese_page_ref;

typedef struct {
    /* A read-only view of page pgno.  Errors: the store's I/O errors, JET_errFileIOBeyondEOF
     * or JET_errDatabaseCorrupted for a page number outside 1..page_count. */
    JET_ERR (*read)(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref);
    /* A view of page pgno the caller will change (JET_errDatabaseFileReadOnly when the store
     * cannot be written). */
    JET_ERR (*write)(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref);
    /* Grow the database by cpg zeroed pages; *pfirst = the first new page number. */
    JET_ERR (*extend)(ese_pagestore *store, uint32_t cpg, uint32_t *pfirst);
    /* Give a ref back.  For a writable ref the page is marked dirty and gets a new dbtime. */
    void (*release)(ese_pagestore *store, ese_page_ref *ref);
} ese_pagestore_ops;

struct ese_pagestore {
    const ese_pagestore_ops *ops;
    uint32_t page_size;   /* 2, 4, 8, 16 or 32 KiB */
    uint32_t page_count;  /* pages 1..page_count exist */
};

/* Thin wrappers so call sites read naturally and a released ref is always cleared. */
static inline JET_ERR pagestore_read(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref)
{
    ref->data = NULL;
    return store->ops->read(store, pgno, ref);
}

static inline JET_ERR pagestore_write(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref)
{
    ref->data = NULL;
    return store->ops->write(store, pgno, ref);
}

static inline void pagestore_release(ese_pagestore *store, ese_page_ref *ref)
{
    if (ref->data) {
        store->ops->release(store, ref);
        ref->data = NULL;
    }
}

static inline JET_ERR pagestore_extend(ese_pagestore *store, uint32_t cpg, uint32_t *pfirst)
{
    return store->ops->extend(store, cpg, pfirst);
}

#endif /* LIBESE_PAGESTORE_H */
