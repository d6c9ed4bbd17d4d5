/* space.c -- see space.h. */
#include "space.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btree.h"
#include "osal.h"
#include "page.h"

/* The database file grows by at least this many pages at a time. */
#define DB_GROWTH_MIN 256u
/* A tree's new extents: as large as what it owns already, within these bounds. */
#define EXTENT_GROWTH_MIN 8u
#define EXTENT_GROWTH_MAX 1024u
/* Extra pages asked for when an extent must also feed the OE/AE splits it causes. */
#define EXTENT_SLACK 4u
/* Longest parent chain (database root -> table -> index is 3; more means a cycle). */
#define PARENT_CHAIN_MAX 8u
/* Free page ranges one space operation can hold in hand. */
#define POOL_MAX 64u

#define SPACE_NODE_KEY_SIZE 4u
#define SPACE_NODE_DATA_SIZE 4u
#define AVAIL_POOL_KEY_SIZE 5u        /* "new avail format": pool byte + pgnoLast */
#define AVAIL_GENERAL_POOL 0x80u

/* ===========================================================================================
 * SPACE_HEADER
 * ========================================================================================= */

void space_header_encode(const space_header *header, uint8_t out[SPACE_HEADER_SIZE])
{
    ese_store_u32(out, header->cpg_primary);
    ese_store_u32(out + 4, header->pgno_parent);
    ese_store_u32(out + 8, header->flags);
    ese_store_u32(out + 12, header->pgno_oe);
}

static void space_header_decode(const uint8_t *bytes, space_header *out)
{
    out->cpg_primary = ese_load_u32(bytes);
    out->pgno_parent = ese_load_u32(bytes + 4);
    out->flags = ese_load_u32(bytes + 8) & 0xFFu;
    out->pgno_oe = ese_load_u32(bytes + 12);
}

JET_ERR space_read_header(ese_pagestore *store, uint32_t fdp, space_header *out)
{
    if (fdp == 0 || fdp > store->page_count)
        return JET_errDatabaseCorrupted;
    ese_page_ref ref;
    JET_ERR err = pagestore_read(store, fdp, &ref);
    if (err < 0)
        return err;
    uint32_t size;
    const uint8_t *bytes = page_tag_bytes(ref.data, store->page_size, 0, &size);
    if (!(page_flags(ref.data) & ESE_PAGE_FLAG_ROOT) || page_tag_count(ref.data) < 1 ||
        size < SPACE_HEADER_SIZE ||
        bytes + SPACE_HEADER_SIZE > ref.data + store->page_size)
        err = JET_errDatabaseCorrupted;
    else
        space_header_decode(bytes, out);
    pagestore_release(store, &ref);
    if (err >= 0 && (out->flags & SPACE_FLAG_MULTIPLE_EXTENT) &&
        (out->pgno_oe == 0 || out->pgno_oe >= store->page_count))
        err = JET_errSPOwnExtCorrupted;
    return err;
}

/* Rewrite the first 16 bytes of the FDP's tag 0 in place (never changes the page layout). */
static JET_ERR write_header(ese_pagestore *store, uint32_t fdp, const space_header *header)
{
    ese_page_ref ref;
    JET_ERR err = pagestore_write(store, fdp, &ref);
    if (err < 0)
        return err;
    uint32_t size;
    uint8_t *bytes = (uint8_t *)page_tag_bytes(ref.data, store->page_size, 0, &size);
    if (size < SPACE_HEADER_SIZE)
        err = JET_errDatabaseCorrupted;
    else
        space_header_encode(header, bytes);
    pagestore_release(store, &ref);
    return err;
}

/* ===========================================================================================
 * Space-tree nodes
 * ========================================================================================= */

