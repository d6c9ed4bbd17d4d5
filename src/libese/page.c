/* page.c -- see page.h. */
#include "page.h"

#include <stdio.h>
#include <string.h>

#include "osal.h"

/* Masks of a tag's size and offset fields (facts §7.4). */
#define SMALL_TAG_MASK 0x1FFFu
#define LARGE_TAG_MASK 0x7FFFu
#define TAG_FLAG_SHIFT 13u

static inline uint8_t *tag_pointer(uint8_t *page, uint32_t page_size, uint32_t itag)
{
    return page + page_size - PAGE_TAG_SIZE * (itag + 1);
}

static inline const uint8_t *tag_pointer_const(const uint8_t *page, uint32_t page_size, uint32_t itag)
{
    return page + page_size - PAGE_TAG_SIZE * (itag + 1);
}

static inline void set_tag_count(uint8_t *page, uint32_t count)
{
    /* Keep bits 12-15 as they were: newer engines use them, and they are not ours to clear. */
    uint16_t state = ese_load_u16(page + ESE_PGHDR_OFF_ITAG_STATE);
    ese_store_u16(page + ESE_PGHDR_OFF_ITAG_STATE,
                  (uint16_t)((state & ~ESE_PGHDR_ITAG_COUNT_MASK) | count));
}

static inline void set_cb_free(uint8_t *page, uint32_t cb)
{
    ese_store_u16(page + ESE_PGHDR_OFF_CB_FREE, (uint16_t)cb);
}

static inline void set_ib_mic_free(uint8_t *page, uint32_t ib)
{
    ese_store_u16(page + ESE_PGHDR_OFF_IB_MIC_FREE, (uint16_t)ib);
}

void page_tag_get(const uint8_t *page, uint32_t page_size, uint32_t itag, page_tag *tag)
{
    const uint8_t *t = tag_pointer_const(page, page_size, itag);
    uint32_t size = ese_load_u16(t), offset = ese_load_u16(t + 2);
    if (page_is_large(page_size)) {
        tag->size = size & LARGE_TAG_MASK;
        tag->offset = offset & LARGE_TAG_MASK;
        tag->flags = 0;
        /* The flags ride in the node's first u16; read them only when that u16 is inside the
         * page (page_node_get checks the rest). */
        uint32_t header = page_header_size(page_size);
        if (itag > 0 && tag->size >= 2 && header + tag->offset + 2 <= page_size)
            tag->flags = ese_load_u16(page + header + tag->offset) >> TAG_FLAG_SHIFT;
    } else {
        tag->size = size & SMALL_TAG_MASK;
        tag->offset = offset & SMALL_TAG_MASK;
        tag->flags = itag > 0 ? offset >> TAG_FLAG_SHIFT : 0;
    }
}

/* Write tag itag; on small pages the flags go into the offset field. */
static void tag_put(uint8_t *page, uint32_t page_size, uint32_t itag, uint32_t offset,
                    uint32_t size, uint32_t flags)
{
    uint8_t *t = tag_pointer(page, page_size, itag);
    ese_store_u16(t, (uint16_t)size);
    if (page_is_large(page_size))
        ese_store_u16(t + 2, (uint16_t)offset);
    else
        ese_store_u16(t + 2, (uint16_t)(offset | (flags << TAG_FLAG_SHIFT)));
}

/* Change only the offset of a tag, keeping its (small-page) flags. */
static void tag_move(uint8_t *page, uint32_t page_size, uint32_t itag, uint32_t offset)
{
    uint8_t *t = tag_pointer(page, page_size, itag);
    if (page_is_large(page_size)) {
        uint16_t old = ese_load_u16(t + 2);
        ese_store_u16(t + 2, (uint16_t)((old & ~LARGE_TAG_MASK) | offset));
    } else {
        uint16_t old = ese_load_u16(t + 2);
        ese_store_u16(t + 2, (uint16_t)((old & ~SMALL_TAG_MASK) | offset));
    }
}

