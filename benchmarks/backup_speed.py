"""Full streaming backup of a large database: esent's native copy loop against plain copies.

    python benchmarks/backup_speed.py --size-gib 1            # build (once) and measure
    python benchmarks/backup_speed.py --size-gib 1 --cold     # drop the page cache before each
    python benchmarks/backup_speed.py --rss 1 4               # peak RSS of a backup, per size
    python benchmarks/backup_speed.py --size-gib 4 --interrupt-after 0.5   # Ctrl+C mid-copy

Compared in the same run, on the same database file, into the same destination folder:
- esent: ``bk.copy`` of the database (the native loop), SHA-256 off and on;
- ctypes: the same engine calls (JetOpenFileInstanceW, JetReadFileInstance, JetCloseFileInstance)
  from a Python loop through ctypes with the same buffer size, writing each chunk with os.write;
- shutil.copyfile and ``cp`` of the database file itself (no engine: the raw-copy ceiling);
- hashlib.sha256 alone over the bytes the backup streams (the ceiling with the hash on).
Nothing is fsynced (cp does not), so the numbers compare copy paths, not the disk; the page
cache is synced before each measurement so no method pays for another's writeback.  Results go
to docs/benchmarks.md by hand, with the command.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import esent
from esent import _esent

MIB = 1 << 20
ROW_BYTES = 256 << 10  # one long value per row


def build(folder: pathlib.Path, size: int) -> pathlib.Path:
    """A database of at least `size` bytes (kept between runs)."""
    path = folder / f"bench-{size >> 30}g.edb"
    if path.exists() and path.stat().st_size >= size:
        return path
    shutil.rmtree(folder / "build", ignore_errors=True)
    if path.exists():
        path.unlink()
    payload = os.urandom(ROW_BYTES)
    started = time.perf_counter()
    with esent.Instance("bench-build", system_path=folder / "build",
                        params={"CircularLog": True}) as inst:
        with inst.session() as session:
            db = session.create_database(path)
            table = db.create_table("blobs", [esent.Column("id", esent.ColumnType.LONG),
                                              esent.Column("data", esent.ColumnType.LONG_BINARY)],
                                    [esent.Index("pk", ["+id"], primary=True)])
            i = 0
            while path.stat().st_size < size:
                with session.transaction(lazy=True):
                    for _ in range(64):
                        table.insert({"id": i, "data": payload[i % 7:] + payload[:i % 7]})
                        i += 1
            session.flush()
    print(f"built {path} ({path.stat().st_size / MIB:,.0f} MiB, {i} rows) in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def drop_caches() -> None:
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as control:
        control.write("3\n")


def warm(path: pathlib.Path) -> None:
    with open(path, "rb") as stream:
        while stream.read(16 * MIB):
            pass


class Libese:
    """The engine's functions through ctypes, as a Python program without esent would call
    them (on Windows: ctypes.WinDLL("esent.dll"))."""

    def __init__(self) -> None:
        library = ctypes.CDLL(_esent.__file__)
        u32, ptr = ctypes.c_uint32, ctypes.c_size_t
        self.open = library.JetOpenFileInstanceW
        self.open.argtypes = [ptr, ctypes.c_char_p, ctypes.POINTER(ptr), ctypes.POINTER(u32),
                              ctypes.POINTER(u32)]
        self.read = library.JetReadFileInstance
        self.read.argtypes = [ptr, ptr, ctypes.c_void_p, u32, ctypes.POINTER(u32)]
        self.close = library.JetCloseFileInstance
        self.close.argtypes = [ptr, ptr]
        for function in (self.open, self.read, self.close):
            function.restype = ctypes.c_int32

    def copy(self, instance: int, name: str, destination: pathlib.Path, buffer_size: int,
             sha256: bool) -> int:
        handle, low, high = ctypes.c_size_t(), ctypes.c_uint32(), ctypes.c_uint32()
        wide = name.encode("utf-16-le") + b"\0\0"
        assert self.open(instance, wide, ctypes.byref(handle), ctypes.byref(low),
                         ctypes.byref(high)) == 0
        buffer = _esent.CopyBuffer(buffer_size)  # page-aligned, as ESENT requires
        raw = (ctypes.c_char * buffer_size).from_address(buffer.address)
        got = ctypes.c_uint32()
        digest = hashlib.sha256() if sha256 else None
        total = 0
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            while True:
                err = self.read(instance, handle, raw, buffer_size, ctypes.byref(got))
                if err < 0:
                    raise esent.errors.exception_for(err, "JetReadFileInstance")
                if got.value == 0:
                    break
                chunk = memoryview(raw).cast("B")[:got.value]
                if digest is not None:
                    digest.update(chunk)
                os.write(fd, chunk)
                total += got.value
        finally:
            os.close(fd)
            self.close(instance, handle)
        del buffer
        return total


args_settle = [0.0]  # seconds to let the file system settle before each measurement (--settle)


def measure(label: str, nbytes_fn, cold: bool, source: pathlib.Path) -> tuple[str, float, int]:
    # Every method starts with no dirty pages waiting for writeback and no freed blocks still
    # being discarded (this disk is mounted with `discard`): otherwise whichever runs after
    # another 1 GiB write, or after its deletion, pays for it.
    os.sync()
    time.sleep(args_settle[0])
    if cold:
        drop_caches()
    else:
        warm(source)
    started = time.perf_counter()
    nbytes = nbytes_fn()
    return label, time.perf_counter() - started, nbytes


def run(args: argparse.Namespace) -> None:
    folder = pathlib.Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    source = build(folder, int(args.size_gib * (1 << 30)))
    out = pathlib.Path(tempfile.mkdtemp(prefix="backup-out-", dir=folder))
    buffer_size = args.buffer_mib * MIB
    libese = Libese()
    results = []
    with esent.Instance("bench", system_path=folder / "live") as inst:
        with inst.session() as session:
            session.attach_database(source)

            def esent_copy(sha256: bool):
                def go() -> int:
                    target = out / "db-esent"
                    with inst.external_backup(buffer_mib=args.buffer_mib) as bk:
                        [name] = bk.database_files()
                        copied = bk.copy(name, target, sha256=sha256, overwrite=True, fsync=False)
                        bk.stop()
                    return copied.size
                return go

            def ctypes_copy(sha256: bool):
                def go() -> int:
                    with inst.external_backup() as bk:
                        [name] = bk.database_files()
                        size = libese.copy(inst.handle, name, out / "db-ctypes", buffer_size,
                                           sha256)
                        bk.stop()
                    return size
                return go

            def shutil_copy() -> int:
                shutil.copyfile(source, out / "db-shutil")
                return source.stat().st_size

            def cp_copy() -> int:
                subprocess.run(["cp", str(source), str(out / "db-cp")], check=True)
                return source.stat().st_size

            def dd_copy() -> int:
                subprocess.run(["dd", f"if={source}", f"of={out / 'db-dd'}",
                                f"bs={args.buffer_mib}M", "status=none"], check=True)
                return source.stat().st_size

            def esent_devnull() -> int:
                with inst.external_backup(buffer_mib=args.buffer_mib) as bk:
                    [name] = bk.database_files()
                    with open(os.devnull, "wb") as sink:
                        copied = bk.copy(name, sink.fileno(), sha256=False)
                    bk.stop()
                return copied.size

            def hashlib_alone() -> int:
                digest = hashlib.sha256()
                with open(source, "rb", buffering=0) as stream:
                    while chunk := stream.read(buffer_size):
                        digest.update(chunk)
                return source.stat().st_size

            plan = [("esent, hash off", esent_copy(False)), ("esent, hash on", esent_copy(True)),
                    ("ctypes loop, hash off", ctypes_copy(False)),
                    ("ctypes loop, hash on", ctypes_copy(True)),
                    ("esent to /dev/null (engine read side)", esent_devnull),
                    ("shutil.copyfile", shutil_copy), ("cp", cp_copy),
                    ("dd bs=<buffer> (user-space read/write)", dd_copy),
                    ("hashlib.sha256 alone (read + hash)", hashlib_alone)]
            for round_ in range(args.repeat):
                shift = round_ % len(plan)  # rotate: no method always runs first
                for label, function in plan[shift:] + plan[:shift]:
                    results.append(measure(label, function, args.cold, source))
                    for leftover in out.iterdir():
                        leftover.unlink()
    shutil.rmtree(out)
    best: dict[str, tuple[float, int]] = {}
    times: dict[str, list[float]] = {}
    for label, seconds, nbytes in results:
        times.setdefault(label, []).append(seconds)
        if label not in best or seconds < best[label][0]:
            best[label] = (seconds, nbytes)
    cache = "cold (caches dropped before each)" if args.cold else "warm"
    print(f"# {source.name}: {source.stat().st_size / MIB:,.0f} MiB, buffer {args.buffer_mib} "
          f"MiB, page cache {cache}, best of {args.repeat}; SHA-256 implementation: "
          f"{_esent.sha256_implementation()}")
    rate = {label: nbytes / seconds / 1e6 for label, (seconds, nbytes) in best.items()}
    print(f"{'':40s} {'best':>7}    {'MB/s':>8}   median MB/s")
    for label, (seconds, nbytes) in best.items():
        median_rate = nbytes / statistics.median(times[label]) / 1e6
        print(f"{label:40s} {seconds:7.2f} s  {rate[label]:8,.0f}   {median_rate:8,.0f}")
    raw = max(rate["cp"], rate["shutil.copyfile"])
    print(f"esent hash off / raw copy (best of cp, shutil): {rate['esent, hash off'] / raw:.2f}x")
    dd = rate["dd bs=<buffer> (user-space read/write)"]
    print(f"esent hash off / dd (user-space copy):          {rate['esent, hash off'] / dd:.2f}x")
    print(f"esent hash off / ctypes loop hash off:          "
          f"{rate['esent, hash off'] / rate['ctypes loop, hash off']:.2f}x")
    print(f"esent hash on / hashlib.sha256 alone:           "
          f"{rate['esent, hash on'] / rate['hashlib.sha256 alone (read + hash)']:.2f}x")


def interrupt_check(args: argparse.Namespace) -> None:
    """Ctrl+C in the middle of a multi-GiB copy: KeyboardInterrupt arrives within one GIL break
    (64 MiB), and afterwards no backup runs and no file descriptor is left open."""
    import signal
    import threading

    folder = pathlib.Path(args.dir)
    source = build(folder, int(args.size_gib * (1 << 30)))
    target = folder / "interrupted-copy"
    with esent.Instance("bench-interrupt", system_path=folder / "live") as inst:
        with inst.session() as session:
            session.attach_database(source)
            fds_before = len(os.listdir("/proc/self/fd"))
            copied: list[int] = []
            timer = threading.Timer(args.interrupt_after, os.kill, (os.getpid(), signal.SIGINT))
            started = time.perf_counter()
            try:
                with inst.external_backup() as bk:
                    [name] = bk.database_files()
                    timer.start()
                    bk.copy(name, target, progress=lambda done, total: copied.append(done))
                raise SystemExit("the copy finished before the interrupt: use a larger --size-gib")
            except KeyboardInterrupt:
                latency = time.perf_counter() - started - args.interrupt_after
            from esent import jet
            jet.JetBeginExternalBackupInstance(inst.handle, 0)  # fails if one still ran
            jet.JetEndExternalBackupInstance2(inst.handle, jet.JET_bitBackupEndAbort)
            fds_after = len(os.listdir("/proc/self/fd"))
    print(f"interrupted after {copied[-1] / MIB:,.0f} MiB of {source.stat().st_size / MIB:,.0f} "
          f"MiB; KeyboardInterrupt {latency * 1000:.0f} ms after SIGINT; no backup running; "
          f"descriptors {fds_before} before, {fds_after} after; partial copy removed: "
          f"{not target.exists()}")


def rss(args: argparse.Namespace) -> None:
    """Peak RSS of a process that only backs up, for each size (built if needed)."""
    folder = pathlib.Path(args.dir)
    for size in args.rss:
        source = build(folder, int(size * (1 << 30)))
        code = (
            "import esent, sys, os\n"
            f"with esent.Instance('rss', system_path={str(folder / 'rss')!r}) as inst:\n"
            "    with inst.session() as s:\n"
            f"        s.attach_database({str(source)!r})\n"
            "        with inst.external_backup() as bk:\n"
            "            [name] = bk.database_files()\n"
            "            bk.copy(name, os.devnull, overwrite=True, fsync=False)\n"
            "            bk.stop()\n"
            # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork + exec, so a child of
            # the process that just built the database would report the builder's peak.
            "print([int(l.split()[1]) for l in open('/proc/self/status')\n"
            "       if l.startswith('VmHWM:')][0])\n")
        peak = int(subprocess.run([sys.executable, "-c", code], check=True,
                                  capture_output=True, text=True).stdout)
        print(f"{source.stat().st_size / MIB:8,.0f} MiB database: peak RSS {peak / 1024:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default="/tmp/esent-bench", help="where the databases live")
    parser.add_argument("--size-gib", type=float, default=1.0)
    parser.add_argument("--buffer-mib", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds to sleep after syncing, before each measurement")
    parser.add_argument("--rss", type=float, nargs="*", metavar="GIB")
    parser.add_argument("--interrupt-after", type=float, metavar="SECONDS",
                        help="instead of measuring: Ctrl+C a copy after SECONDS and check cleanup")
    args = parser.parse_args()
    args_settle[0] = args.settle
    if args.interrupt_after is not None:
        interrupt_check(args)
    elif args.rss:
        rss(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
