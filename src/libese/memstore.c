/* memstore.c -- see memstore.h. */
#include "memstore.h"

#include <string.h>

#include "eseformat.h"
#include "osal.h"

/* Pages are allocated in chunks so that a store of a million pages is not a million
 * allocations; a chunk never moves, so page addresses are stable across extend(). */
#define MEMSTORE_CHUNK_PAGES 64u

struct ese_memstore {
    ese_pagestore base;            /* first: the tree code sees only this */
    uint8_t **pages;               /* pages[pgno], index 0 unused */
    uint32_t capacity;             /* entries in pages[] (page_count + 1 <= capacity) */
    uint8_t **chunks;              /* every chunk allocation, to free them */
    uint32_t chunk_count, chunk_capacity;
    uint32_t chunk_free;           /* pages of the newest chunk not yet handed to pages[] */
    uint8_t *header;               /* header and shadow header, 2 * page_size */
    uint64_t dbtime;               /* last dbtime stamped */
    uint64_t outstanding;          /* refs lent and not yet released */
    int read_only;
};

static ese_memstore *from_store(ese_pagestore *store)
{
    return (ese_memstore *)store;
}

static JET_ERR ms_lend(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref, int writable)
{
    ese_memstore *ms = from_store(store);
    if (pgno == 0 || pgno > store->page_count)
        return JET_errFileIOBeyondEOF;
    if (writable && ms->read_only)
        return JET_errDatabaseFileReadOnly;
    ref->pgno = pgno;
    ref->data = ms->pages[pgno];
    ref->frame = NULL;
    ref->writable = writable;
    ms->outstanding++;
    return JET_errSuccess;
}

static JET_ERR ms_read(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref)
{
    return ms_lend(store, pgno, ref, 0);
}

static JET_ERR ms_write(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref)
{
    return ms_lend(store, pgno, ref, 1);
}

static void ms_release(ese_pagestore *store, ese_page_ref *ref)
{
    ese_memstore *ms = from_store(store);
    if (ref->writable)
        ese_store_u64(ref->data + ESE_PGHDR_OFF_DBTIME_DIRTIED, ++ms->dbtime);
    ms->outstanding--;
}

/* Make room for `count` pointers in a growable pointer array (grown by doubling). */
static JET_ERR grow_pointer_array(uint8_t ***parray, uint32_t *pcapacity, uint32_t needed)
{
    if (needed <= *pcapacity)
        return JET_errSuccess;
    uint64_t capacity = *pcapacity ? *pcapacity : 64;
    while (capacity < needed)
        capacity *= 2;
    if (capacity > UINT32_MAX)
        return JET_errOutOfMemory;
    uint8_t **grown = osal_calloc((size_t)capacity, sizeof *grown);
    if (!grown)
        return JET_errOutOfMemory;
    if (*parray)
        memcpy(grown, *parray, (size_t)*pcapacity * sizeof *grown);
    osal_free(*parray);
    *parray = grown;
    *pcapacity = (uint32_t)capacity;
    return JET_errSuccess;
}

/* Add cpg zeroed pages after the last one. */
static JET_ERR ms_add_pages(ese_memstore *ms, uint32_t cpg)
{
    uint32_t page_size = ms->base.page_size;
    if (cpg > UINT32_MAX - 1 - ms->base.page_count)
        return JET_errOutOfDatabaseSpace;
    JET_ERR err = grow_pointer_array(&ms->pages, &ms->capacity, ms->base.page_count + cpg + 1);
    if (err < 0)
        return err;
    for (uint32_t i = 0; i < cpg; i++) {
        if (ms->chunk_free == 0) {
            err = grow_pointer_array(&ms->chunks, &ms->chunk_capacity, ms->chunk_count + 1);
            if (err < 0)
                return err;
            uint8_t *chunk = osal_calloc(MEMSTORE_CHUNK_PAGES, page_size);
            if (!chunk)
                return JET_errOutOfMemory;
            ms->chunks[ms->chunk_count++] = chunk;
            ms->chunk_free = MEMSTORE_CHUNK_PAGES;
        }
        uint8_t *chunk = ms->chunks[ms->chunk_count - 1];
        uint8_t *page = chunk + (size_t)(MEMSTORE_CHUNK_PAGES - ms->chunk_free) * page_size;
        ms->chunk_free--; /* chunks come zeroed from calloc and are never reused */
        ms->pages[++ms->base.page_count] = page;
    }
    return JET_errSuccess;
}