static void extent_key(uint32_t last, uint8_t key[SPACE_NODE_KEY_SIZE])
{
    key[0] = (uint8_t)(last >> 24);
    key[1] = (uint8_t)(last >> 16);
    key[2] = (uint8_t)(last >> 8);
    key[3] = (uint8_t)last;
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* A space node's pgnoLast.  OE keys and legacy AE keys are 4 bytes; newer AE keys add a pool
 * byte in front (0x80 | pool).  *pgeneral: the extent is in the general pool (usable). */
static int parse_extent_key(const uint8_t *key, size_t len, int avail, uint32_t *plast, int *pgeneral)
{
    if (len == SPACE_NODE_KEY_SIZE) {
        *plast = load_be32(key);
        *pgeneral = 1;
        return 1;
    }
    if (avail && len == AVAIL_POOL_KEY_SIZE && (key[0] & 0x80u)) {
        *plast = load_be32(key + 1);
        *pgeneral = key[0] == AVAIL_GENERAL_POOL;
        return 1;
    }
    return 0;
}

/* ===========================================================================================
 * One space operation's state
 * ========================================================================================= */

typedef struct {
    ese_pagestore *store;
    uint32_t fdp;
    uint32_t objid;
    uint32_t kind;            /* the FDP's kind flags its space trees carry too */
    space_header header;
    ese_btree oe, ae;         /* valid when the FDP is multiple-extent */
    /* Pages in hand: owned by the FDP, neither used nor (yet) in its AE.  Filled by new
     * extents and freed pages; feeds the space trees' own splits; drained into the AE before
     * the operation returns. */
    space_extent pool[POOL_MAX];
    uint32_t pool_count;
    uint32_t depth;           /* how far up the parent chain this operation is */
} space_ctx;

static JET_ERR pool_push(space_ctx *ctx, uint32_t first, uint32_t last)
{
    for (uint32_t i = 0; i < ctx->pool_count; i++) {
        space_extent *r = &ctx->pool[i];
        if (last + 1 == r->first) {
            r->first = first;
            return JET_errSuccess;
        }
        if (r->last + 1 == first) {
            r->last = last;
            return JET_errSuccess;
        }
    }
    if (ctx->pool_count == POOL_MAX)
        return JET_errInternalError;
    ctx->pool[ctx->pool_count].first = first;
    ctx->pool[ctx->pool_count].last = last;
    ctx->pool_count++;
    return JET_errSuccess;
}

static int pool_pop(space_ctx *ctx, uint32_t *ppgno)
{
    if (ctx->pool_count == 0)
        return 0;
    space_extent *r = &ctx->pool[ctx->pool_count - 1];
    *ppgno = r->first++;
    if (r->first > r->last)
        ctx->pool_count--;
    return 1;
}

/* A space tree's emptied page goes into the pool (never straight back into the AE, which may
 * be the tree being changed). */
static JET_ERR space_tree_free(ese_btree *tree, uint32_t pgno)
{
    return pool_push((space_ctx *)tree->context, pgno, pgno);
}

static void open_space_tree(space_ctx *ctx, ese_btree *tree, uint32_t root)
{
    memset(tree, 0, sizeof *tree);
    tree->store = ctx->store;
    tree->root = root;
    tree->objid = ctx->objid;
    tree->kind = ctx->kind | ESE_PAGE_FLAG_SPACE_TREE;
    tree->free = space_tree_free;  /* alloc stays NULL: splits get pages through `spare` */
    tree->context = ctx;
}

static JET_ERR ctx_open(space_ctx *ctx, ese_pagestore *store, uint32_t fdp, uint32_t depth)
{
    memset(ctx, 0, sizeof *ctx);
    if (depth > PARENT_CHAIN_MAX)
        return JET_errSPOwnExtCorrupted;
    ctx->store = store;
    ctx->fdp = fdp;
    ctx->depth = depth;
    JET_ERR err = space_read_header(store, fdp, &ctx->header);
    if (err < 0)
        return err;
    ese_page_ref ref;
    err = pagestore_read(store, fdp, &ref);
    if (err < 0)
        return err;
    ctx->objid = page_objid(ref.data);
    ctx->kind = page_flags(ref.data) & SPACE_TREE_KIND_MASK;
    pagestore_release(store, &ref);
    if (ctx->header.flags & SPACE_FLAG_MULTIPLE_EXTENT) {
        open_space_tree(ctx, &ctx->oe, ctx->header.pgno_oe);
        open_space_tree(ctx, &ctx->ae, ctx->header.pgno_oe + 1);
    }
    return JET_errSuccess;
}

/* Insert the node for extent first..last into a space tree, feeding its splits from the pool
 * or, when `consume` is set, from the extent itself (its first pages; the key, the last page,
 * stays the same).  *pfirst moves past pages so consumed. */
static JET_ERR insert_extent_node(space_ctx *ctx, ese_btree *tree, uint32_t *pfirst, uint32_t last,
                                  int consume)
{
    uint8_t key[SPACE_NODE_KEY_SIZE], data[SPACE_NODE_DATA_SIZE];
    extent_key(last, key);
    for (uint32_t round = 0; round < 4 * BT_MAX_DEPTH; round++) {
        if (*pfirst > last)
            return JET_errSuccess;
        ese_store_u32(data, last - *pfirst + 1);
        JET_ERR err = bt_insert(tree, key, sizeof key, data, sizeof data);
        if (err != BT_ERR_NEED_PAGE)
            return err;
        uint32_t spare;
        if (!pool_pop(ctx, &spare)) {
            if (!consume)
                return JET_errInternalError;
            spare = (*pfirst)++;
        }
        tree->spare = spare;
        if (*pfirst > last) {
            /* The extent went entirely into the split: let it split, nothing to insert. */
            err = bt_prepare_insert(tree, key, sizeof key, sizeof data);
            return err == BT_ERR_NEED_PAGE ? JET_errSuccess : err;
        }
    }
    return JET_errInternalError;
}

/* Look up a node by its pgnoLast: its cpg, or 0 when absent. */
static JET_ERR lookup_extent(ese_btree *tree, uint32_t last, uint32_t *pcpg)
{
    uint8_t key[SPACE_NODE_KEY_SIZE], data[SPACE_NODE_DATA_SIZE];
    extent_key(last, key);
    size_t len = 0;
    JET_ERR err = bt_lookup(tree, key, sizeof key, data, sizeof data, &len);
    *pcpg = 0;
    if (err == JET_errRecordNotFound)
        return JET_errSuccess;
    if (err < 0)
        return err;
    if (len != SPACE_NODE_DATA_SIZE)
        return JET_errSPAvailExtCorrupted;
    *pcpg = ese_load_u32(data);
    if (*pcpg == 0 || *pcpg > last)
        return JET_errSPAvailExtCorrupted;
    return JET_errSuccess;
}

/* Record first..last as owned, merging with an owned extent that ends right before it. */
static JET_ERR oe_add(space_ctx *ctx, uint32_t first, uint32_t last)
{
    if (first > 1) {
        uint32_t cpg;
        JET_ERR err = lookup_extent(&ctx->oe, first - 1, &cpg);
        if (err < 0)
            return err == JET_errSPAvailExtCorrupted ? JET_errSPOwnExtCorrupted : err;
        if (cpg) {
            uint8_t key[SPACE_NODE_KEY_SIZE];
            extent_key(first - 1, key);
            err = bt_delete(&ctx->oe, key, sizeof key);
            if (err < 0)
                return err;
            first -= cpg;
        }
    }
    return insert_extent_node(ctx, &ctx->oe, &first, last, 0);
}

/* Record first..last as available, merging with the free extents around it. */
static JET_ERR ae_add(space_ctx *ctx, uint32_t first, uint32_t last)
{
    uint8_t key[SPACE_NODE_KEY_SIZE], data[SPACE_NODE_DATA_SIZE];
    uint32_t left_cpg = 0;
    JET_ERR err = first > 1 ? lookup_extent(&ctx->ae, first - 1, &left_cpg) : JET_errSuccess;
    if (err < 0)
        return err;

    /* The extent right after: same key once merged, so a replace (never a split). */
    ese_btcursor cursor;
    bt_cursor_init(&cursor, &ctx->ae);
    extent_key(last, key);
    uint32_t right_last = 0, right_cpg = 0;
    err = bt_cursor_seek(&cursor, key, sizeof key, BT_SEEK_GT);
    if (err >= 0) {
        uint8_t found[AVAIL_POOL_KEY_SIZE];
        size_t key_len = 0, data_len = 0;
        err = bt_cursor_get(&cursor, found, sizeof found, &key_len, data, sizeof data, &data_len);
        if (err == JET_errSuccess && key_len == SPACE_NODE_KEY_SIZE && data_len == SPACE_NODE_DATA_SIZE) {
            uint32_t l = load_be32(found), c = ese_load_u32(data);
            if (c >= 1 && c <= l && l - c + 1 == last + 1) {
                right_last = l;
                right_cpg = c;
            }
        }
        err = JET_errSuccess;
    } else if (err == JET_errRecordNotFound) {
        err = JET_errSuccess;
    }
    bt_cursor_release(&cursor);
    if (err < 0)
        return err;

    if (left_cpg) {
        extent_key(first - 1, key);
        err = bt_delete(&ctx->ae, key, sizeof key);
        if (err < 0)
            return err;
        first -= left_cpg;
    }
    if (right_cpg) {
        extent_key(right_last, key);
        ese_store_u32(data, right_cpg + (last - first + 1));
        return bt_replace(&ctx->ae, key, sizeof key, data, sizeof data);
    }
    return insert_extent_node(ctx, &ctx->ae, &first, last, 1);
}

/* Hand every page still in the pool to the AE. */
static JET_ERR ctx_flush(space_ctx *ctx)
{
    if (!(ctx->header.flags & SPACE_FLAG_MULTIPLE_EXTENT))
        return ctx->pool_count ? JET_errInternalError : JET_errSuccess;
    JET_ERR err = JET_errSuccess;
    while (ctx->pool_count && err >= 0) {
        space_extent r = ctx->pool[--ctx->pool_count];
        err = ae_add(ctx, r.first, r.last);
        ese_btree *trees[2] = {&ctx->ae, &ctx->oe};
        for (int i = 0; i < 2; i++) {
            if (trees[i]->spare) {
                uint32_t spare = trees[i]->spare;
                trees[i]->spare = 0;
                JET_ERR push_err = pool_push(ctx, spare, spare);
                if (err >= 0)
                    err = push_err;
            }
        }
    }
    return err;
}

static JET_ERR alloc_extent_at(ese_pagestore *store, uint32_t fdp, uint32_t cpg, uint32_t *pfirst,
                               uint32_t depth);

/* Pages a new extent of this FDP should have, at least `want`. */
static JET_ERR growth_size(space_ctx *ctx, uint32_t want, uint32_t *pcpg)
{
    uint64_t cpg;
    if (ctx->header.pgno_parent == 0) {
        cpg = DB_GROWTH_MIN;
    } else {
        /* As much again as it owns, within bounds: a tree's extents double as it grows. */
        uint64_t owned = 0;
        if (ctx->header.flags & SPACE_FLAG_MULTIPLE_EXTENT) {
            ese_btcursor cursor;
            bt_cursor_init(&cursor, &ctx->oe);
            JET_ERR err = bt_cursor_first(&cursor);
            while (err >= 0) {
                uint8_t data[SPACE_NODE_DATA_SIZE];
                size_t data_len = 0;
                err = bt_cursor_get(&cursor, NULL, 0, NULL, data, sizeof data, &data_len);
                if (err >= 0 && data_len == SPACE_NODE_DATA_SIZE)
                    owned += ese_load_u32(data);
                if (err >= 0)
                    err = bt_cursor_next(&cursor);
            }
            bt_cursor_release(&cursor);
            if (err != JET_errNoCurrentRecord)
                return err;
        } else {
            owned = ctx->header.cpg_primary;
        }
        cpg = owned < EXTENT_GROWTH_MIN ? EXTENT_GROWTH_MIN : owned > EXTENT_GROWTH_MAX ? EXTENT_GROWTH_MAX : owned;
    }
    if (cpg < (uint64_t)want + EXTENT_SLACK)
        cpg = (uint64_t)want + EXTENT_SLACK;
    if (cpg > UINT32_MAX / 2)
        return JET_errOutOfDatabaseSpace;
    *pcpg = (uint32_t)cpg;
    return JET_errSuccess;
}

/* The database root's new extent: the pages after the last one it owns.  Windows files may
 * already hold pages past that (ESE extends the file ahead of the root's OwnExt): that tail is
 * claimed first, whole, and the file grows only for what is still missing. */
static JET_ERR root_grow(space_ctx *ctx, uint32_t cpg, space_extent *pgot)
{
    ese_pagestore *store = ctx->store;
    ese_btcursor cursor;
    bt_cursor_init(&cursor, &ctx->oe);
    uint32_t owned_last = 0;
    JET_ERR err = bt_cursor_last(&cursor);
    if (err >= 0) {
        uint8_t key[AVAIL_POOL_KEY_SIZE];
        size_t key_len = 0;
        err = bt_cursor_get(&cursor, key, sizeof key, &key_len, NULL, 0, NULL);
        int general;
        if (err != JET_errSuccess || !parse_extent_key(key, key_len, 0, &owned_last, &general))
            err = JET_errSPOwnExtCorrupted;
    } else if (err == JET_errNoCurrentRecord) {
        err = JET_errSuccess; /* owns nothing yet */
    }
    bt_cursor_release(&cursor);
    if (err < 0)
        return err;
    if (owned_last > store->page_count)
        return JET_errSPOwnExtCorrupted;
    uint64_t last = (uint64_t)owned_last + cpg;
    if (last < store->page_count)
        last = store->page_count;
    if (last > UINT32_MAX - 1)
        return JET_errOutOfDatabaseSpace;
    if (last > store->page_count) {
        uint32_t old_count = store->page_count, first_new;
        err = pagestore_extend(store, (uint32_t)(last - old_count), &first_new);
        if (err < 0)
            return err;
        if (first_new != old_count + 1 || store->page_count != last)
            return JET_errInternalError; /* the store did not append right after the file */
    }
    pgot->first = owned_last + 1;
    pgot->last = (uint32_t)last;
    return JET_errSuccess;
}

/* Get a new extent of at least `want` pages from the parent (or the file), record it in the
 * OE and put it in the pool.  *pgot = the extent. */
static JET_ERR ctx_grow(space_ctx *ctx, uint32_t want, space_extent *pgot)
{
    uint32_t cpg;
    JET_ERR err = growth_size(ctx, want, &cpg);
    if (err < 0)
        return err;
    if (ctx->header.pgno_parent == 0) {
        err = root_grow(ctx, cpg, pgot);
    } else {
        uint32_t first = 0;
        err = alloc_extent_at(ctx->store, ctx->header.pgno_parent, cpg, &first, ctx->depth + 1);
        pgot->first = first;
        pgot->last = first + cpg - 1;
    }
    if (err < 0)
        return err;
    err = pool_push(ctx, pgot->first, pgot->last);
    if (err >= 0)
        err = oe_add(ctx, pgot->first, pgot->last);
    return err;
}

/* A single-extent FDP outgrew its primary extent: give it an OE and an AE in a new extent. */
static JET_ERR convert_to_multiple(space_ctx *ctx)
{
    ese_pagestore *store = ctx->store;
    uint32_t page_size = store->page_size;
    if (ctx->header.pgno_parent == 0 || ctx->header.cpg_primary == 0)
        return JET_errSPOwnExtCorrupted;
    uint32_t cpg;
    JET_ERR err = growth_size(ctx, 3, &cpg);
    if (err < 0)
        return err;
    uint32_t first;
    err = alloc_extent_at(store, ctx->header.pgno_parent, cpg, &first, ctx->depth + 1);
    if (err < 0)
        return err;
    uint32_t last = first + cpg - 1;
    uint32_t primary_last = ctx->fdp + ctx->header.cpg_primary - 1;

    ese_page_ref refs[2] = {{0}, {0}};
    err = pagestore_write(store, first, &refs[0]);
    if (err >= 0)
        err = pagestore_write(store, first + 1, &refs[1]);
    if (err >= 0) {
        uint8_t zeros[SPACE_HEADER_SIZE] = {0};
        uint32_t flags = ESE_PAGE_FLAG_ROOT | ESE_PAGE_FLAG_LEAF | ESE_PAGE_FLAG_SPACE_TREE |
                         ctx->kind | BT_PAGE_BASE_FLAGS;
        for (int i = 0; i < 2 && err >= 0; i++) {
            page_init(refs[i].data, page_size, first + (uint32_t)i, ctx->objid, flags);
            err = page_set_external_header(refs[i].data, page_size, zeros, sizeof zeros);
        }
        /* OE: the primary extent and the new one, in key order. */
        uint32_t lasts[2] = {primary_last, last}, cpgs[2] = {ctx->header.cpg_primary, cpg};
        if (primary_last > last) {
            lasts[0] = last, lasts[1] = primary_last;
            cpgs[0] = cpg, cpgs[1] = ctx->header.cpg_primary;
        }
        for (uint32_t i = 0; i < 2 && err >= 0; i++) {
            uint8_t key[SPACE_NODE_KEY_SIZE], data[SPACE_NODE_DATA_SIZE];
            extent_key(lasts[i], key);
            ese_store_u32(data, cpgs[i]);
            err = page_insert(refs[0].data, page_size, i + 1, key, sizeof key, data, sizeof data, 0);
        }
    }
    for (int i = 0; i < 2; i++)
        pagestore_release(store, &refs[i]);
    if (err < 0)
        return err;
    ctx->header.flags |= SPACE_FLAG_MULTIPLE_EXTENT;
    ctx->header.pgno_oe = first;
    err = write_header(store, ctx->fdp, &ctx->header);
    if (err < 0)
        return err;
    open_space_tree(ctx, &ctx->oe, first);
    open_space_tree(ctx, &ctx->ae, first + 1);
    if (first + 2 <= last)
        err = pool_push(ctx, first + 2, last);
    return err;
}

/* One page of the FDP's space for the caller. */
static JET_ERR ctx_take_page(space_ctx *ctx, uint32_t *ppgno)
{
    if (pool_pop(ctx, ppgno))
        return JET_errSuccess;
    JET_ERR err;
    if (!(ctx->header.flags & SPACE_FLAG_MULTIPLE_EXTENT)) {
        uint32_t tracked = ctx->header.cpg_primary ? ctx->header.cpg_primary - 1 : 0;
        if (tracked > SPACE_SINGLE_EXTENT_MAX)
            tracked = SPACE_SINGLE_EXTENT_MAX;
        for (uint32_t i = 0; i < tracked; i++) {
            uint32_t bit = 1u << i;
            if (ctx->header.pgno_oe & bit) {
                ctx->header.pgno_oe &= ~bit;
                err = write_header(ctx->store, ctx->fdp, &ctx->header);
                if (err < 0)
                    return err;
                *ppgno = ctx->fdp + 1 + i;
                return JET_errSuccess;
            }
        }
        err = convert_to_multiple(ctx);
        if (err < 0)
            return err;
        if (pool_pop(ctx, ppgno))
            return JET_errSuccess;
    }

    /* The lowest free extent of the general pool gives its first page. */
    ese_btcursor cursor;
    bt_cursor_init(&cursor, &ctx->ae);
    err = bt_cursor_first(&cursor);
    while (err >= 0) {
        uint8_t key[AVAIL_POOL_KEY_SIZE], data[SPACE_NODE_DATA_SIZE];
        size_t key_len = 0, data_len = 0;
        err = bt_cursor_get(&cursor, key, sizeof key, &key_len, data, sizeof data, &data_len);
        if (err < 0)
            break;
        uint32_t last;
        int general;
        if (err == JET_errSuccess && data_len == SPACE_NODE_DATA_SIZE &&
            parse_extent_key(key, key_len, 1, &last, &general) && general) {
            uint32_t cpg = ese_load_u32(data);
            if (cpg == 0 || cpg > last) {
                err = JET_errSPAvailExtCorrupted;
                break;
            }
            bt_cursor_release(&cursor);
            if (cpg == 1) {
                err = bt_delete(&ctx->ae, key, key_len);
            } else {
                ese_store_u32(data, cpg - 1);
                err = bt_replace(&ctx->ae, key, key_len, data, sizeof data);
            }
            if (err >= 0)
                *ppgno = last - cpg + 1;
            return err;
        }
        err = bt_cursor_next(&cursor);
    }
    bt_cursor_release(&cursor);
    if (err != JET_errNoCurrentRecord)
        return err;

    space_extent got;
    err = ctx_grow(ctx, 1, &got);
    if (err < 0)
        return err;
    return pool_pop(ctx, ppgno) ? JET_errSuccess : JET_errInternalError;
}

/* cpg contiguous pages of the FDP's space, for a child. */
static JET_ERR ctx_take_extent(space_ctx *ctx, uint32_t cpg, uint32_t *pfirst)
{
    JET_ERR err;
    if (!(ctx->header.flags & SPACE_FLAG_MULTIPLE_EXTENT)) {
        err = convert_to_multiple(ctx);
        if (err < 0)
            return err;
    }
    /* First fit among the free extents of the general pool. */
    ese_btcursor cursor;
    bt_cursor_init(&cursor, &ctx->ae);
    err = bt_cursor_first(&cursor);
    while (err >= 0) {
        uint8_t key[AVAIL_POOL_KEY_SIZE], data[SPACE_NODE_DATA_SIZE];
        size_t key_len = 0, data_len = 0;
        err = bt_cursor_get(&cursor, key, sizeof key, &key_len, data, sizeof data, &data_len);
        if (err < 0)
            break;
        uint32_t last;
        int general;
        if (err == JET_errSuccess && data_len == SPACE_NODE_DATA_SIZE &&
            parse_extent_key(key, key_len, 1, &last, &general) && general) {
            uint32_t have = ese_load_u32(data);
            if (have == 0 || have > last) {
                err = JET_errSPAvailExtCorrupted;
                break;
            }
            if (have >= cpg) {
                bt_cursor_release(&cursor);
                if (have == cpg) {
                    err = bt_delete(&ctx->ae, key, key_len);
                } else {
                    ese_store_u32(data, have - cpg);
                    err = bt_replace(&ctx->ae, key, key_len, data, sizeof data);
                }
                if (err >= 0)
                    *pfirst = last - have + 1;
                return err;
            }
        }
        err = bt_cursor_next(&cursor);
    }
    bt_cursor_release(&cursor);
    if (err != JET_errNoCurrentRecord)
        return err;

    /* Nothing large enough: grow, and carve the extent from the end of the new one (its
     * first pages may have gone to OE splits). */
    space_extent got;
    err = ctx_grow(ctx, cpg, &got);
    if (err < 0)
        return err;
    for (uint32_t i = 0; i < ctx->pool_count; i++) {
        space_extent *r = &ctx->pool[i];
        if (r->first <= got.last && got.last <= r->last) {
            if (got.last - r->first + 1 < cpg)
                break;
            uint32_t start = got.last - cpg + 1;
            uint32_t tail_first = got.last + 1, tail_last = r->last;
            if (start == r->first) {
                ctx->pool[i] = ctx->pool[--ctx->pool_count];
            } else {
                r->last = start - 1;
            }
            if (tail_first <= tail_last) {
                err = pool_push(ctx, tail_first, tail_last);
                if (err < 0)
                    return err;
            }
            *pfirst = start;
            return JET_errSuccess;
        }
    }
    return JET_errInternalError;
}

static JET_ERR alloc_extent_at(ese_pagestore *store, uint32_t fdp, uint32_t cpg, uint32_t *pfirst,
                               uint32_t depth)
{
    if (cpg == 0)
        return JET_errInvalidParameter;
    space_ctx *ctx = osal_malloc(sizeof *ctx);
    if (!ctx)
        return JET_errOutOfMemory;
    JET_ERR err = ctx_open(ctx, store, fdp, depth);
    if (err >= 0)
        err = ctx_take_extent(ctx, cpg, pfirst);
    if (err >= 0)
        err = ctx_flush(ctx);
    osal_free(ctx);
    return err;
}

JET_ERR space_alloc_extent(ese_pagestore *store, uint32_t fdp, uint32_t cpg, uint32_t *pfirst)
{
    return alloc_extent_at(store, fdp, cpg, pfirst, 0);
}

JET_ERR space_alloc_page(ese_pagestore *store, uint32_t fdp, uint32_t *ppgno)
{
    space_ctx *ctx = osal_malloc(sizeof *ctx);
    if (!ctx)
        return JET_errOutOfMemory;
    JET_ERR err = ctx_open(ctx, store, fdp, 0);
    if (err >= 0)
        err = ctx_take_page(ctx, ppgno);
    if (err >= 0)
        err = ctx_flush(ctx);
    osal_free(ctx);
    return err;
}

JET_ERR space_free_page(ese_pagestore *store, uint32_t fdp, uint32_t pgno)
{
    if (pgno == 0 || pgno > store->page_count || pgno == fdp)
        return JET_errInvalidParameter;
    space_ctx *ctx = osal_malloc(sizeof *ctx);
    if (!ctx)
        return JET_errOutOfMemory;
    JET_ERR err = ctx_open(ctx, store, fdp, 0);
    if (err >= 0 && !(ctx->header.flags & SPACE_FLAG_MULTIPLE_EXTENT)) {
        uint32_t i = pgno - fdp - 1;
        if (pgno < fdp || i >= SPACE_SINGLE_EXTENT_MAX || pgno >= fdp + ctx->header.cpg_primary) {
            err = JET_errSPAvailExtCorrupted;
        } else {
            ctx->header.pgno_oe |= 1u << i;
            err = write_header(store, fdp, &ctx->header);
        }
    } else if (err >= 0) {
        err = pool_push(ctx, pgno, pgno);
        if (err >= 0)
            err = ctx_flush(ctx);
    }
    osal_free(ctx);
    return err;
}

JET_ERR space_free_extent(ese_pagestore *store, uint32_t fdp, uint32_t first, uint32_t last)
{
    if (first == 0 || last < first || last > store->page_count || (fdp >= first && fdp <= last))
        return JET_errInvalidParameter;
    space_ctx *ctx = osal_malloc(sizeof *ctx);
    if (!ctx)
        return JET_errOutOfMemory;
    JET_ERR err = ctx_open(ctx, store, fdp, 0);
    if (err >= 0 && !(ctx->header.flags & SPACE_FLAG_MULTIPLE_EXTENT))
        err = JET_errInvalidParameter; /* a single-extent FDP has no room for a child's extent */
    if (err >= 0)
        err = pool_push(ctx, first, last);
    if (err >= 0)
        err = ctx_flush(ctx);
    osal_free(ctx);
    return err;
}

/* ===========================================================================================
 * Creating FDPs and the empty database
 * ========================================================================================= */

/* Write the three pages of a multiple-extent FDP at fdp, fdp+1, fdp+2: the tree root with its
 * SPACE_HEADER, the OE with one extent, the AE with the given free extent (none if ae_cpg 0). */
static JET_ERR init_fdp_pages(ese_pagestore *store, uint32_t fdp, uint32_t objid, uint32_t kind,
                              uint32_t parent, uint32_t cpg_primary, uint32_t oe_last,
                              uint32_t oe_cpg, uint32_t ae_last, uint32_t ae_cpg)
{
    uint32_t page_size = store->page_size;
    ese_page_ref refs[3] = {{0}, {0}, {0}};
    JET_ERR err = JET_errSuccess;
    for (uint32_t i = 0; i < 3 && err >= 0; i++)
        err = pagestore_write(store, fdp + i, &refs[i]);
    if (err >= 0) {
        space_header header = {
            .cpg_primary = cpg_primary,
            .pgno_parent = parent,
            .flags = SPACE_FLAG_MULTIPLE_EXTENT |
                     ((kind & ESE_PAGE_FLAG_NON_UNIQUE_KEYS) ? SPACE_FLAG_NON_UNIQUE : 0),
            .pgno_oe = fdp + 1,
        };
        uint8_t bytes[SPACE_HEADER_SIZE];
        space_header_encode(&header, bytes);
        uint32_t root_flags = ESE_PAGE_FLAG_ROOT | ESE_PAGE_FLAG_LEAF | BT_PAGE_BASE_FLAGS;
        page_init(refs[0].data, page_size, fdp, objid, root_flags | kind);
        err = page_set_external_header(refs[0].data, page_size, bytes, sizeof bytes);
        uint32_t space_flags = root_flags | ESE_PAGE_FLAG_SPACE_TREE | (kind & SPACE_TREE_KIND_MASK);
        uint8_t zeros[SPACE_HEADER_SIZE] = {0};
        uint32_t lasts[2] = {oe_last, ae_last}, cpgs[2] = {oe_cpg, ae_cpg};
        for (uint32_t i = 1; i < 3 && err >= 0; i++) {
            page_init(refs[i].data, page_size, fdp + i, objid, space_flags);
            err = page_set_external_header(refs[i].data, page_size, zeros, sizeof zeros);
            if (err >= 0 && cpgs[i - 1]) {
                uint8_t key[SPACE_NODE_KEY_SIZE], data[SPACE_NODE_DATA_SIZE];
                extent_key(lasts[i - 1], key);
                ese_store_u32(data, cpgs[i - 1]);
                err = page_insert(refs[i].data, page_size, 1, key, sizeof key, data, sizeof data, 0);
            }
        }
    }
    for (uint32_t i = 0; i < 3; i++)
        pagestore_release(store, &refs[i]);
    return err;
}

JET_ERR space_create_fdp(ese_pagestore *store, uint32_t parent_fdp, uint32_t objid, uint32_t kind,
                         uint32_t cpg_primary, uint32_t *ppgno_fdp)
{
    if (parent_fdp == 0 || objid == 0 ||
        (kind & ~(ESE_PAGE_FLAG_INDEX | ESE_PAGE_FLAG_LONG_VALUE | ESE_PAGE_FLAG_NON_UNIQUE_KEYS)))
        return JET_errInvalidParameter;
    if (cpg_primary < 3)
        cpg_primary = 3;
    uint32_t first;
    JET_ERR err = space_alloc_extent(store, parent_fdp, cpg_primary, &first);
    if (err < 0)
        return err;
    uint32_t last = first + cpg_primary - 1;
    err = init_fdp_pages(store, first, objid, kind, parent_fdp, cpg_primary, last, cpg_primary,
                         last, cpg_primary - 3);
    if (err >= 0)
        *ppgno_fdp = first;
    return err;
}

JET_ERR space_create_database(ese_pagestore *store, uint32_t cpg_database)
{
    /* The shadow catalog's primary extent is 5 pages, 6 on 2 KiB pages (facts §1.1). */
    uint32_t shadow_cpg = store->page_size <= 2048 ? 6 : 5;
    uint32_t used_last = SPACE_PGNO_MSO_SHADOW + shadow_cpg - 1;
    if (cpg_database <= used_last)
        return JET_errInvalidParameter;
    if (store->page_count < cpg_database) {
        uint32_t first;
        JET_ERR err = pagestore_extend(store, cpg_database - store->page_count, &first);
        if (err < 0)
            return err;
    }
    uint32_t mso_last = SPACE_PGNO_MSO + SPACE_CPG_MSO - 1;
    struct {
        uint32_t fdp, objid, kind, parent, cpg_primary, oe_last, oe_cpg, ae_last, ae_cpg;
    } trees[] = {
        {SPACE_PGNO_DB_ROOT, SPACE_OBJID_DB_ROOT, 0, 0, cpg_database, cpg_database, cpg_database,
         cpg_database, cpg_database - used_last},
        {SPACE_PGNO_MSO, SPACE_OBJID_MSO, 0, SPACE_PGNO_DB_ROOT, SPACE_CPG_MSO, mso_last,
         SPACE_CPG_MSO, mso_last, mso_last - SPACE_PGNO_MSO_ROOTOBJECTS - 2},
        {SPACE_PGNO_MSO_NAME, SPACE_OBJID_MSO_NAME, ESE_PAGE_FLAG_INDEX, SPACE_PGNO_MSO, 3,
         SPACE_PGNO_MSO_NAME + 2, 3, 0, 0},
        {SPACE_PGNO_MSO_ROOTOBJECTS, SPACE_OBJID_MSO_ROOTOBJECTS, ESE_PAGE_FLAG_INDEX,
         SPACE_PGNO_MSO, 3, SPACE_PGNO_MSO_ROOTOBJECTS + 2, 3, 0, 0},
        {SPACE_PGNO_MSO_SHADOW, SPACE_OBJID_MSO_SHADOW, 0, SPACE_PGNO_DB_ROOT, shadow_cpg, used_last,
         shadow_cpg, used_last, shadow_cpg - 3},
    };
    for (size_t i = 0; i < sizeof trees / sizeof trees[0]; i++) {
        JET_ERR err = init_fdp_pages(store, trees[i].fdp, trees[i].objid, trees[i].kind,
                                     trees[i].parent, trees[i].cpg_primary, trees[i].oe_last,
                                     trees[i].oe_cpg, trees[i].ae_last, trees[i].ae_cpg);
        if (err < 0)
            return err;
    }
    return JET_errSuccess;
}

/* ===========================================================================================
 * Reading and checking ownership
 * ========================================================================================= */

typedef struct {
    space_extent *items;
    size_t count, capacity;
} extent_list;

static JET_ERR extent_list_add(extent_list *list, uint32_t first, uint32_t last)
{
    if (list->count && list->items[list->count - 1].last + 1 == first) {
        list->items[list->count - 1].last = last; /* adjacent single pages of a bitmap */
        return JET_errSuccess;
    }
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 16;
        space_extent *items = osal_malloc(capacity * sizeof *items);
        if (!items)
            return JET_errOutOfMemory;
        if (list->count)
            memcpy(items, list->items, list->count * sizeof *items);
        osal_free(list->items);
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count].first = first;
    list->items[list->count].last = last;
    list->count++;
    return JET_errSuccess;
}

