/*
 * page.h -- ESE slotted pages: the page header, tags and nodes (facts: ese-format-facts.md §7,
 * ese-btree-catalog-facts.md §2).
 *
 * A page is a header (40 bytes, or 80 for 16/32 KiB pages) followed by a data area.  Node
 * bytes grow upward from the start of the data area; the tag array grows downward from the end
 * of the page (tag 0 is the page's last 4 bytes).  A tag is {u16 size, u16 offset}, the offset
 * counted from the start of the data area.  Tag 0 is the page's external header (the
 * SPACE_HEADER on a tree root, a key prefix or nothing on other pages); tags 1..n-1 are the
 * nodes in key order.
 *
 * Tag flags (fNDVersion 0x1, fNDDeleted 0x2, fNDCompressed 0x4) live in the top 3 bits of the
 * tag's offset on small pages (13-bit sizes and offsets), and in the top 3 bits of the node's
 * first u16 on 16/32 KiB pages (15-bit sizes and offsets).
 *
 * Node: [cbPrefix u16, only when compressed][cbSuffix u16][suffix][data]; the key is
 * tag0[0:cbPrefix] + suffix.  Branch nodes carry exactly 4 data bytes: the child page number.
 * This module writes nodes uncompressed and without flags (except that a ghost keeps its
 * fNDDeleted flag when moved); it reads anything ESE writes.
 *
 * Free space (facts §2.5, verified on every sample page): cbFree = page size - header -
 * 4 * tags - the sizes of all tags, so gaps left by deleted or shrunk nodes count as free;
 * ibMicFree is the end of the used data area.  An insert that finds cbFree large enough but
 * the contiguous room after ibMicFree too small first reorganizes the page (compacts the nodes).
 *
 * The functions here work on bytes in memory; they never do I/O.  Functions that change a
 * page assume the caller checked there is room (page_room / page_can_insert).
 */
#ifndef LIBESE_PAGE_H
#define LIBESE_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "eseformat.h"
#include "esent.h"

#define PAGE_TAG_FLAG_VERSION    0x1u  /* fNDVersion: ESE's uncommitted-version marker */
#define PAGE_TAG_FLAG_DELETED    0x2u  /* fNDDeleted: a ghost, logically absent */
#define PAGE_TAG_FLAG_COMPRESSED 0x4u  /* fNDCompressed: a key prefix comes from tag 0 */

#define PAGE_TAG_SIZE        4u
#define PAGE_TAG_COUNT_MAX   4095u     /* itagMicFree is 12 bits */
#define PAGE_KEY_COUNT_MASK  0x1FFFu   /* cbPrefix / cbSuffix masks (usNDCbKeyMask) */
#define PAGE_BRANCH_DATA_SIZE 4u       /* a branch node's data: the child pgno */

/* True for 16 and 32 KiB pages: 80-byte header, flags inside the node data. */
static inline int page_is_large(uint32_t page_size)
{
    return page_size > ESE_SMALL_PAGE_MAX;
}

/* Header size: 40 bytes up to 8 KiB, 80 above. */
static inline uint32_t page_header_size(uint32_t page_size)
{
    return page_is_large(page_size) ? ESE_PGHDR_LARGE_SIZE : ESE_PGHDR_SIZE;
}

/* ---- header fields ------------------------------------------------------------------------- */
static inline uint32_t page_flags(const uint8_t *page) { return ese_load_u32(page + ESE_PGHDR_OFF_FLAGS); }
static inline void page_set_flags(uint8_t *page, uint32_t flags) { ese_store_u32(page + ESE_PGHDR_OFF_FLAGS, flags); }
static inline uint32_t page_prev(const uint8_t *page) { return ese_load_u32(page + ESE_PGHDR_OFF_PGNO_PREV); }
static inline uint32_t page_next(const uint8_t *page) { return ese_load_u32(page + ESE_PGHDR_OFF_PGNO_NEXT); }
static inline void page_set_prev(uint8_t *page, uint32_t pgno) { ese_store_u32(page + ESE_PGHDR_OFF_PGNO_PREV, pgno); }
static inline void page_set_next(uint8_t *page, uint32_t pgno) { ese_store_u32(page + ESE_PGHDR_OFF_PGNO_NEXT, pgno); }
static inline uint32_t page_objid(const uint8_t *page) { return ese_load_u32(page + ESE_PGHDR_OFF_OBJID_FDP); }
static inline uint32_t page_cb_free(const uint8_t *page) { return ese_load_u16(page + ESE_PGHDR_OFF_CB_FREE); }
static inline uint32_t page_ib_mic_free(const uint8_t *page) { return ese_load_u16(page + ESE_PGHDR_OFF_IB_MIC_FREE); }

