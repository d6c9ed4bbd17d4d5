/*
 * log.c -- the log writer: the buffer, group commit, generations and their files.
 *
 * The buffer is a ring of 4 KiB segment images ("slots"), each destined for one (generation,
 * isec).  Appenders copy records into the newest slot under `lock`; a slot is "closed" when it is
 * full or when a durable flush seals it (a slot is written exactly once, so a durable segment is
 * never overwritten and a torn write can only hit data that was never reported durable).
 *
 * One thread at a time owns the I/O (`io_busy`): it takes the run of closed slots at the head of
 * the ring, releases `lock`, stamps their segment headers, writes them (creating the next
 * generation's file first when a slot opens one) and, for a durable flush, fsyncs -- while other
 * threads keep appending into later slots.  Group commit falls out of this: a committer that
 * finds the I/O busy waits on `io_done`; when the running flush ends, those it covered return,
 * and the first one still uncovered becomes the next flusher and takes everything appended in
 * the meantime, so one fsync serves every commit that arrived during the previous one.
 *
 * Records do not span generations: an append that does not fit in the rest of the current
 * generation closes it in memory ("logical roll") and starts the next with a
 * LOG_REC_GENERATION_START record; the files change when the I/O owner reaches that slot
 * ("physical roll", see physical_roll()).
 *
 * The log's file state (`file`, `file_generation`, ...) belongs to the I/O owner; `lock`
 * protects everything else.  Lock order: `lock` before `dir_lock`, and `dir_lock` is never
 * held while waiting for `lock`.  The I/O owner holds neither `lock` nor, except briefly around
 * renames, `dir_lock`.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "logfile.h"
#include "osal_files.h"

#define DEFAULT_BUFFER_KIB 1024u
#define MIN_BUFFER_KIB 16u
#define ZERO_FILL_CHUNK (256u * 1024u)

/* Zeros for pre-filling new log files (never written to). */
static uint8_t g_zeros[ZERO_FILL_CHUNK];

typedef struct {
    int32_t generation;
    uint16_t isec;
    uint16_t cb_data;
    uint16_t ib_first_record;
    bool closed;
    bool opens_generation;            /* create this generation's file before writing */
    log_lsn previous_generation_end;  /* opens_generation: pinned in the new header */
    uint8_t tm_create[ESE_LOGTIME_SIZE]; /* opens_generation: the new file's tmCreate */
} log_slot;

struct ese_log {
    /* configuration, fixed after log_open */
    char *folder;
    char base[4];
    char *current_path;
    char *tmp_path;
    uint16_t csec_file;
    uint16_t page_size;
    bool circular;
    uint8_t sign_log[ESE_SIGNATURE_SIZE];

    pthread_mutex_t lock;
    pthread_cond_t io_done;       /* io_busy went false (or the log died) */
    pthread_cond_t appender_free; /* appender_busy went false */

    /* under lock */
    uint8_t *ring;
    log_slot *slots;
    uint32_t slot_count;
    uint32_t head, used;          /* unwritten slots: head .. head + used - 1 (mod slot_count) */
    bool current_open;            /* the newest slot still accepts bytes */
    int32_t append_generation;
    uint32_t next_isec;           /* isec the next new slot gets */
    bool pending_generation_open; /* the next new slot opens append_generation */
    log_lsn pending_previous_end;
    uint8_t pending_tm_create[ESE_LOGTIME_SIZE];
    log_lsn append_end;           /* just past the last complete record */
    log_lsn durable_lsn;
    bool appender_busy;           /* an append waits for buffer space in mid-record */
    bool io_busy;
    bool dead;
    log_lsn checkpoint;
    int32_t published_file_generation; /* generation of <base>.log, for folder queries */
    log_stats stats;

    /* under lock: the databases attached now (an ATTACH appended and no DETACH since), as
     * their ATTACH payloads with LOG_DATABASE_REF_CARRIED set.  logical_roll_locked repeats
     * them right after every GENERATION_START, so a replay starting anywhere in a generation
     * (from a checkpoint, or a backup's first generation) learns every database it needs from
     * that generation alone (libese DESIGN.md, "Checkpoints"). */
    uint8_t *attached[256];
    uint32_t cb_attached[256];
    uint64_t cb_carried;          /* framed bytes of those records */

    atomic_uint pause_count;      /* circular deletion suspended while > 0 */
    pthread_mutex_t dir_lock;     /* folder changes: renames of a roll vs. deletions */

    /* owned by the I/O owner (io_busy), or by log_open / log_close */
    osal_file file;               /* <base>.log, locked; fd -1 when none is open */
    bool file_is_current;         /* `file` is <base>.log (renamed away at the next roll) */
    int32_t file_generation;      /* generation of `file` or of the newest archive; 0 = none */
    uint8_t file_tm_create[ESE_LOGTIME_SIZE];
    uint16_t file_unsynced_first; /* first segment of `file` not known to be fsynced */
    uint16_t file_unwritten_first; /* first segment of `file` not yet written */
};

/* Counters the I/O owner gathers without the lock and adds to log->stats under it. */
typedef struct {
    uint64_t fsyncs, segment_writes, rolls;
} io_counts;

static uint64_t record_capacity_of_empty_generation(uint16_t csec_file)
{
    return (uint64_t)(csec_file - 1) * LOG_SEGMENT_DATA_SIZE -
           (LOG_RECORD_HEADER_SIZE + LOG_GENERATION_START_SIZE);
}

