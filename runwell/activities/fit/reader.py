"""The FIT reader: which decoder reads a file.

Every file goes to the bulk decoder first (:func:`.records.read_fit_bulk`): it decodes the
messages of each kind at once into arrays and handles what real devices write (chained
files, developer fields, compressed timestamps, COROS field sizes, CRC mismatches,
truncated files) as the reference decoder does. What it cannot read as fitparse would
(:class:`.scan.NeedsReference`, rare and damaged files) goes to the reference decoder
(:func:`.reference.read_fit_reference`, fitparse), with a warning that says so and why,
so that the load report counts such files. Both build sessions with the same rules
(:mod:`.session`), so they give the same rows.
"""

from __future__ import annotations

import struct

from runwell.activities._session import Parsed
from runwell.activities.fit.records import read_fit_bulk
from runwell.activities.fit.reference import read_fit_reference
from runwell.activities.fit.scan import NeedsReference
from runwell.errors import RunwellError

__all__ = ["parse_fit", "REFERENCE_WARNING"]

#: How a file read by the reference decoder is marked in its warnings (then the reason).
REFERENCE_WARNING = "read with the reference decoder (fitparse): "


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
        Use the bulk decoder (the default); False reads with the reference decoder only.

    Returns
    -------
    Parsed
        A file the bulk decoder handed to the reference has a warning starting with
        :data:`REFERENCE_WARNING`.

    Raises
    ------
    NotAnActivityError
        For monitoring, settings and other non-activity FIT files.
    InputError
        When nothing usable could be read.
    """
    if not fast:
        return read_fit_reference(data, path=path, streams=streams)
    try:
        return read_fit_bulk(data, path=path, streams=streams)
    except RunwellError:
        raise
    except NeedsReference as why:
        reason = str(why)
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, struct.error) as err:
        reason = f"the bulk decoder failed ({type(err).__name__}: {err})"
    parsed = read_fit_reference(data, path=path, streams=streams)
    parsed.warnings.append(REFERENCE_WARNING + reason)
    return parsed
