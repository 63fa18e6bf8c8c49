"""A few large jobs run by forked processes that take them from one queue, without a pool.

A pool of worker processes costs about 17 ms to start and stop on a two-core Linux
machine; ``os.fork`` with a pipe back costs about 4 ms. For a handful of large files
(a few one-hour GPX or TCX files, a multisport FIT file) that difference decides whether
a second core helps at all. :func:`forked_queue` runs the items in this process and in
forked children at once, each process taking the next item from a shared queue when it
has finished the last (largest first), so that a process given a slow file (a TCX file
costs more per byte than a GPX file, a FIT file the bulk decoder hands to fitparse a
hundred times more) does not hold the others up; the results are gathered in item order.

The queue is a pipe holding one byte per item, its index, written whole before the
first fork: a read of one byte takes one item, and no two processes can take the same.
A child that dies, or whose results cannot be read, gives ``lost`` for each item it
took: the caller's batch still finishes. A child that cannot be forked (a process limit)
leaves its items to the others; when this process is interrupted, the children are
stopped and reaped before the interruption goes on.
"""

from __future__ import annotations

import os
import pickle
import signal
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

__all__ = ["CAN_FORK", "MAX_QUEUED", "forked_queue"]

#: Whether this platform can fork (not Windows).
CAN_FORK = hasattr(os, "fork")
#: Most items a queue holds (an item's index is one byte).
MAX_QUEUED = 256

T = TypeVar("T")
R = TypeVar("R")


def forked_queue(
    run: Callable[[Iterable[T]], list[R]],
    items: list[T],
    sizes: Sequence[int],
    n: int,
    *,
    lost: R,
    setup: Callable[[], None] | None = None,
) -> list[R]:
    """``run`` over ``items`` in ``n`` processes at once (this one and forked children),
    each taking the next item, largest first; the results in item order.

    Parameters
    ----------
    run
        Gives one result per item it is given, in order, taking the items one at a time
        (it is given an iterator that takes each from the queue when asked for it); it
        must not raise: a child that raises gives ``lost`` for the items it took.
    items, sizes
        The items (at most :data:`MAX_QUEUED`) and how much work each is (bytes, say).
    n
        Processes, this one included (the platform must fork: :data:`CAN_FORK`).
    lost
        The result of each item taken by a child that died or failed.
    setup
        Called first in each child.

    Raises
    ------
    ValueError
        More than :data:`MAX_QUEUED` items.
    """
    if len(items) > MAX_QUEUED:
        raise ValueError(f"at most {MAX_QUEUED} items can be queued, not {len(items)}")
    if n < 2 or len(items) < 2:
        return run(items)
    queue = _queue(sorted(range(len(items)), key=lambda k: -sizes[k]))
    children: list[tuple[int, int]] = []
    try:
        for _child in range(min(n, len(items)) - 1):
            try:
                children.append(_fork_child(run, items, queue, setup))
            except OSError:  # no process to be had (a limit): the others take its items
                break
        results = dict(_take(run, items, queue))
    except BaseException:  # interrupted: the children are stopped and reaped, not left behind
        for pid, pipe in children:
            _abandon(pid, pipe)
        raise
    finally:
        os.close(queue)
    for pid, pipe in children:
        results.update(_collect(pid, pipe))
    return [results.get(k, lost) for k in range(len(items))]


def _queue(order: list[int]) -> int:
    """A pipe's read end holding these item indices, one byte each, and nothing more to come."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, bytes(order))  # at most MAX_QUEUED bytes: never more than a pipe holds
    finally:
        os.close(write_end)
    return read_end


def _take(run: Callable[[Iterable[T]], list[R]], items: list[T], queue: int) -> list[tuple[int, R]]:
    """Run items taken from the queue until it is empty: each index with its result."""
    taken: list[int] = []

    def next_items() -> Iterator[T]:
        while index := os.read(queue, 1):
            taken.append(index[0])
            yield items[index[0]]

    results = run(next_items())
    return list(zip(taken, results, strict=True))


def _abandon(pid: int, pipe: int) -> None:
    """Stop a child whose results are no longer wanted, and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.close(pipe)
    os.waitpid(pid, 0)


def _fork_child(
    run: Callable[[Iterable[T]], list[R]], items: list[T], queue: int, setup: Callable[[], None] | None
) -> tuple[int, int]:
    """Fork a child taking items from the queue; its process id and the pipe its results come by."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process may deadlock; the
        # child only parses files and takes no locks of the parent.
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1
    try:  # the child: never returns to the caller's code
        os.close(read_end)
        if setup is not None:
            setup()
        data = pickle.dumps(_take(run, items, queue), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, pipe: int) -> dict[int, R]:
    """A child's results by item index (none if it failed)."""
    with os.fdopen(pipe, "rb") as stream:
        data = stream.read()
    _, status = os.waitpid(pid, 0)
    if status == 0:
        try:
            results = pickle.loads(data)
        except Exception:  # a partial write: the child died while writing
            results = None
        if isinstance(results, list):
            return dict(results)
    return {}
