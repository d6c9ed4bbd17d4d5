# Instance lifecycle and system parameters: JetCreateInstance2, JetSetSystemParameter,
# JetGetSystemParameter, JetInit3, JetTerm2, JetStopBackupInstance.

instance_nil = <JET_API_PTR>JET_instanceNil
sesid_nil = <JET_API_PTR>JET_sesidNil

cdef enum:
    # Longest string parameter ESENT has (paths are shorter): room for 1024 UTF-16 units.
    _PARAM_TEXT_BYTES = 2048


def JetCreateInstance2(name, display_name=None, JET_GRBIT grbit=0):
    """Create an instance (not yet initialised) and return its handle.

    ``name`` must be unique in the process (JET_errInstanceNameInUse otherwise);
    ``display_name`` is what event logs show.
    """
    cdef JET_INSTANCE instance = 0
    cdef bytes wname = to_wide(name, "name")
    cdef bytes wdisplay = to_wide(display_name, "display_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef const WCHAR *pdisplay = wide_ptr(wdisplay)
    cdef JET_ERR err
    with nogil:
        err = c_JetCreateInstance2W(&instance, pname, pdisplay, grbit)
    check(err, "JetCreateInstance2")
    return instance


def JetSetSystemParameter(instance, JET_SESID sesid, ESE_ULONG paramid, lParam=0, szParam=None):
    """Set a system parameter.

    ``instance`` None or 0 sets the process-wide value (for global parameters) or the default
    that instances created afterwards start from; an instance handle sets that instance's own
    value.  Integer and boolean parameters take ``lParam``; string and path parameters take
    ``szParam``.
    """
    cdef JET_INSTANCE handle = 0 if instance is None else <JET_INSTANCE>instance
    cdef JET_INSTANCE *phandle = NULL if instance is None else &handle
    cdef JET_API_PTR value = <JET_API_PTR>(1 if lParam is True else 0 if lParam is False else lParam)
    cdef bytes wtext = to_wide(szParam, "szParam")
    cdef const WCHAR *ptext = wide_ptr(wtext)
    cdef JET_ERR err
    with nogil:
        err = c_JetSetSystemParameterW(phandle, sesid, paramid, value, ptext)
    check(err, "JetSetSystemParameter")


def JetGetSystemParameter(instance, JET_SESID sesid, ESE_ULONG paramid,
                          ESE_ULONG cbMax=_PARAM_TEXT_BYTES):
    """Read a system parameter; returns ``(lParam, szParam)``.

    Integer and boolean parameters come back in ``lParam`` (``szParam`` is ""), string and path
    parameters in ``szParam``.  ``instance`` 0 reads the process-wide value or default.
    ``cbMax`` is the size in bytes of the text buffer handed to the engine.
    """
    cdef JET_INSTANCE handle = 0 if instance is None else <JET_INSTANCE>instance
    cdef JET_API_PTR value = 0
    cdef bytearray text = bytearray(cbMax + 2)  # +2: always NUL-terminated for decoding
    cdef char *ptext = text
    cdef JET_ERR err
    with nogil:
        err = c_JetGetSystemParameterW(handle, sesid, paramid, &value, <WCHAR *>ptext, cbMax)
    check(err, "JetGetSystemParameter")
    return value, from_wide(ptext, cbMax)


def JetInit3(instance, JET_GRBIT grbit=0):
    """Initialise an instance created by JetCreateInstance2; returns the handle.

    Recovery runs here when the instance's logs say the last run did not end cleanly.
    """
    cdef JET_INSTANCE handle = instance
    cdef JET_ERR err
    with nogil:
        err = c_JetInit3W(&handle, NULL, grbit)
    check(err, "JetInit3")
    return handle


def JetTerm2(JET_INSTANCE instance, JET_GRBIT grbit=JET_bitTermComplete):
    """Terminate an instance (initialised or not); its handle and sessions become invalid."""
    cdef JET_ERR err
    with nogil:
        err = c_JetTerm2(instance, grbit)
    check(err, "JetTerm2")


def JetStopBackupInstance(JET_INSTANCE instance):
    """Ask a running streaming backup on ``instance`` to stop; safe from any thread.

    It returns at once: backup calls made after it fail with JET_errBackupAbortByServer, while
    JetCloseFileInstance and JetEndExternalBackupInstance2 still work.  Succeeds when no backup
    runs.  A nil handle raises InvalidParameterError, any other dead handle InvalidInstanceError.
    """
    cdef JET_ERR err
    with nogil:
        err = c_JetStopBackupInstance(instance)
    check(err, "JetStopBackupInstance")
