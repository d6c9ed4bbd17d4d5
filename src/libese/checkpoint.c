/* checkpoint.c -- the checkpoint file (see checkpoint.h). */
#include "checkpoint.h"

#include <string.h>

#include "osal_files.h"

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

JET_ERR checkpoint_path(const char *system_folder, const char *base, char **ppath)
{
    if (!system_folder || !base || strlen(base) != 3 || !ppath)
        return JET_errInvalidParameter;
    char name[16];
    memcpy(name, base, 3);
    memcpy(name + 3, ".chk", 5);
    return osal_path_join(system_folder, name, ppath);
}

static void build_copy(uint8_t *block, const checkpoint_data *data, uint64_t sequence)
{
    memset(block, 0, CHECKPOINT_COPY_SIZE);
    store_lsn(block + ESE_CHKHDR_OFF_LGPOS_LAST_FULL_BACKUP_CHECKPOINT,
              data->last_full_backup_checkpoint);
    store_lsn(block + ESE_CHKHDR_OFF_LGPOS_CHECKPOINT, data->checkpoint);
    ese_signature_store(block + ESE_CHKHDR_OFF_SIGN_LOG, &data->sign_log);
    store_lsn(block + CHECKPOINT_OFF_LGPOS_FULL_BACKUP, data->full_backup);
    ese_logtime_store(block + CHECKPOINT_OFF_LOGTIME_FULL_BACKUP, &data->full_backup_time);
    store_lsn(block + CHECKPOINT_OFF_LGPOS_INC_BACKUP, data->incremental_backup);
    ese_logtime_store(block + CHECKPOINT_OFF_LOGTIME_INC_BACKUP, &data->incremental_backup_time);
    store_lsn(block + CHECKPOINT_OFF_LGPOS_DB_CONSISTENCY, data->db_consistency);
    ese_store_u64(block + CHECKPOINT_OFF_SEQUENCE, sequence);
    ese_store_u32(block + ESE_CHKHDR_OFF_FILE_TYPE, ESE_FILETYPE_CHECKPOINT);
    ese_header_stamp(block, CHECKPOINT_COPY_SIZE);
}

static bool copy_is_valid(const uint8_t *block)
{
    return ese_header_verify(block, CHECKPOINT_COPY_SIZE) &&
           ese_load_u32(block + ESE_CHKHDR_OFF_FILE_TYPE) == ESE_FILETYPE_CHECKPOINT;
}

static void parse_copy(const uint8_t *block, checkpoint_data *data)
{
    data->last_full_backup_checkpoint =
        load_lsn(block + ESE_CHKHDR_OFF_LGPOS_LAST_FULL_BACKUP_CHECKPOINT);
    data->checkpoint = load_lsn(block + ESE_CHKHDR_OFF_LGPOS_CHECKPOINT);
    ese_signature_load(block + ESE_CHKHDR_OFF_SIGN_LOG, &data->sign_log);
    data->full_backup = load_lsn(block + CHECKPOINT_OFF_LGPOS_FULL_BACKUP);
    ese_logtime_load(block + CHECKPOINT_OFF_LOGTIME_FULL_BACKUP, &data->full_backup_time);
    data->incremental_backup = load_lsn(block + CHECKPOINT_OFF_LGPOS_INC_BACKUP);
    ese_logtime_load(block + CHECKPOINT_OFF_LOGTIME_INC_BACKUP, &data->incremental_backup_time);
    data->db_consistency = load_lsn(block + CHECKPOINT_OFF_LGPOS_DB_CONSISTENCY);
}

/* Which of the copies in `file` (cb bytes read) are valid, and the newest of them. */
static int newest_valid_copy(const uint8_t *file, size_t cb, bool valid[2], uint64_t *sequence)
{
    int best = -1;
    for (int i = 0; i < 2; i++) {
        const uint8_t *block = file + (size_t)i * CHECKPOINT_COPY_SIZE;
        valid[i] = cb >= (size_t)(i + 1) * CHECKPOINT_COPY_SIZE && copy_is_valid(block);
        if (!valid[i])
            continue;
        uint64_t seq = ese_load_u64(block + CHECKPOINT_OFF_SEQUENCE);
        if (best < 0 || seq > *sequence) {
            best = i;
            *sequence = seq;
        }
    }
    return best;
}

/* The folder part of a path ("." when there is none), for the directory fsync. */
static JET_ERR folder_of(const char *path, char **pfolder)
{
    const char *slash = strrchr(path, '/');
    size_t cb = slash ? (size_t)(slash - path) : 0;
    if (slash && cb == 0)
        cb = 1; /* "/x.chk": the root */
    char *folder = osal_malloc(cb ? cb + 1 : 2);
    if (!folder)
        return JET_errOutOfMemory;
    if (cb)
        memcpy(folder, path, cb);
    else
        folder[cb++] = '.';
    folder[cb] = '\0';
    *pfolder = folder;
    return JET_errSuccess;
}

/* Write both copies (the new sequence continues from the newest valid copy already in the
 * file) and fsync after each: copy 0, then copy 1, so one of them is always whole. */
