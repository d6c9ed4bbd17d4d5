/*
 * logreader.c -- reading the log back: generations in order, records across segments, and the
 * difference between where the log simply ends, a torn tail, and corruption.
 *
 * How the end of the data in a generation is judged:
 *   - A closed generation (not the newest) ends exactly at the position the next generation's
 *     header pins (LOG_HDR_EXT_OFF_PREV_GEN_END).  It was fsynced before the next one was
 *     created, so any bad, missing or malformed block before that position is corruption
 *     (JET_errLogFileCorrupt); anything after it (the remains of a torn write that recovery
 *     already cut off) is never read.
 *   - The newest generation ends at its first segment that is zero or bad.  Each segment header
 *     records the first segment of the file that was not yet fsynced when it was written.  If
 *     any valid segment after the first bad one was written when that bad one was already
 *     durable, the bad one is damage to durable data: corruption.  Otherwise the bad segment and
 *     everything after it belong to a write that never completed: a torn tail, and the log ends
 *     just after the last complete record before it.
 */
#include <string.h>

#include "logfile.h"
#include "osal_files.h"

#define READ_CHUNK_SEGMENTS 32u

typedef enum {
    ADVANCE_OK,       /* a valid segment is loaded */
    ADVANCE_FILE_END, /* no more segments in this file */
    ADVANCE_DATA_END, /* the next segment is zero or bad */
} advance_status;

typedef enum { READER_READING, READER_ENDED, READER_FAILED } reader_state;

struct log_reader {
    char *folder;
    char *base;
    uint8_t sign_log[ESE_SIGNATURE_SIZE];
    bool sign_known;
    log_folder_scan scan;
    bool current_exists;
    int32_t current_generation; /* generation inside <base>.log */
    int32_t newest_generation;
    log_lsn start;

    /* the generation being read */
    int32_t generation;
    osal_file file;
    log_header header;
    bool newest;
    log_lsn pinned_end;      /* closed generations: where their data ends */
    bool expect_generation_start;
    bool pending_position;   /* started mid-generation: find the first record start first */
    uint16_t position_isec;

    /* segments */
    uint8_t *chunk;          /* READ_CHUNK_SEGMENTS segments read at once */
    uint16_t chunk_first_isec;
    uint16_t chunk_count;
    uint8_t segment[LOG_SECTOR_SIZE];
    bool have_segment;
    uint16_t segment_isec;
    segment_info info;
    uint16_t segment_pos;    /* bytes of the data area consumed */
    bool segment_saw_start;  /* a record started in this segment */
    uint16_t segment_first_start;
    uint16_t last_valid_isec;
    uint16_t failed_isec;    /* after ADVANCE_DATA_END: the zero or bad segment */
    segment_kind failed_kind;

    /* records */
    uint8_t *record;
    size_t record_capacity;
    log_lsn last_end;        /* just past the last complete record of this generation */

    reader_state state;
    JET_ERR failure;
    log_read_result end_result;
    log_read_end end;
};

/* ---- files ------------------------------------------------------------------------------------ */

static JET_ERR generation_path(log_reader *r, int32_t generation, char **ppath)
{
    char name[32];
    if (r->current_exists && generation == r->current_generation) {
        logfile_current_name(r->base, name, sizeof name);
    } else {
        const log_archive_entry *entry = logfile_scan_find(&r->scan, generation);
        if (!entry)
            return JET_errMissingLogFile;
        return osal_path_join(r->folder, entry->name, ppath);
    }
    return osal_path_join(r->folder, name, ppath);
}

static JET_ERR read_generation_header(log_reader *r, int32_t generation, log_header *hdr,
                                      osal_file *file)
{
    char *path = NULL;
    JET_ERR err = generation_path(r, generation, &path);
    if (err != JET_errSuccess)
        return err;
    err = logfile_read_header(path, generation, r->sign_known ? r->sign_log : NULL, hdr, file);
    osal_free(path);
    if (err == JET_errSuccess && !r->sign_known) {
        memcpy(r->sign_log, hdr->sign_log, ESE_SIGNATURE_SIZE);
        r->sign_known = true;
    }
    return err;
}

