/*
 * params.c -- system parameter descriptors, storage, and JetSetSystemParameterW /
 * JetGetSystemParameterW.  Ids, defaults and ranges follow ESENT (ese-backup-facts.md §7.3 and
 * docs/contract/first-slice.md, which cite their sources).
 */
#include "params.h"

#include <string.h>

#include "bufmgr.h"
#include "engine.h"
#include "osal.h"
#include "session.h"

#define INT32_TOP 0x7FFFFFFF

const param_descriptor g_param_descriptors[PARAM_SLOT_COUNT] = {
    [PARAM_SLOT_SYSTEM_PATH] = {JET_paramSystemPath, "SystemPath", PARAM_PATH,
                                PARAM_SCOPE_INSTANCE, true, 0, ".\\", 0, 0, 0, 246},
    [PARAM_SLOT_TEMP_PATH] = {JET_paramTempPath, "TempPath", PARAM_PATH, PARAM_SCOPE_INSTANCE,
                              true, 0, "tmp.edb", 0, 0, 0, 247},
    [PARAM_SLOT_LOG_FILE_PATH] = {JET_paramLogFilePath, "LogFilePath", PARAM_PATH,
                                  PARAM_SCOPE_INSTANCE, true, 0, ".\\", 0, 0, 0, 246},
    [PARAM_SLOT_BASE_NAME] = {JET_paramBaseName, "BaseName", PARAM_STRING, PARAM_SCOPE_INSTANCE,
                              true, 0, "edb", 0, 0, JET_BASE_NAME_LENGTH, JET_BASE_NAME_LENGTH},
    [PARAM_SLOT_MAX_SESSIONS] = {JET_paramMaxSessions, "MaxSessions", PARAM_INTEGER,
                                 PARAM_SCOPE_INSTANCE, true, 16, NULL, 0, 30000, 0, 0},
    [PARAM_SLOT_LOG_FILE_SIZE] = {JET_paramLogFileSize, "LogFileSize", PARAM_INTEGER,
                                  PARAM_SCOPE_INSTANCE, true, 5120, NULL, 64, 32768, 0, 0},
    [PARAM_SLOT_CIRCULAR_LOG] = {JET_paramCircularLog, "CircularLog", PARAM_BOOLEAN,
                                 PARAM_SCOPE_INSTANCE, false, 0, NULL, 0, 1, 0, 0},
    [PARAM_SLOT_RECOVERY] = {JET_paramRecovery, "Recovery", PARAM_STRING, PARAM_SCOPE_INSTANCE,
                             true, 0, "on", 0, 0, 0, 259},
    [PARAM_SLOT_DATABASE_PAGE_SIZE] = {JET_paramDatabasePageSize, "DatabasePageSize",
                                       PARAM_INTEGER, PARAM_SCOPE_GLOBAL, true, 4096, NULL, 4096,
                                       32768, 0, 0},
    [PARAM_SLOT_CACHE_SIZE_MAX] = {JET_paramCacheSizeMax, "CacheSizeMax", PARAM_INTEGER,
                                   PARAM_SCOPE_GLOBAL, false, 2000000000, NULL, 1, INT32_TOP, 0,
                                   0},
    [PARAM_SLOT_MAX_INSTANCES] = {JET_paramMaxInstances, "MaxInstances", PARAM_INTEGER,
                                  PARAM_SCOPE_GLOBAL, true, 16, NULL, 1, 1024, 0, 0},
    [PARAM_SLOT_OS_SNAPSHOT_TIMEOUT] = {JET_paramOSSnapshotTimeout, "OSSnapshotTimeout",
                                        PARAM_INTEGER, PARAM_SCOPE_GLOBAL, false, 70000, NULL, 0,
                                        INT32_TOP, 0, 0},
    [PARAM_SLOT_CREATE_PATH_IF_NOT_EXIST] = {JET_paramCreatePathIfNotExist,
                                             "CreatePathIfNotExist", PARAM_BOOLEAN,
                                             PARAM_SCOPE_INSTANCE, true, 0, NULL, 0, 1, 0, 0},
    [PARAM_SLOT_LEGACY_FILE_NAMES] = {JET_paramLegacyFileNames, "LegacyFileNames",
                                      PARAM_INTEGER, PARAM_SCOPE_INSTANCE, true,
                                      JET_bitESE98FileNames | JET_bitEightDotThreeSoftCompat,
                                      NULL, 0, 3, 0, 0},
};

int param_slot_of(ESE_ULONG paramid)
{
    for (int slot = 0; slot < PARAM_SLOT_COUNT; slot++)
        if (g_param_descriptors[slot].id == paramid)
            return slot;
    return -1;
}

