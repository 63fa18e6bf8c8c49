"""FIT activity files: the protocol, the decoders and the rules that make sessions of them.

Modules, one job each:

:mod:`.reader`
    :func:`parse_fit`, the entry point: the bulk decoder, the reference decoder for the
    rare file it hands back.
:mod:`.protocol`
    What the FIT protocol fixes: epoch, base types, semicircles, the CRC.
:mod:`.session`
    The session rules shared by both decoders (:class:`~.session.Decoded` messages in,
    a :class:`~runwell.activities._session.Session` out).
:mod:`.reference`
    The reference decoder (fitparse): every message, samples, damaged files.
:mod:`.scan`
    The bulk decoder's first pass: where every message is (runs of records in one step).
:mod:`.bulk`
    The bulk decoder: each message type decoded at once into arrays, profile applied.
:mod:`.values`
    One field of many messages: floats and times for streams, fitparse's values.
:mod:`.profile`
    fitparse's profile and base types as the array code needs them.
:mod:`.records`
    Sessions and samples from the bulk decoder (:func:`~.records.read_fit_bulk`).
:mod:`.repair`
    Byte-level repair of field sizes the reference decoder rejects (COROS).
"""

from runwell.activities.fit.reader import parse_fit

__all__ = ["parse_fit"]
