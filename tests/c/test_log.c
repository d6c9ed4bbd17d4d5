/*
 * test_log.c -- C tests of libese's write-ahead log, checkpoint file and power-loss simulator.
 *
 * Build (also under -fsanitize=address,undefined and -fsanitize=thread): this file plus every
 * .c file of src/libese and src/eseformat, with -std=gnu11 -Wall -Wextra -Werror -Isrc
 * -Isrc/libese -Isrc/libese/include -Isrc/eseformat -lpthread.
 *
 * Covers: file names; round trips across rolled generations with records spanning segments and
 * a small buffer; header fields; reopening; reading from a position; group commit with 8
 * threads; a flipped byte anywhere (header, segment header, record data) is never returned and
 * is reported as corruption, or as a torn tail only where a write can tear; version, signature,
 * sequence and missing-file errors; interrupted rolls; fault injection (dead log, disk full);
 * the folder lock; deleting generations (backup truncation, circular logging, pause); the
 * checkpoint file and its shadow copy; simulated power loss on plain files and on the log
 * (forked children, and one exec'd child armed through LIBESE_POWERLOSS).  Ends with a small
 * throughput measurement (printed, not asserted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "checkpoint.h"
#include "eseformat.h"
#include "fault.h"
#include "log.h"
#include "logfile.h"
#include "osal.h"
#include "osal_files.h"
#include "powerloss.h"

static char g_root[256];
static const char *g_self; /* argv[0], for the exec'd power-loss child */

/* ---- helpers ------------------------------------------------------------------------------------ */

static const char *folder(const char *name)
{
    static char ring[8][512];
    static unsigned next;
    char *path = ring[next++ % 8];
    snprintf(path, 512, "%s/%s", g_root, name);
    mkdir(path, 0777);
    return path;
}

static const char *file_in(const char *dir, const char *name)
{
    static char ring[8][600];
    static unsigned next;
    char *path = ring[next++ % 8];
    snprintf(path, 600, "%s/%s", dir, name);
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static uint8_t *read_file(const char *path, size_t *pcb)
{
    long cb = file_size(path);
    if (cb < 0)
        return NULL;
    uint8_t *buf = malloc((size_t)cb + 1);
    int fd = open(path, O_RDONLY);
    ssize_t n = pread(fd, buf, (size_t)cb, 0);
    close(fd);
    if (n != cb) {
        free(buf);
        return NULL;
    }
    *pcb = (size_t)cb;
    return buf;
}

static void write_file_at(const char *path, const void *buf, size_t cb, off_t offset)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0666);
    if (pwrite(fd, buf, cb, offset) != (ssize_t)cb)
        fprintf(stderr, "pwrite %s failed\n", path);
    close(fd);
}

static void flip_byte(const char *path, long offset)
{
    int fd = open(path, O_RDWR);
    uint8_t b = 0;
    if (pread(fd, &b, 1, offset) == 1) {
        b ^= 0xFF;
        if (pwrite(fd, &b, 1, offset) != 1)
            fprintf(stderr, "flip failed\n");
    }
    close(fd);
}

static log_config make_config(const char *dir, uint32_t kib, uint32_t buffer_kib)
{
    log_config c;
    memset(&c, 0, sizeof c);
    c.folder = dir;
    c.base_name = "edb";
    c.file_size_kib = kib;
    c.page_size = 4096;
    c.buffer_kib = buffer_kib;
    return c;
}

/* Records with deterministic contents, to compare what is read back with what was written. */
typedef struct {
    uint8_t type;
    uint32_t cb;
    uint32_t id;
    log_lsn start, end;
} expect_rec;

static uint8_t payload_byte(uint32_t id, uint32_t j)
{
    return (uint8_t)(id * 131u + j * 7u + (j >> 8) + 1u);
}

static uint8_t *g_payload; /* scratch, big enough for any test record */

static JET_ERR append_expected(ese_log *log, expect_rec *e, uint32_t id, uint8_t type, uint32_t cb)
{
    for (uint32_t j = 0; j < cb; j++)
        g_payload[j] = payload_byte(id, j);
    log_part part = {g_payload, cb};
    e->type = type;
    e->cb = cb;
    e->id = id;
    return log_appendv(log, type, &part, cb ? 1 : 0, &e->start, &e->end);
}

typedef struct {
    JET_ERR err;
    log_read_result result;
    size_t matched;     /* records read that equal the expected ones, in order */
    bool mismatch;      /* a record differed from the expected one (must never happen) */
    size_t generation_starts;
    log_read_end end;
} read_outcome;

static read_outcome read_all(const char *dir, log_lsn start, const expect_rec *exp, size_t n)
{
    read_outcome out;
    memset(&out, 0, sizeof out);
    log_reader *reader = NULL;
    out.err = log_reader_open(dir, "edb", start, NULL, &reader);
    if (out.err != JET_errSuccess)
        return out;
    for (;;) {
        log_record rec;
        log_read_result result;
        out.err = log_reader_next(reader, &rec, &result);
        if (out.err != JET_errSuccess)
            break;
        if (result != LOG_READ_RECORD) {
            out.result = result;
            log_reader_end(reader, &out.end);
            break;
        }
        if (rec.type == LOG_REC_GENERATION_START) {
            out.generation_starts++;
            continue;
        }
        if (out.matched >= n) {
            out.mismatch = true;
            continue;
        }
        const expect_rec *e = &exp[out.matched];
        bool same = rec.type == e->type && rec.cb_payload == e->cb &&
                    (!e->start || (rec.lsn_start == e->start && rec.lsn_end == e->end));
        for (uint32_t j = 0; same && j < e->cb; j++)
            same = rec.payload[j] == payload_byte(e->id, j);
        if (!same)
            out.mismatch = true;
        else
            out.matched++;
    }
    log_reader_close(reader);
    return out;
}

/* ---- names ------------------------------------------------------------------------------------------ */

static void test_names(void)
{
    char buf[32];
    CHECK(log_archive_name("edb", 1, buf, sizeof buf) && strcmp(buf, "edb00001.log") == 0);
    CHECK(log_archive_name("edb", 0xA, buf, sizeof buf) && strcmp(buf, "edb0000A.log") == 0);
    CHECK(log_archive_name("j50", 0x1E2E4, buf, sizeof buf) && strcmp(buf, "j501E2E4.log") == 0);
    CHECK(log_archive_name("edb", 0xFFFFF, buf, sizeof buf) && strcmp(buf, "edbFFFFF.log") == 0);
    CHECK(log_archive_name("edb", 0x100000, buf, sizeof buf) &&
          strcmp(buf, "edb00100000.log") == 0);
    CHECK(!log_archive_name("edb", 0, buf, sizeof buf));
    CHECK(!log_archive_name("edbx", 1, buf, sizeof buf));
    CHECK(!log_archive_name("edb", LOG_GENERATION_MAX + 1, buf, sizeof buf));
    CHECK_ERR(log_parse_archive_name("edb", "edb00001.log"), 1);
    CHECK_ERR(log_parse_archive_name("edb", "edb0000A.log"), 10);
    CHECK_ERR(log_parse_archive_name("edb", "edb0000a.log"), 10);
    CHECK_ERR(log_parse_archive_name("edb", "edb00100000.log"), 0x100000);
    CHECK_ERR(log_parse_archive_name("edb", "edb0000000A.log"), 10); /* 8 digits, small gen */
    CHECK_ERR(log_parse_archive_name("edb", "edb.log"), 0);
    CHECK_ERR(log_parse_archive_name("edb", "edbtmp.log"), 0);
    CHECK_ERR(log_parse_archive_name("edb", "edbres00001.jrs"), 0);
    CHECK_ERR(log_parse_archive_name("edb", "edb0001.log"), 0);
    CHECK_ERR(log_parse_archive_name("edb", "edb00000.log"), 0);
    CHECK_ERR(log_parse_archive_name("edb", "abc00001.log"), 0);
    CHECK_ERR(log_parse_archive_name("edb", "edb0000G.log"), 0);
    CHECK(LOG_LSN(2, 3, 4) < LOG_LSN(2, 3, 5) && LOG_LSN(2, 3, 4096) < LOG_LSN(2, 4, 40) &&
          LOG_LSN(2, 65535, 4096) < LOG_LSN(3, 1, 40));
    ese_lgpos pos = log_lsn_to_lgpos(LOG_LSN(7, 9, 100));
    CHECK(pos.generation == 7 && pos.isec == 9 && pos.ib == 100);
    CHECK(log_lsn_from_lgpos(&pos) == LOG_LSN(7, 9, 100));
}

/* ---- round trips ------------------------------------------------------------------------------------- */

#define RT_RECORDS 240
static expect_rec g_rt[RT_RECORDS + 20];