const uint8_t *page_tag_bytes(const uint8_t *page, uint32_t page_size, uint32_t itag, uint32_t *psize)
{
    page_tag tag;
    page_tag_get(page, page_size, itag, &tag);
    *psize = tag.size;
    return page + page_header_size(page_size) + tag.offset;
}

JET_ERR page_node_get(const uint8_t *page, uint32_t page_size, uint32_t itag, page_node *node)
{
    uint32_t header = page_header_size(page_size);
    uint32_t count = page_tag_count(page);
    if (itag == 0 || itag >= count)
        return JET_errDatabaseCorrupted;
    page_tag tag;
    page_tag_get(page, page_size, itag, &tag);
    /* The node must lie in the data area, before the tag array. */
    uint32_t data_area = page_size - header - PAGE_TAG_SIZE * count;
    if (tag.offset > data_area || tag.size > data_area - tag.offset)
        return JET_errDatabaseCorrupted;
    const uint8_t *bytes = page + header + tag.offset;
    uint32_t pos = 0;
    node->flags = tag.flags;
    node->size = tag.size;
    node->prefix = NULL;
    node->prefix_len = 0;
    if (tag.flags & PAGE_TAG_FLAG_COMPRESSED) {
        if (tag.size < 2)
            return JET_errDatabaseCorrupted;
        uint32_t prefix_len = ese_load_u16(bytes) & PAGE_KEY_COUNT_MASK;
        page_tag tag0;
        page_tag_get(page, page_size, 0, &tag0);
        if (prefix_len > tag0.size || tag0.offset > data_area || tag0.size > data_area - tag0.offset)
            return JET_errDatabaseCorrupted;
        node->prefix = page + header + tag0.offset;
        node->prefix_len = prefix_len;
        pos = 2;
    }
    if (tag.size < pos + 2)
        return JET_errDatabaseCorrupted;
    uint32_t suffix_len = ese_load_u16(bytes + pos) & PAGE_KEY_COUNT_MASK;
    pos += 2;
    if (suffix_len > tag.size - pos)
        return JET_errDatabaseCorrupted;
    node->suffix = bytes + pos;
    node->suffix_len = suffix_len;
    node->data = bytes + pos + suffix_len;
    node->data_len = tag.size - pos - suffix_len;
    return JET_errSuccess;
}

void page_node_key_copy(const page_node *node, uint8_t *out)
{
    if (node->prefix_len)
        memcpy(out, node->prefix, node->prefix_len);
    if (node->suffix_len)
        memcpy(out + node->prefix_len, node->suffix, node->suffix_len);
}

int page_node_key_compare(const page_node *node, const uint8_t *key, uint32_t len)
{
    if (node->prefix_len == 0)
        return page_key_compare(node->suffix, node->suffix_len, key, len);
    /* Compare the prefix part, then the suffix against the rest of the key. */
    uint32_t common = node->prefix_len < len ? node->prefix_len : len;
    int c = common ? memcmp(node->prefix, key, common) : 0;
    if (c)
        return c;
    if (len < node->prefix_len)
        return 1; /* the key ran out inside the prefix: the node's key is longer */
    return page_key_compare(node->suffix, node->suffix_len, key + node->prefix_len,
                            len - node->prefix_len);
}

void page_init(uint8_t *page, uint32_t page_size, uint32_t pgno, uint32_t objid, uint32_t flags)
{
    uint32_t header = page_header_size(page_size);
    memset(page, 0, page_size);
    ese_store_u32(page + ESE_PGHDR_OFF_OBJID_FDP, objid);
    ese_store_u32(page + ESE_PGHDR_OFF_FLAGS, flags);
    if (page_is_large(page_size))
        ese_store_u32(page + ESE_PGHDR_OFF_PGNO, pgno);
    set_tag_count(page, 1);
    tag_put(page, page_size, 0, 0, 0, 0);
    set_ib_mic_free(page, 0);
    set_cb_free(page, page_size - header - PAGE_TAG_SIZE);
}