static JET_ERR ms_extend(ese_pagestore *store, uint32_t cpg, uint32_t *pfirst)
{
    ese_memstore *ms = from_store(store);
    if (ms->read_only)
        return JET_errDatabaseFileReadOnly;
    if (cpg == 0)
        return JET_errInvalidParameter;
    uint32_t first = store->page_count + 1;
    uint32_t old_count = store->page_count;
    JET_ERR err = ms_add_pages(ms, cpg);
    if (err < 0) {
        store->page_count = old_count; /* all or nothing */
        return err;
    }
    *pfirst = first;
    return JET_errSuccess;
}

static const ese_pagestore_ops memstore_ops = {
    .read = ms_read,
    .write = ms_write,
    .extend = ms_extend,
    .release = ms_release,
};

static JET_ERR ms_new(uint32_t page_size, ese_memstore **pstore)
{
    if (!ese_page_size_valid(page_size))
        return JET_errInvalidParameter;
    ese_memstore *ms = osal_calloc(1, sizeof *ms);
    if (!ms)
        return JET_errOutOfMemory;
    ms->base.ops = &memstore_ops;
    ms->base.page_size = page_size;
    ms->header = osal_calloc(2, page_size);
    if (!ms->header) {
        osal_free(ms);
        return JET_errOutOfMemory;
    }
    *pstore = ms;
    return JET_errSuccess;
}

JET_ERR memstore_create(uint32_t page_size, uint32_t page_count, ese_memstore **pstore)
{
    *pstore = NULL;
    ese_memstore *ms;
    JET_ERR err = ms_new(page_size, &ms);
    if (err < 0)
        return err;
    err = ms_add_pages(ms, page_count);
    if (err < 0) {
        memstore_destroy(ms);
        return err;
    }
    *pstore = ms;
    return JET_errSuccess;
}

JET_ERR memstore_load(const char *path, uint32_t page_size, int read_only, ese_memstore **pstore)
{
    *pstore = NULL;
    osal_file file;
    JET_ERR err = osal_open(path, OSAL_OPEN_READ, &file);
    if (err < 0)
        return err;
    uint64_t cb_file = 0;
    ese_memstore *ms = NULL;
    uint8_t *probe = NULL;
    err = osal_size(&file, &cb_file);
    if (err < 0)
        goto done;
    if (page_size == 0) {
        /* ESE's detection needs up to two maximum pages (header and shadow). */
        size_t cb_probe = cb_file < 2u * ESE_PAGE_SIZE_MAX ? (size_t)cb_file : 2u * ESE_PAGE_SIZE_MAX;
        probe = osal_malloc(cb_probe);
        if (!probe) {
            err = JET_errOutOfMemory;
            goto done;
        }
        size_t got = 0;
        err = osal_read_at(&file, probe, cb_probe, 0, &got);
        if (err < 0)
            goto done;
        page_size = (uint32_t)ese_detect_page_size(probe, got);
        if (page_size == 0)
            page_size = (uint32_t)ese_detect_page_size_from_shadow(probe, got);
        if (page_size == 0) {
            err = JET_errInvalidDatabase;
            goto done;
        }
    }
    if (!ese_page_size_valid(page_size) || cb_file % page_size != 0 ||
        cb_file < 2ull * page_size || cb_file / page_size - 2 > UINT32_MAX - 1) {
        err = JET_errInvalidDatabase;
        goto done;
    }
    err = ms_new(page_size, &ms);
    if (err < 0)
        goto done;
    uint32_t page_count = (uint32_t)(cb_file / page_size - 2);
    err = ms_add_pages(ms, page_count);
    if (err < 0)
        goto done;
    size_t got = 0;
    err = osal_read_at(&file, ms->header, 2u * page_size, 0, &got);
    if (err >= 0 && got != 2u * page_size)
        err = JET_errFileIOBeyondEOF;
    for (uint32_t pgno = 1; err >= 0 && pgno <= page_count; pgno++) {
        err = osal_read_at(&file, ms->pages[pgno], page_size, ((uint64_t)pgno + 1) * page_size, &got);
        if (err >= 0 && got != page_size)
            err = JET_errFileIOBeyondEOF;
        if (err >= 0) {
            uint64_t dbtime = ese_load_u64(ms->pages[pgno] + ESE_PGHDR_OFF_DBTIME_DIRTIED);
            if (dbtime > ms->dbtime)
                ms->dbtime = dbtime;
        }
    }
    if (err < 0)
        goto done;
    ms->read_only = read_only;
    *pstore = ms;
    ms = NULL;
done:
    osal_free(probe);
    if (ms)
        memstore_destroy(ms);
    osal_close(&file);
    return err;
}

