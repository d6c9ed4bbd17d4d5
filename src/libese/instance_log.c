/*
 * instance_log.c -- an instance's log and checkpoint across JetInit and JetTerm.
 *
 * JetInit: recovery first (recovery.h; it replays whatever the last run left), then the log is
 * opened, which also locks it: a second instance or process on the same log folder and base
 * name gets JET_errLogFilePathInUse.  The checkpoint file is written at once, so a set of files
 * always has one; then the background checkpointer starts (checkpointer.h), which moves it
 * while the instance runs.  JetTerm: the checkpointer is stopped before the databases close;
 * after they closed cleanly, a clean-shutdown record, a durable flush, the checkpoint moved to
 * the end of the log, the log closed.  JET_paramRecovery "off" runs with no log at all.
 */
#include <string.h>
#include <strings.h>

#include "bufmgr.h"
#include "checkpoint.h"
#include "checkpointer.h"
#include "engine.h"
#include "log.h"
#include "osal.h"
#include "recovery.h"

static JET_ERR recovery_is_off(const param_value params[PARAM_SLOT_COUNT], bool *off)
{
    JET_ERR err;
    char *value = utf16_to_utf8(params[PARAM_SLOT_RECOVERY].string, &err);
    if (!value)
        return err;
    *off = strcasecmp(value, "off") == 0;
    osal_free(value);
    return JET_errSuccess;
}

JET_ERR instance_log_start(ese_instance *inst, const param_value params[PARAM_SLOT_COUNT],
                           uint32_t page_size)
{
    bool off = false;
    JET_ERR err = recovery_is_off(params, &off);
    if (err != JET_errSuccess || off)
        return err;
    char *log_folder = engine_folder_of(&params[PARAM_SLOT_LOG_FILE_PATH], &err);
    char *system_folder = log_folder ? engine_folder_of(&params[PARAM_SLOT_SYSTEM_PATH], &err)
                                     : NULL;
    char *base = system_folder ? utf16_to_utf8(params[PARAM_SLOT_BASE_NAME].string, &err) : NULL;
    if (!base)
        goto done;
    if (!log_folder[0] || !system_folder[0]) {
        err = JET_errInvalidPath;
        goto done;
    }

    recovery_config recovery = {log_folder, system_folder, base, page_size};
    recovery_stats stats;
    err = recovery_run(&recovery, &stats);
    if (err != JET_errSuccess)
        goto done;

    log_config config;
    memset(&config, 0, sizeof config);
    config.folder = log_folder;
    config.base_name = base;
    config.file_size_kib = (uint32_t)params[PARAM_SLOT_LOG_FILE_SIZE].integer;
    config.circular = params[PARAM_SLOT_CIRCULAR_LOG].integer != 0;
    config.page_size = page_size;
    err = log_open(&config, &inst->log);
    if (err == JET_errSuccess)
        err = checkpoint_path(system_folder, base, &inst->checkpoint_path);
    if (err == JET_errSuccess) {
        checkpoint_data checkpoint;
        memset(&checkpoint, 0, sizeof checkpoint);
        checkpoint.checkpoint = log_append_end_lsn(inst->log);
        log_signature(inst->log, &checkpoint.sign_log);
        log_set_checkpoint(inst->log, checkpoint.checkpoint);
        err = checkpoint_write(inst->checkpoint_path, &checkpoint);
        if (err == JET_errSuccess) {
            checkpointer_config cp = {inst->log, inst->checkpoint_path, &checkpoint,
                                      config.circular};
            err = checkpointer_start(&cp, &inst->checkpointer);
        }
    }
    if (err != JET_errSuccess && inst->log) {
        log_abandon(inst->log);
        inst->log = NULL;
    }

done:
    osal_free(log_folder);
    osal_free(system_folder);
    osal_free(base);
    return err;
}

void instance_checkpointer_stop(ese_instance *inst)
{
    checkpointer_stop(inst->checkpointer);
    inst->checkpointer = NULL;
}

void instance_log_close_dirty(ese_instance *inst)
{
    instance_checkpointer_stop(inst);
    if (inst->log) {
        bm_group_forget(inst->log);
        log_close(inst->log); /* what was appended is kept; nothing new is written */
        inst->log = NULL;
    }
}

JET_ERR checkpointer_run_instance(JET_INSTANCE instance)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_instance *inst;
    JET_ERR err = engine_find_instance_locked(instance, &inst);
    if (err == JET_errSuccess && inst->state != INSTANCE_RUNNING)
        err = JET_errNotInitialized;
    else if (err == JET_errSuccess && !inst->checkpointer)
        err = JET_errLoggingDisabled;
    if (err == JET_errSuccess)
        inst->backup_calls++; /* JetTerm2 waits for it before it stops the checkpointer */
    pthread_mutex_unlock(&g_engine.lock);
    if (err != JET_errSuccess)
        return err;
    err = checkpointer_run(inst->checkpointer);
    pthread_mutex_lock(&g_engine.lock);
    if (--inst->backup_calls == 0)
        pthread_cond_broadcast(&inst->backup_idle);
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

JET_ERR instance_log_stop(ese_instance *inst)
{
    instance_checkpointer_stop(inst);
    if (!inst->log)
        return JET_errSuccess;
    bm_group_forget(inst->log);
    log_lsn end = 0;
    JET_ERR err = log_append(inst->log, LOG_REC_TERM, NULL, 0, &end);
    if (err == JET_errSuccess)
        err = log_flush(inst->log, end);
    if (err == JET_errSuccess) {
        checkpoint_data checkpoint;
        memset(&checkpoint, 0, sizeof checkpoint);
        checkpoint.checkpoint = end;
        log_signature(inst->log, &checkpoint.sign_log);
        err = checkpoint_write(inst->checkpoint_path, &checkpoint);
    }
    JET_ERR close_err = log_close(inst->log);
    inst->log = NULL;
    return err != JET_errSuccess ? err : close_err;
}
