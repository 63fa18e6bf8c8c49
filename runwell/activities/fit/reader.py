"""The FIT reader: which decoder reads a file.

Summaries go to the fast path first (:func:`.fast.summarize_fit`, which skips the
per-second records); whatever it hands back, and every file whose samples are asked
for, goes to the reference decoder (:func:`.reference.read_fit_reference`, fitparse).
Both build sessions with the same rules (:mod:`.session`), so they give the same rows.
"""

from __future__ import annotations

from runwell.activities._session import Parsed
from runwell.activities.fit.fast import summarize_fit
from runwell.activities.fit.reference import read_fit_reference

__all__ = ["parse_fit"]


def parse_fit(data: bytes, *, path: str, streams: bool = False, fast: bool = True) -> Parsed:
    """Read one FIT file (already decompressed) into sessions and, optionally, samples.

    Parameters
    ----------
    data
        The FIT bytes (one file or several chained).
    path
        Shown in messages.
    streams
        Also return the record samples.
    fast
        Summaries only: try :func:`~runwell.activities.fit.fast.summarize_fit` first,
        which skips the records; it hands anything unusual back to fitparse.

    Returns
    -------
    Parsed

    Raises
    ------
    NotAnActivityError
        For monitoring, settings and other non-activity FIT files.
    InputError
        When nothing usable could be read.
    """
    if not streams and fast:
        quick = summarize_fit(data, path=path)
        if quick is not None:
            return quick
    return read_fit_reference(data, path=path, streams=streams)
