/*
 * log.h -- libese's write-ahead log: log files named and shaped as ESENT's, records, group
 * commit, generations, and a reader for recovery.
 *
 * ---- Files (facts 8.4, backup facts 8) --------------------------------------------------------
 * In the log folder, for base name <b> (3 characters, JET_paramBaseName):
 *   <b>.log          the current generation, being written
 *   <b>XXXXX.log     closed generations: upper-case hex, 5 digits up to 0xFFFFF, then 8
 *                    (both widths, and either case of hex digit, are accepted when listing)
 *   <b>tmp.log       the next generation while it is being prepared
 * Every file has the fixed size JET_paramLogFileSize (KiB), written in full (zero-filled) when the
 * generation is created, so appending never allocates space.  A full generation is closed and the
 * next one started ("roll"):  prepare <b>tmp.log (header + zeros, fsync), rename <b>.log to its
 * archived name, fsync the folder, rename <b>tmp.log to <b>.log, fsync the folder.  A crash at any
 * point leaves a set log_open() recovers from (a leftover tmp is discarded and remade).  Closed
 * generations are fsynced before the roll, so only the newest generation can have a torn tail.
 *
 * ---- On-disk format: a libese log, deliberately NOT readable by esent.dll ----------------------
 * Sector 0 (4096 bytes) is a header shaped like ESENT's LGFILEHDR (facts 8.1): XOR-32 checksum
 * at 0 (over 4096 bytes), lGeneration at 4, cbSec = 4096 at 8, csecHeader = 1 at 10, csecLGFile
 * at 12, database page size at 14, tmCreate at 16 and tmPrevGen at 24 (tmCreate of the previous
 * generation: the chain), version at 32/36/40 and 648, signLog at 44, csecLGFile again inside
 * DBMS_PARAM at 615, fLGFlags at 639 (0x02 circular logging), lgposCheckpoint at 640, file type
 * 3 at 667, no ATTACHINFO (byte 671 = 0).  The version is LOG_VERSION_MAJOR (0x4C45) /
 * LOG_VERSION_MINOR: esent.dll knows only majors 7 and 8 and refuses anything else with
 * JET_errBadLogVersion, and libese refuses ESENT's own v7/v8 logs the same way, so neither engine
 * ever replays the other's records.  libese's own fields sit in the zero padding at 3072:
 *   3072 u32 LOG_HEADER_EXT_MAGIC ("LIBE"), 3076 u32 size of the extension (16),
 *   3080 LGPOS end of the previous generation's last record (zero for the first generation):
 *        a reader of the previous generation stops exactly there.
 * Sectors 1 .. csecLGFile-1 are 4096-byte segments (like ESENT v8): a 40-byte segment header
 *   0 u64 XOR+ECC checksum of the 4096-byte block, with the stored isec XOR'd in (facts 6.4),
 *   8 LGPOS of the segment (ib 0, isec, generation), 16 LOGTIME written,
 *   24 u16 bytes of record data in this segment (1..4056),
 *   26 u16 offset (in the data area) of the first record that starts here, 0xFFFF if none,
 *   28 u16 first segment of this file not yet fsynced when this one was written,
 *   30..35 zero, 36 u32 flags 0x2000 (the XOR+ECC checksum flag),
 * then up to 4056 bytes of record stream.  Records may span segments.  A segment is written
 * exactly once, never rewritten: a durable flush that ends inside a segment closes ("seals") it
 * and later records continue in the next one, so a torn write can only damage data that was
 * never reported durable.
 * Record framing: u8 type, u8 ~type, u16 zero, u32 payload size, payload.  The block checksums
 * protect everything; no per-record checksum.  The first record of every generation is
 * LOG_REC_GENERATION_START, followed by one carried LOG_REC_ATTACH_DB per database attached at
 * that moment (LOG_DATABASE_REF_CARRIED).  Records never span generations.
 *
 * ---- Positions -------------------------------------------------------------------------------
 * A log_lsn is an ESE LGPOS packed into one comparable 64-bit number:
 * generation << 32 | isec << 16 | ib, where isec is the 4 KiB sector in the file and ib the byte
 * in it (40 .. 4096).  A record has a start (its first byte) and an end (just past its last
 * byte); durability is always expressed with ends.
 *
 * ---- Errors ----------------------------------------------------------------------------------
 *   JET_errLogWriteFail (-510)   a write, fsync, rename or directory fsync of the log failed; the
 *                                log is dead from then on: every later append, flush and roll
 *                                returns -510, nothing is retried (a failed fsync never is)
 *   JET_errLogDiskFull (-529)    the failing operation found the disk full (later calls: -510)
 *   JET_errLogBufferTooSmall (-517) a record larger than one generation can hold
 *   JET_errLogSequenceEnd (-519) the last generation number (0x7FFFF800) is used up
 *   JET_errLogFilePathInUse (-1084) another open log (any process) uses this folder + base name
 * and, from the reader and from log_open() scanning existing files:
 *   JET_errLogFileCorrupt (-501) a bad log header, a bad block followed by data written after
 *                                it was durable, a bad block anywhere in a closed generation,
 *                                a malformed record or segment
 *   JET_errBadLogVersion (-514)  not a libese log (ESENT v7/v8 logs, or another version)
 *   JET_errLogGenerationMismatch (-513) a file's name does not match the generation inside it
 *   JET_errInvalidLogSequence (-515) tmPrevGen does not match the previous generation's tmCreate
 *                                (or the end-of-previous-generation link is broken)
 *   JET_errBadLogSignature (-530) signLog differs from the expected one or between files
 *   JET_errMissingLogFile (-528) a generation between the start and the newest is missing, or
 *                                the current log is missing without a roll in progress
 */
