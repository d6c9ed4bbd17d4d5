# Declarations of the Jet API as src/esent_compat.h presents it: the SDK's esent.h on Windows,
# libese's esent.h elsewhere.  Cython copies no prototype into the generated C for `cdef extern`
# functions, so every call is checked against the real header by the C compiler (and, for the
# Windows build, by ci/check-windows-build against the real import library).
#
# Integer types are declared with the header's own names (ESE_ULONG, JET_ERR, JET_API_PTR, ...);
# Cython only needs their signedness, the C compiler supplies the exact width per platform.
#
# Functions are declared as c_<Name> "<Name>" so the Python wrappers can carry the C name.
#
# Constants exported to Python live in pyx/constants.pxi (a `cpdef enum` is exported only by the
# module whose own source declares it).

cdef extern from "esent_compat.h" nogil:
    ctypedef long ESE_LONG
    ctypedef unsigned long ESE_ULONG
    ctypedef long JET_ERR
    ctypedef unsigned long JET_GRBIT
    ctypedef size_t JET_API_PTR
    ctypedef JET_API_PTR JET_INSTANCE
    ctypedef JET_API_PTR JET_SESID
    ctypedef JET_API_PTR JET_HANDLE
    ctypedef unsigned short WCHAR

    ctypedef struct JET_RSTINFO_W:
        ESE_ULONG cbStruct

    const JET_INSTANCE JET_instanceNil
    const JET_SESID JET_sesidNil

    JET_ERR c_JetCreateInstance2W "JetCreateInstance2W"(
        JET_INSTANCE *pinstance, const WCHAR *szInstanceName, const WCHAR *szDisplayName,
        JET_GRBIT grbit)
    JET_ERR c_JetSetSystemParameterW "JetSetSystemParameterW"(
        JET_INSTANCE *pinstance, JET_SESID sesid, ESE_ULONG paramid, JET_API_PTR lParam,
        const WCHAR *szParam)
    JET_ERR c_JetGetSystemParameterW "JetGetSystemParameterW"(
        JET_INSTANCE instance, JET_SESID sesid, ESE_ULONG paramid, JET_API_PTR *plParam,
        WCHAR *szParam, ESE_ULONG cbMax)
    JET_ERR c_JetInit3W "JetInit3W"(
        JET_INSTANCE *pinstance, JET_RSTINFO_W *prstInfo, JET_GRBIT grbit)
    JET_ERR c_JetTerm2 "JetTerm2"(JET_INSTANCE instance, JET_GRBIT grbit)
    JET_ERR c_JetBeginSessionW "JetBeginSessionW"(
        JET_INSTANCE instance, JET_SESID *psesid, const WCHAR *szUserName,
        const WCHAR *szPassword)
    JET_ERR c_JetEndSession "JetEndSession"(JET_SESID sesid, JET_GRBIT grbit)
    JET_ERR c_JetGetVersion "JetGetVersion"(JET_SESID sesid, ESE_ULONG *pwVersion)
    JET_ERR c_JetStopBackupInstance "JetStopBackupInstance"(JET_INSTANCE instance)


# Test-only hooks into libese (fault injection).  On Windows the header makes them report
# "not available", so the same module compiles for both.
cdef extern from "esent_testing.h" nogil:
    int ESENT_HAVE_LIBESE
    int esent_fault_arm(int kind, unsigned long long nth, int enospc)
    void esent_fault_reset()
    unsigned long long esent_fault_count(int kind)
