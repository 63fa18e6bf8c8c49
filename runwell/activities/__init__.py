"""Activity files (FIT, GPX, TCX) and the bulk exports that hold them.

Public entry points: :func:`read_activity`, :func:`read_streams`, :func:`load_activities`.
One module per format (:mod:`.fit`, :mod:`.gpx`, :mod:`.tcx`), one per export
(:mod:`.strava`, :mod:`.apple`); :mod:`.loader` dispatches on the full suffix.
"""

from runwell.activities.loader import ActivityLoad, load_activities, read_activity, read_streams
from runwell.activities.sports import normalise_sport

__all__ = ["read_activity", "read_streams", "load_activities", "ActivityLoad", "normalise_sport"]