/* Bytes free right after ibMicFree, before the tag array (what an append can use). */
static uint32_t contiguous_room(const uint8_t *page, uint32_t page_size)
{
    uint32_t used = page_header_size(page_size) + page_ib_mic_free(page) +
                    PAGE_TAG_SIZE * page_tag_count(page);
    return used < page_size ? page_size - used : 0;
}

JET_ERR page_reorganize(uint8_t *page, uint32_t page_size)
{
    uint32_t header = page_header_size(page_size);
    uint32_t count = page_tag_count(page);
    uint32_t used = page_ib_mic_free(page);
    uint8_t *scratch = osal_malloc(used ? used : 1);
    if (!scratch)
        return JET_errOutOfMemory;
    memcpy(scratch, page + header, used);
    uint32_t next = 0;
    for (uint32_t itag = 0; itag < count; itag++) {
        page_tag tag;
        page_tag_get(page, page_size, itag, &tag);
        if (tag.size)
            memcpy(page + header + next, scratch + tag.offset, tag.size);
        tag_move(page, page_size, itag, tag.size ? next : 0);
        next += tag.size;
    }
    osal_free(scratch);
    /* Clear the reclaimed bytes so stale data never lingers in the file. */
    memset(page + header + next, 0, used - next);
    set_ib_mic_free(page, next);
    return JET_errSuccess;
}

/* Make sure `size` bytes are free after ibMicFree (reorganizing if the gaps must be merged).
 * The caller checked cbFree covers it. */
static JET_ERR ensure_contiguous(uint8_t *page, uint32_t page_size, uint32_t size)
{
    if (contiguous_room(page, page_size) >= size)
        return JET_errSuccess;
    JET_ERR err = page_reorganize(page, page_size);
    if (err < 0)
        return err;
    return contiguous_room(page, page_size) >= size ? JET_errSuccess : JET_errInternalError;
}

/* Write an uncompressed node at data-area offset `at`. */
static void write_node(uint8_t *page, uint32_t page_size, uint32_t at, const uint8_t *key,
                       uint32_t key_len, const uint8_t *data, uint32_t data_len, uint32_t flags)
{
    uint8_t *p = page + page_header_size(page_size) + at;
    uint16_t first = (uint16_t)key_len;
    if (page_is_large(page_size))
        first = (uint16_t)(first | (flags << TAG_FLAG_SHIFT));
    ese_store_u16(p, first);
    if (key_len)
        memcpy(p + 2, key, key_len);
    if (data_len)
        memcpy(p + 2 + key_len, data, data_len);
}

JET_ERR page_insert(uint8_t *page, uint32_t page_size, uint32_t itag, const uint8_t *key,
                    uint32_t key_len, const uint8_t *data, uint32_t data_len, uint32_t flags)
{
    uint32_t count = page_tag_count(page);
    uint32_t size = page_node_size(key_len, data_len);
    if (itag == 0 || itag > count || !page_can_insert(page, size))
        return JET_errInternalError;
    /* Room for the node and for the new tag, both taken from the contiguous free area. */
    JET_ERR err = ensure_contiguous(page, page_size, size + PAGE_TAG_SIZE);
    if (err < 0)
        return err;
    uint32_t at = page_ib_mic_free(page);
    write_node(page, page_size, at, key, key_len, data, data_len, flags);
    /* Tags itag..count-1 move one slot down in memory (they sit at the end, growing down). */
    uint8_t *low = tag_pointer(page, page_size, count - 1);
    memmove(low - PAGE_TAG_SIZE, low, PAGE_TAG_SIZE * (count - itag));
    tag_put(page, page_size, itag, at, size, flags);
    set_tag_count(page, count + 1);
    set_ib_mic_free(page, at + size);
    set_cb_free(page, page_cb_free(page) - size - PAGE_TAG_SIZE);
    return JET_errSuccess;
}

