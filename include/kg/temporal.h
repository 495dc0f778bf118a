// Temporal values as openCypher and Neo4j define them: Date, LocalTime,
// Time, LocalDateTime, DateTime and Duration, their ISO 8601 text forms and
// the calendar arithmetic under them. Dates are proleptic Gregorian with
// years from -999,999,999 to +999,999,999; times have nanosecond precision.
// Time zones come from the system's tz database (/usr/share/zoneinfo).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kg/status.h"

namespace kg {

// A calendar date: days since 1970-01-01.
struct Date {
  int64_t days = 0;
  friend bool operator==(const Date&, const Date&) = default;
};

// A time of day without an offset: nanoseconds since midnight.
struct LocalTime {
  int64_t nanos = 0;
  friend bool operator==(const LocalTime&, const LocalTime&) = default;
};

// A time of day at a UTC offset (seconds east of UTC).
struct Time {
  int64_t nanos = 0;
  int32_t offset = 0;
  friend bool operator==(const Time&, const Time&) = default;
};

// A date and time without an offset: wall-clock seconds since
// 1970-01-01T00:00 plus nanoseconds.
struct LocalDateTime {
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

// An instant (UTC seconds since the epoch plus nanoseconds) seen at an
// offset, and in a named time zone when zone is not kNoZone.
struct DateTime {
  static constexpr int32_t kNoZone = -1;
  int64_t seconds = 0;
  int32_t nanos = 0;
  int32_t offset = 0;
  int32_t zone = kNoZone;  // see temporal::ZoneName
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// An amount of time in months, days and seconds, kept apart because a
// month and a day have no fixed length. nanos is in [0, 1e9): -1.5 s is
// seconds = -2, nanos = 500000000.
struct Duration {
  int64_t months = 0;
  int64_t days = 0;
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
};

namespace temporal {

inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kSecondsPerDay = 86'400;
inline constexpr int64_t kNanosPerDay = kSecondsPerDay * kNanosPerSecond;
inline constexpr int64_t kMinYear = -999'999'999;
inline constexpr int64_t kMaxYear = 999'999'999;
inline constexpr int32_t kMaxOffset = 18 * 3600;  // +-18:00, as ISO 8601 allows

// A date as year, month (1-12) and day of month.
struct Civil {
  int64_t year = 1970;
  int month = 1;
  int day = 1;
};
Civil ToCivil(Date date);
// REQUIRES: a valid month and day for the year (see CheckCivil).
Date FromCivil(int64_t year, int month, int day);
// OK, or InvalidArgument naming the field out of range.
Status CheckCivil(int64_t year, int month, int day);
bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);
int DayOfWeek(Date date);  // 1 = Monday ... 7 = Sunday
// ISO 8601 week-numbering year and week of the date.
void IsoWeek(Date date, int64_t* week_year, int* week);
// The Monday of week 1 of an ISO week-numbering year.
Date WeekYearStart(int64_t week_year);

// Time zones. A zone is interned once per process; its id is stable for the
// life of the process only (stored values keep the name).
// The id of a tz database zone ("Asia/Shanghai"), or NotFound.
Result<int32_t> FindZone(std::string_view name);
const std::string& ZoneName(int32_t zone);
// The zone's offset from UTC, in seconds, at an instant.
int32_t ZoneOffsetAt(int32_t zone, int64_t utc_seconds);
// The UTC seconds of a wall-clock time in a zone: the one offset valid
// then; in an overlap the preferred offset when it is one of the two, else
// the earlier one; in a gap the time is moved later by the gap's length.
int64_t ZoneLocalToUtc(int32_t zone, int64_t local_seconds, int32_t preferred_offset);
// "Z", "+01:00" or "-02:05:07".
std::string OffsetToString(int32_t offset_seconds);
// Parses "Z", "+01", "+0100", "+01:00", "+01:00:30" (and -), or NotFound
// when the text is not an offset at all.
Result<int32_t> ParseOffset(std::string_view text);

// A DateTime for the wall-clock time local_seconds in a zone (zone id) or
// at a fixed offset (zone == DateTime::kNoZone).
DateTime MakeDateTime(int64_t local_seconds, int32_t nanos, int32_t offset, int32_t zone);
// The wall-clock seconds of a DateTime.
inline int64_t LocalSeconds(const DateTime& dt) { return dt.seconds + dt.offset; }

// Builds a Duration from amounts of units, each with its sign, moving the
// fraction of a unit down into the next smaller ones: a year is 12 months,
// a month 2,629,746 s (a 365.2425-day year over 12), a week 7 days, a day
// 86,400 s; what is left below a nanosecond is rounded to even.
class DurationBuilder {
 public:
  // unit: years, quarters, months, weeks, days, hours, minutes, seconds,
  // milliseconds, microseconds or nanoseconds. InvalidArgument for another
  // unit or an amount that is not finite.
  Status Add(std::string_view unit, int64_t amount);
  Status Add(std::string_view unit, double amount);
  // InvalidArgument when a part overflows.
  Result<Duration> Build() const;

 private:
  __extension__ typedef __int128 Wide;
  Wide months_ = 0, days_ = 0, nanos_ = 0;
  long double fraction_months_ = 0;  // fractions of years and months, in months
  long double fraction_days_ = 0;    // fractions of weeks and days, in days
  long double fraction_nanos_ = 0;   // fractions of hours and below, in nanoseconds
};

// The ISO 8601 text forms Neo4j prints: "2015-07-21", "21:40:32.142",
// "21:40:32.142+01:00", "2015-07-21T21:40:32.142",
// "2015-07-21T21:40:32.142+01:00[Europe/London]", "P14DT16H12M".
std::string ToString(const Date& v);
std::string ToString(const LocalTime& v);
std::string ToString(const Time& v);
std::string ToString(const LocalDateTime& v);
std::string ToString(const DateTime& v);
std::string ToString(const Duration& v);

// Parse the ISO 8601 forms: calendar, week ("2015-W30-2") and ordinal
// ("2015-202") dates, basic and extended formats, fractions of a second,
// offsets and "[Zone/Name]", durations "P1Y2M3W4DT5H6M7.5S" (a component
// may be negative or fractional) and "P2012-02-02T14:37:21.545".
// InvalidArgument naming what is wrong.
Result<Date> ParseDate(std::string_view text);
Result<LocalTime> ParseLocalTime(std::string_view text);
// default_offset: used when the text names no offset.
Result<Time> ParseTime(std::string_view text, int32_t default_offset = 0);
Result<LocalDateTime> ParseLocalDateTime(std::string_view text);
Result<DateTime> ParseDateTime(std::string_view text);
Result<Duration> ParseDuration(std::string_view text);

}  // namespace temporal
}  // namespace kg
