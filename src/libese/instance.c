/*
 * instance.c -- the instance registry and the instance lifecycle APIs:
 * JetCreateInstance2W, JetInit3W, JetTerm2, JetStopBackupInstance.
 *
 * Behaviour follows docs/contract/first-slice.md (ESENT's documentation and source, cited
 * there) and ese-backup-facts.md §1.2, §3.10, §3.12.  libese supports ESENT's multi-instance
 * mode only: every instance comes from JetCreateInstance2.  The legacy one-instance mode
 * (JetInit with no instance) answers JET_errRunningInMultiInstanceMode, as esent.dll does once
 * an instance has been created; it is a documented gap before that.
 */
#include <string.h>

#include "api_data.h"
#include "engine.h"
#include "log.h"
#include "osal.h"
#include "session.h"

/* The first handle value: far from 0 and from small integers a caller might pass by mistake,
 * so that a made-up handle is almost never live. */
#define FIRST_HANDLE ((JET_API_PTR)0x10000)
#define HANDLE_STEP ((JET_API_PTR)0x10)

ese_engine g_engine = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .next_handle = FIRST_HANDLE,
};

JET_API_PTR engine_new_handle_locked(void)
{
    JET_API_PTR handle = g_engine.next_handle;
    g_engine.next_handle += HANDLE_STEP;
    return handle;
}

JET_ERR engine_prepare_locked(void)
{
    if (g_engine.global_params_ready)
        return JET_errSuccess;
    JET_ERR err = params_init_defaults(g_engine.global_params);
    if (err == JET_errSuccess)
        g_engine.global_params_ready = true;
    return err;
}

JET_ERR engine_find_instance_locked(JET_INSTANCE handle, ese_instance **pinst)
{
    if (handle == 0 || handle == JET_instanceNil)
        return JET_errInvalidParameter;
    for (size_t i = 0; i < g_engine.instance_count; i++) {
        if (g_engine.instances[i]->handle == handle) {
            *pinst = g_engine.instances[i];
            return JET_errSuccess;
        }
    }
    return JET_errInvalidInstance;
}

/* Grow a registry array by doubling; JET_errOutOfMemory leaves it untouched. */
JET_ERR engine_reserve_locked(void ***array, size_t count, size_t *capacity)
{
    if (count < *capacity)
        return JET_errSuccess;
    size_t wanted = *capacity ? *capacity * 2 : 8;
    void **grown = osal_calloc(wanted, sizeof(void *));
    if (!grown)
        return JET_errOutOfMemory;
    if (count)
        memcpy(grown, *array, count * sizeof(void *));
    osal_free(*array);
    *array = grown;
    *capacity = wanted;
    return JET_errSuccess;
}

static void instance_free(ese_instance *inst)
{
    if (!inst)
        return;
    params_free(inst->params);
    osal_free(inst->checkpoint_path);
    osal_free(inst->name);
    osal_free(inst->display_name);
    backup_destroy(&inst->backup);
    pthread_cond_destroy(&inst->backup_idle);
    pthread_mutex_destroy(&inst->lock);
    osal_free(inst);
}