/* Number of tags, tag 0 included (itagState masked with 0x0FFF: newer engines use bits 12-14). */
static inline uint32_t page_tag_count(const uint8_t *page)
{
    return ese_load_u16(page + ESE_PGHDR_OFF_ITAG_STATE) & ESE_PGHDR_ITAG_COUNT_MASK;
}

/* Number of nodes (tags 1..n-1). */
static inline uint32_t page_node_count(const uint8_t *page)
{
    uint32_t count = page_tag_count(page);
    return count ? count - 1 : 0;
}

/* ---- tags ---------------------------------------------------------------------------------- */
typedef struct {
    uint32_t offset;  /* from the start of the data area */
    uint32_t size;
    uint32_t flags;   /* PAGE_TAG_FLAG_* (always 0 for tag 0) */
} page_tag;

/* Decode tag itag (no bounds checks beyond the masks; page_node_get validates). */
void page_tag_get(const uint8_t *page, uint32_t page_size, uint32_t itag, page_tag *tag);

/* Pointer to the bytes of tag itag and their size (tag 0: the external header). */
const uint8_t *page_tag_bytes(const uint8_t *page, uint32_t page_size, uint32_t itag, uint32_t *psize);

/* ---- nodes --------------------------------------------------------------------------------- */
typedef struct {
    const uint8_t *prefix;   /* leading key bytes from tag 0 (prefix_len 0 when uncompressed) */
    uint32_t prefix_len;
    const uint8_t *suffix;   /* the key bytes stored in the node */
    uint32_t suffix_len;
    const uint8_t *data;
    uint32_t data_len;
    uint32_t flags;          /* PAGE_TAG_FLAG_* */
    uint32_t size;           /* bytes the node occupies on this page */
} page_node;

/* Decode node itag (1..n-1), checking that the tag and the key lengths stay inside the page:
 * JET_errDatabaseCorrupted otherwise. */
JET_ERR page_node_get(const uint8_t *page, uint32_t page_size, uint32_t itag, page_node *node);

/* Length of the node's whole key (prefix + suffix). */
static inline uint32_t page_node_key_len(const page_node *node)
{
    return node->prefix_len + node->suffix_len;
}

/* Fast path of searches: the key of node itag (1..tag_count-1) when the node stores it whole
 * (not prefix-compressed) and its tag and key length lie inside the data area; NULL otherwise,
 * and the caller falls back to page_node_get.  *pflags gets the node's tag flags. */
static inline const uint8_t *page_node_plain_key(const uint8_t *page, uint32_t page_size,
                                                 uint32_t tag_count, uint32_t itag,
                                                 uint32_t *plen, uint32_t *pflags)
{
    const uint8_t *tag = page + page_size - PAGE_TAG_SIZE * (itag + 1);
    uint32_t size = ese_load_u16(tag), offset = ese_load_u16(tag + 2), flags;
    uint32_t header = page_header_size(page_size);
    if (page_is_large(page_size)) {
        size &= 0x7FFFu;
        offset &= 0x7FFFu;
        flags = 0;
    } else {
        flags = offset >> 13;
        size &= 0x1FFFu;
        offset &= 0x1FFFu;
    }
    uint32_t data_area = page_size - header - PAGE_TAG_SIZE * tag_count;
    if (size < 2 || offset > data_area || size > data_area - offset)
        return NULL;
    const uint8_t *node = page + header + offset;
    uint32_t first = ese_load_u16(node);
    if (page_is_large(page_size))
        flags = first >> 13;
    uint32_t key_len = first & PAGE_KEY_COUNT_MASK;
    if ((flags & PAGE_TAG_FLAG_COMPRESSED) || key_len > size - 2)
        return NULL;
    *plen = key_len;
    *pflags = flags;
    return node + 2;
}