JET_ERR page_replace(uint8_t *page, uint32_t page_size, uint32_t itag, const uint8_t *key,
                     uint32_t key_len, const uint8_t *data, uint32_t data_len, uint32_t flags)
{
    uint32_t count = page_tag_count(page);
    if (itag == 0 || itag >= count)
        return JET_errInternalError;
    page_tag old;
    page_tag_get(page, page_size, itag, &old);
    uint32_t size = page_node_size(key_len, data_len);
    uint32_t ib_mic = page_ib_mic_free(page);
    int at_end = old.offset + old.size == ib_mic;
    if (page_cb_free(page) + old.size < size)
        return JET_errInternalError;
    if (size <= old.size || (at_end && contiguous_room(page, page_size) >= size - old.size)) {
        /* In place: the node shrinks, or it is the last one and can grow into free space. */
        write_node(page, page_size, old.offset, key, key_len, data, data_len, flags);
        if (at_end)
            set_ib_mic_free(page, old.offset + size);
    } else {
        /* Free the old bytes (a gap), then append the new node, compacting if needed. */
        tag_put(page, page_size, itag, 0, 0, 0);
        if (at_end)
            set_ib_mic_free(page, old.offset);
        JET_ERR err = ensure_contiguous(page, page_size, size);
        if (err < 0) {
            /* Reorganize failed without touching the page: put the old tag back. */
            tag_put(page, page_size, itag, old.offset, old.size, old.flags);
            if (at_end)
                set_ib_mic_free(page, ib_mic);
            return err;
        }
        uint32_t at = page_ib_mic_free(page);
        write_node(page, page_size, at, key, key_len, data, data_len, flags);
        old.offset = at;
        set_ib_mic_free(page, at + size);
    }
    tag_put(page, page_size, itag, old.offset, size, flags);
    set_cb_free(page, page_cb_free(page) + old.size - size);
    return JET_errSuccess;
}

void page_delete(uint8_t *page, uint32_t page_size, uint32_t itag)
{
    uint32_t count = page_tag_count(page);
    if (itag == 0 || itag >= count)
        return;
    page_tag tag;
    page_tag_get(page, page_size, itag, &tag);
    if (tag.size && tag.offset + tag.size == page_ib_mic_free(page))
        set_ib_mic_free(page, tag.offset);
    uint8_t *low = tag_pointer(page, page_size, count - 1);
    memmove(low + PAGE_TAG_SIZE, low, PAGE_TAG_SIZE * (count - 1 - itag));
    memset(low, 0, PAGE_TAG_SIZE);
    set_tag_count(page, count - 1);
    set_cb_free(page, page_cb_free(page) + tag.size + PAGE_TAG_SIZE);
}

void page_truncate(uint8_t *page, uint32_t page_size, uint32_t keep)
{
    uint32_t count = page_tag_count(page);
    if (keep == 0 || keep >= count)
        return;
    uint32_t freed = 0, end = 0;
    for (uint32_t itag = 0; itag < count; itag++) {
        page_tag tag;
        page_tag_get(page, page_size, itag, &tag);
        if (itag >= keep)
            freed += tag.size + PAGE_TAG_SIZE;
        else if (tag.size && tag.offset + tag.size > end)
            end = tag.offset + tag.size;
    }
    memset(tag_pointer(page, page_size, count - 1), 0, PAGE_TAG_SIZE * (count - keep));
    set_tag_count(page, keep);
    set_ib_mic_free(page, end); /* nothing kept lies beyond the last kept node's end */
    set_cb_free(page, page_cb_free(page) + freed);
}

