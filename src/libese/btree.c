/* btree.c -- see btree.h. */
#include "btree.h"

#include <stdio.h>
#include <string.h>

#include "osal.h"
#include "page.h"
#include "space.h"

/* Keys the write path handles (ESE's longest key is 2000 bytes; real pages can describe more
 * with prefix compression, which a split then treats as corruption). */
#define KEY_BUFFER_MAX 4096u
/* Keys the checker and cursors accept: anything a page can encode (prefix + suffix). */
#define KEY_DECODE_MAX (2u * PAGE_KEY_COUNT_MASK)

#define LEVEL_FLAGS (ESE_PAGE_FLAG_LEAF | ESE_PAGE_FLAG_PARENT_OF_LEAF)

/* ===========================================================================================
 * Limits
 * ========================================================================================= */

uint32_t bt_key_most(uint32_t page_size)
{
    if (page_size <= 2048)
        return 500;
    if (page_size <= 4096)
        return 1000;
    return 2000;
}

uint32_t bt_node_most(uint32_t page_size)
{
    return page_size - page_header_size(page_size) - 2 * PAGE_TAG_SIZE;
}

static JET_ERR check_entry_size(const ese_btree *tree, size_t key_len, size_t data_len)
{
    uint32_t page_size = tree->store->page_size;
    if (key_len == 0 || key_len > bt_key_most(page_size))
        return JET_errKeyTooBig;
    if (data_len == 0)
        return JET_errInvalidParameter;
    if (data_len > bt_node_most(page_size) || 2 + key_len + data_len > bt_node_most(page_size))
        return JET_errRecordTooBig;
    return JET_errSuccess;
}

/* ===========================================================================================
 * Pages of a tree
 * ========================================================================================= */

static inline uint32_t tree_page_flags(const ese_btree *tree, uint32_t level_flags)
{
    return tree->kind | BT_PAGE_BASE_FLAGS | level_flags;
}

/* Basic sanity of a page reached inside a tree: it belongs to the tree, is in use, and carries
 * the Root flag exactly when it is the root. */
static JET_ERR validate_tree_page(const ese_btree *tree, const uint8_t *page, uint32_t pgno)
{
    uint32_t flags = page_flags(page);
    if (page_objid(page) != tree->objid)
        return JET_errBadPageLink;
    if (flags & (ESE_PAGE_FLAG_EMPTY | ESE_PAGE_FLAG_PREINIT))
        return JET_errBadPageLink;
    if (!(flags & ESE_PAGE_FLAG_ROOT) != (pgno != tree->root))
        return JET_errBadPageLink;
    if (page_tag_count(page) < 1)
        return JET_errDatabaseCorrupted;
    return JET_errSuccess;
}

static JET_ERR read_tree_page(ese_btree *tree, uint32_t pgno, ese_page_ref *ref)
{
    JET_ERR err = pagestore_read(tree->store, pgno, ref);
    if (err < 0)
        return err;
    err = validate_tree_page(tree, ref->data, pgno);
    if (err < 0)
        pagestore_release(tree->store, ref);
    return err;
}

static JET_ERR read_leaf_page(ese_btree *tree, uint32_t pgno, ese_page_ref *ref)
{
    JET_ERR err = read_tree_page(tree, pgno, ref);
    if (err >= 0 && !(page_flags(ref->data) & ESE_PAGE_FLAG_LEAF)) {
        pagestore_release(tree->store, ref);
        err = JET_errBadPageLink;
    }
    return err;
}

/* Release every ref in an array (NULL data entries are skipped). */
static void release_all(ese_pagestore *store, ese_page_ref *refs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        pagestore_release(store, &refs[i]);
}

/* ===========================================================================================
 * Searching inside a page
 * ========================================================================================= */

/* Leaf: the first tag whose key is >= key (n when none); *pexact when it equals. */
/* Compare node itag's key with key: the plain-key fast path, else a full decode. */
static inline JET_ERR compare_node_key(const uint8_t *page, uint32_t page_size, uint32_t count,
                                       uint32_t itag, const uint8_t *key, uint32_t key_len, int *pc)
{
    uint32_t node_key_len, flags;
    const uint8_t *node_key = page_node_plain_key(page, page_size, count, itag, &node_key_len, &flags);
    if (node_key) {
        *pc = page_key_compare(node_key, node_key_len, key, key_len);
        return JET_errSuccess;
    }
    page_node node;
    JET_ERR err = page_node_get(page, page_size, itag, &node);
    if (err >= 0)
        *pc = page_node_key_compare(&node, key, key_len);
    return err;
}

static JET_ERR leaf_lower_bound(const uint8_t *page, uint32_t page_size, const uint8_t *key,
                                uint32_t key_len, uint32_t *ppos, int *pexact)
{
    uint32_t count = page_tag_count(page);
    uint32_t lo = 1, hi = count;
    int exact = 0;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c;
        JET_ERR err = compare_node_key(page, page_size, count, mid, key, key_len, &c);
        if (err < 0)
            return err;
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
            exact = c == 0;
        }
    }
    *ppos = lo;
    *pexact = exact && lo < page_tag_count(page);
    return JET_errSuccess;
}

/* Internal page: the first entry whose separator is > key (the empty separator is +infinity);
 * the last entry when none is (a key beyond the page's upper bound cannot occur in a valid
 * tree, and landing on the right edge is the safe reading). */
static JET_ERR branch_find(const uint8_t *page, uint32_t page_size, const uint8_t *key,
                           uint32_t key_len, uint32_t *pitag, uint32_t *pchild)
{
    uint32_t count = page_tag_count(page);
    if (count < 2)
        return JET_errDatabaseCorrupted;
    uint32_t lo = 1, hi = count - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t sep_len, flags;
        const uint8_t *sep = page_node_plain_key(page, page_size, count, mid, &sep_len, &flags);
        int greater;
        if (sep) {
            greater = sep_len == 0 || page_key_compare(sep, sep_len, key, key_len) > 0;
        } else {
            page_node node;
            JET_ERR err = page_node_get(page, page_size, mid, &node);
            if (err < 0)
                return err;
            greater = page_node_key_len(&node) == 0 || page_node_key_compare(&node, key, key_len) > 0;
        }
        if (greater)
            hi = mid;
        else
            lo = mid + 1;
    }
    page_node node;
    JET_ERR err = page_node_get(page, page_size, lo, &node);
    if (err < 0)
        return err;
    if (node.data_len < PAGE_BRANCH_DATA_SIZE)
        return JET_errDatabaseCorrupted;
    *pitag = lo;
    *pchild = page_node_child(&node);
    return JET_errSuccess;
}

/* ===========================================================================================
 * Descent
 * ========================================================================================= */

typedef struct {
    uint32_t pgno[BT_MAX_DEPTH];
    uint32_t itag[BT_MAX_DEPTH];  /* internal: entry followed; leaf: lower-bound position */
    uint32_t depth;               /* levels; the leaf is at depth - 1 */
    int exact;                    /* the leaf's node at itag has the key */
    int ghost;                    /* ... and is a ghost (fNDDeleted) */
    uint32_t leaf_free;           /* the leaf's cbFree */
    uint32_t leaf_nodes;          /* the leaf's node count */
    uint32_t exact_size;          /* size of the matching node */
} bt_path;

static JET_ERR descend(ese_btree *tree, const uint8_t *key, uint32_t key_len, bt_path *path)
{
    uint32_t page_size = tree->store->page_size;
    uint32_t pgno = tree->root;
    for (uint32_t level = 0;; level++) {
        if (level >= BT_MAX_DEPTH)
            return JET_errDatabaseCorrupted;
        ese_page_ref ref;
        JET_ERR err = read_tree_page(tree, pgno, &ref);
        if (err < 0)
            return err;
        path->pgno[level] = pgno;
        const uint8_t *page = ref.data;
        if (page_flags(page) & ESE_PAGE_FLAG_LEAF) {
            uint32_t pos;
            int exact;
            err = leaf_lower_bound(page, page_size, key, key_len, &pos, &exact);
            if (err >= 0) {
                path->itag[level] = pos;
                path->depth = level + 1;
                path->exact = exact;
                path->ghost = 0;
                path->exact_size = 0;
                path->leaf_free = page_room(page);
                path->leaf_nodes = page_node_count(page);
                if (exact) {
                    page_node node;
                    err = page_node_get(page, page_size, pos, &node);
                    path->ghost = (node.flags & PAGE_TAG_FLAG_DELETED) != 0;
                    path->exact_size = node.size;
                }
            }
            pagestore_release(tree->store, &ref);
            return err;
        }
        uint32_t itag = 0, child = 0;
        err = branch_find(page, page_size, key, key_len, &itag, &child);
        pagestore_release(tree->store, &ref);
        if (err < 0)
            return err;
        if (child == 0 || child > tree->store->page_count)
            return JET_errBadPageLink;
        path->itag[level] = itag;
        pgno = child;
    }
}

/* ===========================================================================================
 * Splits
 * ========================================================================================= */

/* The change that needs room: insert a node before tag itag, or replace node itag. */
typedef struct {
    int replace;
    uint32_t itag;
    const uint8_t *key;   /* leaf inserts: the new key; NULL otherwise */
    uint32_t key_len;
    uint32_t size;        /* the new node's size, without its tag */
} bt_pending;

