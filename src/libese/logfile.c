/* logfile.c -- log file names, headers, segment headers and the folder scan (see logfile.h). */
#define _DEFAULT_SOURCE
#include "logfile.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "osal_files.h"

/* ---- positions ---------------------------------------------------------------------------------- */

log_lsn log_lsn_from_lgpos(const ese_lgpos *pos)
{
    return LOG_LSN(pos->generation, pos->isec, pos->ib);
}

ese_lgpos log_lsn_to_lgpos(log_lsn lsn)
{
    ese_lgpos pos = {.ib = log_lsn_ib(lsn), .isec = log_lsn_isec(lsn),
                     .generation = log_lsn_generation(lsn)};
    return pos;
}

static void store_lsn(uint8_t *p, log_lsn lsn)
{
    ese_lgpos pos = log_lsn_to_lgpos(lsn);
    ese_lgpos_store(p, &pos);
}

static log_lsn load_lsn(const uint8_t *p)
{
    ese_lgpos pos;
    ese_lgpos_load(p, &pos);
    return log_lsn_from_lgpos(&pos);
}

/* ---- time and signatures ------------------------------------------------------------------------ */

void logfile_now(ese_logtime *now)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    time_t seconds = ts.tv_sec;
    gmtime_r(&seconds, &tm);
    *now = (ese_logtime){
        .year = (uint16_t)(tm.tm_year + 1900),
        .month = (uint8_t)(tm.tm_mon + 1),
        .day = (uint8_t)tm.tm_mday,
        .hour = (uint8_t)tm.tm_hour,
        .minute = (uint8_t)tm.tm_min,
        .second = (uint8_t)tm.tm_sec,
        .millisecond = (uint16_t)(ts.tv_nsec / 1000000),
        .utc = true,
    };
}

bool logfile_signature_is_zero(const uint8_t *sign_log)
{
    for (size_t i = 0; i < ESE_SIGNATURE_SIZE; i++)
        if (sign_log[i])
            return false;
    return true;
}

void logfile_new_signature(uint8_t *sign_log)
{
    /* The random part only has to make two logs' signatures differ; mixing the clock, the
     * process id, a counter and an address through splitmix64 is plenty for that. */
    static atomic_uint_fast64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t z = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    z ^= (uint64_t)getpid() << 32;
    z ^= (uint64_t)(uintptr_t)&counter;
    z += atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    ese_signature sig;
    memset(&sig, 0, sizeof sig);
    sig.random = (uint32_t)(z ^ (z >> 32));
    if (sig.random == 0)
        sig.random = 1; /* all-zero means "no signature" to log_config */
    logfile_now(&sig.created);
    ese_signature_store(sign_log, &sig);
}

/* ---- names ------------------------------------------------------------------------------------- */

bool log_archive_name(const char *base, int32_t generation, char *buf, size_t cb_buf)
{
    if (!base || strlen(base) != 3 || generation < 1 || generation > LOG_GENERATION_MAX)
        return false;
    int n = generation <= 0xFFFFF ? snprintf(buf, cb_buf, "%s%05X.log", base, (unsigned)generation)
                                  : snprintf(buf, cb_buf, "%s%08X.log", base, (unsigned)generation);
    return n > 0 && (size_t)n < cb_buf;
}

