/*
 * powerloss.c -- see powerloss.h.
 *
 * Bookkeeping here deliberately uses malloc/free and raw pread/pwrite rather than osal_malloc
 * and osal_read_at: this is test machinery, and it must neither consume the fault injector's
 * allocation/read counts (which would shift "alloc:N" positions between armed and unarmed runs)
 * nor be failed by it (a write whose old bytes were not saved would make the model lie).
 */
#define _DEFAULT_SOURCE
#define _DARWIN_C_SOURCE
#include "powerloss.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One file written while armed, with a descriptor of our own for restoring it.  The descriptor
 * also keeps the inode alive, so its number cannot be reused by another file while the entry
 * exists; the entry is released (fd -1) once none of the file's writes is pending. */
typedef struct {
    dev_t dev;
    ino_t ino;
    int fd;
} pl_file;

/* One unsynced write: the sector-aligned range it touched and the bytes there before it. */
typedef struct {
    size_t file;        /* index into g_files */
    uint64_t offset;    /* sector-aligned */
    size_t cb;          /* multiple of the sector size */
    uint8_t *before;    /* NULL when the old bytes could not be read: the write is then kept */
} pl_write;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int g_armed;
static atomic_int g_env_read;
static uint64_t g_seed, g_cut_after, g_writes; /* under g_lock */
static pl_file *g_files;
static size_t g_file_count, g_file_capacity;
static pl_write *g_pending;
static size_t g_pending_count, g_pending_capacity;
static _Thread_local bool t_inside_write; /* this thread holds g_lock between begin and end */

/* ---- small helpers ------------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void forget_pending_locked(void)
{
    for (size_t i = 0; i < g_pending_count; i++)
        free(g_pending[i].before);
    g_pending_count = 0;
}

static void forget_all_locked(void)
{
    forget_pending_locked();
    for (size_t i = 0; i < g_file_count; i++)
        if (g_files[i].fd >= 0)
            close(g_files[i].fd);
    g_file_count = 0;
    g_writes = 0;
}

/* Index of the file behind `fd`, adding it (with a private duplicate descriptor) if new;
 * SIZE_MAX when the descriptor cannot be examined. */
static size_t file_index_locked(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return SIZE_MAX;
    size_t free_slot = SIZE_MAX;
    for (size_t i = 0; i < g_file_count; i++) {
        if (g_files[i].fd < 0)
            free_slot = i;
        else if (g_files[i].dev == st.st_dev && g_files[i].ino == st.st_ino)
            return i;
    }
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return SIZE_MAX;
    if (free_slot != SIZE_MAX) {
        g_files[free_slot] = (pl_file){.dev = st.st_dev, .ino = st.st_ino, .fd = dup_fd};
        return free_slot;
    }
    if (g_file_count == g_file_capacity) {
        size_t grown = g_file_capacity ? g_file_capacity * 2 : 8;
        pl_file *files = realloc(g_files, grown * sizeof *files);
        if (!files) {
            close(dup_fd);
            return SIZE_MAX;
        }
        g_files = files;
        g_file_capacity = grown;
    }
    g_files[g_file_count] = (pl_file){.dev = st.st_dev, .ino = st.st_ino, .fd = dup_fd};
    return g_file_count++;
}

static void read_environment(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&g_env_read, &expected, 1))
        return;
    const char *spec = getenv("LIBESE_POWERLOSS");
    if (spec && *spec && !powerloss_arm_from_spec(spec))
        fprintf(stderr, "libese: LIBESE_POWERLOSS=\"%s\" is not <seed>:<after_n_writes>\n", spec);
}

/* ---- arming ---------------------------------------------------------------------------------- */

void powerloss_arm(uint64_t seed, uint64_t cut_after_writes)
{
    atomic_store(&g_env_read, 1); /* an explicit arm wins over the environment */
    pthread_mutex_lock(&g_lock);
    forget_all_locked();
    g_seed = seed;
    g_cut_after = cut_after_writes;
    atomic_store(&g_armed, 1);
    pthread_mutex_unlock(&g_lock);
}

