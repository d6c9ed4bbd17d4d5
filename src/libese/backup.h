/*
 * backup.h -- the streaming (external) backup of one instance: ESENT's state machine, the
 * database stream (2 header pages + data pages + 1 trailer page), log listing, truncation and
 * the header backup info End writes.  The contract is docs/contract/backup.md (facts:
 * shared/reference/ese-backup-facts.md §1.2, §2, §3, §4, as corrected by the audit).
 *
 * The Jet entry points are in api_backup.c: they pass the instance entry gate (§1.2), count the
 * call in inst->backup_calls, take inst->backup.lock and call the functions below.  Everything in
 * ese_backup is guarded by its `lock` (lock order: engine.h), which a call holds across its file
 * I/O, so two backup calls of one instance never interleave; a JetStopBackupInstance from another
 * thread only sets inst->stop_backup_requested and is seen by the next call.
 */
#ifndef LIBESE_BACKUP_H
#define LIBESE_BACKUP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eseformat.h"
#include "esent.h"
#include "osal.h"

struct ese_instance;
struct ese_database;

/* ESE's BACKUP_CONTEXT status (S:daedef.hxx). */
typedef enum {
    BACKUP_NOT_STARTED = 0,
    BACKUP_DATABASES = 1,
    BACKUP_LOGS_AND_PATCHES = 2,
} backup_status;

/* One database of the backup session: attached (logged) when Begin ran, or opened later. */
typedef struct {
    char *identity;               /* canonical path (api_database.c's identity) */
    struct ese_database *db;      /* stays valid: detach is refused while a backup runs */
    bool in_session;              /* false once a read error dropped it (§3.4) */
    bool copied;                  /* every byte of its stream was read before Close */
    uint32_t full_prev_gen_high;  /* its header's bkinfoFullPrev.genHigh at Begin (§3.7) */
    uint32_t inc_prev_gen_high;   /* bkinfoIncPrev.genHigh at Begin (§3.6, incremental) */
} backup_db;

/* The one backup file handle (crhfMax = 1: the handle value is always 0). */
typedef struct {
    bool in_use;
    bool is_db;
    uint64_t size;                /* reported size (OpenFile's low/high words) */
    uint64_t offset;              /* bytes handed out so far */
    uint32_t page_size;           /* JET_paramDatabasePageSize: the unit of every read */
    /* database */
    size_t db_index;              /* into ese_backup.dbs */
    uint8_t *header;              /* the header captured at Open, bkinfoFullCur filled */
    uint32_t pgno_last;           /* data pages 1..pgno_last are streamed */
    /* log */
    osal_file file;
    int32_t generation;
} backup_file;

typedef struct ese_backup {
    pthread_mutex_t lock;
    backup_status status;         /* NOT_STARTED: no backup (NB in the result matrix) */
    bool full;
    bool rolled;                  /* the first GetLogInfo/GetTruncateLogInfo rolled the log */
    bool truncated;               /* JetTruncateLogInstance passed its completeness check */
    int32_t copy_mic, copy_mac;   /* generations to copy: copy_mic .. copy_mac - 1 */
    int32_t delete_mic, delete_mac; /* generations truncation deletes */
    bool *log_copied;             /* per generation of the copy range: read completely */
    ese_lgpos mark;               /* full: log tip at Begin; incremental: the roll record */
    ese_logtime mark_time;
    backup_db *dbs;
    size_t db_count, db_cap;
    backup_file file;
} ese_backup;

void backup_init(ese_backup *bk);
void backup_destroy(ese_backup *bk);

/* ---- the state machine (caller: api_backup.c, holding bk->lock, gate passed) -------------- */

JET_ERR backup_begin(struct ese_instance *inst, JET_GRBIT grbit);
/* Canonical paths of the attached, logged databases as one UTF-16 multi-string. */
JET_ERR backup_attach_info(struct ese_instance *inst, WCHAR **pszz, size_t *pcb);
JET_ERR backup_open_file(struct ese_instance *inst, const WCHAR *name, JET_HANDLE *phf,
                         uint64_t *psize);
JET_ERR backup_read_file(struct ese_instance *inst, JET_HANDLE hf, void *pv, uint32_t cb,
                         uint32_t *pcb_actual);
JET_ERR backup_close_file(struct ese_instance *inst, JET_HANDLE hf);
/* truncate: list the generations truncation would delete instead of the ones to copy. */
JET_ERR backup_log_info(struct ese_instance *inst, bool truncate, WCHAR **pszz, size_t *pcb,
                        JET_LOGINFO_W *info);
JET_ERR backup_truncate_log(struct ese_instance *inst);
JET_ERR backup_end(struct ese_instance *inst, JET_GRBIT grbit);

/* JetTerm2 (StopBackup / Abrupt / Dirty) on an instance whose backup calls have all left: end
 * any backup as aborted by the server (no header update).  Takes bk->lock itself. */
void backup_terminate(struct ese_instance *inst);

/* ---- pieces exposed for the C tests ------------------------------------------------------ */

/* OpenFile reports the size in two 32-bit words (low, high): files over 4 GiB use the high one. */
static inline void backup_split_size(uint64_t size, uint32_t *low, uint32_t *high)
{
    *low = (uint32_t)size;
    *high = (uint32_t)(size >> 32);
}

/* The trailer page (PATCHHDR, format facts §2): header checksum over the whole page. */
void backup_build_trailer(uint8_t *page, uint32_t page_size, const ese_bkinfo *bk,
                          const ese_signature *sign_db, const ese_signature *sign_log);

/* Which header slot End (normal) writes and whether it may (§4.4): the slot is left alone when
 * its recorded mark is newer than the new one.  Applies the update to a header page in memory
 * and returns true when it changed it. */
typedef enum {
    BACKUP_SLOT_FULL_PREV,
    BACKUP_SLOT_COPY_PREV,
    BACKUP_SLOT_INC_PREV,
    BACKUP_SLOT_DIFF_PREV,
} backup_slot;
backup_slot backup_choose_slot(bool full, bool truncated);
bool backup_apply_header_info(uint8_t *header, backup_slot slot, const ese_bkinfo *info);

#endif /* LIBESE_BACKUP_H */
