/*
 * api_backup.c -- the streaming backup's Jet API: JetBeginExternalBackupInstance,
 * JetGetAttachInfoInstanceW, JetOpenFileInstanceW, JetReadFileInstance, JetCloseFileInstance,
 * JetGetLogInfoInstanceW, JetGetLogInfoInstance2W, JetGetTruncateLogInfoInstanceW,
 * JetTruncateLogInstance, JetEndExternalBackupInstance(2).
 *
 * Each call passes the instance entry gate (backup facts §1.2): the handle (JET_errInvalidParameter
 * for 0 / JET_instanceNil, JET_errInvalidInstance for any other dead handle), then
 * JET_errClientRequestToStopJetService after JetStopServiceInstance, JET_errTermInProgress while
 * JetTerm2 runs, JET_errNotInitialized before JetInit.  A call that passed is counted in
 * inst->backup_calls (JetTerm2 waits for it) and runs under inst->backup.lock (engine.h lock
 * order).  No session is needed.  The buffer contracts of the multi-string outputs are here; the
 * state machine is backup.c.  Contract and choices: docs/contract/backup.md.
 */
#include <string.h>

#include "backup.h"
#include "engine.h"
#include "osal.h"

static JET_ERR enter(JET_INSTANCE instance, ese_instance **pinst)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_instance *inst = NULL;
    JET_ERR err = engine_find_instance_locked(instance, &inst);
    if (err == JET_errSuccess) {
        if (inst->stop_service)
            err = JET_errClientRequestToStopJetService;
        else if (inst->state == INSTANCE_TERMINATING)
            err = JET_errTermInProgress;
        else if (inst->state != INSTANCE_RUNNING)
            err = JET_errNotInitialized;
    }
    if (err == JET_errSuccess)
        inst->backup_calls++;
    pthread_mutex_unlock(&g_engine.lock);
    if (err != JET_errSuccess)
        return err;
    pthread_mutex_lock(&inst->backup.lock);
    *pinst = inst;
    return JET_errSuccess;
}

static void leave(ese_instance *inst)
{
    pthread_mutex_unlock(&inst->backup.lock);
    pthread_mutex_lock(&g_engine.lock);
    if (--inst->backup_calls == 0)
        pthread_cond_broadcast(&inst->backup_idle);
    pthread_mutex_unlock(&g_engine.lock);
}

JET_ERR JET_API JetBeginExternalBackupInstance(JET_INSTANCE instance, JET_GRBIT grbit)
{
    ese_instance *inst;
    JET_ERR err = enter(instance, &inst);
    if (err != JET_errSuccess)
        return err;
    err = backup_begin(inst, grbit);
    leave(inst);
    return err;
}

JET_ERR JET_API JetGetAttachInfoInstanceW(JET_INSTANCE instance, JET_PWSTR szzDatabases,
                                          ESE_ULONG cbMax, ESE_ULONG *pcbActual)
{
    ese_instance *inst;
    JET_ERR err = enter(instance, &inst);
    if (err != JET_errSuccess)
        return err;
    WCHAR *szz = NULL;
    size_t cb = 0;
    err = backup_attach_info(inst, &szz, &cb);
    leave(inst);
    if (err != JET_errSuccess)
        return err;
    /* §3.2: copy what fits, no error when it does not; *pcbActual is always the full size. */
    if (szzDatabases && cbMax)
        memcpy(szzDatabases, szz, cb < cbMax ? cb : cbMax);
    if (pcbActual)
        *pcbActual = (ESE_ULONG)cb;
    osal_free(szz);
    return JET_errSuccess;
}

JET_ERR JET_API JetOpenFileInstanceW(JET_INSTANCE instance, JET_PCWSTR szFileName,
                                     JET_HANDLE *phfFile, ESE_ULONG *pulFileSizeLow,
                                     ESE_ULONG *pulFileSizeHigh)
{
    ese_instance *inst;
    JET_ERR err = enter(instance, &inst);
    if (err != JET_errSuccess)
        return err;
    /* ESENT does not check the output pointers (NULL crashes it); libese refuses them before
     * anything changes. */
    if (!phfFile || !pulFileSizeLow || !pulFileSizeHigh) {
        leave(inst);
        return JET_errInvalidParameter;
    }
    JET_HANDLE hf = 0;
    uint64_t size = 0;
    err = backup_open_file(inst, szFileName, &hf, &size);
    leave(inst);
    if (err == JET_errSuccess) {
        uint32_t low, high;
        backup_split_size(size, &low, &high);
        *phfFile = hf;
        *pulFileSizeLow = low;
        *pulFileSizeHigh = high;
    }
    return err;
}

