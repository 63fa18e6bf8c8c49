"""A few large jobs shared out to forked processes, without a process pool.

A pool of worker processes costs about 17 ms to start and stop on a two-core Linux
machine; ``os.fork`` with a pipe back costs about 4 ms. For a handful of large files
(a few one-hour GPX or TCX files, a multisport FIT file) that difference decides whether
a second core helps at all. :func:`forked_shares` splits the items by size into as many
shares as processes (largest first, each to the share with least so far), runs one
share here and the others in forked children, and gathers the results in item order.
A child that dies, or whose results cannot be read, gives ``lost`` for each of its
items: the caller's batch still finishes. A share that cannot be forked (a process
limit) is run here; when this process's own share is interrupted, the children are
stopped and reaped before the interruption goes on.
"""

from __future__ import annotations

import os
import pickle
import signal
import warnings
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["CAN_FORK", "forked_shares", "shares_by_size"]

#: Whether this platform can fork (not Windows).
CAN_FORK = hasattr(os, "fork")

T = TypeVar("T")
R = TypeVar("R")


def shares_by_size(sizes: Sequence[int], n: int) -> list[list[int]]:
    """Item indices in ``n`` shares of nearly equal total size: largest first, each to
    the share with the least so far (each share's indices in ascending order).

    Examples
    --------
    >>> shares_by_size([5, 1, 4, 2, 3], 2)
    [[0, 1, 3], [2, 4]]
    """
    shares: list[list[int]] = [[] for _ in range(n)]
    totals = [0] * n
    for index in sorted(range(len(sizes)), key=lambda k: -sizes[k]):
        least = totals.index(min(totals))
        shares[least].append(index)
        totals[least] += sizes[index]
    return [sorted(share) for share in shares]


def forked_shares(
    run: Callable[[list[T]], list[R]],
    items: list[T],
    sizes: Sequence[int],
    n: int,
    *,
    lost: R,
    setup: Callable[[], None] | None = None,
) -> list[R]:
    """``run`` over ``n`` shares of ``items`` at once, one here and the others in forked
    children; the results in item order.

    Parameters
    ----------
    run
        Gives one result per item of a share, in order (must not raise: a child that
        raises gives ``lost`` for its share).
    items, sizes
        The items and how much work each is (bytes, say).
    n
        Processes, this one included (at least 2; the platform must fork: :data:`CAN_FORK`).
    lost
        The result of each item of a child that died or failed.
    setup
        Called first in each child.
    """
    shares = [share for share in shares_by_size(sizes, n) if share]
    if len(shares) < 2:
        return run(items)
    here = list(shares[0])
    children: list[tuple[list[int], int, int]] = []
    for share in shares[1:]:
        try:
            pid, pipe = _fork_child(run, [items[k] for k in share], setup)
        except OSError:  # no process to be had (a limit): this share is run here
            here += share
            continue
        children.append((share, pid, pipe))
    try:
        here.sort()
        results: dict[int, R] = dict(zip(here, run([items[k] for k in here]), strict=True))
    except BaseException:  # interrupted: the children are stopped and reaped, not left behind
        for _share, pid, pipe in children:
            _abandon(pid, pipe)
        raise
    for share, pid, pipe in children:
        results.update(zip(share, _collect(pid, pipe, len(share), lost), strict=True))
    return [results[k] for k in range(len(items))]


def _abandon(pid: int, pipe: int) -> None:
    """Stop a child whose results are no longer wanted, and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.close(pipe)
    os.waitpid(pid, 0)


def _fork_child(run: Callable[[list[T]], list[R]], share: list[T], setup: Callable[[], None] | None) -> tuple[int, int]:
    """Fork a child running ``share``; its process id and the pipe its results come by."""
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
        data = pickle.dumps(run(share), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, pipe: int, n: int, lost: R) -> list[R]:
    """A child's results (``lost`` for each of its ``n`` items if it failed)."""
    with os.fdopen(pipe, "rb") as stream:
        data = stream.read()
    _, status = os.waitpid(pid, 0)
    if status == 0:
        try:
            results = pickle.loads(data)
        except Exception:  # a partial write: the child died while writing
            results = None
        if isinstance(results, list) and len(results) == n:
            return results
    return [lost] * n
