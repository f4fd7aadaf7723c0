/* The fault-injecting, power-cutting VFS of fault_vfs.h; the model of a
   disk it keeps is described there. */

#include "fault_vfs.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- State ---------------------------------------------------------- */

/* A write (or, with `bytes` NULL, a truncation to `offset`) made since the
   file's last sync. */
typedef struct Pending {
    sqlite3_int64 offset;
    int amount;
    unsigned char *bytes;
    uint64_t sequence; /* order among every file's pending writes */
    struct Pending *next;
} Pending;

/* What the disk holds of one watched path. */
typedef struct Image {
    char *path;
    int durable;          /* the file exists on the platter */
    unsigned char *data;  /* its durable bytes */
    sqlite3_int64 size;
    int isMainDatabase;   /* so its -shm is deleted on revert */
    Pending *pending, *lastPending;
    struct Image *next;
} Image;

/* The file SQLite holds: ours, with the system VFS's file after it. */
typedef struct FaultFile {
    sqlite3_file base;
    sqlite3_file *real;
    Image *image;
} FaultFile;

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;

static struct {
    sqlite3_vfs *real;
    char *directory;
    size_t directoryLength;
    Image *images;
    int openFiles;
    uint64_t ioCount, faultsHit, writeSequence;
    /* fault_vfs_fail */
    unsigned failKinds;
    uint64_t failCountdown;
    int failCode, failPersistent, failing;
    /* fault_vfs_cut_power_at */
    uint64_t cutCountdown;
    int powerCut;
} state;

static int isWatched(const char *path) {
    return path != NULL && state.directory != NULL && strncmp(path, state.directory, state.directoryLength) == 0
        && path[state.directoryLength] == '/';
}

/* The code a failed I/O of `kind` returns, unless the fault names one. */
static int ownCode(unsigned kind) {
    switch (kind) {
    case FAULT_VFS_OPEN: return SQLITE_CANTOPEN;
    case FAULT_VFS_READ: return SQLITE_IOERR_READ;
    case FAULT_VFS_WRITE: return SQLITE_IOERR_WRITE;
    case FAULT_VFS_SYNC: return SQLITE_IOERR_FSYNC;
    case FAULT_VFS_TRUNCATE: return SQLITE_IOERR_TRUNCATE;
    case FAULT_VFS_FILE_SIZE: return SQLITE_IOERR_FSTAT;
    case FAULT_VFS_LOCK: return SQLITE_IOERR_LOCK;
    case FAULT_VFS_DELETE: return SQLITE_IOERR_DELETE;
    case FAULT_VFS_ACCESS: return SQLITE_IOERR_ACCESS;
    case FAULT_VFS_SHM: return SQLITE_IOERR_SHMLOCK;
    default: return SQLITE_IOERR;
    }
}

/* Counts one I/O of `kind`; with the mutex held. Returns SQLITE_OK to let
   it happen, or the error it fails with. */
static int step(unsigned kind) {
    state.ioCount++;
    if (state.cutCountdown > 0 && --state.cutCountdown == 0) state.powerCut = 1;
    if (state.powerCut) {
        state.faultsHit++;
        return ownCode(kind);
    }
    if (state.failKinds & kind) {
        int fail = state.failing;
        if (!fail && state.failCountdown > 0 && --state.failCountdown == 0) {
            fail = 1;
            state.failing = state.failPersistent;
        }
        if (fail) {
            state.faultsHit++;
            return state.failCode != 0 ? state.failCode : ownCode(kind);
        }
    }
    return SQLITE_OK;
}

static void freePending(Image *image) {
    Pending *pending = image->pending;
    while (pending != NULL) {
        Pending *next = pending->next;
        free(pending->bytes);
        free(pending);
        pending = next;
    }
    image->pending = image->lastPending = NULL;
}

static void forgetImages(void) {
    Image *image = state.images;
    while (image != NULL) {
        Image *next = image->next;
        freePending(image);
        free(image->data);
        free(image->path);
        free(image);
        image = next;
    }
    state.images = NULL;
}

static Image *findImage(const char *path) {
    for (Image *image = state.images; image != NULL; image = image->next) {
        if (strcmp(image->path, path) == 0) return image;
    }
    return NULL;
}

