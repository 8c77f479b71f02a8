"""Pure functions that turn clinical number phrases into values.

Each function takes the text of one matched span and returns a number (or
``None`` when the text holds no usable value). They know nothing about spaCy,
so they can be tested exhaustively.
"""
from __future__ import annotations

import datetime as dt
import re

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "eighteen": 18,
    "twenty": 20, "thirty": 30, "couple": 2, "few": 3, "several": 3, "many": 3,
}
_UNIT_DAYS = {"h": 1 / 24, "hr": 1 / 24, "hour": 1 / 24, "d": 1, "day": 1, "w": 7, "wk": 7, "week": 7, "m": 30, "mo": 30, "mon": 30,
              "month": 30, "y": 365, "yr": 365, "year": 365}
#: SPEC section 1: fixed values for duration words.
_DURATION_WORDS = (
    (re.compile(r"\b(?:several|a few|few|couple of|couple)\s+months?\b"), 90),
    (re.compile(r"\bseveral\s+weeks?\b|\ba few weeks?\b|\bcouple (?:of )?weeks?\b"), 21),
    (re.compile(r"\b(?:for|x|many|several)\s+(?:many\s+)?years\b|\blong[- ]?standing\b|\byears\b"), 730),
    (re.compile(r"\bsub-?acute\b"), 42),
    (re.compile(r"\bchronic\b"), 90),
    (re.compile(r"\bacute\b"), 7),
)
_NUMBER = (r"(\d+(?:\.\d+)?|\d+\s*(?:-|to)\s*\d+|\b(?:"
           + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")\b)")
_AMOUNT_UNIT = re.compile(
    r"(?<![\d.])" + _NUMBER
    + r"\+?\s*(?:-|\s)?\s*(h(?:ou)?rs?|d(?:ays?)?|w(?:e?e?ks?)?|m(?:o(?:n(?:th)?)?s?|onths?)?|y(?:(?:ea)?rs?)?)\b"
)
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DATE_MONTH_NAME = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*(\d{1,2})?(?:st|nd|rd|th)?\b,?\s*(\d{4})?")


def _amount(token: str) -> float | None:
    token = token.strip()
    if token in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[token])
    range_match = re.fullmatch(r"(\d+)\s*(?:-|to)\s*(\d+)", token)
    if range_match:  # "3-4 months": the longer end is the documented duration (a huge number is inf)
        return max(float(range_match.group(1)), float(range_match.group(2)))
    try:
        return float(token)
    except ValueError:
        return None


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th ``weekday`` (Monday = 0) of a month; n = -1 is the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


_HOLIDAYS = (  # (pattern, function year -> date)
    (re.compile(r"labou?r day"), lambda y: _nth_weekday(y, 9, 0, 1)),
    (re.compile(r"memorial day"), lambda y: _nth_weekday(y, 5, 0, -1)),
    (re.compile(r"thanksgiving"), lambda y: _nth_weekday(y, 11, 3, 4)),
    (re.compile(r"mlk day"), lambda y: _nth_weekday(y, 1, 0, 3)),
    (re.compile(r"presidents'? day"), lambda y: _nth_weekday(y, 2, 0, 3)),
    (re.compile(r"christmas|xmas"), lambda y: dt.date(y, 12, 25)),
    (re.compile(r"new year"), lambda y: dt.date(y, 1, 1)),
    (re.compile(r"(?:4th|fourth) of july|july (?:4th|fourth)|independence day"), lambda y: dt.date(y, 7, 4)),
    (re.compile(r"halloween"), lambda y: dt.date(y, 10, 31)),
    (re.compile(r"valentine"), lambda y: dt.date(y, 2, 14)),
    (re.compile(r"st\.? patrick"), lambda y: dt.date(y, 3, 17)),
)


def _holiday(lowered: str, reference: dt.date | None) -> dt.date | None:
    if reference is None:
        return None
    for pattern, date_in in _HOLIDAYS:
        if pattern.search(lowered):
            try:
                date = date_in(reference.year)
                return date if date <= reference else date_in(reference.year - 1)
            except ValueError:  # a year before 1 or after 9999
                return None
    return None


def parse_date(text: str, reference: dt.date | None) -> dt.date | None:
    """Parse the first date in ``text``; years default to the latest one not after ``reference``."""
    lowered = text.lower()
    holiday = _holiday(lowered, reference)
    if holiday is not None:
        return holiday
    iso = _DATE_ISO.search(lowered)
    if iso:
        try:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    numeric = _DATE_NUMERIC.search(lowered)
    named = _DATE_MONTH_NAME.search(lowered)
    if numeric:
        month, day, year = int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
    elif named:
        month, day, year = _MONTHS[named.group(1)], int(named.group(2) or 1), named.group(3)
    else:
        return None
    if year is not None:
        year_value = int(year)
        year_value += 2000 if year_value < 100 else 0
        candidates = [year_value]
    elif reference is not None:
        candidates = [reference.year, reference.year - 1]
    else:
        return None
    for candidate in candidates:
        try:
            date = dt.date(candidate, month, day)
        except ValueError:
            return None
        if reference is None or date <= reference or year is not None:
            return date
    return None