static void test_round_trip(void)
{
    const char *dir = folder("roundtrip");
    /* 32 KiB files (7 segments of data) and a 16 KiB buffer (4 slots): rolls and ring
     * write-outs happen all the time, and many records span segments. */
    log_config config = make_config(dir, 32, 16);
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    CHECK_ERR(log_current_generation(log), 1);
    static const uint32_t sizes[] = {0, 1, 7, 100, 4048, 4049, 4056, 4057, 9000, 300, 8112, 17};
    int32_t rolled_to = 0;
    JET_ERR err = JET_errSuccess;
    for (uint32_t i = 0; i < RT_RECORDS && err == JET_errSuccess; i++) {
        uint8_t type = (uint8_t)(LOG_REC_ENGINE_FIRST + i % 5);
        err = append_expected(log, &g_rt[i], i, type, sizes[i % 12]);
        if (i % 7 == 6 && err == JET_errSuccess)
            err = log_flush(log, g_rt[i].end);
        if (i == 50 || i == 120)
            err = log_roll(log, &rolled_to);
    }
    CHECK_ERR(err, JET_errSuccess);
    CHECK(rolled_to > 2);
    CHECK(log_lsn_generation(g_rt[RT_RECORDS - 1].end) > rolled_to - 1);
    for (uint32_t i = 1; i < RT_RECORDS; i++)
        if (!(g_rt[i].start >= g_rt[i - 1].end && g_rt[i].end > g_rt[i].start)) {
            CHECK(!"positions increase");
            break;
        }
    log_stats stats;
    log_get_stats(log, &stats);
    CHECK(stats.rolls >= 10);
    int32_t last_generation = log_current_generation(log);
    CHECK_ERR(log_close(log), JET_errSuccess);

    /* Files: the current log, every archive, no tmp, all full size. */
    CHECK(exists(file_in(dir, "edb.log")));
    CHECK(!exists(file_in(dir, "edbtmp.log")));
    CHECK(file_size(file_in(dir, "edb.log")) == 32 * 1024);
    for (int32_t g = 1; g < last_generation; g++) {
        char name[32];
        log_archive_name("edb", g, name, sizeof name);
        CHECK(file_size(file_in(dir, name)) == 32 * 1024);
    }

    /* Header fields of generation 2 and the chain to generation 1. */
    size_t cb1 = 0, cb2 = 0;
    uint8_t *h1 = read_file(file_in(dir, "edb00001.log"), &cb1);
    uint8_t *h2 = read_file(file_in(dir, "edb00002.log"), &cb2);
    CHECK(h1 && h2);
    if (h1 && h2) {
        CHECK(ese_header_verify(h2, 4096));
        CHECK(ese_load_u32(h2 + 4) == 2);
        CHECK(ese_load_u16(h2 + 8) == 4096);
        CHECK(ese_load_u16(h2 + 10) == 1);
        CHECK(ese_load_u16(h2 + 12) == 8);
        CHECK(ese_load_u16(h2 + 14) == 4096);
        CHECK(ese_logtime_is_set(h2 + 16));
        CHECK(memcmp(h2 + 24, h1 + 16, 8) == 0);      /* tmPrevGen = tmCreate of gen 1 */
        CHECK(!ese_logtime_is_set(h1 + 24));           /* gen 1 has no predecessor */
        CHECK(ese_load_u32(h2 + 32) == 0x4C45);
        CHECK(ese_load_u32(h2 + 36) == LOG_VERSION_MINOR);
        CHECK(memcmp(h1 + 44, h2 + 44, 28) == 0);      /* one signLog */
        CHECK(ese_load_u32(h2 + 667) == 3);
        CHECK(h2[671] == 0);                           /* no ATTACHINFO */
        CHECK(ese_load_u32(h2 + 3072) == LOG_HEADER_EXT_MAGIC);
        ese_lgpos prev_end;
        ese_lgpos_load(h2 + 3080, &prev_end);
        CHECK(prev_end.generation == 1);
        /* every used segment verifies with its stored isec and names its place */
        for (unsigned isec = 1; isec < 8; isec++) {
            const uint8_t *seg = h2 + isec * 4096;
            ese_page_status st = ese_log_segment_verify(seg, NULL);
            CHECK(st == ESE_PAGE_OK || st == ESE_PAGE_UNINITIALIZED);
            if (st == ESE_PAGE_OK)
                CHECK(ese_load_u16(seg + 10) == isec && ese_load_u32(seg + 12) == 2 &&
                      ese_load_u32(seg + 36) == 0x2000);
        }
    }
    free(h1);
    free(h2);

    /* Everything reads back, in order, with the positions the appends reported. */
    read_outcome out = read_all(dir, 0, g_rt, RT_RECORDS);
    CHECK_ERR(out.err, JET_errSuccess);
    CHECK(!out.mismatch);
    CHECK(out.matched == RT_RECORDS);
    CHECK(out.result == LOG_READ_END);
    CHECK(out.generation_starts == (size_t)last_generation);
    CHECK(out.end.end_lsn == g_rt[RT_RECORDS - 1].end);

    /* From the middle: the first record returned is the one that starts there. */
    out = read_all(dir, g_rt[100].start, g_rt + 100, RT_RECORDS - 100);
    CHECK_ERR(out.err, JET_errSuccess);
    CHECK(!out.mismatch && out.matched == RT_RECORDS - 100 && out.result == LOG_READ_END);
    out = read_all(dir, g_rt[131].start, g_rt + 131, RT_RECORDS - 131);
    CHECK(!out.mismatch && out.matched == RT_RECORDS - 131 && out.result == LOG_READ_END);
    /* From the beginning of a generation. */
    int32_t g = log_lsn_generation(g_rt[60].start);
    size_t first = 0;
    while (log_lsn_generation(g_rt[first].start) < g)
        first++;
    out = read_all(dir, LOG_LSN(g, 0, 0), g_rt + first, RT_RECORDS - first);
    CHECK(!out.mismatch && out.matched == RT_RECORDS - first && out.result == LOG_READ_END);

    /* Reopen after a clean close: the same generation goes on. */
    log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    CHECK_ERR(log_current_generation(log), last_generation);
    CHECK(log_durable_lsn(log) == g_rt[RT_RECORDS - 1].end);
    err = JET_errSuccess;
    for (uint32_t i = RT_RECORDS; i < RT_RECORDS + 20 && err == JET_errSuccess; i++)
        err = append_expected(log, &g_rt[i], i, LOG_REC_NOP, sizes[i % 12]);
    CHECK_ERR(err, JET_errSuccess);
    CHECK_ERR(log_close(log), JET_errSuccess);
    out = read_all(dir, 0, g_rt, RT_RECORDS + 20);
    CHECK(!out.mismatch && out.matched == RT_RECORDS + 20 && out.result == LOG_READ_END);
    CHECK_ERR(out.err, JET_errSuccess);

    /* Parameter checks. */
    log_config bad = config;
    bad.file_size_kib = 12;
    CHECK_ERR(log_open(&bad, &log), JET_errInvalidParameter);
    bad = config;
    bad.base_name = "ed";
    CHECK_ERR(log_open(&bad, &log), JET_errInvalidParameter);
    bad = config;
    bad.folder = file_in(dir, "no-such-folder");
    CHECK_ERR(log_open(&bad, &log), JET_errInvalidPath);
}

/* A record too large for one generation, and one that needs a fresh generation. */
static void test_record_limits(void)
{
    const char *dir = folder("limits");
    log_config config = make_config(dir, 16, 16); /* 3 data segments: 12168 bytes */
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    uint64_t capacity = 3 * LOG_SEGMENT_DATA_SIZE - LOG_RECORD_HEADER_SIZE -
                        LOG_GENERATION_START_SIZE - LOG_RECORD_HEADER_SIZE;
    expect_rec recs[3];
    CHECK_ERR(append_expected(log, &recs[0], 1, LOG_REC_NOP, 10), JET_errSuccess);
    CHECK_ERR(append_expected(log, &recs[1], 2, LOG_REC_NOP, (uint32_t)capacity), JET_errSuccess);
    CHECK(log_lsn_generation(recs[1].start) == 2); /* did not fit after the first: rolled */
    CHECK_ERR(log_append(log, LOG_REC_NOP, g_payload, capacity + 1, NULL), JET_errLogBufferTooSmall);
    CHECK_ERR(log_append(log, 0, g_payload, 1, NULL), JET_errInvalidParameter);
    CHECK_ERR(append_expected(log, &recs[2], 3, LOG_REC_COMMIT, 8), JET_errSuccess);
    CHECK_ERR(log_close(log), JET_errSuccess);
    read_outcome out = read_all(dir, 0, recs, 3);
    CHECK(!out.mismatch && out.matched == 3 && out.result == LOG_READ_END);
}

/* Generation numbers past 0xFFFFF (8-digit names) and the last one. */
static void test_generation_numbers(void)
{
    const char *dir = folder("generations");
    log_config config = make_config(dir, 16, 16);
    config.first_generation = 0xFFFFE;
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    expect_rec recs[3];
    int32_t generation = 0;
    for (uint32_t i = 0; i < 3; i++) {
        CHECK_ERR(append_expected(log, &recs[i], i, LOG_REC_NOP, 50), JET_errSuccess);
        if (i < 2)
            CHECK_ERR(log_roll(log, &generation), JET_errSuccess);
    }
    CHECK_ERR(generation, 0x100000);
    CHECK_ERR(log_close(log), JET_errSuccess);
    CHECK(exists(file_in(dir, "edbFFFFE.log")) && exists(file_in(dir, "edbFFFFF.log")));
    read_outcome out = read_all(dir, 0, recs, 3);
    CHECK(out.err == JET_errSuccess && !out.mismatch && out.matched == 3 &&
          out.result == LOG_READ_END && out.end.generation == 0x100000);
    log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess); /* continue at 0x100000 */
    CHECK_ERR(log_roll(log, &generation), JET_errSuccess);
    CHECK_ERR(generation, 0x100001);
    CHECK_ERR(log_close(log), JET_errSuccess);
    CHECK(exists(file_in(dir, "edb00100000.log")));
    out = read_all(dir, 0, recs, 3);
    CHECK(out.err == JET_errSuccess && out.matched == 3 && out.result == LOG_READ_END);

    dir = folder("last-generation");
    config = make_config(dir, 16, 16);
    config.first_generation = LOG_GENERATION_MAX;
    log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    CHECK_ERR(log_roll(log, &generation), JET_errLogSequenceEnd);
    CHECK_ERR(log_append(log, LOG_REC_NOP, g_payload, 5000, NULL), JET_errSuccess);
    CHECK_ERR(log_append(log, LOG_REC_NOP, g_payload, 9000, NULL), JET_errLogSequenceEnd);
    CHECK_ERR(log_append(log, LOG_REC_NOP, g_payload, 100, NULL), JET_errSuccess); /* still alive */
    CHECK_ERR(log_close(log), JET_errSuccess);
}