typedef struct {
    uint32_t keep;                 /* real nodes staying on the left page */
    uint8_t sep[KEY_BUFFER_MAX];   /* the separator the parent gets for the left page */
    uint32_t sep_len;
} bt_split_plan;

/* Size a node will take once moved to a fresh page (uncompressed). */
static inline uint32_t expanded_size(const page_node *node)
{
    return page_node_size(page_node_key_len(node), node->data_len);
}

/* Copy a node's whole key into buf (KEY_BUFFER_MAX bytes). */
static JET_ERR node_key_to(const page_node *node, uint8_t *buf, uint32_t *plen)
{
    uint32_t len = page_node_key_len(node);
    if (len > KEY_BUFFER_MAX)
        return JET_errDatabaseCorrupted;
    page_node_key_copy(node, buf);
    *plen = len;
    return JET_errSuccess;
}

/* Virtual entry v of the page as it would be with the pending change applied: its node (left
 * unset for a pending insert) and its sizes on the left page (in place) and on a fresh page. */
static JET_ERR virtual_entry(const uint8_t *page, uint32_t page_size, const bt_pending *pending,
                             uint32_t v, page_node *node, int *pis_pending, uint32_t *pleft,
                             uint32_t *pright)
{
    uint32_t itag; /* the real tag behind v */
    int is_pending = 0;
    if (pending->replace) {
        itag = v + 1;
        is_pending = itag == pending->itag;
    } else if (v + 1 < pending->itag) {
        itag = v + 1;
    } else if (v + 1 == pending->itag) {
        is_pending = 1;
        itag = 0;
    } else {
        itag = v;
    }
    *pis_pending = is_pending;
    if (is_pending) {
        *pleft = *pright = pending->size + PAGE_TAG_SIZE;
        if (pending->replace)
            return page_node_get(page, page_size, itag, node); /* the key stays the same */
        return JET_errSuccess;
    }
    JET_ERR err = page_node_get(page, page_size, itag, node);
    if (err < 0)
        return err;
    *pleft = node->size + PAGE_TAG_SIZE;
    *pright = expanded_size(node) + PAGE_TAG_SIZE;
    return JET_errSuccess;
}

/* The key of virtual entry v into buf. */
static JET_ERR virtual_key(const uint8_t *page, uint32_t page_size, const bt_pending *pending,
                           uint32_t v, uint8_t *buf, uint32_t *plen)
{
    page_node node;
    int is_pending;
    uint32_t left, right;
    JET_ERR err = virtual_entry(page, page_size, pending, v, &node, &is_pending, &left, &right);
    if (err < 0)
        return err;
    if (is_pending && !pending->replace) {
        if (!pending->key || pending->key_len > KEY_BUFFER_MAX)
            return JET_errInternalError;
        memcpy(buf, pending->key, pending->key_len);
        *plen = pending->key_len;
        return JET_errSuccess;
    }
    return node_key_to(&node, buf, plen);
}

/* Shortest prefix of `right` that is greater than `left` (left < right): facts §2.4. */
static uint32_t shortest_separator(const uint8_t *left, uint32_t left_len, const uint8_t *right,
                                   uint32_t right_len)
{
    uint32_t common = 0;
    while (common < left_len && common < right_len && left[common] == right[common])
        common++;
    return common + 1 <= right_len ? common + 1 : right_len;
}

/* Choose where to split a page (leaf or internal) so that the pending change fits on the half
 * it belongs to, and the separator the parent gets for the left half. */
static JET_ERR plan_split(const uint8_t *page, uint32_t page_size, const bt_pending *pending,
                          bt_split_plan *plan)
{
    int leaf = (page_flags(page) & ESE_PAGE_FLAG_LEAF) != 0;
    uint32_t header = page_header_size(page_size);
    uint32_t n = page_node_count(page);
    uint32_t nv = pending->replace ? n : n + 1;
    uint32_t tag0_size;
    page_tag_bytes(page, page_size, 0, &tag0_size);
    uint32_t cap_left = page_size - header - PAGE_TAG_SIZE - tag0_size;
    uint32_t cap_right = page_size - header - PAGE_TAG_SIZE;
    uint32_t pidx = pending->itag - 1; /* virtual index of the pending entry */
    JET_ERR err;

    /* Pass 1: totals on a fresh page. */
    uint64_t total_right = 0;
    for (uint32_t v = 0; v < nv; v++) {
        page_node node;
        int is_pending;
        uint32_t left, right;
        err = virtual_entry(page, page_size, pending, v, &node, &is_pending, &left, &right);
        if (err < 0)
            return err;
        total_right += right;
    }

    /* The right edge of the level: sequential inserts there fill pages instead of halving. */
    int rightmost = 0;
    if (leaf) {
        rightmost = page_next(page) == 0;
    } else if (n > 0) {
        page_node last;
        err = page_node_get(page, page_size, n, &last);
        if (err < 0)
            return err;
        rightmost = page_node_key_len(&last) == 0;
    }
    uint32_t preferred = UINT32_MAX;
    if (!pending->replace && rightmost) {
        if (leaf && pidx == n)
            preferred = nv - 1;  /* the new node alone on the new page */
        else if (!leaf && n > 0 && pidx == n - 1)
            preferred = pidx;    /* the new entry and the last one on the new page */
    }

    /* Pass 2: every split point k (left = virtual[0..k), right = virtual[k..nv)). */
    uint32_t best = UINT32_MAX;
    uint64_t best_diff = UINT64_MAX;
    uint64_t sum_left = 0, sum_right_prefix = 0;
    for (uint32_t k = 1; k < nv; k++) {
        page_node node;
        int is_pending;
        uint32_t left, right;
        err = virtual_entry(page, page_size, pending, k - 1, &node, &is_pending, &left, &right);
        if (err < 0)
            return err;
        sum_left += left;
        sum_right_prefix += right;
        uint64_t sum_right = total_right - sum_right_prefix;
        if (sum_left > cap_left || sum_right > cap_right)
            continue;
        /* An internal page's separator is its left half's last key, which must be a real
         * entry: the pending entry goes in later, next to the entry it precedes. */
        if (!leaf && !pending->replace && k == pidx + 1)
            continue;
        if (k == preferred) {
            best = k;
            break;
        }
        uint64_t diff = sum_left > sum_right ? sum_left - sum_right : sum_right - sum_left;
        if (diff < best_diff) {
            best_diff = diff;
            best = k;
        }
    }

    uint8_t left_key[KEY_BUFFER_MAX], right_key[KEY_BUFFER_MAX];
    uint32_t left_len = 0, right_len = 0;
    if (best != UINT32_MAX) {
        uint32_t k = best;
        if (pending->replace)
            plan->keep = k;
        else
            plan->keep = k <= pidx ? k : k - 1;
        err = virtual_key(page, page_size, pending, k - 1, left_key, &left_len);
        if (err < 0)
            return err;
        if (!leaf) {
            memcpy(plan->sep, left_key, left_len);
            plan->sep_len = left_len;
            return JET_errSuccess;
        }
        err = virtual_key(page, page_size, pending, k, right_key, &right_len);
        if (err < 0)
            return err;
        plan->sep_len = shortest_separator(left_key, left_len, right_key, right_len);
        memcpy(plan->sep, right_key, plan->sep_len);
        return JET_errSuccess;
    }

    /* No split point lets the change fit in one step (huge nodes, or a long key prefix in
     * tag 0): move the real nodes from the pending position on to a new page without the
     * change, which puts the change at a page edge where the next split always works. */
    if (n == 0)
        return JET_errInternalError;
    uint32_t keep = pidx < n ? pidx : n - 1;
    if (!leaf && keep == 0)
        keep = 1;
    if (pending->replace && keep == 0 && n > 1)
        keep = 1;
    /* The moved nodes must fit on the new page. */
    for (;;) {
        uint64_t moved = 0;
        for (uint32_t itag = keep + 1; itag <= n; itag++) {
            page_node node;
            err = page_node_get(page, page_size, itag, &node);
            if (err < 0)
                return err;
            moved += expanded_size(&node) + PAGE_TAG_SIZE;
        }
        if (moved <= cap_right)
            break;
        if (++keep >= n)
            return JET_errInternalError;
    }
    if (!leaf && keep >= n)
        return JET_errInternalError;
    plan->keep = keep;
    page_node right_node;
    err = page_node_get(page, page_size, keep + 1, &right_node);
    if (err < 0)
        return err;
    err = node_key_to(&right_node, right_key, &right_len);
    if (err < 0)
        return err;
    if (keep > 0) {
        page_node left_node;
        err = page_node_get(page, page_size, keep, &left_node);
        if (err < 0)
            return err;
        err = node_key_to(&left_node, left_key, &left_len);
        if (err < 0)
            return err;
        if (!leaf) {
            memcpy(plan->sep, left_key, left_len);
            plan->sep_len = left_len;
            return JET_errSuccess;
        }
        plan->sep_len = shortest_separator(left_key, left_len, right_key, right_len);
    } else if (!pending->replace && pending->key) {
        /* Everything moves; the left page keeps only the pending key's place. */
        plan->sep_len = shortest_separator(pending->key, pending->key_len, right_key, right_len);
    } else {
        plan->sep_len = right_len; /* the left page ends up empty: bound it by the moved key */
    }
    memcpy(plan->sep, right_key, plan->sep_len);
    return JET_errSuccess;
}