/* Start reading `generation` from its beginning.  `chained`: it follows the generation just
 * read, whose tmCreate it must name as tmPrevGen. */
static JET_ERR enter_generation(log_reader *r, int32_t generation, bool chained)
{
    uint8_t previous_create[ESE_LOGTIME_SIZE];
    memcpy(previous_create, r->header.tm_create, sizeof previous_create);
    osal_close(&r->file);
    log_header hdr;
    JET_ERR err = read_generation_header(r, generation, &hdr, &r->file);
    if (err != JET_errSuccess)
        return err;
    if (chained && memcmp(hdr.tm_prev_gen, previous_create, ESE_LOGTIME_SIZE) != 0)
        return JET_errInvalidLogSequence;
    r->header = hdr;
    r->generation = generation;
    r->newest = generation == r->newest_generation;
    r->pinned_end = 0;
    if (!r->newest) {
        log_header next;
        err = read_generation_header(r, generation + 1, &next, NULL);
        if (err != JET_errSuccess)
            return err;
        if (log_lsn_generation(next.previous_generation_end) != generation)
            return JET_errInvalidLogSequence;
        r->pinned_end = next.previous_generation_end;
    }
    r->chunk_count = 0;
    r->have_segment = false;
    r->segment_isec = 0;
    r->last_valid_isec = 0;
    r->last_end = LOG_LSN(generation, 1, LOG_SEGMENT_HEADER_SIZE);
    r->expect_generation_start = true;
    r->pending_position = false;
    return JET_errSuccess;
}

/* Copy segment `isec` of the current file into r->segment and classify it. */
static JET_ERR load_segment(log_reader *r, uint16_t isec, segment_kind *kind, segment_info *info)
{
    if (r->chunk_count == 0 || isec < r->chunk_first_isec ||
        isec >= r->chunk_first_isec + r->chunk_count) {
        uint32_t count = r->header.csec_file - isec;
        if (count > READ_CHUNK_SEGMENTS)
            count = READ_CHUNK_SEGMENTS;
        size_t cb_read = 0;
        JET_ERR err = osal_read_at(&r->file, r->chunk, (size_t)count * LOG_SECTOR_SIZE,
                                   (uint64_t)isec * LOG_SECTOR_SIZE, &cb_read);
        if (err != JET_errSuccess)
            return err;
        /* The file was checked to be full size; if it shrank meanwhile, what is missing reads
         * as never written. */
        memset(r->chunk + cb_read, 0, (size_t)count * LOG_SECTOR_SIZE - cb_read);
        r->chunk_first_isec = isec;
        r->chunk_count = (uint16_t)count;
    }
    memcpy(r->segment, r->chunk + (size_t)(isec - r->chunk_first_isec) * LOG_SECTOR_SIZE,
           LOG_SECTOR_SIZE);
    *kind = logfile_check_segment(r->segment, r->generation, isec, info);
    return JET_errSuccess;
}

/* Move to the next segment of the current file. */
static JET_ERR advance_segment(log_reader *r, advance_status *status)
{
    if (r->have_segment) {
        /* Leaving a segment: its header must have said where its first record starts. */
        uint16_t expected = r->segment_saw_start ? r->segment_first_start : LOG_SEG_NO_RECORD_START;
        if (r->info.ib_first_record != expected)
            return JET_errLogFileCorrupt;
    }
    uint32_t isec = r->have_segment ? (uint32_t)r->segment_isec + 1 : 1;
    if (r->pending_position)
        isec = r->position_isec;
    if (isec >= r->header.csec_file) {
        *status = ADVANCE_FILE_END;
        return JET_errSuccess;
    }
    segment_kind kind;
    segment_info info;
    JET_ERR err = load_segment(r, (uint16_t)isec, &kind, &info);
    if (err != JET_errSuccess)
        return err;
    if (kind != SEGMENT_VALID) {
        r->failed_isec = (uint16_t)isec;
        r->failed_kind = kind;
        *status = ADVANCE_DATA_END;
        return JET_errSuccess;
    }
    r->have_segment = true;
    r->segment_isec = (uint16_t)isec;
    r->info = info;
    r->segment_pos = 0;
    r->segment_saw_start = false;
    r->last_valid_isec = (uint16_t)isec;
    *status = ADVANCE_OK;
    return JET_errSuccess;
}