/* The record helpers encode what the decoders read. */
static void test_record_types(void)
{
    const char *dir = folder("types");
    log_config config = make_config(dir, 64, 0);
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    uint8_t page[4096];
    for (int i = 0; i < 4096; i++)
        page[i] = (uint8_t)(i * 3);
    ese_signature sign_db;
    memset(&sign_db, 0, sizeof sign_db);
    sign_db.random = 0x12345678;
    strcpy(sign_db.computer_name, "HOST");
    log_lsn start = 0, end = 0;
    CHECK_ERR(log_append_database_ref(log, LOG_REC_ATTACH_DB, 1, 0, &sign_db, "/data/x.edb", NULL),
              JET_errSuccess);
    CHECK_ERR(log_append_page_image(log, 1, 77, 0x1122334455ull, page, sizeof page, &start, &end),
              JET_errSuccess);
    CHECK(start && end > start);
    CHECK_ERR(log_append_commit(log, 0xABCDEF01234ull, &end), JET_errSuccess);
    CHECK_ERR(log_append_backup_mark(log, LOG_REC_BACKUP_BEGIN, 5, 1, NULL), JET_errSuccess);
    CHECK_ERR(log_append_database_ref(log, LOG_REC_DETACH_DB, 1, 2, &sign_db, "/data/x.edb", NULL),
              JET_errSuccess);
    CHECK_ERR(log_append(log, LOG_REC_TERM, NULL, 0, &end), JET_errSuccess);
    CHECK_ERR(log_append_backup_mark(log, LOG_REC_COMMIT, 0, 0, NULL), JET_errInvalidParameter);
    CHECK_ERR(log_flush(log, end), JET_errSuccess);
    CHECK(log_durable_lsn(log) >= end);
    CHECK_ERR(log_close(log), JET_errSuccess);

    log_reader *reader = NULL;
    CHECK_ERR(log_reader_open(dir, "edb", 0, NULL, &reader), JET_errSuccess);
    if (!reader)
        return;
    log_record rec;
    log_read_result result;
    int seen = 0;
    while (log_reader_next(reader, &rec, &result) == JET_errSuccess && result == LOG_READ_RECORD) {
        switch (seen++) {
        case 0: {
            log_generation_start gs;
            CHECK_ERR(log_decode_generation_start(&rec, &gs), JET_errSuccess);
            CHECK(gs.generation == 1 && gs.previous_generation_end == 0 && gs.created.year >= 2024);
            break;
        }
        case 1:
        case 5: {
            log_database_ref ref;
            CHECK_ERR(log_decode_database_ref(&rec, &ref), JET_errSuccess);
            CHECK(ref.dbid == 1 && ref.cb_path == 11 && memcmp(ref.path, "/data/x.edb", 11) == 0);
            CHECK(ref.sign_db.random == 0x12345678 && strcmp(ref.sign_db.computer_name, "HOST") == 0);
            CHECK(rec.type == (seen == 2 ? LOG_REC_ATTACH_DB : LOG_REC_DETACH_DB));
            break;
        }
        case 2: {
            log_page_image image;
            CHECK_ERR(log_decode_page_image(&rec, &image), JET_errSuccess);
            CHECK(image.dbid == 1 && image.pgno == 77 && image.dbtime == 0x1122334455ull &&
                  image.cb_image == 4096 && memcmp(image.image, page, 4096) == 0);
            CHECK(rec.lsn_start == start);
            CHECK_ERR(log_decode_commit(&rec, &(log_commit){0}), JET_errLogFileCorrupt);
            break;
        }
        case 3: {
            log_commit commit;
            CHECK_ERR(log_decode_commit(&rec, &commit), JET_errSuccess);
            CHECK(commit.trxid == 0xABCDEF01234ull);
            break;
        }
        case 4: {
            log_backup_mark mark;
            CHECK_ERR(log_decode_backup_mark(&rec, &mark), JET_errSuccess);
            CHECK(mark.flags == 5 && mark.generation == 1);
            break;
        }
        case 6:
            CHECK(rec.type == LOG_REC_TERM && rec.cb_payload == 0);
            break;
        }
    }
    CHECK(seen == 7);
    ese_signature sign;
    log_reader_signature(reader, &sign);
    CHECK(sign.random != 0);
    log_reader_close(reader);
}

/* ---- group commit ---------------------------------------------------------------------------------- */

#define GC_THREADS 8
#define GC_COMMITS 150

typedef struct {
    ese_log *log;
    int id;
    int failures;
} gc_arg;

static void *gc_worker(void *p)
{
    gc_arg *arg = p;
    for (int i = 0; i < GC_COMMITS; i++) {
        log_lsn end = 0;
        uint8_t image[600];
        memset(image, arg->id, sizeof image);
        if (log_append(arg->log, LOG_REC_ENGINE_FIRST, image, sizeof image, NULL) != JET_errSuccess ||
            log_append_commit(arg->log, (uint64_t)arg->id << 32 | (uint64_t)i, &end) != JET_errSuccess ||
            log_flush(arg->log, end) != JET_errSuccess || log_durable_lsn(arg->log) < end)
            arg->failures++;
    }
    return NULL;
}

typedef struct {
    ese_log *log;
    atomic_int *stop;
    int failures;
    uint32_t deleted;
} janitor_arg;

/* Deletes old generations and scans the folder while the committers roll the log. */
static void *janitor(void *p)
{
    janitor_arg *arg = p;
    while (!atomic_load(arg->stop)) {
        int32_t oldest = 0;
        uint32_t deleted = 0;
        int32_t current = log_current_generation(arg->log);
        if (log_oldest_generation(arg->log, &oldest) != JET_errSuccess || oldest < 1 ||
            log_delete_generations_below(arg->log, current - 1, LOG_DELETE_CIRCULAR, &deleted) !=
                JET_errSuccess)
            arg->failures++;
        arg->deleted += deleted;
        usleep(200);
    }
    return NULL;
}

static void test_group_commit(void)
{
    const char *dir = folder("groupcommit");
    log_config config = make_config(dir, 256, 0);
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    log_stats before, after;
    log_get_stats(log, &before);
    uint64_t fsyncs_before = fault_count(FAULT_FSYNC);
    pthread_t threads[GC_THREADS], janitor_thread;
    gc_arg args[GC_THREADS];
    atomic_int stop = 0;
    janitor_arg jarg = {.log = log, .stop = &stop};
    for (int t = 0; t < GC_THREADS; t++) {
        args[t] = (gc_arg){.log = log, .id = t + 1};
        pthread_create(&threads[t], NULL, gc_worker, &args[t]);
    }
    pthread_create(&janitor_thread, NULL, janitor, &jarg);
    int failures = 0;
    for (int t = 0; t < GC_THREADS; t++) {
        pthread_join(threads[t], NULL);
        failures += args[t].failures;
    }
    atomic_store(&stop, 1);
    pthread_join(janitor_thread, NULL);
    CHECK(jarg.failures == 0);
    log_get_stats(log, &after);
    uint64_t fsyncs = fault_count(FAULT_FSYNC) - fsyncs_before;
    uint64_t commits = GC_THREADS * GC_COMMITS;
    CHECK(failures == 0);
    CHECK(after.flushes - before.flushes < commits);
    CHECK(fsyncs < commits);
    printf("group commit: %llu durable commits from %d threads took %llu flushes, %llu fsyncs "
           "(%llu rolls)\n",
           (unsigned long long)commits, GC_THREADS,
           (unsigned long long)(after.flushes - before.flushes), (unsigned long long)fsyncs,
           (unsigned long long)(after.rolls - before.rolls));
    CHECK_ERR(log_close(log), JET_errSuccess);

    /* Every commit of every thread is there, each thread's in its own order. */
    log_reader *reader = NULL;
    CHECK_ERR(log_reader_open(dir, "edb", 0, NULL, &reader), JET_errSuccess);
    int next[GC_THREADS + 1] = {0};
    int commits_read = 0;
    bool ordered = true;
    log_record rec;
    log_read_result result;
    while (reader && log_reader_next(reader, &rec, &result) == JET_errSuccess &&
           result == LOG_READ_RECORD) {
        log_commit c;
        if (log_decode_commit(&rec, &c) != JET_errSuccess)
            continue;
        int t = (int)(c.trxid >> 32);
        int n = (int)(uint32_t)c.trxid;
        if (t < 1 || t > GC_THREADS || n < next[t])
            ordered = false;
        next[t] = n + 1;
        commits_read++;
    }
    CHECK(ordered && result == LOG_READ_END);
    CHECK(commits_read > 0 && commits_read <= (int)commits);
    for (int t = 1; t <= GC_THREADS; t++)
        CHECK(next[t] == GC_COMMITS); /* every thread's last commit is in the newest data */
    log_reader_close(reader);
}