/* A page for a split: the spare handed in, else the allocator. */
static JET_ERR take_split_page(ese_btree *tree, uint32_t *ppgno)
{
    if (tree->spare) {
        *ppgno = tree->spare;
        tree->spare = 0;
        return JET_errSuccess;
    }
    if (!tree->alloc)
        return BT_ERR_NEED_PAGE;
    JET_ERR err = tree->alloc(tree, ppgno);
    if (err >= 0 && (*ppgno == 0 || *ppgno > tree->store->page_count))
        err = JET_errInternalError;
    return err;
}

/* After an operation: a page allocated for a split that did not happen goes back. */
static void settle_spare(ese_btree *tree)
{
    if (tree->spare && tree->alloc && tree->free) {
        uint32_t pgno = tree->spare;
        tree->spare = 0;
        tree->free(tree, pgno);
    }
}

/* Copy nodes first..last of `from` to the end of `to` (a page with room), uncompressed.
 * Ghosts stay ghosts. */
static JET_ERR move_nodes(uint8_t *from, uint8_t *to, uint32_t page_size, uint32_t first, uint32_t last)
{
    uint8_t key[KEY_BUFFER_MAX];
    for (uint32_t itag = first; itag <= last; itag++) {
        page_node node;
        JET_ERR err = page_node_get(from, page_size, itag, &node);
        if (err < 0)
            return err;
        const uint8_t *k = node.suffix;
        uint32_t key_len = node.suffix_len;
        if (node.prefix_len) {
            err = node_key_to(&node, key, &key_len);
            if (err < 0)
                return err;
            k = key;
        }
        if (!page_can_insert(to, page_node_size(key_len, node.data_len)))
            return JET_errInternalError;
        err = page_insert(to, page_size, page_tag_count(to), k, key_len, node.data, node.data_len,
                          node.flags & PAGE_TAG_FLAG_DELETED);
        if (err < 0)
            return err;
    }
    return JET_errSuccess;
}

/* A non-root page that no longer has prefix-compressed nodes does not need its tag 0 prefix. */
static void drop_unused_prefix(uint8_t *page, uint32_t page_size)
{
    uint32_t tag0_size;
    page_tag_bytes(page, page_size, 0, &tag0_size);
    if (tag0_size == 0 || (page_flags(page) & ESE_PAGE_FLAG_ROOT))
        return;
    for (uint32_t itag = 1; itag < page_tag_count(page); itag++) {
        page_tag tag;
        page_tag_get(page, page_size, itag, &tag);
        if (tag.flags & PAGE_TAG_FLAG_COMPRESSED)
            return;
    }
    page_set_external_header(page, page_size, NULL, 0);
}

/* The root overflows: move its whole content to a new child and make the root an internal
 * page with one entry (empty key -> child).  The root page never moves. */
static JET_ERR push_down_root(ese_btree *tree)
{
    uint32_t page_size = tree->store->page_size;
    uint32_t child;
    JET_ERR err = take_split_page(tree, &child);
    if (err < 0)
        return err;
    ese_page_ref refs[2] = {{0}, {0}};
    err = pagestore_write(tree->store, tree->root, &refs[0]);
    if (err >= 0)
        err = pagestore_write(tree->store, child, &refs[1]);
    if (err < 0) {
        release_all(tree->store, refs, 2);
        tree->spare = child;
        return err;
    }
    uint8_t *root = refs[0].data, *page = refs[1].data;
    /* The root keeps only tag 0 and gets one entry: compact it first if tag 0 sits so far up
     * that the entry would need a reorganization later (which could fail halfway). */
    page_tag tag0;
    page_tag_get(root, page_size, 0, &tag0);
    uint32_t root_used = page_header_size(page_size) + tag0.offset + tag0.size + 2 * PAGE_TAG_SIZE;
    if (root_used + page_node_size(0, PAGE_BRANCH_DATA_SIZE) > page_size) {
        err = page_reorganize(root, page_size);
        if (err < 0) {
            release_all(tree->store, refs, 2);
            tree->spare = child;
            return err;
        }
    }
    uint32_t level_flags = page_flags(root) & LEVEL_FLAGS;
    page_init(page, page_size, child, tree->objid, tree_page_flags(tree, level_flags));
    uint32_t n = page_node_count(root);
    err = move_nodes(root, page, page_size, 1, n);
    if (err >= 0) {
        page_truncate(root, page_size, 1);
        uint32_t root_level = (level_flags & ESE_PAGE_FLAG_LEAF) ? ESE_PAGE_FLAG_PARENT_OF_LEAF : 0;
        page_set_flags(root, (page_flags(root) & ~LEVEL_FLAGS) | root_level);
        page_set_prev(root, 0);
        page_set_next(root, 0);
        uint8_t child_le[4];
        ese_store_u32(child_le, child);
        err = page_insert(root, page_size, 1, NULL, 0, child_le, sizeof child_le, 0);
    }
    release_all(tree->store, refs, 2);
    tree->version++;
    return err;
}

/* Split the page at `level` of the path (not the root) as planned. */
static JET_ERR split_page(ese_btree *tree, const bt_path *path, uint32_t level, const bt_split_plan *plan)
{
    ese_pagestore *store = tree->store;
    uint32_t page_size = store->page_size;
    uint32_t pgno = path->pgno[level], parent = path->pgno[level - 1];
    uint32_t entry = path->itag[level - 1];
    uint32_t fresh;
    JET_ERR err = take_split_page(tree, &fresh);
    if (err < 0)
        return err;

    /* Take every page first, and make room in the parent, so that nothing below can fail
     * halfway through. */
    enum { R_PAGE, R_PARENT, R_FRESH, R_NEXT, R_COUNT };
    ese_page_ref refs[R_COUNT] = {{0}};
    err = pagestore_write(store, pgno, &refs[R_PAGE]);
    if (err >= 0)
        err = pagestore_write(store, parent, &refs[R_PARENT]);
    if (err >= 0)
        err = pagestore_write(store, fresh, &refs[R_FRESH]);
    int leaf = err >= 0 && (page_flags(refs[R_PAGE].data) & ESE_PAGE_FLAG_LEAF);
    uint32_t next = leaf ? page_next(refs[R_PAGE].data) : 0;
    if (err >= 0 && next)
        err = pagestore_write(store, next, &refs[R_NEXT]);
    uint32_t sep_node = page_node_size(plan->sep_len, PAGE_BRANCH_DATA_SIZE);
    if (err >= 0 && !page_can_insert(refs[R_PARENT].data, sep_node))
        err = JET_errInternalError;
    if (err >= 0) {
        /* Reorganize the parent now if the insert would have to. */
        uint8_t *pp = refs[R_PARENT].data;
        uint32_t used = page_header_size(page_size) + page_ib_mic_free(pp) +
                        PAGE_TAG_SIZE * page_tag_count(pp);
        if (page_size - used < sep_node + PAGE_TAG_SIZE)
            err = page_reorganize(pp, page_size);
    }
    if (err < 0) {
        release_all(store, refs, R_COUNT);
        tree->spare = fresh;
        return err;
    }

    uint8_t *page = refs[R_PAGE].data, *right = refs[R_FRESH].data, *pp = refs[R_PARENT].data;
    uint32_t n = page_node_count(page);
    page_init(right, page_size, fresh, tree->objid, tree_page_flags(tree, page_flags(page) & LEVEL_FLAGS));
    err = move_nodes(page, right, page_size, plan->keep + 1, n);
    if (err >= 0) {
        page_truncate(page, page_size, plan->keep + 1);
        drop_unused_prefix(page, page_size);
        if (leaf) {
            page_set_prev(right, pgno);
            page_set_next(right, next);
            page_set_next(page, fresh);
            if (next)
                page_set_prev(refs[R_NEXT].data, fresh);
        }
        /* The parent's entry for this page now leads to the right half; the left half gets a
         * new entry (separator -> this page) just before it. */
        page_set_child(pp, page_size, entry, fresh);
        uint8_t left_le[4];
        ese_store_u32(left_le, pgno);
        err = page_insert(pp, page_size, entry, plan->sep, plan->sep_len, left_le, sizeof left_le, 0);
    }
    release_all(store, refs, R_COUNT);
    tree->version++;
    return err;
}

/* Make one structural change towards room for `pending` in the leaf of `path`: a split of the
 * leaf, or of the lowest ancestor that must split first, or pushing the root down. */
