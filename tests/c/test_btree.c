/*
 * test_btree.c -- C tests of libese's page, space and B+tree layers (page.c, space.c,
 * btree.c, memstore.c).
 *
 *   - slotted pages: tags, nodes, flags in both page forms, reorganization, layout checks;
 *   - the empty database layout ESE creates (pages 1-12, 24-26);
 *   - for 4, 8, 16 and 32 KiB pages: tens of thousands of random inserts, replaces, deletes and
 *     seeks on three trees sharing one database (a table, an index and an LV tree, which take
 *     their space from each other and from the file), with keys from 2 bytes up to the key
 *     limit and data up to the largest node, compared with a reference model after every batch
 *     (full scans both ways, seeks in all five modes), bt_check and whole-database ownership
 *     checks throughout;
 *   - cursors across changes made between their calls; sequential, descending and delete-all
 *     patterns; three-way splits; space fragmented until the AvailExt itself splits and
 *     shrinks; single-extent FDPs converting; errors; allocation failures injected at every
 *     step of a workload;
 *   - a memstore saved to a file and loaded back, every page checksum verifying;
 *   - real databases written by Windows (directory from $ESE_SAMPLES; skipped with a message
 *     when unset): the catalog tree at page 4 is walked both ways and every key sought; every
 *     tree the catalog names passes bt_check and ownership is exact over the whole file; then
 *     every unique tree is changed in memory (compressed nodes, ghosts, single-extent tables)
 *     and checked again.
 *
 * Built and run by ci/sanitize under ASan+UBSan, linked with every .c file of src/libese and
 * src/eseformat, with -Isrc -Isrc/libese -Isrc/libese/include -Isrc/eseformat -lpthread.
 * BTREE_BENCH=1 in the environment adds a throughput run (1M 8-byte keys, 32-byte data).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btree.h"
#include "check.h"
#include "eseformat.h"
#include "fault.h"
#include "memstore.h"
#include "page.h"
#include "space.h"

static const uint32_t PAGE_SIZES[] = {4096, 8192, 16384, 32768};
#define PAGE_SIZE_COUNT (sizeof PAGE_SIZES / sizeof PAGE_SIZES[0])

/* ---- deterministic randomness ------------------------------------------------------------- */
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

static uint32_t rnd_below(uint32_t n)
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static void fill_bytes(uint8_t *out, size_t len, uint64_t seed)
{
    uint64_t s = mix64(seed + 1);
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0)
            s = mix64(s + i);
        out[i] = (uint8_t)(s >> (8 * (i % 8)));
    }
}

/* ---- a fresh database in memory ----------------------------------------------------------- */
static ese_memstore *new_database(uint32_t page_size, uint32_t pages)
{
    ese_memstore *ms = NULL;
    CHECK_ERR(memstore_create(page_size, 0, &ms), JET_errSuccess);
    if (!ms)
        return NULL;
    CHECK_ERR(space_create_database(memstore_pagestore(ms), pages), JET_errSuccess);
    return ms;
}

static const uint32_t SYSTEM_FDPS[] = {SPACE_PGNO_DB_ROOT, SPACE_PGNO_MSO, SPACE_PGNO_MSO_NAME,
                                       SPACE_PGNO_MSO_ROOTOBJECTS, SPACE_PGNO_MSO_SHADOW};

/* ===========================================================================================
 * Pages
 * ========================================================================================= */