static Image *makeImage(const char *path) {
    Image *image = calloc(1, sizeof(Image));
    if (image == NULL) return NULL;
    image->path = strdup(path);
    if (image->path == NULL) {
        free(image);
        return NULL;
    }
    image->next = state.images;
    state.images = image;
    return image;
}

/* Makes `image` the whole current content of `file`: what a sync made
   durable, or what was on disk before the VFS saw it. */
static int snapshot(Image *image, sqlite3_file *file) {
    sqlite3_int64 size = 0;
    int code = file->pMethods->xFileSize(file, &size);
    if (code != SQLITE_OK) return code;
    unsigned char *data = size > 0 ? malloc((size_t)size) : NULL;
    if (size > 0 && data == NULL) return SQLITE_NOMEM;
    if (size > 0) {
        code = file->pMethods->xRead(file, data, (int)size, 0);
        if (code != SQLITE_OK) {
            free(data);
            return code;
        }
    }
    free(image->data);
    image->data = data;
    image->size = size;
    image->durable = 1;
    freePending(image);
    return SQLITE_OK;
}

static void remember(Image *image, sqlite3_int64 offset, const void *bytes, int amount) {
    Pending *pending = calloc(1, sizeof(Pending));
    if (pending == NULL) return;
    pending->offset = offset;
    pending->amount = amount;
    pending->sequence = ++state.writeSequence;
    if (bytes != NULL) {
        pending->bytes = malloc((size_t)amount);
        if (pending->bytes == NULL) {
            free(pending);
            return;
        }
        memcpy(pending->bytes, bytes, (size_t)amount);
    }
    if (image->lastPending != NULL) image->lastPending->next = pending;
    else image->pending = pending;
    image->lastPending = pending;
}

/* ---- The file's methods ----------------------------------------------- */

#define REAL(file) (((FaultFile *)(file))->real)
#define IMAGE(file) (((FaultFile *)(file))->image)

/* Runs `call` on the real file unless the I/O of `kind` fails. */
#define GUARDED(kind, call)                        \
    do {                                           \
        pthread_mutex_lock(&mutex);                \
        int code_ = step(kind);                    \
        if (code_ == SQLITE_OK) code_ = (call);    \
        pthread_mutex_unlock(&mutex);              \
        return code_;                              \
    } while (0)

static int faultClose(sqlite3_file *file) {
    pthread_mutex_lock(&mutex);
    int code = REAL(file)->pMethods != NULL ? REAL(file)->pMethods->xClose(REAL(file)) : SQLITE_OK;
    state.openFiles--;
    pthread_mutex_unlock(&mutex);
    return code;
}

static int faultRead(sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset) {
    GUARDED(FAULT_VFS_READ, REAL(file)->pMethods->xRead(REAL(file), buffer, amount, offset));
}

static int faultWrite(sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset) {
    pthread_mutex_lock(&mutex);
    int code = step(FAULT_VFS_WRITE);
    if (code == SQLITE_OK) {
        code = REAL(file)->pMethods->xWrite(REAL(file), buffer, amount, offset);
        if (code == SQLITE_OK) remember(IMAGE(file), offset, buffer, amount);
    }
    pthread_mutex_unlock(&mutex);
    return code;
}

static int faultTruncate(sqlite3_file *file, sqlite3_int64 size) {
    pthread_mutex_lock(&mutex);
    int code = step(FAULT_VFS_TRUNCATE);
    if (code == SQLITE_OK) {
        code = REAL(file)->pMethods->xTruncate(REAL(file), size);
        if (code == SQLITE_OK) remember(IMAGE(file), size, NULL, 0);
    }
    pthread_mutex_unlock(&mutex);
    return code;
}

static int faultSync(sqlite3_file *file, int flags) {
    pthread_mutex_lock(&mutex);
    int code = step(FAULT_VFS_SYNC);
    /* What the file holds now is on the platter. The real fsync is not
       made: a revert restores this image, not what the real disk kept, and
       thousands of runs would wait on the disk for nothing. */
    (void)flags;
    if (code == SQLITE_OK) code = snapshot(IMAGE(file), REAL(file));
    pthread_mutex_unlock(&mutex);
    return code;
}

