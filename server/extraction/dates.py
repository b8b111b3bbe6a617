"""Turn the dates pages state into ISO 8601, keeping the time and offset when the page gives them."""

from __future__ import annotations

import datetime as dt
import re
import warnings

from dateutil import parser as dateutil_parser

EARLIEST_YEAR = 1990  # older "dates" on a news page are birth years, founding dates or junk
_ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?)?$")
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_UNSET = dt.datetime(1, 1, 1)  # dateutil fills the fields a string lacks from this default
_HOUR = 3600
# Zone abbreviations news pages print after a time; ambiguous ones (IST, CST in Asia) are left out.
_ZONES = {
    "UTC": 0, "GMT": 0, "BST": _HOUR, "CET": _HOUR, "CEST": 2 * _HOUR, "EET": 2 * _HOUR,
    "EEST": 3 * _HOUR, "EST": -5 * _HOUR, "EDT": -4 * _HOUR, "CDT": -5 * _HOUR, "MST": -7 * _HOUR,
    "MDT": -6 * _HOUR, "PST": -8 * _HOUR, "PDT": -7 * _HOUR, "AEST": 10 * _HOUR, "AEDT": 11 * _HOUR,
}  # fmt: skip


def iso_date(value: str | None) -> str | None:
    """Return `value` as ISO 8601 (date, or date and time with its offset), or None if it is no date.

    "Mon, 18 Nov 2019 16:07:38 -0600" becomes "2019-11-18T16:07:38-06:00" and
    "2019-11-18" stays as it is; a string without a year is not a date.
    """
    if not value:
        return None
    text = value.strip()
    if not _HAS_YEAR.search(text):
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
        has_time = "T" in text or " " in text
        if _ISO_8601.match(text) and EARLIEST_YEAR <= parsed.year <= dt.date.today().year + 1:
            return text  # already ISO 8601: kept as the page wrote it
    except ValueError:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
                parsed = dateutil_parser.parse(text, default=_UNSET, fuzzy=True, tzinfos=_ZONES)
        except (ValueError, OverflowError, TypeError):
            return None
        has_time = parsed.hour or parsed.minute or parsed.second or parsed.tzinfo is not None
    if not EARLIEST_YEAR <= parsed.year <= dt.date.today().year + 1:
        return None
    if not has_time:
        return parsed.date().isoformat()
    return parsed.isoformat(timespec="seconds")
