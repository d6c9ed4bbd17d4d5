/* session.h -- sessions: JetBeginSessionW, JetEndSession, JetGetVersion, and their registry. */
#ifndef LIBESE_SESSION_H
#define LIBESE_SESSION_H

#include "engine.h"

/* Find a live session (caller holds g_engine.lock): JET_errInvalidSesid if there is none. */
JET_ERR session_find_locked(JET_SESID sesid, ese_session **psession);

/* End every session of `inst` (caller holds g_engine.lock); used by JetTerm. */
void session_end_all_for_instance_locked(ese_instance *inst);

#endif /* LIBESE_SESSION_H */