JET_ERR page_set_external_header(uint8_t *page, uint32_t page_size, const uint8_t *data, uint32_t len)
{
    page_tag old;
    page_tag_get(page, page_size, 0, &old);
    if (len == old.size) {
        if (len)
            memcpy(page + page_header_size(page_size) + old.offset, data, len);
        return JET_errSuccess;
    }
    if (page_cb_free(page) + old.size < len)
        return JET_errInternalError;
    tag_put(page, page_size, 0, 0, 0, 0);
    if (old.size && old.offset + old.size == page_ib_mic_free(page))
        set_ib_mic_free(page, old.offset);
    set_cb_free(page, page_cb_free(page) + old.size);
    JET_ERR err = ensure_contiguous(page, page_size, len);
    if (err < 0) {
        tag_put(page, page_size, 0, old.offset, old.size, 0);
        set_cb_free(page, page_cb_free(page) - old.size);
        if (old.size && old.offset + old.size > page_ib_mic_free(page))
            set_ib_mic_free(page, old.offset + old.size);
        return err;
    }
    uint32_t at = len ? page_ib_mic_free(page) : 0;
    if (len) {
        memcpy(page + page_header_size(page_size) + at, data, len);
        set_ib_mic_free(page, at + len);
    }
    tag_put(page, page_size, 0, at, len, 0);
    set_cb_free(page, page_cb_free(page) - len);
    return JET_errSuccess;
}

void page_set_child(uint8_t *page, uint32_t page_size, uint32_t itag, uint32_t child)
{
    page_tag tag;
    page_tag_get(page, page_size, itag, &tag);
    if (tag.size < PAGE_BRANCH_DATA_SIZE)
        return;
    ese_store_u32(page + page_header_size(page_size) + tag.offset + tag.size - PAGE_BRANCH_DATA_SIZE,
                  child);
}

static JET_ERR layout_error(char *msg, size_t cb_msg, const char *what, uint32_t a, uint32_t b)
{
    if (cb_msg)
        snprintf(msg, cb_msg, "%s (%u, %u)", what, a, b);
    return JET_errDatabaseCorrupted;
}

JET_ERR page_check_layout(const uint8_t *page, uint32_t page_size, char *msg, size_t cb_msg)
{
    uint32_t header = page_header_size(page_size);
    uint32_t count = page_tag_count(page);
    uint32_t ib_mic = page_ib_mic_free(page);
    if (count < 1)
        return layout_error(msg, cb_msg, "page has no tag 0", count, 0);
    if (header + ib_mic + PAGE_TAG_SIZE * count > page_size)
        return layout_error(msg, cb_msg, "data area and tag array overlap: ibMicFree, tags",
                            ib_mic, count);
    /* A bit per data-area byte finds overlapping tags in one pass. */
    uint8_t used[ESE_PAGE_SIZE_MAX / 8];
    memset(used, 0, (ib_mic + 7) / 8);
    uint32_t total = 0;
    for (uint32_t itag = 0; itag < count; itag++) {
        page_tag tag;
        page_tag_get(page, page_size, itag, &tag);
        if (tag.offset + tag.size > ib_mic)
            return layout_error(msg, cb_msg, "tag beyond ibMicFree: itag, end", itag,
                                tag.offset + tag.size);
        for (uint32_t b = tag.offset; b < tag.offset + tag.size; b++) {
            if (used[b / 8] & (1u << (b % 8)))
                return layout_error(msg, cb_msg, "tags overlap: itag, byte", itag, b);
            used[b / 8] |= (uint8_t)(1u << (b % 8));
        }
        total += tag.size;
    }
    uint32_t expected_free = page_size - header - PAGE_TAG_SIZE * count - total;
    if (page_cb_free(page) != expected_free)
        return layout_error(msg, cb_msg, "cbFree wrong: stored, expected", page_cb_free(page),
                            expected_free);
    uint32_t uncommitted = ese_load_u16(page + ESE_PGHDR_OFF_CB_UNCOMMITTED_FREE);
    if (uncommitted > expected_free)
        return layout_error(msg, cb_msg, "cbUncommittedFree exceeds cbFree", uncommitted,
                            expected_free);
    return JET_errSuccess;
}
