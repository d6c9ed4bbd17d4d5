/*
 * bufmgr.h -- the buffer manager: the one path every page read and page change of a database
 * takes (libese DESIGN.md).
 *
 * - A cache of page frames, bounded process-wide by JET_paramCacheSizeMax pages: one budget
 *   shared by every buffer manager (bufmgr.c, DESIGN.md "The cache budget").
 * - Pages are handed out through the ese_pagestore interface (pagestore.h), so the tree code
 *   never touches the file.  Releasing a page that was taken for writing stamps it with the
 *   database's next dbtime and records it in the current *change batch*.
 * - A change batch is what one commit changes: bm_batch_begin() ... bm_batch_end() returns the
 *   changed pages so the caller can log their images; bm_batch_logged() then gives each page the
 *   log position its flush must wait for.  Pages of an open batch are never flushed (no-steal).
 * - The write-ahead rule: a dirty page is written to the file only after the log is durable past
 *   its image (the log hooks say how far it is and make it go further).
 * - Page checksums are stamped on the copy written to disk, never in the cached page.
 * - A range of pages can be locked against flushing while a backup reads them from the file, so
 *   no page is read half-written.
 * - Fault injection reaches every read and write through osal.
 */
#ifndef LIBESE_BUFMGR_H
#define LIBESE_BUFMGR_H

#include <stdbool.h>
#include <stdint.h>

#include "dbfile.h"
#include "pagestore.h"

/* How the buffer manager asks the log about durability (NULL hooks: no log, Recovery off). */
typedef struct {
    void *context;
    uint64_t (*durable_position)(void *context);          /* everything below is on disk */
    JET_ERR (*make_durable)(void *context, uint64_t position);
    /* A page write failed while evicting (may be NULL): the instance must stop, as after a
     * failed log write (the engine kills the log: log_fail).  Called with the bm lock held. */
    void (*fail)(void *context);
} bm_log_hooks;

typedef struct ese_bufmgr ese_bufmgr;

/* A page changed by a batch, for the caller to log: its number, dbtime and current image. */
typedef struct {
    uint32_t pgno;
    uint64_t dbtime;
    const uint8_t *image;
} bm_changed_page;

JET_ERR bm_open(ese_dbfile *db, const bm_log_hooks *hooks, ese_bufmgr **pbm);

/* Start (or stop, with NULL) making the write-ahead rule wait for this log. */
void bm_set_log_hooks(ese_bufmgr *bm, const bm_log_hooks *hooks);

/* Flush nothing, free everything (after bm_flush_all for a clean close). */
void bm_close(ese_bufmgr *bm);

/* The page store tree code uses. */
ese_pagestore *bm_store(ese_bufmgr *bm);

/* The database's current dbtime (the last one stamped). */
uint64_t bm_dbtime(const ese_bufmgr *bm);

/* ---- change batches (one commit at a time; the caller serializes them) ------------------- */
void bm_batch_begin(ese_bufmgr *bm);
/* The pages changed since bm_batch_begin, valid until bm_batch_logged / bm_batch_discard. */
JET_ERR bm_batch_end(ese_bufmgr *bm, const bm_changed_page **ppages, size_t *pcount);
/* The batch's images start at log position `first` and its commit record ends at `commit_end`:
 * its pages may be flushed once the log is durable past `commit_end` (never earlier: no-steal),
 * and recovery must start at or before `first` while any of them is dirty. */
void bm_batch_logged(ese_bufmgr *bm, uint64_t first, uint64_t commit_end);
/* Forget the batch's changes (a failed commit): the changed pages are dropped from the cache
 * and will be read again from the file, which never saw them. */
void bm_batch_discard(ese_bufmgr *bm);

/* ---- flushing ---------------------------------------------------------------------------- */
/* Write every dirty page (forcing the log as needed) and fsync the file. */
JET_ERR bm_flush_all(ese_bufmgr *bm);
/* Write dirty pages whose image is older than `position` (the checkpointer's step). */
JET_ERR bm_flush_older_than(ese_bufmgr *bm, uint64_t position);
/* The oldest log position recovery would need for the pages now dirty (UINT64_MAX if none).
 * Pages of a batch not yet logged count from the log's durable position when the batch began
 * (their images can only come later). */
uint64_t bm_oldest_dirty_position(ese_bufmgr *bm);

/* ---- groups (the checkpointer, checkpointer.h) ---------------------------------------------
 * Buffer managers with log hooks form one group per hooks.context (the log).  Call fn on each
 * member of `context`'s group, stopping at the first error; each member is pinned meanwhile
 * (bm_close and bm_set_log_hooks wait), and no lock is held while fn runs.  JET_errOutOfMemory.
 * Members that join during the visit are not visited. */
JET_ERR bm_group_visit(void *context, JET_ERR (*fn)(ese_bufmgr *bm, void *arg), void *arg);
/* The oldest recovery position of pages a member of the group still had dirty when it left
 * (closed without a successful flush: those changes are only in the log), UINT64_MAX if none. */
uint64_t bm_group_lost_position(void *context);
/* Forget the group's lost positions (its log is closed: the next log may reuse the address). */
void bm_group_forget(void *context);

/* ---- backup ------------------------------------------------------------------------------ */
/* While locked, pages first..last (inclusive) are not written to the file; a flush that needs
 * one waits until bm_range_unlock. */
void bm_range_lock(ese_bufmgr *bm, uint32_t first, uint32_t last);
void bm_range_unlock(ese_bufmgr *bm);

/* ---- recovery ---------------------------------------------------------------------------- */
/* Put a page image from the log into the cache if it is newer than what the page holds (by
 * dbtime) or the page on disk fails its checksum; marks it dirty.  *papplied (may be NULL)
 * says whether it did. */
JET_ERR bm_redo_image(ese_bufmgr *bm, uint32_t pgno, uint64_t dbtime, const uint8_t *image,
                      bool *papplied);

/* ---- statistics (tests, benchmarks) ------------------------------------------------------ */
typedef struct {
    uint64_t reads, writes, hits, evictions;
    uint64_t frames; /* pages cached now */
} bm_stats;
void bm_get_stats(ese_bufmgr *bm, bm_stats *out);

/* ---- the process-wide cache budget (DESIGN.md "The cache budget") ---------------------------
 * Every page buffer of every buffer manager (cached pages and the before-images of open batches)
 * takes one unit of the budget; none is allocated past it (a miss evicts instead, writing dirty
 * pages after forcing the log if it must; JET_errOutOfBuffers when every page is pinned or in a
 * batch).  The engine sets it from JET_paramCacheSizeMax (params.c), at any time: lowering it
 * gives back clean pages at once and the rest as misses evict them.  0 counts as 1. */
void bm_set_cache_budget(uint64_t pages);
uint64_t bm_cache_budget(void);
/* Units held now by all buffer managers, and the most held since the last reset (tests). */
uint64_t bm_cache_in_use(void);
uint64_t bm_cache_peak(bool reset);

#endif /* LIBESE_BUFMGR_H */