_TRAILING_DATE = re.compile(r"(\d{1,2}/\d{1,2}(?:/\d{2,4})?)\s*$")


def days_before(text: str, note_date: dt.date | None) -> int | None:
    """Days from the date that ends ``text`` ("fusion on 3/27") to ``note_date``; None without both.

    >>> days_before("L4-5 ESI on 4/21", dt.date(2026, 5, 5))
    14
    >>> days_before("L4-5 ESI on 4/21", None) is None
    True
    """
    found = _TRAILING_DATE.search(text)
    if not found or note_date is None:
        return None
    date = parse_date(found.group(1), note_date)
    return None if date is None else (note_date - date).days


#: A plausible lifetime: a longer duration is not a symptom's (and no arithmetic on it overflows).
MAX_DURATION_DAYS = 120 * 365
_LESS_THAN = re.compile(r"\s*(?:x\s*)?(?:<|less\s+than\b|under\b|fewer\s+than\b)")


def duration_days(text: str, note_date: dt.date | None = None) -> int | None:
    """Normalise a symptom-duration phrase to days (SPEC section 1); None when it names none, or one longer
    than :data:`MAX_DURATION_DAYS` ("x 999999 wks" is not a symptom's duration).

    >>> duration_days("x 3 wks")
    21
    >>> duration_days("since 2/14", dt.date(2026, 3, 14))
    28
    >>> duration_days("chronic")
    90
    >>> duration_days("<6 wks")
    41
    >>> duration_days("x 999 yrs") is None
    True
    """
    days = _days_in(text.lower().replace("×", "x"), note_date)
    return days if days is None or days <= MAX_DURATION_DAYS else None


def _days_in(lowered: str, note_date: dt.date | None) -> int | None:
    """The days a lower-cased duration phrase names, not yet capped."""
    if re.search(r"\bsince\b|\bstarted on\b|\bbeg[au]n on\b|\bonset\b", lowered) or _DATE_ISO.search(lowered):
        date = parse_date(lowered, note_date)
        if date is not None and note_date is not None:
            return max((note_date - date).days, 0)
    amount = _AMOUNT_UNIT.search(lowered)
    if amount:
        value = _amount(amount.group(1))
        unit = amount.group(2)
        unit_days = _UNIT_DAYS.get(unit) or _UNIT_DAYS.get(unit.rstrip("s")) or _UNIT_DAYS[unit[0]]
        if value is not None:
            if re.match(r"\s+and\s+a\s+half\b", lowered[amount.end():]):
                value += 0.5
            if value * unit_days > MAX_DURATION_DAYS:  # also inf: the rounding below would overflow
                return None
            days = max(int(round(value * unit_days)), 1 if unit_days < 1 else 0)
            # "<6 wks", "less than 6 weeks": short of the amount (a 6-week rule is not met)
            return max(days - 1, 0) if _LESS_THAN.match(lowered) else days
    if re.search(r"\b(?:yesterday|last night|this morning|today|tonight)\b", lowered):
        return 1
    single = re.search(r"\b(?:past|last|a|one|the)\s+(day|week|month|year)\b", lowered)
    if single:
        return int(_UNIT_DAYS[single.group(1)])
    couple = re.search(r"\bcouple\s+(?:of\s+)?(day|week|month)s\b", lowered)
    if couple:
        return 2 * int(_UNIT_DAYS[couple.group(1)])
    for pattern, days in _DURATION_WORDS:
        if pattern.search(lowered):
            return days
    return None


def age_years(text: str) -> int | None:
    """The age in years in an age phrase ("67M", "54 y/o", "a 45-year-old").

    >>> age_years("67 yo M")
    67
    """
    match = re.search(r"(?<![\d.])(\d{1,3})(?![\d.])", text)
    value = int(match.group(1)) if match else _number_in_words(text.lower())
    return value if value is not None and 0 < value < 120 else None


_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}


def _number_in_words(text: str) -> int | None:
    """The first number written in words ("fifty-two", "sixty eight", "one hundred and one"), up to 119.

    >>> _number_in_words("a fifty-two-year-old woman"), _number_in_words("nineteen years old")
    (52, 19)
    """
    words = re.findall(r"[a-z]+", text)
    for i, word in enumerate(words):
        if word == "one" and words[i + 1:i + 2] == ["hundred"]:
            rest = [w for w in words[i + 2:i + 4] if w != "and"][:1]
            return 100 + (_UNITS.get(rest[0], _TEENS.get(rest[0], 0)) if rest else 0)
        if word in _TENS:
            following = words[i + 1] if i + 1 < len(words) else ""
            return _TENS[word] + _UNITS.get(following, 0)
        if word in _TEENS:
            return _TEENS[word]
    return None


def temperature_celsius(text: str) -> float | None:
    """The temperature in a vitals phrase, in Celsius; bare values over 50 are Fahrenheit.

    >>> temperature_celsius("T 101.3")
    38.5
    """
    match = re.search(r"(\d{2,3}(?:\.\d+)?)", text)
    if not match:
        return None
    value = float(match.group(1))
    if value > 50:
        value = (value - 32) * 5 / 9
    return round(value, 1) if 30 <= value <= 45 else None