/* ---- files and the physical roll ------------------------------------------------------------------ */

/* Delete closed generations below `limit` (dir_lock NOT held by the caller). */
static JET_ERR delete_below(ese_log *log, int32_t limit, uint32_t *pdeleted)
{
    uint32_t deleted = 0;
    pthread_mutex_lock(&log->dir_lock);
    log_folder_scan scan;
    JET_ERR err = logfile_scan_folder(log->folder, log->base, &scan);
    for (size_t i = 0; err == JET_errSuccess && i < scan.archive_count; i++) {
        if (scan.archives[i].generation >= limit)
            break;
        char *path = NULL;
        err = osal_path_join(log->folder, scan.archives[i].name, &path);
        if (err != JET_errSuccess)
            break;
        err = osal_unlink(path);
        osal_free(path);
        if (err == JET_errFileNotFound)
            err = JET_errSuccess; /* gone already: nothing to do */
        else if (err == JET_errSuccess)
            deleted++;
    }
    if (deleted && err == JET_errSuccess)
        err = osal_sync_directory(log->folder);
    logfile_scan_free(&scan);
    pthread_mutex_unlock(&log->dir_lock);
    if (pdeleted)
        *pdeleted = deleted;
    return err;
}

/* Create <base>tmp.log for `generation`: header, zeros to full size, fsync.  The new file is
 * locked before it becomes <base>.log, so a second opener finds it busy. */
static JET_ERR create_generation_file(ese_log *log, const log_header *hdr, osal_file *pfile,
                                      io_counts *counts)
{
    JET_ERR err = osal_unlink(log->tmp_path);
    if (err != JET_errSuccess && err != JET_errFileNotFound)
        return err;
    osal_file file = {.fd = -1};
    err = osal_open(log->tmp_path, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE |
                                       OSAL_OPEN_EXCL, &file);
    if (err != JET_errSuccess)
        return err == JET_errFileAlreadyExists ? JET_errLogFilePathInUse : err;
    err = osal_lock_exclusive(&file);
    if (err == JET_errFileAccessDenied)
        err = JET_errLogFilePathInUse;
    uint8_t header[LOG_SECTOR_SIZE];
    logfile_build_header(header, hdr);
    if (err == JET_errSuccess)
        err = osal_files_write_at(&file, header, sizeof header, 0);
    uint64_t cb_total = (uint64_t)hdr->csec_file * LOG_SECTOR_SIZE;
    for (uint64_t offset = LOG_SECTOR_SIZE; err == JET_errSuccess && offset < cb_total;) {
        size_t cb = cb_total - offset < ZERO_FILL_CHUNK ? (size_t)(cb_total - offset)
                                                        : ZERO_FILL_CHUNK;
        err = osal_files_write_at(&file, g_zeros, cb, offset);
        offset += cb;
    }
    if (err == JET_errSuccess) {
        err = osal_files_sync(&file);
        counts->fsyncs++;
    }
    if (err != JET_errSuccess) {
        osal_close(&file);
        osal_unlink(log->tmp_path);
        return err;
    }
    *pfile = file;
    return JET_errSuccess;
}

/* Start generation `slot->generation` on disk: fsync the current file (everything of the old
 * generation is written by now), prepare the new file as <base>tmp.log, rename <base>.log to its
 * archived name, rename the tmp file to <base>.log, fsyncing the folder after each rename.  A
 * crash anywhere leaves either the old current log (plus perhaps a tmp to discard) or the old
 * generation archived plus a complete tmp, which log_open turns into the next generation. */
static JET_ERR physical_roll(ese_log *log, const log_slot *slot, log_lsn checkpoint,
                             bool circular_delete, io_counts *counts)
{
    JET_ERR err;
    if (log->file.fd >= 0) {
        err = osal_files_sync(&log->file);
        counts->fsyncs++;
        if (err != JET_errSuccess)
            return err;
    }
    log_header hdr = {
        .generation = slot->generation,
        .csec_file = log->csec_file,
        .page_size = log->page_size,
        .flags = log->circular ? LOG_FLAG_CIRCULAR : 0,
        .checkpoint = checkpoint,
        .previous_generation_end = slot->previous_generation_end,
    };
    memcpy(hdr.tm_create, slot->tm_create, ESE_LOGTIME_SIZE);
    if (log->file_generation)
        memcpy(hdr.tm_prev_gen, log->file_tm_create, ESE_LOGTIME_SIZE);
    memcpy(hdr.sign_log, log->sign_log, ESE_SIGNATURE_SIZE);
    osal_file new_file = {.fd = -1};
    err = create_generation_file(log, &hdr, &new_file, counts);
    if (err != JET_errSuccess)
        return err;

    pthread_mutex_lock(&log->dir_lock);
    if (log->file_is_current) {
        char name[32];
        char *archive = NULL;
        log_archive_name(log->base, log->file_generation, name, sizeof name);
        err = osal_path_join(log->folder, name, &archive);
        if (err == JET_errSuccess)
            err = osal_rename(log->current_path, archive);
        osal_free(archive);
        if (err == JET_errSuccess) {
            err = osal_sync_directory(log->folder);
            counts->fsyncs++;
        }
    }
    if (err == JET_errSuccess)
        err = osal_rename(log->tmp_path, log->current_path);
    if (err == JET_errSuccess) {
        err = osal_sync_directory(log->folder);
        counts->fsyncs++;
    }
    pthread_mutex_unlock(&log->dir_lock);
    if (err != JET_errSuccess) {
        osal_close(&new_file);
        return err;
    }
    osal_close(&log->file);
    log->file = new_file;
    log->file_is_current = true;
    log->file_generation = slot->generation;
    memcpy(log->file_tm_create, slot->tm_create, ESE_LOGTIME_SIZE);
    log->file_unsynced_first = 1;
    log->file_unwritten_first = 1;
    counts->rolls++;
    if (circular_delete && log_lsn_generation(checkpoint) > 0)
        delete_below(log, log_lsn_generation(checkpoint), NULL); /* best effort: the log goes on */
    return JET_errSuccess;
}