static int faultFileSize(sqlite3_file *file, sqlite3_int64 *size) {
    GUARDED(FAULT_VFS_FILE_SIZE, REAL(file)->pMethods->xFileSize(REAL(file), size));
}

static int faultLock(sqlite3_file *file, int level) {
    GUARDED(FAULT_VFS_LOCK, REAL(file)->pMethods->xLock(REAL(file), level));
}

/* Never failed: a dead process's locks go with it. */
static int faultUnlock(sqlite3_file *file, int level) {
    pthread_mutex_lock(&mutex);
    int code = REAL(file)->pMethods->xUnlock(REAL(file), level);
    pthread_mutex_unlock(&mutex);
    return code;
}

static int faultCheckReservedLock(sqlite3_file *file, int *reserved) {
    pthread_mutex_lock(&mutex);
    int code = step(FAULT_VFS_LOCK);
    if (code == SQLITE_IOERR_LOCK) code = SQLITE_IOERR_CHECKRESERVEDLOCK;
    if (code == SQLITE_OK) code = REAL(file)->pMethods->xCheckReservedLock(REAL(file), reserved);
    pthread_mutex_unlock(&mutex);
    return code;
}

/* Not counted: the controls the store uses only ask (SQLITE_FCNTL_HAS_MOVED)
   or set flags; none writes without a chunk size, which the store never sets. */
static int faultFileControl(sqlite3_file *file, int op, void *argument) {
    pthread_mutex_lock(&mutex);
    int code = REAL(file)->pMethods->xFileControl(REAL(file), op, argument);
    pthread_mutex_unlock(&mutex);
    return code;
}