def is_fever(text: str) -> bool | None:
    """Whether a temperature phrase is a fever (>= 38.0 C / 100.4 F); None when unreadable."""
    celsius = temperature_celsius(text)
    return None if celsius is None else celsius >= 38.0


_MARKER = re.compile(r"\b(esr|sed(?:imentation)? rate|crp|c-reactive protein|wbc|white (?:blood )?(?:cell )?count|leukocytes?)\b")
_MARKER_LIMITS = {"esr": 20.0, "crp": 10.0, "wbc": 11.0}


def inflammatory_marker_elevated(text: str) -> bool | None:
    """Whether an ESR / CRP / WBC value is above normal (SPEC: ESR > 20, CRP > 10 mg/L or > 1 mg/dL, WBC > 11).

    >>> inflammatory_marker_elevated("CRP 4.2 mg/dL")
    True
    """
    lowered = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.lower())  # 12,500 -> 12500
    marker = _MARKER.search(lowered)
    value = re.search(r"(\d+(?:\.\d+)?)", lowered[marker.end():] if marker else lowered)
    if not marker or not value:
        return None
    name = marker.group(1)
    kind = "esr" if name.startswith(("esr", "sed")) else "crp" if name.startswith(("crp", "c-r")) else "wbc"
    number = float(value.group(1))
    if kind == "crp" and ("mg/dl" in lowered or (number < 10 and "mg/l" not in lowered and "." in value.group(1))):
        return number > 1.0
    if kind == "wbc" and number > 1000:  # written as cells/uL
        number /= 1000
    return number > _MARKER_LIMITS[kind]


def strength_grade(text: str) -> float | None:
    """The lowest MRC strength grade in a phrase ("4-/5" -> 3.75, "5/5" -> 5.0)."""
    grades = re.findall(r"(?<![\d.])([0-5](?:\.5)?)\s*([+-]?)\s*/\s*5", text)
    if not grades:
        return None
    values = [float(g) + (0.25 if s == "+" else -0.25 if s == "-" else 0.0) for g, s in grades]
    return min(values)


def is_weak(text: str) -> bool | None:
    """Whether a strength phrase documents weakness (any grade below 5/5)."""
    grade = strength_grade(text)
    return None if grade is None else grade < 5.0


_GRADE = r"(?<![\d.])([0-5](?:\.5)?)\s*([+-]?)\s*/\s*5"
_GRADE_ARROW = re.compile(r"([0-5](?:\.5)?)\s*([+-]?)\s*/\s*5\s*(?:->|-->|=>|→|>)\s*([0-5](?:\.5)?)\s*([+-]?)\s*/\s*5")
_EARLIER_GRADE = re.compile(r"\b(?:was|previously|prev\.?|formerly|down\s+from|from)\s*:?\s*([0-5](?:\.5)?)\s*([+-]?)\s*/\s*5")


def _grade_value(number: str, sign: str) -> float:
    return float(number) + (0.25 if sign == "+" else -0.25 if sign == "-" else 0.0)


def strength_declined(text: str) -> bool | None:
    """Whether a strength phrase documents a decline: "declined from 4/5 to 2/5", "3/5 (was 4/5)".

    >>> strength_declined("DF went from 4/5 to 2/5"), strength_declined("3/5 L EHL (was 4+/5 in May)")
    (True, True)
    >>> strength_declined("improved from 3/5 to 4/5"), strength_declined("5/5 (was 4/5)")
    (False, False)
    >>> strength_declined("EHL (4/5 -> 3/5)"), strength_declined("4-/5 → 4+/5")
    (True, False)
    """
    arrow = _GRADE_ARROW.search(text)
    if arrow:
        return _grade_value(*arrow.group(3, 4)) < _grade_value(*arrow.group(1, 2))
    earlier = _EARLIER_GRADE.search(text)
    grades = re.findall(_GRADE, text)
    if earlier is None or len(grades) < 2:
        return None
    before = _grade_value(*earlier.groups())
    others = [_grade_value(*g) for g in re.findall(_GRADE, text[:earlier.start()] + " " + text[earlier.end():])]
    return bool(others) and min(others) < before


def reflex_abnormal(text: str) -> bool | None:
    """Whether a reflex phrase is abnormal: 0, trace, 1+, absent, diminished, asymmetric, 3+/4+, clonus.

    "2+", "normal", "symmetric" are normal. Returns None when the phrase grades nothing.
    """
    lowered = text.lower()
    if re.search(r"\b(absent|diminished|decreased|reduced|depressed|hypoactive|trace|asymmetr\w*|unobtainable|"
                 r"nonreactive|hyperreflexi\w*|brisk|clonus|hyporeflexi\w*|areflexi\w*)\b", lowered):
        return True
    grades = re.findall(r"(?<![\d/])([0-4])\s*\+?(?!\s*/\s*5)", lowered)
    if grades:
        return any(g in {"0", "1", "3", "4"} for g in grades)
    if re.search(r"\b(normal|symmetric|intact|equal|nl|wnl)\b", lowered):
        return False
    return None