bool powerloss_arm_from_spec(const char *spec)
{
    char *end = NULL;
    errno = 0;
    unsigned long long seed = strtoull(spec, &end, 0);
    if (errno || end == spec || *end != ':')
        return false;
    const char *count_text = end + 1;
    unsigned long long after = strtoull(count_text, &end, 10);
    if (errno || end == count_text || *end != '\0')
        return false;
    powerloss_arm(seed, after);
    return true;
}

void powerloss_disarm(void)
{
    pthread_mutex_lock(&g_lock);
    atomic_store(&g_armed, 0);
    forget_all_locked();
    pthread_mutex_unlock(&g_lock);
}

bool powerloss_armed(void)
{
    read_environment();
    return atomic_load(&g_armed) != 0;
}

uint64_t powerloss_write_count(void)
{
    pthread_mutex_lock(&g_lock);
    uint64_t n = g_writes;
    pthread_mutex_unlock(&g_lock);
    return n;
}

/* ---- hooks ------------------------------------------------------------------------------------ */

void powerloss_write_begin(int fd, uint64_t offset, size_t cb)
{
    if (!powerloss_armed())
        return;
    pthread_mutex_lock(&g_lock);
    t_inside_write = true;
    if (!atomic_load(&g_armed) || cb == 0)
        return;
    size_t file = file_index_locked(fd);
    if (file == SIZE_MAX)
        return; /* cannot be restored: the write will simply be kept */
    uint64_t first = offset / POWERLOSS_SECTOR_SIZE * POWERLOSS_SECTOR_SIZE;
    uint64_t last = (offset + cb + POWERLOSS_SECTOR_SIZE - 1) / POWERLOSS_SECTOR_SIZE *
                    POWERLOSS_SECTOR_SIZE;
    size_t span = (size_t)(last - first);
    if (g_pending_count == g_pending_capacity) {
        size_t grown = g_pending_capacity ? g_pending_capacity * 2 : 64;
        pl_write *pending = realloc(g_pending, grown * sizeof *pending);
        if (!pending)
            return;
        g_pending = pending;
        g_pending_capacity = grown;
    }
    uint8_t *before = calloc(1, span);
    if (before) {
        size_t done = 0;
        while (done < span) {
            ssize_t n = pread(fd, before + done, span - done, (off_t)(first + done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) { /* e.g. a write-only descriptor: the old bytes are unknown */
                free(before);
                before = NULL;
                break;
            }
            if (n == 0)
                break; /* past the end of the file: the old bytes are the zeros calloc gave */
            done += (size_t)n;
        }
    }
    g_pending[g_pending_count++] = (pl_write){.file = file, .offset = first, .cb = span,
                                              .before = before};
}

static _Noreturn void cut_locked(uint64_t seed);

void powerloss_write_end(int fd)
{
    (void)fd;
    if (!t_inside_write)
        return;
    t_inside_write = false;
    if (atomic_load(&g_armed)) {
        g_writes++;
        if (g_cut_after && g_writes >= g_cut_after)
            cut_locked(g_seed);
    }
    pthread_mutex_unlock(&g_lock);
}

void powerloss_note_sync(int fd)
{
    if (!powerloss_armed())
        return;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return;
    pthread_mutex_lock(&g_lock);
    size_t kept = 0, synced_file = SIZE_MAX;
    for (size_t i = 0; i < g_pending_count; i++) {
        const pl_file *f = &g_files[g_pending[i].file];
        if (f->fd >= 0 && f->dev == st.st_dev && f->ino == st.st_ino) {
            synced_file = g_pending[i].file;
            free(g_pending[i].before);
        } else {
            g_pending[kept++] = g_pending[i];
        }
    }
    g_pending_count = kept;
    if (synced_file != SIZE_MAX) { /* nothing of it is pending any more: let it go */
        close(g_files[synced_file].fd);
        g_files[synced_file].fd = -1;
    }
    pthread_mutex_unlock(&g_lock);
}

/* ---- the cut ----------------------------------------------------------------------------------- */

/* An open-addressing set of (file, sector) keys: the sectors whose final content is settled. */
typedef struct {
    uint64_t *slots; /* 0 = empty; keys are stored + 1 */
    size_t mask;
} sector_set;

static void sector_set_insert(sector_set *set, uint64_t key, bool *was_present)
{
    key += 1;
    for (size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull) & set->mask;; i = (i + 1) & set->mask) {
        if (set->slots[i] == key) {
            *was_present = true;
            return;
        }
        if (set->slots[i] == 0) {
            set->slots[i] = key;
            *was_present = false;
            return;
        }
    }
}