static bool is_text(const param_descriptor *desc)
{
    return desc->type == PARAM_STRING || desc->type == PARAM_PATH;
}

JET_ERR params_init_defaults(param_value values[PARAM_SLOT_COUNT])
{
    memset(values, 0, sizeof(param_value) * PARAM_SLOT_COUNT);
    for (int slot = 0; slot < PARAM_SLOT_COUNT; slot++) {
        const param_descriptor *desc = &g_param_descriptors[slot];
        values[slot].integer = desc->default_integer;
        if (!is_text(desc))
            continue;
        JET_ERR err;
        values[slot].string = utf8_to_utf16(desc->default_string, &err);
        if (!values[slot].string) {
            params_free(values);
            return err;
        }
    }
    return JET_errSuccess;
}

JET_ERR params_copy(param_value to[PARAM_SLOT_COUNT], const param_value from[PARAM_SLOT_COUNT])
{
    memset(to, 0, sizeof(param_value) * PARAM_SLOT_COUNT);
    for (int slot = 0; slot < PARAM_SLOT_COUNT; slot++) {
        to[slot].integer = from[slot].integer;
        if (!from[slot].string)
            continue;
        to[slot].string = utf16_duplicate(from[slot].string);
        if (!to[slot].string) {
            params_free(to);
            return JET_errOutOfMemory;
        }
    }
    return JET_errSuccess;
}

void params_free(param_value values[PARAM_SLOT_COUNT])
{
    for (int slot = 0; slot < PARAM_SLOT_COUNT; slot++) {
        osal_free(values[slot].string);
        values[slot].string = NULL;
    }
}

static bool is_power_of_two(int64_t v)
{
    return v > 0 && (v & (v - 1)) == 0;
}

JET_ERR param_store(param_value *slot, const param_descriptor *desc, JET_API_PTR lParam,
                    JET_PCWSTR szParam)
{
    if (is_text(desc)) {
        if (!szParam)
            return JET_errInvalidParameter;
        size_t length = utf16_length(szParam);
        if (desc->exact_length && length != desc->exact_length)
            return JET_errInvalidParameter;
        if (length > desc->max_length)
            return JET_errInvalidParameter; /* ESENT: too long is a bad value, not a bad path */
        WCHAR *copy = utf16_duplicate(szParam);
        if (!copy)
            return JET_errOutOfMemory;
        osal_free(slot->string);
        slot->string = copy;
        return JET_errSuccess;
    }
    if (desc->type == PARAM_BOOLEAN) {
        slot->integer = lParam != 0;
        return JET_errSuccess;
    }
    /* JET_API_PTR is unsigned; ESE reads integer parameters as its pointer-sized value. */
    int64_t value = (int64_t)(intptr_t)lParam;
    if (value < desc->min || value > desc->max)
        return JET_errInvalidParameter;
    if (desc->id == JET_paramDatabasePageSize && !is_power_of_two(value))
        return JET_errInvalidParameter;
    slot->integer = value;
    return JET_errSuccess;
}

/* ------------------------------------------------------------------------------------------ */
/* The API                                                                                    */

/* Is `lParam` / `szParam` the value `slot` already holds?  ESENT accepts setting a parameter to
 * its current value at any time, even when the parameter can no longer change. */
static bool param_equals(const param_value *slot, const param_descriptor *desc,
                         JET_API_PTR lParam, JET_PCWSTR szParam)
{
    if (is_text(desc))
        return szParam && slot->string && utf16_compare(slot->string, szParam) == 0;
    if (desc->type == PARAM_BOOLEAN)
        return slot->integer == (lParam != 0);
    return slot->integer == (int64_t)(intptr_t)lParam;
}

/* Which instance a parameter call addresses (docs/contract/first-slice.md §3.1): before any
 * instance exists, always the process-wide values (handles are not even looked at); after
 * that, a session's instance if a session is given, else the instance if a real handle is
 * given, else the process-wide values.  *pinst is NULL for the process-wide values. */
static JET_ERR resolve_target_locked(JET_INSTANCE instance, JET_SESID sesid, ese_instance **pinst)
{
    *pinst = NULL;
    if (!g_engine.multi_instance_mode)
        return JET_errSuccess;
    if (sesid != 0 && sesid != JET_sesidNil) {
        ese_session *session;
        JET_ERR err = session_find_locked(sesid, &session);
        if (err == JET_errSuccess)
            *pinst = session->instance;
        return err;
    }
    if (instance != 0 && instance != JET_instanceNil)
        return engine_find_instance_locked(instance, pinst);
    return JET_errSuccess;
}

