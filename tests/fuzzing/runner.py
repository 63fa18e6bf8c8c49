"""Run one call in a child process under time and memory limits, and classify what happened.

Children come from a multiprocessing *forkserver*: a fresh interpreter (started like
``spawn``, not forked from the caller) that imports runwell once and then forks one
child per input, so each input runs alone in its own process at a few milliseconds'
cost instead of a second of imports.

In the child, before the call: stdout and stderr go to a log file; :mod:`faulthandler`
is on (a segfault leaves a Python traceback) and dumps the stack shortly before the
wall-time limit (a hang says where it hung); ``RLIMIT_AS`` caps the address space;
``socket.socket``, ``socket.create_connection`` and ``socket.getaddrinfo`` raise and are
recorded; warnings are ignored. The wall-time limit stretches (up to 3x) while a busy
machine gives the child less than half a CPU, so that HANG means "hung", not "starved".

Outcomes
--------
OK       the call returned and its checks found no problem
CLEAN    raised a ``RunwellError`` whose message names the input file
UNCLEAN  any other exception, a ``RunwellError`` not naming the file, a failed check,
         or an attempt to open a socket
CRASH    the child died (signal, exit without a result) or ``BrokenProcessPool``
HANG     still running at the wall-time limit
MEMORY   ``MemoryError`` (the address-space limit), or a death that the log blames on memory
"""

from __future__ import annotations

import faulthandler
import multiprocessing as mp
import os
import re
import resource
import signal
import socket
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

__all__ = ["OUTCOMES", "FAILURES", "Result", "classify", "run_call"]

OUTCOMES = ("OK", "CLEAN", "UNCLEAN", "CRASH", "HANG", "MEMORY")
FAILURES = ("UNCLEAN", "CRASH", "HANG", "MEMORY")
#: Modules the forkserver imports once, before forking children.
PRELOAD = ["fuzzing.targets"]
_MEMORY_MARKERS = ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory", "mmap failed")
_FRAME_LINE = re.compile(r'File "([^"]+)", line (\d+) in (\S+)')
_context: Any = None


@dataclass
class Result:
    """What one input did.

    Attributes
    ----------
    outcome
        One of :data:`OUTCOMES`.
    exc_type
        The exception's class name (or the signal, or ``timeout``).
    message
        The exception message or the failed checks, shortened.
    frame
        The last traceback frame inside runwell, ``runwell/x.py:LINE in func``.
    last
        The last frame of the traceback, wherever it is.
    seconds
        Wall time of the child.
    sockets
        Socket calls the child attempted.
    """

    outcome: str
    exc_type: str = ""
    message: str = ""
    frame: str = ""
    last: str = ""
    seconds: float = 0.0
    sockets: list[str] = field(default_factory=list)

    @property
    def signature(self) -> str:
        """Outcome, exception type and last runwell function (line numbers left out)."""
        where = re.sub(r":\d+ in ", ":", self.frame or self.last or "-")
        return f"{self.outcome} {self.exc_type or '-'} @ {where}"


def _short(filename: str, line: int | str, func: str) -> str:
    """``runwell/activities/fit.py:12 in f`` for runwell, ``lib/module.py:12 in f`` otherwise."""
    parts = filename.replace("\\", "/").split("/")
    if "runwell" in parts and "tests" not in parts:
        parts = parts[len(parts) - 1 - parts[::-1].index("runwell") :]
    else:
        parts = parts[-2:]
    return f"{'/'.join(parts)}:{line} in {func}"


def _frames(frames: list[tuple[str, int | str, str]]) -> tuple[str, str]:
    """(last runwell frame, last frame) from frames listed oldest first."""
    short = [_short(*f) for f in frames]
    mine = [s for s in short if s.startswith("runwell/")]
    return (mine[-1] if mine else ""), (short[-1] if short else "")


def _type_name(cls: type) -> str:
    """``ValueError`` for builtins, ``zlib.error`` or ``InputError`` (runwell) otherwise."""
    module = cls.__module__
    return cls.__name__ if module == "builtins" or module.startswith("runwell") else f"{module}.{cls.__qualname__}"


