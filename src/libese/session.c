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

/* A session and its transaction state in one allocation: ese_session comes first, so the
 * registry's ese_session pointers are these records (only this file allocates sessions). */
typedef struct {
    ese_session session;
    ese_trx trx;
} session_record;

ese_trx *session_trx(ese_session *session)
{
    return &((session_record *)session)->trx;
}

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

/* Unregister a session and close its tables and dbids; the caller then destroys its
 * transaction state and frees it (end_session). */
static ese_session *unregister_session_at_locked(size_t index)
{
    ese_session *session = g_engine.sessions[index];
    api_session_end_locked(session->handle); /* its tables and dbids (api_database.c) */
    session->instance->session_count--;
    g_engine.sessions[index] = g_engine.sessions[--g_engine.session_count];
    return session;
}

/* Roll back an open transaction (ESENT rolls back at JetEndSession) and free the session. */
static void end_session(ese_session *session)
{
    trx_destroy(session_trx(session));
    osal_free(session);
}

void session_end_all_for_instance_locked(ese_instance *inst)
{
    /* JetTerm holds g_engine.lock here; the rollback takes database latches (lock order 1
     * before 3) and does no I/O. */
    for (size_t i = g_engine.session_count; i-- > 0;)
        if (g_engine.sessions[i]->instance == inst)
            end_session(unregister_session_at_locked(i));
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
    session_record *record = osal_calloc(1, sizeof *record);
    if (!record) {
        err = JET_errOutOfMemory;
        goto done;
    }
    session = &record->session;
    session->handle = engine_new_handle_locked();
    trx_init(&record->trx, session->handle);
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
    (void)grbit; /* JET_bitForceSessionClosed (0x1): an open transaction is rolled back anyway */
    pthread_mutex_lock(&g_engine.lock);
    ese_session *gone = NULL;
    for (size_t i = 0; i < g_engine.session_count && !gone; i++)
        if (g_engine.sessions[i]->handle == sesid)
            gone = unregister_session_at_locked(i);
    pthread_mutex_unlock(&g_engine.lock);
    if (!gone)
        return JET_errInvalidSesid;
    end_session(gone); /* the rollback waits for database latches: not under g_engine.lock */
    return JET_errSuccess;
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