static JET_ERR set_locked(JET_INSTANCE instance, JET_SESID sesid, int slot, JET_API_PTR lParam,
                          JET_PCWSTR szParam)
{
    const param_descriptor *desc = &g_param_descriptors[slot];
    ese_instance *inst;
    JET_ERR err = resolve_target_locked(instance, sesid, &inst);
    if (err != JET_errSuccess)
        return err;
    if (inst && desc->scope == PARAM_SCOPE_GLOBAL)
        inst = NULL; /* a process-wide parameter set through an instance: ESENT sets it anyway */

    if (inst) {
        if (inst->state == INSTANCE_INITIALIZING)
            return JET_errInitInProgress;
        if (inst->state == INSTANCE_TERMINATING)
            return JET_errTermInProgress;
    }
    param_value *target = inst ? &inst->params[slot] : &g_engine.global_params[slot];
    if (param_equals(target, desc, lParam, szParam))
        return JET_errSuccess;
    if (desc->fixed_after_init) {
        /* An instance's own setting is frozen by its JetInit; a process-wide one (page size,
         * instance limit) by the existence of any instance, until the last one is gone. */
        if (inst && inst->state == INSTANCE_RUNNING)
            return JET_errAlreadyInitialized;
        if (!inst && desc->scope == PARAM_SCOPE_GLOBAL && g_engine.instance_count > 0)
            return JET_errAlreadyInitialized;
    }
    return param_store(target, desc, lParam, szParam);
}

JET_ERR JET_API JetSetSystemParameterW(JET_INSTANCE *pinstance, JET_SESID sesid,
                                       ESE_ULONG paramid, JET_API_PTR lParam, JET_PCWSTR szParam)
{
    int slot = param_slot_of(paramid);
    if (slot < 0)
        return JET_errInvalidParameter;
    pthread_mutex_lock(&g_engine.lock);
    JET_ERR err = engine_prepare_locked();
    if (err == JET_errSuccess)
        err = set_locked(pinstance ? *pinstance : 0, sesid, slot, lParam, szParam);
    int64_t cache_pages = g_engine.global_params[PARAM_SLOT_CACHE_SIZE_MAX].integer;
    pthread_mutex_unlock(&g_engine.lock);
    /* JET_paramCacheSizeMax is process-wide and may change at any time (as in ESENT, whose
     * setter pushes the new size to its cache manager): the buffer managers' shared budget
     * follows it at once.  Outside g_engine.lock: lowering it trims the cache (buffer-manager
     * locks, DESIGN.md "The cache budget"). */
    if (err == JET_errSuccess && slot == PARAM_SLOT_CACHE_SIZE_MAX)
        bm_set_cache_budget((uint64_t)cache_pages);
    return err;
}

static JET_ERR get_locked(JET_INSTANCE instance, JET_SESID sesid, int slot, JET_API_PTR *plParam,
                          JET_PWSTR szParam, ESE_ULONG cbMax)
{
    const param_descriptor *desc = &g_param_descriptors[slot];
    ese_instance *inst;
    JET_ERR err = resolve_target_locked(instance, sesid, &inst);
    if (err != JET_errSuccess)
        return err;
    const param_value *value = (inst && desc->scope == PARAM_SCOPE_INSTANCE)
                                   ? &inst->params[slot]
                                   : &g_engine.global_params[slot];
    if (!is_text(desc)) {
        if (!plParam)
            return JET_errInvalidParameter;
        *plParam = (JET_API_PTR)value->integer;
        return JET_errSuccess;
    }
    if (!szParam || cbMax < 1)
        return JET_errInvalidParameter;
    size_t cb = (utf16_length(value->string) + 1) * sizeof(WCHAR);
    if (cb > cbMax)
        return JET_errBufferTooSmall;
    memcpy(szParam, value->string, cb);
    return JET_errSuccess;
}

JET_ERR JET_API JetGetSystemParameterW(JET_INSTANCE instance, JET_SESID sesid, ESE_ULONG paramid,
                                       JET_API_PTR *plParam, JET_PWSTR szParam, ESE_ULONG cbMax)
{
    int slot = param_slot_of(paramid);
    if (slot < 0)
        return JET_errInvalidParameter;
    pthread_mutex_lock(&g_engine.lock);
    JET_ERR err = engine_prepare_locked();
    if (err == JET_errSuccess)
        err = get_locked(instance, sesid, slot, plParam, szParam, cbMax);
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}