int32_t log_parse_archive_name(const char *base, const char *name)
{
    size_t cb_base = strlen(base), cb_name = strlen(name);
    if (cb_name < cb_base + 4 || strncmp(name, base, cb_base) != 0)
        return 0;
    size_t digits = cb_name - cb_base - 4;
    if ((digits != 5 && digits != 8) || strcasecmp(name + cb_name - 4, ".log") != 0)
        return 0;
    uint64_t value = 0;
    for (size_t i = 0; i < digits; i++) {
        char c = name[cb_base + i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return 0;
        value = value * 16 + d;
    }
    return (value >= 1 && value <= (uint64_t)LOG_GENERATION_MAX) ? (int32_t)value : 0;
}

void logfile_current_name(const char *base, char *buf, size_t cb_buf)
{
    snprintf(buf, cb_buf, "%s.log", base);
}

void logfile_tmp_name(const char *base, char *buf, size_t cb_buf)
{
    snprintf(buf, cb_buf, "%stmp.log", base);
}

/* ---- the header ---------------------------------------------------------------------------------- */

void logfile_build_header(uint8_t *block, const log_header *hdr)
{
    memset(block, 0, LOG_SECTOR_SIZE);
    ese_store_u32(block + ESE_LGHDR_OFF_GENERATION, (uint32_t)hdr->generation);
    ese_store_u16(block + ESE_LGHDR_OFF_CB_SEC, LOG_SECTOR_SIZE);
    ese_store_u16(block + ESE_LGHDR_OFF_CSEC_HEADER, 1);
    ese_store_u16(block + ESE_LGHDR_OFF_CSEC_FILE, hdr->csec_file);
    ese_store_u16(block + ESE_LGHDR_OFF_DB_PAGE_SIZE, hdr->page_size);
    memcpy(block + ESE_LGHDR_OFF_LOGTIME_CREATE, hdr->tm_create, ESE_LOGTIME_SIZE);
    memcpy(block + ESE_LGHDR_OFF_LOGTIME_PREV_GEN, hdr->tm_prev_gen, ESE_LOGTIME_SIZE);
    ese_store_u32(block + ESE_LGHDR_OFF_VERSION_MAJOR, LOG_VERSION_MAJOR);
    ese_store_u32(block + ESE_LGHDR_OFF_VERSION_MINOR, LOG_VERSION_MINOR);
    ese_store_u32(block + ESE_LGHDR_OFF_VERSION_UPDATE_MAJOR, LOG_VERSION_UPDATE_MAJOR);
    ese_store_u32(block + ESE_LGHDR_OFF_VERSION_UPDATE_MINOR, LOG_VERSION_UPDATE_MINOR);
    memcpy(block + ESE_LGHDR_OFF_SIGN_LOG, hdr->sign_log, ESE_SIGNATURE_SIZE);
    ese_store_u32(block + LOG_HDR_OFF_DBMS_CSEC_FILE, hdr->csec_file);
    block[ESE_LGHDR_OFF_FLAGS] = hdr->flags;
    store_lsn(block + ESE_LGHDR_OFF_LGPOS_CHECKPOINT, hdr->checkpoint);
    ese_store_u32(block + ESE_LGHDR_OFF_FILE_TYPE, ESE_FILETYPE_LOG);
    ese_store_u32(block + LOG_HDR_EXT_OFF_MAGIC, LOG_HEADER_EXT_MAGIC);
    ese_store_u32(block + LOG_HDR_EXT_OFF_SIZE, LOG_HDR_EXT_SIZE);
    store_lsn(block + LOG_HDR_EXT_OFF_PREV_GEN_END, hdr->previous_generation_end);
    ese_header_stamp(block, LOG_SECTOR_SIZE);
}

JET_ERR logfile_parse_header(const uint8_t *block, log_header *hdr)
{
    if (!ese_header_verify(block, LOG_SECTOR_SIZE))
        return JET_errLogFileCorrupt;
    /* The version before anything libese-specific: an intact ESENT log (major 7 or 8) must be
     * reported as the wrong version, not as damaged. */
    if (ese_load_u32(block + ESE_LGHDR_OFF_VERSION_MAJOR) != LOG_VERSION_MAJOR ||
        ese_load_u32(block + ESE_LGHDR_OFF_VERSION_MINOR) != LOG_VERSION_MINOR)
        return JET_errBadLogVersion;
    if (ese_load_u32(block + ESE_LGHDR_OFF_FILE_TYPE) != ESE_FILETYPE_LOG ||
        ese_load_u16(block + ESE_LGHDR_OFF_CB_SEC) != LOG_SECTOR_SIZE ||
        ese_load_u16(block + ESE_LGHDR_OFF_CSEC_HEADER) != 1 ||
        ese_load_u16(block + ESE_LGHDR_OFF_CSEC_FILE) < LOG_MIN_FILE_SECTORS ||
        ese_load_u32(block + LOG_HDR_EXT_OFF_MAGIC) != LOG_HEADER_EXT_MAGIC ||
        ese_load_u32(block + LOG_HDR_EXT_OFF_SIZE) != LOG_HDR_EXT_SIZE)
        return JET_errLogFileCorrupt;
    int32_t generation = (int32_t)ese_load_u32(block + ESE_LGHDR_OFF_GENERATION);
    if (generation < 1 || generation > LOG_GENERATION_MAX)
        return JET_errLogFileCorrupt;
    hdr->generation = generation;
    hdr->csec_file = ese_load_u16(block + ESE_LGHDR_OFF_CSEC_FILE);
    hdr->page_size = ese_load_u16(block + ESE_LGHDR_OFF_DB_PAGE_SIZE);
    memcpy(hdr->tm_create, block + ESE_LGHDR_OFF_LOGTIME_CREATE, ESE_LOGTIME_SIZE);
    memcpy(hdr->tm_prev_gen, block + ESE_LGHDR_OFF_LOGTIME_PREV_GEN, ESE_LOGTIME_SIZE);
    memcpy(hdr->sign_log, block + ESE_LGHDR_OFF_SIGN_LOG, ESE_SIGNATURE_SIZE);
    hdr->flags = block[ESE_LGHDR_OFF_FLAGS];
    hdr->checkpoint = load_lsn(block + ESE_LGHDR_OFF_LGPOS_CHECKPOINT);
    hdr->previous_generation_end = load_lsn(block + LOG_HDR_EXT_OFF_PREV_GEN_END);
    return JET_errSuccess;
}

JET_ERR logfile_read_header(const char *path, int32_t expected_generation,
                            const uint8_t *sign_log, log_header *hdr, osal_file *pfile)
{
    osal_file file = {.fd = -1};
    JET_ERR err = osal_open(path, OSAL_OPEN_READ, &file);
    if (err == JET_errFileNotFound)
        return JET_errMissingLogFile;
    if (err != JET_errSuccess)
        return err;
    uint8_t *block = osal_malloc(LOG_SECTOR_SIZE);
    uint64_t cb_file = 0;
    size_t cb_read = 0;
    if (!block) {
        err = JET_errOutOfMemory;
        goto done;
    }
    err = osal_size(&file, &cb_file);
    if (err == JET_errSuccess)
        err = osal_read_at(&file, block, LOG_SECTOR_SIZE, 0, &cb_read);
    if (err != JET_errSuccess)
        goto done;
    if (cb_read < LOG_SECTOR_SIZE) {
        err = JET_errLogFileCorrupt;
        goto done;
    }
    err = logfile_parse_header(block, hdr);
    if (err != JET_errSuccess)
        goto done;
    if (expected_generation && hdr->generation != expected_generation) {
        err = JET_errLogGenerationMismatch;
        goto done;
    }
    if (sign_log && memcmp(sign_log, hdr->sign_log, ESE_SIGNATURE_SIZE) != 0) {
        err = JET_errBadLogSignature;
        goto done;
    }
    if (cb_file < (uint64_t)hdr->csec_file * LOG_SECTOR_SIZE)
        err = JET_errLogFileCorrupt; /* the file was created full size: it lost its end */
done:
    osal_free(block);
    if (err == JET_errSuccess && pfile)
        *pfile = file;
    else
        osal_close(&file);
    return err;
}

/* ---- segments ---------------------------------------------------------------------------------- */

segment_kind logfile_check_segment(const uint8_t *segment, int32_t generation, uint16_t isec,
                                   segment_info *info)
{
    ese_page_status status = ese_log_segment_verify(segment, NULL);
    if (status == ESE_PAGE_UNINITIALIZED)
        return SEGMENT_ZERO;
    /* A single-bit error the ECC could repair is still treated as damage: the log never hands
     * out data it had to guess at. */
    if (status != ESE_PAGE_OK)
        return SEGMENT_BAD;
    ese_lgpos pos;
    ese_lgpos_load(segment + ESE_LGSEG_OFF_LGPOS, &pos);
    if (pos.ib != 0 || pos.isec != isec || pos.generation != generation)
        return SEGMENT_BAD; /* intact, but written for another place */
    if (ese_load_u32(segment + ESE_LGSEG_OFF_FLAGS) != ESE_PAGE_FLAG_NEW_CHECKSUM)
        return SEGMENT_BAD;
    for (unsigned i = 30; i < ESE_LGSEG_OFF_FLAGS; i++)
        if (segment[i])
            return SEGMENT_BAD;
    uint16_t cb_data = ese_load_u16(segment + LOG_SEG_OFF_CB_DATA);
    uint16_t ib_first = ese_load_u16(segment + LOG_SEG_OFF_IB_FIRST_RECORD);
    uint16_t unsynced = ese_load_u16(segment + LOG_SEG_OFF_ISEC_UNSYNCED);
    if (cb_data == 0 || cb_data > LOG_SEGMENT_DATA_SIZE)
        return SEGMENT_BAD;
    if (ib_first != LOG_SEG_NO_RECORD_START && ib_first >= cb_data)
        return SEGMENT_BAD;
    if (unsynced < 1 || unsynced > isec)
        return SEGMENT_BAD;
    for (unsigned i = LOG_SEGMENT_HEADER_SIZE + cb_data; i < LOG_SECTOR_SIZE; i++)
        if (segment[i])
            return SEGMENT_BAD;
    if (info) {
        info->cb_data = cb_data;
        info->ib_first_record = ib_first;
        info->isec_unsynced = unsynced;
    }
    return SEGMENT_VALID;
}

void logfile_stamp_segment(uint8_t *segment, int32_t generation, uint16_t isec, uint16_t cb_data,
                           uint16_t ib_first_record, uint16_t isec_unsynced)
{
    memset(segment, 0, LOG_SEGMENT_HEADER_SIZE);
    ese_lgpos pos = {.ib = 0, .isec = isec, .generation = generation};
    ese_lgpos_store(segment + ESE_LGSEG_OFF_LGPOS, &pos);
    ese_logtime now;
    logfile_now(&now);
    ese_logtime_store(segment + ESE_LGSEG_OFF_LOGTIME_START, &now);
    ese_store_u16(segment + LOG_SEG_OFF_CB_DATA, cb_data);
    ese_store_u16(segment + LOG_SEG_OFF_IB_FIRST_RECORD, ib_first_record);
    ese_store_u16(segment + LOG_SEG_OFF_ISEC_UNSYNCED, isec_unsynced);
    ese_log_segment_stamp(segment); /* sets flag 0x2000 at 36, then the checksum at 0 */
}

/* ---- the folder scan ------------------------------------------------------------------------------- */

void logfile_scan_free(log_folder_scan *scan)
{
    for (size_t i = 0; i < scan->archive_count; i++)
        osal_free(scan->archives[i].name);
    osal_free(scan->archives);
    memset(scan, 0, sizeof *scan);
}

static int compare_entries(const void *a, const void *b)
{
    const log_archive_entry *x = a, *y = b;
    if (x->generation != y->generation)
        return x->generation < y->generation ? -1 : 1;
    return strcmp(x->name, y->name);
}

JET_ERR logfile_scan_folder(const char *folder, const char *base, log_folder_scan *scan)
{
    memset(scan, 0, sizeof *scan);
    osal_dir_listing listing;
    JET_ERR err = osal_list_directory(folder, &listing);
    if (err != JET_errSuccess)
        return err == JET_errFileNotFound ? JET_errInvalidPath : err;
    char current[32], tmp[32];
    logfile_current_name(base, current, sizeof current);
    logfile_tmp_name(base, tmp, sizeof tmp);
    if (listing.count) {
        scan->archives = osal_malloc(listing.count * sizeof *scan->archives);
        if (!scan->archives) {
            osal_dir_listing_free(&listing);
            return JET_errOutOfMemory;
        }
    }
    for (size_t i = 0; i < listing.count; i++) {
        char *name = listing.names[i];
        if (strcmp(name, current) == 0) {
            scan->has_current = true;
        } else if (strcmp(name, tmp) == 0) {
            scan->has_tmp = true;
        } else {
            int32_t generation = log_parse_archive_name(base, name);
            if (generation) {
                scan->archives[scan->archive_count++] =
                    (log_archive_entry){.generation = generation, .name = name};
                listing.names[i] = NULL; /* ownership moves to the scan */
            }
        }
    }
    osal_dir_listing_free(&listing);
    if (scan->archive_count > 1)
        qsort(scan->archives, scan->archive_count, sizeof *scan->archives, compare_entries);
    /* One generation under two names (5 and 8 digits): keep the canonical name if present. */
    size_t kept = 0;
    for (size_t i = 0; i < scan->archive_count; i++) {
        if (kept && scan->archives[kept - 1].generation == scan->archives[i].generation) {
            char canonical[32];
            log_archive_name(base, scan->archives[i].generation, canonical, sizeof canonical);
            if (strcmp(scan->archives[i].name, canonical) == 0) {
                osal_free(scan->archives[kept - 1].name);
                scan->archives[kept - 1] = scan->archives[i];
            } else {
                osal_free(scan->archives[i].name);
            }
            continue;
        }
        scan->archives[kept++] = scan->archives[i];
    }
    scan->archive_count = kept;
    return JET_errSuccess;
}

const log_archive_entry *logfile_scan_find(const log_folder_scan *scan, int32_t generation)
{
    size_t lo = 0, hi = scan->archive_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (scan->archives[mid].generation < generation)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < scan->archive_count && scan->archives[lo].generation == generation
               ? &scan->archives[lo]
               : NULL;
}

JET_ERR logfile_write_error(JET_ERR err)
{
    if (err == JET_errSuccess)
        return err;
    return (err == JET_errDiskFull || err == JET_errLogDiskFull) ? JET_errLogDiskFull
                                                                  : JET_errLogWriteFail;
}