/* Write `count` closed slots starting at ring index `first` (I/O owner, lock not held). */
static JET_ERR write_slots(ese_log *log, uint32_t first, uint32_t count, log_lsn checkpoint,
                           bool circular_delete, io_counts *counts)
{
    uint32_t done = 0;
    while (done < count) {
        uint32_t index = (first + done) % log->slot_count;
        const log_slot *slot = &log->slots[index];
        if (slot->opens_generation) {
            JET_ERR err = physical_roll(log, slot, checkpoint, circular_delete, counts);
            if (err != JET_errSuccess)
                return err;
        }
        /* One write for each run of slots adjacent both in memory and in the file. */
        uint32_t run = 1;
        while (done + run < count && index + run < log->slot_count) {
            const log_slot *next = &log->slots[index + run];
            if (next->opens_generation || next->generation != slot->generation ||
                next->isec != slot->isec + run)
                break;
            run++;
        }
        for (uint32_t k = 0; k < run; k++) {
            const log_slot *s = &log->slots[index + k];
            logfile_stamp_segment(log->ring + (size_t)(index + k) * LOG_SECTOR_SIZE,
                                  s->generation, s->isec, s->cb_data, s->ib_first_record,
                                  log->file_unsynced_first);
        }
        JET_ERR err = osal_files_write_at(&log->file, log->ring + (size_t)index * LOG_SECTOR_SIZE,
                                          (size_t)run * LOG_SECTOR_SIZE,
                                          (uint64_t)slot->isec * LOG_SECTOR_SIZE);
        if (err != JET_errSuccess)
            return err;
        counts->segment_writes += run;
        log->file_unwritten_first = (uint16_t)(slot->isec + run);
        done += run;
    }
    return JET_errSuccess;
}

/* Become the I/O owner and write the closed slots at the head of the ring, then fsync when
 * `sync`.  Called and returns with `lock` held and io_busy false; releases `lock` meanwhile.
 * A failure kills the log. */
static JET_ERR io_locked(ese_log *log, bool sync)
{
    log->io_busy = true;
    uint32_t count = 0;
    while (count < log->used && log->slots[(log->head + count) % log->slot_count].closed)
        count++;
    uint32_t first = log->head;
    log_lsn target = log->append_end;
    log_lsn checkpoint = log->checkpoint;
    bool circular_delete = log->circular && atomic_load(&log->pause_count) == 0;
    pthread_mutex_unlock(&log->lock);

    io_counts counts = {0};
    JET_ERR err = write_slots(log, first, count, checkpoint, circular_delete, &counts);
    if (err == JET_errSuccess && sync && log->file.fd >= 0) {
        err = osal_files_sync(&log->file);
        counts.fsyncs++;
        if (err == JET_errSuccess)
            log->file_unsynced_first = log->file_unwritten_first;
    }

    pthread_mutex_lock(&log->lock);
    log->stats.fsyncs += counts.fsyncs;
    log->stats.segment_writes += counts.segment_writes;
    log->stats.rolls += counts.rolls;
    log->published_file_generation = log->file_generation;
    log->io_busy = false;
    if (err != JET_errSuccess) {
        log->dead = true;
        err = logfile_write_error(err);
    } else {
        log->head = (log->head + count) % log->slot_count;
        log->used -= count;
        if (sync) {
            log->stats.flushes++;
            if (target > log->durable_lsn)
                log->durable_lsn = target;
        }
    }
    pthread_cond_broadcast(&log->io_done);
    pthread_cond_broadcast(&log->appender_free);
    return err;
}

/* ---- appending -------------------------------------------------------------------------------------- */

/* Take a fresh slot for append_generation / next_isec, writing out the ring when it is full. */
static JET_ERR new_slot_locked(ese_log *log)
{
    while (log->used == log->slot_count) {
        /* Full: every slot is closed.  Other appenders must not slip into the middle of the
         * record being copied while the lock is released. */
        log->appender_busy = true;
        if (log->dead)
            return JET_errLogWriteFail;
        if (log->io_busy) {
            pthread_cond_wait(&log->io_done, &log->lock);
            continue;
        }
        JET_ERR err = io_locked(log, false);
        if (err != JET_errSuccess)
            return err;
    }
    uint32_t index = (log->head + log->used) % log->slot_count;
    log->used++;
    log_slot *slot = &log->slots[index];
    *slot = (log_slot){.generation = log->append_generation, .isec = (uint16_t)log->next_isec++,
                       .ib_first_record = LOG_SEG_NO_RECORD_START};
    if (log->pending_generation_open) {
        slot->opens_generation = true;
        slot->previous_generation_end = log->pending_previous_end;
        memcpy(slot->tm_create, log->pending_tm_create, ESE_LOGTIME_SIZE);
        log->pending_generation_open = false;
    }
    memset(log->ring + (size_t)index * LOG_SECTOR_SIZE, 0, LOG_SECTOR_SIZE);
    log->current_open = true;
    return JET_errSuccess;
}