static JET_ERR make_room(ese_btree *tree, const bt_path *path, const bt_pending *leaf_pending)
{
    uint32_t page_size = tree->store->page_size;
    bt_pending pending = *leaf_pending;
    bt_split_plan *plan = osal_malloc(sizeof *plan);
    if (!plan)
        return JET_errOutOfMemory;
    JET_ERR err = JET_errSuccess;
    for (uint32_t level = path->depth - 1;; level--) {
        if (level == 0) {
            err = push_down_root(tree);
            break;
        }
        ese_page_ref ref;
        err = pagestore_read(tree->store, path->pgno[level], &ref);
        if (err < 0)
            break;
        err = plan_split(ref.data, page_size, &pending, plan);
        pagestore_release(tree->store, &ref);
        if (err < 0)
            break;
        uint32_t sep_node = page_node_size(plan->sep_len, PAGE_BRANCH_DATA_SIZE);
        err = pagestore_read(tree->store, path->pgno[level - 1], &ref);
        if (err < 0)
            break;
        int parent_fits = page_can_insert(ref.data, sep_node);
        pagestore_release(tree->store, &ref);
        if (parent_fits) {
            err = split_page(tree, path, level, plan);
            break;
        }
        /* The parent must split first; its pending change is the separator entry. */
        pending.replace = 0;
        pending.itag = path->itag[level - 1];
        pending.key = NULL;
        pending.key_len = 0;
        pending.size = sep_node;
    }
    osal_free(plan);
    return err;
}

/* ===========================================================================================
 * Insert / replace / delete
 * ========================================================================================= */

typedef enum { OP_INSERT, OP_REPLACE, OP_PREPARE } bt_op;

/* Splits are one at a time and each restarts from the root; a tree needs at most one split
 * per level plus a root push-down for any one change, and the fallback split a few more. */
#define MAX_RESTRUCTURES (4u * BT_MAX_DEPTH)

static JET_ERR modify(ese_btree *tree, bt_op op, const uint8_t *key, uint32_t key_len,
                      const uint8_t *data, uint32_t data_len)
{
    uint32_t page_size = tree->store->page_size;
    uint32_t size = page_node_size(key_len, data_len);
    JET_ERR err = JET_errSuccess;
    for (uint32_t round = 0;; round++) {
        if (round > MAX_RESTRUCTURES) {
            err = JET_errInternalError;
            break;
        }
        bt_path path;
        err = descend(tree, key, key_len, &path);
        if (err < 0)
            break;
        uint32_t leaf = path.pgno[path.depth - 1], pos = path.itag[path.depth - 1];
        int present = path.exact && !path.ghost;
        if (op == OP_INSERT && present) {
            err = JET_errKeyDuplicate;
            break;
        }
        if (op == OP_REPLACE && !present) {
            err = JET_errRecordNotFound;
            break;
        }
        /* Inserting over a ghost replaces it. */
        bt_pending pending = {.replace = path.exact, .itag = pos, .key = key, .key_len = key_len, .size = size};
        int fits = pending.replace ? path.leaf_free + path.exact_size >= size
                                   : path.leaf_free >= size + PAGE_TAG_SIZE &&
                                         path.leaf_nodes + 1 < PAGE_TAG_COUNT_MAX;
        if (fits) {
            if (op == OP_PREPARE)
                break;
            ese_page_ref ref;
            err = pagestore_write(tree->store, leaf, &ref);
            if (err < 0)
                break;
            if (pending.replace)
                err = page_replace(ref.data, page_size, pos, key, key_len, data, data_len, 0);
            else
                err = page_insert(ref.data, page_size, pos, key, key_len, data, data_len, 0);
            pagestore_release(tree->store, &ref);
            tree->version++;
            break;
        }
        err = make_room(tree, &path, &pending);
        if (err < 0)
            break;
    }
    settle_spare(tree);
    return err;
}

JET_ERR bt_insert(ese_btree *tree, const void *key, size_t key_len, const void *data, size_t data_len)
{
    JET_ERR err = check_entry_size(tree, key_len, data_len);
    if (err < 0)
        return err;
    return modify(tree, OP_INSERT, key, (uint32_t)key_len, data, (uint32_t)data_len);
}

JET_ERR bt_replace(ese_btree *tree, const void *key, size_t key_len, const void *data, size_t data_len)
{
    JET_ERR err = check_entry_size(tree, key_len, data_len);
    if (err == JET_errKeyTooBig)
        return JET_errRecordNotFound; /* no such key can be in the tree */
    if (err < 0)
        return err;
    return modify(tree, OP_REPLACE, key, (uint32_t)key_len, data, (uint32_t)data_len);
}

JET_ERR bt_prepare_insert(ese_btree *tree, const void *key, size_t key_len, size_t data_len)
{
    JET_ERR err = check_entry_size(tree, key_len, data_len);
    if (err < 0)
        return err;
    return modify(tree, OP_PREPARE, key, (uint32_t)key_len, NULL, (uint32_t)data_len);
}

/* Room to give an internal page's last entry a new key of new_len bytes without any
 * reorganization that could fail halfway: the whole new node must fit in the free space, and
 * the free space must be contiguous (reorganized beforehand when it is not). */
static int spine_key_fits(const uint8_t *page, uint32_t new_len)
{
    return page_room(page) >= page_node_size(new_len, PAGE_BRANCH_DATA_SIZE);
}

/* The internal pages on the right edge of the subtree at `pgno` (level `level`), top down: the
 * last entry of each bounds the subtree from above. */
static JET_ERR right_spine(ese_btree *tree, uint32_t pgno, uint32_t level, uint32_t *spine,
                           uint32_t *pcount)
{
    uint32_t page_size = tree->store->page_size;
    *pcount = 0;
    for (;; level++) {
        if (level >= BT_MAX_DEPTH)
            return JET_errDatabaseCorrupted;
        ese_page_ref ref;
        JET_ERR err = read_tree_page(tree, pgno, &ref);
        if (err < 0)
            return err;
        if (page_flags(ref.data) & ESE_PAGE_FLAG_LEAF) {
            pagestore_release(tree->store, &ref);
            return JET_errSuccess;
        }
        spine[(*pcount)++] = pgno;
        uint32_t n = page_node_count(ref.data);
        page_node node;
        err = n ? page_node_get(ref.data, page_size, n, &node) : JET_errDatabaseCorrupted;
        uint32_t child = err >= 0 && node.data_len >= PAGE_BRANCH_DATA_SIZE ? page_node_child(&node) : 0;
        pagestore_release(tree->store, &ref);
        if (err < 0)
            return err;
        if (child == 0 || child > tree->store->page_count)
            return JET_errBadPageLink;
        pgno = child;
    }
}

/* Returned by remove_empty_leaf after a split made room: descend again. */
#define BT_RESTART 1

/* The leaf at the bottom of `path` holds only the node being deleted: take it out of the tree
 * with every ancestor that would be left without entries, unlink it from its siblings, and free
 * the pages.  The topmost page removed loses its entry in its parent P.  When that entry is P's
 * last, it carries P's upper bound, so the left neighbour's entry takes over that key (and the
 * range): if the neighbour is a leaf that is all; if it is an internal page, the last entries
 * down its right edge must take the larger bound too, and a page without room for the longer
 * key is split first (then BT_RESTART).  Every page is taken and made ready before the first
 * change, so the removal happens whole or not at all. */