/* Make sure the current segment has unread data. */
static JET_ERR ensure_data(log_reader *r, advance_status *status)
{
    while (!r->have_segment || r->segment_pos >= r->info.cb_data) {
        JET_ERR err = advance_segment(r, status);
        if (err != JET_errSuccess || *status != ADVANCE_OK)
            return err;
    }
    *status = ADVANCE_OK;
    return JET_errSuccess;
}

/* Copy `cb` bytes of the record stream. */
static JET_ERR pull(log_reader *r, uint8_t *dst, size_t cb, advance_status *status)
{
    while (cb > 0) {
        JET_ERR err = ensure_data(r, status);
        if (err != JET_errSuccess || *status != ADVANCE_OK)
            return err;
        size_t take = (size_t)(r->info.cb_data - r->segment_pos);
        if (take > cb)
            take = cb;
        memcpy(dst, r->segment + LOG_SEGMENT_HEADER_SIZE + r->segment_pos, take);
        r->segment_pos = (uint16_t)(r->segment_pos + take);
        dst += take;
        cb -= take;
    }
    *status = ADVANCE_OK;
    return JET_errSuccess;
}

/* Started in the middle of a generation: skip to the first segment in which a record starts. */
static JET_ERR find_first_record_start(log_reader *r, advance_status *status)
{
    for (;;) {
        JET_ERR err = advance_segment(r, status);
        r->pending_position = false;
        if (err != JET_errSuccess || *status != ADVANCE_OK)
            return err;
        if (r->info.ib_first_record != LOG_SEG_NO_RECORD_START) {
            r->segment_pos = r->info.ib_first_record;
            r->last_end = LOG_LSN(r->generation, r->segment_isec,
                                  LOG_SEGMENT_HEADER_SIZE + r->segment_pos);
            return JET_errSuccess;
        }
        /* wholly the continuation of an earlier record: nothing starts here */
        r->segment_pos = r->info.cb_data;
    }
}

/* ---- the end -------------------------------------------------------------------------------------- */

static JET_ERR fail(log_reader *r, JET_ERR err)
{
    r->state = READER_FAILED;
    r->failure = err;
    return err;
}

/* The data stopped (`status`), between records or, when `mid_record`, inside one. */
static JET_ERR reach_end(log_reader *r, advance_status status, bool mid_record,
                         log_read_result *result)
{
    if (!r->newest)
        return fail(r, JET_errLogFileCorrupt); /* a closed generation stops short of its end */
    bool torn = mid_record;
    uint16_t next_isec = r->header.csec_file;
    if (status == ADVANCE_FILE_END) {
        /* Records never span generations, so a file cannot end inside one. */
        if (mid_record)
            return fail(r, JET_errLogFileCorrupt);
    } else {
        next_isec = r->failed_isec;
        torn = torn || r->failed_kind == SEGMENT_BAD;
        for (uint32_t isec = (uint32_t)r->failed_isec + 1; isec < r->header.csec_file; isec++) {
            segment_kind kind;
            segment_info info;
            JET_ERR err = load_segment(r, (uint16_t)isec, &kind, &info);
            if (err != JET_errSuccess)
                return fail(r, err);
            if (kind == SEGMENT_ZERO)
                continue;
            torn = true;
            if (kind == SEGMENT_VALID && info.isec_unsynced > r->failed_isec)
                return fail(r, JET_errLogFileCorrupt); /* the bad block had been durable */
        }
    }
    r->state = READER_ENDED;
    r->end_result = torn ? LOG_READ_TORN_TAIL : LOG_READ_END;
    r->end = (log_read_end){.end_lsn = r->last_end, .generation = r->generation,
                            .next_isec = next_isec, .torn = torn,
                            .csec_file = r->header.csec_file};
    *result = r->end_result;
    return JET_errSuccess;
}

/* ---- the record loop -------------------------------------------------------------------------------- */

