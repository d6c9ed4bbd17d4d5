/* logrecord.c -- payload encoders and decoders of the log's record types (see log.h). */
#include <string.h>

#include "logfile.h"

/* ---- encoders (append helpers) ------------------------------------------------------------------ */

JET_ERR log_append_page_image(ese_log *log, uint8_t dbid, uint32_t pgno, uint64_t dbtime,
                              const void *image, uint32_t cb_image, log_lsn *lsn_start,
                              log_lsn *lsn_end)
{
    uint8_t header[LOG_PAGE_IMAGE_HEADER_SIZE] = {0};
    header[0] = dbid;
    ese_store_u32(header + 4, pgno);
    ese_store_u64(header + 8, dbtime);
    ese_store_u32(header + 16, cb_image);
    log_part parts[2] = {{header, sizeof header}, {image, cb_image}};
    return log_appendv(log, LOG_REC_PAGE_IMAGE, parts, 2, lsn_start, lsn_end);
}

JET_ERR log_append_commit(ese_log *log, uint64_t trxid, log_lsn *lsn_end)
{
    uint8_t payload[LOG_COMMIT_SIZE];
    ese_store_u64(payload, trxid);
    return log_append(log, LOG_REC_COMMIT, payload, sizeof payload, lsn_end);
}

JET_ERR log_append_database_ref(ese_log *log, uint8_t type, uint8_t dbid, uint8_t flags,
                                const ese_signature *sign_db, const char *path_utf8,
                                log_lsn *lsn_end)
{
    if ((type != LOG_REC_ATTACH_DB && type != LOG_REC_DETACH_DB) || !sign_db || !path_utf8)
        return JET_errInvalidParameter;
    size_t cb_path = strlen(path_utf8);
    if (cb_path > UINT16_MAX)
        return JET_errInvalidParameter;
    uint8_t header[LOG_DATABASE_REF_HEADER_SIZE] = {0};
    header[0] = dbid;
    header[1] = flags;
    ese_store_u16(header + 2, (uint16_t)cb_path);
    ese_signature_store(header + 4, sign_db);
    log_part parts[2] = {{header, sizeof header}, {path_utf8, cb_path}};
    return log_appendv(log, type, parts, 2, NULL, lsn_end);
}

JET_ERR log_append_backup_mark(ese_log *log, uint8_t type, uint32_t flags, int32_t generation,
                               log_lsn *lsn_end)
{
    if (type != LOG_REC_BACKUP_BEGIN && type != LOG_REC_BACKUP_ROLL && type != LOG_REC_BACKUP_STOP)
        return JET_errInvalidParameter;
    uint8_t payload[LOG_BACKUP_MARK_SIZE];
    ese_store_u32(payload, flags);
    ese_store_u32(payload + 4, (uint32_t)generation);
    return log_append(log, type, payload, sizeof payload, lsn_end);
}

/* ---- decoders ---------------------------------------------------------------------------------- */

JET_ERR log_decode_generation_start(const log_record *rec, log_generation_start *out)
{
    if (rec->type != LOG_REC_GENERATION_START || rec->cb_payload < LOG_GENERATION_START_SIZE)
        return JET_errLogFileCorrupt;
    const uint8_t *p = rec->payload;
    out->generation = (int32_t)ese_load_u32(p);
    ese_lgpos pos;
    ese_lgpos_load(p + 8, &pos);
    out->previous_generation_end = log_lsn_from_lgpos(&pos);
    ese_logtime_load(p + 16, &out->created);
    return JET_errSuccess;
}

JET_ERR log_decode_page_image(const log_record *rec, log_page_image *out)
{
    if (rec->type != LOG_REC_PAGE_IMAGE || rec->cb_payload < LOG_PAGE_IMAGE_HEADER_SIZE)
        return JET_errLogFileCorrupt;
    const uint8_t *p = rec->payload;
    uint32_t cb_image = ese_load_u32(p + 16);
    if (cb_image != rec->cb_payload - LOG_PAGE_IMAGE_HEADER_SIZE)
        return JET_errLogFileCorrupt;
    out->dbid = p[0];
    out->pgno = ese_load_u32(p + 4);
    out->dbtime = ese_load_u64(p + 8);
    out->cb_image = cb_image;
    out->image = p + LOG_PAGE_IMAGE_HEADER_SIZE;
    return JET_errSuccess;
}

JET_ERR log_decode_commit(const log_record *rec, log_commit *out)
{
    if (rec->type != LOG_REC_COMMIT || rec->cb_payload < LOG_COMMIT_SIZE)
        return JET_errLogFileCorrupt;
    out->trxid = ese_load_u64(rec->payload);
    return JET_errSuccess;
}

JET_ERR log_decode_database_ref(const log_record *rec, log_database_ref *out)
{
    if ((rec->type != LOG_REC_ATTACH_DB && rec->type != LOG_REC_DETACH_DB) ||
        rec->cb_payload < LOG_DATABASE_REF_HEADER_SIZE)
        return JET_errLogFileCorrupt;
    const uint8_t *p = rec->payload;
    uint16_t cb_path = ese_load_u16(p + 2);
    if ((uint32_t)cb_path != rec->cb_payload - LOG_DATABASE_REF_HEADER_SIZE)
        return JET_errLogFileCorrupt;
    out->dbid = p[0];
    out->flags = p[1];
    ese_signature_load(p + 4, &out->sign_db);
    out->cb_path = cb_path;
    out->path = (const char *)p + LOG_DATABASE_REF_HEADER_SIZE;
    return JET_errSuccess;
}

JET_ERR log_decode_backup_mark(const log_record *rec, log_backup_mark *out)
{
    if ((rec->type != LOG_REC_BACKUP_BEGIN && rec->type != LOG_REC_BACKUP_ROLL &&
         rec->type != LOG_REC_BACKUP_STOP) ||
        rec->cb_payload < LOG_BACKUP_MARK_SIZE)
        return JET_errLogFileCorrupt;
    out->flags = ese_load_u32(rec->payload);
    out->generation = (int32_t)ese_load_u32(rec->payload + 4);
    return JET_errSuccess;
}
