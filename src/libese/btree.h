/*
 * btree.h -- B+trees over ESE pages (facts: ese-btree-catalog-facts.md §2).
 *
 * A tree maps unique byte-string keys (ESE order: bytes like memcmp, then the shorter first) to
 * byte-string data.  Its root is a fixed page (the FDP for a table, index or LV tree; the OE or
 * AE page for a space tree) and never moves: when the root overflows, its content moves to a
 * new child and the root becomes an internal page above it, as ESE does.
 *
 * Page shapes written here, as ESE writes them (dissect.esedb and libesedb read trees built
 * here back exactly, 4 to 32 KiB pages, up to 9 levels; not yet tried against ESE itself):
 *   - leaves hold [cbSuffix][key][data] nodes; internal pages hold [cbSuffix][separator]
 *     [child pgno] nodes where every key under the child is < separator, and the last entry of
 *     the rightmost page of each level has the empty key (+infinity);
 *   - a leaf split's separator is the shortest prefix of the right page's first key that is
 *     greater than the left page's last key; an internal split moves up the left page's last
 *     key (which stays on the left page), as ESE does;
 *   - only leaves are chained (pgnoPrev/pgnoNext); the level above the leaves carries
 *     ParentOfLeaf; every page of the tree carries the tree's kind flags (Index 0x40,
 *     LongValue 0x80, SpaceTree 0x20, NonUniqueKeys 0x400) plus 0x0800 | 0x2000;
 *   - nodes are never prefix-compressed and carry no flags; reading accepts compressed nodes,
 *     fNDVersion and fNDDeleted (ghosts are treated as absent) from real ESE files, and
 *     changing such trees works too (moved nodes are written whole; inserting over a ghost
 *     replaces it).
 *
 * Non-unique trees (NonUniqueKeys: ESE's non-unique indexes repeat a key with the primary key
 * as data, and their separators cover key || data) are read and checked, not maintained:
 * bt_insert treats every key as unique, and a cursor on such a tree finds its place again by
 * key alone.  libese's own indexes append the primary key to make keys unique.
 *
 * Split policy: a leaf that must take a node it has no room for is split so that both halves
 * fit and are as balanced as possible in bytes, except that an insert past the last key of the
 * rightmost leaf moves only the new node (sequential inserts fill pages completely); likewise
 * for internal pages at the right edge.  Splits are performed one at a time, each complete and
 * valid on its own, and the operation then starts again from the root, so an error at any
 * point leaves a valid tree (the record itself is changed last, in one step).
 *
 * Deletion removes the node; a non-root leaf that becomes empty is unlinked from its siblings
 * and its parent (an internal page left empty likewise) and freed to the tree's AvailExt.
 * Pages are not merged otherwise.
 *
 * Concurrency: none here.  Callers serialize writers and keep readers out during a write.
 * Every cursor and every change of one tree must go through the same ese_btree handle: its
 * version counter is how cursors notice the tree changed under them.
 */
#ifndef LIBESE_BTREE_H
#define LIBESE_BTREE_H

#include <stddef.h>
#include <stdint.h>

#include "eseformat.h"
#include "esent.h"
#include "pagestore.h"

/* Deepest tree accepted (a deeper one is reported as corrupt). */
#define BT_MAX_DEPTH 32u

/* Page flags that describe the kind of tree; every page of a tree carries the same ones. */
#define BT_KIND_MASK (ESE_PAGE_FLAG_INDEX | ESE_PAGE_FLAG_LONG_VALUE | ESE_PAGE_FLAG_SPACE_TREE | \
                      ESE_PAGE_FLAG_NON_UNIQUE_KEYS)
/* Flags on every page libese writes. */
#define BT_PAGE_BASE_FLAGS (ESE_PAGE_FLAG_NEW_RECORD_FORMAT | ESE_PAGE_FLAG_NEW_CHECKSUM)

/* Internal to space.c / btree.c: a split needs a page and the tree has no allocator (space
 * trees get their pages handed in through `spare`).  Never returned by the public calls on a
 * tree opened with bt_open. */
#define BT_ERR_NEED_PAGE (-99901)

typedef struct ese_btree ese_btree;

/* Where a tree's split pages come from and where its emptied pages go. */
typedef JET_ERR (*bt_alloc_fn)(ese_btree *tree, uint32_t *ppgno);
typedef JET_ERR (*bt_free_fn)(ese_btree *tree, uint32_t pgno);