static JET_ERR read_record(log_reader *r, log_record *rec, log_read_result *result)
{
    for (;;) {
        if (!r->newest && r->last_end >= r->pinned_end) {
            JET_ERR err = enter_generation(r, r->generation + 1, true);
            if (err != JET_errSuccess)
                return fail(r, err);
            continue;
        }
        advance_status status;
        JET_ERR err;
        if (r->pending_position) {
            err = find_first_record_start(r, &status);
            if (err != JET_errSuccess)
                return fail(r, err);
            if (status != ADVANCE_OK)
                return reach_end(r, status, false, result);
            continue; /* the pinned end may lie before the first record found */
        }
        err = ensure_data(r, &status);
        if (err != JET_errSuccess)
            return fail(r, err);
        if (status != ADVANCE_OK)
            return reach_end(r, status, false, result);

        log_lsn start = LOG_LSN(r->generation, r->segment_isec,
                                LOG_SEGMENT_HEADER_SIZE + r->segment_pos);
        if (!r->segment_saw_start) {
            r->segment_saw_start = true;
            r->segment_first_start = r->segment_pos;
        }
        uint8_t header[LOG_RECORD_HEADER_SIZE];
        err = pull(r, header, sizeof header, &status);
        if (err != JET_errSuccess)
            return fail(r, err);
        if (status != ADVANCE_OK)
            return reach_end(r, status, true, result);
        uint8_t type = header[0];
        uint32_t cb_payload = ese_load_u32(header + 4);
        uint64_t cb_max = (uint64_t)(r->header.csec_file - 1) * LOG_SEGMENT_DATA_SIZE -
                          LOG_RECORD_HEADER_SIZE;
        if (type == 0 || (header[1] ^ type) != 0xFF || ese_load_u16(header + 2) != 0 ||
            cb_payload > cb_max)
            return fail(r, JET_errLogFileCorrupt);
        if (cb_payload > r->record_capacity) {
            size_t capacity = r->record_capacity ? r->record_capacity : 4096;
            while (capacity < cb_payload)
                capacity *= 2;
            uint8_t *grown = osal_malloc(capacity);
            if (!grown)
                return fail(r, JET_errOutOfMemory);
            osal_free(r->record);
            r->record = grown;
            r->record_capacity = capacity;
        }
        err = pull(r, r->record, cb_payload, &status);
        if (err != JET_errSuccess)
            return fail(r, err);
        if (status != ADVANCE_OK)
            return reach_end(r, status, true, result);
        log_lsn end = LOG_LSN(r->generation, r->segment_isec,
                              LOG_SEGMENT_HEADER_SIZE + r->segment_pos);
        if (!r->newest && end > r->pinned_end)
            return fail(r, JET_errLogFileCorrupt); /* a record across the pinned end */
        *rec = (log_record){.type = type, .payload = r->record, .cb_payload = cb_payload,
                            .lsn_start = start, .lsn_end = end};
        if (r->expect_generation_start) {
            r->expect_generation_start = false;
            log_generation_start gs;
            if (log_decode_generation_start(rec, &gs) != JET_errSuccess ||
                gs.generation != r->generation ||
                gs.previous_generation_end != r->header.previous_generation_end)
                return fail(r, JET_errLogFileCorrupt);
        }
        r->last_end = end;
        if (start < r->start)
            continue;
        *result = LOG_READ_RECORD;
        return JET_errSuccess;
    }
}

/* ---- public ----------------------------------------------------------------------------------------- */

JET_ERR log_reader_open(const char *folder, const char *base, log_lsn start,
                        const ese_signature *sign_log, log_reader **preader)
{
    return log_reader_open_range(folder, base, start, 0, sign_log, preader);
}