static log_slot *current_slot(ese_log *log)
{
    return &log->slots[(log->head + log->used - 1) % log->slot_count];
}

/* Copy bytes of the record stream into the ring.  `*record_start` (when not NULL) receives the
 * position of the first byte, and that slot notes that a record starts there. */
static JET_ERR copy_locked(ese_log *log, const uint8_t *src, size_t cb, log_lsn *record_start)
{
    while (cb > 0) {
        if (!log->current_open || current_slot(log)->cb_data == LOG_SEGMENT_DATA_SIZE) {
            if (log->current_open) {
                current_slot(log)->closed = true;
                log->current_open = false;
            }
            JET_ERR err = new_slot_locked(log);
            if (err != JET_errSuccess)
                return err;
        }
        log_slot *slot = current_slot(log);
        if (record_start) {
            if (slot->ib_first_record == LOG_SEG_NO_RECORD_START)
                slot->ib_first_record = slot->cb_data;
            *record_start = LOG_LSN(slot->generation, slot->isec,
                                    LOG_SEGMENT_HEADER_SIZE + slot->cb_data);
            record_start = NULL;
        }
        size_t take = LOG_SEGMENT_DATA_SIZE - slot->cb_data;
        if (take > cb)
            take = cb;
        uint32_t index = (log->head + log->used - 1) % log->slot_count;
        memcpy(log->ring + (size_t)index * LOG_SECTOR_SIZE + LOG_SEGMENT_HEADER_SIZE +
                   slot->cb_data,
               src, take);
        slot->cb_data = (uint16_t)(slot->cb_data + take);
        src += take;
        cb -= take;
    }
    return JET_errSuccess;
}

/* Append one framed record (fits in the current generation: checked by the caller). */
static JET_ERR append_record_locked(ese_log *log, uint8_t type, const log_part *parts,
                                    size_t part_count, uint32_t cb_payload, log_lsn *lsn_start,
                                    log_lsn *lsn_end)
{
    uint8_t header[LOG_RECORD_HEADER_SIZE] = {type, (uint8_t)(0xFFu ^ type), 0, 0};
    ese_store_u32(header + 4, cb_payload);
    log_lsn start = 0;
    JET_ERR err = copy_locked(log, header, sizeof header, &start);
    for (size_t i = 0; err == JET_errSuccess && i < part_count; i++)
        err = copy_locked(log, parts[i].data, parts[i].cb, NULL);
    if (err != JET_errSuccess)
        return err;
    const log_slot *slot = current_slot(log);
    log->append_end = LOG_LSN(slot->generation, slot->isec, LOG_SEGMENT_HEADER_SIZE + slot->cb_data);
    log->stats.appends++;
    log->stats.bytes_appended += LOG_RECORD_HEADER_SIZE + cb_payload;
    if (lsn_start)
        *lsn_start = start;
    if (lsn_end)
        *lsn_end = log->append_end;
    return JET_errSuccess;
}

static JET_ERR append_generation_start_locked(ese_log *log, log_lsn previous_end,
                                              const uint8_t *tm_create)
{
    uint8_t payload[LOG_GENERATION_START_SIZE] = {0};
    ese_store_u32(payload, (uint32_t)log->append_generation);
    ese_lgpos pos = log_lsn_to_lgpos(previous_end);
    ese_lgpos_store(payload + 8, &pos);
    memcpy(payload + 16, tm_create, ESE_LOGTIME_SIZE);
    log_part part = {payload, sizeof payload};
    return append_record_locked(log, LOG_REC_GENERATION_START, &part, 1, sizeof payload, NULL,
                                NULL);
}

/* The carried ATTACH records may take at most a quarter of a generation, so every new
 * generation has room for them and most of its space is left for other records (a record
 * too large for what remains after them fails with JET_errLogBufferTooSmall). */
static uint64_t carried_limit(const ese_log *log)
{
    return record_capacity_of_empty_generation(log->csec_file) / 4;
}

/* Repeat the ATTACH of every database attached now (right after a GENERATION_START). */
static JET_ERR append_carried_attachments_locked(ese_log *log)
{
    JET_ERR err = JET_errSuccess;
    for (size_t dbid = 0; dbid < 256 && err == JET_errSuccess; dbid++) {
        if (!log->attached[dbid])
            continue;
        log_part part = {log->attached[dbid], log->cb_attached[dbid]};
        err = append_record_locked(log, LOG_REC_ATTACH_DB, &part, 1, log->cb_attached[dbid],
                                   NULL, NULL);
    }
    return err;
}

/* Close the current generation in memory and open the next one with its start record. */
static JET_ERR logical_roll_locked(ese_log *log)
{
    if (log->append_generation >= LOG_GENERATION_MAX)
        return JET_errLogSequenceEnd;
    if (log->current_open) {
        current_slot(log)->closed = true;
        log->current_open = false;
    }
    log_lsn previous_end = log->append_end;
    log->append_generation++;
    log->next_isec = 1;
    log->pending_generation_open = true;
    log->pending_previous_end = previous_end;
    ese_logtime now;
    logfile_now(&now);
    ese_logtime_store(log->pending_tm_create, &now);
    JET_ERR err = append_generation_start_locked(log, previous_end, log->pending_tm_create);
    if (err == JET_errSuccess)
        err = append_carried_attachments_locked(log);
    return err;
}