/* ---- corruption ---------------------------------------------------------------------------------- */

#define CX_RECORDS 60
static expect_rec g_cx[CX_RECORDS];

/* Three generations of 32 KiB; every third record flushed durably, so the newest generation
 * holds several fsync epochs. */
static int32_t build_corruption_set(const char *dir)
{
    log_config config = make_config(dir, 32, 16);
    ese_log *log = NULL;
    if (log_open(&config, &log) != JET_errSuccess)
        return 0;
    JET_ERR err = JET_errSuccess;
    for (uint32_t i = 0; i < CX_RECORDS && err == JET_errSuccess; i++) {
        /* the last records go to a fresh generation, one durable flush (one segment) each */
        bool tail = i >= CX_RECORDS - 6;
        if (i == CX_RECORDS - 6)
            err = log_roll(log, NULL);
        if (err == JET_errSuccess)
            err = append_expected(log, &g_cx[i], i, LOG_REC_ENGINE_FIRST,
                                  tail ? 700 : (i % 4 == 3) ? 5000 : 700);
        if (err == JET_errSuccess && (tail || i % 3 == 2))
            err = log_flush(log, g_cx[i].end);
    }
    CHECK_ERR(err, JET_errSuccess);
    int32_t newest = log_current_generation(log);
    CHECK_ERR(log_close(log), JET_errSuccess);
    return newest;
}

typedef struct {
    char path[600];
    uint8_t *bytes;
    size_t cb;
    int32_t generation;
    bool newest;
} pristine_file;

static void restore(const pristine_file *f)
{
    write_file_at(f->path, f->bytes, f->cb, 0);
}

/* The records of the newest generation's segment `isec` start at this index of g_cx. */
static size_t first_record_in_segment(int32_t gen, unsigned isec)
{
    size_t i = 0;
    while (i < CX_RECORDS && g_cx[i].end <= LOG_LSN(gen, isec, 40))
        i++;
    return i;
}

static void test_corruption(void)
{
    const char *dir = folder("corruption");
    int32_t newest = build_corruption_set(dir);
    CHECK(newest >= 3);
    if (newest < 3)
        return;
    read_outcome out = read_all(dir, 0, g_cx, CX_RECORDS);
    CHECK(!out.mismatch && out.matched == CX_RECORDS && out.result == LOG_READ_END);

    pristine_file files[16];
    int nfiles = 0;
    for (int32_t g = 1; g <= newest && nfiles < 16; g++, nfiles++) {
        pristine_file *f = &files[nfiles];
        char name[32];
        if (g == newest)
            strcpy(name, "edb.log");
        else
            log_archive_name("edb", g, name, sizeof name);
        snprintf(f->path, sizeof f->path, "%s", file_in(dir, name));
        f->bytes = read_file(f->path, &f->cb);
        f->generation = g;
        f->newest = g == newest;
    }

    /* (a) a log header */
    flip_byte(files[0].path, 100);
    out = read_all(dir, 0, g_cx, CX_RECORDS);
    CHECK_ERR(out.err, JET_errLogFileCorrupt);
    CHECK(!out.mismatch && out.matched == 0);
    restore(&files[0]);
    /* the header of the generation after the one being read: corrupt before any of its data */
    flip_byte(files[1].path, 3081);
    out = read_all(dir, 0, g_cx, CX_RECORDS);
    CHECK_ERR(out.err, JET_errLogFileCorrupt);
    restore(&files[1]);
    /* (b) a segment header in a closed generation */
    flip_byte(files[0].path, 2 * 4096 + 25);
    out = read_all(dir, 0, g_cx, CX_RECORDS);
    CHECK_ERR(out.err, JET_errLogFileCorrupt);
    CHECK(!out.mismatch && out.matched < CX_RECORDS);
    restore(&files[0]);
    /* (c) record data in a closed generation: the records before it are returned, not it */
    flip_byte(files[1].path, 3 * 4096 + 1000);
    out = read_all(dir, 0, g_cx, CX_RECORDS);
    CHECK_ERR(out.err, JET_errLogFileCorrupt);
    CHECK(!out.mismatch && out.matched > 0 && out.matched < CX_RECORDS);
    restore(&files[1]);

    /* The newest generation's used segments. */
    pristine_file *cur = &files[nfiles - 1];
    unsigned last_used = 0;
    for (unsigned isec = 1; isec < cur->cb / 4096; isec++)
        if (ese_log_segment_verify(cur->bytes + isec * 4096, NULL) == ESE_PAGE_OK)
            last_used = isec;
    CHECK(last_used >= 3);
    /* (d) a block in the middle of the newest generation, followed by blocks written after it
     * was durable: corruption */
    flip_byte(cur->path, 1 * 4096 + 2000);
    out = read_all(dir, 0, g_cx, CX_RECORDS);
    CHECK_ERR(out.err, JET_errLogFileCorrupt);
    CHECK(!out.mismatch);
    restore(cur);
    /* (e) the last block of the newest generation: a torn tail, the log ends before it */
    flip_byte(cur->path, (long)last_used * 4096 + 100);
    size_t expected = first_record_in_segment(newest, last_used);
    out = read_all(dir, 0, g_cx, CX_RECORDS);
    CHECK_ERR(out.err, JET_errSuccess);
    CHECK(out.result == LOG_READ_TORN_TAIL && out.end.torn);
    CHECK(!out.mismatch && out.matched <= expected && out.matched + 2 >= expected);
    restore(cur);
    /* (f) the last block missing (never written): the log simply ends earlier */
    uint8_t zero[4096] = {0};
    write_file_at(cur->path, zero, sizeof zero, (off_t)last_used * 4096);
    out = read_all(dir, 0, g_cx, CX_RECORDS);
    CHECK_ERR(out.err, JET_errSuccess);
    CHECK(out.result == LOG_READ_END || out.result == LOG_READ_TORN_TAIL);
    CHECK(!out.mismatch && out.matched < CX_RECORDS);
    restore(cur);

    /* Every position class, swept: flip one byte every 37 bytes of every file.  A record that
     * differs from what was written is never returned; a flip in a header or a used block is
     * always reported (an error; in the newest generation an error or a torn tail), and a clean
     * end always means every record was read. */
    size_t flips = 0, undetected_in_data = 0, wrong = 0, clean_but_short = 0, torn_in_closed = 0;
    for (int fi = 0; fi < nfiles; fi++) {
        pristine_file *f = &files[fi];
        for (size_t off = 3; off < f->cb; off += 37) {
            bool in_data = off < 4096 ||
                           ese_log_segment_verify(f->bytes + off / 4096 * 4096, NULL) == ESE_PAGE_OK;
            flip_byte(f->path, (long)off);
            out = read_all(dir, 0, g_cx, CX_RECORDS);
            restore(f);
            flips++;
            if (out.mismatch)
                wrong++;
            if (out.err == JET_errSuccess && out.result == LOG_READ_END && out.matched != CX_RECORDS)
                clean_but_short++;
            if (in_data && out.err == JET_errSuccess && out.result == LOG_READ_END)
                undetected_in_data++;
            if (in_data && !f->newest && out.err == JET_errSuccess)
                torn_in_closed++;
        }
    }
    CHECK(wrong == 0);
    CHECK(clean_but_short == 0);
    CHECK(undetected_in_data == 0);
    CHECK(torn_in_closed == 0);
    printf("corruption sweep: %zu single-byte flips, none returned as data, none missed in data "
           "blocks\n", flips);

    /* Reopening after a torn tail continues in a new generation and keeps everything. */
    flip_byte(cur->path, (long)last_used * 4096 + 100);
    out = read_all(dir, 0, g_cx, CX_RECORDS);
    size_t kept = out.matched;
    log_config config = make_config(dir, 32, 16);
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (log) {
        CHECK_ERR(log_current_generation(log), newest + 1);
        expect_rec more[CX_RECORDS + 5];
        memcpy(more, g_cx, sizeof g_cx);
        for (uint32_t i = 0; i < 5; i++)
            CHECK_ERR(append_expected(log, &more[kept + i], 1000 + i, LOG_REC_NOP, 3000),
                      JET_errSuccess);
        CHECK_ERR(log_close(log), JET_errSuccess);
        out = read_all(dir, 0, more, kept + 5);
        CHECK_ERR(out.err, JET_errSuccess);
        CHECK(!out.mismatch && out.matched == kept + 5 && out.result == LOG_READ_END);
        /* and once more: the torn generation is now a closed one, read up to its pinned end */
        log = NULL;
        CHECK_ERR(log_open(&config, &log), JET_errSuccess);
        log_close(log);
        out = read_all(dir, 0, more, kept + 5);
        CHECK(!out.mismatch && out.matched == kept + 5 && out.result == LOG_READ_END);
    }
    for (int fi = 0; fi < nfiles; fi++)
        free(files[fi].bytes);
}

/* ---- versions, signatures, sequence ------------------------------------------------------------------ */

