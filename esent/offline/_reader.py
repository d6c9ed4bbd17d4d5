"""Streaming a byte range of a file in large chunks, read ahead by a background thread.

Checking a chunk (checksums, SHA-256) runs in native code with the GIL released, and so does
``readinto``; with the read of chunk n+1 overlapping the check of chunk n, verifying a file
takes about as long as reading it.  The buffers are allocated once and reused, so a
multi-gigabyte file costs a few chunks of memory.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator

#: Default chunk: large enough that per-chunk Python overhead vanishes, small enough to stay
#: friendly to the CPU caches between the read and the check.
CHUNK_SIZE = 4 << 20
#: Chunks read ahead of the one being checked.
READ_AHEAD = 2


def _read_fully(stream, view: memoryview) -> int:
    """readinto until ``view`` is full or the file ends; returns the bytes read."""
    done = 0
    while done < len(view):
        count = stream.readinto(view[done:])
        if not count:
            break
        done += count
    return done


def _advise_sequential(stream, start: int, length: int) -> None:
    # Tells the kernel to read ahead aggressively (Linux doubles its read-ahead window).
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        try:
            advise(stream.fileno(), start, length, os.POSIX_FADV_SEQUENTIAL)
        except OSError:
            pass  # an advice the file system does not take changes nothing


def iter_chunks(path: str, start: int, end: int, chunk_size: int = CHUNK_SIZE,
                ) -> Iterator[tuple[int, memoryview]]:
    """Yield ``(offset, data)`` for consecutive chunks of bytes ``start..end`` of ``path``.

    Every chunk but the last is ``chunk_size`` bytes (pass a multiple of the page size to keep
    pages whole).  ``data`` is a view of a reused buffer: it is valid only until the next
    chunk is requested.  A chunk shorter than asked for means the file ended early (it shrank
    while being read).  I/O errors are raised in the caller's thread.
    """
    length = max(0, end - start)
    if length <= chunk_size:
        # One chunk: a thread would only add latency.
        with open(path, "rb", buffering=0) as stream:
            stream.seek(start)
            buffer = memoryview(bytearray(length))
            yield start, buffer[:_read_fully(stream, buffer)]
        return
    yield from _read_ahead(path, start, end, chunk_size)


def _read_ahead(path: str, start: int, end: int, chunk_size: int,
                ) -> Iterator[tuple[int, memoryview]]:
    free: queue.Queue[memoryview] = queue.Queue()
    filled: queue.Queue[tuple[int, memoryview, int] | BaseException | None] = queue.Queue()
    for _ in range(READ_AHEAD + 1):
        free.put(memoryview(bytearray(chunk_size)))
    stop = threading.Event()

    def reader() -> None:
        try:
            with open(path, "rb", buffering=0) as stream:
                _advise_sequential(stream, start, end - start)
                stream.seek(start)
                for offset in range(start, end, chunk_size):
                    buffer = free.get()
                    if stop.is_set():
                        return
                    wanted = min(chunk_size, end - offset)
                    count = _read_fully(stream, buffer[:wanted])
                    filled.put((offset, buffer, count))
                    if count < wanted:
                        return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            filled.put(exc)
        finally:
            filled.put(None)

    thread = threading.Thread(target=reader, name="esent-offline-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = filled.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            offset, buffer, count = item
            yield offset, buffer[:count]
            free.put(buffer)
    finally:
        stop.set()
        free.put(memoryview(bytearray(0)))  # wakes the reader if it waits for a buffer
        thread.join()
