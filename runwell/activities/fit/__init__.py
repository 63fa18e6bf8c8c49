"""FIT activity files: the protocol, the decoders and the rules that make sessions of them.

Modules, one job each:

:mod:`.reader`
    :func:`parse_fit`, the entry point: the fast path first, the reference decoder for
    what it hands back and for samples.
:mod:`.protocol`
    What the FIT protocol fixes: epoch, base types, semicircles, the CRC.
:mod:`.session`
    The session rules shared by both decoders (:class:`~.session.Decoded` messages in,
    a :class:`~runwell.activities._session.Session` out).
:mod:`.reference`
    The reference decoder (fitparse): every message, samples, damaged files.
:mod:`.fast`
    The fast path for summaries: skips the records, declines anything unusual.
:mod:`.repair`
    Byte-level repair of field sizes the reference decoder rejects (COROS).
"""

from runwell.activities.fit.reader import parse_fit

__all__ = ["parse_fit"]
