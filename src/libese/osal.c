/* osal.c -- see osal.h. */
#define _POSIX_C_SOURCE 200809L
#define _DARWIN_C_SOURCE /* F_FULLFSYNC */
#include "osal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eseformat.h"
#include "fault.h"

/* ---- memory ------------------------------------------------------------------------------ */

void *osal_malloc(size_t cb)
{
    if (fault_should_fail(FAULT_ALLOC))
        return NULL;
    return malloc(cb ? cb : 1);
}

char *osal_strdup(const char *s)
{
    size_t cb = strlen(s) + 1;
    char *copy = osal_malloc(cb);
    if (copy)
        memcpy(copy, s, cb);
    return copy;
}

void *osal_calloc(size_t count, size_t cb)
{
    if (fault_should_fail(FAULT_ALLOC))
        return NULL;
    return calloc(count ? count : 1, cb ? cb : 1);
}

void osal_free(void *p)
{
    free(p);
}

/* ---- errors ------------------------------------------------------------------------------ */

JET_ERR osal_error_from_errno(int err, JET_ERR io_error)
{
    switch (err) {
    case 0:
        return JET_errSuccess;
    case ENOMEM:
        return JET_errOutOfMemory;
    case ENOENT:
        return JET_errFileNotFound;
    case ENOTDIR:
    case ENAMETOOLONG:
        return JET_errInvalidPath;
    case EACCES:
    case EPERM:
    case EROFS:
    case EBUSY:
    case ETXTBSY:
        return JET_errFileAccessDenied;
    case EEXIST:
        return JET_errFileAlreadyExists;
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
        return JET_errDiskFull;
    default:
        return io_error;
    }
}

/* ---- files ------------------------------------------------------------------------------- */

JET_ERR osal_open(const char *path, int flags, osal_file *file)
{
    int oflags = O_CLOEXEC;
    if ((flags & OSAL_OPEN_READ) && (flags & OSAL_OPEN_WRITE))
        oflags |= O_RDWR;
    else if (flags & OSAL_OPEN_WRITE)
        oflags |= O_WRONLY;
    else
        oflags |= O_RDONLY;
    if (flags & OSAL_OPEN_CREATE)
        oflags |= O_CREAT;
    if (flags & OSAL_OPEN_EXCL)
        oflags |= O_EXCL;
    int fd;
    do {
        fd = open(path, oflags, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return osal_error_from_errno(errno, JET_errDiskIO);
    file->fd = fd;
    return JET_errSuccess;
}

JET_ERR osal_close(osal_file *file)
{
    if (file->fd < 0)
        return JET_errSuccess;
    /* close() is not retried on EINTR: on Linux the descriptor is gone either way. */
    int rc = close(file->fd);
    file->fd = -1;
    return rc == 0 ? JET_errSuccess : osal_error_from_errno(errno, JET_errDiskIO);
}

JET_ERR osal_read_at(osal_file *file, void *buf, size_t cb, uint64_t offset, size_t *pcbRead)
{
    int injected = fault_should_fail(FAULT_READ);
    if (injected)
        return osal_error_from_errno(injected, JET_errDiskIO);
    size_t done = 0;
    while (done < cb) {
        ssize_t n = pread(file->fd, (char *)buf + done, cb - done, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return osal_error_from_errno(errno, JET_errDiskIO);
        }
        if (n == 0)
            break; /* end of file */
        done += (size_t)n;
    }
    if (pcbRead)
        *pcbRead = done;
    return JET_errSuccess;
}

JET_ERR osal_write_at(osal_file *file, const void *buf, size_t cb, uint64_t offset)
{
    int injected = fault_should_fail(FAULT_WRITE);
    if (injected)
        return osal_error_from_errno(injected, JET_errDiskIO);
    size_t done = 0;
    while (done < cb) {
        ssize_t n = pwrite(file->fd, (const char *)buf + done, cb - done, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return osal_error_from_errno(errno, JET_errDiskIO);
        }
        done += (size_t)n;
    }
    return JET_errSuccess;
}

JET_ERR osal_sync(osal_file *file)
{
    int injected = fault_should_fail(FAULT_FSYNC);
    if (injected)
        return osal_error_from_errno(injected, JET_errDiskIO);
#if defined(__APPLE__)
    /* fsync on macOS does not flush the drive's cache; F_FULLFSYNC does. */
    if (fcntl(file->fd, F_FULLFSYNC) == 0)
        return JET_errSuccess;
#endif
    if (fsync(file->fd) != 0)
        return osal_error_from_errno(errno, JET_errDiskIO);
    return JET_errSuccess;
}

JET_ERR osal_size(osal_file *file, uint64_t *pcb)
{
    struct stat st;
    if (fstat(file->fd, &st) != 0)
        return osal_error_from_errno(errno, JET_errDiskIO);
    *pcb = (uint64_t)st.st_size;
    return JET_errSuccess;
}

JET_ERR osal_set_size(osal_file *file, uint64_t cb)
{
    int injected = fault_should_fail(FAULT_WRITE); /* growing a file is a write */
    if (injected)
        return osal_error_from_errno(injected, JET_errDiskIO);
    if (ftruncate(file->fd, (off_t)cb) != 0)
        return osal_error_from_errno(errno, JET_errDiskIO);
    return JET_errSuccess;
}

JET_ERR osal_ensure_directory(const char *path, int create)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISDIR(st.st_mode) ? JET_errSuccess : JET_errInvalidPath;
    if (errno != ENOENT)
        return osal_error_from_errno(errno, JET_errDiskIO);
    if (!create)
        return JET_errInvalidPath;
    /* Create each missing component, as JET_paramCreatePathIfNotExist does. */
    size_t len = strlen(path);
    char *copy = osal_malloc(len + 1);
    if (!copy)
        return JET_errOutOfMemory;
    memcpy(copy, path, len + 1);
    JET_ERR err = JET_errSuccess;
    for (size_t i = 1; i <= len && err == JET_errSuccess; i++) {
        if (copy[i] != '/' && copy[i] != '\0')
            continue;
        char saved = copy[i];
        copy[i] = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST)
            err = osal_error_from_errno(errno, JET_errDiskIO);
        copy[i] = saved;
    }
    osal_free(copy);
    return err;
}