def _describe(exc: BaseException) -> dict[str, Any]:
    """A picklable account of an exception (called in the child)."""
    mro = type(exc).__mro__
    tb = [(f.filename, f.lineno or 0, f.name) for f in traceback.extract_tb(exc.__traceback__)]
    return {
        "status": "raised",
        "type": _type_name(type(exc)),
        "message": str(exc)[:600],
        "runwell": any(c.__name__ == "RunwellError" and c.__module__.startswith("runwell") for c in mro),
        "memory": isinstance(exc, MemoryError),
        "broken_pool": any(c.__name__ == "BrokenProcessPool" for c in mro),
        "frames": tb,
    }


def _guard_sockets(record: list[str]) -> None:
    """Make opening a socket raise ``PermissionError`` and record where it was tried."""

    def refuse(what: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            stack = traceback.extract_stack()[:-1]
            record.append(f"{what}{args[:2]!r} at {_frames([(f.filename, f.lineno or 0, f.name) for f in stack])[0]}")
            raise PermissionError(f"fuzz harness: network access refused ({what})")

        return call

    socket.socket = refuse("socket.socket")  # type: ignore[assignment,misc]
    socket.create_connection = refuse("socket.create_connection")
    socket.getaddrinfo = refuse("socket.getaddrinfo")


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...], log: str, mem: int, dump: float) -> None:
    """Child process body: set limits and guards, call ``func(*args)``, send an account."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    faulthandler.enable(all_threads=True)
    faulthandler.dump_traceback_later(dump, repeat=True, exit=False)
    if mem:
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    sockets: list[str] = []
    _guard_sockets(sockets)
    warnings.simplefilter("ignore")
    try:
        problems = func(*args) or []
        report: dict[str, Any] = {"status": "returned", "problems": [str(p)[:300] for p in problems]}
    except BaseException as exc:  # noqa: B036 - everything is data here, even SystemExit
        report = _describe(exc)
        del exc
    faulthandler.cancel_dump_traceback_later()
    report["sockets"] = sockets
    conn.send(report)
    conn.close()


def _log_summary(log: str) -> str:
    """The ``Fatal Python error`` line of a child's log, else its last lines (no module lists)."""
    lines = [ln for ln in log.splitlines() if ln.strip() and not ln.startswith("Extension modules")]
    fatal = [ln for ln in lines if ln.startswith("Fatal Python error")]
    return (fatal[0] if fatal else " | ".join(lines[-3:]))[:300]


def _faulthandler_frames(log: str) -> tuple[str, str]:
    """Frames of the stack faulthandler printed for the thread running the call.

    That is the last stack through the harness's ``_child`` (a timed dump marks whichever
    thread holds the GIL as current, which may be a helper thread, and repeats), else the
    current thread's.
    """
    blocks = re.split(r"\n(?=(?:Current thread|Thread) 0x)", log)
    stacks = [b for b in blocks if "most recent call first" in b]
    if not stacks:
        return "", ""
    block = next((b for b in stacks[::-1] if " in _child" in b), None) or next(
        (b for b in stacks if b.lstrip().startswith("Current thread")), stacks[0]
    )
    block = block.split("\n\n", 1)[0]
    frames = [(m.group(1), m.group(2), m.group(3)) for m in _FRAME_LINE.finditer(block)]
    return _frames(frames[::-1])


def classify(
    report: dict[str, Any] | None, exitcode: int | None, hung: bool, log: str, name: str | None, clean_ok: bool = True
) -> Result:
    """Turn what the child sent (or did not) into a :class:`Result`.

    Parameters
    ----------
    report
        The child's account (``None`` when it sent none).
    exitcode
        ``Process.exitcode`` (negative: killed by that signal).
    hung
        Whether it was still running at the limit.
    log
        The child's stdout/stderr (faulthandler writes there).
    name
        What a clean error message must contain (the input's file name); ``None``: anything.
    clean_ok
        Whether a ``RunwellError`` counts as clean at all (not for batch loads, which must
        finish whatever one file holds).

    Returns
    -------
    Result
        ``seconds`` is left at 0 for the caller to fill in.
    """
    if hung:
        return Result("HANG", "timeout", "still running at the time limit", *_faulthandler_frames(log))
    if report is None:
        if any(m in log for m in _MEMORY_MARKERS):
            return Result("MEMORY", "died", _log_summary(log), *_faulthandler_frames(log))
        sig = signal.Signals(-exitcode).name if exitcode and exitcode < 0 else f"exit {exitcode}"
        return Result("CRASH", sig, _log_summary(log), *_faulthandler_frames(log))
    sockets = list(report.get("sockets", []))
    if report["status"] == "returned":
        if sockets:
            return Result("UNCLEAN", "NetworkAccess", "; ".join(sockets)[:600], sockets=sockets)
        problems = report["problems"]
        if not problems:
            return Result("OK")
        codes = ",".join(sorted({p.split(":", 1)[0] for p in problems}))
        return Result("UNCLEAN", f"CheckFailed[{codes}]", "; ".join(problems), sockets=sockets)
    frame, last = _frames(report["frames"])
    res = Result("UNCLEAN", report["type"], report["message"], frame, last, sockets=sockets)
    if report["memory"]:
        res.outcome = "MEMORY"
    elif report["broken_pool"]:
        res.outcome = "CRASH"
    elif sockets:
        res.exc_type, res.message = "NetworkAccess", "; ".join(sockets)[:600]
    elif report["runwell"] and not clean_ok:
        res.exc_type += " (load stopped)"
    elif report["runwell"] and (name is None or name in report["message"]):
        res.outcome = "CLEAN"
    elif report["runwell"]:
        res.exc_type += " (file not named)"
    return res


