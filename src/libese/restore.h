/*
 * restore.h -- hard recovery: turn database copies in the streaming-backup format into clean
 * databases by replaying a backup set's logs (the engine behind JetExternalRestore2W and
 * JetRestoreInstanceW, api_restore.c).  Contract: docs/contract/restore.md (facts:
 * ese-backup-facts.md §4.1, §4.3, §5.2-§5.5, with the audit).
 *
 * Input: for each database, the file exactly as JetReadFileInstance streamed it (header page
 * twice, data pages 1..pgnoLast, one trailer page, PATCHHDR) at `new_path`, or a copy a previous
 * restore attempt already prepared (header bkinfoFullCur.genHigh set, trailer gone); the backup
 * set's logs <base>XXXXX.log in `backup_log_folder`.
 *
 * Steps, in an order that never reports a half-restored file as usable:
 *   1. The backup logs gen_low .. gen_high are checked: present (JET_errFileNotFound), libese
 *      logs (JET_errBadLogVersion for ESENT's), one signature (JET_errGivenLogFileHasBadSignature),
 *      chained (JET_errGivenLogFileIsNotContiguous).  Later generations in the folder that
 *      continue the chain are replayed too (a full set plus incrementals in one folder).
 *   2. Every database copy is validated (§5.3) before any is changed: a header
 *      (JET_errDatabaseCorrupted), of this page size (JET_errPageSizeMismatch), a backup copy
 *      (bkinfoFullCur.genLow != 0, else JET_errRestoreOfNonBackupDatabase), a trailer that
 *      matches its header and the logs (JET_errDatabasePatchFileMismatch), a range the given
 *      logs cover (JET_errStartingRestoreLogTooHigh, JET_errEndingRestoreLogTooLow).
 *   3. Each header is rewritten (state dirty, bkinfoFullCur.genHigh = gen_high, max required /
 *      committed generations raised) and fsynced, then the trailer page is cut off.
 *   4. Redo (recovery.h) over the backup logs from the start of gen_low, then, when `log_folder`
 *      holds the next generation with the same signature and chained to the last one replayed,
 *      on through the logs there.  Only the databases of the map are written.
 *   5. Every database of the map is flushed and marked clean (lgposConsistent = end of the
 *      replay).  Until this step every header says dirty: a restore that fails anywhere
 *      leaves files JetAttachDatabase2 refuses, and running the restore again succeeds.
 * Log corruption: JET_errLogCorruptDuringHardRestore / JET_errLogTornWriteDuringHardRestore in
 * the backup logs, JET_errLogCorruptDuringHardRecovery in the log folder's; nothing after a bad
 * block is replayed.
 */
#ifndef LIBESE_RESTORE_H
#define LIBESE_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esent.h"
#include "recovery.h"

typedef struct {
    const char *original_path; /* the database's path as the logs recorded it (UTF-8) */
    const char *new_path;      /* where the streamed copy is; restored in place */
} restore_map_entry;

typedef struct {
    const char *backup_log_folder;
    const char *log_folder;        /* logs that may continue the sequence; NULL: none */
    int32_t log_folder_last;       /* read log_folder no further than this generation (a
                                      running target instance's last closed one); 0: all */
    const char *base_name;         /* 3 characters */
    uint32_t page_size;
    int32_t gen_low, gen_high;     /* both 0: the contiguous range found in the folder */
    const restore_map_entry *map;
    size_t map_count;
    JET_PFNSTATUS pfn_status;      /* JET_snpRestore Begin / Progress / Complete; may be NULL */
} restore_config;

typedef struct {
    int32_t gen_low, gen_high;     /* the range checked (after detection) */
    int32_t gen_last_backup;       /* the last generation replayed from the backup folder */
    int32_t gen_last;              /* the last generation replayed at all */
    bool continued;                /* the log folder's generations were replayed too */
    recovery_stats redo;
} restore_stats;

/* The whole restore (steps 1-5).  Errors as above, plus JET_errInvalidParameter for a bad
 * config, I/O and memory errors. */
JET_ERR restore_run(const restore_config *config, restore_stats *stats);

/* Does a logged database path name the same file as `path`?  Exact match, or the same
 * canonical path (symbolic links and "." resolved where the folders exist). */
bool restore_same_database(const char *logged_path, const char *path);

#endif /* LIBESE_RESTORE_H */