static uint64_t room_in_generation_locked(ese_log *log)
{
    uint64_t room = 0;
    if (log->current_open)
        room += LOG_SEGMENT_DATA_SIZE - current_slot(log)->cb_data;
    if (log->next_isec < log->csec_file)
        room += (uint64_t)(log->csec_file - log->next_isec) * LOG_SEGMENT_DATA_SIZE;
    return room;
}

/* Wait until no other append is parked in mid-record. */
static void wait_for_appender_locked(ese_log *log)
{
    while (log->appender_busy && !log->dead)
        pthread_cond_wait(&log->appender_free, &log->lock);
}

static void release_appender_locked(ese_log *log)
{
    if (log->appender_busy) {
        log->appender_busy = false;
        pthread_cond_broadcast(&log->appender_free);
    }
}

JET_ERR log_appendv(ese_log *log, uint8_t type, const log_part *parts, size_t part_count,
                    log_lsn *lsn_start, log_lsn *lsn_end)
{
    if (!log || type == 0 || (part_count && !parts))
        return JET_errInvalidParameter;
    uint64_t cb_payload = 0;
    for (size_t i = 0; i < part_count; i++) {
        if (parts[i].cb && !parts[i].data)
            return JET_errInvalidParameter;
        cb_payload += parts[i].cb;
    }
    if (cb_payload + LOG_RECORD_HEADER_SIZE > record_capacity_of_empty_generation(log->csec_file))
        return JET_errLogBufferTooSmall;
    /* An ATTACH / DETACH also changes the set of attached databases the log carries from
     * generation to generation: gather an ATTACH's payload now, outside the lock. */
    uint8_t *carried = NULL;
    int dbid = -1;
    if ((type == LOG_REC_ATTACH_DB || type == LOG_REC_DETACH_DB) &&
        cb_payload >= LOG_DATABASE_REF_HEADER_SIZE && parts[0].cb > 0) {
        dbid = ((const uint8_t *)parts[0].data)[0];
        if (type == LOG_REC_ATTACH_DB) {
            if (!(carried = osal_malloc((size_t)cb_payload)))
                return JET_errOutOfMemory;
            size_t at = 0;
            for (size_t i = 0; i < part_count; i++) {
                memcpy(carried + at, parts[i].data, parts[i].cb);
                at += parts[i].cb;
            }
            carried[1] |= LOG_DATABASE_REF_CARRIED;
        }
    }
    pthread_mutex_lock(&log->lock);
    wait_for_appender_locked(log);
    JET_ERR err = JET_errLogWriteFail;
    if (!log->dead) {
        err = JET_errSuccess;
        uint64_t framed = LOG_RECORD_HEADER_SIZE + cb_payload;
        if (carried) {
            uint64_t replaced = log->attached[dbid] ? LOG_RECORD_HEADER_SIZE +
                                                          log->cb_attached[dbid] : 0;
            if (log->cb_carried - replaced + framed > carried_limit(log))
                err = JET_errTooManyAttachedDatabases; /* their ATTACHes would not fit a
                                                          generation's start */
        }
        if (err == JET_errSuccess && framed > room_in_generation_locked(log)) {
            err = logical_roll_locked(log);
            /* The new generation starts with the carried ATTACHes: it may still be short. */
            if (err == JET_errSuccess && framed > room_in_generation_locked(log))
                err = JET_errLogBufferTooSmall;
        }
        if (err == JET_errSuccess)
            err = append_record_locked(log, type, parts, part_count, (uint32_t)cb_payload,
                                       lsn_start, lsn_end);
        if (err == JET_errSuccess && dbid >= 0) {
            if (log->attached[dbid]) {
                log->cb_carried -= LOG_RECORD_HEADER_SIZE + log->cb_attached[dbid];
                osal_free(log->attached[dbid]);
            }
            log->attached[dbid] = carried; /* NULL after a DETACH */
            log->cb_attached[dbid] = carried ? (uint32_t)cb_payload : 0;
            if (carried)
                log->cb_carried += framed;
            carried = NULL;
        }
    }
    release_appender_locked(log);
    pthread_mutex_unlock(&log->lock);
    osal_free(carried);
    return err;
}

JET_ERR log_append(ese_log *log, uint8_t type, const void *payload, size_t cb_payload,
                   log_lsn *lsn_end)
{
    log_part part = {payload, cb_payload};
    return log_appendv(log, type, &part, cb_payload ? 1 : 0, NULL, lsn_end);
}

/* ---- flushing -------------------------------------------------------------------------------------- */

static JET_ERR flush_locked(ese_log *log, log_lsn lsn)
{
    if (lsn > log->append_end)
        lsn = log->append_end; /* "everything appended so far" */
    for (;;) {
        if (log->dead)
            return JET_errLogWriteFail;
        if (log->durable_lsn >= lsn)
            return JET_errSuccess;
        if (log->io_busy) {
            pthread_cond_wait(&log->io_done, &log->lock);
            continue;
        }
        /* Seal the slot being filled: it is written now and never again. */
        if (log->current_open) {
            current_slot(log)->closed = true;
            log->current_open = false;
        }
        JET_ERR err = io_locked(log, true);
        if (err != JET_errSuccess)
            return err;
    }
}

