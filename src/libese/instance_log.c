/*
 * instance_log.c -- an instance's log and checkpoint across JetInit and JetTerm.
 *
 * JetInit: recovery first (recovery.h; it replays whatever the last run left), then the log is
 * opened, which also locks it: a second instance or process on the same log folder and base
 * name gets JET_errLogFilePathInUse.  The checkpoint file is written at once, so a set of files
 * always has one.  JetTerm: a clean-shutdown record, a durable flush, the checkpoint moved to the
 * end of the log, the log closed.  JET_paramRecovery "off" runs with no log at all.
 */
#include <string.h>
#include <strings.h>

#include "checkpoint.h"
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

JET_ERR instance_log_stop(ese_instance *inst)
{
    if (!inst->log)
        return JET_errSuccess;
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
