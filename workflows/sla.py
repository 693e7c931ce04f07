"""SLA deadlines counted in business hours: the account's opening hours, timezone and holidays.

An SLA of "4h" for an account open Monday to Friday 09:00-17:00 means four hours of *open*
time, so a message received on Friday at 16:00 is due on Monday at 12:00, not Friday at 20:00.

Everything here runs inside the workflow, so it stays pure: no clock (instants are arguments),
no I/O beyond the timezone database that ``zoneinfo`` reads, no randomness, stdlib only.
Replaying a history re-runs it and must get the same answer.

The rule that defines open time, DST included: an instant is open when the wall clock of the
account's timezone, at that instant, reads a time inside one of the intervals of that local day
(and that local day is not a holiday). Durations are then measured in real elapsed time over
the open instants; see ``_open_ranges`` for what this means on DST days.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from connecteurs.models import Frozen

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
"""Field names of ``BusinessHours``, in ``date.weekday()`` order (Monday is 0)."""

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)
_MICROSECOND = timedelta(microseconds=1)
# Scanning further than this means the schedule (with its holidays) cannot absorb the duration:
# a configuration bug, not a deadline. Failing loudly beats a workflow task that never ends.
_MAX_SCAN = timedelta(days=3653)
_LATEST_START = datetime.max.replace(tzinfo=UTC) - _MAX_SCAN - 2 * _DAY
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _wall_offset(hour: int, minute: int) -> timedelta | None:
    """Offset from local midnight of ``HH:MM``; ``24:00`` is the end of the day."""
    if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
        return None
    return timedelta(hours=hour, minutes=minute)


def _format_offset(offset: timedelta) -> str:
    minutes = offset // _MINUTE
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class OpenInterval(Frozen):
    """One open stretch of a day, as offsets from local midnight: ``[start, end)``.

    Offsets rather than ``time`` so that ``24:00`` (the end of the day) is representable and a
    schedule open around the clock is ``00:00-24:00``.
    """

    start: timedelta = Field(ge=timedelta(0), lt=_DAY)
    end: timedelta = Field(gt=timedelta(0), le=_DAY)

    @model_validator(mode="after")
    def _whole_minutes_start_before_end(self) -> OpenInterval:
        if self.start % _MINUTE or self.end % _MINUTE:
            raise ValueError("interval bounds must be whole minutes")
        if self.start >= self.end:
            raise ValueError(f"interval {self} is empty or inverted: start must be before end")
        return self

    @classmethod
    def parse(cls, text: str) -> OpenInterval:
        """``"09:00-12:00"`` as an interval; ``ValueError`` says what is wrong with it."""
        match = _INTERVAL.match(text)
        start = end = None
        if match:
            start = _wall_offset(int(match[1]), int(match[2]))
            end = _wall_offset(int(match[3]), int(match[4]))
        if start is None or end is None:
            raise ValueError(f"interval {text!r} is not of the form HH:MM-HH:MM (00:00 to 24:00)")
        if start >= end:
            raise ValueError(
                f"interval {text!r} is empty or inverted: its start must be before its end"
            )
        return cls(start=start, end=end)

    def __str__(self) -> str:
        return f"{_format_offset(self.start)}-{_format_offset(self.end)}"


class BusinessHours(Frozen):
    """When an account is open, in the TOML shape the configuration uses::

        timezone = "America/Montreal"
        monday = ["09:00-12:00", "13:00-17:00"]
        holidays = [2026-12-25]

    Days left out are closed. ``holidays`` are whole local days closed whatever the weekday.
    """

    timezone: str = Field(description="IANA timezone name, e.g. America/Montreal.")
    monday: tuple[OpenInterval, ...] = ()
    tuesday: tuple[OpenInterval, ...] = ()
    wednesday: tuple[OpenInterval, ...] = ()
    thursday: tuple[OpenInterval, ...] = ()
    friday: tuple[OpenInterval, ...] = ()
    saturday: tuple[OpenInterval, ...] = ()
    sunday: tuple[OpenInterval, ...] = ()
    holidays: frozenset[date] = frozenset()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"timezone {value!r} is not a known IANA timezone") from error
        return value

    @field_validator(*WEEKDAYS, mode="before")
    @classmethod
    def _parse_day(cls, value: Any, info: ValidationInfo) -> Any:
        # Parsed here rather than in OpenInterval so that every error names the day.
        day = info.field_name
        if isinstance(value, str) or not isinstance(value, list | tuple):
            return value  # pydantic reports the wrong type
        intervals: list[OpenInterval] = []
        for item in value:
            try:
                interval = (
                    OpenInterval.parse(item)
                    if isinstance(item, str)
                    else OpenInterval.model_validate(item)
                )
            except ValidationError as error:
                detail = "; ".join(
                    str(e["msg"]).removeprefix("Value error, ") for e in error.errors()
                )
                raise ValueError(f"{day}: {detail}") from error
            except ValueError as error:
                raise ValueError(f"{day}: {error}") from error
            intervals.append(interval)
        intervals.sort(key=lambda i: i.start)
        for before, after in pairwise(intervals):
            if after.start < before.end:
                raise ValueError(f"{day}: intervals {before} and {after} overlap")
        return tuple(intervals)

    @field_serializer(*WEEKDAYS)
    def _day_as_text(self, intervals: tuple[OpenInterval, ...]) -> list[str]:
        # Serialised in the configuration's own shape, so a dump validates back unchanged.
        return [str(i) for i in intervals]

    @model_validator(mode="after")
    def _open_some_time(self) -> BusinessHours:
        if not any(self.week.values()):
            raise ValueError("business hours: every day is closed; give at least one interval")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def week(self) -> dict[int, tuple[OpenInterval, ...]]:
        """Intervals per ``date.weekday()`` (Monday is 0), sorted, non-overlapping."""
        return {i: self._weekday(i) for i in range(len(WEEKDAYS))}

    def intervals_on(self, day: date) -> tuple[OpenInterval, ...]:
        """The open intervals of one local date; none on a holiday."""
        return () if day in self.holidays else self._weekday(day.weekday())

    def _weekday(self, index: int) -> tuple[OpenInterval, ...]:
        intervals: tuple[OpenInterval, ...] = getattr(self, WEEKDAYS[index])
        return intervals

    def is_open(self, at: datetime) -> bool:
        """Whether the local wall clock at instant ``at`` reads an open time."""
        local = _as_utc(at, "at").astimezone(self.zone)
        since_midnight = local.replace(tzinfo=None) - datetime.combine(local.date(), time())
        return any(i.start <= since_midnight < i.end for i in self.intervals_on(local.date()))


def add_business_time(
    start: datetime, duration: timedelta, hours: BusinessHours | None
) -> datetime:
    """The instant, in UTC, when ``duration`` of open time has elapsed since ``start``.

    ``hours=None`` means always open. A zero duration gives ``start`` itself, even when closed
    (nothing has to elapse). Otherwise the result is inside an open stretch or exactly at its
    end: a deadline that uses up the last minute before lunch is due at 12:00, not at 13:00.
    """
    begin = _as_utc(start, "start")
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    if hours is None or duration == timedelta(0):
        return begin + duration
    remaining = duration
    for low, high in _open_ranges(begin, hours):
        if high - low >= remaining:
            return low + remaining
        remaining -= high - low
    raise AssertionError("unreachable: _open_ranges raises before it runs out")  # pragma: no cover


def business_time_between(start: datetime, end: datetime, hours: BusinessHours | None) -> timedelta:
    """Open time in ``[start, end)``; zero when ``end <= start``.

    The inverse of ``add_business_time``: how much of an SLA clock ran between two instants,
    which is what a paused clock subtracts.
    """
    begin, finish = _as_utc(start, "start"), _as_utc(end, "end")
    if finish <= begin:
        return timedelta(0)
    if hours is None:
        return finish - begin
    total = timedelta(0)
    for low, high in _open_ranges(begin, hours):
        if low >= finish:
            break
        total += min(high, finish) - low
    return total


def _as_utc(instant: datetime, name: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {instant.isoformat()}")
    # Arithmetic happens in UTC: adding to a ZoneInfo datetime adds wall-clock time, which is
    # off by an hour across a DST change.
    return instant.astimezone(UTC)


def _open_ranges(start: datetime, hours: BusinessHours) -> Iterator[tuple[datetime, datetime]]:
    """The open instants from ``start`` on, as increasing, disjoint UTC ranges ``[low, high)``.

    Why this shape: the timeline is cut into stretches where the UTC offset is constant. Within
    one, local wall time is UTC plus that offset, so an interval's wall-clock bounds map to UTC
    by subtracting it, with no nonexistent or ambiguous local time to resolve. DST falls out:

    * spring forward (Montreal 2026-03-08, 02:00 -> 03:00): no instant reads 02:00-02:59, so
      an open 01:00-04:00 lasts two real hours; a bound inside the gap (say 02:30) takes
      effect at the first instant reading later than it, the transition itself (03:00).
    * fall back (Montreal 2026-11-01, 02:00 -> 01:00): 01:00-01:59 is read twice, both times
      open, so 01:00-04:00 lasts four real hours; a bound inside the repeated hour (say
      01:30) applies to both readings, so ``00:00-01:30`` is open 00:00-01:30 EDT and again
      01:00-01:30 EST.

    Ranges may touch (they are cut at stretch and day ends); callers just sum them. Raises
    ``ValueError`` once the scan passes ``_MAX_SCAN`` beyond ``start``.
    """
    # The margins keep local wall times (UTC +- up to a day) inside datetime's range.
    if not datetime.min.replace(tzinfo=UTC) + 2 * _DAY <= start <= _LATEST_START:
        raise ValueError(f"start {start.isoformat()} is outside the range business hours handle")
    zone = hours.zone
    limit = start + _MAX_SCAN
    low = start
    while low < limit:
        high = _next_transition(low, min(low + _DAY, limit), zone)
        yield from _open_ranges_at_offset(low, high, _offset(low, zone), hours)
        low = high
    raise ValueError(
        f"no end within {_MAX_SCAN.days} days of business time from {start.isoformat()}: "
        f"the schedule ({hours.timezone}) is open too little for this duration"
    )


def _offset(instant: datetime, zone: ZoneInfo) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset
    return offset


def _next_transition(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The first instant in ``(low, high]`` whose UTC offset differs from ``low``'s, else high.

    Bisects to the microsecond (tzdata transitions are whole seconds, so this is exact). It
    assumes no two transitions within one day that return to the same offset, which tzdata
    has never had.
    """
    before = _offset(low, zone)
    if _offset(high - _MICROSECOND, zone) == before:
        return high
    good, bad = low, high - _MICROSECOND
    while bad - good > _MICROSECOND:
        middle = good + timedelta(microseconds=((bad - good) // _MICROSECOND) // 2)
        if _offset(middle, zone) == before:
            good = middle
        else:
            bad = middle
    return bad


def _open_ranges_at_offset(
    low: datetime, high: datetime, offset: timedelta, hours: BusinessHours
) -> Iterator[tuple[datetime, datetime]]:
    """Open ranges of ``[low, high)``, a UTC stretch where the zone's offset is ``offset``."""
    wall_low = low.replace(tzinfo=None) + offset
    wall_high = high.replace(tzinfo=None) + offset
    day = wall_low.date()
    while day <= (wall_high - _MICROSECOND).date():
        midnight = datetime.combine(day, time())
        for interval in hours.intervals_on(day):
            open_low = max(midnight + interval.start, wall_low)
            open_high = min(midnight + interval.end, wall_high)
            if open_low < open_high:
                yield (
                    (open_low - offset).replace(tzinfo=UTC),
                    (open_high - offset).replace(tzinfo=UTC),
                )
        day += _DAY