static int page_is_zero(const uint8_t *page, uint32_t page_size)
{
    for (uint32_t i = 0; i < page_size; i++)
        if (page[i])
            return 0;
    return 1;
}

JET_ERR memstore_save(ese_memstore *ms, const char *path)
{
    uint32_t page_size = ms->base.page_size;
    uint8_t *copy = osal_malloc(page_size);
    if (!copy)
        return JET_errOutOfMemory;
    osal_file file;
    JET_ERR err = osal_open(path, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE, &file);
    if (err < 0) {
        osal_free(copy);
        return err;
    }
    /* Empty the file first: zero pages are not written, so nothing old may remain. */
    uint64_t cb_total = ((uint64_t)ms->base.page_count + 2) * page_size;
    err = osal_set_size(&file, 0);
    if (err >= 0)
        err = osal_set_size(&file, cb_total);
    if (err >= 0)
        err = osal_write_at(&file, ms->header, 2u * page_size, 0);
    for (uint32_t pgno = 1; err >= 0 && pgno <= ms->base.page_count; pgno++) {
        const uint8_t *page = ms->pages[pgno];
        if (page_is_zero(page, page_size))
            continue; /* an uninitialised page carries no checksum (facts §6.3); already zero */
        memcpy(copy, page, page_size);
        ese_page_stamp(copy, page_size, pgno);
        err = osal_write_at(&file, copy, page_size, ((uint64_t)pgno + 1) * page_size);
    }
    if (err >= 0)
        err = osal_sync(&file);
    JET_ERR err_close = osal_close(&file);
    osal_free(copy);
    return err < 0 ? err : err_close;
}

void memstore_destroy(ese_memstore *ms)
{
    if (!ms)
        return;
    for (uint32_t i = 0; i < ms->chunk_count; i++)
        osal_free(ms->chunks[i]);
    osal_free(ms->chunks);
    osal_free(ms->pages);
    osal_free(ms->header);
    osal_free(ms);
}

ese_pagestore *memstore_pagestore(ese_memstore *ms)
{
    return &ms->base;
}

uint8_t *memstore_header(ese_memstore *ms)
{
    return ms->header;
}

uint8_t *memstore_page(ese_memstore *ms, uint32_t pgno)
{
    if (pgno == 0 || pgno > ms->base.page_count)
        return NULL;
    return ms->pages[pgno];
}

uint64_t memstore_dbtime(const ese_memstore *ms)
{
    return ms->dbtime;
}

uint64_t memstore_outstanding_refs(const ese_memstore *ms)
{
    return ms->outstanding;
}
