# Sessions: JetBeginSession, JetEndSession, JetGetVersion.


def JetBeginSession(JET_INSTANCE instance, username=None, password=None):
    """Begin a session on an initialised instance; returns the session handle."""
    cdef JET_SESID sesid = 0
    cdef bytes wuser = to_wide(username, "username")
    cdef bytes wpassword = to_wide(password, "password")
    cdef const WCHAR *puser = wide_ptr(wuser)
    cdef const WCHAR *ppassword = wide_ptr(wpassword)
    cdef JET_ERR err
    with nogil:
        err = c_JetBeginSessionW(instance, &sesid, puser, ppassword)
    check(err, "JetBeginSession")
    return sesid


def JetEndSession(JET_SESID sesid, JET_GRBIT grbit=0):
    """End a session; its handle becomes invalid."""
    cdef JET_ERR err
    with nogil:
        err = c_JetEndSession(sesid, grbit)
    check(err, "JetEndSession")


def JetGetVersion(JET_SESID sesid):
    """The engine version number (major, minor, build and service pack packed in 32 bits)."""
    cdef ESE_ULONG version = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetGetVersion(sesid, &version)
    check(err, "JetGetVersion")
    return version
