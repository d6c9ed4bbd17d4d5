/*
 * osal.h -- libese's only door to the operating system: memory, files, UTF-16 text.
 *
 * Keeping every allocation and file operation here gives fault injection (fault.h), error
 * mapping and, later, power-loss simulation one place each.  POSIX only: libese is never
 * compiled on Windows, where the real esent.dll is used.
 */
#ifndef LIBESE_OSAL_H
#define LIBESE_OSAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "esent.h"

/* ---- memory ------------------------------------------------------------------------------ */
/* Same contracts as malloc/calloc/free; NULL on failure (including an injected one). */
void *osal_malloc(size_t cb);
void *osal_calloc(size_t count, size_t cb);
void osal_free(void *p);
/* A copy of a NUL-terminated string from osal_malloc (so allocation faults reach it); NULL on
 * failure. */
char *osal_strdup(const char *s);

/* ---- files ------------------------------------------------------------------------------- */
typedef struct {
    int fd;
} osal_file;

#define OSAL_OPEN_READ      0x1
#define OSAL_OPEN_WRITE     0x2
#define OSAL_OPEN_CREATE    0x4   /* create if missing */
#define OSAL_OPEN_EXCL      0x8   /* with CREATE: fail if it exists */

/* Each returns JET_errSuccess or the Jet error an equivalent failure gives on Windows. */
JET_ERR osal_open(const char *path, int flags, osal_file *file);
JET_ERR osal_close(osal_file *file);
JET_ERR osal_read_at(osal_file *file, void *buf, size_t cb, uint64_t offset, size_t *pcbRead);
JET_ERR osal_write_at(osal_file *file, const void *buf, size_t cb, uint64_t offset);
JET_ERR osal_sync(osal_file *file);
JET_ERR osal_size(osal_file *file, uint64_t *pcb);

/* Take an exclusive lock on the whole file without waiting (osal_files.c):
 * JET_errFileAccessDenied when another open of it holds the lock. */
JET_ERR osal_lock_exclusive(osal_file *file);

/* Grow or shrink the file to exactly cb bytes. */
JET_ERR osal_set_size(osal_file *file, uint64_t cb);

/* Directory checks used by JetInit: JET_errSuccess if `path` is an existing directory (creating
 * it and its parents first when `create` is nonzero), else the matching Jet error. */
JET_ERR osal_ensure_directory(const char *path, int create);

/* Map an errno value to a Jet error.  `io_error` is what a generic I/O failure means in the
 * caller's context (JET_errDiskIO for database files, JET_errLogWriteFail for the log, ...). */
JET_ERR osal_error_from_errno(int err, JET_ERR io_error);

/* ---- time and randomness ----------------------------------------------------------------- */
/* The current UTC time as ESE's LOGTIME fields (eseformat's ese_logtime). */
struct ese_logtime;
void osal_now(struct ese_logtime *out);

/* 32 random bits from the OS (for signatures); never fails (falls back to time and pid). */
uint32_t osal_random_u32(void);

/* ---- UTF-16 text ------------------------------------------------------------------------- */
/* Code units before the terminating NUL. */
size_t utf16_length(const WCHAR *s);

/* Newly allocated UTF-8 copy (osal_free it), or NULL on allocation failure or invalid UTF-16
 * (an unpaired surrogate).  `*perr` says which: JET_errOutOfMemory or JET_errInvalidParameter. */
char *utf16_to_utf8(const WCHAR *s, JET_ERR *perr);

/* Newly allocated UTF-16 copy of a UTF-8 string, or NULL (out of memory / invalid UTF-8). */
WCHAR *utf8_to_utf16(const char *s, JET_ERR *perr);

/* Newly allocated copy of a UTF-16 string, or NULL on allocation failure. */
WCHAR *utf16_duplicate(const WCHAR *s);

/* 0 when equal (exact code units). */
int utf16_compare(const WCHAR *a, const WCHAR *b);

#endif /* LIBESE_OSAL_H */