#ifndef LIBESE_LOG_H
#define LIBESE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esent.h"
#include "eseformat.h"

/* ---- format constants ------------------------------------------------------------------------ */

#define LOG_VERSION_MAJOR ESE_LIBESE_LOG_VERSION_MAJOR /* esent.dll knows only 7 and 8 */
#define LOG_VERSION_MINOR 1u
#define LOG_VERSION_UPDATE_MAJOR 0u
#define LOG_VERSION_UPDATE_MINOR 0u
#define LOG_HEADER_EXT_OFFSET 3072u
#define LOG_HEADER_EXT_MAGIC 0x4542494Cu /* "LIBE" */
#define LOG_SECTOR_SIZE 4096u
#define LOG_SEGMENT_HEADER_SIZE 40u
#define LOG_SEGMENT_DATA_SIZE (LOG_SECTOR_SIZE - LOG_SEGMENT_HEADER_SIZE) /* 4056 */
#define LOG_RECORD_HEADER_SIZE 8u
#define LOG_MIN_FILE_SECTORS 4u          /* header + 3 segments: 16 KiB */
#define LOG_MAX_FILE_SECTORS 65535u      /* csecLGFile is a u16 */
#define LOG_GENERATION_MAX 0x7FFFF800    /* facts 8.4 */

/* ---- positions --------------------------------------------------------------------------------- */

typedef uint64_t log_lsn;

#define LOG_LSN(gen, isec, ib)                                                                   \
    (((uint64_t)(uint32_t)(gen) << 32) | ((uint64_t)(uint16_t)(isec) << 16) | (uint16_t)(ib))
#define LOG_LSN_MAX UINT64_MAX

static inline int32_t log_lsn_generation(log_lsn lsn) { return (int32_t)(lsn >> 32); }
static inline uint16_t log_lsn_isec(log_lsn lsn) { return (uint16_t)(lsn >> 16); }
static inline uint16_t log_lsn_ib(log_lsn lsn) { return (uint16_t)lsn; }

/* Conversions to and from ESE's LGPOS. */
log_lsn log_lsn_from_lgpos(const ese_lgpos *pos);
ese_lgpos log_lsn_to_lgpos(log_lsn lsn);

/* ---- records ------------------------------------------------------------------------------------ */

/* Record types.  0 is never valid (zero bytes must never parse as a record).  Types from
 * LOG_REC_ENGINE_FIRST up are free for the engine; the log treats every type the same way. */
typedef enum {
    LOG_REC_NOP = 1,              /* any payload; ignored by readers */
    LOG_REC_GENERATION_START = 2, /* written by the log itself, first in every generation */
    LOG_REC_PAGE_IMAGE = 3,       /* log_page_image */
    LOG_REC_COMMIT = 4,           /* log_commit */
    LOG_REC_ATTACH_DB = 5,        /* log_database_ref */
    LOG_REC_DETACH_DB = 6,        /* log_database_ref */
    LOG_REC_BACKUP_BEGIN = 7,     /* log_backup_mark */
    LOG_REC_BACKUP_ROLL = 8,      /* log_backup_mark */
    LOG_REC_BACKUP_STOP = 9,      /* log_backup_mark */
    LOG_REC_TERM = 10,            /* clean shutdown marker; no payload */
    LOG_REC_ENGINE_FIRST = 0x40,
} log_record_type;

/* One record as the reader returns it.  `payload` points into the reader and stays valid until
 * the next call on it. */
