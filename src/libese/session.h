/* session.h -- sessions: JetBeginSessionW, JetEndSession, JetGetVersion, and their registry. */
#ifndef LIBESE_SESSION_H
#define LIBESE_SESSION_H

#include "engine.h"
#include "trx.h"

/* Find a live session (caller holds g_engine.lock): JET_errInvalidSesid if there is none. */
JET_ERR session_find_locked(JET_SESID sesid, ese_session **psession);

/* End every session of `inst` (caller holds g_engine.lock); used by JetTerm.  Open
 * transactions are rolled back (memory only: nothing of them reached a page). */
void session_end_all_for_instance_locked(ese_instance *inst);

/* The session's transaction state (it lives as long as the session; used by its own thread). */
ese_trx *session_trx(ese_session *session);

#endif /* LIBESE_SESSION_H */
