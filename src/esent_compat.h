/*
 * esent_compat.h -- the one header src/_esent.pyx includes for the Jet API.
 *
 * Windows: <windows.h> then the SDK's <esent.h> at JET_VERSION 0x0A00, then, each under #ifndef
 * so the SDK's own definition wins where it has one, the constants some SDK and mingw-w64
 * headers lack (ese-backup-facts.md section 11: backup, term, snapshot and stop-service grbits,
 * the legacy-file-name bits, and error codes added after those headers were cut).
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

#else

#include "esent.h"

#endif /* _WIN32 */

/* ---- streaming backup ------------------------------------------------------------------- */
#ifndef JET_bitBackupIncremental
#define JET_bitBackupIncremental 0x00000001
#endif
#ifndef JET_bitBackupAtomic
#define JET_bitBackupAtomic 0x00000004
#endif
#ifndef JET_bitBackupSnapshot
#define JET_bitBackupSnapshot 0x00000010
#endif
#ifndef JET_bitBackupEndNormal
#define JET_bitBackupEndNormal 0x00000001
#endif
#ifndef JET_bitBackupEndAbort
#define JET_bitBackupEndAbort 0x00000002
#endif
#ifndef JET_bitBackupTruncateDone
#define JET_bitBackupTruncateDone 0x00000100
#endif

/* ---- JetTerm2 --------------------------------------------------------------------------- */
#ifndef JET_bitTermComplete
#define JET_bitTermComplete 0x00000001
#endif
#ifndef JET_bitTermAbrupt
#define JET_bitTermAbrupt 0x00000002
#endif
#ifndef JET_bitTermStopBackup
#define JET_bitTermStopBackup 0x00000004
#endif
#ifndef JET_bitTermDirty
#define JET_bitTermDirty 0x00000008
#endif

/* ---- JetStopServiceInstance2 ------------------------------------------------------------ */
#ifndef JET_bitStopServiceAll
#define JET_bitStopServiceAll 0x00000000
#endif
#ifndef JET_bitStopServiceBackgroundUserTasks
#define JET_bitStopServiceBackgroundUserTasks 0x00000002
#endif
#ifndef JET_bitStopServiceQuiesceCaches
#define JET_bitStopServiceQuiesceCaches 0x00000004
#endif
#ifndef JET_bitStopServiceResume
#define JET_bitStopServiceResume 0x80000000
#endif

/* ---- JET_paramLegacyFileNames ----------------------------------------------------------- */
#ifndef JET_bitESE98FileNames
#define JET_bitESE98FileNames 0x00000001
#endif
#ifndef JET_bitEightDotThreeSoftCompat
#define JET_bitEightDotThreeSoftCompat 0x00000002
#endif

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