static JET_ERR remove_empty_leaf(ese_btree *tree, const bt_path *path)
{
    ese_pagestore *store = tree->store;
    uint32_t page_size = store->page_size;
    uint32_t leaf_level = path->depth - 1;
    JET_ERR err;

    uint32_t top = leaf_level;
    while (top > 1) {
        ese_page_ref ref;
        err = pagestore_read(store, path->pgno[top - 1], &ref);
        if (err < 0)
            return err;
        uint32_t entries = page_node_count(ref.data);
        pagestore_release(store, &ref);
        if (entries != 1)
            break;
        top--;
    }
    uint32_t parent = path->pgno[top - 1], entry = path->itag[top - 1];

    /* The bound that moves left, and the right edge that must take it. */
    uint8_t bound[KEY_BUFFER_MAX];
    uint32_t bound_len = 0, spine[BT_MAX_DEPTH], spine_count = 0, entries;
    {
        ese_page_ref ref;
        err = pagestore_read(store, parent, &ref);
        if (err < 0)
            return err;
        entries = page_node_count(ref.data);
        uint32_t left_child = 0;
        if (entries >= 2 && entry == entries) {
            page_node last, left;
            err = page_node_get(ref.data, page_size, entry, &last);
            if (err >= 0)
                err = node_key_to(&last, bound, &bound_len);
            if (err >= 0)
                err = page_node_get(ref.data, page_size, entry - 1, &left);
            if (err >= 0)
                left_child = page_node_child(&left);
        }
        pagestore_release(store, &ref);
        if (err < 0)
            return err;
        if (left_child && top < leaf_level)
            err = right_spine(tree, left_child, top, spine, &spine_count);
        if (err < 0)
            return err;
    }
    for (uint32_t i = 0; i < spine_count; i++) {
        ese_page_ref ref;
        err = pagestore_read(store, spine[i], &ref);
        if (err < 0)
            return err;
        uint32_t n = page_node_count(ref.data);
        int fits = spine_key_fits(ref.data, bound_len);
        pagestore_release(store, &ref);
        if (fits)
            continue;
        /* Split this spine page first; its path runs through the left neighbour. */
        bt_path spine_path = *path;
        spine_path.itag[top - 1] = entry - 1;
        for (uint32_t j = 0; j <= i; j++) {
            spine_path.pgno[top + j] = spine[j];
            if (j > 0) {
                ese_page_ref up;
                err = pagestore_read(store, spine[j - 1], &up);
                if (err < 0)
                    return err;
                spine_path.itag[top + j - 1] = page_node_count(up.data);
                pagestore_release(store, &up);
            }
        }
        spine_path.depth = top + i + 1;
        bt_pending pending = {.replace = 1, .itag = n, .key = NULL, .key_len = 0,
                              .size = page_node_size(bound_len, PAGE_BRANCH_DATA_SIZE)};
        err = make_room(tree, &spine_path, &pending);
        return err < 0 ? err : BT_RESTART;
    }

    /* Take every page: the parent, the leaf's neighbours, the spine, the pages that go. */
    enum { R_PARENT, R_PREV, R_NEXT, R_SPINE };
    ese_page_ref refs[R_SPINE + 2 * BT_MAX_DEPTH];
    memset(refs, 0, sizeof refs);
    uint32_t r_gone = R_SPINE + spine_count;
    size_t ref_count = r_gone + (leaf_level - top + 1);
    err = pagestore_write(store, parent, &refs[R_PARENT]);
    for (uint32_t i = 0; err >= 0 && i < spine_count; i++) {
        err = pagestore_write(store, spine[i], &refs[R_SPINE + i]);
        /* Compact now if the longer key would need it later. */
        uint8_t *sp = err >= 0 ? refs[R_SPINE + i].data : NULL;
        if (sp && page_size - page_header_size(page_size) - page_ib_mic_free(sp) -
                          PAGE_TAG_SIZE * page_tag_count(sp) < page_room(sp))
            err = page_reorganize(sp, page_size);
    }
    for (uint32_t level = top; err >= 0 && level <= leaf_level; level++)
        err = pagestore_write(store, path->pgno[level], &refs[r_gone + level - top]);
    uint32_t prev = 0, next = 0;
    if (err >= 0) {
        const uint8_t *leaf_page = refs[r_gone + leaf_level - top].data;
        prev = page_prev(leaf_page);
        next = page_next(leaf_page);
        if (prev)
            err = pagestore_write(store, prev, &refs[R_PREV]);
        if (err >= 0 && next)
            err = pagestore_write(store, next, &refs[R_NEXT]);
    }
    if (err < 0) {
        release_all(store, refs, ref_count);
        return err;
    }

    if (prev)
        page_set_next(refs[R_PREV].data, next);
    if (next)
        page_set_prev(refs[R_NEXT].data, prev);
    uint8_t *pp = refs[R_PARENT].data;
    if (entries == 1) {
        /* Only the root can get here (top == 1): the tree is empty again. */
        page_truncate(pp, page_size, 1);
        page_set_flags(pp, (page_flags(pp) & ~LEVEL_FLAGS) | ESE_PAGE_FLAG_LEAF);
    } else if (entry == entries) {
        /* Keep the last entry's key (the page's upper bound), give it the left neighbour's
         * child, drop the neighbour's entry; the neighbour's right edge takes the bound. */
        page_node left;
        err = page_node_get(pp, page_size, entry - 1, &left);
        if (err >= 0) {
            page_set_child(pp, page_size, entry, page_node_child(&left));
            page_delete(pp, page_size, entry - 1);
        }
        for (uint32_t i = 0; err >= 0 && i < spine_count; i++) {
            uint8_t *sp = refs[R_SPINE + i].data;
            uint32_t n = page_node_count(sp);
            page_node last;
            err = page_node_get(sp, page_size, n, &last);
            if (err < 0)
                break;
            uint8_t child_le[PAGE_BRANCH_DATA_SIZE];
            ese_store_u32(child_le, page_node_child(&last));
            err = page_replace(sp, page_size, n, bound, bound_len, child_le, sizeof child_le, 0);
        }
    } else {
        page_delete(pp, page_size, entry);
    }
    for (uint32_t level = top; level <= leaf_level; level++)
        page_init(refs[r_gone + level - top].data, page_size, path->pgno[level], tree->objid,
                  tree_page_flags(tree, ESE_PAGE_FLAG_EMPTY));
    release_all(store, refs, ref_count);
    tree->version++;
    if (err < 0)
        return err;
    /* The tree is whole again; now hand the pages back to the space. */
    for (uint32_t level = leaf_level + 1; level-- > top;) {
        if (!tree->free)
            continue;
        JET_ERR free_err = tree->free(tree, path->pgno[level]);
        if (free_err < 0 && err >= 0)
            err = free_err;
    }
    return err;
}

JET_ERR bt_delete(ese_btree *tree, const void *key, size_t key_len)
{
    ese_pagestore *store = tree->store;
    uint32_t page_size = store->page_size;
    if (key_len == 0 || key_len > KEY_DECODE_MAX)
        return JET_errRecordNotFound;
    JET_ERR err = JET_errSuccess;
    for (uint32_t round = 0;; round++) {
        if (round > MAX_RESTRUCTURES) {
            err = JET_errInternalError;
            break;
        }
        bt_path path;
        err = descend(tree, key, (uint32_t)key_len, &path);
        if (err < 0)
            break;
        if (!path.exact || path.ghost) {
            err = JET_errRecordNotFound;
            break;
        }
        uint32_t leaf_level = path.depth - 1;
        uint32_t leaf = path.pgno[leaf_level], pos = path.itag[leaf_level];
        if (leaf_level == 0 || path.leaf_nodes > 1) {
            ese_page_ref ref;
            err = pagestore_write(store, leaf, &ref);
            if (err < 0)
                break;
            page_delete(ref.data, page_size, pos);
            pagestore_release(store, &ref);
            tree->version++;
            break;
        }
        err = remove_empty_leaf(tree, &path);
        if (err != BT_RESTART)
            break;
    }
    settle_spare(tree);
    return err;
}

JET_ERR bt_lookup(ese_btree *tree, const void *key, size_t key_len, void *data, size_t data_cap,
                  size_t *pdata_len)
{
    if (key_len == 0 || key_len > KEY_DECODE_MAX)
        return JET_errRecordNotFound;
    bt_path path;
    JET_ERR err = descend(tree, key, (uint32_t)key_len, &path);
    if (err < 0)
        return err;
    if (!path.exact || path.ghost)
        return JET_errRecordNotFound;
    ese_page_ref ref;
    err = pagestore_read(tree->store, path.pgno[path.depth - 1], &ref);
    if (err < 0)
        return err;
    page_node node;
    err = page_node_get(ref.data, tree->store->page_size, path.itag[path.depth - 1], &node);
    if (err >= 0) {
        size_t copy = node.data_len < data_cap ? node.data_len : data_cap;
        if (copy)
            memcpy(data, node.data, copy);
        if (pdata_len)
            *pdata_len = node.data_len;
        if (copy < node.data_len)
            err = JET_wrnBufferTruncated;
    }
    pagestore_release(tree->store, &ref);
    return err;
}

/* ===========================================================================================
 * Creating and opening
 * ========================================================================================= */

static JET_ERR fdp_alloc(ese_btree *tree, uint32_t *ppgno)
{
    return space_alloc_page(tree->store, tree->root, ppgno);
}

static JET_ERR fdp_free(ese_btree *tree, uint32_t pgno)
{
    return space_free_page(tree->store, tree->root, pgno);
}

JET_ERR bt_create(ese_pagestore *store, uint32_t parent_fdp, uint32_t objid, uint32_t kind,
                  uint32_t cpg_primary, uint32_t *ppgno_fdp)
{
    return space_create_fdp(store, parent_fdp, objid, kind, cpg_primary, ppgno_fdp);
}

JET_ERR bt_open(ese_btree *tree, ese_pagestore *store, uint32_t root)
{
    memset(tree, 0, sizeof *tree);
    if (root == 0 || root > store->page_count)
        return JET_errInvalidParameter;
    ese_page_ref ref;
    JET_ERR err = pagestore_read(store, root, &ref);
    if (err < 0)
        return err;
    uint32_t flags = page_flags(ref.data);
    uint32_t objid = page_objid(ref.data);
    pagestore_release(store, &ref);
    if (!(flags & ESE_PAGE_FLAG_ROOT) || (flags & (ESE_PAGE_FLAG_EMPTY | ESE_PAGE_FLAG_PREINIT)))
        return JET_errDatabaseCorrupted;
    tree->store = store;
    tree->root = root;
    tree->objid = objid;
    tree->kind = flags & BT_KIND_MASK;
    if (!(flags & ESE_PAGE_FLAG_SPACE_TREE)) {
        tree->alloc = fdp_alloc;
        tree->free = fdp_free;
    }
    return JET_errSuccess;
}

/* ===========================================================================================
 * Cursors
 * ========================================================================================= */

void bt_cursor_init(ese_btcursor *cursor, ese_btree *tree)
{
    cursor->tree = tree;
    cursor->state = BT_CURSOR_NONE;
    cursor->pgno = cursor->itag = 0;
    cursor->version = 0;
    cursor->key = cursor->key_inline;
    cursor->key_len = 0;
    cursor->key_cap = BT_CURSOR_INLINE_KEY;
}

void bt_cursor_release(ese_btcursor *cursor)
{
    if (cursor->key && cursor->key != cursor->key_inline)
        osal_free(cursor->key);
    cursor->key = cursor->key_inline;
    cursor->key_cap = BT_CURSOR_INLINE_KEY;
    cursor->key_len = 0;
    cursor->state = BT_CURSOR_NONE;
}