JET_ERR log_reader_open_range(const char *folder, const char *base, log_lsn start, int32_t last,
                              const ese_signature *sign_log, log_reader **preader)
{
    if (!folder || !base || strlen(base) != 3 || !preader)
        return JET_errInvalidParameter;
    *preader = NULL;
    log_reader *r = osal_calloc(1, sizeof *r);
    if (!r)
        return JET_errOutOfMemory;
    r->file.fd = -1;
    r->start = start;
    JET_ERR err = JET_errOutOfMemory;
    r->folder = osal_strdup(folder);
    r->base = osal_strdup(base);
    r->chunk = osal_malloc((size_t)READ_CHUNK_SEGMENTS * LOG_SECTOR_SIZE);
    if (!r->folder || !r->base || !r->chunk)
        goto failed;
    if (sign_log) {
        ese_signature_store(r->sign_log, sign_log);
        r->sign_known = !logfile_signature_is_zero(r->sign_log);
    }
    err = logfile_scan_folder(folder, base, &r->scan);
    if (err != JET_errSuccess)
        goto failed;
    if (r->scan.has_current) {
        r->current_exists = true;
        char name[32];
        logfile_current_name(base, name, sizeof name);
        char *path = NULL;
        log_header hdr;
        err = osal_path_join(folder, name, &path);
        if (err != JET_errSuccess)
            goto failed;
        err = logfile_read_header(path, 0, r->sign_known ? r->sign_log : NULL, &hdr, NULL);
        osal_free(path);
        if (err != JET_errSuccess)
            goto failed;
        if (!r->sign_known) {
            memcpy(r->sign_log, hdr.sign_log, ESE_SIGNATURE_SIZE);
            r->sign_known = true;
        }
        r->current_generation = hdr.generation;
        r->newest_generation = hdr.generation;
        if (r->scan.archive_count &&
            r->scan.archives[r->scan.archive_count - 1].generation >= hdr.generation) {
            err = JET_errInvalidLogSequence; /* an archive newer than the current log */
            goto failed;
        }
    } else if (r->scan.archive_count) {
        r->newest_generation = r->scan.archives[r->scan.archive_count - 1].generation;
    } else {
        err = JET_errMissingLogFile;
        goto failed;
    }
    if (last > 0 && last < r->newest_generation)
        r->newest_generation = last; /* read as the newest: nothing after it is needed */
    int32_t oldest = r->scan.archive_count ? r->scan.archives[0].generation
                                           : r->current_generation;
    int32_t first = log_lsn_generation(start) > 0 ? log_lsn_generation(start) : oldest;
    if (first > r->newest_generation) {
        err = JET_errMissingLogFile;
        goto failed;
    }
    for (int32_t g = first; g <= r->newest_generation; g++) {
        if (!(r->current_exists && g == r->current_generation) && !logfile_scan_find(&r->scan, g)) {
            err = JET_errMissingLogFile;
            goto failed;
        }
    }
    err = enter_generation(r, first, false);
    if (err != JET_errSuccess)
        goto failed;
    uint16_t isec = log_lsn_isec(start);
    if (log_lsn_generation(start) == first &&
        (isec > 1 || (isec == 1 && log_lsn_ib(start) > LOG_SEGMENT_HEADER_SIZE))) {
        /* Mid-generation: nothing before the start segment is read. */
        r->pending_position = true;
        r->position_isec = isec;
        r->expect_generation_start = false;
        r->last_end = start;
    }
    r->state = READER_READING;
    *preader = r;
    return JET_errSuccess;
failed:
    log_reader_close(r);
    return err;
}

JET_ERR log_reader_next(log_reader *reader, log_record *rec, log_read_result *result)
{
    if (!reader || !rec || !result)
        return JET_errInvalidParameter;
    switch (reader->state) {
    case READER_FAILED:
        return reader->failure;
    case READER_ENDED:
        *result = reader->end_result;
        return JET_errSuccess;
    default:
        return read_record(reader, rec, result);
    }
}

JET_ERR log_reader_end(log_reader *reader, log_read_end *end)
{
    if (!reader || reader->state != READER_ENDED)
        return JET_errInvalidParameter;
    *end = reader->end;
    return JET_errSuccess;
}

void log_reader_signature(log_reader *reader, ese_signature *sign_log)
{
    ese_signature_load(reader->sign_log, sign_log);
}

void log_reader_close(log_reader *reader)
{
    if (!reader)
        return;
    osal_close(&reader->file);
    logfile_scan_free(&reader->scan);
    osal_free(reader->folder);
    osal_free(reader->base);
    osal_free(reader->chunk);
    osal_free(reader->record);
    osal_free(reader);
}