static int faultSectorSize(sqlite3_file *file) {
    return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int faultDeviceCharacteristics(sqlite3_file *file) {
    return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}

static int faultShmMap(sqlite3_file *file, int region, int size, int extend, void volatile **memory) {
    pthread_mutex_lock(&mutex);
    int code = step(FAULT_VFS_SHM);
    if (code == SQLITE_IOERR_SHMLOCK) code = SQLITE_IOERR_SHMMAP;
    if (code == SQLITE_OK) code = REAL(file)->pMethods->xShmMap(REAL(file), region, size, extend, memory);
    pthread_mutex_unlock(&mutex);
    return code;
}

static int faultShmLock(sqlite3_file *file, int offset, int count, int flags) {
    pthread_mutex_lock(&mutex);
    /* Taking a lock is counted and may fail; releasing one never is. */
    int code = (flags & SQLITE_SHM_UNLOCK) ? SQLITE_OK : step(FAULT_VFS_SHM);
    if (code == SQLITE_OK) code = REAL(file)->pMethods->xShmLock(REAL(file), offset, count, flags);
    pthread_mutex_unlock(&mutex);
    return code;
}

static void faultShmBarrier(sqlite3_file *file) {
    REAL(file)->pMethods->xShmBarrier(REAL(file));
}

static int faultShmUnmap(sqlite3_file *file, int deleteFlag) {
    pthread_mutex_lock(&mutex);
    int code = REAL(file)->pMethods->xShmUnmap(REAL(file), deleteFlag);
    pthread_mutex_unlock(&mutex);
    return code;
}

/* Version 2: shared memory for WAL, but no xFetch, so every read of a page
   is an xRead this VFS can count and fail (the store never turns mmap on). */
static const sqlite3_io_methods faultMethods = {
    2,
    faultClose,
    faultRead,
    faultWrite,
    faultTruncate,
    faultSync,
    faultFileSize,
    faultLock,
    faultUnlock,
    faultCheckReservedLock,
    faultFileControl,
    faultSectorSize,
    faultDeviceCharacteristics,
    faultShmMap,
    faultShmLock,
    faultShmBarrier,
    faultShmUnmap,
    NULL,
    NULL,
};

/* ---- The VFS's methods ------------------------------------------------ */

static int faultOpen(sqlite3_vfs *vfs, const char *path, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    sqlite3_vfs *real = state.real;
    pthread_mutex_lock(&mutex);
    int watched = isWatched(path);
    pthread_mutex_unlock(&mutex);
    if (!watched) {
        /* Temporary files, other tests' stores: the system VFS's own file, in
           the room SQLite made for ours (szOsFile is larger than the real one). */
        return real->xOpen(real, path, file, flags, outFlags);
    }
    FaultFile *fault = (FaultFile *)file;
    memset(fault, 0, sizeof(FaultFile));
    fault->real = (sqlite3_file *)(fault + 1);
    pthread_mutex_lock(&mutex);
    int code = step(FAULT_VFS_OPEN);
    if (code != SQLITE_OK) {
        pthread_mutex_unlock(&mutex);
        return code;
    }
    struct stat info;
    int existed = stat(path, &info) == 0;
    code = real->xOpen(real, path, fault->real, flags, outFlags);
    if (code != SQLITE_OK) {
        pthread_mutex_unlock(&mutex);
        /* "If the xOpen method sets the sqlite3_file.pMethods element to a
           non-NULL value, then the xClose method will be invoked even if the
           xOpen call returns an error": ours stays NULL. */
        if (fault->real->pMethods != NULL) fault->real->pMethods->xClose(fault->real);
        return code;
    }
    Image *image = findImage(path);
    if (image == NULL) {
        image = makeImage(path);
        /* A file that was there before the VFS saw it counts as durable. */
        if (image != NULL && existed) code = snapshot(image, fault->real);
    }
    if (image == NULL || code != SQLITE_OK) {
        fault->real->pMethods->xClose(fault->real);
        pthread_mutex_unlock(&mutex);
        return image == NULL ? SQLITE_NOMEM : code;
    }
    if (flags & SQLITE_OPEN_MAIN_DB) image->isMainDatabase = 1;
    fault->image = image;
    fault->base.pMethods = &faultMethods;
    state.openFiles++;
    pthread_mutex_unlock(&mutex);
    return SQLITE_OK;
}

static int faultDelete(sqlite3_vfs *vfs, const char *path, int syncDirectory) {
    (void)vfs;
    sqlite3_vfs *real = state.real;
    pthread_mutex_lock(&mutex);
    if (!isWatched(path)) {
        pthread_mutex_unlock(&mutex);
        return real->xDelete(real, path, syncDirectory);
    }
    int code = step(FAULT_VFS_DELETE);
    if (code == SQLITE_OK) code = real->xDelete(real, path, syncDirectory);
    if (code == SQLITE_OK) {
        /* Durable at once (see the header). */
        Image *image = findImage(path);
        if (image == NULL) image = makeImage(path);
        if (image != NULL) {
            freePending(image);
            free(image->data);
            image->data = NULL;
            image->size = 0;
            image->durable = 0;
        }
    }
    pthread_mutex_unlock(&mutex);
    return code;
}

static int faultAccess(sqlite3_vfs *vfs, const char *path, int flags, int *result) {
    (void)vfs;
    sqlite3_vfs *real = state.real;
    pthread_mutex_lock(&mutex);
    int code = isWatched(path) ? step(FAULT_VFS_ACCESS) : SQLITE_OK;
    pthread_mutex_unlock(&mutex);
    return code == SQLITE_OK ? real->xAccess(real, path, flags, result) : code;
}

static int faultFullPathname(sqlite3_vfs *vfs, const char *path, int size, char *out) {
    (void)vfs;
    return state.real->xFullPathname(state.real, path, size, out);
}

static void *faultDlOpen(sqlite3_vfs *vfs, const char *path) {
    (void)vfs;
    return state.real->xDlOpen(state.real, path);
}

static void faultDlError(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    state.real->xDlError(state.real, size, out);
}

static void (*faultDlSym(sqlite3_vfs *vfs, void *library, const char *symbol))(void) {
    (void)vfs;
    return state.real->xDlSym(state.real, library, symbol);
}

static void faultDlClose(sqlite3_vfs *vfs, void *library) {
    (void)vfs;
    state.real->xDlClose(state.real, library);
}

static int faultRandomness(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    return state.real->xRandomness(state.real, size, out);
}

static int faultSleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return state.real->xSleep(state.real, microseconds);
}