/* Put the cursor on node itag of leaf pgno (page in memory): copy its key. */
static JET_ERR cursor_land(ese_btcursor *cursor, uint32_t pgno, uint32_t itag, const page_node *node)
{
    uint32_t len = page_node_key_len(node);
    if (len > cursor->key_cap) {
        uint32_t cap = len > 2 * cursor->key_cap ? len : 2 * cursor->key_cap;
        uint8_t *key = osal_malloc(cap);
        if (!key)
            return JET_errOutOfMemory;
        if (cursor->key != cursor->key_inline)
            osal_free(cursor->key);
        cursor->key = key;
        cursor->key_cap = cap;
    }
    page_node_key_copy(node, cursor->key);
    cursor->key_len = len;
    cursor->pgno = pgno;
    cursor->itag = itag;
    cursor->version = cursor->tree->version;
    cursor->state = BT_CURSOR_ON;
    return JET_errSuccess;
}

/* From node itag of leaf pgno onwards (following pgnoNext), land on the first live node.
 * JET_errRecordNotFound when there is none; the cursor is then untouched. */
static JET_ERR walk_forward(ese_btcursor *cursor, uint32_t pgno, uint32_t itag)
{
    ese_btree *tree = cursor->tree;
    uint32_t page_size = tree->store->page_size;
    for (uint32_t hops = 0; pgno; hops++) {
        if (hops > tree->store->page_count)
            return JET_errDatabaseCorrupted; /* a loop in the leaf chain */
        ese_page_ref ref;
        JET_ERR err = read_leaf_page(tree, pgno, &ref);
        if (err < 0)
            return err;
        uint32_t count = page_tag_count(ref.data);
        for (; itag < count; itag++) {
            page_node node;
            err = page_node_get(ref.data, page_size, itag, &node);
            if (err < 0 || !(node.flags & PAGE_TAG_FLAG_DELETED)) {
                if (err >= 0)
                    err = cursor_land(cursor, pgno, itag, &node);
                pagestore_release(tree->store, &ref);
                return err;
            }
        }
        uint32_t next = page_next(ref.data);
        pagestore_release(tree->store, &ref);
        pgno = next;
        itag = 1;
    }
    return JET_errRecordNotFound;
}

/* From node itag of leaf pgno backwards (itag 0 = before the page's first node; UINT32_MAX =
 * the page's last node), land on the first live node. */
static JET_ERR walk_backward(ese_btcursor *cursor, uint32_t pgno, uint32_t itag)
{
    ese_btree *tree = cursor->tree;
    uint32_t page_size = tree->store->page_size;
    for (uint32_t hops = 0; pgno; hops++) {
        if (hops > tree->store->page_count)
            return JET_errDatabaseCorrupted;
        ese_page_ref ref;
        JET_ERR err = read_leaf_page(tree, pgno, &ref);
        if (err < 0)
            return err;
        uint32_t count = page_tag_count(ref.data);
        if (itag >= count)
            itag = count - 1;
        for (; itag >= 1; itag--) {
            page_node node;
            err = page_node_get(ref.data, page_size, itag, &node);
            if (err < 0 || !(node.flags & PAGE_TAG_FLAG_DELETED)) {
                if (err >= 0)
                    err = cursor_land(cursor, pgno, itag, &node);
                pagestore_release(tree->store, &ref);
                return err;
            }
        }
        uint32_t prev = page_prev(ref.data);
        pagestore_release(tree->store, &ref);
        pgno = prev;
        itag = UINT32_MAX;
    }
    return JET_errRecordNotFound;
}

/* Seek without touching the cursor's state on failure (used by seek, next and prev). */
static JET_ERR seek_position(ese_btcursor *cursor, const uint8_t *key, uint32_t key_len,
                             bt_seek_mode mode, int *pequal)
{
    bt_path path;
    JET_ERR err = descend(cursor->tree, key, key_len, &path);
    if (err < 0)
        return err;
    uint32_t leaf = path.pgno[path.depth - 1], pos = path.itag[path.depth - 1];
    int present = path.exact && !path.ghost;
    *pequal = 0;
    switch (mode) {
    case BT_SEEK_EQ:
        if (!present)
            return JET_errRecordNotFound;
        *pequal = 1;
        return walk_forward(cursor, leaf, pos);
    case BT_SEEK_GE:
        *pequal = present;
        return walk_forward(cursor, leaf, pos);
    case BT_SEEK_GT:
        return walk_forward(cursor, leaf, path.exact ? pos + 1 : pos);
    case BT_SEEK_LE:
        if (present) {
            *pequal = 1;
            return walk_forward(cursor, leaf, pos);
        }
        return walk_backward(cursor, leaf, pos - 1);
    case BT_SEEK_LT:
        return walk_backward(cursor, leaf, pos - 1);
    }
    return JET_errInvalidParameter;
}

JET_ERR bt_cursor_seek(ese_btcursor *cursor, const void *key, size_t key_len, bt_seek_mode mode)
{
    if (mode > BT_SEEK_LT)
        return JET_errInvalidParameter;
    if (key_len > KEY_DECODE_MAX)
        return JET_errKeyTooBig;
    int equal = 0;
    JET_ERR err = seek_position(cursor, key, (uint32_t)key_len, mode, &equal);
    if (err < 0) {
        cursor->state = BT_CURSOR_NONE;
        return err;
    }
    if (!equal && (mode == BT_SEEK_GE || mode == BT_SEEK_LE))
        return JET_wrnSeekNotEqual;
    return JET_errSuccess;
}

/* Leftmost (or rightmost) leaf of the tree. */
static JET_ERR edge_leaf(ese_btree *tree, int rightmost, uint32_t *pleaf)
{
    uint32_t page_size = tree->store->page_size;
    uint32_t pgno = tree->root;
    for (uint32_t level = 0;; level++) {
        if (level >= BT_MAX_DEPTH)
            return JET_errDatabaseCorrupted;
        ese_page_ref ref;
        JET_ERR err = read_tree_page(tree, pgno, &ref);
        if (err < 0)
            return err;
        if (page_flags(ref.data) & ESE_PAGE_FLAG_LEAF) {
            pagestore_release(tree->store, &ref);
            *pleaf = pgno;
            return JET_errSuccess;
        }
        uint32_t count = page_tag_count(ref.data);
        page_node node;
        err = count < 2 ? JET_errDatabaseCorrupted
                        : page_node_get(ref.data, page_size, rightmost ? count - 1 : 1, &node);
        if (err >= 0 && node.data_len < PAGE_BRANCH_DATA_SIZE)
            err = JET_errDatabaseCorrupted;
        uint32_t child = err >= 0 ? page_node_child(&node) : 0;
        pagestore_release(tree->store, &ref);
        if (err < 0)
            return err;
        if (child == 0 || child > tree->store->page_count)
            return JET_errBadPageLink;
        pgno = child;
    }
}

JET_ERR bt_cursor_first(ese_btcursor *cursor)
{
    uint32_t leaf;
    JET_ERR err = edge_leaf(cursor->tree, 0, &leaf);
    if (err >= 0)
        err = walk_forward(cursor, leaf, 1);
    if (err < 0) {
        cursor->state = BT_CURSOR_NONE;
        return err == JET_errRecordNotFound ? JET_errNoCurrentRecord : err;
    }
    return JET_errSuccess;
}

JET_ERR bt_cursor_last(ese_btcursor *cursor)
{
    uint32_t leaf;
    JET_ERR err = edge_leaf(cursor->tree, 1, &leaf);
    if (err >= 0)
        err = walk_backward(cursor, leaf, UINT32_MAX);
    if (err < 0) {
        cursor->state = BT_CURSOR_NONE;
        return err == JET_errRecordNotFound ? JET_errNoCurrentRecord : err;
    }
    return JET_errSuccess;
}

JET_ERR bt_cursor_next(ese_btcursor *cursor)
{
    switch (cursor->state) {
    case BT_CURSOR_NONE:
    case BT_CURSOR_AFTER_LAST:
        return JET_errNoCurrentRecord;
    case BT_CURSOR_BEFORE_FIRST:
        return bt_cursor_first(cursor);
    case BT_CURSOR_ON:
        break;
    }
    JET_ERR err;
    if (cursor->version == cursor->tree->version) {
        err = walk_forward(cursor, cursor->pgno, cursor->itag + 1);
    } else {
        int equal;
        err = seek_position(cursor, cursor->key, cursor->key_len, BT_SEEK_GT, &equal);
    }
    if (err == JET_errRecordNotFound) {
        cursor->state = BT_CURSOR_AFTER_LAST;
        return JET_errNoCurrentRecord;
    }
    return err;
}

JET_ERR bt_cursor_prev(ese_btcursor *cursor)
{
    switch (cursor->state) {
    case BT_CURSOR_NONE:
    case BT_CURSOR_BEFORE_FIRST:
        return JET_errNoCurrentRecord;
    case BT_CURSOR_AFTER_LAST:
        return bt_cursor_last(cursor);
    case BT_CURSOR_ON:
        break;
    }
    JET_ERR err;
    if (cursor->version == cursor->tree->version) {
        err = walk_backward(cursor, cursor->pgno, cursor->itag - 1);
    } else {
        int equal;
        err = seek_position(cursor, cursor->key, cursor->key_len, BT_SEEK_LT, &equal);
    }
    if (err == JET_errRecordNotFound) {
        cursor->state = BT_CURSOR_BEFORE_FIRST;
        return JET_errNoCurrentRecord;
    }
    return err;
}