static void make_esent_header(uint8_t *block, uint32_t major, uint32_t minor)
{
    memset(block, 0, 4096);
    ese_store_u32(block + 4, 1);
    ese_store_u16(block + 8, major == 7 ? 512 : 4096);
    ese_store_u16(block + 10, major == 7 ? 8 : 1);
    ese_store_u16(block + 12, 4);
    ese_store_u32(block + 32, major);
    ese_store_u32(block + 36, minor);
    ese_store_u32(block + 40, 60);
    ese_store_u32(block + 667, 3);
    ese_header_stamp(block, 4096);
}

static void test_versions_and_sequence(void)
{
    /* ESENT's own logs are refused as the wrong version, by the writer and by the reader. */
    uint8_t block[4096];
    const uint32_t versions[][2] = {{8, 4000}, {7, 3704}, {0x4C45, 99}};
    for (int v = 0; v < 3; v++) {
        char name[32];
        snprintf(name, sizeof name, "esent-v%d", v);
        const char *dir = folder(name);
        make_esent_header(block, versions[v][0], versions[v][1]);
        write_file_at(file_in(dir, "edb.log"), block, sizeof block, 0);
        uint8_t zeros[3 * 4096] = {0};
        write_file_at(file_in(dir, "edb.log"), zeros, sizeof zeros, 4096);
        log_config config = make_config(dir, 16, 16);
        ese_log *log = NULL;
        CHECK_ERR(log_open(&config, &log), JET_errBadLogVersion);
        log_reader *reader = NULL;
        CHECK_ERR(log_reader_open(dir, "edb", 0, NULL, &reader), JET_errBadLogVersion);
    }

    const char *dir = folder("sequence");
    log_config config = make_config(dir, 16, 16);
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    expect_rec recs[6];
    for (uint32_t i = 0; i < 6; i++) {
        CHECK_ERR(append_expected(log, &recs[i], i, LOG_REC_NOP, 100), JET_errSuccess);
        CHECK_ERR(log_roll(log, NULL), JET_errSuccess);
    }
    ese_signature sign;
    log_signature(log, &sign);
    CHECK_ERR(log_close(log), JET_errSuccess); /* generations 1..7 */
    read_outcome out = read_all(dir, 0, recs, 6);
    CHECK(!out.mismatch && out.matched == 6 && out.result == LOG_READ_END);

    /* signature mismatch */
    ese_signature other = sign;
    other.random ^= 1;
    log_reader *reader = NULL;
    CHECK_ERR(log_reader_open(dir, "edb", 0, &other, &reader), JET_errBadLogSignature);
    config.sign_log = other;
    CHECK_ERR(log_open(&config, &log), JET_errBadLogSignature);
    config.sign_log = sign;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess); /* the right one is accepted */
    log_close(log);
    memset(&config.sign_log, 0, sizeof config.sign_log);
    /* one file of another log stream in the middle */
    size_t cb = 0;
    uint8_t *g3 = read_file(file_in(dir, "edb00003.log"), &cb);
    uint8_t *g4 = read_file(file_in(dir, "edb00004.log"), &cb);
    uint8_t patched[4096];
    memcpy(patched, g3, 4096);
    patched[44] ^= 0x55;
    ese_header_stamp(patched, 4096);
    write_file_at(file_in(dir, "edb00003.log"), patched, 4096, 0);
    out = read_all(dir, 0, recs, 6);
    CHECK_ERR(out.err, JET_errBadLogSignature);
    write_file_at(file_in(dir, "edb00003.log"), g3, 4096, 0);
    /* tmPrevGen not the previous tmCreate */
    memcpy(patched, g4, 4096);
    patched[24] ^= 0x01;
    ese_header_stamp(patched, 4096);
    write_file_at(file_in(dir, "edb00004.log"), patched, 4096, 0);
    out = read_all(dir, 0, recs, 6);
    CHECK_ERR(out.err, JET_errInvalidLogSequence);
    CHECK(out.matched == 3 && !out.mismatch); /* generations 1-3 read, 4 refused */
    write_file_at(file_in(dir, "edb00004.log"), g4, 4096, 0);
    /* a file named for another generation */
    rename(file_in(dir, "edb00004.log"), file_in(dir, "edb00004.bak"));
    write_file_at(file_in(dir, "edb00004.log"), g3, cb, 0);
    out = read_all(dir, 0, recs, 6);
    CHECK_ERR(out.err, JET_errLogGenerationMismatch);
    /* a missing generation */
    unlink(file_in(dir, "edb00004.log"));
    out = read_all(dir, 0, recs, 6);
    CHECK_ERR(out.err, JET_errMissingLogFile);
    out = read_all(dir, LOG_LSN(5, 0, 0), recs + 4, 2); /* starting after the gap is fine */
    CHECK(out.err == JET_errSuccess && out.matched == 2 && out.result == LOG_READ_END);
    rename(file_in(dir, "edb00004.bak"), file_in(dir, "edb00004.log"));
    out = read_all(dir, 0, recs, 6);
    CHECK(out.err == JET_errSuccess && out.matched == 6);
    /* a start before the oldest generation present */
    unlink(file_in(dir, "edb00001.log"));
    out = read_all(dir, LOG_LSN(1, 0, 0), recs, 6);
    CHECK_ERR(out.err, JET_errMissingLogFile);
    out = read_all(dir, 0, recs + 1, 5); /* 0 = the oldest present */
    CHECK(out.err == JET_errSuccess && out.matched == 5);
    free(g3);
    free(g4);

    /* The current log missing, no roll in progress: refused. */
    rename(file_in(dir, "edb.log"), file_in(dir, "edb.bak"));
    CHECK_ERR(log_open(&config, &log), JET_errMissingLogFile);
    rename(file_in(dir, "edb.bak"), file_in(dir, "edb.log"));
}

/* A roll cut short at each step is completed by log_open. */
static void test_interrupted_roll(void)
{
    const char *dir = folder("interrupted");
    log_config config = make_config(dir, 16, 16);
    ese_log *log = NULL;
    expect_rec recs[4];
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    CHECK_ERR(append_expected(log, &recs[0], 0, LOG_REC_NOP, 5000), JET_errSuccess);
    CHECK_ERR(log_roll(log, NULL), JET_errSuccess);
    CHECK_ERR(append_expected(log, &recs[1], 1, LOG_REC_NOP, 5000), JET_errSuccess);
    CHECK_ERR(log_close(log), JET_errSuccess); /* gen 2 current */

    /* crashed while preparing the tmp file: a half-written tmp beside a good current log */
    uint8_t junk[1000];
    memset(junk, 0x5A, sizeof junk);
    write_file_at(file_in(dir, "edbtmp.log"), junk, sizeof junk, 0);
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    CHECK(!exists(file_in(dir, "edbtmp.log")));
    CHECK_ERR(log_current_generation(log), 2);
    CHECK_ERR(log_close(log), JET_errSuccess);

    /* crashed after archiving the current log, before the tmp became the current one */
    rename(file_in(dir, "edb.log"), file_in(dir, "edb00002.log"));
    write_file_at(file_in(dir, "edbtmp.log"), junk, sizeof junk, 0);
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (log) {
        CHECK_ERR(log_current_generation(log), 3);
        CHECK_ERR(append_expected(log, &recs[2], 2, LOG_REC_NOP, 100), JET_errSuccess);
        CHECK_ERR(log_close(log), JET_errSuccess);
    }
    CHECK(exists(file_in(dir, "edb.log")) && !exists(file_in(dir, "edbtmp.log")));
    read_outcome out = read_all(dir, 0, recs, 3);
    CHECK(out.err == JET_errSuccess && !out.mismatch && out.matched == 3 &&
          out.result == LOG_READ_END);
}

/* ---- faults -------------------------------------------------------------------------------------------- */

static void check_dead(ese_log *log)
{
    log_lsn end;
    int successes = 0;
    for (int i = 0; i < 3; i++) {
        successes += log_append(log, LOG_REC_NOP, "x", 1, &end) == JET_errSuccess;
        successes += log_flush(log, LOG_LSN_MAX) == JET_errSuccess;
        successes += log_roll(log, NULL) == JET_errSuccess;
    }
    CHECK(successes == 0);
    CHECK_ERR(log_append(log, LOG_REC_NOP, "x", 1, &end), JET_errLogWriteFail);
    CHECK_ERR(log_flush(log, LOG_LSN_MAX), JET_errLogWriteFail);
    CHECK_ERR(log_roll(log, NULL), JET_errLogWriteFail);
}