static int faultCurrentTime(sqlite3_vfs *vfs, double *now) {
    (void)vfs;
    return state.real->xCurrentTime(state.real, now);
}

static int faultGetLastError(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    return state.real->xGetLastError(state.real, size, out);
}

static int faultCurrentTimeInt64(sqlite3_vfs *vfs, sqlite3_int64 *now) {
    (void)vfs;
    return state.real->xCurrentTimeInt64(state.real, now);
}

static sqlite3_vfs faultVFS = {
    2,     /* iVersion: up to xCurrentTimeInt64 */
    0,     /* szOsFile, set at install */
    0,     /* mxPathname, set at install */
    NULL,  /* pNext */
    "fault",
    NULL,  /* pAppData */
    faultOpen,
    faultDelete,
    faultAccess,
    faultFullPathname,
    faultDlOpen,
    faultDlError,
    faultDlSym,
    faultDlClose,
    faultRandomness,
    faultSleep,
    faultCurrentTime,
    faultGetLastError,
    faultCurrentTimeInt64,
    NULL,
    NULL,
    NULL,
};

/* ---- Control ---------------------------------------------------------- */

int fault_vfs_install(const char *directory) {
    int code = sqlite3_initialize();
    if (code != SQLITE_OK) return code;
    pthread_mutex_lock(&mutex);
    if (state.real == NULL) {
        sqlite3_vfs *real = sqlite3_vfs_find(NULL);
        if (real == NULL || real == &faultVFS) {
            pthread_mutex_unlock(&mutex);
            return SQLITE_ERROR;
        }
        state.real = real;
        faultVFS.szOsFile = (int)sizeof(FaultFile) + real->szOsFile;
        faultVFS.mxPathname = real->mxPathname;
    }
    forgetImages();
    free(state.directory);
    state.directory = strdup(directory);
    state.directoryLength = state.directory != NULL ? strlen(state.directory) : 0;
    state.ioCount = state.faultsHit = 0;
    state.failKinds = 0;
    state.failing = 0;
    state.cutCountdown = 0;
    state.powerCut = 0;
    pthread_mutex_unlock(&mutex);
    return sqlite3_vfs_register(&faultVFS, 1);
}

int fault_vfs_uninstall(void) {
    if (state.real == NULL) return SQLITE_OK;
    int code = sqlite3_vfs_register(state.real, 1);
    if (code != SQLITE_OK) return code;
    return sqlite3_vfs_unregister(&faultVFS);
}

uint64_t fault_vfs_io_count(void) {
    pthread_mutex_lock(&mutex);
    uint64_t count = state.ioCount;
    pthread_mutex_unlock(&mutex);
    return count;
}

uint64_t fault_vfs_faults_hit(void) {
    pthread_mutex_lock(&mutex);
    uint64_t count = state.faultsHit;
    pthread_mutex_unlock(&mutex);
    return count;
}

void fault_vfs_reset_counters(void) {
    pthread_mutex_lock(&mutex);
    state.ioCount = state.faultsHit = 0;
    pthread_mutex_unlock(&mutex);
}

void fault_vfs_fail(unsigned kinds, uint64_t nth, int code, int persistent) {
    pthread_mutex_lock(&mutex);
    state.failKinds = nth > 0 ? kinds : 0;
    state.failCountdown = nth;
    state.failCode = code;
    state.failPersistent = persistent;
    state.failing = 0;
    pthread_mutex_unlock(&mutex);
}

void fault_vfs_clear_faults(void) {
    fault_vfs_fail(0, 0, 0, 0);
}

void fault_vfs_cut_power_at(uint64_t nth) {
    pthread_mutex_lock(&mutex);
    state.cutCountdown = nth;
    state.powerCut = 0;
    pthread_mutex_unlock(&mutex);
}

int fault_vfs_power_is_cut(void) {
    pthread_mutex_lock(&mutex);
    int cut = state.powerCut;
    pthread_mutex_unlock(&mutex);
    return cut;
}

