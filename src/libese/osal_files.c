/* osal_files.c -- see osal_files.h. */
#define _DEFAULT_SOURCE  /* flock, dirent types on glibc */
#define _DARWIN_C_SOURCE /* F_FULLFSYNC, flock on macOS */
#include "osal_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"
#include "powerloss.h"

/* ---- writes the power-loss simulator can see ---------------------------------------------- */

JET_ERR osal_files_write_at(osal_file *file, const void *buf, size_t cb, uint64_t offset)
{
    /* begin/end bracket the real write so that, while armed, a simulated cut can never fall
     * between saving the old bytes and writing the new ones. */
    powerloss_write_begin(file->fd, offset, cb);
    JET_ERR err = osal_write_at(file, buf, cb, offset);
    powerloss_write_end(file->fd);
    return err;
}

JET_ERR osal_files_sync(osal_file *file)
{
    JET_ERR err = osal_sync(file);
    if (err == JET_errSuccess)
        powerloss_note_sync(file->fd);
    return err;
}

/* ---- names and directories ---------------------------------------------------------------- */

JET_ERR osal_path_join(const char *dir, const char *name, char **ppath)
{
    size_t cb_dir = strlen(dir), cb_name = strlen(name);
    bool slash = cb_dir > 0 && dir[cb_dir - 1] != '/';
    char *path = osal_malloc(cb_dir + (slash ? 1 : 0) + cb_name + 1);
    if (!path)
        return JET_errOutOfMemory;
    memcpy(path, dir, cb_dir);
    if (slash)
        path[cb_dir++] = '/';
    memcpy(path + cb_dir, name, cb_name + 1);
    *ppath = path;
    return JET_errSuccess;
}

JET_ERR osal_rename(const char *from, const char *to)
{
    if (rename(from, to) != 0)
        return osal_error_from_errno(errno, JET_errDiskIO);
    return JET_errSuccess;
}

JET_ERR osal_unlink(const char *path)
{
    if (unlink(path) != 0)
        return osal_error_from_errno(errno, JET_errDiskIO);
    return JET_errSuccess;
}

JET_ERR osal_path_exists(const char *path, bool *pexists)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        *pexists = true;
        return JET_errSuccess;
    }
    if (errno == ENOENT) {
        *pexists = false;
        return JET_errSuccess;
    }
    return osal_error_from_errno(errno, JET_errDiskIO);
}

JET_ERR osal_sync_directory(const char *dir)
{
    int injected = fault_should_fail(FAULT_FSYNC);
    if (injected)
        return osal_error_from_errno(injected, JET_errDiskIO);
    int fd;
    do {
        fd = open(dir, O_RDONLY | O_CLOEXEC
#ifdef O_DIRECTORY
                           | O_DIRECTORY
#endif
        );
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return osal_error_from_errno(errno, JET_errDiskIO);
    int rc = -1;
#if defined(__APPLE__)
    rc = fcntl(fd, F_FULLFSYNC);
#endif
    if (rc != 0)
        rc = fsync(fd);
    /* Some file systems refuse fsync on a directory (EINVAL): nothing more can be done there,
     * and the directory entry is then as durable as that file system makes it. */
    JET_ERR err = (rc == 0 || errno == EINVAL) ? JET_errSuccess
                                               : osal_error_from_errno(errno, JET_errDiskIO);
    close(fd);
    return err;
}

void osal_dir_listing_free(osal_dir_listing *listing)
{
    for (size_t i = 0; i < listing->count; i++)
        osal_free(listing->names[i]);
    osal_free(listing->names);
    listing->names = NULL;
    listing->count = 0;
}

JET_ERR osal_list_directory(const char *dir, osal_dir_listing *listing)
{
    listing->names = NULL;
    listing->count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return osal_error_from_errno(errno, JET_errDiskIO);
    size_t capacity = 0;
    JET_ERR err = JET_errSuccess;
    for (;;) {
        errno = 0;
        struct dirent *entry = readdir(d);
        if (!entry) {
            if (errno != 0)
                err = osal_error_from_errno(errno, JET_errDiskIO);
            break;
        }
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        if (listing->count == capacity) {
            size_t grown = capacity ? capacity * 2 : 16;
            char **names = osal_malloc(grown * sizeof *names);
            if (!names) {
                err = JET_errOutOfMemory;
                break;
            }
            if (listing->count)
                memcpy(names, listing->names, listing->count * sizeof *names);
            osal_free(listing->names);
            listing->names = names;
            capacity = grown;
        }
        size_t cb = strlen(entry->d_name) + 1;
        char *name = osal_malloc(cb);
        if (!name) {
            err = JET_errOutOfMemory;
            break;
        }
        memcpy(name, entry->d_name, cb);
        listing->names[listing->count++] = name;
    }
    closedir(d);
    if (err != JET_errSuccess)
        osal_dir_listing_free(listing);
    return err;
}

/* ---- locking -------------------------------------------------------------------------------- */

JET_ERR osal_lock_exclusive(osal_file *file)
{
    int rc;
    do {
        rc = flock(file->fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0)
        return JET_errSuccess;
    if (errno == EWOULDBLOCK)
        return JET_errFileAccessDenied;
    return osal_error_from_errno(errno, JET_errDiskIO);
}

JET_ERR osal_is_same_file(osal_file *file, const char *path, bool *psame)
{
    struct stat by_fd, by_name;
    if (fstat(file->fd, &by_fd) != 0)
        return osal_error_from_errno(errno, JET_errDiskIO);
    if (stat(path, &by_name) != 0) {
        if (errno == ENOENT) {
            *psame = false;
            return JET_errSuccess;
        }
        return osal_error_from_errno(errno, JET_errDiskIO);
    }
    *psame = by_fd.st_dev == by_name.st_dev && by_fd.st_ino == by_name.st_ino;
    return JET_errSuccess;
}
