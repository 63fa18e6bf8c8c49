"""One sport vocabulary for every source.

Files name sports in many ways: FIT enums (``running`` + sub-sport ``treadmill``), TCX
``Sport="Running"``, Strava's numeric GPX ``<type>9</type>``, Strava CSV ``Run`` or
``Lauf``, Apple ``HKWorkoutActivityTypeRunning``. :func:`normalise_sport` maps them all
onto :data:`runwell.tables.SPORTS` and says whether the sub-sport means indoors.
"""

from __future__ import annotations

import re

from runwell.tables import INDOOR_SUB_SPORTS, RUNNING_SPORTS

__all__ = ["normalise_sport", "STRAVA_GPX_TYPES", "is_running"]

#: Strava's numeric activity types as written in the ``<type>`` of its GPX exports.
STRAVA_GPX_TYPES: dict[str, str] = {
    "1": "ride",
    "2": "alpine ski",
    "3": "backcountry ski",
    "4": "hike",
    "5": "ice skate",
    "6": "inline skate",
    "7": "nordic ski",
    "8": "roller ski",
    "9": "run",
    "10": "walk",
    "11": "workout",
    "12": "snowboard",
    "13": "snowshoe",
    "16": "swim",
    "17": "virtual ride",
    "18": "e-bike ride",
    "22": "rowing",
    "23": "stand up paddling",
    "26": "elliptical",
    "29": "weight training",
    "30": "yoga",
    "33": "virtual run",
}

# Keyword -> (sport, sub_sport). Checked in order on the lower-cased, de-camel-cased text,
# so the more specific entries come first.
_KEYWORDS: tuple[tuple[str, str, str], ...] = (
    ("treadmill", "treadmill_running", "treadmill"),
    ("laufband", "treadmill_running", "treadmill"),
    ("indoor running", "treadmill_running", "indoor_running"),
    ("indoor run", "treadmill_running", "indoor_running"),
    ("virtual run", "treadmill_running", "virtual_activity"),
    ("virtueller lauf", "treadmill_running", "virtual_activity"),
    ("trail run", "trail_running", "trail"),
    ("traillauf", "trail_running", "trail"),
    ("trail", "trail_running", "trail"),
    ("running", "running", "generic"),
    ("run", "running", "generic"),
    ("jog", "running", "generic"),
    ("lauf", "running", "generic"),
    ("laufen", "running", "generic"),
    ("hiking", "hiking", "generic"),
    ("hike", "hiking", "generic"),
    ("wanderung", "hiking", "generic"),
    ("wandern", "hiking", "generic"),
    ("walking", "walking", "generic"),
    ("walk", "walking", "generic"),
    ("spaziergang", "walking", "generic"),
    ("gehen", "walking", "generic"),
    ("virtual ride", "cycling", "virtual_activity"),
    ("virtuelle radfahrt", "cycling", "virtual_activity"),
    ("indoor cycling", "cycling", "indoor_cycling"),
    ("cycling", "cycling", "generic"),
    ("biking", "cycling", "generic"),
    ("bike", "cycling", "generic"),
    ("ride", "cycling", "generic"),
    ("radfahrt", "cycling", "generic"),
    ("radfahren", "cycling", "generic"),
    ("swimming", "swimming", "generic"),
    ("swim", "swimming", "generic"),
    ("schwimmen", "swimming", "generic"),
)

_FIT_SPORTS = {
    "running": "running",
    "walking": "walking",
    "hiking": "hiking",
    "cycling": "cycling",
    "e_biking": "cycling",
    "swimming": "swimming",
}

_FIT_RUNNING_SUBS = {
    "trail": "trail_running",
    "treadmill": "treadmill_running",
    "indoor_running": "treadmill_running",
    "virtual_activity": "treadmill_running",
}


def _words(text: str) -> str:
    text = re.sub(r"^HKWorkoutActivityType", "", text.strip())
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # TrailRun -> Trail Run
    return re.sub(r"[_\-]+", " ", text).lower().strip()


def normalise_sport(sport: object, sub_sport: object = None) -> tuple[str, str, bool]:
    """Map a source's sport (and sub-sport) onto runwell's vocabulary.

    Parameters
    ----------
    sport
        The sport as the file names it: a FIT enum name (``"running"``), a TCX Sport
        attribute, a Strava type (``"Run"``, ``"Lauf"``, numeric ``"9"``), an Apple
        workout type.
    sub_sport
        A FIT sub-sport name (``"treadmill"``, ``"trail"``, ``"virtual_activity"``) or None.

    Returns
    -------
    sport, sub_sport, indoor_by_sport
        The normalised sport (one of :data:`runwell.tables.SPORTS`), the normalised
        sub-sport (``"generic"`` when unknown), and whether the (sub-)sport itself says
        indoors. Indoor also follows from having no GPS; the readers add that.

    Examples
    --------
    >>> normalise_sport("running", "treadmill")
    ('treadmill_running', 'treadmill', True)
    >>> normalise_sport("9")
    ('running', 'generic', False)
    >>> normalise_sport("HKWorkoutActivityTypeHiking")
    ('hiking', 'generic', False)
    """
    raw = "" if sport is None else str(sport).strip()
    sub = "generic" if sub_sport in (None, "") else _words(str(sub_sport)).replace(" ", "_")
    if raw in STRAVA_GPX_TYPES:
        raw = STRAVA_GPX_TYPES[raw]
    key = raw.lower()
    if key in _FIT_SPORTS:
        norm = _FIT_SPORTS[key]
        if norm == "running":
            norm = _FIT_RUNNING_SUBS.get(sub, "running")
        return norm, sub, sub in INDOOR_SUB_SPORTS
    words = _words(raw)
    for keyword, norm, kw_sub in _KEYWORDS:
        if re.search(rf"\b{re.escape(keyword)}\b", words):
            final_sub = kw_sub if sub == "generic" else sub
            if norm == "running":
                norm = _FIT_RUNNING_SUBS.get(final_sub, "running")
            return norm, final_sub, final_sub in INDOOR_SUB_SPORTS
    return "other", sub, sub in INDOOR_SUB_SPORTS


def is_running(sport: str) -> bool:
    """True for the running sports (road, trail and treadmill)."""
    return sport in RUNNING_SPORTS