/* splitmix64: a small generator whose sequence depends only on the seed. */
static uint64_t nextRandom(uint64_t *seed) {
    uint64_t z = (*seed += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Lands part of `pending` in `descriptor`: each 512-byte sector of the
   write (cut at file offsets that are multiples of 512) new or old at
   random, at least one of each when it spans two or more; a write within
   one sector lands whole or not at all. */
static int landTorn(int descriptor, const Pending *pending, uint64_t *random) {
    sqlite3_int64 end = pending->offset + pending->amount;
    sqlite3_int64 start = pending->offset;
    int sectors = 0;
    for (sqlite3_int64 at = start; at < end; at = (at / 512 + 1) * 512) sectors++;
    int kept = sectors > 1 ? (int)(nextRandom(random) % (uint64_t)sectors) : -1;
    int dropped = sectors > 1 ? (kept + 1 + (int)(nextRandom(random) % (uint64_t)(sectors - 1))) % sectors : 0;
    int index = 0;
    for (sqlite3_int64 at = start; at < end; index++) {
        sqlite3_int64 next = (at / 512 + 1) * 512;
        if (next > end) next = end;
        int lands = sectors == 1 ? (int)(nextRandom(random) & 1)
                                 : index == kept || (index != dropped && (nextRandom(random) & 1));
        if (lands) {
            ssize_t length = (ssize_t)(next - at);
            if (pwrite(descriptor, pending->bytes + (at - start), (size_t)length, (off_t)at) != length) return -1;
        }
        at = next;
    }
    return 0;
}

int fault_vfs_revert(uint64_t seed, int mode) {
    pthread_mutex_lock(&mutex);
    if (state.openFiles > 0) {
        pthread_mutex_unlock(&mutex);
        return -1;
    }
    uint64_t random = seed;
    /* The last write issued, for FAULT_VFS_REVERT_TEAR_LAST. */
    uint64_t lastSequence = 0;
    for (Image *image = state.images; image != NULL; image = image->next) {
        for (Pending *pending = image->pending; pending != NULL; pending = pending->next) {
            if (pending->bytes != NULL && pending->sequence > lastSequence) lastSequence = pending->sequence;
        }
    }
    int restored = 0, failed = 0;
    for (Image *image = state.images; image != NULL; image = image->next) {
        if (image->isMainDatabase) {
            size_t length = strlen(image->path);
            char *shm = malloc(length + 5);
            if (shm != NULL) {
                memcpy(shm, image->path, length);
                memcpy(shm + length, "-shm", 5);
                unlink(shm);
                free(shm);
            }
        }
        restored++;
        if (!image->durable) {
            /* Its directory entry never reached the disk. */
            if (unlink(image->path) != 0 && access(image->path, F_OK) == 0) failed = 1;
            continue;
        }
        int descriptor = open(image->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (descriptor < 0) {
            failed = 1;
            continue;
        }
        if (image->size > 0 && pwrite(descriptor, image->data, (size_t)image->size, 0) != (ssize_t)image->size) failed = 1;
        for (Pending *pending = image->pending; pending != NULL && !failed; pending = pending->next) {
            if (mode == FAULT_VFS_REVERT_TEAR_LAST) {
                if (pending->sequence == lastSequence && landTorn(descriptor, pending, &random) != 0) failed = 1;
                continue;
            }
            if (mode != FAULT_VFS_REVERT_SCRAMBLE) continue;
            uint64_t choice = nextRandom(&random) % 3;
            if (choice == 0) continue;
            if (pending->bytes == NULL) {
                if (ftruncate(descriptor, (off_t)pending->offset) != 0) failed = 1;
            } else if (choice == 1) {
                if (pwrite(descriptor, pending->bytes, (size_t)pending->amount, (off_t)pending->offset)
                    != (ssize_t)pending->amount) failed = 1;
            } else if (landTorn(descriptor, pending, &random) != 0) {
                failed = 1;
            }
        }
        if (close(descriptor) != 0) failed = 1;
    }
    forgetImages();
    state.cutCountdown = 0;
    state.powerCut = 0;
    state.failKinds = 0;
    state.failing = 0;
    pthread_mutex_unlock(&mutex);
    return failed ? -1 : restored;
}