typedef struct {
    uint8_t type;
    const uint8_t *payload;
    uint32_t cb_payload;
    log_lsn lsn_start; /* position of the record's first byte */
    log_lsn lsn_end;   /* position just past its last byte */
} log_record;

/* Payload of LOG_REC_GENERATION_START (24 bytes): u32 generation, u32 zero, LGPOS end of the
 * previous generation's last record (zero for the first generation of a log), LOGTIME tmCreate. */
typedef struct {
    int32_t generation;
    log_lsn previous_generation_end;
    ese_logtime created;
} log_generation_start;
#define LOG_GENERATION_START_SIZE 24u

/* Payload of LOG_REC_PAGE_IMAGE (20 bytes + image): u8 dbid, u8 zero, u16 zero, u32 pgno,
 * u64 dbtime, u32 image size, then the page image. */
typedef struct {
    uint8_t dbid;
    uint32_t pgno;
    uint64_t dbtime;
    const uint8_t *image;
    uint32_t cb_image;
} log_page_image;
#define LOG_PAGE_IMAGE_HEADER_SIZE 20u

/* Payload of LOG_REC_COMMIT (8 bytes): u64 transaction id. */
typedef struct {
    uint64_t trxid;
} log_commit;
#define LOG_COMMIT_SIZE 8u

/* Payload of LOG_REC_ATTACH_DB / LOG_REC_DETACH_DB (32 bytes + path): u8 dbid, u8 flags,
 * u16 path size, SIGNATURE signDb (28 bytes), then the database path in UTF-8 (no NUL). */
typedef struct {
    uint8_t dbid;
    uint8_t flags;
    ese_signature sign_db;
    const char *path; /* decoded: points into the payload, NOT NUL-terminated */
    uint16_t cb_path;
} log_database_ref;
#define LOG_DATABASE_REF_HEADER_SIZE 32u
/* flags: an ATTACH the log itself repeats right after the GENERATION_START of every new
 * generation, once per database attached at that moment (an ATTACH appended, no DETACH yet).
 * Redo starting at any position of a generation therefore knows every database attached
 * there by reading that generation from its start (recovery.h); a carried ATTACH of a
 * database redo already knows changes nothing.  The set is bounded: the carried records may
 * take at most a quarter of a generation (an ATTACH past that fails with
 * JET_errTooManyAttachedDatabases). */
#define LOG_DATABASE_REF_CARRIED 0x01u

/* Payload of the LOG_REC_BACKUP_* records (8 bytes): u32 flags, u32 generation. */
typedef struct {
    uint32_t flags;
    int32_t generation;
} log_backup_mark;
#define LOG_BACKUP_MARK_SIZE 8u

/* Decoders: JET_errSuccess, or JET_errLogFileCorrupt when the record is not of that type or its
 * payload is malformed.  Pointers in the output point into the record's payload.  Payloads
 * longer than the fixed part are accepted (room for later fields) except where a size field
 * says otherwise. */
JET_ERR log_decode_generation_start(const log_record *rec, log_generation_start *out);
JET_ERR log_decode_page_image(const log_record *rec, log_page_image *out);
JET_ERR log_decode_commit(const log_record *rec, log_commit *out);
JET_ERR log_decode_database_ref(const log_record *rec, log_database_ref *out);
JET_ERR log_decode_backup_mark(const log_record *rec, log_backup_mark *out);

/* ---- file names ------------------------------------------------------------------------------- */

/* Archived name of `generation` ("edb0000A.log", "edb00100000.log") into buf (>= 16 bytes).
 * Returns false when the base name is not 3 characters or the generation is out of range. */
bool log_archive_name(const char *base, int32_t generation, char *buf, size_t cb_buf);

/* The generation an archived log's name stands for (5 or 8 hex digits after the base name,
 * then ".log"); 0 when `name` is not an archived log of that base. */
int32_t log_parse_archive_name(const char *base, const char *name);

/* ---- the writer ---------------------------------------------------------------------------- */

typedef struct ese_log ese_log;

typedef struct {
    const char *folder;       /* log folder, UTF-8; must exist */
    const char *base_name;    /* 3 characters, e.g. "edb" */
    uint32_t file_size_kib;   /* JET_paramLogFileSize; a multiple of 4, >= 16 */
    bool circular;            /* JET_paramCircularLog: delete generations below the checkpoint */
    uint32_t page_size;       /* database page size recorded in the headers (0 = 4096) */
    ese_signature sign_log;   /* expected signLog; all zero = adopt the existing logs' or, when
                                 there are none, make a new random one (see log_signature) */
    int32_t first_generation; /* generation of a brand-new log; 0 = 1 */
    uint32_t buffer_kib;      /* log buffer; 0 = 1024 KiB; at least 16 */
} log_config;