JET_ERR log_flush(ese_log *log, log_lsn lsn)
{
    if (!log)
        return JET_errInvalidParameter;
    pthread_mutex_lock(&log->lock);
    JET_ERR err = flush_locked(log, lsn);
    pthread_mutex_unlock(&log->lock);
    return err;
}

log_lsn log_durable_lsn(ese_log *log)
{
    pthread_mutex_lock(&log->lock);
    log_lsn lsn = log->durable_lsn;
    pthread_mutex_unlock(&log->lock);
    return lsn;
}

log_lsn log_append_end_lsn(ese_log *log)
{
    pthread_mutex_lock(&log->lock);
    log_lsn lsn = log->append_end;
    pthread_mutex_unlock(&log->lock);
    return lsn;
}

JET_ERR log_roll(ese_log *log, int32_t *new_generation)
{
    if (!log)
        return JET_errInvalidParameter;
    pthread_mutex_lock(&log->lock);
    wait_for_appender_locked(log);
    JET_ERR err = log->dead ? JET_errLogWriteFail : logical_roll_locked(log);
    int32_t generation = log->append_generation;
    log_lsn target = log->append_end;
    release_appender_locked(log);
    if (err == JET_errSuccess)
        err = flush_locked(log, target);
    pthread_mutex_unlock(&log->lock);
    if (err == JET_errSuccess && new_generation)
        *new_generation = generation;
    return err;
}

/* ---- generations and the folder ------------------------------------------------------------------- */

int32_t log_current_generation(ese_log *log)
{
    pthread_mutex_lock(&log->lock);
    int32_t generation = log->append_generation;
    pthread_mutex_unlock(&log->lock);
    return generation;
}

void log_fail(ese_log *log)
{
    if (!log)
        return;
    pthread_mutex_lock(&log->lock);
    log->dead = true;
    pthread_cond_broadcast(&log->io_done);
    pthread_cond_broadcast(&log->appender_free);
    pthread_mutex_unlock(&log->lock);
}

bool log_is_dead(ese_log *log)
{
    pthread_mutex_lock(&log->lock);
    bool dead = log->dead;
    pthread_mutex_unlock(&log->lock);
    return dead;
}

JET_ERR log_oldest_generation(ese_log *log, int32_t *generation)
{
    if (!log || !generation)
        return JET_errInvalidParameter;
    pthread_mutex_lock(&log->lock);
    int32_t current = log->published_file_generation;
    pthread_mutex_unlock(&log->lock);
    pthread_mutex_lock(&log->dir_lock);
    log_folder_scan scan;
    JET_ERR err = logfile_scan_folder(log->folder, log->base, &scan);
    if (err == JET_errSuccess) {
        *generation = scan.archive_count && scan.archives[0].generation < current
                          ? scan.archives[0].generation
                          : current;
        logfile_scan_free(&scan);
    }
    pthread_mutex_unlock(&log->dir_lock);
    return err;
}

void log_set_checkpoint(ese_log *log, log_lsn checkpoint)
{
    pthread_mutex_lock(&log->lock);
    if (checkpoint > log->checkpoint)
        log->checkpoint = checkpoint;
    pthread_mutex_unlock(&log->lock);
}

JET_ERR log_delete_generations_below(ese_log *log, int32_t generation, log_delete_reason reason,
                                     uint32_t *deleted)
{
    if (deleted)
        *deleted = 0;
    if (!log)
        return JET_errInvalidParameter;
    if (reason == LOG_DELETE_CIRCULAR && atomic_load(&log->pause_count) > 0)
        return JET_errSuccess;
    pthread_mutex_lock(&log->lock);
    int32_t current = log->published_file_generation;
    pthread_mutex_unlock(&log->lock);
    /* Never the current log: archives are always older than it, but be explicit. */
    return delete_below(log, generation < current ? generation : current, deleted);
}

void log_pause_deletion(ese_log *log)
{
    atomic_fetch_add(&log->pause_count, 1);
}

void log_resume_deletion(ese_log *log)
{
    unsigned expected = atomic_load(&log->pause_count);
    while (expected > 0 && !atomic_compare_exchange_weak(&log->pause_count, &expected, expected - 1)) {
    }
}

void log_signature(ese_log *log, ese_signature *sign_log)
{
    ese_signature_load(log->sign_log, sign_log);
}

JET_ERR log_archive_path(ese_log *log, int32_t generation, char **ppath)
{
    char name[32];
    if (!log || !ppath || !log_archive_name(log->base, generation, name, sizeof name))
        return JET_errInvalidParameter;
    return osal_path_join(log->folder, name, ppath);
}

void log_get_stats(ese_log *log, log_stats *stats)
{
    pthread_mutex_lock(&log->lock);
    *stats = log->stats;
    pthread_mutex_unlock(&log->lock);
}

/* ---- open and close -------------------------------------------------------------------------------- */

static void destroy(ese_log *log)
{
    osal_close(&log->file);
    pthread_mutex_destroy(&log->lock);
    pthread_mutex_destroy(&log->dir_lock);
    pthread_cond_destroy(&log->io_done);
    pthread_cond_destroy(&log->appender_free);
    osal_free(log->ring);
    osal_free(log->slots);
    osal_free(log->folder);
    osal_free(log->current_path);
    osal_free(log->tmp_path);
    for (size_t dbid = 0; dbid < 256; dbid++)
        osal_free(log->attached[dbid]);
    osal_free(log);
}