static int compare_extents(const void *a, const void *b)
{
    const space_extent *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

static JET_ERR extent_error(char *msg, size_t cb_msg, JET_ERR err, uint32_t fdp, const char *what,
                            uint32_t value)
{
    if (cb_msg)
        snprintf(msg, cb_msg, "FDP %u: %s (%u)", fdp, what, value);
    return err;
}

/* Read every node of a space tree into a list. */
static JET_ERR read_space_tree(ese_pagestore *store, uint32_t root, int avail, uint32_t fdp,
                               extent_list *list, char *msg, size_t cb_msg)
{
    JET_ERR corrupt = avail ? JET_errSPAvailExtCorrupted : JET_errSPOwnExtCorrupted;
    ese_btree tree;
    JET_ERR err = bt_open(&tree, store, root);
    if (err < 0)
        return extent_error(msg, cb_msg, corrupt, fdp, avail ? "bad AvailExt root" : "bad OwnExt root", root);
    ese_btcursor cursor;
    bt_cursor_init(&cursor, &tree);
    err = bt_cursor_first(&cursor);
    while (err >= 0) {
        uint8_t key[AVAIL_POOL_KEY_SIZE], data[SPACE_NODE_DATA_SIZE];
        size_t key_len = 0, data_len = 0;
        err = bt_cursor_get(&cursor, key, sizeof key, &key_len, data, sizeof data, &data_len);
        if (err < 0)
            break;
        uint32_t last;
        int general;
        if (err != JET_errSuccess || data_len != SPACE_NODE_DATA_SIZE ||
            !parse_extent_key(key, key_len, avail, &last, &general)) {
            err = extent_error(msg, cb_msg, corrupt, fdp, "malformed space node in page", cursor.pgno);
            break;
        }
        uint32_t cpg = ese_load_u32(data);
        if (cpg == 0 || cpg > last || last > store->page_count) {
            err = extent_error(msg, cb_msg, corrupt, fdp, "extent outside the database, pgnoLast", last);
            break;
        }
        err = extent_list_add(list, last - cpg + 1, last);
        if (err >= 0)
            err = bt_cursor_next(&cursor);
    }
    bt_cursor_release(&cursor);
    return err == JET_errNoCurrentRecord ? JET_errSuccess : err;
}

JET_ERR space_load_extents(ese_pagestore *store, uint32_t fdp, space_extents *out, char *msg,
                           size_t cb_msg)
{
    memset(out, 0, sizeof *out);
    space_header header;
    JET_ERR err = space_read_header(store, fdp, &header);
    if (err < 0)
        return extent_error(msg, cb_msg, JET_errSPOwnExtCorrupted, fdp, "no valid SPACE_HEADER", 0);
    extent_list owned = {0}, avail = {0};
    if (header.flags & SPACE_FLAG_MULTIPLE_EXTENT) {
        err = read_space_tree(store, header.pgno_oe, 0, fdp, &owned, msg, cb_msg);
        if (err >= 0)
            err = read_space_tree(store, header.pgno_oe + 1, 1, fdp, &avail, msg, cb_msg);
    } else {
        uint32_t cpg = header.cpg_primary;
        if (cpg == 0 || cpg - 1 > store->page_count - fdp) {
            err = extent_error(msg, cb_msg, JET_errSPOwnExtCorrupted, fdp,
                               "single extent outside the database, cpg", cpg);
        } else {
            err = extent_list_add(&owned, fdp, fdp + cpg - 1);
            for (uint32_t i = 0; err >= 0 && i < SPACE_SINGLE_EXTENT_MAX && i + 1 < cpg; i++)
                if (header.pgno_oe & (1u << i))
                    err = extent_list_add(&avail, fdp + 1 + i, fdp + 1 + i);
        }
    }
    if (err >= 0) {
        /* AE keys of several pools do not sort by page: order both lists by page. */
        if (owned.count)
            qsort(owned.items, owned.count, sizeof *owned.items, compare_extents);
        if (avail.count)
            qsort(avail.items, avail.count, sizeof *avail.items, compare_extents);
        for (size_t i = 1; err >= 0 && i < owned.count; i++)
            if (owned.items[i].first <= owned.items[i - 1].last)
                err = extent_error(msg, cb_msg, JET_errSPOwnExtCorrupted, fdp,
                                   "owned extents overlap at page", owned.items[i].first);
        for (size_t i = 1; err >= 0 && i < avail.count; i++)
            if (avail.items[i].first <= avail.items[i - 1].last)
                err = extent_error(msg, cb_msg, JET_errSPAvailExtCorrupted, fdp,
                                   "available extents overlap at page", avail.items[i].first);
        /* Every available extent inside one owned extent (both sorted). */
        size_t o = 0;
        for (size_t i = 0; err >= 0 && i < avail.count; i++) {
            while (o < owned.count && owned.items[o].last < avail.items[i].first)
                o++;
            if (o == owned.count || owned.items[o].first > avail.items[i].first ||
                owned.items[o].last < avail.items[i].last)
                err = extent_error(msg, cb_msg, JET_errSPAvailExtCorrupted, fdp,
                                   "available extent not owned, first page", avail.items[i].first);
        }
        if (err >= 0 && owned.count == 0)
            err = extent_error(msg, cb_msg, JET_errSPOwnExtCorrupted, fdp, "owns nothing", 0);
    }
    if (err < 0) {
        osal_free(owned.items);
        osal_free(avail.items);
        return err;
    }
    out->owned = owned.items;
    out->owned_count = owned.count;
    out->avail = avail.items;
    out->avail_count = avail.count;
    return JET_errSuccess;
}

void space_extents_free(space_extents *extents)
{
    osal_free(extents->owned);
    osal_free(extents->avail);
    memset(extents, 0, sizeof *extents);
}

/* Index of the extent holding pgno in a sorted disjoint array, or -1. */
static long find_extent(const space_extent *items, size_t count, uint32_t pgno)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (items[mid].last < pgno)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < count && items[lo].first <= pgno ? (long)lo : -1;
}