struct ese_btree {
    ese_pagestore *store;
    uint32_t root;          /* root page (the FDP of a table / index / LV tree) */
    uint32_t objid;         /* objidFDP stamped on every page */
    uint32_t kind;          /* BT_KIND_MASK flags of every page */
    uint64_t version;       /* bumped by every change: cursors re-find their key when it moved */
    bt_alloc_fn alloc;      /* NULL: only `spare` can feed a split (space trees) */
    bt_free_fn free;        /* NULL: emptied pages are abandoned (only a space tree opened
                               with bt_open, which is for reading) */
    void *context;          /* the allocator's own state */
    uint32_t spare;         /* a page handed in for the next split, 0 if none */
};

/* ---- limits ------------------------------------------------------------------------------- */

/* Longest key: 500 bytes on 2 KiB pages, 1000 on 4 KiB, 2000 above (ESE's cbKeyMost per page
 * size).  Separators are never longer than keys, so an internal page always holds >= 3
 * entries. */
uint32_t bt_key_most(uint32_t page_size);

/* Largest node a leaf can hold: page - header - tag 0 - the node's tag (record.h's node_most).
 * An entry needs key_len + data_len + 2 <= this, and data_len >= 1 (ESE forbids empty data). */
uint32_t bt_node_most(uint32_t page_size);

/* ---- trees -------------------------------------------------------------------------------- */

/* Create an empty tree: a multiple-extent FDP with its OwnExt and AvailExt (space.h), whose
 * cpg_primary (>= 3) pages are taken from parent_fdp (1 for a table; the table's FDP for its
 * indexes and LV tree).  kind: 0 for a table, ESE_PAGE_FLAG_INDEX for a secondary index (add
 * ESE_PAGE_FLAG_NON_UNIQUE_KEYS if it is one), ESE_PAGE_FLAG_LONG_VALUE for an LV tree.
 * *ppgno_fdp = the new root. */
JET_ERR bt_create(ese_pagestore *store, uint32_t parent_fdp, uint32_t objid, uint32_t kind,
                  uint32_t cpg_primary, uint32_t *ppgno_fdp);

/* Open the tree rooted at `root` (which must carry the Root flag): objid and kind come from
 * the root page; split pages come from the FDP's space (space_alloc_page) and emptied pages go
 * back to it.  No allocation; nothing to close.  JET_errDatabaseCorrupted: not a tree root. */
JET_ERR bt_open(ese_btree *tree, ese_pagestore *store, uint32_t root);

/* Add key -> data.  JET_errKeyDuplicate if the key is present, JET_errKeyTooBig (key longer
 * than bt_key_most, or empty), JET_errRecordTooBig (node longer than bt_node_most),
 * JET_errInvalidParameter (data_len 0), or the store's / the allocator's errors
 * (JET_errOutOfMemory, JET_errDiskFull, ...), after which the tree is valid and unchanged. */
JET_ERR bt_insert(ese_btree *tree, const void *key, size_t key_len, const void *data, size_t data_len);

/* Change the data of an existing key.  JET_errRecordNotFound if absent; limits as bt_insert. */
JET_ERR bt_replace(ese_btree *tree, const void *key, size_t key_len, const void *data, size_t data_len);

/* Remove a key.  JET_errRecordNotFound if absent. */
JET_ERR bt_delete(ese_btree *tree, const void *key, size_t key_len);

/* Look one key up and copy its data: JET_errRecordNotFound if absent; JET_wrnBufferTruncated
 * when data_cap < the data's length (*pdata_len is always the full length; data may be NULL
 * with data_cap 0 to ask for the length). */
JET_ERR bt_lookup(ese_btree *tree, const void *key, size_t key_len, void *data, size_t data_cap,
                  size_t *pdata_len);

/* Space trees only (space.c): like bt_insert, but perform only the splits an insert of this
 * key with data_len bytes would need, using tree->spare / tree->alloc.  JET_errSuccess when the
 * insert would now fit without a split, else BT_ERR_NEED_PAGE or an error. */
JET_ERR bt_prepare_insert(ese_btree *tree, const void *key, size_t key_len, size_t data_len);

/* ---- cursors ------------------------------------------------------------------------------ */

typedef enum {
    BT_SEEK_EQ = 0,  /* the key itself */
    BT_SEEK_GE,      /* the smallest key >= the search key */
    BT_SEEK_GT,      /* the smallest key > the search key */
    BT_SEEK_LE,      /* the largest key <= the search key */
    BT_SEEK_LT,      /* the largest key < the search key */
} bt_seek_mode;

typedef enum {
    BT_CURSOR_NONE = 0,      /* not positioned */
    BT_CURSOR_ON,            /* on a record (which may have been deleted since) */
    BT_CURSOR_BEFORE_FIRST,  /* moved before the first record (bt_cursor_prev at the start) */
    BT_CURSOR_AFTER_LAST,    /* moved past the last record */
} bt_cursor_state;

