"""Business-hours SLA arithmetic, without Temporal: hand-checked cases, validation, properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.sla import (
    WEEKDAYS,
    BusinessHours,
    OpenInterval,
    add_business_time,
    business_time_between,
)

MONTREAL = ZoneInfo("America/Montreal")
PARIS = ZoneInfo("Europe/Paris")
ZONES = ("America/Montreal", "Europe/Paris", "America/Vancouver", "Europe/London", "Asia/Kolkata")

PROPERTIES = settings(deadline=None, max_examples=200, database=None)


def hours(timezone: str = "America/Montreal", /, **days: object) -> BusinessHours:
    return BusinessHours.model_validate({"timezone": timezone, **days})


def weekdays(*intervals: str, timezone: str = "America/Montreal", **extra: object) -> BusinessHours:
    """Monday to Friday with the same intervals."""
    return hours(timezone, **{day: list(intervals) for day in WEEKDAYS[:5]}, **extra)


def every_day(*intervals: str, timezone: str) -> BusinessHours:
    return hours(timezone, **{day: list(intervals) for day in WEEKDAYS})


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


NINE_TO_FIVE = weekdays("09:00-17:00")


# --- hand-checked cases -------------------------------------------------------------------


def test_friday_afternoon_rolls_over_the_weekend() -> None:
    friday = datetime(2026, 1, 16, 16, 0, tzinfo=MONTREAL)  # EST, UTC-5
    due = add_business_time(friday, timedelta(hours=2), NINE_TO_FIVE)
    assert due == utc(2026, 1, 19, 15, 0)  # Monday 10:00 EST
    assert due.tzinfo is UTC


def test_holidays_are_skipped_whole_days() -> None:
    open_saturdays = {day: ["09:00-17:00"] for day in WEEKDAYS[:6]}
    thursday = datetime(2026, 12, 24, 16, 0, tzinfo=MONTREAL)
    plain = hours(**open_saturdays)
    assert add_business_time(thursday, timedelta(hours=2), plain) == utc(2026, 12, 25, 15)
    closed = hours(**open_saturdays, holidays=["2026-12-25", date(2026, 12, 26)])
    # Friday 25 and Saturday 26 are holidays, Sunday is closed: Monday 28 at 10:00 EST.
    assert add_business_time(thursday, timedelta(hours=2), closed) == utc(2026, 12, 28, 15)
    assert business_time_between(thursday, utc(2026, 12, 28, 15), closed) == timedelta(hours=2)


def test_lunch_break_is_not_counted() -> None:
    lunch = weekdays("09:00-12:00", "13:00-17:00")
    monday = datetime(2026, 2, 2, 11, 0, tzinfo=MONTREAL)
    assert add_business_time(monday, timedelta(hours=2), lunch) == utc(2026, 2, 2, 19)  # 14:00
    # Using up the morning exactly is due at noon, not when the afternoon opens.
    assert add_business_time(monday, timedelta(hours=1), lunch) == utc(2026, 2, 2, 17)  # 12:00
    noon = datetime(2026, 2, 2, 12, 0, tzinfo=MONTREAL)
    assert add_business_time(noon, timedelta(minutes=1), lunch) == utc(2026, 2, 2, 18, 1)
    assert business_time_between(monday, noon.replace(hour=14), lunch) == timedelta(hours=2)


def test_start_in_closed_hours_waits_for_opening() -> None:
    early = datetime(2026, 2, 2, 7, 0, tzinfo=MONTREAL)  # Monday before opening
    assert add_business_time(early, timedelta(hours=1), NINE_TO_FIVE) == utc(2026, 2, 2, 15)
    evening = datetime(2026, 2, 2, 20, 0, tzinfo=MONTREAL)
    assert add_business_time(evening, timedelta(hours=1), NINE_TO_FIVE) == utc(2026, 2, 3, 15)
    saturday = datetime(2026, 2, 7, 12, 0, tzinfo=MONTREAL)
    assert add_business_time(saturday, timedelta(hours=1), NINE_TO_FIVE) == utc(2026, 2, 9, 15)


def test_zero_duration_is_start_even_when_closed() -> None:
    saturday = datetime(2026, 2, 7, 12, 0, tzinfo=MONTREAL)
    assert add_business_time(saturday, timedelta(0), NINE_TO_FIVE) == saturday
    assert add_business_time(saturday, timedelta(0), NINE_TO_FIVE).tzinfo is UTC


def test_montreal_spring_forward_inside_open_hours() -> None:
    # 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC): 01:00-04:00 is two real hours that day.
    nights = every_day("01:00-04:00", timezone="America/Montreal")
    start = datetime(2026, 3, 8, 1, 0, tzinfo=MONTREAL)  # 06:00 UTC
    assert add_business_time(start, timedelta(minutes=30), nights) == utc(2026, 3, 8, 6, 30)
    assert add_business_time(start, timedelta(minutes=90), nights) == utc(2026, 3, 8, 7, 30)
    assert add_business_time(start, timedelta(hours=2), nights) == utc(2026, 3, 8, 8)  # 04:00
    # The half hour left over goes to Monday 01:00 EDT (05:00 UTC).
    assert add_business_time(start, timedelta(minutes=150), nights) == utc(2026, 3, 9, 5, 30)
    day = datetime(2026, 3, 8, tzinfo=MONTREAL)
    assert business_time_between(day, day + timedelta(hours=12), nights) == timedelta(hours=2)


def test_montreal_fall_back_inside_open_hours() -> None:
    # 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC): 01:00-04:00 is four real hours that day.
    nights = every_day("01:00-04:00", timezone="America/Montreal")
    start = datetime(2026, 11, 1, 1, 0, tzinfo=MONTREAL)  # fold=0: EDT, 05:00 UTC
    assert add_business_time(start, timedelta(minutes=90), nights) == utc(2026, 11, 1, 6, 30)
    assert add_business_time(start, timedelta(minutes=210), nights) == utc(2026, 11, 1, 8, 30)
    assert add_business_time(start, timedelta(hours=4), nights) == utc(2026, 11, 1, 9)  # 04:00
    assert add_business_time(start, timedelta(hours=5), nights) == utc(2026, 11, 2, 7)  # 02:00
    second_one = datetime(2026, 11, 1, 1, 0, fold=1, tzinfo=MONTREAL)  # EST, 06:00 UTC
    assert add_business_time(second_one, timedelta(hours=1), nights) == utc(2026, 11, 1, 7)
    day = datetime(2026, 11, 1, 12, tzinfo=MONTREAL)
    assert business_time_between(day - timedelta(hours=12), day, nights) == timedelta(hours=4)


def test_montreal_dst_weekend_with_office_hours() -> None:
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=MONTREAL)  # EST
    assert add_business_time(friday, timedelta(hours=2), NINE_TO_FIVE) == utc(2026, 3, 9, 14)
    friday = datetime(2026, 10, 30, 16, 0, tzinfo=MONTREAL)  # EDT
    assert add_business_time(friday, timedelta(hours=2), NINE_TO_FIVE) == utc(2026, 11, 2, 15)


def test_paris_spring_forward_inside_open_hours() -> None:
    # 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC).
    nights = every_day("01:00-04:00", timezone="Europe/Paris")
    start = datetime(2026, 3, 29, 1, 0, tzinfo=PARIS)  # CET, 00:00 UTC
    assert add_business_time(start, timedelta(minutes=90), nights) == utc(2026, 3, 29, 1, 30)
    assert add_business_time(start, timedelta(hours=2), nights) == utc(2026, 3, 29, 2)  # 04:00
    # Next night opens at 01:00 CEST = 23:00 UTC the day before.
    assert add_business_time(start, timedelta(minutes=150), nights) == utc(2026, 3, 29, 23, 30)


def test_paris_fall_back_inside_open_hours() -> None:
    # 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC): 01:00-04:00 runs 23:00-03:00 UTC.
    nights = every_day("01:00-04:00", timezone="Europe/Paris")
    start = datetime(2026, 10, 25, 1, 0, tzinfo=PARIS)  # CEST, 23:00 UTC on the 24th
    assert start.astimezone(UTC) == utc(2026, 10, 24, 23)
    assert add_business_time(start, timedelta(hours=2), nights) == utc(2026, 10, 25, 1)
    assert add_business_time(start, timedelta(hours=3), nights) == utc(2026, 10, 25, 2)
    assert add_business_time(start, timedelta(hours=4), nights) == utc(2026, 10, 25, 3)
    assert add_business_time(start, timedelta(hours=5), nights) == utc(2026, 10, 26, 1)


def test_bound_inside_the_gap_or_the_repeated_hour() -> None:
    # Opening at 02:30 on spring-forward day: the first instant reading later is 03:00 EDT.
    gap = every_day("02:30-05:00", timezone="America/Montreal")
    midnight = datetime(2026, 3, 8, tzinfo=MONTREAL)
    assert add_business_time(midnight, timedelta(minutes=1), gap) == utc(2026, 3, 8, 7, 1)
    # Closing at 01:30 on fall-back day: 00:00-01:30 EDT and again 01:00-01:30 EST are open.
    fold = every_day("00:00-01:30", timezone="America/Montreal")
    midnight = datetime(2026, 11, 1, tzinfo=MONTREAL)  # 04:00 UTC
    assert business_time_between(midnight, midnight + timedelta(hours=8), fold) == timedelta(
        hours=2
    )
    assert add_business_time(midnight, timedelta(minutes=100), fold) == utc(2026, 11, 1, 6, 10)


def test_none_is_always_open() -> None:
    start = datetime(2026, 3, 7, 23, 0, tzinfo=MONTREAL)
    # Real elapsed time: across spring-forward, 4h later is 04:00 EDT, not 03:00.
    assert add_business_time(start, timedelta(hours=4), None) == start.astimezone(UTC) + timedelta(
        hours=4
    )
    assert add_business_time(start, timedelta(hours=4), None).tzinfo is UTC
    end = start + timedelta(days=3)  # wall-clock: 71 real hours later
    assert business_time_between(start, end, None) == timedelta(hours=71)
    around_the_clock = every_day("00:00-24:00", timezone="America/Montreal")
    assert add_business_time(start, timedelta(days=9), around_the_clock) == add_business_time(
        start, timedelta(days=9), None
    )


def test_between_is_zero_for_empty_or_inverted_spans() -> None:
    monday = utc(2026, 2, 2, 15)
    assert business_time_between(monday, monday, NINE_TO_FIVE) == timedelta(0)
    assert business_time_between(monday, monday - timedelta(hours=3), NINE_TO_FIVE) == timedelta(0)


def test_naive_or_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(datetime(2026, 2, 2, 9), timedelta(hours=1), NINE_TO_FIVE)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(utc(2026, 2, 2), datetime(2026, 2, 3), NINE_TO_FIVE)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(utc(2026, 2, 2), timedelta(hours=-1), NINE_TO_FIVE)


def test_starts_at_the_edge_of_time_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the range"):
        add_business_time(datetime.max.replace(tzinfo=UTC), timedelta(hours=1), NINE_TO_FIVE)
    with pytest.raises(ValueError, match="outside the range"):
        business_time_between(datetime.min.replace(tzinfo=UTC), utc(2026, 1, 1), NINE_TO_FIVE)


def test_scanning_is_bounded() -> None:
    sparse = hours(monday=["09:00-09:01"])
    with pytest.raises(ValueError, match="3653 days"):
        add_business_time(utc(2026, 1, 1), timedelta(hours=10), sparse)


# --- configuration ------------------------------------------------------------------------


def test_toml_shape_validates_and_round_trips() -> None:
    config = {
        "timezone": "Europe/Paris",
        "monday": ["13:00-17:00", "09:00-12:00"],
        "friday": ["09:00-12:00"],
        "sunday": ["22:00-24:00"],
        "holidays": [date(2026, 12, 25)],
    }
    parsed = BusinessHours.model_validate(config)
    assert parsed.monday == (OpenInterval.parse("09:00-12:00"), OpenInterval.parse("13:00-17:00"))
    assert parsed.sunday[0].end == timedelta(days=1)
    assert parsed.tuesday == ()
    assert parsed.week[0] == parsed.monday and parsed.week[6] == parsed.sunday
    assert BusinessHours.model_validate_json(parsed.model_dump_json()) == parsed
    assert BusinessHours.model_validate(parsed.model_dump()) == parsed
    assert parsed.model_dump()["monday"] == ["09:00-12:00", "13:00-17:00"]
    assert parsed.intervals_on(date(2026, 12, 25)) == ()


def test_touching_intervals_are_allowed() -> None:
    split = hours(monday=["09:00-12:00", "12:00-17:00"])
    monday = datetime(2026, 2, 2, 11, 0, tzinfo=MONTREAL)
    assert add_business_time(monday, timedelta(hours=2), split) == utc(2026, 2, 2, 18)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({"monday": ["09:00-09:00"]}, r"monday: interval '09:00-09:00' is empty or inverted"),
        ({"tuesday": ["17:00-09:00"]}, r"tuesday: interval '17:00-09:00' is empty or inverted"),
        ({"friday": ["9h-17h"]}, r"friday: interval '9h-17h' is not of the form HH:MM-HH:MM"),
        ({"friday": ["09:00-24:30"]}, r"friday: interval '09:00-24:30' is not of the form"),
        ({"monday": ["09:60-10:00"]}, r"monday: interval '09:60-10:00' is not of the form"),
        (
            {"wednesday": ["09:00-12:00", "11:00-13:00"]},
            r"wednesday: intervals 09:00-12:00 and 11:00-13:00 overlap",
        ),
        (
            {"monday": ["13:00-17:00", "08:00-18:00"]},
            r"monday: intervals 08:00-18:00 and 13:00-17:00 overlap",
        ),
        ({}, r"every day is closed"),
        ({"monday": [], "sunday": []}, r"every day is closed"),
        ({"monday": [{"start": "PT10H", "end": "PT9H"}]}, r"monday: .*empty or inverted"),
        ({"mondya": ["09:00-17:00"]}, r"mondya"),
    ],
)
def test_invalid_schedules_are_refused(days: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hours(**days)


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", "EST5EDT/../x", "Montreal"])
def test_unknown_timezone_is_refused(timezone: str) -> None:
    with pytest.raises(ValueError, match="not a known IANA timezone"):
        hours(timezone, monday=["09:00-17:00"])


def test_is_open_reads_the_local_wall_clock() -> None:
    assert NINE_TO_FIVE.is_open(datetime(2026, 2, 2, 9, 0, tzinfo=MONTREAL))
    assert not NINE_TO_FIVE.is_open(datetime(2026, 2, 2, 17, 0, tzinfo=MONTREAL))
    assert not NINE_TO_FIVE.is_open(datetime(2026, 2, 7, 12, 0, tzinfo=MONTREAL))


# --- properties ---------------------------------------------------------------------------

EPOCH = utc(2026, 1, 1)
TWO_YEARS = int((utc(2028, 1, 1) - EPOCH).total_seconds())
# UTC instants of the DST changes of the zones under test, so starts often land near one.
TRANSITIONS = tuple(
    utc(*moment)
    for moment in [
        (2026, 3, 8, 7),
        (2026, 11, 1, 6),
        (2027, 3, 14, 7),
        (2027, 11, 7, 6),  # Montreal
        (2026, 3, 8, 10),
        (2026, 11, 1, 9),  # Vancouver
        (2026, 3, 29, 1),
        (2026, 10, 25, 1),
        (2027, 3, 28, 1),
        (2027, 10, 31, 1),  # Paris, London
    ]
)

starts = st.one_of(
    st.integers(0, TWO_YEARS).map(lambda s: EPOCH + timedelta(seconds=s)),
    st.builds(
        lambda t, m: t + timedelta(minutes=m),
        st.sampled_from(TRANSITIONS),
        st.integers(-3 * 24 * 60, 3 * 24 * 60),
    ),
)
durations = st.integers(0, 200 * 3600).map(lambda s: timedelta(seconds=s))


def _format(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def random_week(draw: st.DrawFn, timezone: str) -> BusinessHours:
    """Up to three intervals a day on a 15-minute grid, at least 8 open hours a week."""
    days: dict[str, list[str]] = {}
    open_quarters = 0
    for day in WEEKDAYS:
        points = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
        pairs = list(zip(points[0::2], points[1::2], strict=False))
        days[day] = [f"{_format(a * 15)}-{_format(b * 15)}" for a, b in pairs]
        open_quarters += sum(b - a for a, b in pairs)
    if open_quarters < 8 * 4:
        days["monday"] = ["00:00-08:00"]
    return hours(timezone, **days)


@st.composite
def schedules(draw: st.DrawFn) -> BusinessHours:
    timezone = draw(st.sampled_from(ZONES))
    preset = draw(
        st.sampled_from(
            [
                weekdays("09:00-17:00", timezone=timezone),
                weekdays("09:00-12:00", "13:00-17:00", timezone=timezone),
                every_day("01:00-04:00", timezone=timezone),  # DST changes happen inside
                every_day("00:00-02:30", "23:00-24:00", timezone=timezone),
                None,
            ]
        )
    )
    schedule = preset if preset is not None else draw(random_week(timezone))
    holidays = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2028, 12, 31)), max_size=8))
    return schedule.model_copy(update={"holidays": holidays})


@PROPERTIES
@given(schedules(), starts, durations, durations)
def test_monotone_in_duration(
    schedule: BusinessHours, start: datetime, a: timedelta, b: timedelta
) -> None:
    shorter, longer = sorted((a, b))
    assert add_business_time(start, shorter, schedule) <= add_business_time(start, longer, schedule)


@PROPERTIES
@given(schedules(), starts, starts, durations)
def test_monotone_in_start(
    schedule: BusinessHours, a: datetime, b: datetime, duration: timedelta
) -> None:
    earlier, later = sorted((a, b))
    assert add_business_time(earlier, duration, schedule) <= add_business_time(
        later, duration, schedule
    )


@PROPERTIES
@given(schedules(), starts, durations, durations)
def test_additive(schedule: BusinessHours, start: datetime, a: timedelta, b: timedelta) -> None:
    step = add_business_time(add_business_time(start, a, schedule), b, schedule)
    assert step == add_business_time(start, a + b, schedule)


@PROPERTIES
@given(schedules(), starts, durations)
def test_between_inverts_add(schedule: BusinessHours, start: datetime, duration: timedelta) -> None:
    due = add_business_time(start, duration, schedule)
    assert business_time_between(start, due, schedule) == duration


def _wall_clock_open(schedule: BusinessHours, instant: datetime) -> bool:
    """Independent oracle: read the local clock and look the time up in the configuration."""
    local = instant.astimezone(ZoneInfo(schedule.timezone))
    if local.date() in schedule.holidays:
        return False
    reading = local.time().replace(tzinfo=None)
    for text in schedule.model_dump()[WEEKDAYS[local.weekday()]]:
        opens, closes = text.split("-")
        if time.fromisoformat(opens) <= reading and (
            closes == "24:00" or reading < time.fromisoformat(closes)
        ):
            return True
    return False


@PROPERTIES
@given(schedules(), starts, durations.filter(lambda d: d > timedelta(0)))
def test_result_is_in_open_time_or_at_its_end(
    schedule: BusinessHours, start: datetime, duration: timedelta
) -> None:
    due = add_business_time(start, duration, schedule)
    assert due.tzinfo is UTC
    assert due > start
    # Inside an open interval or exactly at its end: the instant just before is open.
    assert _wall_clock_open(schedule, due - timedelta(microseconds=1))
    assert schedule.is_open(due - timedelta(microseconds=1))


@PROPERTIES
@given(schedules(), starts, durations)
def test_results_are_utc_aware(
    schedule: BusinessHours, start: datetime, duration: timedelta
) -> None:
    local_start = start.astimezone(ZoneInfo(schedule.timezone))
    due = add_business_time(local_start, duration, schedule)
    assert due.tzinfo is UTC
    assert due == add_business_time(start, duration, schedule)
    plain = add_business_time(local_start, duration, None)
    assert plain.tzinfo is UTC
    assert plain == start + duration


@settings(deadline=None, max_examples=60, database=None)
@given(schedules(), starts, st.integers(0, 3 * 24 * 60))
def test_between_matches_minute_by_minute_count(
    schedule: BusinessHours, start: datetime, minutes: int
) -> None:
    # Every bound is a whole minute of UTC for these zones, so sampling each minute is exact.
    first = start.replace(second=0)
    count = sum(_wall_clock_open(schedule, first + timedelta(minutes=m)) for m in range(minutes))
    end = first + timedelta(minutes=minutes)
    assert business_time_between(first, end, schedule) == timedelta(minutes=count)