static JET_ERR validate_config(const log_config *config, uint16_t *csec_file, uint32_t *slots)
{
    if (!config || !config->folder || !config->base_name || strlen(config->base_name) != 3)
        return JET_errInvalidParameter;
    uint64_t cb_file = (uint64_t)config->file_size_kib * 1024;
    if (cb_file % LOG_SECTOR_SIZE || cb_file / LOG_SECTOR_SIZE < LOG_MIN_FILE_SECTORS ||
        cb_file / LOG_SECTOR_SIZE > LOG_MAX_FILE_SECTORS)
        return JET_errInvalidParameter;
    if (config->page_size != 0 && !ese_page_size_valid(config->page_size))
        return JET_errInvalidParameter;
    if (config->first_generation < 0 || config->first_generation > LOG_GENERATION_MAX)
        return JET_errInvalidParameter;
    uint32_t buffer_kib = config->buffer_kib ? config->buffer_kib : DEFAULT_BUFFER_KIB;
    if (buffer_kib < MIN_BUFFER_KIB || buffer_kib > 1024u * 1024u)
        return JET_errInvalidParameter;
    *csec_file = (uint16_t)(cb_file / LOG_SECTOR_SIZE);
    *slots = buffer_kib / (LOG_SECTOR_SIZE / 1024);
    return JET_errSuccess;
}

/* Open `path` for writing and lock it; JET_errLogFilePathInUse when another log holds it (or
 * it was renamed away under us, i.e. another log is rolling right now). */
static JET_ERR open_locked_file(const char *path, osal_file *file)
{
    JET_ERR err = osal_open(path, OSAL_OPEN_READ | OSAL_OPEN_WRITE, file);
    if (err != JET_errSuccess)
        return err;
    err = osal_lock_exclusive(file);
    bool same = false;
    if (err == JET_errSuccess)
        err = osal_is_same_file(file, path, &same);
    if (err == JET_errSuccess && !same)
        err = JET_errLogFilePathInUse;
    if (err == JET_errFileAccessDenied)
        err = JET_errLogFilePathInUse;
    if (err != JET_errSuccess)
        osal_close(file);
    return err;
}

/* A leftover <base>tmp.log: discard it, unless another log is preparing it right now. */
static JET_ERR discard_tmp(ese_log *log)
{
    osal_file tmp = {.fd = -1};
    JET_ERR err = open_locked_file(log->tmp_path, &tmp);
    if (err == JET_errFileNotFound)
        return JET_errSuccess;
    if (err != JET_errSuccess)
        return err;
    err = osal_unlink(log->tmp_path);
    osal_close(&tmp);
    return err == JET_errFileNotFound ? JET_errSuccess : err;
}

/* Read the newest generation to its end. */
static JET_ERR scan_to_end(ese_log *log, int32_t generation, log_read_end *end)
{
    ese_signature sign;
    ese_signature_load(log->sign_log, &sign);
    log_reader *reader = NULL;
    JET_ERR err = log_reader_open(log->folder, log->base, LOG_LSN(generation, 0, 0), &sign, &reader);
    if (err != JET_errSuccess)
        return err;
    log_record rec;
    log_read_result result = LOG_READ_RECORD;
    while (err == JET_errSuccess && result == LOG_READ_RECORD)
        err = log_reader_next(reader, &rec, &result);
    if (err == JET_errSuccess)
        err = log_reader_end(reader, end);
    log_reader_close(reader);
    return err;
}

/* Existing logs with a current file: continue in it, or roll past a torn tail. */
static JET_ERR open_existing(ese_log *log, const log_folder_scan *scan)
{
    JET_ERR err = open_locked_file(log->current_path, &log->file);
    if (err != JET_errSuccess)
        return err == JET_errFileNotFound ? JET_errMissingLogFile : err;
    log->file_is_current = true;
    log_header hdr;
    bool adopt = logfile_signature_is_zero(log->sign_log);
    err = logfile_read_header(log->current_path, 0, adopt ? NULL : log->sign_log, &hdr, NULL);
    if (err != JET_errSuccess)
        return err;
    if (adopt)
        memcpy(log->sign_log, hdr.sign_log, ESE_SIGNATURE_SIZE);
    if (scan->archive_count && scan->archives[scan->archive_count - 1].generation >= hdr.generation)
        return JET_errInvalidLogSequence;
    if (scan->has_tmp && (err = discard_tmp(log)) != JET_errSuccess)
        return err;
    log_read_end end;
    err = scan_to_end(log, hdr.generation, &end);
    if (err != JET_errSuccess)
        return err;
    /* Whatever the previous run wrote and we just read must be durable before anything is
     * written after it. */
    err = osal_files_sync(&log->file);
    log->stats.fsyncs++;
    if (err != JET_errSuccess)
        return logfile_write_error(err);
    log->file_generation = hdr.generation;
    memcpy(log->file_tm_create, hdr.tm_create, ESE_LOGTIME_SIZE);
    log->append_generation = hdr.generation;
    log->append_end = end.end_lsn;
    log->durable_lsn = end.end_lsn;
    log->next_isec = end.next_isec;
    log->file_unsynced_first = end.next_isec;
    log->file_unwritten_first = end.next_isec;
    if (end.torn || hdr.csec_file != log->csec_file) {
        /* Never write after a torn tail (its remains could be mistaken for data): continue in a
         * new generation whose header pins where this one ends. */
        log->next_isec = log->csec_file; /* nothing more goes into this file */
        return logical_roll_locked(log);
    }
    if (end.end_lsn == LOG_LSN(hdr.generation, 1, LOG_SEGMENT_HEADER_SIZE))
        return append_generation_start_locked(log, hdr.previous_generation_end, hdr.tm_create);
    return JET_errSuccess;
}

