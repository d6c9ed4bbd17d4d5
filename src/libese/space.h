/*
 * space.h -- page ownership as ESE keeps it (facts: ese-btree-catalog-facts.md §1.1, §3).
 *
 * Every tree root (FDP) starts with a 16-byte SPACE_HEADER in its tag 0.  A multiple-extent
 * FDP owns the extents listed in its OwnExt tree (OE, root pgnoOE) and keeps the free ones in
 * its AvailExt tree (AE, root pgnoOE + 1).  Both are B+trees of 10-byte nodes: key = the
 * extent's last page, big-endian; data = its page count, u32.  Extents come from the parent FDP
 * (tables from the database root, pgno 1; a table's LV tree and indexes from the table); the
 * database root owns the whole file and grows it through the page store.  A single-extent FDP
 * (real ESE files: small system tables) owns cpgPrimary pages from itself, with a 32-bit
 * free-page bitmap in place of pgnoOE; it is converted to multiple-extent when it needs more.
 *
 * Ownership stays exact: every page 1..page_count is used by exactly one tree (a tree page or a
 * space-tree page) of the deepest FDP owning it, or free in exactly that FDP's AE.  (Windows
 * files may also end in pages beyond what the root owns: ESE extends the file ahead of its
 * OwnExt.  The checker accepts such an unowned, unused tail, and the root claims it before it
 * grows the file again; libese itself never makes one.)
 * space_check_database verifies this for a set of FDPs.
 *
 * Allocation order:  a page for a tree comes from the lowest extent of its AE; an empty AE
 * gets a new extent from the parent (as large as what the tree owns already, 8..1024 pages),
 * or, for the database root, the file grows by at least 256 pages.  A child's extent is the
 * first free extent of the parent large enough.  Adjacent free extents are
 * merged in the AE, adjacent owned extents in the OE.  The space trees' own splits use pages of
 * the same FDP, taken so that no space tree is ever changed while it is being changed.
 *
 * Failures: an error partway through (I/O, memory) can leave a few pages owned but neither used
 * nor available (leaked space, as ESE would call it); trees stay valid.
 */
#ifndef LIBESE_SPACE_H
#define LIBESE_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include "eseformat.h"
#include "esent.h"
#include "pagestore.h"

/* Fixed pages and objids of a fresh database (facts §1.1). */
#define SPACE_PGNO_DB_ROOT        1u
#define SPACE_PGNO_MSO            4u   /* MSysObjects, the catalog (primary index "Id") */
#define SPACE_PGNO_MSO_NAME       7u   /* its index "Name" */
#define SPACE_PGNO_MSO_ROOTOBJECTS 10u /* its index "RootObjects" */
#define SPACE_PGNO_MSO_SHADOW     24u  /* MSysObjectsShadow */
#define SPACE_OBJID_DB_ROOT       1u
#define SPACE_OBJID_MSO           2u
#define SPACE_OBJID_MSO_SHADOW    3u
#define SPACE_OBJID_MSO_NAME      4u
#define SPACE_OBJID_MSO_ROOTOBJECTS 5u
#define SPACE_CPG_MSO             20u  /* cpgMSOInitial */

/* SPACE_HEADER (16 bytes, root tag 0). */
#define SPACE_HEADER_SIZE 16u
#define SPACE_FLAG_MULTIPLE_EXTENT 0x01u
#define SPACE_FLAG_NON_UNIQUE      0x02u
#define SPACE_FLAG_V2              0x04u
#define SPACE_SINGLE_EXTENT_MAX    32u   /* pages a single-extent bitmap can track */

/* The FDP's page flags its OwnExt/AvailExt pages carry as well, beside SpaceTree (seen in
 * Windows files: 0x40 on an index's space pages, 0x80 on an LV tree's, 0x400 on a non-unique
 * index's). */
#define SPACE_TREE_KIND_MASK (ESE_PAGE_FLAG_INDEX | ESE_PAGE_FLAG_LONG_VALUE | ESE_PAGE_FLAG_NON_UNIQUE_KEYS)

typedef struct {
    uint32_t cpg_primary;   /* size of the primary extent */
    uint32_t pgno_parent;   /* FDP the space came from; 0 for the database root */
    uint32_t flags;         /* SPACE_FLAG_* (byte 0 of the u32) */
    uint32_t pgno_oe;       /* multiple-extent: OwnExt root (AvailExt = pgno_oe + 1);
                               single-extent: bitmap, bit i = page fdp + 1 + i free */
} space_header;