/* Copy the node's whole key to out (page_node_key_len bytes). */
void page_node_key_copy(const page_node *node, uint8_t *out);

/* Compare the node's key with key[0:len] in ESE order (bytes like memcmp, then the shorter
 * first): <0, 0, >0 as the node's key is smaller, equal, larger. */
int page_node_key_compare(const page_node *node, const uint8_t *key, uint32_t len);

/* Compare two byte strings in ESE key order: <0, 0, >0. */
static inline int page_key_compare(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len)
{
    uint32_t common = a_len < b_len ? a_len : b_len;
    int c = common ? memcmp(a, b, common) : 0;
    if (c)
        return c;
    return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

/* The child page number of a branch node (its last 4 data bytes). */
static inline uint32_t page_node_child(const page_node *node)
{
    return ese_load_u32(node->data + node->data_len - PAGE_BRANCH_DATA_SIZE);
}

/* Bytes an uncompressed node with this key and data takes (without its tag). */
static inline uint32_t page_node_size(uint32_t key_len, uint32_t data_len)
{
    return 2u + key_len + data_len;
}

/* ---- changing a page ------------------------------------------------------------------------ */

/* Initialise an empty page: header fields (objid, flags, no siblings, dbtime 0; on large pages
 * the page number at offset 64) and an empty tag 0. */
void page_init(uint8_t *page, uint32_t page_size, uint32_t pgno, uint32_t objid, uint32_t flags);

/* Bytes available for new nodes, each new node costing its size plus a 4-byte tag. */
static inline uint32_t page_room(const uint8_t *page)
{
    return page_cb_free(page);
}

/* True when a node of node_size bytes (plus its tag) fits. */
static inline int page_can_insert(const uint8_t *page, uint32_t node_size)
{
    return page_cb_free(page) >= node_size + PAGE_TAG_SIZE && page_tag_count(page) < PAGE_TAG_COUNT_MAX;
}

/* Insert an uncompressed node [cbSuffix][key][data] as tag itag (1..n), shifting later tags up
 * by one.  flags: PAGE_TAG_FLAG_DELETED to keep a ghost a ghost, else 0.  The caller checked
 * page_can_insert.  May reorganize the page (JET_errOutOfMemory if that fails: page unchanged). */
JET_ERR page_insert(uint8_t *page, uint32_t page_size, uint32_t itag, const uint8_t *key,
                    uint32_t key_len, const uint8_t *data, uint32_t data_len, uint32_t flags);

/* Replace node itag by an uncompressed node (same semantics as page_insert).  The caller
 * checked that page_room + the old node's size >= the new node's size.  key/data must not
 * point into this page. */
JET_ERR page_replace(uint8_t *page, uint32_t page_size, uint32_t itag, const uint8_t *key,
                     uint32_t key_len, const uint8_t *data, uint32_t data_len, uint32_t flags);

/* Remove node itag (1..n-1), shifting later tags down. */
void page_delete(uint8_t *page, uint32_t page_size, uint32_t itag);

/* Keep tags 0..count-1 and drop the rest (their bytes become free space). */
void page_truncate(uint8_t *page, uint32_t page_size, uint32_t count);

/* Set tag 0 (the external header) to len bytes.  JET_errInternalError when it cannot fit. */
JET_ERR page_set_external_header(uint8_t *page, uint32_t page_size, const uint8_t *data, uint32_t len);

/* Overwrite the child page number of branch node itag in place. */
void page_set_child(uint8_t *page, uint32_t page_size, uint32_t itag, uint32_t child);

/* Compact the data area: nodes in tag order, no gaps, ibMicFree = bytes used.
 * JET_errOutOfMemory (page unchanged) when the scratch copy cannot be allocated. */
JET_ERR page_reorganize(uint8_t *page, uint32_t page_size);

/* Verify the page's slot layout: tag count, every tag inside the used data area, no two tags
 * overlapping, cbFree and ibMicFree consistent.  On a violation returns
 * JET_errDatabaseCorrupted and writes a description to msg (cb_msg bytes, may be 0). */
JET_ERR page_check_layout(const uint8_t *page, uint32_t page_size, char *msg, size_t cb_msg);

#endif /* LIBESE_PAGE_H */
