/*
 * engine.h -- libese's internal objects: the process-wide engine, instances, sessions.
 *
 * Lock order (take them only in this order, release in reverse):
 *   1. g_engine.lock   the registry of instances and sessions, the handle counter and the
 *                      process-wide parameters.  Held only briefly, never across I/O.
 *   2. inst->lock      one instance's state (later: its log, checkpoint and backup state).
 * The background checkpointer (checkpointer.h) takes none of these: its round lock is taken
 *   holding nothing and sits before a database's buffer-manager lock and the log's; it never
 *   holds a database latch, g_engine.lock or inst->lock, so committers never wait for it.
 *   JetTerm2 stops it (joins the thread) holding no lock, before the databases close.
 * Streaming backup (backup.c, api_backup.c) adds one lock OUTSIDE both:
 *   0. inst->backup.lock  serializes the backup calls of one instance and is held across their
 *                      file I/O (copying pages, reading logs, deleting logs, writing headers).
 *                      Taken before g_engine.lock, a database's commit latch and the buffer
 *                      manager's lock; never taken while holding any of them.
 *   Backup calls in flight are counted in inst->backup_calls (under g_engine.lock); JetTerm2
 *   waits on inst->backup_idle for them to leave before it ends the backup and frees anything.
 * The buffer managers (bufmgr.c, DESIGN.md "The cache budget") share one page budget set from
 *   JET_paramCacheSizeMax: params.c pushes it after releasing g_engine.lock; eviction holds one
 *   buffer-manager lock at a time and may force the log with a database latch held.
 * No engine lock is ever held while calling back into Python or while the binding holds the GIL
 * waiting for it: the binding releases the GIL around every Jet call.
 *
 * Handle values (instances and sessions alike) come from one counter that only grows, so a
 * terminated instance's or ended session's handle is never given out again in this process,
 * and a stale handle is always recognised as stale.
 */
#ifndef LIBESE_ENGINE_H
#define LIBESE_ENGINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "backup.h"
#include "esent.h"
#include "params.h"

typedef enum {
    INSTANCE_CREATED = 0,   /* JetCreateInstance2 done, JetInit not yet */
    INSTANCE_INITIALIZING,  /* inside JetInit (which does I/O without g_engine.lock) */
    INSTANCE_RUNNING,       /* JetInit succeeded */
    INSTANCE_TERMINATING,   /* inside JetTerm: new calls get JET_errTermInProgress */
} instance_state;

typedef struct ese_instance {
    JET_INSTANCE handle;
    WCHAR *name;
    WCHAR *display_name;
    instance_state state;
    param_value params[PARAM_SLOT_COUNT];  /* per-instance parameter values */
    uint32_t session_count;
    bool stop_backup_requested;            /* JetStopBackupInstance, cleared by the next Begin */
    /* streaming backup (backup.h); the fields below are under g_engine.lock */
    ese_backup backup;                     /* the state machine, under backup.lock */
    bool backup_active;                    /* Begin .. End: attach/detach give -505 */
    uint32_t backup_calls;                 /* backup API calls in flight */
    pthread_cond_t backup_idle;            /* signalled when backup_calls drops to 0 */
    bool stop_service;                     /* JetStopServiceInstance(2)(All): gated calls -1329 */
    JET_GRBIT stop_service_bits;           /* BackgroundUserTasks / QuiesceCaches in force */
    JET_ERR unclean_close;                 /* first failed database close (detach or term):
                                              JetTerm2 then keeps the checkpoint where it is */
    struct ese_log *log;                   /* NULL when Recovery is "off" (instance_log.c) */
    struct ese_checkpointer *checkpointer; /* while running with a log (checkpointer.h) */
    char *checkpoint_path;                 /* <SystemPath>/<base>.chk, UTF-8 */
    pthread_mutex_t lock;
} ese_instance;

typedef struct ese_session {
    JET_SESID handle;
    ese_instance *instance;
} ese_session;

/* Find a live instance by handle under g_engine.lock.  Returns JET_errSuccess and the instance,
 * JET_errInvalidParameter for 0 / JET_instanceNil, or JET_errInvalidInstance for any other
 * value that is not a live instance (as esent.dll, whose handle validation is always on). */
JET_ERR engine_find_instance_locked(JET_INSTANCE handle, ese_instance **pinst);

/* The registry and process-wide state. */
typedef struct {
    pthread_mutex_t lock;
    JET_API_PTR next_handle;
    ese_instance **instances;
    size_t instance_count, instance_capacity;
    ese_session **sessions;
    size_t session_count, session_capacity;
    param_value global_params[PARAM_SLOT_COUNT]; /* process-wide values and instance defaults */
    bool multi_instance_mode;                    /* set by the first JetCreateInstance2 */
    bool global_params_ready;                    /* defaults filled in (first API call) */
    uint32_t running_instances;                  /* instances that passed JetInit */
} ese_engine;

extern ese_engine g_engine;

/* Fill in the process-wide parameter defaults on first use (caller holds g_engine.lock). */
JET_ERR engine_prepare_locked(void);

/* A path parameter as a UTF-8 POSIX path ('\\' read as a separator); osal_free it. */
char *engine_folder_of(const param_value *value, JET_ERR *perr);

/* Run recovery, then open (and lock) the instance's log and checkpoint: JetInit's last step.
 * Does nothing when JET_paramRecovery is "off".  Runs without g_engine.lock (it does I/O). */
JET_ERR instance_log_start(ese_instance *inst, const param_value params[PARAM_SLOT_COUNT],
                           uint32_t page_size);

/* Write the clean-shutdown record and the checkpoint, close the log: JetTerm's last step. */
JET_ERR instance_log_stop(ese_instance *inst);

/* Stop the background checkpointer (JetTerm2, before the databases close; idempotent). */
void instance_checkpointer_stop(ese_instance *inst);

/* JetTerm2 when a database did not close cleanly: stop the checkpointer, close the log without
 * writing anything new (the checkpoint stays where it is, so the next JetInit replays). */
void instance_log_close_dirty(ese_instance *inst);

/* Make room for one more pointer in a registry array (caller holds g_engine.lock). */
JET_ERR engine_reserve_locked(void ***array, size_t count, size_t *capacity);

/* A fresh handle value (caller holds g_engine.lock). */
JET_API_PTR engine_new_handle_locked(void);

#endif /* LIBESE_ENGINE_H */