static void test_faults(void)
{
    struct {
        const char *name;
        fault_kind kind;
        uint64_t nth;
        fault_flavour flavour;
        bool roll;
        JET_ERR first;
    } cases[] = {
        {"fault-write", FAULT_WRITE, 1, FAULT_AS_EIO, false, JET_errLogWriteFail},
        {"fault-fsync", FAULT_FSYNC, 1, FAULT_AS_EIO, false, JET_errLogWriteFail},
        {"fault-full", FAULT_WRITE, 1, FAULT_AS_ENOSPC, false, JET_errLogDiskFull},
        {"fault-roll-create", FAULT_WRITE, 1, FAULT_AS_EIO, true, JET_errLogWriteFail},
        {"fault-roll-fill", FAULT_WRITE, 2, FAULT_AS_ENOSPC, true, JET_errLogDiskFull},
        {"fault-roll-oldsync", FAULT_FSYNC, 1, FAULT_AS_EIO, true, JET_errLogWriteFail},
        {"fault-roll-dirsync", FAULT_FSYNC, 3, FAULT_AS_EIO, true, JET_errLogWriteFail},
        {"fault-roll-dirsync2", FAULT_FSYNC, 4, FAULT_AS_EIO, true, JET_errLogWriteFail},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *dir = folder(cases[c].name);
        log_config config = make_config(dir, 16, 16);
        ese_log *log = NULL;
        fault_reset();
        CHECK_ERR(log_open(&config, &log), JET_errSuccess);
        if (!log)
            continue;
        expect_rec recs[3];
        CHECK_ERR(append_expected(log, &recs[0], 0, LOG_REC_COMMIT, 3000), JET_errSuccess);
        CHECK_ERR(log_flush(log, recs[0].end), JET_errSuccess); /* durable before the fault */
        CHECK_ERR(append_expected(log, &recs[1], 1, LOG_REC_COMMIT, 3000), JET_errSuccess);
        fault_arm(cases[c].kind, cases[c].nth, cases[c].flavour);
        JET_ERR err = cases[c].roll ? log_roll(log, NULL) : log_flush(log, recs[1].end);
        fault_reset();
        CHECK_ERR(err, cases[c].first);
        check_dead(log);
        CHECK(log_durable_lsn(log) >= recs[0].end);
        CHECK_ERR(log_close(log), JET_errLogWriteFail);
        /* What was durable before the failure is still there, and the folder reopens. */
        read_outcome out = read_all(dir, 0, recs, 2);
        CHECK_ERR(out.err, JET_errSuccess);
        CHECK(!out.mismatch && out.matched >= 1);
        log = NULL;
        CHECK_ERR(log_open(&config, &log), JET_errSuccess);
        if (log) {
            CHECK_ERR(append_expected(log, &recs[2], 2, LOG_REC_NOP, 10), JET_errSuccess);
            CHECK_ERR(log_close(log), JET_errSuccess);
        }
        size_t kept = out.matched;
        recs[kept] = recs[2];
        out = read_all(dir, 0, recs, kept + 1);
        CHECK(out.err == JET_errSuccess && !out.mismatch && out.matched == kept + 1);
    }

    /* A failed write-out while the buffer is full also kills the log. */
    const char *dir = folder("fault-writeout");
    log_config config = make_config(dir, 64, 16);
    ese_log *log = NULL;
    fault_reset();
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (log) {
        fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO);
        JET_ERR err = JET_errSuccess;
        for (int i = 0; i < 40 && err == JET_errSuccess; i++)
            err = log_append(log, LOG_REC_NOP, g_payload, 2000, NULL);
        fault_reset();
        CHECK_ERR(err, JET_errLogWriteFail);
        check_dead(log);
        log_abandon(log);
    }
}

/* Every allocation of opening, rolling, appending, closing and reading fails in turn: each
 * attempt ends in success or a clean error, leaks nothing (ASan), and leaves the log intact. */
static void test_allocation_failures(void)
{
    int bad = 0, walked = 0;
    expect_rec recs[3];
    for (uint64_t n = 1; n < 400; n++, walked++) {
        char name[32];
        snprintf(name, sizeof name, "alloc-walk-%d", (int)n);
        const char *dir = folder(name);
        log_config config = make_config(dir, 16, 16);
        ese_log *log = NULL;
        fault_reset();
        if (log_open(&config, &log) != JET_errSuccess ||
            append_expected(log, &recs[0], 0, LOG_REC_NOP, 7000) != JET_errSuccess ||
            log_close(log) != JET_errSuccess) {
            bad++;
            continue;
        }
        fault_arm(FAULT_ALLOC, n, FAULT_AS_EIO);
        log = NULL;
        JET_ERR err = log_open(&config, &log);
        size_t expected = 1;
        if (err == JET_errSuccess) {
            JET_ERR e1 = log_roll(log, NULL);
            JET_ERR e2 = append_expected(log, &recs[1], 1, LOG_REC_NOP, 100);
            JET_ERR e3 = log_close(log);
            /* an allocation failing inside a roll kills the log like a failed write */
            if ((e1 && e1 != JET_errLogWriteFail) || (e2 && e2 != JET_errLogWriteFail) ||
                (e3 && e3 != JET_errLogWriteFail))
                bad++;
            if (!e1 && !e2 && !e3)
                expected = 2;
        } else if (err != JET_errOutOfMemory) {
            bad++;
        }
        bool reached = fault_count(FAULT_ALLOC) >= n;
        fault_reset();
        read_outcome out = read_all(dir, 0, recs, 2);
        if (out.err != JET_errSuccess || out.mismatch || out.matched < 1 ||
            out.matched > expected || (expected == 2 && out.matched != 2))
            bad++;
        /* and it opens again */
        log = NULL;
        if (log_open(&config, &log) != JET_errSuccess || log_close(log) != JET_errSuccess)
            bad++;
        remove_tree(dir);
        if (!reached)
            break;
    }
    CHECK(bad == 0);
    CHECK(walked > 10 && walked < 399);

    /* the reader alone */
    const char *dir = folder("alloc-walk-reader");
    log_config config = make_config(dir, 16, 16);
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    CHECK_ERR(append_expected(log, &recs[0], 0, LOG_REC_NOP, 9000), JET_errSuccess);
    CHECK_ERR(log_roll(log, NULL), JET_errSuccess);
    CHECK_ERR(append_expected(log, &recs[1], 1, LOG_REC_NOP, 11000), JET_errSuccess);
    CHECK_ERR(log_close(log), JET_errSuccess);
    bad = 0;
    walked = 0;
    for (uint64_t n = 1; n < 400; n++, walked++) {
        fault_reset();
        fault_arm(FAULT_ALLOC, n, FAULT_AS_EIO);
        read_outcome out = read_all(dir, 0, recs, 2);
        bool reached = fault_count(FAULT_ALLOC) >= n;
        fault_reset();
        if (out.mismatch || (out.err != JET_errSuccess && out.err != JET_errOutOfMemory) ||
            (out.err == JET_errSuccess && out.matched != 2))
            bad++;
        if (!reached)
            break;
    }
    CHECK(bad == 0);
    CHECK(walked > 5 && walked < 399);
}

/* ---- lock, folder queries, deletion ------------------------------------------------------------------------ */

static void test_lock_and_deletion(void)
{
    const char *dir = folder("deletion");
    log_config config = make_config(dir, 16, 16);
    ese_log *log = NULL, *second = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    CHECK_ERR(log_open(&config, &second), JET_errLogFilePathInUse);
    int32_t generation = 0;
    for (int i = 0; i < 5; i++) {
        CHECK_ERR(log_append(log, LOG_REC_NOP, g_payload, 500, NULL), JET_errSuccess);
        CHECK_ERR(log_roll(log, &generation), JET_errSuccess);
    }
    CHECK_ERR(generation, 6);
    CHECK_ERR(log_open(&config, &second), JET_errLogFilePathInUse); /* after rolls too */
    int32_t oldest = 0;
    CHECK_ERR(log_oldest_generation(log, &oldest), JET_errSuccess);
    CHECK_ERR(oldest, 1);
    char *path = NULL;
    CHECK_ERR(log_archive_path(log, 3, &path), JET_errSuccess);
    CHECK(path && exists(path) && strstr(path, "edb00003.log"));
    osal_free(path);

    uint32_t deleted = 99;
    CHECK_ERR(log_delete_generations_below(log, 3, LOG_DELETE_BACKUP_TRUNCATION, &deleted),
              JET_errSuccess);
    CHECK_ERR(deleted, 2);
    CHECK_ERR(log_oldest_generation(log, &oldest), JET_errSuccess);
    CHECK_ERR(oldest, 3);
    /* circular deletion waits while a backup runs; truncation does not */
    log_pause_deletion(log);
    CHECK_ERR(log_delete_generations_below(log, 5, LOG_DELETE_CIRCULAR, &deleted), JET_errSuccess);
    CHECK_ERR(deleted, 0);
    CHECK_ERR(log_delete_generations_below(log, 4, LOG_DELETE_BACKUP_TRUNCATION, &deleted),
              JET_errSuccess);
    CHECK_ERR(deleted, 1);
    log_resume_deletion(log);
    /* never the current log, whatever the bound */
    CHECK_ERR(log_delete_generations_below(log, 1000, LOG_DELETE_CIRCULAR, &deleted), JET_errSuccess);
    CHECK_ERR(deleted, 2);
    CHECK(exists(file_in(dir, "edb.log")));
    CHECK_ERR(log_oldest_generation(log, &oldest), JET_errSuccess);
    CHECK_ERR(oldest, 6);
    CHECK_ERR(log_close(log), JET_errSuccess);
    CHECK_ERR(log_open(&config, &second), JET_errSuccess); /* the lock went with the close */
    log_close(second);

    /* Circular logging: after each roll, generations below the checkpoint go. */
    dir = folder("circular");
    config = make_config(dir, 16, 16);
    config.circular = true;
    log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (!log)
        return;
    for (int i = 0; i < 4; i++)
        CHECK_ERR(log_roll(log, &generation), JET_errSuccess);
    CHECK_ERR(generation, 5);
    log_set_checkpoint(log, LOG_LSN(4, 1, 40));
    log_pause_deletion(log);
    CHECK_ERR(log_roll(log, &generation), JET_errSuccess);
    CHECK_ERR(log_oldest_generation(log, &oldest), JET_errSuccess);
    CHECK_ERR(oldest, 1); /* paused */
    log_resume_deletion(log);
    CHECK_ERR(log_roll(log, &generation), JET_errSuccess);
    CHECK_ERR(log_oldest_generation(log, &oldest), JET_errSuccess);
    CHECK_ERR(oldest, 4);
    size_t cb = 0;
    uint8_t *hdr = read_file(file_in(dir, "edb.log"), &cb);
    if (hdr) {
        CHECK(hdr[639] == LOG_FLAG_CIRCULAR);
        ese_lgpos ck;
        ese_lgpos_load(hdr + 640, &ck);
        CHECK(ck.generation == 4 && ck.isec == 1 && ck.ib == 40);
    }
    free(hdr);
    CHECK_ERR(log_close(log), JET_errSuccess);
    read_outcome out = read_all(dir, 0, NULL, 0);
    CHECK(out.err == JET_errSuccess && out.result == LOG_READ_END && out.generation_starts == 4);
}

