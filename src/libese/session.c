/* session.c -- see session.h.  Behaviour per docs/contract/first-slice.md. */
#include "session.h"

#include "api_data.h"
#include "osal.h"

/* JetGetVersion's answer.  ESENT packs major (bits 28-31), minor (24-27), build (8-23) and
 * service pack (0-7); libese reports the Windows 10 engine family whose contract it follows
 * (JET_VERSION 0x0A00) with build 0, so no caller mistakes it for a real esent.dll build. */
#define LIBESE_VERSION_MAJOR 10u
#define LIBESE_VERSION_MINOR 0u
#define LIBESE_VERSION ((LIBESE_VERSION_MAJOR << 28) | (LIBESE_VERSION_MINOR << 24))

JET_ERR session_find_locked(JET_SESID sesid, ese_session **psession)
{
    for (size_t i = 0; i < g_engine.session_count; i++) {
        if (g_engine.sessions[i]->handle == sesid) {
            *psession = g_engine.sessions[i];
            return JET_errSuccess;
        }
    }
    return JET_errInvalidSesid;
}

static void remove_session_at_locked(size_t index)
{
    ese_session *session = g_engine.sessions[index];
    api_session_end_locked(session->handle); /* its tables and dbids (api_database.c) */
    session->instance->session_count--;
    g_engine.sessions[index] = g_engine.sessions[--g_engine.session_count];
    osal_free(session);
}

void session_end_all_for_instance_locked(ese_instance *inst)
{
    for (size_t i = g_engine.session_count; i-- > 0;)
        if (g_engine.sessions[i]->instance == inst)
            remove_session_at_locked(i);
}

JET_ERR JET_API JetBeginSessionW(JET_INSTANCE instance, JET_SESID *psesid, JET_PCWSTR szUserName,
                                 JET_PCWSTR szPassword)
{
    (void)szUserName; /* ESENT ignores the user name and password */
    (void)szPassword;
    if (!psesid)
        return JET_errInvalidParameter;

    pthread_mutex_lock(&g_engine.lock);
    ese_instance *inst;
    ese_session *session = NULL;
    JET_ERR err = engine_find_instance_locked(instance, &inst);
    if (err != JET_errSuccess)
        goto done;
    if (inst->state == INSTANCE_TERMINATING) {
        err = JET_errTermInProgress;
        goto done;
    }
    if (inst->state != INSTANCE_RUNNING) {
        err = JET_errNotInitialized;
        goto done;
    }
    if (inst->session_count >= (uint64_t)inst->params[PARAM_SLOT_MAX_SESSIONS].integer) {
        err = JET_errOutOfSessions;
        goto done;
    }
    err = engine_reserve_locked((void ***)&g_engine.sessions, g_engine.session_count,
                                &g_engine.session_capacity);
    if (err != JET_errSuccess)
        goto done;
    session = osal_calloc(1, sizeof *session);
    if (!session) {
        err = JET_errOutOfMemory;
        goto done;
    }
    session->handle = engine_new_handle_locked();
    session->instance = inst;
    inst->session_count++;
    g_engine.sessions[g_engine.session_count++] = session;
    *psesid = session->handle;

done:
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

JET_ERR JET_API JetEndSession(JET_SESID sesid, JET_GRBIT grbit)
{
    (void)grbit; /* JET_bitForceSessionClosed (0x1) changes nothing while libese has no trx */
    pthread_mutex_lock(&g_engine.lock);
    JET_ERR err = JET_errInvalidSesid;
    for (size_t i = 0; i < g_engine.session_count; i++) {
        if (g_engine.sessions[i]->handle == sesid) {
            remove_session_at_locked(i);
            err = JET_errSuccess;
            break;
        }
    }
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

JET_ERR JET_API JetGetVersion(JET_SESID sesid, ESE_ULONG *pwVersion)
{
    if (!pwVersion)
        return JET_errInvalidParameter;
    /* ESENT validates the session here despite its documentation (first-slice.md §8). */
    pthread_mutex_lock(&g_engine.lock);
    ese_session *session;
    JET_ERR err = session_find_locked(sesid, &session);
    pthread_mutex_unlock(&g_engine.lock);
    if (err == JET_errSuccess)
        *pwVersion = LIBESE_VERSION;
    return err;
}