static bool sector_set_contains(const sector_set *set, uint64_t key)
{
    key += 1;
    for (size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull) & set->mask;; i = (i + 1) & set->mask) {
        if (set->slots[i] == key)
            return true;
        if (set->slots[i] == 0)
            return false;
    }
}

enum { FATE_KEEP, FATE_DROP, FATE_TEAR_PREFIX, FATE_SCATTER, FATE_COUNT };

static _Noreturn void cut_locked(uint64_t seed)
{
    uint64_t rng = seed;
    size_t total_sectors = 0;
    for (size_t i = 0; i < g_pending_count; i++)
        total_sectors += g_pending[i].cb / POWERLOSS_SECTOR_SIZE;
    size_t capacity = 16;
    while (capacity < total_sectors * 2 + 16)
        capacity *= 2;
    sector_set settled = {.slots = calloc(capacity, sizeof(uint64_t)), .mask = capacity - 1};
    if (!settled.slots) { /* cannot model the cut: leave every write in place */
        fprintf(stderr, "libese: simulated power cut without memory: all writes kept\n");
        _exit(POWERLOSS_EXIT_STATUS);
    }
    size_t dropped = 0, kept = 0;
    /* Newest write first: a sector whose newest write "reached the disk" is settled with the
     * content it has now; otherwise the write's old bytes are put back and older writes to the
     * same sector get their turn.  The first kept write, going backwards, wins. */
    for (size_t w = g_pending_count; w-- > 0;) {
        const pl_write *pw = &g_pending[w];
        size_t sectors = pw->cb / POWERLOSS_SECTOR_SIZE;
        int fate = (int)(splitmix64(&rng) % FATE_COUNT);
        size_t prefix = (size_t)(splitmix64(&rng) % (sectors + 1));
        for (size_t s = 0; s < sectors; s++) {
            uint64_t sector_no = pw->offset / POWERLOSS_SECTOR_SIZE + s;
            uint64_t key = ((uint64_t)pw->file << 48) ^ sector_no;
            if (sector_set_contains(&settled, key))
                continue;
            bool keep;
            switch (fate) {
            case FATE_KEEP: keep = true; break;
            case FATE_DROP: keep = false; break;
            case FATE_TEAR_PREFIX: keep = s < prefix; break;
            default: keep = (splitmix64(&rng) & 1) != 0; break;
            }
            if (!pw->before)
                keep = true;
            if (keep) {
                bool present;
                sector_set_insert(&settled, key, &present);
                kept++;
                continue;
            }
            const uint8_t *old = pw->before + s * POWERLOSS_SECTOR_SIZE;
            off_t at = (off_t)(sector_no * POWERLOSS_SECTOR_SIZE);
            while (pwrite(g_files[pw->file].fd, old, POWERLOSS_SECTOR_SIZE, at) < 0 &&
                   errno == EINTR) {
            }
            dropped++;
        }
    }
    const char *verbose = getenv("LIBESE_POWERLOSS_VERBOSE");
    if (verbose && *verbose && strcmp(verbose, "0") != 0)
        fprintf(stderr,
                "libese: simulated power cut (seed %" PRIu64 ") after %" PRIu64
                " writes: %zu unsynced writes, %zu sectors rolled back, %zu kept\n",
                seed, g_writes, g_pending_count, dropped, kept);
    _exit(POWERLOSS_EXIT_STATUS);
}

_Noreturn void powerloss_cut(uint64_t seed)
{
    pthread_mutex_lock(&g_lock);
    cut_locked(seed);
}