#define BT_CURSOR_INLINE_KEY 256u

/* A position in a tree.  It remembers its page and slot, valid while the tree's version is
 * unchanged, and always a copy of its key, by which it finds its place again after changes.
 * It holds no page between calls.  Do not copy a cursor struct (its key may point inside it). */
typedef struct {
    ese_btree *tree;
    bt_cursor_state state;
    uint32_t pgno, itag;      /* leaf page and tag of the current record */
    uint64_t version;         /* tree->version when pgno/itag were found */
    uint8_t *key;             /* current key: key_inline or an osal_malloc'd buffer */
    uint32_t key_len, key_cap;
    uint8_t key_inline[BT_CURSOR_INLINE_KEY];
} ese_btcursor;

/* Attach a cursor to a tree, unpositioned.  Never fails. */
void bt_cursor_init(ese_btcursor *cursor, ese_btree *tree);

/* Free what the cursor allocated (a long key's buffer).  The cursor may be initialised again. */
void bt_cursor_release(ese_btcursor *cursor);

/* Position on a key by `mode`.  JET_errSuccess on an exact match (EQ, GE, LE) or for GT/LT;
 * JET_wrnSeekNotEqual when GE/LE landed on another key; JET_errRecordNotFound (cursor
 * unpositioned) when no key qualifies. */
JET_ERR bt_cursor_seek(ese_btcursor *cursor, const void *key, size_t key_len, bt_seek_mode mode);

/* Position on the first / last record: JET_errNoCurrentRecord (unpositioned) on an empty tree. */
JET_ERR bt_cursor_first(ese_btcursor *cursor);
JET_ERR bt_cursor_last(ese_btcursor *cursor);

/* Move to the next / previous record.  Past the last (first) one: JET_errNoCurrentRecord, and
 * the cursor sits after the last (before the first) record, so moving back returns to it.
 * From an unpositioned cursor: JET_errNoCurrentRecord.  If the current record was deleted
 * meanwhile, moves to the record after (before) where it was. */
JET_ERR bt_cursor_next(ese_btcursor *cursor);
JET_ERR bt_cursor_prev(ese_btcursor *cursor);

/* Copy out the current record's key and data (either buffer may be NULL with cap 0; lengths
 * are always the full ones, and either length pointer may be NULL).  JET_wrnBufferTruncated
 * when a buffer was too small; JET_errNoCurrentRecord when not on a record;
 * JET_errRecordDeleted when the current record was deleted since the cursor got there. */
JET_ERR bt_cursor_get(ese_btcursor *cursor, void *key, size_t key_cap, size_t *pkey_len,
                      void *data, size_t data_cap, size_t *pdata_len);

/* ---- verification ------------------------------------------------------------------------- */

typedef struct {
    uint64_t records;        /* live leaf nodes */
    uint64_t ghosts;         /* fNDDeleted leaf nodes (real ESE files only) */
    uint32_t depth;          /* levels, 1 for a root-only tree */
    uint32_t pages;          /* pages of the tree itself */
    uint32_t leaves;
    uint32_t space_pages;    /* pages of its OwnExt and AvailExt trees */
    uint32_t owned_pages;    /* pages its space header / OwnExt says it owns */
    uint32_t avail_pages;    /* of which free in its AvailExt */
} bt_check_stats;

/* Verify every invariant of the tree rooted at `root` and report the first violation:
 * page layout (tags, free space), objid and flags on every page (Root only on the root, Leaf /
 * ParentOfLeaf by level, the tree's kind flags, no Empty / PreInit), uniform leaf depth, keys
 * strictly ascending within and across pages (key || data in a non-unique tree), every key
 * inside the bounds its separators
 * give, the empty separator exactly at the right edge of each level, leaf chain complete and
 * consistent both ways, no links on internal pages, no page reached twice; and, for an FDP,
 * its space: OwnExt/AvailExt trees valid, extents well formed and disjoint, AvailExt inside
 * OwnExt, every page of the tree and its space trees owned and not available.
 * Returns JET_errSuccess, JET_errDatabaseCorrupted (msg says what and where), or an I/O /
 * memory error.  stats and msg may be NULL / 0. */
JET_ERR bt_check(ese_pagestore *store, uint32_t root, bt_check_stats *stats, char *msg, size_t cb_msg);

/* Call visit(context, pgno) for every page of the tree rooted at `root` (not its space trees),
 * parents before children.  Stops at the first error visit returns. */
JET_ERR bt_visit_pages(ese_pagestore *store, uint32_t root,
                       JET_ERR (*visit)(void *context, uint32_t pgno), void *context);

#endif /* LIBESE_BTREE_H */