JET_ERR bt_cursor_get(ese_btcursor *cursor, void *key, size_t key_cap, size_t *pkey_len,
                      void *data, size_t data_cap, size_t *pdata_len)
{
    if (cursor->state != BT_CURSOR_ON)
        return JET_errNoCurrentRecord;
    ese_btree *tree = cursor->tree;
    if (cursor->version != tree->version) {
        /* The tree changed: find the key again (it may be gone). */
        bt_path path;
        JET_ERR err = descend(tree, cursor->key, cursor->key_len, &path);
        if (err < 0)
            return err;
        if (!path.exact || path.ghost)
            return JET_errRecordDeleted;
        cursor->pgno = path.pgno[path.depth - 1];
        cursor->itag = path.itag[path.depth - 1];
        cursor->version = tree->version;
    }
    ese_page_ref ref;
    JET_ERR err = read_leaf_page(tree, cursor->pgno, &ref);
    if (err < 0)
        return err;
    page_node node;
    err = page_node_get(ref.data, tree->store->page_size, cursor->itag, &node);
    if (err >= 0) {
        /* Truncation is reported only for a buffer the caller gave. */
        int truncated = 0;
        size_t copy = cursor->key_len < key_cap ? cursor->key_len : key_cap;
        if (copy)
            memcpy(key, cursor->key, copy);
        truncated |= key && copy < cursor->key_len;
        if (pkey_len)
            *pkey_len = cursor->key_len;
        copy = node.data_len < data_cap ? node.data_len : data_cap;
        if (copy)
            memcpy(data, node.data, copy);
        truncated |= data && copy < node.data_len;
        if (pdata_len)
            *pdata_len = node.data_len;
        err = truncated ? JET_wrnBufferTruncated : JET_errSuccess;
    }
    pagestore_release(tree->store, &ref);
    return err;
}

/* ===========================================================================================
 * Verification
 * ========================================================================================= */

typedef struct {
    ese_pagestore *store;
    uint32_t page_size;
    uint32_t root, objid, kind;
    uint8_t *visited;                       /* one bit per page, shared by the space trees */
    uint8_t *keys[BT_MAX_DEPTH][2];         /* per level: previous / current entry key */
    uint32_t key_cap;                       /* size of each key buffer */
    int key_and_data;                       /* non-unique tree: order by key || data */
    uint8_t *last_key;                      /* the last leaf key seen (order across pages) */
    uint32_t last_key_len;
    int have_last_key;
    uint32_t leaf_depth;                    /* 0 until the first leaf */
    uint32_t prev_leaf, prev_leaf_next;
    bt_check_stats *stats;
    char *msg;
    size_t cb_msg;
} check_ctx;

static JET_ERR check_fail(check_ctx *ctx, uint32_t pgno, const char *what)
{
    if (ctx->cb_msg)
        snprintf(ctx->msg, ctx->cb_msg, "tree %u, page %u: %s", ctx->root, pgno, what);
    return JET_errDatabaseCorrupted;
}

static JET_ERR check_key_buffers(check_ctx *ctx, uint32_t level)
{
    for (int i = 0; i < 2; i++) {
        if (!ctx->keys[level][i]) {
            ctx->keys[level][i] = osal_malloc(ctx->key_cap);
            if (!ctx->keys[level][i])
                return JET_errOutOfMemory;
        }
    }
    return JET_errSuccess;
}

static int visited_test_and_set(check_ctx *ctx, uint32_t pgno)
{
    uint8_t bit = (uint8_t)(1u << (pgno % 8));
    int was = (ctx->visited[pgno / 8] & bit) != 0;
    ctx->visited[pgno / 8] |= bit;
    return was;
}

/* Check the subtree at pgno whose keys must lie in [lo, hi) (a NULL bound is unbounded).
 * *pleaf tells the caller whether the page was a leaf. */
static JET_ERR check_subtree(check_ctx *ctx, uint32_t pgno, uint32_t level, const uint8_t *lo,
                             uint32_t lo_len, const uint8_t *hi, uint32_t hi_len, int *pleaf)
{
    if (level >= BT_MAX_DEPTH)
        return check_fail(ctx, pgno, "tree deeper than BT_MAX_DEPTH");
    if (pgno == 0 || pgno > ctx->store->page_count)
        return check_fail(ctx, pgno, "page number outside the database");
    if (visited_test_and_set(ctx, pgno))
        return check_fail(ctx, pgno, "page reached twice");
    JET_ERR err = check_key_buffers(ctx, level);
    if (err < 0)
        return err;
    ese_page_ref ref;
    err = pagestore_read(ctx->store, pgno, &ref);
    if (err < 0)
        return err;
    const uint8_t *page = ref.data;
    uint32_t page_size = ctx->page_size;
    uint32_t flags = page_flags(page);
    char layout[160];
    int leaf = (flags & ESE_PAGE_FLAG_LEAF) != 0;
    *pleaf = leaf;
    ctx->stats->pages++;
    err = JET_errSuccess;
    if (page_check_layout(page, page_size, layout, sizeof layout) < 0)
        err = check_fail(ctx, pgno, layout);
    else if (page_objid(page) != ctx->objid)
        err = check_fail(ctx, pgno, "objidFDP differs from the root's");
    else if (flags & (ESE_PAGE_FLAG_EMPTY | ESE_PAGE_FLAG_PREINIT))
        err = check_fail(ctx, pgno, "Empty or PreInit flag on a page in use");
    else if (!(flags & ESE_PAGE_FLAG_ROOT) != (level != 0))
        err = check_fail(ctx, pgno, "Root flag on a non-root page or missing on the root");
    else if ((flags & BT_KIND_MASK) != ctx->kind)
        err = check_fail(ctx, pgno, "kind flags (Index/LongValue/SpaceTree/NonUnique) differ from the root's");
    if (err >= 0 && level == 0) {
        uint32_t tag0_size;
        page_tag_bytes(page, page_size, 0, &tag0_size);
        if (tag0_size < SPACE_HEADER_SIZE)
            err = check_fail(ctx, pgno, "root's tag 0 shorter than 16 bytes");
    }
    if (err < 0) {
        pagestore_release(ctx->store, &ref);
        return err;
    }
    uint32_t n = page_node_count(page);
    uint8_t **keys = ctx->keys[level];

    if (leaf) {
        if (flags & ESE_PAGE_FLAG_PARENT_OF_LEAF)
            err = check_fail(ctx, pgno, "leaf carries ParentOfLeaf");
        else if (ctx->leaf_depth && ctx->leaf_depth != level + 1)
            err = check_fail(ctx, pgno, "leaves at different depths");
        else if (page_prev(page) != ctx->prev_leaf)
            err = check_fail(ctx, pgno, "pgnoPrev is not the previous leaf");
        else if (ctx->prev_leaf && ctx->prev_leaf_next != pgno)
            err = check_fail(ctx, pgno, "the previous leaf's pgnoNext does not lead here");
        ctx->leaf_depth = level + 1;
        ctx->stats->leaves++;
        for (uint32_t itag = 1; err >= 0 && itag <= n; itag++) {
            page_node node;
            if (page_node_get(page, page_size, itag, &node) < 0) {
                err = check_fail(ctx, pgno, "node outside the page");
                break;
            }
            uint32_t len = page_node_key_len(&node);
            uint8_t *key = keys[itag & 1];
            page_node_key_copy(&node, key);
            if (ctx->key_and_data) {
                /* ESE's non-unique indexes repeat a key with the primary key as data; entries
                 * and separators order by both (facts: Catalog1.edb, SRUDB.dat). */
                memcpy(key + len, node.data, node.data_len);
                len += node.data_len;
            }
            if (node.flags & PAGE_TAG_FLAG_DELETED) {
                ctx->stats->ghosts++;
            } else {
                ctx->stats->records++;
                if (node.data_len == 0)
                    err = check_fail(ctx, pgno, "leaf node without data");
            }
            if (err >= 0 && ctx->have_last_key &&
                page_key_compare(ctx->last_key, ctx->last_key_len, key, len) >= 0)
                err = check_fail(ctx, pgno, "leaf keys not strictly ascending");
            else if (err >= 0 && lo && page_key_compare(key, len, lo, lo_len) < 0)
                err = check_fail(ctx, pgno, "leaf key below its separator range");
            else if (err >= 0 && hi && page_key_compare(key, len, hi, hi_len) >= 0)
                err = check_fail(ctx, pgno, "leaf key not below its separator");
            memcpy(ctx->last_key, key, len);
            ctx->last_key_len = len;
            ctx->have_last_key = 1;
        }
        ctx->prev_leaf = pgno;
        ctx->prev_leaf_next = page_next(page);
        pagestore_release(ctx->store, &ref);
        return err;
    }

    if (page_prev(page) || page_next(page))
        err = check_fail(ctx, pgno, "sibling links on an internal page");
    else if (n == 0)
        err = check_fail(ctx, pgno, "internal page without entries");
    int parent_of_leaf = (flags & ESE_PAGE_FLAG_PARENT_OF_LEAF) != 0;
    uint32_t prev_len = 0;
    for (uint32_t itag = 1; err >= 0 && itag <= n; itag++) {
        page_node node;
        if (page_node_get(page, page_size, itag, &node) < 0) {
            err = check_fail(ctx, pgno, "node outside the page");
            break;
        }
        if (node.data_len != PAGE_BRANCH_DATA_SIZE) {
            err = check_fail(ctx, pgno, "branch node data is not 4 bytes");
            break;
        }
        if (node.flags & PAGE_TAG_FLAG_DELETED) {
            err = check_fail(ctx, pgno, "ghost flag on a branch node");
            break;
        }
        uint32_t len = page_node_key_len(&node);
        uint8_t *key = keys[itag & 1], *prev_key = keys[(itag - 1) & 1];
        page_node_key_copy(&node, key);
        int last = itag == n;
        int infinite = len == 0;
        if (infinite && !last)
            err = check_fail(ctx, pgno, "empty separator before the last entry");
        else if (last && infinite && hi)
            err = check_fail(ctx, pgno, "empty separator on a page that is not at the right edge");
        else if (last && !infinite && !hi)
            err = check_fail(ctx, pgno, "last entry at the right edge of a level has a key");
        else if (!infinite && itag > 1 && page_key_compare(prev_key, prev_len, key, len) >= 0)
            err = check_fail(ctx, pgno, "separators not strictly ascending");
        else if (!infinite && lo && page_key_compare(key, len, lo, lo_len) <= 0)
            err = check_fail(ctx, pgno, "separator not above the page's lower bound");
        else if (!infinite && !last && hi && page_key_compare(key, len, hi, hi_len) >= 0)
            err = check_fail(ctx, pgno, "separator not below the page's upper bound");
        else if (!infinite && last && hi && page_key_compare(key, len, hi, hi_len) < 0)
            err = check_fail(ctx, pgno, "last separator below the page's upper bound");
        if (err < 0)
            break;
        const uint8_t *child_lo = itag == 1 ? lo : prev_key;
        uint32_t child_lo_len = itag == 1 ? lo_len : prev_len;
        const uint8_t *child_hi = key;
        uint32_t child_hi_len = len;
        if (infinite || (hi && page_key_compare(hi, hi_len, key, len) < 0)) {
            child_hi = hi;
            child_hi_len = hi_len;
        }
        int child_leaf = 0;
        err = check_subtree(ctx, page_node_child(&node), level + 1, child_lo, child_lo_len,
                            child_hi, child_hi_len, &child_leaf);
        if (err >= 0 && child_leaf != parent_of_leaf)
            err = check_fail(ctx, pgno, parent_of_leaf ? "ParentOfLeaf page with an internal child"
                                                       : "internal page with a leaf child lacks ParentOfLeaf");
        prev_len = len;
    }
    pagestore_release(ctx->store, &ref);
    return err;
}

