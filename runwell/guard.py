"""The last line of defence of every reader: only :class:`~runwell.errors.RunwellError` escapes.

Readers handle the damage they know (:mod:`runwell.safeio` for containers, each format for
its own content). :func:`reading` wraps the reading of one file and :func:`guarded`
decorates the public readers (``read_activity``, ``load_activities``, ``read_mood``, the
per-app readers, ``load_person``, ...): whatever they did not foresee becomes an
:class:`~runwell.errors.InputError` naming the file and the exception, never a bare
``ValueError`` from deep inside a library. ``MemoryError`` and interrupts pass unchanged.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from runwell.errors import InputError, RunwellError

__all__ = ["reading", "guarded"]

_FIX_DOWNLOAD = "re-download or re-export the file; it is damaged"


@contextmanager
def reading(where: str, what: str, fix: str | None = None, *, unexpected: bool = False) -> Iterator[None]:
    """The last line of defence of a reader: any error but a :class:`RunwellError` raised
    inside the block becomes an :class:`InputError` naming ``where``.

    Readers handle the damage they know; this turns what they did not foresee (a value
    a parser chokes on, a library's internal error) into a clean error naming the file
    and the exception, instead of a crash of the whole load. ``MemoryError`` and
    interrupts pass unchanged.

    Parameters
    ----------
    where
        The file (``archive.zip!member`` inside an archive).
    what
        What it was being read as, e.g. ``"FIT file"``.
    fix
        What the user can do (default: re-export, and report it if the file is fine).
    unexpected
        Word the error as a failure of ``what`` (a public reader) rather than damage
        to a file of that kind.
    """
    try:
        yield
    except (RunwellError, MemoryError):
        raise
    except RecursionError as err:
        raise InputError(where, f"{what} is nested too deeply to read", fix=fix or _FIX_DOWNLOAD) from err
    except Exception as err:  # the point of this guard
        text = " ".join(str(err).split())[:300]
        reason = f"{what} failed unexpectedly" if unexpected else f"damaged {what}"
        raise InputError(
            where,
            f"{reason}: {type(err).__name__}: {text}",
            fix=fix or "re-export the file; if it opens fine elsewhere, please report it to runwell",
        ) from err


F = TypeVar("F", bound=Callable[..., Any])


def _source_name(source: object) -> str:
    """The input named in a guarded reader's error: a path, or the first of a list."""
    if isinstance(source, str | os.PathLike):
        return str(source)
    if isinstance(source, list | tuple) and source:
        first = source[0]
        return f"{first} (and {len(source) - 1} more)" if len(source) > 1 else str(first)
    return repr(source)[:200]


def guarded(what: str) -> Callable[[F], F]:
    """Decorate a public reader so that only :class:`RunwellError` escapes it.

    Whatever else goes wrong (a bug runwell did not foresee) becomes an
    :class:`InputError` naming the input (the reader's first argument) and the exception,
    so that a caller catching ``RunwellError`` is never surprised; see :func:`reading`.

    Parameters
    ----------
    what
        The reader's name, for the message (``"read_activity"``).
    """

    def deco(func: F) -> F:
        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            source = args[0] if args else next(iter(kwargs.values()), None)
            with reading(_source_name(source), what, unexpected=True):
                return func(*args, **kwargs)

        return cast(F, call)

    return deco