/* ---- checkpoint ---------------------------------------------------------------------------------------------- */

static void test_checkpoint(void)
{
    const char *dir = folder("checkpoint");
    char *path = NULL;
    CHECK_ERR(checkpoint_path(dir, "edb", &path), JET_errSuccess);
    if (!path)
        return;
    CHECK(strstr(path, "/edb.chk") != NULL);
    checkpoint_data a, b, got;
    memset(&a, 0, sizeof a);
    a.checkpoint = LOG_LSN(3, 7, 444);
    a.sign_log.random = 0xCAFE;
    a.sign_log.created.year = 2025;
    a.sign_log.created.month = 1;
    a.sign_log.created.day = 2;
    a.db_consistency = LOG_LSN(2, 1, 40);
    a.full_backup = LOG_LSN(1, 2, 50);
    a.full_backup_time = (ese_logtime){.year = 2025, .month = 3, .day = 4, .hour = 5, .utc = true};
    b = a;
    b.checkpoint = LOG_LSN(4, 9, 100);

    checkpoint_read_info info;
    CHECK_ERR(checkpoint_read(path, NULL, &got, NULL), JET_errCheckpointFileNotFound);
    CHECK_ERR(checkpoint_write(path, &a), JET_errSuccess);
    CHECK(file_size(path) == 8192);
    CHECK_ERR(checkpoint_read(path, &a.sign_log, &got, &info), JET_errSuccess);
    CHECK(info.copy_valid[0] && info.copy_valid[1] && info.sequence == 1);
    CHECK(got.checkpoint == a.checkpoint && got.db_consistency == a.db_consistency &&
          got.full_backup == a.full_backup && got.full_backup_time.month == 3 &&
          got.sign_log.random == 0xCAFE);
    size_t cb = 0;
    uint8_t *before = read_file(path, &cb);
    CHECK(before && memcmp(before, before + 4096, 4096) == 0); /* identical copies */
    if (before) {
        CHECK(ese_header_verify(before, 4096) && ese_load_u32(before + 667) == 4);
        CHECK(ese_load_u32(before + 20) == 0xCAFE);
        ese_lgpos pos;
        ese_lgpos_load(before + 12, &pos);
        CHECK(pos.generation == 3 && pos.isec == 7 && pos.ib == 444);
    }
    CHECK_ERR(checkpoint_write(path, &b), JET_errSuccess);
    CHECK_ERR(checkpoint_read(path, NULL, &got, &info), JET_errSuccess);
    CHECK(got.checkpoint == b.checkpoint && info.sequence == 2);
    /* crash between the two copies: copy 0 new, copy 1 old -> the new one */
    if (before) {
        write_file_at(path, before + 4096, 4096, 4096);
        CHECK_ERR(checkpoint_read(path, NULL, &got, &info), JET_errSuccess);
        CHECK(got.checkpoint == b.checkpoint && info.copy_used == 0);
        /* copy 0 torn -> the old copy 1 */
        flip_byte(path, 2000);
        CHECK_ERR(checkpoint_read(path, NULL, &got, &info), JET_errSuccess);
        CHECK(got.checkpoint == a.checkpoint && info.copy_used == 1 && !info.copy_valid[0]);
        /* the next write repairs both */
        CHECK_ERR(checkpoint_write(path, &b), JET_errSuccess);
        CHECK_ERR(checkpoint_read(path, NULL, &got, &info), JET_errSuccess);
        CHECK(info.copy_valid[0] && info.copy_valid[1] && got.checkpoint == b.checkpoint);
        /* copy 1 damaged -> copy 0 */
        flip_byte(path, 4096 + 12);
        CHECK_ERR(checkpoint_read(path, NULL, &got, &info), JET_errSuccess);
        CHECK(got.checkpoint == b.checkpoint && info.copy_used == 0);
        /* both damaged */
        flip_byte(path, 12);
        CHECK_ERR(checkpoint_read(path, NULL, &got, &info), JET_errCheckpointCorrupt);
        /* a file cut short after the first copy */
        CHECK_ERR(checkpoint_write(path, &a), JET_errSuccess);
        CHECK(truncate(path, 4096) == 0);
        CHECK_ERR(checkpoint_read(path, NULL, &got, &info), JET_errSuccess);
        CHECK(got.checkpoint == a.checkpoint && !info.copy_valid[1]);
    }
    free(before);
    ese_signature other = a.sign_log;
    other.random = 1;
    CHECK_ERR(checkpoint_read(path, &other, &got, NULL), JET_errBadCheckpointSignature);
    /* a file of the wrong type */
    uint8_t block[4096] = {0};
    ese_store_u32(block + 667, 3);
    ese_header_stamp(block, 4096);
    write_file_at(path, block, 4096, 0);
    write_file_at(path, block, 4096, 4096);
    CHECK_ERR(checkpoint_read(path, NULL, &got, NULL), JET_errCheckpointCorrupt);
    osal_free(path);
}

/* ---- power loss ------------------------------------------------------------------------------------------------ */

static void fill(uint8_t *buf, size_t cb, uint8_t value)
{
    memset(buf, value, cb);
}

/* Child: write A (synced), then unsynced B past the end and C over half of A; cut. */
static void powerloss_plain_child(const char *path, uint64_t seed)
{
    powerloss_arm(seed, 0);
    osal_file file;
    if (osal_open(path, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE, &file) != JET_errSuccess)
        _exit(2);
    uint8_t buf[8192];
    fill(buf, 8192, 'A');
    if (osal_files_write_at(&file, buf, 8192, 0) != JET_errSuccess || osal_files_sync(&file) != JET_errSuccess)
        _exit(3);
    fill(buf, 8192, 'B');
    osal_files_write_at(&file, buf, 8192, 8192);
    fill(buf, 4096, 'C');
    osal_files_write_at(&file, buf, 4096, 4096);
    powerloss_cut(seed);
}

static void test_powerloss_plain(void)
{
    const char *dir = folder("powerloss-plain");
    size_t synced_lost = 0, a_kept = 0, c_kept = 0, b_kept = 0, b_dropped = 0, bad = 0, status_bad = 0;
    size_t torn_writes = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        char name[32];
        snprintf(name, sizeof name, "plain-%llu", (unsigned long long)seed);
        const char *path = file_in(dir, name);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            powerloss_plain_child(path, seed);
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != POWERLOSS_EXIT_STATUS)
            status_bad++;
        size_t cb = 0;
        uint8_t *data = read_file(path, &cb);
        if (!data || cb != 16384) {
            bad++;
            free(data);
            continue;
        }
        for (size_t s = 0; s < 32; s++) {
            const uint8_t *sector = data + s * 512;
            uint8_t first = sector[0];
            bool uniform = true;
            for (int i = 1; i < 512; i++)
                uniform = uniform && sector[i] == first;
            if (!uniform) {
                bad++;
                continue;
            }
            if (s < 8)
                synced_lost += first != 'A';
            else if (s < 16) {
                if (first == 'A')
                    a_kept++;
                else if (first == 'C')
                    c_kept++;
                else
                    bad++;
            } else {
                if (first == 'B')
                    b_kept++;
                else if (first == 0)
                    b_dropped++;
                else
                    bad++;
            }
        }
        /* torn: some but not all of B's sectors survived */
        size_t b_here = 0;
        for (size_t s = 16; s < 32; s++)
            b_here += data[s * 512] == 'B';
        torn_writes += b_here > 0 && b_here < 16;
        free(data);
    }
    CHECK(status_bad == 0);
    CHECK(bad == 0);
    CHECK(synced_lost == 0);         /* fsynced data always survives */
    CHECK(a_kept > 0 && c_kept > 0); /* overwrites: sometimes the old, sometimes the new */
    CHECK(b_kept > 0 && b_dropped > 0);
    CHECK(torn_writes > 0);
    printf("power loss (plain file, 40 cuts): unsynced sectors kept %zu, rolled back %zu, torn "
           "writes %zu; synced sectors lost %zu\n",
           b_kept + c_kept, b_dropped + a_kept, torn_writes, synced_lost);

    CHECK(!powerloss_arm_from_spec("12"));
    CHECK(!powerloss_arm_from_spec("x:1"));
    CHECK(!powerloss_arm_from_spec("1:2:3"));
    CHECK(!powerloss_armed());
    CHECK(powerloss_arm_from_spec("0x10:5"));
    CHECK(powerloss_armed());
    powerloss_disarm();
    CHECK(!powerloss_armed());
}

/* Child: append records, flushing every few; report each record acknowledged durable through a
 * pipe; the power goes out after `cut_after` writes. */
