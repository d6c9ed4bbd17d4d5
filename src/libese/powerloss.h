/*
 * powerloss.h -- simulated power loss for crash-consistency tests.
 *
 * Killing a process (even with SIGKILL) never loses data: whatever it wrote is in the kernel's
 * page cache and reaches the disk later.  A real power cut also loses every write that was not
 * yet fsynced, or keeps only some of its sectors.  This module reproduces that inside one
 * process, so a test can crash a forked child at an exact point and inspect the files after:
 *
 *   - while armed, every write made through osal_files_write_at() first saves the bytes it is
 *     about to overwrite (whole 512-byte sectors; zeros past the end of the file);
 *   - a successful fsync of a file (osal_files_sync()) forgets that file's saved bytes: they are
 *     durable now;
 *   - at the cut (powerloss_cut(), or automatically after the Nth write), every write not yet
 *     fsynced is given a fate drawn from the seed: kept whole, dropped whole, torn (only a random
 *     prefix of its sectors kept) or scattered (a random subset of its sectors kept, as a disk
 *     that reorders the sectors of one request may leave).  A sector ends up holding the data
 *     of the newest write that "reached the disk" for it, or its content at the last fsync if
 *     none did -- exactly the set of states a real disk can be left in, since the page cache may
 *     have written any intermediate version back before the cut.  The restored bytes are written
 *     back with pwrite and the process ends at once with _exit(POWERLOSS_EXIT_STATUS), so no
 *     atexit handler, stdio buffer or other thread gets to write anything more.
 *
 * Arming: LIBESE_POWERLOSS="<seed>:<after_n_writes>" in the environment (read once, at the first
 * write that passes here), or powerloss_arm() from a test.  after_n_writes = 0 records without
 * ever cutting by itself (the test calls powerloss_cut()).  Arm before the writes to be modelled:
 * writes made before arming are treated as durable.
 *
 * Hooking other files: any module can take part by writing through osal_files_write_at() and
 * syncing through osal_files_sync(), or by calling powerloss_write_begin/end around its own
 * writes and powerloss_note_sync after its own fsyncs.  Files are told apart by device and inode,
 * so renames, several descriptors on one file and closed descriptors are all handled (a
 * duplicate descriptor is kept open for restoring).
 *
 * What it does NOT model:
 *   - directory entries and other metadata: creates, renames and unlinks made before the cut
 *     stay done, even those whose directory was never fsynced;
 *   - file sizes: a dropped write past the old end of file leaves zeros, not a shorter file;
 *   - writes issued outside these hooks (plain write(2), mmap);
 *   - a disk that acknowledges an fsync and loses the data anyway, or corrupts data at rest.
 *   - descriptors opened write-only cannot be read back: their writes are counted but kept.
 * Thread safety: writes and syncs are serialised while armed (test mode only); arm before
 * starting threads.  When not armed every hook costs one atomic load.
 */
#ifndef LIBESE_POWERLOSS_H
#define LIBESE_POWERLOSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The exit status of a process ended by a simulated power cut. */
#define POWERLOSS_EXIT_STATUS 86

/* The unit a disk writes atomically, for tearing. */
#define POWERLOSS_SECTOR_SIZE 512u

/* Start recording writes; cut the power right after the `cut_after_writes`-th write from now
 * (0: never by itself).  `seed` picks the fate of every unsynced write at the cut.  Arming again
 * forgets what was recorded. */
void powerloss_arm(uint64_t seed, uint64_t cut_after_writes);

/* Arm from a "<seed>:<after_n_writes>" string (the LIBESE_POWERLOSS syntax); false, and nothing
 * armed, when the string does not parse. */
bool powerloss_arm_from_spec(const char *spec);

/* Stop recording and forget everything recorded (the descriptors kept for restoring are
 * closed). */
void powerloss_disarm(void);

/* Whether writes are being recorded. */
bool powerloss_armed(void);

/* Writes seen since arming (the count the automatic cut compares with). */
uint64_t powerloss_write_count(void);

/* Bracket one write of `cb` bytes at `offset` to descriptor `fd`: begin saves the old bytes
 * (and, while armed, holds the module's lock until end, so a cut cannot fall in between); end
 * counts the write and performs the automatic cut when it is due.  Always call both. */
void powerloss_write_begin(int fd, uint64_t offset, size_t cb);
void powerloss_write_end(int fd);

/* After a successful fsync of `fd`: its file's recorded writes are durable. */
void powerloss_note_sync(int fd);

/* Cut the power now: restore or tear every unsynced write as described above, then
 * _exit(POWERLOSS_EXIT_STATUS).  `seed` replaces the armed seed.  Does nothing but exit when
 * not armed. */
_Noreturn void powerloss_cut(uint64_t seed);

#endif /* LIBESE_POWERLOSS_H */