/* Read the SPACE_HEADER of FDP `fdp` (JET_errDatabaseCorrupted: not a root / tag 0 < 16 bytes). */
JET_ERR space_read_header(ese_pagestore *store, uint32_t fdp, space_header *out);

/* The 16 bytes of a header. */
void space_header_encode(const space_header *header, uint8_t out[SPACE_HEADER_SIZE]);

/* Create an empty multiple-extent FDP with cpg_primary (>= 3) pages from parent_fdp: the FDP
 * (Root|Leaf), its OE at +1 and AE at +2, the rest free in its AE.  kind: the tree's page
 * flags (0, ESE_PAGE_FLAG_INDEX [| ESE_PAGE_FLAG_NON_UNIQUE_KEYS], ESE_PAGE_FLAG_LONG_VALUE).
 * bt_create is this. */
JET_ERR space_create_fdp(ese_pagestore *store, uint32_t parent_fdp, uint32_t objid, uint32_t kind,
                         uint32_t cpg_primary, uint32_t *ppgno_fdp);

/* One page for a tree of FDP `fdp` (the caller initialises it). */
JET_ERR space_alloc_page(ese_pagestore *store, uint32_t fdp, uint32_t *ppgno);

/* Give page pgno (owned by fdp, no longer used) back to fdp's AE. */
JET_ERR space_free_page(ese_pagestore *store, uint32_t fdp, uint32_t pgno);

/* Give pages first..last (owned by fdp, no longer used: the extents of a deleted child FDP)
 * back to fdp's AE (JetDeleteTable; an index deletion can use it too).  fdp must be a
 * multiple-extent FDP. */
JET_ERR space_free_extent(ese_pagestore *store, uint32_t fdp, uint32_t first, uint32_t last);

/* cpg contiguous pages out of fdp's space (for a child FDP): from its AE, else after growing it.
 * The caller records them (in the child's OE). */
JET_ERR space_alloc_extent(ese_pagestore *store, uint32_t fdp, uint32_t cpg, uint32_t *pfirst);

/* Lay out the empty database ESE creates (facts §1.1) in a store with no pages yet (or with
 * pages that are all zero): cpg_database pages (>= 29), the database root at 1 (OE 2, AE 3)
 * owning them all; MSysObjects at 4 (OE 5, AE 6, cpgPrimary 20); its indexes Name at 7 (OE 8,
 * AE 9) and RootObjects at 10 (OE 11, AE 12), 3 pages each out of MSysObjects' extent;
 * MSysObjectsShadow at 24 (OE 25, AE 26, cpgPrimary 5, 6 on 2 KiB pages).  All trees are
 * empty; pages 13..23 are free in MSysObjects' AE and everything after the shadow's extent in
 * the root's AE. */
JET_ERR space_create_database(ese_pagestore *store, uint32_t cpg_database);

/* An extent: pages first..last. */
typedef struct {
    uint32_t first, last;
} space_extent;

/* What an FDP owns and has free, both ascending and disjoint. */
typedef struct {
    space_extent *owned;
    size_t owned_count;
    space_extent *avail;
    size_t avail_count;
} space_extents;

/* Read and validate fdp's ownership: OE/AE nodes well formed (4-byte key, or 5 bytes with the
 * general-pool byte 0x80 in an AE; 4-byte data; 1 <= cpg <= pgnoLast), extents disjoint and in
 * range, every AE extent inside the OE.  For a single-extent FDP: its range and bitmap.
 * JET_errSPOwnExtCorrupted / JET_errSPAvailExtCorrupted (msg says why) on a violation. */
JET_ERR space_load_extents(ese_pagestore *store, uint32_t fdp, space_extents *out, char *msg,
                           size_t cb_msg);

/* Free what space_load_extents allocated. */
void space_extents_free(space_extents *extents);

/* True when pgno is owned and not available per `extents`. */
int space_extents_page_in_use(const space_extents *extents, uint32_t pgno);

/* Verify exact ownership over the whole database for the FDPs listed (they must include the
 * database root 1 and every FDP in the file): each FDP's OE lies in its parent's owned pages
 * that are neither available in the parent nor owned by a sibling, and every page 1..page_count
 * is, for the deepest FDP owning it, either a page of one of its trees or free in its AE -
 * exactly one of them.  Runs bt_check on every FDP too.  JET_errDatabaseCorrupted + msg. */
JET_ERR space_check_database(ese_pagestore *store, const uint32_t *fdps, size_t count, char *msg,
                             size_t cb_msg);

#endif /* LIBESE_SPACE_H */