/* Open the log in config->folder, creating it when no log files exist.  Existing logs: the
 * current generation is scanned to its end (which also validates it); when that end is clean
 * the writer continues in the same file, after a torn tail (or a changed file size) it starts
 * a new generation whose header pins where the old one ends.  A roll that a crash interrupted
 * is completed.  The caller runs recovery (the reader) BEFORE opening the writer.  Errors: the
 * reader's errors above, JET_errInvalidParameter for a bad config, JET_errLogFilePathInUse,
 * JET_errLogWriteFail / JET_errLogDiskFull, JET_errOutOfMemory. */
JET_ERR log_open(const log_config *config, ese_log **plog);

/* Flush everything appended (durably), then close and free the log.  A dead log is just freed
 * and JET_errLogWriteFail returned. */
JET_ERR log_close(ese_log *log);

/* Free the log WITHOUT writing anything buffered: what a crash would lose is lost.  For tests,
 * and for engines that give up on a dead log. */
void log_abandon(ese_log *log);

/* Append one record (buffered; thread-safe).  `lsn_end` (may be NULL) receives the position
 * just past the record: pass it to log_flush to make the record durable.  Lazy appends are
 * simply never flushed by their caller; a later flush of any later record covers them.  May
 * write full segments (without fsync) when the buffer fills.  A record that does not fit in
 * the rest of the current generation starts the next one.  `type` must be 1..255. */
JET_ERR log_append(ese_log *log, uint8_t type, const void *payload, size_t cb_payload,
                   log_lsn *lsn_end);

/* Gather form of log_append: the payload is the concatenation of `parts` (e.g. a page-image
 * header and the page itself, without copying them together first).  `lsn_start` and
 * `lsn_end` may be NULL. */
typedef struct {
    const void *data;
    size_t cb;
} log_part;
JET_ERR log_appendv(ese_log *log, uint8_t type, const log_part *parts, size_t part_count,
                    log_lsn *lsn_start, log_lsn *lsn_end);

/* Append helpers that encode the payloads declared above. */
JET_ERR log_append_page_image(ese_log *log, uint8_t dbid, uint32_t pgno, uint64_t dbtime,
                              const void *image, uint32_t cb_image, log_lsn *lsn_start,
                              log_lsn *lsn_end);
JET_ERR log_append_commit(ese_log *log, uint64_t trxid, log_lsn *lsn_end);
JET_ERR log_append_database_ref(ese_log *log, uint8_t type /* ATTACH_DB or DETACH_DB */,
                                uint8_t dbid, uint8_t flags, const ese_signature *sign_db,
                                const char *path_utf8, log_lsn *lsn_end);
JET_ERR log_append_backup_mark(ese_log *log, uint8_t type /* BACKUP_BEGIN/ROLL/STOP */,
                               uint32_t flags, int32_t generation, log_lsn *lsn_end);

/* Make the log durable at least up to `lsn` (an end position from an append; LOG_LSN_MAX or
 * anything past the last append means "everything appended so far").  Group commit: callers
 * arriving while a flush is running wait for it; the first of them to find the log still short
 * of its position then writes and fsyncs everything appended meanwhile, once, for all of them.
 * A caller returns as soon as some flush covers it. */
JET_ERR log_flush(ese_log *log, log_lsn lsn);

/* Everything up to this position is on disk and fsynced. */
log_lsn log_durable_lsn(ese_log *log);

/* Position just past the last record appended (durable or not). */
log_lsn log_append_end_lsn(ese_log *log);

/* Close the current generation and start the next one now, durably: on success every
 * generation below *new_generation (may be NULL) is a closed, fsynced, archived file.  For
 * backup (JetGetLogInfo's roll). */
JET_ERR log_roll(ese_log *log, int32_t *new_generation);

/* The generation records are being appended to now. */
int32_t log_current_generation(ese_log *log);

/* Kill the log from outside: a failure elsewhere that must stop every later commit as a failed
 * log write does (the checkpointer's page write or checkpoint file write, checkpointer.h).
 * Every later append, flush and roll returns JET_errLogWriteFail; nothing is written. */
void log_fail(ese_log *log);

/* True once a write or fsync failed: every later append, flush and roll fails (backup's Begin
 * answers JET_errLogWriteFail then, backup facts §3.1). */
bool log_is_dead(ese_log *log);

/* The lowest generation present in the folder (scans it): archived logs and the current one. */
JET_ERR log_oldest_generation(ese_log *log, int32_t *generation);