int space_extents_page_in_use(const space_extents *extents, uint32_t pgno)
{
    return find_extent(extents->owned, extents->owned_count, pgno) >= 0 &&
           find_extent(extents->avail, extents->avail_count, pgno) < 0;
}

/* ---- whole-database ownership -------------------------------------------------------------- */

typedef struct {
    uint32_t *owner;     /* deepest FDP owning each page */
    uint8_t *uses;       /* how many times each page is used or available */
    uint32_t fdp;        /* the FDP whose trees are being visited */
    uint32_t bad_page;   /* first page found not owned by that FDP */
} ownership_ctx;

static JET_ERR count_tree_page(void *context, uint32_t pgno)
{
    ownership_ctx *ctx = context;
    if (ctx->owner[pgno] != ctx->fdp) {
        ctx->bad_page = pgno;
        return JET_errDatabaseCorrupted;
    }
    if (ctx->uses[pgno] < 255)
        ctx->uses[pgno]++;
    return JET_errSuccess;
}

static JET_ERR db_error(char *msg, size_t cb_msg, const char *what, uint32_t a, uint32_t b)
{
    if (cb_msg)
        snprintf(msg, cb_msg, "%s (%u, %u)", what, a, b);
    return JET_errDatabaseCorrupted;
}

JET_ERR space_check_database(ese_pagestore *store, const uint32_t *fdps, size_t count, char *msg,
                             size_t cb_msg)
{
    if (cb_msg)
        msg[0] = 0;
    for (size_t i = 0; i < count; i++) {
        JET_ERR err = bt_check(store, fdps[i], NULL, msg, cb_msg);
        if (err < 0)
            return err;
    }
    uint32_t page_count = store->page_count;
    ownership_ctx oc = {0};
    space_extents *extents = osal_calloc(count ? count : 1, sizeof *extents);
    space_header *headers = osal_calloc(count ? count : 1, sizeof *headers);
    uint32_t *depth = osal_calloc(count ? count : 1, sizeof *depth);
    oc.owner = osal_calloc((size_t)page_count + 1, sizeof *oc.owner);
    oc.uses = osal_calloc((size_t)page_count + 1, 1);
    JET_ERR err = JET_errSuccess;
    if (!extents || !headers || !depth || !oc.owner || !oc.uses) {
        err = JET_errOutOfMemory;
        goto done;
    }
    uint32_t max_depth = 0;
    for (size_t i = 0; i < count && err >= 0; i++) {
        err = space_read_header(store, fdps[i], &headers[i]);
        if (err >= 0)
            err = space_load_extents(store, fdps[i], &extents[i], msg, cb_msg);
    }
    if (err < 0)
        goto done;
    /* Depth of each FDP by its parent chain; every parent must be listed. */
    for (size_t i = 0; i < count && err >= 0; i++) {
        uint32_t d = 0;
        size_t at = i;
        while (headers[at].pgno_parent != 0) {
            size_t p = 0;
            while (p < count && fdps[p] != headers[at].pgno_parent)
                p++;
            if (p == count) {
                err = db_error(msg, cb_msg, "FDP's parent is not in the list: FDP, parent", fdps[at],
                               headers[at].pgno_parent);
                break;
            }
            if (++d > PARENT_CHAIN_MAX) {
                err = db_error(msg, cb_msg, "parent chain loops at FDP", fdps[i], 0);
                break;
            }
            at = p;
        }
        depth[i] = d;
        if (d > max_depth)
            max_depth = d;
    }
    /* Owners, shallowest first: a child's extents must be its parent's. */
    for (uint32_t d = 0; d <= max_depth && err >= 0; d++) {
        for (size_t i = 0; i < count && err >= 0; i++) {
            if (depth[i] != d)
                continue;
            uint32_t parent = headers[i].pgno_parent;
            for (size_t e = 0; e < extents[i].owned_count && err >= 0; e++) {
                for (uint32_t p = extents[i].owned[e].first; p <= extents[i].owned[e].last; p++) {
                    if (oc.owner[p] != parent) {
                        err = db_error(msg, cb_msg,
                                       oc.owner[p] ? "page owned twice: page, FDP"
                                                   : "child owns a page its parent does not: page, FDP",
                                       p, fdps[i]);
                        break;
                    }
                    oc.owner[p] = fdps[i];
                }
            }
        }
    }
    /* Available pages, then every page of every tree. */
    for (size_t i = 0; i < count && err >= 0; i++) {
        for (size_t e = 0; e < extents[i].avail_count && err >= 0; e++) {
            for (uint32_t p = extents[i].avail[e].first; p <= extents[i].avail[e].last; p++) {
                if (oc.owner[p] != fdps[i]) {
                    err = db_error(msg, cb_msg, "available page given to a child: page, FDP", p, fdps[i]);
                    break;
                }
                oc.uses[p]++;
            }
        }
        oc.fdp = fdps[i];
        uint32_t roots[3] = {fdps[i], 0, 0};
        if (headers[i].flags & SPACE_FLAG_MULTIPLE_EXTENT) {
            roots[1] = headers[i].pgno_oe;
            roots[2] = headers[i].pgno_oe + 1;
        }
        for (int r = 0; r < 3 && err >= 0; r++) {
            if (!roots[r])
                continue;
            err = bt_visit_pages(store, roots[r], count_tree_page, &oc);
            if (err == JET_errDatabaseCorrupted && oc.bad_page)
                err = db_error(msg, cb_msg, "tree page not owned by its FDP: page, FDP", oc.bad_page,
                               fdps[i]);
        }
    }
    /* ESE may extend the file ahead of what the root records as owned: such a tail is
     * unowned, unused free space.  Below the root's last owned page, every page is owned. */
    uint32_t root_last = 0;
    for (size_t i = 0; i < count; i++)
        if (headers[i].pgno_parent == 0 && extents[i].owned_count)
            root_last = extents[i].owned[extents[i].owned_count - 1].last;
    for (uint32_t p = 1; p <= page_count && err >= 0; p++) {
        if (oc.owner[p] == 0 && p > root_last)
            continue;
        if (oc.owner[p] == 0)
            err = db_error(msg, cb_msg, "page owned by no FDP", p, 0);
        else if (oc.uses[p] == 0)
            err = db_error(msg, cb_msg, "page leaked (owned, neither used nor available): page, FDP", p,
                           oc.owner[p]);
        else if (oc.uses[p] > 1)
            err = db_error(msg, cb_msg, "page both used and available, or used twice: page, FDP", p,
                           oc.owner[p]);
    }
done:
    if (extents)
        for (size_t i = 0; i < count; i++)
            space_extents_free(&extents[i]);
    osal_free(extents);
    osal_free(headers);
    osal_free(depth);
    osal_free(oc.owner);
    osal_free(oc.uses);
    return err;
}