/* Check one tree rooted at `root` (the main tree or a space tree) into ctx. */
static JET_ERR check_tree(check_ctx *ctx, uint32_t root, uint32_t objid, uint32_t kind)
{
    ctx->root = root;
    ctx->objid = objid;
    ctx->kind = kind;
    ctx->key_and_data = (kind & ESE_PAGE_FLAG_NON_UNIQUE_KEYS) && !(kind & ESE_PAGE_FLAG_SPACE_TREE);
    ctx->have_last_key = 0;
    ctx->leaf_depth = 0;
    ctx->prev_leaf = ctx->prev_leaf_next = 0;
    int leaf;
    JET_ERR err = check_subtree(ctx, root, 0, NULL, 0, NULL, 0, &leaf);
    if (err >= 0 && ctx->prev_leaf_next != 0)
        err = check_fail(ctx, ctx->prev_leaf, "the last leaf's pgnoNext is not 0");
    return err;
}

JET_ERR bt_check(ese_pagestore *store, uint32_t root, bt_check_stats *stats, char *msg, size_t cb_msg)
{
    bt_check_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (cb_msg)
        msg[0] = 0;
    check_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.store = store;
    ctx.page_size = store->page_size;
    ctx.stats = stats;
    ctx.msg = msg;
    ctx.cb_msg = cb_msg;
    ctx.root = root;
    if (root == 0 || root > store->page_count)
        return check_fail(&ctx, root, "root outside the database");

    ese_page_ref ref;
    JET_ERR err = pagestore_read(store, root, &ref);
    if (err < 0)
        return err;
    uint32_t objid = page_objid(ref.data), kind = page_flags(ref.data) & BT_KIND_MASK;
    pagestore_release(store, &ref);

    space_extents extents;
    memset(&extents, 0, sizeof extents);
    ctx.key_cap = KEY_DECODE_MAX + store->page_size; /* a key, or a key and its data */
    ctx.visited = osal_calloc(store->page_count / 8 + 1, 1);
    ctx.last_key = osal_malloc(ctx.key_cap);
    if (!ctx.visited || !ctx.last_key) {
        err = JET_errOutOfMemory;
        goto done;
    }
    err = check_tree(&ctx, root, objid, kind);
    if (err < 0)
        goto done;
    uint32_t depth = ctx.leaf_depth;
    uint32_t tree_pages = stats->pages;

    /* An FDP: its space trees, then ownership of every page met. */
    if (!(kind & ESE_PAGE_FLAG_SPACE_TREE)) {
        space_header header;
        err = space_read_header(store, root, &header);
        if (err < 0) {
            err = check_fail(&ctx, root, "no SPACE_HEADER in the root's tag 0");
            goto done;
        }
        if (header.flags & SPACE_FLAG_MULTIPLE_EXTENT) {
            uint32_t space_kind = (kind & SPACE_TREE_KIND_MASK) | ESE_PAGE_FLAG_SPACE_TREE;
            bt_check_stats saved = *stats;
            for (uint32_t i = 0; i < 2 && err >= 0; i++)
                err = check_tree(&ctx, header.pgno_oe + i, objid, space_kind);
            uint32_t space_pages = stats->pages - saved.pages;
            *stats = saved;
            stats->space_pages = space_pages;
            ctx.root = root;
            if (err < 0)
                goto done;
        }
        char why[160];
        err = space_load_extents(store, root, &extents, why, sizeof why);
        if (err == JET_errSPOwnExtCorrupted || err == JET_errSPAvailExtCorrupted) {
            err = check_fail(&ctx, root, why);
            goto done;
        }
        if (err < 0)
            goto done;
        for (size_t i = 0; i < extents.owned_count; i++)
            stats->owned_pages += extents.owned[i].last - extents.owned[i].first + 1;
        for (size_t i = 0; i < extents.avail_count; i++)
            stats->avail_pages += extents.avail[i].last - extents.avail[i].first + 1;
        for (uint32_t pgno = 1; pgno <= store->page_count; pgno++) {
            if (!(ctx.visited[pgno / 8] & (1u << (pgno % 8))))
                continue;
            if (!space_extents_page_in_use(&extents, pgno)) {
                err = check_fail(&ctx, pgno, "page of the tree not owned by its FDP, or in its AvailExt");
                goto done;
            }
        }
    }
    stats->depth = depth;
    stats->pages = tree_pages;

done:
    space_extents_free(&extents);
    for (uint32_t level = 0; level < BT_MAX_DEPTH; level++) {
        osal_free(ctx.keys[level][0]);
        osal_free(ctx.keys[level][1]);
    }
    osal_free(ctx.last_key);
    osal_free(ctx.visited);
    return err;
}

/* ===========================================================================================
 * Visiting pages
 * ========================================================================================= */

static JET_ERR visit_subtree(ese_pagestore *store, uint32_t pgno, uint32_t objid, uint32_t level,
                             JET_ERR (*visit)(void *, uint32_t), void *context)
{
    if (level >= BT_MAX_DEPTH || pgno == 0 || pgno > store->page_count)
        return JET_errDatabaseCorrupted;
    JET_ERR err = visit(context, pgno);
    if (err < 0)
        return err;
    ese_page_ref ref;
    err = pagestore_read(store, pgno, &ref);
    if (err < 0)
        return err;
    if (page_objid(ref.data) != objid) {
        pagestore_release(store, &ref);
        return JET_errBadPageLink;
    }
    if (!(page_flags(ref.data) & ESE_PAGE_FLAG_LEAF)) {
        uint32_t n = page_node_count(ref.data);
        for (uint32_t itag = 1; err >= 0 && itag <= n; itag++) {
            page_node node;
            err = page_node_get(ref.data, store->page_size, itag, &node);
            if (err >= 0 && node.data_len < PAGE_BRANCH_DATA_SIZE)
                err = JET_errDatabaseCorrupted;
            if (err >= 0)
                err = visit_subtree(store, page_node_child(&node), objid, level + 1, visit, context);
        }
    }
    pagestore_release(store, &ref);
    return err;
}

JET_ERR bt_visit_pages(ese_pagestore *store, uint32_t root,
                       JET_ERR (*visit)(void *context, uint32_t pgno), void *context)
{
    if (root == 0 || root > store->page_count)
        return JET_errInvalidParameter;
    ese_page_ref ref;
    JET_ERR err = pagestore_read(store, root, &ref);
    if (err < 0)
        return err;
    uint32_t objid = page_objid(ref.data);
    pagestore_release(store, &ref);
    return visit_subtree(store, root, objid, 0, visit, context);
}
