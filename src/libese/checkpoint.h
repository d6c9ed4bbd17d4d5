/*
 * checkpoint.h -- the checkpoint file, <base>.chk in the system path (facts 9).
 *
 * 8192 bytes: a 4096-byte structure at 0 and an identical copy at 4096, each with its own XOR-32
 * header checksum (facts 6.1).  Fields written (offsets in each copy):
 *     0  checksum            4  lgposLastFullBackupCheckpoint   12  lgposCheckpoint
 *    20  signLog            615  lgposFullBackup   623 logtimeFullBackup
 *   631  lgposIncBackup     639  logtimeIncBackup  648 lgposDbConsistency
 *   656  u64 write sequence (libese, in ESE's reserved bytes)   667 file type 4
 * DBMS_PARAM (48) and the attach info (679) are left zero; fVersion (647) is 0.
 *
 * Crash safety: an update writes and fsyncs the copy at 0, then writes and fsyncs the copy at
 * 4096, so at every moment at least one copy is intact; the reader takes the valid copy with
 * the higher write sequence.  A crash in the middle of an update therefore yields either the old
 * or the new checkpoint, never neither.  Writes go through osal_files_write_at (power-loss
 * hooks, fault injection).
 *
 * A brand-new file is written as "<base>.chk.tmp" (both copies, fsync) and renamed into place,
 * then the folder is fsynced, so "<base>.chk" never exists without a complete copy.  Files left
 * by older versions or by a crash during creation that hold nothing but zeros (or nothing at
 * all) were never completely written and count as absent.
 *
 * Errors: JET_errCheckpointFileNotFound (-542) no file, or one never written;
 * JET_errCheckpointCorrupt (-533) no valid copy (and not all zero); JET_errBadCheckpointSignature (-532) signLog differs from the expected one; I/O failures
 * as osal maps them (JET_errDiskIO, JET_errDiskFull, ...).
 */
#ifndef LIBESE_CHECKPOINT_H
#define LIBESE_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "esent.h"
#include "eseformat.h"
#include "log.h"

#define CHECKPOINT_FILE_SIZE 8192u
#define CHECKPOINT_COPY_SIZE 4096u
#define CHECKPOINT_OFF_LGPOS_FULL_BACKUP 615u
#define CHECKPOINT_OFF_LOGTIME_FULL_BACKUP 623u
#define CHECKPOINT_OFF_LGPOS_INC_BACKUP 631u
#define CHECKPOINT_OFF_LOGTIME_INC_BACKUP 639u
#define CHECKPOINT_OFF_LGPOS_DB_CONSISTENCY 648u
#define CHECKPOINT_OFF_SEQUENCE 656u
#define CHECKPOINT_TMP_SUFFIX ".tmp" /* "<base>.chk.tmp" while a new file is being made */

typedef struct {
    log_lsn checkpoint;                  /* where recovery starts */
    ese_signature sign_log;              /* must equal the logs' */
    log_lsn last_full_backup_checkpoint;
    log_lsn full_backup;
    ese_logtime full_backup_time;
    log_lsn incremental_backup;
    ese_logtime incremental_backup_time;
    log_lsn db_consistency;
} checkpoint_data;

/* What checkpoint_read found. */
typedef struct {
    bool copy_valid[2];   /* each copy's checksum and file type */
    unsigned copy_used;   /* 0 or 1 */
    uint64_t sequence;    /* write sequence of the copy used */
} checkpoint_read_info;

/* "<system_folder>/<base>.chk" (osal_free it). */
JET_ERR checkpoint_path(const char *system_folder, const char *base, char **ppath);

/* Write `data` durably, creating the file (temp file, rename, fsync of its folder) when
 * missing. */
JET_ERR checkpoint_write(const char *path, const checkpoint_data *data);

/* Read the newest valid copy.  `expected_sign_log` may be NULL (no check); `info` may be NULL. */
JET_ERR checkpoint_read(const char *path, const ese_signature *expected_sign_log,
                        checkpoint_data *data, checkpoint_read_info *info);

#endif /* LIBESE_CHECKPOINT_H */