static void powerloss_log_child(const char *dir, uint64_t seed, uint64_t cut_after, int report_fd)
{
    log_config config = make_config(dir, 32, 16);
    ese_log *log = NULL;
    if (log_open(&config, &log) != JET_errSuccess)
        _exit(2);
    powerloss_arm(seed, cut_after);
    for (uint32_t i = 0; i < 200; i++) {
        expect_rec e;
        uint32_t cb = (i * 977u) % 6000u;
        if (append_expected(log, &e, i, LOG_REC_ENGINE_FIRST, cb) != JET_errSuccess)
            _exit(4);
        if (i % 4 == 3 || i % 11 == 0) {
            if (log_flush(log, e.end) != JET_errSuccess)
                _exit(5);
            uint32_t durable = i + 1;
            if (write(report_fd, &durable, sizeof durable) != sizeof durable)
                _exit(6);
        }
    }
    log_close(log);
    _exit(0);
}

static void test_powerloss_log(void)
{
    static expect_rec exp[200];
    for (uint32_t i = 0; i < 200; i++)
        exp[i] = (expect_rec){.type = LOG_REC_ENGINE_FIRST, .cb = (i * 977u) % 6000u, .id = i};
    size_t cuts = 0, torn = 0, finished = 0, failures = 0, lost_durable = 0, reopen_failures = 0;
    for (uint64_t seed = 1; seed <= 60; seed++) {
        char name[32];
        snprintf(name, sizeof name, "powerloss-log-%llu", (unsigned long long)seed);
        const char *dir = folder(name);
        int fds[2];
        if (pipe(fds) != 0)
            continue;
        uint64_t cut_after = 1 + (seed * 7919u) % 120u;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            powerloss_log_child(dir, seed, cut_after, fds[1]);
        }
        close(fds[1]);
        uint32_t durable = 0, value;
        while (read(fds[0], &value, sizeof value) == sizeof value)
            durable = value;
        close(fds[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == POWERLOSS_EXIT_STATUS)
            cuts++;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            finished++;
        else
            failures++;
        read_outcome out = read_all(dir, 0, exp, 200);
        if (out.err != JET_errSuccess || out.mismatch)
            failures++;
        if (out.matched < durable)
            lost_durable++;
        torn += out.result == LOG_READ_TORN_TAIL;
        /* and the log reopens and goes on after whatever the cut left */
        log_config config = make_config(dir, 32, 16);
        ese_log *log = NULL;
        size_t kept = out.matched;
        if (log_open(&config, &log) != JET_errSuccess) {
            reopen_failures++;
            continue;
        }
        static expect_rec more[210];
        memcpy(more, exp, sizeof exp);
        bool ok = true;
        for (uint32_t i = 0; i < 3; i++)
            ok = ok && append_expected(log, &more[kept + i], 5000 + i, LOG_REC_NOP, 2500) ==
                           JET_errSuccess;
        ok = ok && log_close(log) == JET_errSuccess;
        out = read_all(dir, 0, more, kept + 3);
        if (!ok || out.err != JET_errSuccess || out.mismatch || out.matched != kept + 3 ||
            out.result != LOG_READ_END)
            reopen_failures++;
    }
    CHECK(failures == 0);
    CHECK(lost_durable == 0);
    CHECK(reopen_failures == 0);
    CHECK(cuts > 40);
    printf("power loss (log, 60 runs): %zu cut, %zu finished first, %zu ended in a torn tail; "
           "acknowledged commits lost: %zu\n",
           cuts, finished, torn, lost_durable);
}

/* The environment variable arms a fresh process (exec'd, so the variable is read anew). */
static void test_powerloss_environment(void)
{
    const char *dir = folder("powerloss-env");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("LIBESE_POWERLOSS", "7:9", 1);
        execl(g_self, g_self, "--powerloss-env-child", dir, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == POWERLOSS_EXIT_STATUS);
    /* whatever state the cut left (it may have fallen inside log creation) is recoverable */
    log_config config = make_config(dir, 32, 16);
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    if (log)
        CHECK_ERR(log_close(log), JET_errSuccess);
    read_outcome out = read_all(dir, 0, NULL, 0);
    CHECK_ERR(out.err, JET_errSuccess);
}

static int powerloss_env_child(const char *dir)
{
    log_config config = make_config(dir, 32, 16);
    ese_log *log = NULL;
    if (log_open(&config, &log) != JET_errSuccess)
        return 2;
    for (int i = 0; i < 1000; i++)
        if (log_append(log, LOG_REC_NOP, g_payload, 3000, NULL) != JET_errSuccess ||
            log_flush(log, LOG_LSN_MAX) != JET_errSuccess)
            return 3;
    return 0; /* the cut should have come long before */
}

/* A checkpoint update cut at any write yields the old or the new checkpoint. */
static void test_powerloss_checkpoint(void)
{
    const char *dir = folder("powerloss-chk");
    char *path = NULL;
    if (checkpoint_path(dir, "edb", &path) != JET_errSuccess)
        return;
    size_t old_seen = 0, new_seen = 0, failures = 0;
    for (uint64_t seed = 1; seed <= 24; seed++) {
        checkpoint_data a, b;
        memset(&a, 0, sizeof a);
        a.checkpoint = LOG_LSN(1, 1, 40);
        b = a;
        b.checkpoint = LOG_LSN(2, 2, 80);
        unlink(path);
        if (checkpoint_write(path, &a) != JET_errSuccess)
            failures++;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            powerloss_arm(seed, 1 + seed % 2); /* cut after the first or the second copy */
            checkpoint_write(path, &b);
            powerloss_cut(seed);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        checkpoint_data got;
        if (checkpoint_read(path, NULL, &got, NULL) != JET_errSuccess)
            failures++;
        else if (got.checkpoint == a.checkpoint)
            old_seen++;
        else if (got.checkpoint == b.checkpoint)
            new_seen++;
        else
            failures++;
    }
    CHECK(failures == 0);
    CHECK(old_seen > 0 && new_seen > 0);
    osal_free(path);
}

/* ---- throughput ------------------------------------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    ese_log *log;
    int count;
    bool durable;
    int failures;
} bench_arg;

static void *bench_worker(void *p)
{
    bench_arg *arg = p;
    uint8_t record[100];
    memset(record, 0x42, sizeof record);
    for (int i = 0; i < arg->count; i++) {
        log_lsn end;
        if (log_append(arg->log, LOG_REC_COMMIT, record, sizeof record, &end) != JET_errSuccess ||
            (arg->durable && log_flush(arg->log, end) != JET_errSuccess))
            arg->failures++;
    }
    return NULL;
}

static void bench(const char *label, int threads, int per_thread, bool durable)
{
    char name[64];
    snprintf(name, sizeof name, "bench-%s-%d", label, threads);
    const char *dir = folder(name);
    log_config config = make_config(dir, 5120, 0);
    ese_log *log = NULL;
    if (log_open(&config, &log) != JET_errSuccess) {
        CHECK(!"bench log opens");
        return;
    }
    pthread_t tids[8];
    bench_arg args[8];
    double start = now_seconds();
    for (int t = 0; t < threads; t++) {
        args[t] = (bench_arg){.log = log, .count = per_thread, .durable = durable};
        pthread_create(&tids[t], NULL, bench_worker, &args[t]);
    }
    int failures = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        failures += args[t].failures;
    }
    if (!durable)
        log_flush(log, LOG_LSN_MAX);
    double elapsed = now_seconds() - start;
    log_stats stats;
    log_get_stats(log, &stats);
    CHECK(failures == 0);
    printf("throughput: %-16s %d thread%s: %9.0f records/s (%d records, %.3f s, %llu fsyncs, "
           "%llu rolls)\n",
           durable ? "durable commits" : "lazy appends", threads, threads > 1 ? "s" : " ",
           threads * per_thread / elapsed, threads * per_thread, elapsed,
           (unsigned long long)stats.fsyncs, (unsigned long long)stats.rolls);
    log_close(log);
    remove_tree(dir);
}

static void test_throughput(void)
{
    int scale = getenv("TEST_LOG_BENCH_SCALE") ? atoi(getenv("TEST_LOG_BENCH_SCALE")) : 1;
    if (scale < 1)
        scale = 1;
    bench("lazy", 1, 100000 * scale, false);
    bench("lazy", 8, 12500 * scale, false);
    bench("durable", 1, 500 * scale, true);
    bench("durable", 8, 250 * scale, true);
}

/* ---- main -------------------------------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    g_self = argv[0];
    g_payload = malloc(64 * 1024);
    if (argc == 3 && strcmp(argv[1], "--powerloss-env-child") == 0)
        return powerloss_env_child(argv[2]);
    snprintf(g_root, sizeof g_root, "/tmp/test_log.XXXXXX");
    if (!mkdtemp(g_root)) {
        perror("mkdtemp");
        return 1;
    }
    fault_reset();
    test_names();
    test_round_trip();
    test_record_limits();
    test_generation_numbers();
    test_record_types();
    test_group_commit();
    test_corruption();
    test_versions_and_sequence();
    test_interrupted_roll();
    test_faults();
    test_allocation_failures();
    fault_reset();
    test_lock_and_deletion();
    test_checkpoint();
    test_powerloss_plain();
    test_powerloss_log();
    test_powerloss_environment();
    test_powerloss_checkpoint();
    test_throughput();
    if (!check_failed)
        remove_tree(g_root);
    else
        fprintf(stderr, "test files kept in %s\n", g_root);
    free(g_payload);
    return check_summary();
}