static JET_ERR write_copies(osal_file *file, const checkpoint_data *data)
{
    uint8_t *buf = osal_malloc(CHECKPOINT_FILE_SIZE);
    if (!buf)
        return JET_errOutOfMemory;
    size_t cb_read = 0;
    uint64_t sequence = 0;
    bool valid[2];
    JET_ERR err = osal_read_at(file, buf, CHECKPOINT_FILE_SIZE, 0, &cb_read);
    if (err == JET_errSuccess) {
        newest_valid_copy(buf, cb_read, valid, &sequence);
        build_copy(buf, data, sequence + 1);
        err = osal_files_write_at(file, buf, CHECKPOINT_COPY_SIZE, 0);
        if (err == JET_errSuccess)
            err = osal_files_sync(file);
        if (err == JET_errSuccess)
            err = osal_files_write_at(file, buf, CHECKPOINT_COPY_SIZE, CHECKPOINT_COPY_SIZE);
        if (err == JET_errSuccess)
            err = osal_files_sync(file);
    }
    osal_free(buf);
    return err;
}

/* A brand-new checkpoint file is built under a temporary name and renamed into place (then the
 * folder fsynced), so <base>.chk never exists without a whole copy in it: a failure or a crash
 * half-way through creating it leaves at most the temporary file, which the next write removes.
 * An existing file is updated in place, copy by copy (see checkpoint.h). */
JET_ERR checkpoint_write(const char *path, const checkpoint_data *data)
{
    if (!path || !data)
        return JET_errInvalidParameter;
    bool existed = false;
    JET_ERR err = osal_path_exists(path, &existed);
    if (err != JET_errSuccess)
        return err;
    if (existed) {
        osal_file file = {.fd = -1};
        err = osal_open(path, OSAL_OPEN_READ | OSAL_OPEN_WRITE, &file);
        if (err != JET_errSuccess)
            return err;
        err = write_copies(&file, data);
        JET_ERR close_err = osal_close(&file);
        return err != JET_errSuccess ? err : close_err;
    }

    size_t cb_path = strlen(path);
    char *tmp = osal_malloc(cb_path + sizeof CHECKPOINT_TMP_SUFFIX);
    if (!tmp)
        return JET_errOutOfMemory;
    memcpy(tmp, path, cb_path);
    memcpy(tmp + cb_path, CHECKPOINT_TMP_SUFFIX, sizeof CHECKPOINT_TMP_SUFFIX);
    err = osal_unlink(tmp); /* the remains of an earlier attempt */
    if (err == JET_errFileNotFound)
        err = JET_errSuccess;
    osal_file file = {.fd = -1};
    bool created = false;
    if (err == JET_errSuccess)
        err = osal_open(tmp, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE | OSAL_OPEN_EXCL,
                        &file);
    if (err == JET_errSuccess) {
        created = true;
        err = write_copies(&file, data);
        JET_ERR close_err = osal_close(&file);
        if (err == JET_errSuccess)
            err = close_err;
    }
    if (err == JET_errSuccess)
        err = osal_rename(tmp, path);
    if (err == JET_errSuccess) {
        char *folder = NULL;
        err = folder_of(path, &folder);
        if (err == JET_errSuccess)
            err = osal_sync_directory(folder);
        osal_free(folder);
    } else if (created) {
        osal_unlink(tmp);
    }
    osal_free(tmp);
    return err;
}

/* Nothing but zero bytes (or none at all): a file whose creation never wrote a copy. */
static bool never_written(const uint8_t *buf, size_t cb)
{
    for (size_t i = 0; i < cb; i++)
        if (buf[i])
            return false;
    return true;
}

JET_ERR checkpoint_read(const char *path, const ese_signature *expected_sign_log,
                        checkpoint_data *data, checkpoint_read_info *info)
{
    if (!path || !data)
        return JET_errInvalidParameter;
    osal_file file = {.fd = -1};
    JET_ERR err = osal_open(path, OSAL_OPEN_READ, &file);
    if (err == JET_errFileNotFound)
        return JET_errCheckpointFileNotFound;
    if (err != JET_errSuccess)
        return err;
    uint8_t *buf = osal_malloc(CHECKPOINT_FILE_SIZE);
    if (!buf) {
        osal_close(&file);
        return JET_errOutOfMemory;
    }
    size_t cb_read = 0;
    err = osal_read_at(&file, buf, CHECKPOINT_FILE_SIZE, 0, &cb_read);
    osal_close(&file);
    if (err == JET_errSuccess) {
        bool valid[2];
        uint64_t sequence = 0;
        int best = newest_valid_copy(buf, cb_read, valid, &sequence);
        if (best < 0 && never_written(buf, cb_read)) {
            err = JET_errCheckpointFileNotFound; /* its creation never completed: absent */
        } else if (best < 0) {
            err = JET_errCheckpointCorrupt;
        } else {
            parse_copy(buf + (size_t)best * CHECKPOINT_COPY_SIZE, data);
            if (info)
                *info = (checkpoint_read_info){.copy_valid = {valid[0], valid[1]},
                                               .copy_used = (unsigned)best, .sequence = sequence};
            if (expected_sign_log) {
                uint8_t expected[ESE_SIGNATURE_SIZE];
                ese_signature_store(expected, expected_sign_log);
                if (memcmp(expected, buf + (size_t)best * CHECKPOINT_COPY_SIZE +
                                         ESE_CHKHDR_OFF_SIGN_LOG,
                           ESE_SIGNATURE_SIZE) != 0)
                    err = JET_errBadCheckpointSignature;
            }
        }
    }
    osal_free(buf);
    return err;
}
