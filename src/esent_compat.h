/*
 * esent_compat.h -- the one header src/_esent.pyx includes for the Jet API.
 *
 * Windows: <windows.h> then the SDK's <esent.h> at JET_VERSION 0x0A00, then, each under #ifndef
 * so the SDK's own definition wins where it has one, the constants some SDK and mingw-w64
 * headers lack: esent_constants.h (grbits, parameter ids, column types; ese-backup-facts.md
 * section 11 lists the backup ones) and the few error codes below that older headers lack.
 *
 * Elsewhere: libese's esent.h (src/libese/include), which defines everything itself.
 */
#ifndef ESENT_COMPAT_H
#define ESENT_COMPAT_H

#ifdef _WIN32

#ifndef JET_VERSION
#define JET_VERSION 0x0A00
#endif
#include <windows.h>
#include <esent.h>

/* ESE's `long` / `unsigned long`, spelled as the SDK spells them, so that pointers the binding
 * passes (&cbActual, &version, ...) have exactly the SDK's pointee type.  libese's esent.h
 * defines the same names as int32_t / uint32_t. */
typedef long ESE_LONG;
typedef unsigned long ESE_ULONG;

#ifdef __MINGW32__
/* mingw-w64's esent.h redefines JetGetTableColumnInfoW as __MINGW_NAME_AW(JetGetTableColumnInfo),
 * which becomes JetGetTableColumnInfoA unless UNICODE is defined.  The SDK declares only the
 * function; drop the macro so the W function (declared just before it) is the one called. */
#ifdef JetGetTableColumnInfoW
#undef JetGetTableColumnInfoW
#endif

/* esent.dll exports JetStopServiceInstance2 (JET_VERSION >= 0x0602, ese-backup-facts.md §3.11)
 * but mingw-w64's esent.h predates it: declare it as the SDK does. */
JET_ERR JET_API JetStopServiceInstance2(JET_INSTANCE instance, const JET_GRBIT grbit);
#endif

#else

#include "esent.h"

#endif /* _WIN32 */

/* Parameter ids, grbits, column types and other constants, each under #ifndef. */
#include "esent_constants.h"

/* ---- error codes the binding names that older headers lack ------------------------------ */
#ifndef JET_errBackupAbortByServer
#define JET_errBackupAbortByServer (-801)
#endif
#ifndef JET_errLogFileNotCopied
#define JET_errLogFileNotCopied (-616)
#endif
#ifndef JET_errDiskReadVerificationFailure
#define JET_errDiskReadVerificationFailure (-1021)
#endif
#ifndef JET_errReadPgnoVerifyFailure
#define JET_errReadPgnoVerifyFailure (-1118)
#endif
#ifndef JET_errReadLostFlushVerifyFailure
#define JET_errReadLostFlushVerifyFailure (-1119)
#endif
#ifndef JET_errDatabaseAttachedForRecovery
#define JET_errDatabaseAttachedForRecovery (-1231)
#endif
#ifndef JET_errFileAlreadyExists
#define JET_errFileAlreadyExists (-1814)
#endif

#endif /* ESENT_COMPAT_H */