static void unregister_instance_locked(ese_instance *inst)
{
    for (size_t i = 0; i < g_engine.instance_count; i++) {
        if (g_engine.instances[i] == inst) {
            g_engine.instances[i] = g_engine.instances[--g_engine.instance_count];
            return;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */

JET_ERR JET_API JetCreateInstance2W(JET_INSTANCE *pinstance, JET_PCWSTR szInstanceName,
                                    JET_PCWSTR szDisplayName, JET_GRBIT grbit)
{
    (void)grbit; /* reserved; ESENT ignores it */
    if (!pinstance)
        return JET_errInvalidParameter;
    *pinstance = JET_instanceNil; /* what the caller holds if anything below fails */

    pthread_mutex_lock(&g_engine.lock);
    JET_ERR err = engine_prepare_locked();
    ese_instance *inst = NULL;
    if (err != JET_errSuccess)
        goto done;

    /* The limit is checked before the name, as ESENT does. */
    if (g_engine.instance_count >= (size_t)g_engine.global_params[PARAM_SLOT_MAX_INSTANCES].integer) {
        err = JET_errTooManyInstances;
        goto done;
    }
    /* Names are unique in the process; two unnamed (NULL) instances count as the same name. */
    for (size_t i = 0; i < g_engine.instance_count; i++) {
        const WCHAR *other = g_engine.instances[i]->name;
        bool same = (!other && !szInstanceName) ||
                    (other && szInstanceName && utf16_compare(other, szInstanceName) == 0);
        if (same) {
            err = JET_errInstanceNameInUse;
            goto done;
        }
    }

    inst = osal_calloc(1, sizeof *inst);
    if (!inst) {
        err = JET_errOutOfMemory;
        goto done;
    }
    pthread_mutex_init(&inst->lock, NULL);
    pthread_cond_init(&inst->backup_idle, NULL);
    backup_init(&inst->backup);
    err = params_copy(inst->params, g_engine.global_params);
    if (err != JET_errSuccess)
        goto done;
    if (szInstanceName && !(inst->name = utf16_duplicate(szInstanceName))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    if (szDisplayName && !(inst->display_name = utf16_duplicate(szDisplayName))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    err = engine_reserve_locked((void ***)&g_engine.instances, g_engine.instance_count,
                                &g_engine.instance_capacity);
    if (err != JET_errSuccess)
        goto done;

    inst->state = INSTANCE_CREATED;
    inst->handle = engine_new_handle_locked();
    g_engine.multi_instance_mode = true;
    g_engine.instances[g_engine.instance_count++] = inst;
    *pinstance = inst->handle;
    inst = NULL; /* owned by the registry now */

done:
    pthread_mutex_unlock(&g_engine.lock);
    instance_free(inst);
    return err;
}

/* The folders an instance writes to, as absolute-ish UTF-8 paths with '/' separators.
 * ESENT paths use '\'; libese reads it as a separator, so ".\" is the current folder. */
char *engine_folder_of(const param_value *value, JET_ERR *perr)
{
    char *path = utf16_to_utf8(value->string, perr);
    if (!path)
        return NULL;
    for (char *c = path; *c; c++)
        if (*c == '\\')
            *c = '/';
    return path;
}

/* Two paths name the same folder, ignoring one trailing separator. */
static bool same_folder(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (lb > 1 && b[lb - 1] == '/')
        lb--;
    return la == lb && memcmp(a, b, la) == 0;
}

/* ESENT refuses to run two instances on one system, log or temp path (caller holds the lock). */
static JET_ERR check_paths_unused_locked(const ese_instance *inst)
{
    static const struct {
        int slot;
        JET_ERR in_use;
    } k_paths[] = {
        {PARAM_SLOT_SYSTEM_PATH, JET_errSystemPathInUse},
        {PARAM_SLOT_LOG_FILE_PATH, JET_errLogFilePathInUse},
        {PARAM_SLOT_TEMP_PATH, JET_errTempPathInUse},
    };
    for (size_t k = 0; k < sizeof k_paths / sizeof k_paths[0]; k++) {
        JET_ERR err;
        char *mine = engine_folder_of(&inst->params[k_paths[k].slot], &err);
        if (!mine)
            return err;
        for (size_t i = 0; i < g_engine.instance_count && err == JET_errSuccess; i++) {
            const ese_instance *other = g_engine.instances[i];
            if (other == inst || other->state != INSTANCE_RUNNING)
                continue;
            char *theirs = engine_folder_of(&other->params[k_paths[k].slot], &err);
            if (theirs && same_folder(mine, theirs))
                err = k_paths[k].in_use;
            osal_free(theirs);
        }
        osal_free(mine);
        if (err != JET_errSuccess)
            return err;
    }
    return JET_errSuccess;
}

/* Check the system and log folders, creating them when JET_paramCreatePathIfNotExist says so.
 * Runs without g_engine.lock: it does I/O. */
static JET_ERR prepare_instance_folders(const param_value params[PARAM_SLOT_COUNT])
{
    const int slots[] = {PARAM_SLOT_SYSTEM_PATH, PARAM_SLOT_LOG_FILE_PATH};
    int create = params[PARAM_SLOT_CREATE_PATH_IF_NOT_EXIST].integer != 0;
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        JET_ERR err;
        char *path = engine_folder_of(&params[slots[i]], &err);
        if (!path)
            return err;
        err = osal_ensure_directory(path[0] ? path : ".", create);
        osal_free(path);
        if (err != JET_errSuccess)
            return err;
    }
    return JET_errSuccess;
}

JET_ERR JET_API JetInit3W(JET_INSTANCE *pinstance, JET_RSTINFO_W *prstInfo, JET_GRBIT grbit)
{
    (void)grbit; /* recovery options: not validated by ESENT; used once libese replays logs */
    if (!pinstance)
        return JET_errRunningInMultiInstanceMode; /* the legacy one-instance JetInit(NULL) */
    if (prstInfo && prstInfo->cbStruct != sizeof(JET_RSTINFO_W))
        return JET_errInvalidParameter;

    pthread_mutex_lock(&g_engine.lock);
    ese_instance *inst;
    JET_ERR err = engine_find_instance_locked(*pinstance, &inst);
    if (err == JET_errInvalidInstance)
        err = JET_errInvalidParameter; /* JetInit does not validate handles: an unknown one is
                                          just a bad parameter (first-slice.md §5) */
    if (err == JET_errSuccess && inst->state == INSTANCE_INITIALIZING)
        err = JET_errInitInProgress;
    else if (err == JET_errSuccess && inst->state != INSTANCE_CREATED)
        err = JET_errAlreadyInitialized;
    if (err != JET_errSuccess) {
        pthread_mutex_unlock(&g_engine.lock);
        return err; /* the instance, if there is one, is untouched */
    }

    /* From here on a failure frees the instance and nulls the caller's handle, as ESENT does. */
    param_value snapshot[PARAM_SLOT_COUNT];
    uint32_t page_size = (uint32_t)g_engine.global_params[PARAM_SLOT_DATABASE_PAGE_SIZE].integer;
    err = check_paths_unused_locked(inst);
    if (err == JET_errSuccess)
        err = params_copy(snapshot, inst->params);
    if (err == JET_errSuccess)
        inst->state = INSTANCE_INITIALIZING; /* parameters are frozen from here on */
    pthread_mutex_unlock(&g_engine.lock);

    if (err == JET_errSuccess) {
        err = prepare_instance_folders(snapshot);
        if (err == JET_errSuccess)
            err = instance_log_start(inst, snapshot, page_size);
        params_free(snapshot);
    }

    pthread_mutex_lock(&g_engine.lock);
    if (err == JET_errSuccess) {
        inst->state = INSTANCE_RUNNING;
        g_engine.running_instances++;
    } else {
        unregister_instance_locked(inst);
        *pinstance = 0;
    }
    pthread_mutex_unlock(&g_engine.lock);
    if (err != JET_errSuccess)
        instance_free(inst);
    return err;
}

/* JetTerm2 with a backup in progress (backup facts §3.12 + audit F3): without
 * JET_bitTermStopBackup or JET_bitTermAbrupt it fails with JET_errBackupInProgress and changes
 * nothing, unless JET_bitTermDirty is given (ESENT then skips the check; libese also ends the
 * backup, as aborted, since the instance is freed).  With either bit the backup is ended as
 * aborted by the server (no header update) before the databases close. */
JET_ERR JET_API JetTerm2(JET_INSTANCE instance, JET_GRBIT grbit)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_instance *inst;
    JET_ERR err = engine_find_instance_locked(instance, &inst);
    if (err == JET_errSuccess) {
        if (inst->state == INSTANCE_TERMINATING)
            err = JET_errTermInProgress;
        else if (inst->state == INSTANCE_INITIALIZING)
            err = JET_errInitInProgress;
        else if (inst->backup_active &&
                 !(grbit & (JET_bitTermStopBackup | JET_bitTermAbrupt | JET_bitTermDirty)))
            err = JET_errBackupInProgress;
    }
    if (err != JET_errSuccess) {
        pthread_mutex_unlock(&g_engine.lock);
        return err;
    }
    if (inst->state == INSTANCE_RUNNING)
        g_engine.running_instances--;
    inst->state = INSTANCE_TERMINATING; /* new calls get JET_errTermInProgress from here on */
    /* Backup calls that passed the gate before still hold the instance: let them leave. */
    while (inst->backup_calls)
        pthread_cond_wait(&inst->backup_idle, &g_engine.lock);
    /* Sessions die with their instance: their handles become invalid, never reused. */
    session_end_all_for_instance_locked(inst);
    unregister_instance_locked(inst);
    pthread_mutex_unlock(&g_engine.lock);

    instance_checkpointer_stop(inst); /* before the databases it flushes close */
    backup_terminate(inst); /* an open backup ends as aborted by the server */
    /* Close its databases (api_database.c) before the log.  A database that did not close
     * cleanly (here or in an earlier JetDetachDatabase2) keeps its dirty state and needs the
     * log from the current checkpoint on: then neither the clean-shutdown record nor a new
     * checkpoint is written, so the next JetInit replays into it. */
    JET_ERR close_err = api_instance_term(inst);
    pthread_mutex_lock(&g_engine.lock);
    if (close_err == JET_errSuccess)
        close_err = inst->unclean_close; /* set under the lock by a failed detach */
    pthread_mutex_unlock(&g_engine.lock);
    if (close_err != JET_errSuccess) {
        instance_log_close_dirty(inst); /* nothing new is written: the next JetInit replays */
        err = close_err;
    } else {
        err = instance_log_stop(inst); /* the handle is gone either way; report a failed close */
    }
    instance_free(inst);
    return err;
}

JET_ERR JET_API JetStopBackupInstance(JET_INSTANCE instance)
{
    /* No API gate (fact sheet §3.10): only the handle is checked, then the stop flag is set.
     * It succeeds whether or not a backup runs, and on an instance not yet initialised. */
    pthread_mutex_lock(&g_engine.lock);
    ese_instance *inst;
    JET_ERR err = engine_find_instance_locked(instance, &inst);
    if (err == JET_errSuccess)
        inst->stop_backup_requested = true;
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

/* JetStopServiceInstance(2) (backup facts §3.11): no API gate, only the handle is checked (a
 * created but not running instance is JET_errInvalidParameter, as ESENT's documentation says).
 * JET_bitStopServiceAll (0, and the old JetStopServiceInstance) makes every gated call of the
 * instance -- the backup calls included, JetEndExternalBackupInstance2 too -- fail with
 * JET_errClientRequestToStopJetService from then on; an open backup can then only be ended by
 * JetTerm2 with JET_bitTermStopBackup or JET_bitTermAbrupt.  BackgroundUserTasks and
 * QuiesceCaches alone stop nothing libese runs in the background yet and can be resumed
 * (JET_bitStopServiceResume); resuming after All fails with the same error. */
#define STOP_SERVICE_KNOWN_BITS                                                                   \
    (JET_bitStopServiceBackgroundUserTasks | JET_bitStopServiceQuiesceCaches |                  \
     JET_bitStopServiceResume)

JET_ERR JET_API JetStopServiceInstance2(JET_INSTANCE instance, const JET_GRBIT grbit)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_instance *inst;
    JET_ERR err = engine_find_instance_locked(instance, &inst);
    if (err == JET_errSuccess && inst->state != INSTANCE_RUNNING)
        err = JET_errInvalidParameter; /* "not an instance that is currently running" */
    if (err == JET_errSuccess && (grbit & ~(JET_GRBIT)STOP_SERVICE_KNOWN_BITS))
        err = JET_errInvalidGrbit;
    if (err == JET_errSuccess) {
        if (grbit & JET_bitStopServiceResume) {
            if (inst->stop_service)
                err = JET_errClientRequestToStopJetService;
            else
                inst->stop_service_bits = 0;
        } else if (grbit == JET_bitStopServiceAll) {
            inst->stop_service = true;
        } else {
            inst->stop_service_bits |= grbit;
        }
    }
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

JET_ERR JET_API JetStopServiceInstance(JET_INSTANCE instance)
{
    return JetStopServiceInstance2(instance, JET_bitStopServiceAll);
}