static void test_pages(void)
{
    for (size_t s = 0; s < PAGE_SIZE_COUNT; s++) {
        uint32_t ps = PAGE_SIZES[s];
        uint32_t header = page_header_size(ps);
        CHECK(header == (ps > 8192 ? 80u : 40u));
        uint8_t *page = calloc(1, ps);
        page_init(page, ps, 77, 9, ESE_PAGE_FLAG_LEAF | BT_PAGE_BASE_FLAGS);
        CHECK(page_tag_count(page) == 1);
        CHECK(page_cb_free(page) == ps - header - 4);
        CHECK(page_objid(page) == 9);
        CHECK(ps <= 8192 || ese_load_u32(page + ESE_PGHDR_OFF_PGNO) == 77);
        char msg[160];
        CHECK_ERR(page_check_layout(page, ps, msg, sizeof msg), JET_errSuccess);

        /* Insert out of order by position, read back in tag order. */
        const char *keys[] = {"bb", "dd", "aa", "cc"};
        const uint32_t at[] = {1, 2, 1, 3};
        for (int i = 0; i < 4; i++)
            CHECK_ERR(page_insert(page, ps, at[i], (const uint8_t *)keys[i], 2, (const uint8_t *)"data", 4, 0),
                      JET_errSuccess);
        const char *expect[] = {"aa", "bb", "cc", "dd"};
        for (uint32_t i = 1; i <= 4; i++) {
            page_node node;
            CHECK_ERR(page_node_get(page, ps, i, &node), JET_errSuccess);
            CHECK(node.suffix_len == 2 && memcmp(node.suffix, expect[i - 1], 2) == 0);
            CHECK(node.data_len == 4 && memcmp(node.data, "data", 4) == 0);
            CHECK(node.flags == 0);
        }
        CHECK(page_cb_free(page) == ps - header - 4 * 5 - 4 * 8);
        CHECK_ERR(page_check_layout(page, ps, msg, sizeof msg), JET_errSuccess);

        /* Delete in the middle leaves a gap; a grown replace needs the gap back. */
        page_delete(page, ps, 2);
        CHECK(page_node_count(page) == 3);
        CHECK_ERR(page_check_layout(page, ps, msg, sizeof msg), JET_errSuccess);
        uint8_t big[600];
        memset(big, 0x5A, sizeof big);
        CHECK_ERR(page_replace(page, ps, 1, (const uint8_t *)"aa", 2, big, sizeof big, 0), JET_errSuccess);
        CHECK_ERR(page_check_layout(page, ps, msg, sizeof msg), JET_errSuccess);
        /* Fill the page to the last byte with inserts, forcing reorganizations. */
        uint32_t n = 0;
        while (page_can_insert(page, page_node_size(4, 20))) {
            uint8_t key[4] = {'z', (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
            CHECK_ERR(page_insert(page, ps, page_tag_count(page), key, 4, big, 20, 0), JET_errSuccess);
            if (n % 3 == 0)
                page_delete(page, ps, page_tag_count(page) - 1 - (n % 2));
            n++;
        }
        CHECK_ERR(page_check_layout(page, ps, msg, sizeof msg), JET_errSuccess);
        CHECK(page_cb_free(page) < page_node_size(4, 20) + 4 || page_tag_count(page) >= PAGE_TAG_COUNT_MAX);
        CHECK_ERR(page_reorganize(page, ps), JET_errSuccess);
        CHECK(page_ib_mic_free(page) + header + 4 * page_tag_count(page) + page_cb_free(page) == ps);
        CHECK_ERR(page_check_layout(page, ps, msg, sizeof msg), JET_errSuccess);
        page_truncate(page, ps, 2);
        CHECK(page_node_count(page) == 1);
        CHECK_ERR(page_check_layout(page, ps, msg, sizeof msg), JET_errSuccess);

        /* Ghost flag: in the tag offset on small pages, in the node's first u16 on large. */
        page_init(page, ps, 5, 9, ESE_PAGE_FLAG_LEAF | BT_PAGE_BASE_FLAGS);
        CHECK_ERR(page_insert(page, ps, 1, (const uint8_t *)"k", 1, (const uint8_t *)"v", 1,
                              PAGE_TAG_FLAG_DELETED), JET_errSuccess);
        page_node node;
        CHECK_ERR(page_node_get(page, ps, 1, &node), JET_errSuccess);
        CHECK(node.flags == PAGE_TAG_FLAG_DELETED && node.suffix_len == 1 && node.data_len == 1);
        const uint8_t *tag1 = page + ps - 8;
        if (ps <= 8192)
            CHECK((ese_load_u16(tag1 + 2) >> 13) == PAGE_TAG_FLAG_DELETED);
        else
            CHECK((ese_load_u16(page + header + ese_load_u16(tag1 + 2)) >> 13) == PAGE_TAG_FLAG_DELETED);

        /* A prefix-compressed node as ESE writes it: tag 0 holds the prefix. */
        page_init(page, ps, 5, 9, ESE_PAGE_FLAG_LEAF | BT_PAGE_BASE_FLAGS);
        CHECK_ERR(page_set_external_header(page, ps, (const uint8_t *)"PREFIX", 6), JET_errSuccess);
        uint8_t raw[16];
        uint32_t flags = PAGE_TAG_FLAG_COMPRESSED | PAGE_TAG_FLAG_VERSION;
        ese_store_u16(raw, (uint16_t)(4 | (ps > 8192 ? flags << 13 : 0))); /* cbPrefix */
        ese_store_u16(raw + 2, 3);                                           /* cbSuffix */
        memcpy(raw + 4, "abcDATA", 7);
        uint32_t ib = page_ib_mic_free(page);
        memcpy(page + header + ib, raw, 11);
        uint8_t *t = page + ps - 8;
        ese_store_u16(t, 11);
        ese_store_u16(t + 2, (uint16_t)(ib | (ps <= 8192 ? flags << 13 : 0)));
        ese_store_u16(page + ESE_PGHDR_OFF_ITAG_STATE, 2);
        ese_store_u16(page + ESE_PGHDR_OFF_IB_MIC_FREE, (uint16_t)(ib + 11));
        ese_store_u16(page + ESE_PGHDR_OFF_CB_FREE, (uint16_t)(page_cb_free(page) - 15));
        CHECK_ERR(page_check_layout(page, ps, msg, sizeof msg), JET_errSuccess);
        CHECK_ERR(page_node_get(page, ps, 1, &node), JET_errSuccess);
        CHECK(node.flags == flags && node.prefix_len == 4 && node.suffix_len == 3 && node.data_len == 4);
        uint8_t full[8];
        page_node_key_copy(&node, full);
        CHECK(memcmp(full, "PREFabc", 7) == 0);
        CHECK(page_node_key_compare(&node, (const uint8_t *)"PREFabc", 7) == 0);
        CHECK(page_node_key_compare(&node, (const uint8_t *)"PREFabd", 7) < 0);
        CHECK(page_node_key_compare(&node, (const uint8_t *)"PREF", 4) > 0);
        CHECK(page_node_key_compare(&node, (const uint8_t *)"PRE", 3) > 0);
        CHECK(page_node_key_compare(&node, (const uint8_t *)"PREFabc\0", 8) < 0);
        CHECK(page_node_key_compare(&node, (const uint8_t *)"PREA", 4) > 0);
        /* Corrupt lengths are caught, not followed. */
        ese_store_u16(page + header + ib + 2, 60);
        CHECK_ERR(page_node_get(page, ps, 1, &node), JET_errDatabaseCorrupted);
        ese_store_u16(page + ESE_PGHDR_OFF_CB_FREE, 1);
        CHECK_ERR(page_check_layout(page, ps, msg, 0), JET_errDatabaseCorrupted);
        free(page);
    }
    CHECK(page_key_compare((const uint8_t *)"ab", 2, (const uint8_t *)"abc", 3) < 0);
    CHECK(page_key_compare((const uint8_t *)"b", 1, (const uint8_t *)"abc", 3) > 0);
    CHECK(page_key_compare((const uint8_t *)"", 0, (const uint8_t *)"", 0) == 0);
}

/* ===========================================================================================
 * The empty database
 * ========================================================================================= */

static void expect_space_node(ese_memstore *ms, uint32_t pgno, uint32_t last, uint32_t cpg)
{
    const uint8_t *page = memstore_page(ms, pgno);
    uint32_t ps = memstore_pagestore(ms)->page_size;
    if (!cpg) {
        CHECK(page_node_count(page) == 0);
        return;
    }
    page_node node;
    CHECK(page_node_count(page) == 1);
    CHECK_ERR(page_node_get(page, ps, 1, &node), JET_errSuccess);
    uint8_t key[4] = {(uint8_t)(last >> 24), (uint8_t)(last >> 16), (uint8_t)(last >> 8), (uint8_t)last};
    CHECK(node.suffix_len == 4 && memcmp(node.suffix, key, 4) == 0);
    CHECK(node.data_len == 4 && ese_load_u32(node.data) == cpg);
    CHECK(node.size == 10);
}

static void test_empty_database(void)
{
    for (size_t s = 0; s < PAGE_SIZE_COUNT; s++) {
        uint32_t ps = PAGE_SIZES[s];
        ese_memstore *ms = new_database(ps, 254);
        ese_pagestore *store = memstore_pagestore(ms);
        CHECK(store->page_count == 254);
        char msg[256] = "";
        CHECK_ERR(space_check_database(store, SYSTEM_FDPS, 5, msg, sizeof msg), JET_errSuccess);
        if (msg[0])
            fprintf(stderr, "  %s\n", msg);
        struct {
            uint32_t pgno, objid, flags, cpg, parent, oe;
        } fdps[] = {
            {1, 1, 0x2803, 254, 0, 2},   {4, 2, 0x2803, 20, 1, 5}, {7, 4, 0x2843, 3, 4, 8},
            {10, 5, 0x2843, 3, 4, 11}, {24, 3, 0x2803, 5, 1, 25},
        };
        for (size_t i = 0; i < 5; i++) {
            const uint8_t *page = memstore_page(ms, fdps[i].pgno);
            CHECK(page_objid(page) == fdps[i].objid);
            CHECK(page_flags(page) == fdps[i].flags);
            CHECK(page_node_count(page) == 0);
            uint32_t size;
            const uint8_t *tag0 = page_tag_bytes(page, ps, 0, &size);
            CHECK(size == 16);
            CHECK(ese_load_u32(tag0) == fdps[i].cpg && ese_load_u32(tag0 + 4) == fdps[i].parent);
            CHECK(ese_load_u32(tag0 + 8) == 1 && ese_load_u32(tag0 + 12) == fdps[i].oe);
            for (uint32_t k = 1; k <= 2; k++) {
                const uint8_t *sp = memstore_page(ms, fdps[i].oe + k - 1);
                CHECK(page_objid(sp) == fdps[i].objid);
                CHECK(page_flags(sp) == (fdps[i].flags | ESE_PAGE_FLAG_SPACE_TREE));
                const uint8_t *split_buffer = page_tag_bytes(sp, ps, 0, &size);
                static const uint8_t zeros[16];
                CHECK(size == 16 && memcmp(split_buffer, zeros, 16) == 0);
            }
        }
        /* The extents, exactly as ESE lays them out (facts §1.1, §3.3). */
        expect_space_node(ms, 2, 254, 254);
        expect_space_node(ms, 3, 254, 254 - 28);
        expect_space_node(ms, 5, 23, 20);
        expect_space_node(ms, 6, 23, 11);
        expect_space_node(ms, 8, 9, 3);
        expect_space_node(ms, 9, 0, 0);
        expect_space_node(ms, 11, 12, 3);
        expect_space_node(ms, 12, 0, 0);
        expect_space_node(ms, 25, 28, 5);
        expect_space_node(ms, 26, 28, 2);
        for (uint32_t p = 13; p <= 23; p++)
            CHECK(page_flags(memstore_page(ms, p)) == 0);

        /* The catalog takes records, then grows past its primary extent into 13..23. */
        ese_btree mso;
        CHECK_ERR(bt_open(&mso, store, SPACE_PGNO_MSO), JET_errSuccess);
        uint8_t record[300];
        for (uint32_t i = 0; i < 200; i++) {
            uint8_t key[13] = {0x7f, 0x80, 0, (uint8_t)(i >> 8), (uint8_t)i, 0x7f, 0x80, 2, 0x7f, 0x80, 0, 0, 1};
            fill_bytes(record, sizeof record, i);
            CHECK_ERR(bt_insert(&mso, key, sizeof key, record, sizeof record), JET_errSuccess);
        }
        bt_check_stats stats;
        CHECK_ERR(bt_check(store, SPACE_PGNO_MSO, &stats, msg, sizeof msg), JET_errSuccess);
        CHECK(stats.records == 200 && stats.depth >= 2);
        CHECK(page_flags(memstore_page(ms, SPACE_PGNO_MSO)) & ESE_PAGE_FLAG_PARENT_OF_LEAF);
        CHECK_ERR(space_check_database(store, SYSTEM_FDPS, 5, msg, sizeof msg), JET_errSuccess);
        /* The Name index grows from the catalog's space, not the root's. */
        ese_btree name;
        CHECK_ERR(bt_open(&name, store, SPACE_PGNO_MSO_NAME), JET_errSuccess);
        CHECK(name.kind == ESE_PAGE_FLAG_INDEX);
        for (uint32_t i = 0; i < 800; i++) {
            uint8_t key[40];
            fill_bytes(key, sizeof key, i + 5000);
            CHECK_ERR(bt_insert(&name, key, sizeof key, record, 13), JET_errSuccess);
        }
        CHECK_ERR(bt_check(store, SPACE_PGNO_MSO_NAME, &stats, msg, sizeof msg), JET_errSuccess);
        CHECK(stats.depth >= 2 && stats.owned_pages > 3);
        CHECK_ERR(space_check_database(store, SYSTEM_FDPS, 5, msg, sizeof msg), JET_errSuccess);
        if (msg[0])
            fprintf(stderr, "  %s\n", msg);
        /* Every page of the index carries the Index flag. */
        for (uint32_t p = 1; p <= store->page_count; p++) {
            const uint8_t *page = memstore_page(ms, p);
            if (page_objid(page) == SPACE_OBJID_MSO_NAME && !(page_flags(page) & ESE_PAGE_FLAG_EMPTY))
                CHECK(page_flags(page) & ESE_PAGE_FLAG_INDEX);
        }
        CHECK(memstore_outstanding_refs(ms) == 0);
        memstore_destroy(ms);
    }
    /* Too small a database is refused. */
    ese_memstore *ms = NULL;
    CHECK_ERR(memstore_create(8192, 0, &ms), JET_errSuccess);
    CHECK_ERR(space_create_database(memstore_pagestore(ms), 28), JET_errInvalidParameter);
    memstore_destroy(ms);
}

/* ===========================================================================================
 * The reference model and random workloads
 * ========================================================================================= */

/* Keys come from a finite universe of ids, so inserts, replaces and deletes hit each other.
 * The first byte is a class that decides the shape: long shared prefixes (long separators),
 * keys that are prefixes of other keys, keys near the length limit. */
#define KEY_CLASSES 9

static uint32_t make_key(uint32_t id, uint32_t key_most, uint8_t *key)
{
    uint32_t cls = (uint32_t)(mix64(id) % KEY_CLASSES);
    uint32_t len = 0;
    key[len++] = (uint8_t)cls;
    if (cls == 0) {
        /* id/4 in two bytes, then zero to three zero bytes: keys that are prefixes of each
         * other (the shorter sorts first). */
        uint32_t v = id / 4;
        key[len++] = (uint8_t)(v >> 8);
        key[len++] = (uint8_t)v;
        for (uint32_t i = 0; i < id % 4; i++)
            key[len++] = 0;
        return len;
    }
    static const uint32_t prefix_len[KEY_CLASSES] = {0, 0, 2, 9, 40, 150, 400, 0, 0};
    uint32_t prefix = prefix_len[cls];
    if (cls == 7)
        prefix = key_most / 2;
    if (cls == 8)
        prefix = key_most - 10;
    for (uint32_t i = 0; i < prefix; i++)
        key[len++] = (uint8_t)(cls * 37 + i * 7);
    for (int i = 3; i >= 0; i--)
        key[len++] = (uint8_t)(id >> (8 * i));
    uint32_t tail = (uint32_t)(mix64(id * 31 + 7) % 12);
    if (len + tail > key_most)
        tail = key_most - len;
    for (uint32_t i = 0; i < tail; i++)
        key[len++] = (uint8_t)(id * 13 + i);
    return len;
}

typedef struct {
    uint8_t present;
    uint32_t data_len;
    uint64_t seed;
} model_entry;

typedef struct {
    ese_btree tree;
    uint32_t fdp;
    uint32_t ids;            /* size of the key universe */
    model_entry *entries;    /* by id */
    uint32_t key_most, node_most;
    uint32_t live;
    /* Sorted view (rebuilt at each verification). */
    uint32_t *order;
    uint32_t order_count;
    uint8_t **keys;          /* key bytes by id (computed once) */
    uint32_t *key_lens;
} model;

static model *g_sort_model;

static int compare_ids(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    model *m = g_sort_model;
    return page_key_compare(m->keys[x], m->key_lens[x], m->keys[y], m->key_lens[y]);
}

static void model_init(model *m, ese_pagestore *store, uint32_t fdp, uint32_t ids)
{
    memset(m, 0, sizeof *m);
    CHECK_ERR(bt_open(&m->tree, store, fdp), JET_errSuccess);
    m->fdp = fdp;
    m->ids = ids;
    m->key_most = bt_key_most(store->page_size);
    m->node_most = bt_node_most(store->page_size);
    m->entries = calloc(ids, sizeof *m->entries);
    m->order = calloc(ids, sizeof *m->order);
    m->keys = calloc(ids, sizeof *m->keys);
    m->key_lens = calloc(ids, sizeof *m->key_lens);
    uint8_t *buf = malloc(m->key_most);
    for (uint32_t id = 0; id < ids; id++) {
        m->key_lens[id] = make_key(id, m->key_most, buf);
        m->keys[id] = malloc(m->key_lens[id]);
        memcpy(m->keys[id], buf, m->key_lens[id]);
    }
    free(buf);
    /* Every key distinct (the generator promises it; check the promise on a sorted view). */
    for (uint32_t id = 0; id < ids; id++)
        m->order[id] = id;
    g_sort_model = m;
    qsort(m->order, ids, sizeof *m->order, compare_ids);
    uint32_t duplicates = 0;
    for (uint32_t i = 1; i < ids; i++)
        duplicates += compare_ids(&m->order[i - 1], &m->order[i]) == 0;
    CHECK(duplicates == 0);
}

static void model_free(model *m)
{
    for (uint32_t id = 0; id < m->ids; id++)
        free(m->keys[id]);
    free(m->keys);
    free(m->key_lens);
    free(m->entries);
    free(m->order);
}

static void model_sort(model *m)
{
    m->order_count = 0;
    for (uint32_t id = 0; id < m->ids; id++)
        if (m->entries[id].present)
            m->order[m->order_count++] = id;
    g_sort_model = m;
    qsort(m->order, m->order_count, sizeof *m->order, compare_ids);
}

/* A data length: mostly small, sometimes up to the largest node. */
static uint32_t pick_data_len(const model *m, uint32_t key_len)
{
    uint32_t most = m->node_most - 2 - key_len;
    uint32_t r = rnd_below(100);
    uint32_t len = r < 70 ? 1 + rnd_below(60) : r < 92 ? 1 + rnd_below(600) : r < 97 ? 1 + rnd_below(most) : most;
    return len > most ? most : len;
}

static uint8_t g_data[32768], g_read[32768];

/* One random operation against the tree and the model; returns 0 when all agreed. */
static int random_op(model *m)
{
    uint32_t id = rnd_below(m->ids);
    model_entry *e = &m->entries[id];
    const uint8_t *key = m->keys[id];
    uint32_t key_len = m->key_lens[id];
    uint32_t r = rnd_below(100);
    JET_ERR err;
    if (r < 50) {
        uint32_t len = pick_data_len(m, key_len);
        uint64_t seed = rnd();
        fill_bytes(g_data, len, seed);
        err = bt_insert(&m->tree, key, key_len, g_data, len);
        if (e->present) {
            CHECK_ERR(err, JET_errKeyDuplicate);
            return err != JET_errKeyDuplicate;
        }
        CHECK_ERR(err, JET_errSuccess);
        if (err == JET_errSuccess) {
            e->present = 1, e->data_len = len, e->seed = seed;
            m->live++;
        }
        return err != JET_errSuccess;
    }
    if (r < 65) {
        uint32_t len = pick_data_len(m, key_len);
        uint64_t seed = rnd();
        fill_bytes(g_data, len, seed);
        err = bt_replace(&m->tree, key, key_len, g_data, len);
        CHECK_ERR(err, e->present ? JET_errSuccess : JET_errRecordNotFound);
        if (err == JET_errSuccess)
            e->data_len = len, e->seed = seed;
        return err != (e->present ? JET_errSuccess : JET_errRecordNotFound);
    }
    if (r < 90) {
        err = bt_delete(&m->tree, key, key_len);
        CHECK_ERR(err, e->present ? JET_errSuccess : JET_errRecordNotFound);
        int bad = err != (e->present ? JET_errSuccess : JET_errRecordNotFound);
        if (err == JET_errSuccess) {
            e->present = 0;
            m->live--;
        }
        return bad;
    }
    size_t len = 0;
    err = bt_lookup(&m->tree, key, key_len, g_read, sizeof g_read, &len);
    CHECK_ERR(err, e->present ? JET_errSuccess : JET_errRecordNotFound);
    if (err == JET_errSuccess) {
        fill_bytes(g_data, e->data_len, e->seed);
        CHECK(len == e->data_len && memcmp(g_read, g_data, len) == 0);
    }
    return 0;
}

/* The cursor is on model entry id: key and data agree. */
static int cursor_matches(ese_btcursor *cursor, const model *m, uint32_t id)
{
    static uint8_t key[4096];
    size_t key_len = 0, data_len = 0;
    JET_ERR err = bt_cursor_get(cursor, key, sizeof key, &key_len, g_read, sizeof g_read, &data_len);
    if (err != JET_errSuccess)
        return 0;
    if (key_len != m->key_lens[id] || memcmp(key, m->keys[id], key_len) != 0)
        return 0;
    fill_bytes(g_data, m->entries[id].data_len, m->entries[id].seed);
    return data_len == m->entries[id].data_len && memcmp(g_read, g_data, data_len) == 0;
}

/* Position in the sorted view of the first entry whose key is >= key (count when none). */
static uint32_t model_lower_bound(const model *m, const uint8_t *key, uint32_t key_len, int *pequal)
{
    uint32_t lo = 0, hi = m->order_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t id = m->order[mid];
        if (page_key_compare(m->keys[id], m->key_lens[id], key, key_len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pequal = lo < m->order_count &&
              page_key_compare(m->keys[m->order[lo]], m->key_lens[m->order[lo]], key, key_len) == 0;
    return lo;
}

/* Expected answer of a seek: the index in the sorted view, or -1 for RecordNotFound. */
static long model_seek(const model *m, const uint8_t *key, uint32_t key_len, bt_seek_mode mode, int *pequal)
{
    int equal;
    uint32_t lb = model_lower_bound(m, key, key_len, &equal);
    *pequal = 0;
    switch (mode) {
    case BT_SEEK_EQ:
        *pequal = equal;
        return equal ? (long)lb : -1;
    case BT_SEEK_GE:
        *pequal = equal;
        return lb < m->order_count ? (long)lb : -1;
    case BT_SEEK_GT: {
        uint32_t at = equal ? lb + 1 : lb;
        return at < m->order_count ? (long)at : -1;
    }
    case BT_SEEK_LE:
        if (equal) {
            *pequal = 1;
            return (long)lb;
        }
        return lb > 0 ? (long)lb - 1 : -1;
    case BT_SEEK_LT:
        return lb > 0 ? (long)lb - 1 : -1;
    }
    return -1;
}

/* Full comparison of a tree with its model: both scan directions, seeks of every mode. */
static int verify_model(model *m, int seeks)
{
    model_sort(m);
    int failures = 0;
    ese_btcursor cursor;
    bt_cursor_init(&cursor, &m->tree);
    JET_ERR err = bt_cursor_first(&cursor);
    uint32_t i = 0;
    while (err == JET_errSuccess) {
        if (i >= m->order_count || !cursor_matches(&cursor, m, m->order[i])) {
            failures++;
            break;
        }
        i++;
        err = bt_cursor_next(&cursor);
    }
    if (!failures && (i != m->order_count || err != JET_errNoCurrentRecord))
        failures++;
    /* Past the end, a step back returns to the last record. */
    if (!failures && m->order_count) {
        err = bt_cursor_prev(&cursor);
        if (err != JET_errSuccess || !cursor_matches(&cursor, m, m->order[m->order_count - 1]))
            failures++;
    }
    err = bt_cursor_last(&cursor);
    i = m->order_count;
    while (!failures && err == JET_errSuccess) {
        if (i == 0 || !cursor_matches(&cursor, m, m->order[i - 1])) {
            failures++;
            break;
        }
        i--;
        err = bt_cursor_prev(&cursor);
    }
    if (!failures && (i != 0 || err != JET_errNoCurrentRecord))
        failures++;
    CHECK(failures == 0);

    static uint8_t probe[4096];
    for (int s = 0; s < seeks && !failures; s++) {
        uint32_t probe_len;
        uint32_t kind = rnd_below(4);
        if (kind < 2) {
            uint32_t id = rnd_below(m->ids);
            probe_len = m->key_lens[id];
            memcpy(probe, m->keys[id], probe_len);
            if (kind == 1 && probe_len > 1)
                probe_len -= 1 + rnd_below(probe_len - 1); /* a prefix of a key */
        } else if (kind == 2) {
            uint32_t id = rnd_below(m->ids);
            probe_len = m->key_lens[id];
            memcpy(probe, m->keys[id], probe_len);
            probe[probe_len - 1] ^= (uint8_t)(1 + rnd_below(255)); /* a near miss */
        } else {
            probe_len = 1 + rnd_below(8);
            fill_bytes(probe, probe_len, rnd());
        }
        bt_seek_mode mode = (bt_seek_mode)rnd_below(5);
        int equal;
        long expected = model_seek(m, probe, probe_len, mode, &equal);
        err = bt_cursor_seek(&cursor, probe, probe_len, mode);
        if (expected < 0) {
            if (err != JET_errRecordNotFound)
                failures++;
        } else {
            JET_ERR want = (!equal && (mode == BT_SEEK_GE || mode == BT_SEEK_LE)) ? JET_wrnSeekNotEqual
                                                                                 : JET_errSuccess;
            if (err != want || !cursor_matches(&cursor, m, m->order[expected]))
                failures++;
            /* And a step on from there agrees with the model. */
            else if (rnd_below(2)) {
                err = bt_cursor_next(&cursor);
                if ((uint32_t)expected + 1 < m->order_count
                        ? err != JET_errSuccess || !cursor_matches(&cursor, m, m->order[expected + 1])
                        : err != JET_errNoCurrentRecord)
                    failures++;
            } else {
                err = bt_cursor_prev(&cursor);
                if (expected > 0 ? err != JET_errSuccess || !cursor_matches(&cursor, m, m->order[expected - 1])
                                 : err != JET_errNoCurrentRecord)
                    failures++;
            }
        }
        if (failures)
            fprintf(stderr, "  seek mismatch: mode %d, expected %ld, got %d\n", (int)mode, expected, (int)err);
    }
    CHECK(failures == 0);
    bt_cursor_release(&cursor);
    return failures;
}

static int check_tree(ese_pagestore *store, uint32_t fdp, uint64_t expected_records)
{
    char msg[256] = "";
    bt_check_stats stats;
    JET_ERR err = bt_check(store, fdp, &stats, msg, sizeof msg);
    CHECK_ERR(err, JET_errSuccess);
    if (err != JET_errSuccess)
        fprintf(stderr, "  bt_check: %s\n", msg);
    CHECK(stats.records == expected_records);
    return err != JET_errSuccess || stats.records != expected_records;
}

static int check_database(ese_pagestore *store, const uint32_t *extra, size_t extra_count)
{
    uint32_t fdps[16];
    size_t n = 0;
    for (size_t i = 0; i < 5; i++)
        fdps[n++] = SYSTEM_FDPS[i];
    for (size_t i = 0; i < extra_count; i++)
        fdps[n++] = extra[i];
    char msg[256] = "";
    JET_ERR err = space_check_database(store, fdps, n, msg, sizeof msg);
    CHECK_ERR(err, JET_errSuccess);
    if (err != JET_errSuccess)
        fprintf(stderr, "  space_check_database: %s\n", msg);
    return err != JET_errSuccess;
}

static void test_random_workload(void)
{
    for (size_t s = 0; s < PAGE_SIZE_COUNT; s++) {
        uint32_t ps = PAGE_SIZES[s];
        g_rng = 0x1234567 + ps;
        ese_memstore *ms = new_database(ps, 64);
        ese_pagestore *store = memstore_pagestore(ms);
        /* A table (objid 8), its index and its LV tree, sharing the table's space. */
        uint32_t table, index, lv;
        CHECK_ERR(bt_create(store, SPACE_PGNO_DB_ROOT, 8, 0, 6, &table), JET_errSuccess);
        CHECK_ERR(bt_create(store, table, 9, ESE_PAGE_FLAG_INDEX, 3, &index), JET_errSuccess);
        CHECK_ERR(bt_create(store, table, 10, ESE_PAGE_FLAG_LONG_VALUE, 4, &lv), JET_errSuccess);
        uint32_t fdps[3] = {table, index, lv};
        static model models[3];
        uint32_t universe = ps <= 8192 ? 5000 : 8000;
        for (int t = 0; t < 3; t++)
            model_init(&models[t], store, fdps[t], universe);
        int failures = 0;
        uint32_t batches = 36, ops_per_batch = 1000;
        for (uint32_t batch = 0; batch < batches && !failures; batch++) {
            for (uint32_t op = 0; op < ops_per_batch && !failures; op++)
                failures += random_op(&models[rnd_below(3)]);
            for (int t = 0; t < 3 && !failures; t++) {
                failures += check_tree(store, fdps[t], models[t].live);
                failures += verify_model(&models[t], 150);
            }
            if (!failures)
                failures += check_database(store, fdps, 3);
            /* The middle batches delete more than they insert, to empty pages and trees. */
            if (batch == batches / 2) {
                for (int t = 0; t < 3; t++) {
                    model_sort(&models[t]);
                    for (uint32_t i = 0; i < models[t].order_count; i++) {
                        uint32_t id = models[t].order[i];
                        if (i % 8 == 0 || t == 2) {
                            CHECK_ERR(bt_delete(&models[t].tree, models[t].keys[id], models[t].key_lens[id]),
                                      JET_errSuccess);
                            models[t].entries[id].present = 0;
                            models[t].live--;
                        }
                    }
                    failures += check_tree(store, fdps[t], models[t].live);
                }
                /* The LV tree is empty again: its root is a leaf with nothing in it. */
                CHECK(page_node_count(memstore_page(ms, lv)) == 0);
                CHECK(page_flags(memstore_page(ms, lv)) & ESE_PAGE_FLAG_LEAF);
                failures += check_database(store, fdps, 3);
            }
        }
        CHECK(failures == 0);
        if (failures)
            fprintf(stderr, "  random workload failed at page size %u\n", ps);
        for (int t = 0; t < 3; t++) {
            bt_check_stats stats;
            bt_check(store, fdps[t], &stats, NULL, 0);
            printf("  %5u-byte pages, tree %d: %6llu records, depth %u, %5u pages, %5u owned, %4u free\n",
                   ps, t, (unsigned long long)stats.records, stats.depth, stats.pages, stats.owned_pages,
                   stats.avail_pages);
            model_free(&models[t]);
        }
        CHECK(memstore_outstanding_refs(ms) == 0);
        memstore_destroy(ms);
    }
}

/* ===========================================================================================
 * Cursors across changes
 * ========================================================================================= */

static void test_cursor_stability(void)
{
    for (size_t s = 0; s < PAGE_SIZE_COUNT; s++) {
        uint32_t ps = PAGE_SIZES[s];
        g_rng = 0xC0FFEE + ps;
        ese_memstore *ms = new_database(ps, 64);
        ese_pagestore *store = memstore_pagestore(ms);
        uint32_t fdp;
        CHECK_ERR(bt_create(store, SPACE_PGNO_DB_ROOT, 8, 0, 3, &fdp), JET_errSuccess);
        static model m;
        model_init(&m, store, fdp, 3000);
        for (int i = 0; i < 1500; i++)
            random_op(&m);
        enum { CURSORS = 8 };
        ese_btcursor cursors[CURSORS];
        int on[CURSORS];
        int failures = 0;
        for (int c = 0; c < CURSORS; c++)
            bt_cursor_init(&cursors[c], &m.tree);
        for (int round = 0; round < 400 && !failures; round++) {
            /* Put each cursor somewhere, change the tree, then move every cursor. */
            model_sort(&m);
            for (int c = 0; c < CURSORS; c++) {
                on[c] = -1;
                if (m.order_count == 0)
                    continue;
                uint32_t id = m.order[rnd_below(m.order_count)];
                CHECK_ERR(bt_cursor_seek(&cursors[c], m.keys[id], m.key_lens[id], BT_SEEK_EQ), JET_errSuccess);
                on[c] = (int)id;
            }
            uint32_t changes = rnd_below(40);
            for (uint32_t i = 0; i < changes; i++)
                random_op(&m);
            /* Sometimes delete exactly the record a cursor is on. */
            if (on[0] >= 0 && m.entries[on[0]].present && rnd_below(2)) {
                CHECK_ERR(bt_delete(&m.tree, m.keys[on[0]], m.key_lens[on[0]]), JET_errSuccess);
                m.entries[on[0]].present = 0;
                m.live--;
            }
            model_sort(&m);
            for (int c = 0; c < CURSORS && !failures; c++) {
                if (on[c] < 0)
                    continue;
                uint32_t id = (uint32_t)on[c];
                int equal;
                uint32_t lb = model_lower_bound(&m, m.keys[id], m.key_lens[id], &equal);
                if (!m.entries[id].present) {
                    CHECK_ERR(bt_cursor_get(&cursors[c], NULL, 0, NULL, NULL, 0, NULL), JET_errRecordDeleted);
                } else {
                    failures += !cursor_matches(&cursors[c], &m, id);
                }
                int forward = (int)rnd_below(2);
                JET_ERR err = forward ? bt_cursor_next(&cursors[c]) : bt_cursor_prev(&cursors[c]);
                long want = forward ? (long)(equal ? lb + 1 : lb) : (long)lb - 1;
                if (want < 0 || want >= (long)m.order_count)
                    failures += err != JET_errNoCurrentRecord;
                else
                    failures += err != JET_errSuccess || !cursor_matches(&cursors[c], &m, m.order[want]);
            }
        }
        CHECK(failures == 0);
        /* Unpositioned cursors, and the ends. */
        ese_btcursor cursor;
        bt_cursor_init(&cursor, &m.tree);
        CHECK_ERR(bt_cursor_next(&cursor), JET_errNoCurrentRecord);
        CHECK_ERR(bt_cursor_prev(&cursor), JET_errNoCurrentRecord);
        CHECK_ERR(bt_cursor_get(&cursor, NULL, 0, NULL, NULL, 0, NULL), JET_errNoCurrentRecord);
        CHECK_ERR(bt_cursor_first(&cursor), JET_errSuccess);
        CHECK_ERR(bt_cursor_prev(&cursor), JET_errNoCurrentRecord);
        CHECK_ERR(bt_cursor_next(&cursor), JET_errSuccess); /* back onto the first record */
        model_sort(&m);
        CHECK(cursor_matches(&cursor, &m, m.order[0]));
        /* A failed seek leaves the cursor unpositioned. */
        uint8_t beyond[2] = {0xFF, 0xFF};
        CHECK_ERR(bt_cursor_seek(&cursor, beyond, 2, BT_SEEK_GE), JET_errRecordNotFound);
        CHECK_ERR(bt_cursor_next(&cursor), JET_errNoCurrentRecord);
        /* Truncated copies. */
        CHECK_ERR(bt_cursor_seek(&cursor, beyond, 2, BT_SEEK_LE), JET_wrnSeekNotEqual);
        uint8_t tiny[1];
        size_t key_len = 0, data_len = 0;
        CHECK_ERR(bt_cursor_get(&cursor, tiny, 1, &key_len, NULL, 0, &data_len), JET_wrnBufferTruncated);
        CHECK(key_len == m.key_lens[m.order[m.order_count - 1]] && data_len > 0);
        bt_cursor_release(&cursor);
        for (int c = 0; c < CURSORS; c++)
            bt_cursor_release(&cursors[c]);
        check_tree(store, fdp, m.live);
        model_free(&m);
        memstore_destroy(ms);
    }
}

/* ===========================================================================================
 * Patterns: ascending, descending, delete everything, large nodes
 * ========================================================================================= */

static void be64(uint64_t v, uint8_t out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void test_patterns(void)
{
    for (size_t s = 0; s < PAGE_SIZE_COUNT; s++) {
        uint32_t ps = PAGE_SIZES[s];
        ese_memstore *ms = new_database(ps, 64);
        ese_pagestore *store = memstore_pagestore(ms);
        uint32_t asc, desc;
        CHECK_ERR(bt_create(store, 1, 8, 0, 3, &asc), JET_errSuccess);
        CHECK_ERR(bt_create(store, 1, 9, 0, 3, &desc), JET_errSuccess);
        ese_btree a, d;
        bt_open(&a, store, asc);
        bt_open(&d, store, desc);
        const uint32_t n = 40000;
        uint8_t key[8], data[32];
        memset(data, 0x33, sizeof data);
        int failures = 0;
        for (uint32_t i = 0; i < n && !failures; i++) {
            be64(i, key);
            failures += bt_insert(&a, key, 8, data, sizeof data) != JET_errSuccess;
            be64(n - i, key);
            failures += bt_insert(&d, key, 8, data, sizeof data) != JET_errSuccess;
        }
        CHECK(failures == 0);
        bt_check_stats stats;
        char msg[256] = "";
        CHECK_ERR(bt_check(store, asc, &stats, msg, sizeof msg), JET_errSuccess);
        /* Sequential inserts fill leaves: within 2% of the ideal page count. */
        uint32_t per_leaf = (ps - page_header_size(ps) - 4) / (2 + 8 + 32 + 4);
        uint32_t ideal = (n + per_leaf - 1) / per_leaf;
        CHECK(stats.records == n && stats.leaves <= ideal + ideal / 50 + 1);
        CHECK_ERR(bt_check(store, desc, &stats, msg, sizeof msg), JET_errSuccess);
        CHECK(stats.records == n);
        uint32_t both[2] = {asc, desc};
        check_database(store, both, 2);

        /* Delete everything in a scattered order: the trees shrink back to one page and every
         * page goes back to the tree's AvailExt. */
        for (uint32_t i = 0; i < n && !failures; i++) {
            uint32_t v = (uint32_t)((i * 7919ull) % n);
            be64(v, key);
            failures += bt_delete(&a, key, 8) != JET_errSuccess;
            be64(v + 1, key);
            failures += bt_delete(&d, key, 8) != JET_errSuccess;
            if (i % 9973 == 0)
                failures += check_tree(store, asc, n - i - 1);
        }
        CHECK(failures == 0);
        CHECK_ERR(bt_check(store, asc, &stats, msg, sizeof msg), JET_errSuccess);
        CHECK(stats.records == 0 && stats.pages == 1 && stats.depth == 1);
        CHECK(stats.avail_pages == stats.owned_pages - 3);
        CHECK(page_flags(memstore_page(ms, asc)) == (ESE_PAGE_FLAG_ROOT | ESE_PAGE_FLAG_LEAF | BT_PAGE_BASE_FLAGS));
        check_database(store, both, 2);
        ese_btcursor cursor;
        bt_cursor_init(&cursor, &a);
        CHECK_ERR(bt_cursor_first(&cursor), JET_errNoCurrentRecord);
        CHECK_ERR(bt_cursor_last(&cursor), JET_errNoCurrentRecord);
        CHECK_ERR(bt_cursor_seek(&cursor, key, 8, BT_SEEK_GE), JET_errRecordNotFound);
        bt_cursor_release(&cursor);

        /* Largest nodes: every leaf holds one or two; grow and shrink them in place. */
        uint32_t most = bt_node_most(ps);
        uint8_t *big = malloc(most);
        for (uint32_t i = 0; i < 60 && !failures; i++) {
            be64(mix64(i), key);
            uint32_t len = most - 2 - 8 - (i % 3) * (most / 3);
            fill_bytes(big, len, i);
            failures += bt_insert(&a, key, 8, big, len) != JET_errSuccess;
        }
        for (uint32_t i = 0; i < 60 && !failures; i++) {
            be64(mix64(i), key);
            uint32_t len = i % 2 ? most - 2 - 8 : 1 + i;
            fill_bytes(big, len, i + 100);
            failures += bt_replace(&a, key, 8, big, len) != JET_errSuccess;
            size_t got = 0;
            failures += bt_lookup(&a, key, 8, g_read, sizeof g_read, &got) != JET_errSuccess;
            failures += got != len || memcmp(g_read, big, len) != 0;
        }
        CHECK(failures == 0);
        check_tree(store, asc, 60);
        /* Keys at the limit with the largest data that fits beside them. */
        uint32_t key_most = bt_key_most(ps);
        uint8_t *long_key = malloc(key_most);
        for (uint32_t i = 0; i < 30 && !failures; i++) {
            memset(long_key, 0x61, key_most);
            be64(i, long_key + key_most - 8);
            failures += bt_insert(&d, long_key, key_most, big, most - 2 - key_most) != JET_errSuccess;
        }
        CHECK(failures == 0);
        check_tree(store, desc, 30);
        check_database(store, both, 2);
        /* Deleting ranges from their top end empties the last children of internal pages
         * again and again: their bounds move to the left neighbours, whose right edges must
         * take the (often longer) separators, splitting where there is no room.  Keys share
         * long prefixes so that separators are long. */
        uint32_t edge;
        CHECK_ERR(bt_create(store, 1, 11, 0, 3, &edge), JET_errSuccess);
        ese_btree e;
        bt_open(&e, store, edge);
        const uint32_t m = 900;
        g_rng = 4242 + ps;
        uint8_t **vkeys = calloc(m, sizeof *vkeys);
        uint32_t *vlens = calloc(m, sizeof *vlens), *order = calloc(m, sizeof *order);
        for (uint32_t i = 0; i < m; i++) {
            uint32_t filler = i % 8 == 0 ? rnd_below(30) : rnd_below(key_most - 6);
            vlens[i] = 2 + filler + 4;
            vkeys[i] = malloc(vlens[i]);
            vkeys[i][0] = (uint8_t)(i / 64 >> 8);
            vkeys[i][1] = (uint8_t)(i / 64);
            memset(vkeys[i] + 2, 0x5C, filler);
            for (int b = 0; b < 4; b++)
                vkeys[i][2 + filler + b] = (uint8_t)(i >> (24 - 8 * b));
        }
        /* Key order, by a simple insertion sort on indexes (m is small). */
        for (uint32_t i = 0; i < m; i++) {
            uint32_t j = i;
            while (j > 0 && page_key_compare(vkeys[order[j - 1]], vlens[order[j - 1]], vkeys[i], vlens[i]) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        for (uint32_t i = 0; i < m && !failures; i++)
            failures += bt_insert(&e, vkeys[order[i]], vlens[order[i]], big, 1 + rnd_below(200)) != JET_errSuccess;
        CHECK(failures == 0);
        uint8_t *gone = calloc(m, 1);
        uint32_t remaining = m;
        for (int range = 0; range < 13 && !failures; range++) {
            /* First the whole left half from its top, then random ranges. */
            uint32_t from = range == 0 ? 0 : rnd_below(m), to = range == 0 ? m / 2 : from + rnd_below(m / 5);
            if (to > m)
                to = m;
            for (uint32_t i = to; i-- > from && !failures;) {
                if (gone[i])
                    continue;
                failures += bt_delete(&e, vkeys[order[i]], vlens[order[i]]) != JET_errSuccess;
                gone[i] = 1;
                if (--remaining % 64 == 0)
                    failures += check_tree(store, edge, remaining);
            }
            failures += check_tree(store, edge, remaining);
        }
        CHECK(failures == 0);
        for (uint32_t i = 0; i < m; i++)
            free(vkeys[i]);
        free(vkeys);
        free(vlens);
        free(order);
        free(gone);
        /* A node too big to share a page with either neighbour: a three-way split. */
        uint32_t fresh;
        CHECK_ERR(bt_create(store, 1, 10, 0, 3, &fresh), JET_errSuccess);
        ese_btree three;
        bt_open(&three, store, fresh);
        uint32_t cap = ps - page_header_size(ps) - 4;
        for (int round = 0; round < 3; round++) {
            uint8_t k[2] = {(uint8_t)round, 'A'};
            CHECK_ERR(bt_insert(&three, k, 2, big, cap / 2 - 40), JET_errSuccess);
            k[1] = 'C';
            CHECK_ERR(bt_insert(&three, k, 2, big, cap / 2 - 40), JET_errSuccess);
            k[1] = 'B';
            CHECK_ERR(bt_insert(&three, k, 2, big, cap * 3 / 4), JET_errSuccess);
        }
        check_tree(store, fresh, 9);
        uint32_t four_trees[4] = {asc, desc, fresh, edge};
        check_database(store, four_trees, 4);
        free(long_key);
        free(big);
        CHECK(memstore_outstanding_refs(ms) == 0);
        memstore_destroy(ms);
    }
}

/* ===========================================================================================
 * Space: fragmentation that makes the space trees themselves split and shrink
 * ========================================================================================= */

static void test_space_fragmentation(void)
{
    for (size_t s = 0; s < 2; s++) {
        uint32_t ps = PAGE_SIZES[s];
        ese_memstore *ms = new_database(ps, 64);
        ese_pagestore *store = memstore_pagestore(ms);
        uint32_t table, index;
        CHECK_ERR(bt_create(store, 1, 8, 0, 3, &table), JET_errSuccess);
        CHECK_ERR(bt_create(store, table, 9, ESE_PAGE_FLAG_INDEX, 3, &index), JET_errSuccess);
        uint32_t both[2] = {table, index};
        ese_btree t, x;
        bt_open(&t, store, table);
        bt_open(&x, store, index);
        /* One record per leaf: each delete below frees exactly one page. */
        uint32_t most = bt_node_most(ps), n = 1400; /* 700 holes: more than one AvailExt page holds */
        uint8_t *big = malloc(most);
        memset(big, 0x77, most);
        uint8_t key[8];
        int failures = 0;
        for (uint32_t i = 0; i < n && !failures; i++) {
            be64(i, key);
            failures += bt_insert(&t, key, 8, big, most - 2 - 8) != JET_errSuccess;
            failures += bt_insert(&x, key, 8, big, most - 2 - 8) != JET_errSuccess; /* interleaved growth */
        }
        CHECK(failures == 0);
        /* Free every other leaf: hundreds of one-page extents that cannot merge, more than an
         * AvailExt root holds. */
        for (uint32_t i = 0; i < n && !failures; i += 2) {
            be64(i, key);
            failures += bt_delete(&t, key, 8) != JET_errSuccess;
        }
        CHECK(failures == 0);
        bt_check_stats stats;
        char msg[256] = "";
        CHECK_ERR(bt_check(store, table, &stats, msg, sizeof msg), JET_errSuccess);
        CHECK(stats.records == n / 2 && stats.avail_pages >= n / 2);
        CHECK(stats.space_pages > 2); /* the AvailExt split */
        space_header header;
        CHECK_ERR(space_read_header(store, table, &header), JET_errSuccess);
        CHECK(!(page_flags(memstore_page(ms, header.pgno_oe + 1)) & ESE_PAGE_FLAG_LEAF));
        check_database(store, both, 2);
        /* Use the holes again (AvailExt pages empty and go back into it), then free it all. */
        for (uint32_t i = 0; i < n && !failures; i += 2) {
            be64(i, key);
            failures += bt_insert(&t, key, 8, big, most - 2 - 8) != JET_errSuccess;
            if (i % 200 == 0)
                failures += check_database(store, both, 2);
        }
        CHECK(failures == 0);
        check_tree(store, table, n);
        check_database(store, both, 2);
        for (uint32_t i = 0; i < n && !failures; i++) {
            be64((i * 7919u) % n, key);
            failures += bt_delete(&t, key, 8) != JET_errSuccess;
            if (i % 3 == 0) {
                failures += bt_delete(&x, key, 8) != JET_errSuccess;
            }
            if (i % 250 == 0)
                failures += check_database(store, both, 2);
        }
        CHECK(failures == 0);
        CHECK_ERR(bt_check(store, table, &stats, msg, sizeof msg), JET_errSuccess);
        /* The table owns its root, its space trees, what it gave the index, and free pages. */
        bt_check_stats index_stats;
        CHECK_ERR(bt_check(store, index, &index_stats, msg, sizeof msg), JET_errSuccess);
        CHECK(stats.records == 0 && stats.pages == 1);
        CHECK(stats.avail_pages + 1 + stats.space_pages + index_stats.owned_pages == stats.owned_pages);
        check_database(store, both, 2);

        /* The checker notices a leaked page and a page both used and free. */
        uint32_t leaked;
        CHECK_ERR(space_alloc_page(store, index, &leaked), JET_errSuccess);
        uint32_t fdps[7] = {1, 4, 7, 10, 24, table, index};
        CHECK_ERR(space_check_database(store, fdps, 7, msg, sizeof msg), JET_errDatabaseCorrupted);
        CHECK(strstr(msg, "leaked") != NULL);
        CHECK_ERR(space_free_page(store, index, leaked), JET_errSuccess);
        CHECK_ERR(space_check_database(store, fdps, 7, msg, sizeof msg), JET_errSuccess);
        CHECK_ERR(space_free_page(store, 1, SPACE_PGNO_MSO + 12), JET_errSuccess); /* MSO owns it */
        CHECK_ERR(space_check_database(store, fdps, 7, msg, sizeof msg), JET_errDatabaseCorrupted);
        free(big);
        memstore_destroy(ms);
    }
}

/* A single-extent FDP as ESE makes for small tables (facts §3.1): pages come from its bitmap,
 * go back to it, and when it runs out it converts to OwnExt/AvailExt. */
static void test_single_extent(void)
{
    uint32_t ps = 4096;
    ese_memstore *ms = new_database(ps, 64);
    ese_pagestore *store = memstore_pagestore(ms);
    uint32_t fdp;
    CHECK_ERR(space_alloc_extent(store, 1, 8, &fdp), JET_errSuccess);
    uint8_t *root = memstore_page(ms, fdp);
    page_init(root, ps, fdp, 11, ESE_PAGE_FLAG_ROOT | ESE_PAGE_FLAG_LEAF | BT_PAGE_BASE_FLAGS);
    space_header header = {.cpg_primary = 8, .pgno_parent = 1, .flags = 0, .pgno_oe = 0x7F};
    uint8_t bytes[SPACE_HEADER_SIZE];
    space_header_encode(&header, bytes);
    CHECK_ERR(page_set_external_header(root, ps, bytes, sizeof bytes), JET_errSuccess);
    uint32_t fdps[6] = {1, 4, 7, 10, 24, fdp};
    char msg[256] = "";
    CHECK_ERR(space_check_database(store, fdps, 6, msg, sizeof msg), JET_errSuccess);

    ese_btree tree;
    CHECK_ERR(bt_open(&tree, store, fdp), JET_errSuccess);
    uint8_t key[8], data[900];
    memset(data, 0x11, sizeof data);
    uint32_t n = 0;
    /* Fill a few pages: bits of the bitmap get used. */
    for (; n < 12; n++) {
        be64(n, key);
        CHECK_ERR(bt_insert(&tree, key, 8, data, sizeof data), JET_errSuccess);
    }
    CHECK_ERR(space_read_header(store, fdp, &header), JET_errSuccess);
    CHECK(!(header.flags & SPACE_FLAG_MULTIPLE_EXTENT) && header.pgno_oe != 0x7F);
    uint32_t bitmap_used = header.pgno_oe;
    CHECK_ERR(space_check_database(store, fdps, 6, msg, sizeof msg), JET_errSuccess);
    /* Empty a leaf: its page goes back into the bitmap. */
    for (uint32_t i = 0; i < 5; i++) {
        be64(i, key);
        CHECK_ERR(bt_delete(&tree, key, 8), JET_errSuccess);
    }
    CHECK_ERR(space_read_header(store, fdp, &header), JET_errSuccess);
    CHECK(header.pgno_oe != bitmap_used);
    CHECK_ERR(space_check_database(store, fdps, 6, msg, sizeof msg), JET_errSuccess);
    /* Outgrow the primary extent: the FDP converts, keeping every page it had. */
    for (; n < 200; n++) {
        be64(n, key);
        CHECK_ERR(bt_insert(&tree, key, 8, data, sizeof data), JET_errSuccess);
    }
    CHECK_ERR(space_read_header(store, fdp, &header), JET_errSuccess);
    CHECK(header.flags & SPACE_FLAG_MULTIPLE_EXTENT);
    CHECK(header.cpg_primary == 8);
    check_tree(store, fdp, 195);
    JET_ERR err = space_check_database(store, fdps, 6, msg, sizeof msg);
    CHECK_ERR(err, JET_errSuccess);
    if (err != JET_errSuccess)
        fprintf(stderr, "  %s\n", msg);
    /* The converted space trees carry the tree's kind: none here. */
    CHECK(page_flags(memstore_page(ms, header.pgno_oe)) ==
          (ESE_PAGE_FLAG_ROOT | ESE_PAGE_FLAG_LEAF | ESE_PAGE_FLAG_SPACE_TREE | BT_PAGE_BASE_FLAGS));
    memstore_destroy(ms);
}

/* ===========================================================================================
 * Errors
 * ========================================================================================= */

static void test_errors(void)
{
    ese_memstore *ms = new_database(4096, 64);
    ese_pagestore *store = memstore_pagestore(ms);
    uint32_t fdp;
    CHECK_ERR(bt_create(store, 1, 8, 0, 3, &fdp), JET_errSuccess);
    CHECK_ERR(bt_create(store, 1, 9, 0x1000, 3, &fdp), JET_errInvalidParameter);
    CHECK_ERR(bt_create(store, 0, 9, 0, 3, &fdp), JET_errInvalidParameter);
    ese_btree tree;
    CHECK_ERR(bt_open(&tree, store, 0), JET_errInvalidParameter);
    CHECK_ERR(bt_open(&tree, store, 13), JET_errDatabaseCorrupted); /* a free (zero) page */
    CHECK_ERR(bt_open(&tree, store, 29), JET_errSuccess);
    uint8_t key[1001] = {1}, data[4100] = {2};
    CHECK_ERR(bt_insert(&tree, key, 0, data, 1), JET_errKeyTooBig);
    CHECK_ERR(bt_insert(&tree, key, 1001, data, 1), JET_errKeyTooBig);
    CHECK_ERR(bt_insert(&tree, key, 1000, data, 1), JET_errSuccess);
    CHECK_ERR(bt_insert(&tree, key, 1, data, 0), JET_errInvalidParameter);
    CHECK_ERR(bt_insert(&tree, key, 1, data, bt_node_most(4096) - 2), JET_errRecordTooBig);
    CHECK_ERR(bt_insert(&tree, key, 1, data, bt_node_most(4096) - 3), JET_errSuccess);
    CHECK_ERR(bt_insert(&tree, key, 1, data, 1), JET_errKeyDuplicate);
    CHECK_ERR(bt_replace(&tree, key, 2, data, 1), JET_errRecordNotFound);
    CHECK_ERR(bt_replace(&tree, key, 1, data, 5), JET_errSuccess);
    CHECK_ERR(bt_delete(&tree, key, 2), JET_errRecordNotFound);
    CHECK_ERR(bt_delete(&tree, key, 1), JET_errSuccess);
    CHECK_ERR(bt_delete(&tree, key, 1), JET_errRecordNotFound);
    size_t len;
    CHECK_ERR(bt_lookup(&tree, key, 1, data, sizeof data, &len), JET_errRecordNotFound);
    CHECK_ERR(bt_lookup(&tree, key, 1000, data, 0, &len), JET_wrnBufferTruncated);
    CHECK(len == 1);
    CHECK(bt_key_most(2048) == 500 && bt_key_most(4096) == 1000 && bt_key_most(8192) == 2000 &&
          bt_key_most(32768) == 2000);
    CHECK(bt_node_most(4096) == 4048 && bt_node_most(8192) == 8144 && bt_node_most(16384) == 16296 &&
          bt_node_most(32768) == 32680);
    check_tree(store, 29, 1);
    /* bt_check finds damage. */
    uint8_t *root = memstore_page(ms, 29);
    uint32_t saved = page_objid(root);
    ese_store_u32(root + ESE_PGHDR_OFF_OBJID_FDP, 77);
    char msg[200];
    CHECK_ERR(bt_check(store, 29, NULL, msg, sizeof msg), JET_errDatabaseCorrupted);
    ese_store_u32(root + ESE_PGHDR_OFF_OBJID_FDP, saved);
    uint32_t fdps[1] = {29};
    CHECK_ERR(space_check_database(store, fdps, 1, msg, sizeof msg), JET_errDatabaseCorrupted); /* root 1 missing */
    memstore_destroy(ms);
}

/* ===========================================================================================
 * Allocation failures at every step
 * ========================================================================================= */

static void test_allocation_failures(void)
{
    ese_memstore *ms = new_database(4096, 32);
    ese_pagestore *store = memstore_pagestore(ms);
    uint32_t table, index;
    CHECK_ERR(bt_create(store, 1, 8, 0, 3, &table), JET_errSuccess);
    CHECK_ERR(bt_create(store, table, 9, ESE_PAGE_FLAG_INDEX, 3, &index), JET_errSuccess);
    static model m[2];
    model_init(&m[0], store, table, 4000);
    model_init(&m[1], store, index, 4000);
    g_rng = 777;
    int failures = 0, injected = 0;
    for (uint32_t step = 0; step < 3000 && !failures; step++) {
        model *mm = &m[step % 2];
        uint32_t id = rnd_below(mm->ids);
        if (mm->entries[id].present)
            continue;
        uint32_t len = 1 + rnd_below(step % 5 == 0 ? 1500 : 100);
        uint64_t seed = rnd();
        fill_bytes(g_data, len, seed);
        /* Fail the first, second, ... allocation of this insert until it succeeds. */
        for (uint64_t nth = 1;; nth++) {
            fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
            JET_ERR err = bt_insert(&mm->tree, mm->keys[id], mm->key_lens[id], g_data, len);
            fault_reset();
            if (err == JET_errSuccess) {
                mm->entries[id].present = 1, mm->entries[id].data_len = len, mm->entries[id].seed = seed;
                mm->live++;
                break;
            }
            injected++;
            if (err != JET_errOutOfMemory) {
                failures++;
                fprintf(stderr, "  insert failed with %d under an injected allocation failure\n", (int)err);
                break;
            }
            /* The failed insert changed nothing visible and left valid trees. */
            size_t got;
            if (bt_lookup(&mm->tree, mm->keys[id], mm->key_lens[id], NULL, 0, &got) != JET_errRecordNotFound)
                failures++;
            if (nth % 4 == 1) {
                failures += check_tree(store, m[0].fdp, m[0].live);
                failures += check_tree(store, m[1].fdp, m[1].live);
            }
            if (nth > 64) {
                failures++;
                break;
            }
        }
    }
    CHECK(failures == 0);
    CHECK(injected > 100);
    uint32_t both[2] = {table, index};
    check_database(store, both, 2);
    for (int t = 0; t < 2; t++) {
        check_tree(store, m[t].fdp, m[t].live);
        verify_model(&m[t], 50);
        model_free(&m[t]);
    }
    printf("  %d injected allocation failures, trees intact\n", injected);
    memstore_destroy(ms);
}

/* ===========================================================================================
 * Save and load
 * ========================================================================================= */

static void test_save_reload(void)
{
    char path[] = "/tmp/test_btree_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    close(fd);
    for (size_t s = 0; s < PAGE_SIZE_COUNT; s++) {
        uint32_t ps = PAGE_SIZES[s];
        ese_memstore *ms = new_database(ps, 64);
        ese_pagestore *store = memstore_pagestore(ms);
        uint32_t fdp;
        CHECK_ERR(bt_create(store, 1, 8, ESE_PAGE_FLAG_LONG_VALUE, 3, &fdp), JET_errSuccess);
        ese_btree tree;
        bt_open(&tree, store, fdp);
        uint8_t key[8];
        for (uint32_t i = 0; i < 5000; i++) {
            be64(mix64(i), key);
            fill_bytes(g_data, 1 + i % 300, i);
            CHECK_ERR(bt_insert(&tree, key, 8, g_data, 1 + i % 300), JET_errSuccess);
        }
        memcpy(memstore_header(ms), "header bytes", 12);
        CHECK_ERR(memstore_save(ms, path), JET_errSuccess);

        ese_memstore *loaded = NULL;
        CHECK_ERR(memstore_load(path, ps, 1, &loaded), JET_errSuccess);
        if (!loaded) {
            memstore_destroy(ms);
            continue;
        }
        ese_pagestore *ls = memstore_pagestore(loaded);
        CHECK(ls->page_count == store->page_count);
        CHECK(memcmp(memstore_header(loaded), "header bytes", 12) == 0);
        /* Every initialised page verifies; every page equals the original but for its checksum. */
        uint32_t verified = 0, uninitialised = 0, bad = 0;
        for (uint32_t p = 1; p <= ls->page_count; p++) {
            uint8_t *page = memstore_page(loaded, p);
            ese_page_status status = ese_page_verify(page, ps, p, NULL);
            verified += status == ESE_PAGE_OK;
            uninitialised += status == ESE_PAGE_UNINITIALIZED;
            /* Bytes 0-7 hold the checksum; on large pages 40-63 the block checksums. */
            uint8_t *orig = memstore_page(ms, p);
            int same = ps > 8192 ? memcmp(page + 8, orig + 8, 32) == 0 && memcmp(page + 64, orig + 64, ps - 64) == 0
                                 : memcmp(page + 8, orig + 8, ps - 8) == 0;
            bad += !same;
        }
        CHECK(verified + uninitialised == ls->page_count && verified > 0 && bad == 0);
        check_tree(ls, fdp, 5000);
        ese_btree again;
        CHECK_ERR(bt_open(&again, ls, fdp), JET_errSuccess);
        CHECK(again.kind == ESE_PAGE_FLAG_LONG_VALUE);
        uint32_t found = 0;
        for (uint32_t i = 0; i < 5000; i += 7) {
            be64(mix64(i), key);
            size_t len = 0;
            found += bt_lookup(&again, key, 8, g_read, sizeof g_read, &len) == JET_errSuccess &&
                     len == 1 + i % 300;
        }
        CHECK(found == (5000 + 6) / 7);
        /* A read-only store refuses changes. */
        CHECK_ERR(bt_insert(&again, (const uint8_t *)"zz", 2, (const uint8_t *)"x", 1), JET_errDatabaseFileReadOnly);
        uint32_t first;
        CHECK_ERR(ls->ops->extend(ls, 1, &first), JET_errDatabaseFileReadOnly);
        CHECK(memstore_outstanding_refs(loaded) == 0);
        memstore_destroy(loaded);
        memstore_destroy(ms);
    }
    unlink(path);
    ese_memstore *none = NULL;
    CHECK_ERR(memstore_load("/nonexistent/db.edb", 0, 1, &none), JET_errFileNotFound);
}

/* ===========================================================================================
 * Real databases
 * ========================================================================================= */

/* Catalog record counts of the samples, from dissect.esedb (`len(list(db.catalog._ctable.records()))`)
 * and confirmed by counting the leaf nodes of the page-4 tree independently. */
static const struct {
    const char *file;
    uint32_t page_size;
    uint64_t catalog_records;
    uint32_t fdps;      /* distinct trees the catalog names, with the system ones */
} SAMPLES[] = {
    {"Catalog1.edb", 4096, 128, 27},
    {"SRUDB.dat", 4096, 241, 35},
    {"decompress_test-8k.edb", 8192, 77, 8},
    {"qmgr-16k.db", 16384, 86, 11},
    {"secedit-win11-22631.sdb", 4096, 108, 18},
    {"large-32k.edb.gz", 32768, 65068, 8},
};

#define MAX_SAMPLE_FDPS 256

static void add_fdp(uint32_t *fdps, uint32_t *count, uint32_t pgno)
{
    for (uint32_t i = 0; i < *count; i++)
        if (fdps[i] == pgno)
            return;
    if (*count < MAX_SAMPLE_FDPS)
        fdps[(*count)++] = pgno;
}

/* Decompress a .gz sample into a temporary file with the system's gzip. */
static int gunzip_to(const char *gz, char *out_path)
{
    int fd = mkstemp(out_path);
    if (fd < 0)
        return -1;
    close(fd);
    char command[2200];
    snprintf(command, sizeof command, "gzip -dc '%s' > '%s'", gz, out_path);
    int rc = system(command);
    if (rc != 0) {
        unlink(out_path);
        return -1;
    }
    return 0;
}

static void walk_catalog(ese_memstore *ms, const char *name, uint64_t expected, uint32_t expected_fdps,
                         uint32_t *fdps, uint32_t *pfdp_count)
{
    uint32_t fdp_count = 0;
    for (size_t i = 0; i < 5; i++)
        add_fdp(fdps, &fdp_count, SYSTEM_FDPS[i]);
    ese_pagestore *store = memstore_pagestore(ms);
    ese_btree tree;
    CHECK_ERR(bt_open(&tree, store, SPACE_PGNO_MSO), JET_errSuccess);
    CHECK(tree.objid == SPACE_OBJID_MSO);
    ese_btcursor cursor;
    bt_cursor_init(&cursor, &tree);
    uint8_t *keys = malloc((size_t)expected * 64 + 64);
    uint32_t *lens = calloc(expected + 1, sizeof *lens);
    uint64_t count = 0, out_of_order = 0;
    uint8_t key[4096], prev[4096];
    size_t key_len = 0, prev_len = 0, data_len = 0;
    JET_ERR err = bt_cursor_first(&cursor);
    while (err == JET_errSuccess) {
        err = bt_cursor_get(&cursor, key, sizeof key, &key_len, g_read, sizeof g_read, &data_len);
        if (err != JET_errSuccess)
            break;
        /* The record's fixed columns (facts §4.1, §5.1): Type (u16 at 8) and
         * ColtypOrPgnoFDP (u32 at 14); tables, indexes and LV trees name their FDP. */
        if (data_len >= 18 && g_read[0] >= 4) {
            uint16_t type = ese_load_u16(g_read + 8);
            if (type == 1 || type == 3 || type == 4)
                add_fdp(fdps, &fdp_count, ese_load_u32(g_read + 14));
        }
        if (count && page_key_compare(prev, (uint32_t)prev_len, key, (uint32_t)key_len) >= 0)
            out_of_order++;
        if (count < expected && key_len <= 64) {
            memcpy(keys + count * 64, key, key_len);
            lens[count] = (uint32_t)key_len;
        }
        memcpy(prev, key, key_len);
        prev_len = key_len;
        count++;
        err = bt_cursor_next(&cursor);
    }
    CHECK_ERR(err, JET_errNoCurrentRecord);
    CHECK(count == expected);
    CHECK(out_of_order == 0);
    /* Backwards, the same number. */
    uint64_t back = 0;
    err = bt_cursor_last(&cursor);
    while (err == JET_errSuccess) {
        back++;
        err = bt_cursor_prev(&cursor);
    }
    CHECK(back == expected);
    /* Every key is found again by a seek; a key just above each lands on the next one. */
    uint64_t found = 0, next_ok = 0, checked = 0;
    for (uint64_t i = 0; i < count && i < expected; i++) {
        if (!lens[i])
            continue;
        checked++;
        found += bt_cursor_seek(&cursor, keys + i * 64, lens[i], BT_SEEK_EQ) == JET_errSuccess;
        uint8_t probe[65];
        memcpy(probe, keys + i * 64, lens[i]);
        probe[lens[i]] = 0; /* key + 0x00: strictly between this key and the next */
        err = bt_cursor_seek(&cursor, probe, lens[i] + 1, BT_SEEK_GE);
        if (i + 1 < count && lens[i + 1]) {
            next_ok += err == JET_wrnSeekNotEqual &&
                       bt_cursor_get(&cursor, key, sizeof key, &key_len, NULL, 0, NULL) == JET_errSuccess &&
                       key_len == lens[i + 1] && memcmp(key, keys + (i + 1) * 64, key_len) == 0;
        } else {
            next_ok++;
        }
    }
    CHECK(found == checked && next_ok == checked);
    /* The tree passes every structural check (space trees of ESE files are read too). */
    char msg[256] = "";
    bt_check_stats stats;
    err = bt_check(store, SPACE_PGNO_MSO, &stats, msg, sizeof msg);
    CHECK_ERR(err, JET_errSuccess);
    if (err != JET_errSuccess)
        fprintf(stderr, "  %s: bt_check: %s\n", name, msg);
    CHECK(stats.records == expected);
    /* Every tree the catalog names passes bt_check (ordering, separators, links, flags, space
     * trees), and ownership is exact over the whole file: the checker's rules hold for what
     * Windows writes, non-unique indexes, single-extent tables and LV trees included. */
    CHECK(fdp_count == expected_fdps);
    err = space_check_database(store, fdps, fdp_count, msg, sizeof msg);
    CHECK_ERR(err, JET_errSuccess);
    if (err != JET_errSuccess)
        fprintf(stderr, "  %s: space_check_database: %s\n", name, msg);
    printf("  %s: %llu catalog records in key order (depth %u, %u pages); %u trees verified\n", name,
           (unsigned long long)count, stats.depth, stats.pages, fdp_count);
    bt_cursor_release(&cursor);
    free(keys);
    free(lens);
    *pfdp_count = fdp_count;
}

/* ---- changing trees Windows wrote ---------------------------------------------------------- */

typedef struct {
    uint8_t *key, *data;
    uint32_t key_len, data_len;
    int live;
} real_entry;

static int compare_real_entries(const void *a, const void *b)
{
    const real_entry *x = a, *y = b;
    return page_key_compare(x->key, x->key_len, y->key, y->key_len);
}

static void real_entry_set(real_entry *e, const uint8_t *key, uint32_t key_len, const uint8_t *data, uint32_t data_len)
{
    e->key = malloc(key_len);
    e->data = malloc(data_len);
    memcpy(e->key, key, key_len);
    memcpy(e->data, data, data_len);
    e->key_len = key_len;
    e->data_len = data_len;
    e->live = 1;
}

/* Insert, replace and delete in every unique tree of a Windows database (prefix-compressed
 * nodes, ghosts, single-extent tables that must convert to OwnExt/AvailExt, 5-byte AvailExt
 * keys), then check every tree, the contents, and whole-file ownership. */
static void modify_real_trees(ese_memstore *ms, const char *name, const uint32_t *fdps, uint32_t fdp_count)
{
    ese_pagestore *store = memstore_pagestore(ms);
    uint32_t changed = 0, skipped = 0, failures = 0;
    g_rng = 0xE5E + fdp_count;
    for (uint32_t f = 0; f < fdp_count && !failures; f++) {
        uint32_t fdp = fdps[f];
        ese_btree tree;
        if (fdp == SPACE_PGNO_DB_ROOT || bt_open(&tree, store, fdp) != JET_errSuccess ||
            (tree.kind & ESE_PAGE_FLAG_NON_UNIQUE_KEYS)) {
            skipped++; /* the root holds no records; non-unique trees are read-only here */
            continue;
        }
        size_t count = 0, capacity = 1024;
        real_entry *entries = calloc(capacity, sizeof *entries);
        ese_btcursor cursor;
        bt_cursor_init(&cursor, &tree);
        static uint8_t key[4096];
        size_t key_len, data_len;
        for (JET_ERR err = bt_cursor_first(&cursor); err == JET_errSuccess; err = bt_cursor_next(&cursor)) {
            if (bt_cursor_get(&cursor, key, sizeof key, &key_len, g_read, sizeof g_read, &data_len) != JET_errSuccess) {
                failures++;
                break;
            }
            if (count == capacity)
                entries = realloc(entries, (capacity *= 2) * sizeof *entries);
            real_entry_set(&entries[count++], key, (uint32_t)key_len, g_read, (uint32_t)data_len);
        }
        size_t original = count;
        /* Delete every third record, replace every fifth with other data. */
        for (size_t i = 0; i < original && !failures; i++) {
            real_entry *e = &entries[i];
            if (i % 3 == 0) {
                failures += bt_delete(&tree, e->key, e->key_len) != JET_errSuccess;
                e->live = 0;
            } else if (i % 5 == 0) {
                uint32_t len = 1 + rnd_below(400);
                fill_bytes(g_data, len, rnd());
                failures += bt_replace(&tree, e->key, e->key_len, g_data, len) != JET_errSuccess;
                free(e->data);
                e->data = malloc(len);
                memcpy(e->data, g_data, len);
                e->data_len = len;
            }
        }
        /* New keys anywhere in the key space, some sharing the existing keys' prefixes. */
        for (int i = 0; i < 300 && !failures; i++) {
            uint32_t len;
            if (original && i % 2) {
                const real_entry *model = &entries[rnd_below((uint32_t)original)];
                len = model->key_len;
                memcpy(key, model->key, len);
                key[len++] = (uint8_t)rnd(); /* a key just after an existing one */
            } else {
                len = 1 + rnd_below(60);
                fill_bytes(key, len, rnd());
            }
            uint32_t dlen = 1 + rnd_below(300);
            fill_bytes(g_data, dlen, rnd());
            JET_ERR err = bt_insert(&tree, key, len, g_data, dlen);
            if (err == JET_errKeyDuplicate)
                continue;
            failures += err != JET_errSuccess;
            if (count == capacity)
                entries = realloc(entries, (capacity *= 2) * sizeof *entries);
            real_entry_set(&entries[count++], key, len, g_data, dlen);
        }
        /* The tree holds exactly the expected records, in order. */
        qsort(entries, count, sizeof *entries, compare_real_entries);
        size_t at = 0;
        for (JET_ERR err = bt_cursor_first(&cursor); err == JET_errSuccess && !failures;
             err = bt_cursor_next(&cursor)) {
            while (at < count && !entries[at].live)
                at++;
            if (at == count ||
                bt_cursor_get(&cursor, key, sizeof key, &key_len, g_read, sizeof g_read, &data_len) != JET_errSuccess ||
                key_len != entries[at].key_len || memcmp(key, entries[at].key, key_len) != 0 ||
                data_len != entries[at].data_len || memcmp(g_read, entries[at].data, data_len) != 0)
                failures++;
            at++;
        }
        while (at < count && !entries[at].live)
            at++;
        failures += at != count;
        bt_cursor_release(&cursor);
        for (size_t i = 0; i < count; i++) {
            free(entries[i].key);
            free(entries[i].data);
        }
        free(entries);
        changed++;
    }
    CHECK(failures == 0);
    char msg[256] = "";
    for (uint32_t f = 0; f < fdp_count; f++) {
        JET_ERR err = bt_check(store, fdps[f], NULL, msg, sizeof msg);
        CHECK_ERR(err, JET_errSuccess);
        if (err != JET_errSuccess)
            fprintf(stderr, "  %s: after changes, bt_check: %s\n", name, msg);
    }
    JET_ERR err = space_check_database(store, fdps, fdp_count, msg, sizeof msg);
    CHECK_ERR(err, JET_errSuccess);
    if (err != JET_errSuccess)
        fprintf(stderr, "  %s: after changes, space_check_database: %s\n", name, msg);
    CHECK(memstore_outstanding_refs(ms) == 0);
    printf("  %s: %u trees changed (%u non-unique or record-less trees left alone)\n", name, changed, skipped);
}

static void test_real_samples(void)
{
    const char *dir = getenv("ESE_SAMPLES");
    if (!dir || !*dir) {
        printf("  ESE_SAMPLES not set: real-database part skipped\n");
        return;
    }
    for (size_t i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
        char path[1024], temp[] = "/tmp/test_btree_sample_XXXXXX";
        snprintf(path, sizeof path, "%s/%s", dir, SAMPLES[i].file);
        if (access(path, R_OK) != 0) {
            printf("  %s missing: skipped\n", SAMPLES[i].file);
            continue;
        }
        const char *load = path;
        size_t name_len = strlen(path);
        int gz = name_len > 3 && strcmp(path + name_len - 3, ".gz") == 0;
        if (gz) {
            if (gunzip_to(path, temp) != 0) {
                printf("  %s: cannot decompress: skipped\n", SAMPLES[i].file);
                continue;
            }
            load = temp;
        }
        ese_memstore *ms = NULL;
        uint32_t fdps[MAX_SAMPLE_FDPS], fdp_count = 0;
        CHECK_ERR(memstore_load(load, 0, 1, &ms), JET_errSuccess);
        if (ms) {
            CHECK(memstore_pagestore(ms)->page_size == SAMPLES[i].page_size);
            walk_catalog(ms, SAMPLES[i].file, SAMPLES[i].catalog_records, SAMPLES[i].fdps, fdps, &fdp_count);
            CHECK(memstore_outstanding_refs(ms) == 0);
            memstore_destroy(ms);
        }
        /* Again, writable (in memory only: the sample file is never written). */
        ms = NULL;
        CHECK_ERR(memstore_load(load, 0, 0, &ms), JET_errSuccess);
        if (ms) {
            modify_real_trees(ms, SAMPLES[i].file, fdps, fdp_count);
            memstore_destroy(ms);
        }
        if (gz)
            unlink(temp);
    }
}

/* ===========================================================================================
 * Throughput (BTREE_BENCH=1)
 * ========================================================================================= */

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void benchmark(void)
{
    const uint32_t n = 1000000;
    for (int sequential = 0; sequential < 2; sequential++) {
        ese_memstore *ms = new_database(8192, 256);
        ese_pagestore *store = memstore_pagestore(ms);
        uint32_t fdp;
        bt_create(store, 1, 8, 0, 8, &fdp);
        ese_btree tree;
        bt_open(&tree, store, fdp);
        uint8_t key[8], data[32];
        memset(data, 0x42, sizeof data);
        double t0 = seconds();
        for (uint32_t i = 0; i < n; i++) {
            be64(sequential ? i : mix64(i), key);
            bt_insert(&tree, key, 8, data, sizeof data);
        }
        double t1 = seconds();
        ese_btcursor cursor;
        bt_cursor_init(&cursor, &tree);
        uint32_t hits = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t v = (i * 7919ull) % n;
            be64(sequential ? v : mix64(v), key);
            hits += bt_cursor_seek(&cursor, key, 8, BT_SEEK_EQ) == JET_errSuccess;
        }
        double t2 = seconds();
        uint32_t scanned = 0;
        for (JET_ERR err = bt_cursor_first(&cursor); err == JET_errSuccess; err = bt_cursor_next(&cursor))
            scanned++;
        double t3 = seconds();
        bt_cursor_release(&cursor);
        CHECK(hits == n && scanned == n);
        printf("  bench (%s keys, 8 KiB pages): %.0f inserts/s, %.0f seeks/s, %.0f records/s scanned\n",
               sequential ? "ascending" : "random", n / (t1 - t0), n / (t2 - t1), n / (t3 - t2));
        memstore_destroy(ms);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("pages\n");
    test_pages();
    printf("empty database\n");
    test_empty_database();
    printf("errors\n");
    test_errors();
    printf("patterns\n");
    test_patterns();
    printf("space fragmentation\n");
    test_space_fragmentation();
    printf("single-extent trees\n");
    test_single_extent();
    printf("random workload\n");
    test_random_workload();
    printf("cursor stability\n");
    test_cursor_stability();
    printf("allocation failures\n");
    test_allocation_failures();
    printf("save and reload\n");
    test_save_reload();
    printf("real databases\n");
    test_real_samples();
    if (getenv("BTREE_BENCH"))
        benchmark();
    return check_summary();
}
