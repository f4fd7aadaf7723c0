#ifndef FAULT_VFS_H
#define FAULT_VFS_H

/*
 * A test VFS that fails I/O and cuts the power, after SQLite's own crash
 * test VFS (src/test6.c) and its I/O error tests (the ioerr*.test loops).
 * For tests only: nothing in the shipped library uses it.
 *
 * It wraps the system's VFS (`sqlite3_vfs_find(NULL)` when installed: the
 * unix VFS) and becomes the default VFS while installed, so that code which
 * opens its database with the default VFS (the store) goes through it
 * unchanged. Only files under the watched directory are counted, faulted
 * and reverted; every other file (other tests' stores, in the same process)
 * goes straight to the system VFS.
 *
 * Not a fault in itself, and what every call below is about, is the model
 * of a disk:
 *
 *   - Durable bytes. Each watched file has a durable image: its content as
 *     of its last successful xSync (which is not passed on to the system:
 *     a revert restores images, so a real fsync would only cost time). A
 *     file that existed when first opened
 *     counts as durable as it was; a file created through the VFS and never
 *     synced is not durable at all (its directory entry is not either: the
 *     unix VFS syncs the directory of a new journal or WAL at its first
 *     sync, and only then).
 *   - Unsynced writes. Writes and truncations go to the real file at once,
 *     so SQLite reads back what it wrote, and are remembered until the next
 *     xSync of that file. On a power cut any of them may or may not have
 *     reached the platter, and one may have reached it in part (some of its
 *     512-byte sectors new, the rest old). Only the bytes a write covers can
 *     change: the unix VFS promises SQLite "powersafe overwrite", and this
 *     model keeps that promise.
 *   - Deletions (xDelete) are durable at once. SQLite in WAL mode deletes a
 *     WAL only after a checkpoint whose database writes it synced, so a WAL
 *     coming back would only replay pages the database already holds; the
 *     only rollback journal the store ever has is the one of its switch to
 *     WAL mode.
 *   - The -shm file (the WAL index, memory mapped, never synced) may hold
 *     anything after a reboot. A revert deletes it: SQLite rebuilds the
 *     index from the WAL when it finds none, which is what it must be able
 *     to do after any crash.
 *   - The store's own side files that SQLite does not open (the drain lock)
 *     are not modelled.
 *
 * A power cut (fault_vfs_cut_power_at) makes the chosen I/O and every one
 * after it fail with SQLITE_IOERR_*, as if the process had died at that
 * instant: nothing more reaches the files. Releasing (xUnlock, xClose,
 * xShmUnmap, unlocking shm locks) still works, since a dead process's
 * locks and descriptors go with it. Once every connection is closed,
 * fault_vfs_revert puts each watched file back to what the disk would hold
 * after the reboot, and the power is on again.
 *
 * Counted I/Os are the calls of the kinds below on watched files; releasing
 * calls are never counted nor failed. All state sits behind one mutex, held
 * across each wrapped call on a watched file: the store is used from several
 * threads, and a sync's image must not see half of another thread's write.
 */

#include <stdint.h>

/* Kinds of I/O, to count or to fail (a bit set). */
enum {
    FAULT_VFS_OPEN = 0x001,      /* xOpen: fails with SQLITE_CANTOPEN */
    FAULT_VFS_READ = 0x002,      /* xRead: SQLITE_IOERR_READ */
    FAULT_VFS_WRITE = 0x004,     /* xWrite: SQLITE_IOERR_WRITE */
    FAULT_VFS_SYNC = 0x008,      /* xSync: SQLITE_IOERR_FSYNC */
    FAULT_VFS_TRUNCATE = 0x010,  /* xTruncate: SQLITE_IOERR_TRUNCATE */
    FAULT_VFS_FILE_SIZE = 0x020, /* xFileSize: SQLITE_IOERR_FSTAT */
    FAULT_VFS_LOCK = 0x040,      /* xLock, xCheckReservedLock: SQLITE_IOERR_LOCK, _CHECKRESERVEDLOCK */
    FAULT_VFS_DELETE = 0x080,    /* xDelete: SQLITE_IOERR_DELETE */
    FAULT_VFS_ACCESS = 0x100,    /* xAccess: SQLITE_IOERR_ACCESS */
    FAULT_VFS_SHM = 0x200,       /* xShmMap, taking an shm lock: SQLITE_IOERR_SHMMAP, _SHMLOCK */
    FAULT_VFS_ALL = 0x3FF
};

/* How fault_vfs_revert treats the writes made since a file's last sync. */
enum {
    /* All lost: each file is exactly its durable image. */
    FAULT_VFS_REVERT_CLEAN = 0,
    /* All lost but the last write issued before the cut, which lands in
       part: some of its sectors new, the rest old (chosen from the seed). */
    FAULT_VFS_REVERT_TEAR_LAST = 1,
    /* Each lands whole, not at all, or in part, in any combination (chosen
       from the seed): test6.c's model of a disk that reorders writes. */
    FAULT_VFS_REVERT_SCRAMBLE = 2
};

/* Registers the VFS as the default one, watching the files whose path is
   under `directory` (an absolute path, without a trailing slash), and
   forgets every earlier image, counter and fault. Files already on disk
   there count as durable. Returns SQLITE_OK or an SQLite error code. */
int fault_vfs_install(const char *directory);

/* Makes the system VFS the default again and unregisters this one. Open
   connections keep using it until they close. Returns SQLITE_OK. */
int fault_vfs_uninstall(void);

/* Counted I/Os on watched files since install or fault_vfs_reset_counters. */
uint64_t fault_vfs_io_count(void);

/* Faults injected (I/Os failed) since install or fault_vfs_reset_counters,
   the power cut's included. */
uint64_t fault_vfs_faults_hit(void);

/* Zeroes both counters. */
void fault_vfs_reset_counters(void);

/* From now, the `nth` (1-based) counted I/O whose kind is in `kinds` fails
   with `code` (0: the kind's own SQLITE_IOERR_*, SQLITE_CANTOPEN for an
   open); with `persistent`, so does every such I/O after it, until
   fault_vfs_clear_faults. Replaces any fault armed before. */
void fault_vfs_fail(unsigned kinds, uint64_t nth, int code, int persistent);

/* Disarms fault_vfs_fail (not a power cut). */
void fault_vfs_clear_faults(void);

/* From now, the `nth` (1-based) counted I/O of any kind, and every one
   after it, fails: the power is off. */
void fault_vfs_cut_power_at(uint64_t nth);

/* Whether the power is off. */
int fault_vfs_power_is_cut(void);

/* After a power cut (or at any other instant), once every watched file is
   closed: deletes each -shm, and puts each watched file back to its
   durable image, with what `mode` lets through of the unsynced writes
   (FAULT_VFS_REVERT_*), chosen from `seed`. A file with no durable image
   is deleted. Then the power is on, faults are cleared and every image is
   forgotten (the disk as it is now counts as durable). Returns the number
   of files restored or deleted, or -1 when a watched file is still open or
   a file could not be written. */
int fault_vfs_revert(uint64_t seed, int mode);

#endif
