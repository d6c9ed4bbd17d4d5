/*
 * osal_files.h -- file-system primitives beyond osal.h that the log and the checkpoint need:
 * rename, unlink, directory fsync, directory listing, an exclusive advisory lock, path joining,
 * and the two I/O wrappers that let the power-loss simulator (powerloss.h) see every write and
 * every fsync.
 *
 * Like osal.c these are POSIX only.  Every function returns JET_errSuccess or the Jet error
 * osal_error_from_errno() gives for the failure; the caller maps generic I/O errors to its own
 * context (the log turns them into JET_errLogWriteFail, for instance).
 *
 * Fault injection (fault.h): osal_sync_directory() counts as an fsync (FAULT_FSYNC), because a
 * failed directory fsync is as fatal to durability as a failed file fsync.  Rename, unlink and
 * listing have no fault kind of their own and are never failed on purpose.
 */
#ifndef LIBESE_OSAL_FILES_H
#define LIBESE_OSAL_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "osal.h"

/* ---- writes the power-loss simulator can see ---------------------------------------------- */

/* osal_write_at() with the power-loss hooks around it: when simulated power loss is armed, the
 * bytes about to be overwritten are saved first so that a later "power cut" can put them back.
 * The file must be open for reading too (OSAL_OPEN_READ | OSAL_OPEN_WRITE) so the old bytes can
 * be read.  Costs one atomic load more than osal_write_at() when power loss is not armed. */
JET_ERR osal_files_write_at(osal_file *file, const void *buf, size_t cb, uint64_t offset);

/* osal_sync() that, on success, tells the power-loss simulator this file's data is durable. */
JET_ERR osal_files_sync(osal_file *file);

/* ---- names and directories ---------------------------------------------------------------- */

/* "<dir>/<name>" in a new osal_malloc'd string (no doubled slash when dir ends with one). */
JET_ERR osal_path_join(const char *dir, const char *name, char **ppath);

/* rename(2): atomically replaces `to` if it exists. */
JET_ERR osal_rename(const char *from, const char *to);

/* unlink(2): JET_errFileNotFound when the file does not exist. */
JET_ERR osal_unlink(const char *path);

/* *pexists = whether `path` names an existing file of any kind. */
JET_ERR osal_path_exists(const char *path, bool *pexists);

/* Make the directory's entries durable (after create/rename/unlink inside it): fsync on the
 * directory itself (F_FULLFSYNC first on macOS).  Counts as FAULT_FSYNC for fault injection. */
JET_ERR osal_sync_directory(const char *dir);

/* The names in a directory, without "." and "..", in no particular order. */
typedef struct {
    char **names;
    size_t count;
} osal_dir_listing;

JET_ERR osal_list_directory(const char *dir, osal_dir_listing *listing);

/* Free what osal_list_directory() allocated (safe on a zeroed listing). */
void osal_dir_listing_free(osal_dir_listing *listing);

/* ---- locking -------------------------------------------------------------------------------- */

/* Take an exclusive, non-blocking flock(2) lock on an open file: JET_errFileAccessDenied when
 * another open file description (in this process or another) holds it.  flock rather than
 * fcntl locks because two instances in one process must exclude each other too.  The lock goes
 * away when the descriptor is closed. */
JET_ERR osal_lock_exclusive(osal_file *file);

/* *psame = whether `path` currently names the same file (device and inode) as `file`: after
 * locking a file by name, this tells whether it was renamed away in between. */
JET_ERR osal_is_same_file(osal_file *file, const char *path, bool *psame);

#endif /* LIBESE_OSAL_FILES_H */