/* The checkpoint the engine has made durable (in the checkpoint file): recorded in each new
 * generation's header at 640 and, with circular logging, the bound below which closed
 * generations are deleted after every roll.  Call only after the checkpoint file is written. */
void log_set_checkpoint(ese_log *log, log_lsn checkpoint);

/* Why generations are being deleted: circular logging is suspended while a backup runs;
 * backup truncation (JetTruncateLog) is not. */
typedef enum {
    LOG_DELETE_CIRCULAR,
    LOG_DELETE_BACKUP_TRUNCATION,
} log_delete_reason;

/* Delete closed generations below `generation` (never the current log, the tmp file or
 * anything else), oldest first, then fsync the folder.  *deleted (may be NULL) gets how many
 * files went.  With LOG_DELETE_CIRCULAR while deletion is paused nothing is deleted.  A file
 * already gone is skipped; any other unlink failure stops and is returned (the log stays
 * usable). */
JET_ERR log_delete_generations_below(ese_log *log, int32_t generation, log_delete_reason reason,
                                     uint32_t *deleted);

/* Suspend / resume circular deletion (counted: a backup calls pause at Begin, resume at End). */
void log_pause_deletion(ese_log *log);
void log_resume_deletion(ese_log *log);

/* signLog of this log (the one adopted or made by log_open when the config gave none). */
void log_signature(ese_log *log, ese_signature *sign_log);

/* Full path of a closed generation's file (osal_free it): for backup to open and copy. */
JET_ERR log_archive_path(ese_log *log, int32_t generation, char **ppath);

/* Counters, for tests and tuning. */
typedef struct {
    uint64_t appends;        /* records appended */
    uint64_t bytes_appended; /* record bytes, framing included */
    uint64_t flushes;        /* durable flushes that wrote and fsynced (group commits) */
    uint64_t fsyncs;         /* every fsync of a log file or the folder */
    uint64_t segment_writes; /* segments written */
    uint64_t rolls;          /* generations started */
} log_stats;
void log_get_stats(ese_log *log, log_stats *stats);

/* ---- the reader ------------------------------------------------------------------------------ */

typedef struct log_reader log_reader;

/* What log_reader_next found. */
typedef enum {
    LOG_READ_RECORD = 0,    /* *rec holds the next record */
    LOG_READ_END = 1,       /* clean end: the newest generation's data stops at a record
                               boundary and nothing but zeros follows */
    LOG_READ_TORN_TAIL = 2, /* the newest generation ends in blocks that fail their checksum,
                               are missing, or hold an incomplete record -- a write that never
                               completed: the log ends before them */
} log_read_result;

/* Where the log ended (after LOG_READ_END or LOG_READ_TORN_TAIL). */
typedef struct {
    log_lsn end_lsn;        /* just past the last complete record; for a generation without
                               records, LOG_LSN(generation, 1, 40) */
    int32_t generation;     /* the newest generation */
    uint16_t next_isec;     /* first segment after the last valid one */
    bool torn;
    uint32_t csec_file;     /* that generation's file size in sectors */
} log_read_end;

/* Open a reader over the logs in `folder` with base name `base`, starting with the first record
 * whose start is at or after `start` (LOG_LSN(gen, 0, 0): the beginning of `gen`; 0: the oldest
 * generation present).  `sign_log` (may be NULL or all zero: adopt the first file's) is the
 * signature every file must carry.  Generations are read in order up to the newest (the
 * current log, or the newest archive when a roll was interrupted).  Not for use while a writer
 * has the log open: its unflushed tail would look torn. */
JET_ERR log_reader_open(const char *folder, const char *base, log_lsn start,
                        const ese_signature *sign_log, log_reader **preader);

/* log_reader_open reading no further than generation `last` (0: no bound), for restore: `last`
 * is read as the newest generation (its data ends where its valid segments stop) and the
 * generations after it are neither required nor read. */
JET_ERR log_reader_open_range(const char *folder, const char *base, log_lsn start, int32_t last,
                              const ese_signature *sign_log, log_reader **preader);

/* The next record.  JET_errSuccess with *result telling record / clean end / torn tail, or one
 * of the reader errors listed at the top (after which the reader only repeats that error).  A
 * block that fails its checksum is never returned as data. */
JET_ERR log_reader_next(log_reader *reader, log_record *rec, log_read_result *result);

/* Where the log ended; JET_errInvalidParameter before the end was reached. */
JET_ERR log_reader_end(log_reader *reader, log_read_end *end);

/* signLog of the files read (useful when the reader was opened without one). */
void log_reader_signature(log_reader *reader, ese_signature *sign_log);

void log_reader_close(log_reader *reader);

#endif /* LIBESE_LOG_H */