JET_ERR JET_API JetReadFileInstance(JET_INSTANCE instance, JET_HANDLE hfFile, void *pv,
                                    ESE_ULONG cb, ESE_ULONG *pcbActual)
{
    ese_instance *inst;
    JET_ERR err = enter(instance, &inst);
    if (err != JET_errSuccess)
        return err;
    uint32_t done = 0;
    err = backup_read_file(inst, hfFile, pv, cb, &done);
    leave(inst);
    if (pcbActual)
        *pcbActual = done;
    return err;
}

JET_ERR JET_API JetCloseFileInstance(JET_INSTANCE instance, JET_HANDLE hfFile)
{
    ese_instance *inst;
    JET_ERR err = enter(instance, &inst);
    if (err != JET_errSuccess)
        return err;
    err = backup_close_file(inst, hfFile);
    leave(inst);
    return err;
}

/* §3.6 buffer contract (W): NULL -> *pcbActual = the size needed; otherwise copy
 * min(cbMax, needed) bytes and report that many -- truncation is silent. */
static JET_ERR log_info(JET_INSTANCE instance, bool truncate, JET_PWSTR szz, ESE_ULONG cbMax,
                        ESE_ULONG *pcbActual, JET_LOGINFO_W *pLogInfo)
{
    ese_instance *inst;
    JET_ERR err = enter(instance, &inst);
    if (err != JET_errSuccess)
        return err;
    WCHAR *list = NULL;
    size_t cb = 0;
    err = backup_log_info(inst, truncate, &list, &cb, pLogInfo);
    leave(inst);
    if (err != JET_errSuccess)
        return err;
    size_t copied = cb;
    if (szz) {
        copied = cb < cbMax ? cb : cbMax;
        memcpy(szz, list, copied);
    }
    if (pcbActual)
        *pcbActual = (ESE_ULONG)copied;
    osal_free(list);
    return JET_errSuccess;
}

JET_ERR JET_API JetGetLogInfoInstanceW(JET_INSTANCE instance, JET_PWSTR wszzLogs, ESE_ULONG cbMax,
                                       ESE_ULONG *pcbActual)
{
    return log_info(instance, false, wszzLogs, cbMax, pcbActual, NULL);
}

JET_ERR JET_API JetGetLogInfoInstance2W(JET_INSTANCE instance, JET_PWSTR wszzLogs,
                                        ESE_ULONG cbMax, ESE_ULONG *pcbActual,
                                        JET_LOGINFO_W *pLogInfo)
{
    return log_info(instance, false, wszzLogs, cbMax, pcbActual, pLogInfo);
}

JET_ERR JET_API JetGetTruncateLogInfoInstanceW(JET_INSTANCE instance, JET_PWSTR wszzLogs,
                                               ESE_ULONG cbMax, ESE_ULONG *pcbActual)
{
    return log_info(instance, true, wszzLogs, cbMax, pcbActual, NULL);
}

JET_ERR JET_API JetTruncateLogInstance(JET_INSTANCE instance)
{
    ese_instance *inst;
    JET_ERR err = enter(instance, &inst);
    if (err != JET_errSuccess)
        return err;
    err = backup_truncate_log(inst);
    leave(inst);
    return err;
}

JET_ERR JET_API JetEndExternalBackupInstance2(JET_INSTANCE instance, JET_GRBIT grbit)
{
    ese_instance *inst;
    JET_ERR err = enter(instance, &inst);
    if (err != JET_errSuccess)
        return err;
    /* Exactly one of Normal and Abort, checked before anything else (§3.9); TruncateDone is
     * optional and other bits are ignored (audit F19). */
    JET_GRBIT end = grbit & (JET_bitBackupEndNormal | JET_bitBackupEndAbort);
    if (end != JET_bitBackupEndNormal && end != JET_bitBackupEndAbort)
        err = JET_errInvalidParameter;
    else
        err = backup_end(inst, grbit);
    leave(inst);
    return err;
}

JET_ERR JET_API JetEndExternalBackupInstance(JET_INSTANCE instance)
{
    return JetEndExternalBackupInstance2(instance, JET_bitBackupEndNormal);
}