/* ---- time and randomness ----------------------------------------------------------------- */

void osal_now(struct ese_logtime *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm utc;
    gmtime_r(&ts.tv_sec, &utc);
    memset(out, 0, sizeof *out);
    out->year = (uint16_t)(utc.tm_year + 1900);
    out->month = (uint8_t)(utc.tm_mon + 1);
    out->day = (uint8_t)utc.tm_mday;
    out->hour = (uint8_t)utc.tm_hour;
    out->minute = (uint8_t)utc.tm_min;
    out->second = (uint8_t)utc.tm_sec;
    out->millisecond = (uint16_t)(ts.tv_nsec / 1000000);
    out->utc = true;
}

uint32_t osal_random_u32(void)
{
    uint32_t value = 0;
    FILE *urandom = fopen("/dev/urandom", "rb");
    if (urandom) {
        size_t got = fread(&value, sizeof value, 1, urandom);
        fclose(urandom);
        if (got == 1)
            return value;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 7) ^ ((uint32_t)getpid() << 16);
}

/* ---- UTF-16 text ------------------------------------------------------------------------- */

size_t utf16_length(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int utf16_compare(const WCHAR *a, const WCHAR *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)*a - (int)*b;
}

WCHAR *utf16_duplicate(const WCHAR *s)
{
    size_t n = utf16_length(s);
    WCHAR *copy = osal_malloc((n + 1) * sizeof(WCHAR));
    if (copy)
        memcpy(copy, s, (n + 1) * sizeof(WCHAR));
    return copy;
}

char *utf16_to_utf8(const WCHAR *s, JET_ERR *perr)
{
    size_t n = utf16_length(s);
    char *out = osal_malloc(n * 3 + 1); /* a code unit never needs more than 3 bytes */
    if (!out) {
        *perr = JET_errOutOfMemory;
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            i++;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            osal_free(out);
            *perr = JET_errInvalidParameter;
            return NULL;
        }
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else { /* a surrogate pair: 2 units in, 4 bytes out, within the 3-per-unit budget */
            out[o++] = (char)(0xF0 | (cp >> 18));
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = '\0';
    *perr = JET_errSuccess;
    return out;
}

WCHAR *utf8_to_utf16(const char *s, JET_ERR *perr)
{
    size_t n = strlen(s);
    WCHAR *out = osal_malloc((n + 1) * sizeof(WCHAR)); /* never more units than bytes */
    if (!out) {
        *perr = JET_errOutOfMemory;
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p) {
        uint32_t cp;
        int extra;
        if (*p < 0x80) {
            cp = *p;
            extra = 0;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            extra = 1;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            extra = 2;
        } else if ((*p & 0xF8) == 0xF0) {
            cp = *p & 0x07;
            extra = 3;
        } else {
            goto invalid;
        }
        p++;
        for (int k = 0; k < extra; k++, p++) {
            if ((*p & 0xC0) != 0x80)
                goto invalid;
            cp = (cp << 6) | (*p & 0x3F);
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[o++] = (WCHAR)(0xD800 + (cp >> 10));
            out[o++] = (WCHAR)(0xDC00 + (cp & 0x3FF));
        } else {
            out[o++] = (WCHAR)cp;
        }
    }
    out[o] = 0;
    *perr = JET_errSuccess;
    return out;
invalid:
    osal_free(out);
    *perr = JET_errInvalidParameter;
    return NULL;
}