/* No current file but archives and a tmp: a roll was cut short after archiving; finish it. */
static JET_ERR open_after_interrupted_roll(ese_log *log, const log_folder_scan *scan)
{
    int32_t newest = scan->archives[scan->archive_count - 1].generation;
    JET_ERR err = discard_tmp(log);
    if (err != JET_errSuccess)
        return err;
    log_header hdr;
    char *path = NULL;
    err = osal_path_join(log->folder, scan->archives[scan->archive_count - 1].name, &path);
    if (err != JET_errSuccess)
        return err;
    bool adopt = logfile_signature_is_zero(log->sign_log);
    err = logfile_read_header(path, newest, adopt ? NULL : log->sign_log, &hdr, NULL);
    osal_free(path);
    if (err != JET_errSuccess)
        return err;
    if (adopt)
        memcpy(log->sign_log, hdr.sign_log, ESE_SIGNATURE_SIZE);
    log_read_end end;
    err = scan_to_end(log, newest, &end);
    if (err != JET_errSuccess)
        return err;
    log->file_is_current = false; /* already archived */
    log->file_generation = newest;
    memcpy(log->file_tm_create, hdr.tm_create, ESE_LOGTIME_SIZE);
    log->append_generation = newest;
    log->append_end = end.end_lsn;
    log->durable_lsn = end.end_lsn;
    log->next_isec = log->csec_file;
    return logical_roll_locked(log);
}

JET_ERR log_open(const log_config *config, ese_log **plog)
{
    uint16_t csec_file;
    uint32_t slot_count;
    if (!plog)
        return JET_errInvalidParameter;
    *plog = NULL;
    JET_ERR err = validate_config(config, &csec_file, &slot_count);
    if (err != JET_errSuccess)
        return err;
    err = osal_ensure_directory(config->folder, 0);
    if (err != JET_errSuccess)
        return err;
    ese_log *log = osal_calloc(1, sizeof *log);
    if (!log)
        return JET_errOutOfMemory;
    log->file.fd = -1;
    pthread_mutex_init(&log->lock, NULL);
    pthread_mutex_init(&log->dir_lock, NULL);
    pthread_cond_init(&log->io_done, NULL);
    pthread_cond_init(&log->appender_free, NULL);
    atomic_init(&log->pause_count, 0);
    memcpy(log->base, config->base_name, 4);
    log->csec_file = csec_file;
    log->page_size = (uint16_t)(config->page_size ? config->page_size : 4096);
    log->circular = config->circular;
    ese_signature_store(log->sign_log, &config->sign_log);
    log->slot_count = slot_count;
    size_t cb_folder = strlen(config->folder) + 1;
    log->folder = osal_malloc(cb_folder);
    log->ring = osal_malloc((size_t)slot_count * LOG_SECTOR_SIZE);
    log->slots = osal_calloc(slot_count, sizeof *log->slots);
    char name[32];
    logfile_current_name(log->base, name, sizeof name);
    err = osal_path_join(config->folder, name, &log->current_path);
    logfile_tmp_name(log->base, name, sizeof name);
    if (err == JET_errSuccess)
        err = osal_path_join(config->folder, name, &log->tmp_path);
    if (err == JET_errSuccess && (!log->folder || !log->ring || !log->slots))
        err = JET_errOutOfMemory;
    if (err != JET_errSuccess) {
        destroy(log);
        return err;
    }
    memcpy(log->folder, config->folder, cb_folder);

    log_folder_scan scan;
    err = logfile_scan_folder(log->folder, log->base, &scan);
    if (err != JET_errSuccess) {
        destroy(log);
        return err;
    }
    pthread_mutex_lock(&log->lock);
    if (scan.has_current) {
        err = open_existing(log, &scan);
    } else if (scan.archive_count) {
        err = scan.has_tmp ? open_after_interrupted_roll(log, &scan) : JET_errMissingLogFile;
    } else {
        /* A brand-new log. */
        if (scan.has_tmp)
            err = discard_tmp(log);
        if (logfile_signature_is_zero(log->sign_log))
            logfile_new_signature(log->sign_log);
        int32_t first = config->first_generation ? config->first_generation : 1;
        log->append_generation = first - 1;
        log->next_isec = log->csec_file;
        if (err == JET_errSuccess)
            err = logical_roll_locked(log);
    }
    logfile_scan_free(&scan);
    /* Make the state just set up durable now: a new generation's file exists on return. */
    if (err == JET_errSuccess)
        err = flush_locked(log, LOG_LSN_MAX);
    log->published_file_generation = log->file_generation;
    pthread_mutex_unlock(&log->lock);
    if (err != JET_errSuccess) {
        destroy(log);
        return err;
    }
    *plog = log;
    return JET_errSuccess;
}

JET_ERR log_close(ese_log *log)
{
    if (!log)
        return JET_errSuccess;
    pthread_mutex_lock(&log->lock);
    JET_ERR err = log->dead ? JET_errLogWriteFail : flush_locked(log, LOG_LSN_MAX);
    pthread_mutex_unlock(&log->lock);
    destroy(log);
    return err;
}

void log_abandon(ese_log *log)
{
    if (log)
        destroy(log);
}
