/*
 * logfile.h -- internal to the log (log.c, logreader.c, logfile.c, logrecord.c): file names,
 * the log file header, segment headers, and the folder scan.  The format is described in log.h.
 */
#ifndef LIBESE_LOGFILE_H
#define LIBESE_LOGFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "osal.h"

/* libese's extension block in the header's zero padding. */
#define LOG_HDR_EXT_OFF_MAGIC (LOG_HEADER_EXT_OFFSET + 0u)
#define LOG_HDR_EXT_OFF_SIZE (LOG_HEADER_EXT_OFFSET + 4u)
#define LOG_HDR_EXT_OFF_PREV_GEN_END (LOG_HEADER_EXT_OFFSET + 8u)
#define LOG_HDR_EXT_SIZE 16u
#define LOG_HDR_OFF_DBMS_CSEC_FILE 615u /* DBMS_PARAM csecLGFile (facts 8.1) */
#define LOG_FLAG_CIRCULAR 0x02u         /* fLGFlags at 639 (facts 4) */

/* Segment header fields in the LGSEGHDR's reserved bytes. */
#define LOG_SEG_OFF_CB_DATA 24u
#define LOG_SEG_OFF_IB_FIRST_RECORD 26u
#define LOG_SEG_OFF_ISEC_UNSYNCED 28u
#define LOG_SEG_NO_RECORD_START 0xFFFFu

/* A decoded log file header. */
typedef struct {
    int32_t generation;
    uint16_t csec_file;
    uint16_t page_size;
    uint8_t tm_create[ESE_LOGTIME_SIZE];   /* raw LOGTIME bytes: compared byte for byte */
    uint8_t tm_prev_gen[ESE_LOGTIME_SIZE];
    uint8_t sign_log[ESE_SIGNATURE_SIZE];  /* raw SIGNATURE bytes */
    uint8_t flags;
    log_lsn checkpoint;
    log_lsn previous_generation_end;
} log_header;

/* Fill a 4096-byte header (checksum included) from `hdr`. */
void logfile_build_header(uint8_t *block, const log_header *hdr);

/* Decode and validate a 4096-byte header: JET_errLogFileCorrupt (checksum, file type, geometry,
 * missing extension) or JET_errBadLogVersion (ESENT's logs and any other version). */
JET_ERR logfile_parse_header(const uint8_t *block, log_header *hdr);

/* Open `path` read-only and read its header: the errors of logfile_parse_header, plus
 * JET_errLogFileCorrupt when the file is shorter than the header says, JET_errLogGenerationMismatch
 * when `expected_generation` (nonzero) differs, JET_errBadLogSignature when `sign_log` (non-NULL)
 * differs.  On success *file is open (the caller closes it) unless `file` is NULL. */
JET_ERR logfile_read_header(const char *path, int32_t expected_generation,
                            const uint8_t *sign_log, log_header *hdr, osal_file *file);

/* What a 4096-byte segment read from (generation, isec) is. */
typedef enum {
    SEGMENT_ZERO,  /* never written */
    SEGMENT_BAD,   /* fails its checksum, or is valid but belongs elsewhere or is malformed */
    SEGMENT_VALID,
} segment_kind;

typedef struct {
    uint16_t cb_data;
    uint16_t ib_first_record; /* LOG_SEG_NO_RECORD_START when none starts here */
    uint16_t isec_unsynced;
} segment_info;

segment_kind logfile_check_segment(const uint8_t *segment, int32_t generation, uint16_t isec,
                                   segment_info *info);

/* Write the segment header for (generation, isec) into `segment` and stamp its checksum. */
void logfile_stamp_segment(uint8_t *segment, int32_t generation, uint16_t isec, uint16_t cb_data,
                           uint16_t ib_first_record, uint16_t isec_unsynced);

/* The current UTC time as a LOGTIME. */
void logfile_now(ese_logtime *now);

/* "<base>.log" / "<base>tmp.log" into buf (>= 16 bytes). */
void logfile_current_name(const char *base, char *buf, size_t cb_buf);
void logfile_tmp_name(const char *base, char *buf, size_t cb_buf);

/* The log files of one base name in a folder. */
typedef struct {
    int32_t generation;
    char *name; /* file name in the folder */
} log_archive_entry;

typedef struct {
    log_archive_entry *archives; /* sorted by generation, duplicates removed */
    size_t archive_count;
    bool has_current;
    bool has_tmp;
} log_folder_scan;

JET_ERR logfile_scan_folder(const char *folder, const char *base, log_folder_scan *scan);
void logfile_scan_free(log_folder_scan *scan);

/* The archive entry for `generation`, or NULL. */
const log_archive_entry *logfile_scan_find(const log_folder_scan *scan, int32_t generation);

/* A write-side failure as the log reports it: disk full -> JET_errLogDiskFull, anything else ->
 * JET_errLogWriteFail. */
JET_ERR logfile_write_error(JET_ERR err);

/* True when all 28 bytes are zero. */
bool logfile_signature_is_zero(const uint8_t *sign_log);

/* A fresh random signature with the current time (for a brand-new log). */
void logfile_new_signature(uint8_t *sign_log);

#endif /* LIBESE_LOGFILE_H */