def _cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) a running process has used so far, from ``/proc`` (NaN elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def _ctx() -> Any:
    """The forkserver context, started once with runwell preloaded (one BLAS thread).

    The forkserver of Python < 3.13 imports its preload modules before it sets
    ``sys.path``, so the folder holding :mod:`fuzzing` goes into ``PYTHONPATH`` too.
    """
    global _context
    if _context is None:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
        here = str(Path(__file__).resolve().parents[1])
        paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if here not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([here, *filter(None, paths)])
        _context = mp.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _wait(recv: Connection, pid: int | None, timeout: float) -> dict[str, Any] | None:
    """The child's report, or ``None`` when it died or ran out of time.

    The child has ``timeout`` seconds of wall time; when it got less than half a CPU in
    that time (a busy, shared machine) the wait goes on, up to three times as long,
    until it has used ``timeout / 2`` seconds of CPU.
    """
    start = time.monotonic()
    try:
        while True:
            elapsed = time.monotonic() - start
            if recv.poll(timeout - elapsed if elapsed < timeout else 0.25):
                return recv.recv()
            elapsed = time.monotonic() - start
            if elapsed >= timeout and (not _cpu_seconds(pid) < timeout / 2 or elapsed >= 3 * timeout):
                return None
    except (EOFError, OSError):
        return None


def run_call(
    func: Callable[..., Any],
    args: tuple[Any, ...] = (),
    *,
    name: str | None = None,
    clean_ok: bool = True,
    timeout: float = 10.0,
    mem_limit: int = 2 << 30,
) -> Result:
    """Call ``func(*args)`` in a fresh child process and classify the outcome.

    Parameters
    ----------
    func
        A module-level function (it is pickled by reference). It returns a list of
        problems found by its own checks (empty or ``None``: fine) or raises.
    args
        Its arguments (picklable).
    name
        Text a clean ``RunwellError`` message must contain (see :func:`classify`).
    clean_ok
        See :func:`classify`.
    timeout
        Wall-time limit in seconds (stretched while the machine starves the child, see
        :func:`_wait`).
    mem_limit
        ``RLIMIT_AS`` of the child in bytes (0: none).

    Returns
    -------
    Result
    """
    ctx = _ctx()
    fd, log_path = tempfile.mkstemp(prefix="rwfuzz-", suffix=".log")
    os.close(fd)
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, func, args, log_path, mem_limit, max(timeout - 1.0, timeout * 0.8)))
    start = time.monotonic()
    proc.start()
    send.close()
    report = _wait(recv, proc.pid, timeout)
    proc.join(0.5 if report is None else 10)
    hung = proc.is_alive()
    if hung:
        cpu = _cpu_seconds(proc.pid)
        proc.kill()
        proc.join()
    seconds = time.monotonic() - start
    recv.close()
    with open(log_path, errors="replace") as fh:
        log = fh.read()[-20000:]
    os.unlink(log_path)
    res = classify(report, proc.exitcode, hung and report is None, log, name, clean_ok)
    res.seconds = seconds
    if res.outcome == "HANG":
        res.message += f" ({cpu:.1f} s CPU in {seconds:.1f} s)"
    return res
