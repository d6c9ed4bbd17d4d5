/*
 * native_io.h -- the few OS calls the backup copy loop makes itself: page-aligned memory for
 * JetReadFileInstance's buffer and "write everything" to a file descriptor.
 *
 * JetReadFileInstance refuses a buffer that is not aligned to the OS memory page (fact sheet
 * §3.4: ESENT checks against GetSystemInfo().dwPageSize and documents VirtualAlloc), so the
 * buffer comes from VirtualAlloc on Windows and posix_memalign elsewhere.  Both are released
 * only by esent_page_free, never by free() of another allocator.
 */
#ifndef ESENT_NATIVE_IO_H
#define ESENT_NATIVE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#ifdef _WIN32
#include <windows.h>
#include <io.h>

static size_t esent_os_page_size(void)
{
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return info.dwPageSize;
}

static void *esent_page_alloc(size_t size)
{
    return VirtualAlloc(NULL, size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

static void esent_page_free(void *memory)
{
    if (memory != NULL)
        VirtualFree(memory, 0, MEM_RELEASE);
}

/* Write all of [data, data+size) to fd; 0 on success, else the errno of the failure. */
static int esent_write_all(int fd, const char *data, size_t size)
{
    while (size > 0) {
        /* _write takes an unsigned int count: write in pieces below 1 GiB. */
        unsigned int piece = size > (1u << 30) ? (1u << 30) : (unsigned int)size;
        int written = _write(fd, data, piece);
        if (written < 0)
            return errno ? errno : EIO;
        if (written == 0)
            return ENOSPC;
        data += written;
        size -= (size_t)written;
    }
    return 0;
}
#else
#include <stdlib.h>
#include <unistd.h>

static size_t esent_os_page_size(void)
{
    long size = sysconf(_SC_PAGESIZE);
    return size > 0 ? (size_t)size : 4096u;
}

static void *esent_page_alloc(size_t size)
{
    void *memory = NULL;
    return posix_memalign(&memory, esent_os_page_size(), size) == 0 ? memory : NULL;
}

static void esent_page_free(void *memory)
{
    free(memory);
}

static int esent_write_all(int fd, const char *data, size_t size)
{
    while (size > 0) {
        ssize_t written = write(fd, data, size);
        if (written < 0) {
            if (errno == EINTR)
                continue;   /* a signal arrived: the GIL holder deals with it after the span */
            return errno;
        }
        if (written == 0)
            return ENOSPC;
        data += written;
        size -= (size_t)written;
    }
    return 0;
}
#endif

#endif /* ESENT_NATIVE_IO_H */
