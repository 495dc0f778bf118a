// The temporal values of kg/temporal.h: calendar arithmetic, ISO 8601 text
// forms and time zones. Zones come from the system's tz database through
// Howard Hinnant's date library (Debian's libhowardhinnant-date-dev, built to
// read /usr/share/zoneinfo).
#include "kg/temporal.h"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace kg::temporal {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

Status Invalid(std::string message) { return Status::InvalidArgument(std::move(message)); }

}  // namespace

// Days from civil and back: the era-based algorithms, exact for any int64 year
// in range.
Date FromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return Date{era * 146097 + doe - 719468};
}

Civil ToCivil(Date date) {
  const int64_t z = date.days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Civil{yoe + era * 400 + (m <= 2), m, d};
}

bool IsLeapYear(int64_t y) { return FloorMod(y, 4) == 0 && (FloorMod(y, 100) != 0 || FloorMod(y, 400) == 0); }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

Status CheckCivil(int64_t year, int month, int day) {
  if (year < kMinYear || year > kMaxYear)
    return Invalid("year " + std::to_string(year) + " is out of range (" + std::to_string(kMinYear) + " to " +
                   std::to_string(kMaxYear) + ")");
  if (month < 1 || month > 12) return Invalid("month " + std::to_string(month) + " is out of range (1 to 12)");
  if (day < 1 || day > DaysInMonth(year, month))
    return Invalid("day " + std::to_string(day) + " is out of range for " + std::to_string(year) + "-" +
                   (month < 10 ? "0" : "") + std::to_string(month) + " (1 to " +
                   std::to_string(DaysInMonth(year, month)) + ")");
  return Status::OK();
}

int DayOfWeek(Date date) { return static_cast<int>(FloorMod(date.days + 3, 7)) + 1; }

Date WeekYearStart(int64_t week_year) {
  Date jan4 = FromCivil(week_year, 1, 4);
  return Date{jan4.days - (DayOfWeek(jan4) - 1)};
}

void IsoWeek(Date date, int64_t* week_year, int* week) {
  Date thursday{date.days - (DayOfWeek(date) - 1) + 3};
  int64_t y = ToCivil(thursday).year;
  *week_year = y;
  *week = static_cast<int>((thursday.days - FromCivil(y, 1, 1).days) / 7 + 1);
}

// ---------------------------------------------------------------------------
// Time zones

namespace {

struct ZoneTable {
  std::mutex mu;
  std::vector<std::string> names;
  std::vector<const date::time_zone*> zones;
  std::unordered_map<std::string, int32_t> ids;
};

ZoneTable& Zones() {
  static ZoneTable* table = new ZoneTable;  // never destroyed: ids outlive every value
  return *table;
}

const date::time_zone* ZonePtr(int32_t zone) {
  ZoneTable& t = Zones();
  std::lock_guard lock(t.mu);
  return t.zones.at(static_cast<size_t>(zone));
}

// The tz database's rules cover years well inside this range; beyond it the
// offsets of its ends hold.
constexpr int64_t kZoneMinSeconds = -377705116800;  // -10000-01-01
constexpr int64_t kZoneMaxSeconds = 253402300799;   // 9999-12-31T23:59:59

int64_t ClampForZone(int64_t s) { return std::min(std::max(s, kZoneMinSeconds), kZoneMaxSeconds); }

}  // namespace

Result<int32_t> FindZone(std::string_view name) {
  ZoneTable& t = Zones();
  std::string key(name);
  {
    std::lock_guard lock(t.mu);
    auto it = t.ids.find(key);
    if (it != t.ids.end()) return it->second;
  }
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(key);
  } catch (const std::exception&) {
    return Status::NotFound("unknown time zone '" + key + "' (not in the tz database in /usr/share/zoneinfo)");
  }
  std::lock_guard lock(t.mu);
  auto [it, inserted] = t.ids.emplace(key, static_cast<int32_t>(t.names.size()));
  if (inserted) {
    t.names.push_back(key);
    t.zones.push_back(zone);
  }
  return it->second;
}

const std::string& ZoneName(int32_t zone) {
  ZoneTable& t = Zones();
  std::lock_guard lock(t.mu);
  return t.names.at(static_cast<size_t>(zone));
}

int32_t ZoneOffsetAt(int32_t zone, int64_t utc_seconds) {
  auto info = ZonePtr(zone)->get_info(date::sys_seconds{std::chrono::seconds{ClampForZone(utc_seconds)}});
  return static_cast<int32_t>(info.offset.count());
}

int64_t ZoneLocalToUtc(int32_t zone, int64_t local_seconds, int32_t preferred_offset) {
  int64_t probe = ClampForZone(local_seconds);
  auto info = ZonePtr(zone)->get_info(date::local_seconds{std::chrono::seconds{probe}});
  int64_t first = info.first.offset.count();
  if (info.result == date::local_info::ambiguous) {
    int64_t second = info.second.offset.count();
    if (preferred_offset == second) return local_seconds - second;
  }
  return local_seconds - first;
}

DateTime MakeDateTime(int64_t local_seconds, int32_t nanos, int32_t offset, int32_t zone) {
  DateTime dt;
  dt.nanos = nanos;
  dt.zone = zone;
  if (zone == DateTime::kNoZone) {
    dt.offset = offset;
    dt.seconds = local_seconds - offset;
  } else {
    dt.seconds = ZoneLocalToUtc(zone, local_seconds, offset);
    dt.offset = ZoneOffsetAt(zone, dt.seconds);
  }
  return dt;
}

std::string OffsetToString(int32_t offset) {
  if (offset == 0) return "Z";
  std::string out(1, offset < 0 ? '-' : '+');
  int32_t a = offset < 0 ? -offset : offset;
  auto two = [&](int v) {
    out.push_back(static_cast<char>('0' + v / 10));
    out.push_back(static_cast<char>('0' + v % 10));
  };
  two(a / 3600);
  out.push_back(':');
  two(a / 60 % 60);
  if (a % 60) {
    out.push_back(':');
    two(a % 60);
  }
  return out;
}

namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int64_t Digits(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

Result<int32_t> ParseOffset(std::string_view s) {
  if (s == "Z" || s == "z") return 0;
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return Status::NotFound("not an offset");
  int sign = s[0] == '-' ? -1 : 1;
  std::string_view r = s.substr(1);
  int64_t h = 0, m = 0, sec = 0;
  if (r.size() >= 2 && AllDigits(r.substr(0, 2))) {
    h = Digits(r.substr(0, 2));
    r.remove_prefix(2);
  } else {
    return Status::NotFound("not an offset");
  }
  bool extended = !r.empty() && r[0] == ':';
  if (extended) r.remove_prefix(1);
  if (!r.empty()) {
    if (r.size() < 2 || !AllDigits(r.substr(0, 2))) return Invalid("malformed offset '" + std::string(s) + "'");
    m = Digits(r.substr(0, 2));
    r.remove_prefix(2);
    if (!r.empty()) {
      if (extended) {
        if (r[0] != ':') return Invalid("malformed offset '" + std::string(s) + "'");
        r.remove_prefix(1);
      }
      if (r.size() != 2 || !AllDigits(r)) return Invalid("malformed offset '" + std::string(s) + "'");
      sec = Digits(r);
    }
  }
  if (m > 59 || sec > 59) return Invalid("offset '" + std::string(s) + "' has minutes or seconds over 59");
  int64_t total = h * 3600 + m * 60 + sec;
  if (total > kMaxOffset) return Invalid("offset '" + std::string(s) + "' is beyond +-18:00");
  return static_cast<int32_t>(sign * total);
}

// ---------------------------------------------------------------------------
// Text forms

namespace {

void AppendPadded(std::string* out, int64_t v, int width) {
  std::string d = std::to_string(v);
  if (static_cast<int>(d.size()) < width) out->append(width - d.size(), '0');
  out->append(d);
}

void AppendDate(std::string* out, Date date) {
  Civil c = ToCivil(date);
  if (c.year > 9999) out->push_back('+');
  if (c.year < 0) {
    out->push_back('-');
    AppendPadded(out, -c.year, 4);
  } else {
    AppendPadded(out, c.year, 4);
  }
  out->push_back('-');
  AppendPadded(out, c.month, 2);
  out->push_back('-');
  AppendPadded(out, c.day, 2);
}

void AppendTime(std::string* out, int64_t nanos_of_day) {
  int64_t secs = nanos_of_day / kNanosPerSecond;
  int64_t n = nanos_of_day % kNanosPerSecond;
  AppendPadded(out, secs / 3600, 2);
  out->push_back(':');
  AppendPadded(out, secs / 60 % 60, 2);
  if (secs % 60 == 0 && n == 0) return;
  out->push_back(':');
  AppendPadded(out, secs % 60, 2);
  if (n == 0) return;
  out->push_back('.');
  if (n % 1000000 == 0) AppendPadded(out, n / 1000000, 3);
  else if (n % 1000 == 0) AppendPadded(out, n / 1000, 6);
  else AppendPadded(out, n, 9);
}

void AppendLocalDateTime(std::string* out, int64_t local_seconds, int32_t nanos) {
  AppendDate(out, Date{FloorDiv(local_seconds, kSecondsPerDay)});
  out->push_back('T');
  AppendTime(out, FloorMod(local_seconds, kSecondsPerDay) * kNanosPerSecond + nanos);
}

}  // namespace

std::string ToString(const Date& v) {
  std::string out;
  AppendDate(&out, v);
  return out;
}

std::string ToString(const LocalTime& v) {
  std::string out;
  AppendTime(&out, v.nanos);
  return out;
}

std::string ToString(const Time& v) {
  std::string out;
  AppendTime(&out, v.nanos);
  out += OffsetToString(v.offset);
  return out;
}

std::string ToString(const LocalDateTime& v) {
  std::string out;
  AppendLocalDateTime(&out, v.seconds, v.nanos);
  return out;
}

std::string ToString(const DateTime& v) {
  std::string out;
  AppendLocalDateTime(&out, LocalSeconds(v), v.nanos);
  out += OffsetToString(v.offset);
  if (v.zone != DateTime::kNoZone) out.append("[").append(ZoneName(v.zone)).append("]");
  return out;
}

std::string ToString(const Duration& v) {
  std::string out = "P";
  int64_t years = v.months / 12, months = v.months % 12;
  if (years) out += std::to_string(years) + "Y";
  if (months) out += std::to_string(months) + "M";
  if (v.days) out += std::to_string(v.days) + "D";
  int64_t secs = v.seconds;
  int64_t n = v.nanos;
  bool negative_fraction = false;
  if (secs < 0 && n > 0) {
    secs += 1;
    n = kNanosPerSecond - n;
    negative_fraction = true;
  }
  if (secs != 0 || n != 0) {
    out.push_back('T');
    int64_t h = secs / 3600, m = secs % 3600 / 60, s = secs % 60;
    if (h) out += std::to_string(h) + "H";
    if (m) out += std::to_string(m) + "M";
    if (s != 0 || n != 0) {
      if (s == 0 && negative_fraction) out += "-0";
      else out += std::to_string(s);
      if (n) {
        std::string f = std::to_string(n);
        f.insert(0, 9 - f.size(), '0');
        while (f.back() == '0') f.pop_back();
        out += "." + f;
      }
      out.push_back('S');
    }
  }
  if (out.size() == 1) out = "PT0S";
  return out;
}

// ---------------------------------------------------------------------------
// Parsing

namespace {

Status Malformed(std::string_view what, std::string_view text, std::string_view why = {}) {
  std::string m = "'" + std::string(text) + "' is not a valid " + std::string(what);
  if (!why.empty()) m += ": " + std::string(why);
  return Invalid(std::move(m));
}

// A date part: YYYY, YYYY-MM, YYYYMM, YYYY-MM-DD, YYYYMMDD, YYYY-Www,
// YYYYWww, YYYY-Www-D, YYYYWwwD, YYYY-DDD, YYYYDDD; the year may carry a
// sign and more digits.
Result<Date> ParseDatePart(std::string_view text, std::string_view whole, std::string_view what) {
  std::string_view s = text;
  int64_t sign = 1;
  bool signed_year = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    signed_year = true;
    s.remove_prefix(1);
  }
  size_t ny = 0;
  if (signed_year) {
    while (ny < s.size() && s[ny] >= '0' && s[ny] <= '9') ++ny;
    if (ny < 4 || ny > 9) return Malformed(what, whole, "a signed year has 4 to 9 digits");
  } else {
    ny = 4;
    if (s.size() < 4 || !AllDigits(s.substr(0, 4))) return Malformed(what, whole, "it must start with a 4-digit year");
  }
  int64_t year = sign * Digits(s.substr(0, ny));
  s.remove_prefix(ny);
  auto check = [&](Status st) -> Result<Date> {
    return Status(st.code(), "'" + std::string(whole) + "' is not a valid " + std::string(what) + ": " + st.message());
  };
  if (year < kMinYear || year > kMaxYear) return check(CheckCivil(year, 1, 1));
  if (s.empty()) return FromCivil(year, 1, 1);
  bool extended = s[0] == '-';
  if (extended) s.remove_prefix(1);
  if (!s.empty() && (s[0] == 'W' || s[0] == 'w')) {
    s.remove_prefix(1);
    if (s.size() < 2 || !AllDigits(s.substr(0, 2))) return Malformed(what, whole, "a week needs two digits");
    int week = static_cast<int>(Digits(s.substr(0, 2)));
    s.remove_prefix(2);
    int dow = 1;
    if (!s.empty()) {
      if (extended) {
        if (s[0] != '-') return Malformed(what, whole);
        s.remove_prefix(1);
      }
      if (s.size() != 1 || !AllDigits(s)) return Malformed(what, whole, "a day of the week is one digit");
      dow = static_cast<int>(Digits(s));
    }
    int64_t wy;
    int weeks_in_year;
    IsoWeek(Date{WeekYearStart(year + 1).days - 1}, &wy, &weeks_in_year);
    if (week < 1 || week > weeks_in_year)
      return Malformed(what, whole, "week " + std::to_string(week) + " is out of range (1 to " +
                                        std::to_string(weeks_in_year) + ")");
    if (dow < 1 || dow > 7) return Malformed(what, whole, "day of the week " + std::to_string(dow) + " is out of range (1 to 7)");
    return Date{WeekYearStart(year).days + (week - 1) * 7 + (dow - 1)};
  }
  if (!AllDigits(s)) return Malformed(what, whole);
  if (s.size() == 3) {
    int ordinal = static_cast<int>(Digits(s));
    int max = IsLeapYear(year) ? 366 : 365;
    if (ordinal < 1 || ordinal > max)
      return Malformed(what, whole, "day of the year " + std::to_string(ordinal) + " is out of range (1 to " +
                                        std::to_string(max) + ")");
    return Date{FromCivil(year, 1, 1).days + ordinal - 1};
  }
  int month = 0, day = 1;
  if (s.size() == 2) {
    month = static_cast<int>(Digits(s));
  } else if (!extended && s.size() == 4) {
    month = static_cast<int>(Digits(s.substr(0, 2)));
    day = static_cast<int>(Digits(s.substr(2)));
  } else {
    return Malformed(what, whole);
  }
  if (Status st = CheckCivil(year, month, day); !st.ok()) return check(st);
  return FromCivil(year, month, day);
}

Result<Date> ParseDateText(std::string_view text, std::string_view whole, std::string_view what) {
  // The extended calendar form has its own separators to split on.
  std::string_view s = text;
  size_t start = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  size_t dash = s.find('-', start);
  if (dash != std::string_view::npos && dash + 3 < s.size() && s[dash + 3] == '-' && s[dash + 1] != 'W' &&
      s[dash + 1] != 'w') {
    std::string_view ym = s.substr(0, dash + 3);
    std::string_view d = s.substr(dash + 4);
    if (d.size() != 2 || !AllDigits(d)) return Malformed(what, whole, "a day needs two digits");
    auto first = ParseDatePart(ym, whole, what);
    if (!first.ok()) return first;
    Civil c = ToCivil(*first);
    int day = static_cast<int>(Digits(d));
    if (Status st = CheckCivil(c.year, c.month, day); !st.ok())
      return Malformed(what, whole, st.message());
    return FromCivil(c.year, c.month, day);
  }
  return ParseDatePart(text, whole, what);
}

// HH, HH:MM, HHMM, HH:MM:SS, HHMMSS, with a fraction after the seconds.
Result<int64_t> ParseTimeOfDay(std::string_view s, std::string_view whole, std::string_view what) {
  if (s.size() < 2 || !AllDigits(s.substr(0, 2))) return Malformed(what, whole, "it must start with a 2-digit hour");
  int64_t h = Digits(s.substr(0, 2)), m = 0, sec = 0, nanos = 0;
  s.remove_prefix(2);
  bool extended = !s.empty() && s[0] == ':';
  if (!s.empty()) {
    if (extended) s.remove_prefix(1);
    if (s.size() < 2 || !AllDigits(s.substr(0, 2))) return Malformed(what, whole, "minutes need two digits");
    m = Digits(s.substr(0, 2));
    s.remove_prefix(2);
  }
  if (!s.empty()) {
    if (extended) {
      if (s[0] != ':') return Malformed(what, whole);
      s.remove_prefix(1);
    }
    if (s.size() < 2 || !AllDigits(s.substr(0, 2))) return Malformed(what, whole, "seconds need two digits");
    sec = Digits(s.substr(0, 2));
    s.remove_prefix(2);
    if (!s.empty()) {
      if (s[0] != '.' && s[0] != ',') return Malformed(what, whole);
      s.remove_prefix(1);
      if (s.empty() || s.size() > 9 || !AllDigits(s)) return Malformed(what, whole, "a fraction of a second has 1 to 9 digits");
      nanos = Digits(s);
      for (size_t i = s.size(); i < 9; ++i) nanos *= 10;
    }
  }
  if (h > 23) return Malformed(what, whole, "hour " + std::to_string(h) + " is out of range (0 to 23)");
  if (m > 59) return Malformed(what, whole, "minute " + std::to_string(m) + " is out of range (0 to 59)");
  if (sec > 59) return Malformed(what, whole, "second " + std::to_string(sec) + " is out of range (0 to 59)");
  return ((h * 3600 + m * 60 + sec) * kNanosPerSecond) + nanos;
}

// Splits "TIME[OFFSET][[ZONE]]" into its parts.
struct TimeParts {
  std::string_view time, offset, zone;
};

Result<TimeParts> SplitTime(std::string_view s, std::string_view whole, std::string_view what) {
  TimeParts p;
  if (!s.empty() && s.back() == ']') {
    size_t open = s.rfind('[');
    if (open == std::string_view::npos) return Malformed(what, whole, "a ']' without '['");
    p.zone = s.substr(open + 1, s.size() - open - 2);
    s = s.substr(0, open);
  }
  size_t at = s.find_first_of("Zz+-");
  if (at != std::string_view::npos) {
    p.offset = s.substr(at);
    s = s.substr(0, at);
  }
  p.time = s;
  return p;
}

Result<int32_t> OffsetOf(std::string_view text, std::string_view whole, std::string_view what) {
  auto off = ParseOffset(text);
  if (!off.ok()) return Malformed(what, whole, off.status().IsNotFound() ? "malformed offset" : off.status().message());
  return *off;
}

}  // namespace

Result<Date> ParseDate(std::string_view text) { return ParseDateText(text, text, "date"); }

Result<LocalTime> ParseLocalTime(std::string_view text) {
  auto t = ParseTimeOfDay(text, text, "local time");
  if (!t.ok()) return t.status();
  return LocalTime{*t};
}

Result<Time> ParseTime(std::string_view text, int32_t default_offset) {
  auto parts = SplitTime(text, text, "time");
  if (!parts.ok()) return parts.status();
  if (!parts->zone.empty()) return Malformed("time", text, "a time has an offset, not a named time zone");
  auto t = ParseTimeOfDay(parts->time, text, "time");
  if (!t.ok()) return t.status();
  int32_t offset = default_offset;
  if (!parts->offset.empty()) {
    auto off = OffsetOf(parts->offset, text, "time");
    if (!off.ok()) return off.status();
    offset = *off;
  }
  return Time{*t, offset};
}

Result<LocalDateTime> ParseLocalDateTime(std::string_view text) {
  size_t t = text.find_first_of("Tt");
  auto date = ParseDateText(text.substr(0, t), text, "local date time");
  if (!date.ok()) return date.status();
  int64_t nanos = 0;
  if (t != std::string_view::npos) {
    auto tod = ParseTimeOfDay(text.substr(t + 1), text, "local date time");
    if (!tod.ok()) return tod.status();
    nanos = *tod;
  }
  return LocalDateTime{date->days * kSecondsPerDay + nanos / kNanosPerSecond,
                       static_cast<int32_t>(nanos % kNanosPerSecond)};
}

Result<DateTime> ParseDateTime(std::string_view text) {
  size_t t = text.find_first_of("Tt");
  std::string_view date_text = text.substr(0, t);
  TimeParts parts;
  if (t != std::string_view::npos) {
    auto split = SplitTime(text.substr(t + 1), text, "date time");
    if (!split.ok()) return split.status();
    parts = *split;
  } else if (!text.empty() && text.back() == ']') {
    size_t open = text.rfind('[');
    if (open == std::string_view::npos) return Malformed("date time", text, "a ']' without '['");
    parts.zone = text.substr(open + 1, text.size() - open - 2);
    date_text = text.substr(0, open);
  }
  auto date = ParseDateText(date_text, text, "date time");
  if (!date.ok()) return date.status();
  int64_t nanos = 0;
  if (!parts.time.empty()) {
    auto tod = ParseTimeOfDay(parts.time, text, "date time");
    if (!tod.ok()) return tod.status();
    nanos = *tod;
  }
  int32_t offset = 0;
  if (!parts.offset.empty()) {
    auto off = OffsetOf(parts.offset, text, "date time");
    if (!off.ok()) return off.status();
    offset = *off;
  }
  int32_t zone = DateTime::kNoZone;
  if (!parts.zone.empty()) {
    auto z = FindZone(parts.zone);
    if (!z.ok()) return Malformed("date time", text, z.status().message());
    zone = *z;
  }
  int64_t local = date->days * kSecondsPerDay + nanos / kNanosPerSecond;
  return MakeDateTime(local, static_cast<int32_t>(nanos % kNanosPerSecond), offset, zone);
}

// ---------------------------------------------------------------------------
// Durations

namespace {

constexpr int64_t kSecondsPerMonth = 2'629'746;  // 365.2425 days / 12

struct UnitInfo {
  std::string_view name;
  int64_t months, days, nanos;  // one unit in these
};

constexpr UnitInfo kUnits[] = {
    {"years", 12, 0, 0},
    {"quarters", 3, 0, 0},
    {"months", 1, 0, 0},
    {"weeks", 0, 7, 0},
    {"days", 0, 1, 0},
    {"hours", 0, 0, 3600 * kNanosPerSecond},
    {"minutes", 0, 0, 60 * kNanosPerSecond},
    {"seconds", 0, 0, kNanosPerSecond},
    {"milliseconds", 0, 0, 1'000'000},
    {"microseconds", 0, 0, 1'000},
    {"nanoseconds", 0, 0, 1},
};

const UnitInfo* FindUnit(std::string_view unit) {
  for (const UnitInfo& u : kUnits)
    if (u.name == unit) return &u;
  return nullptr;
}

}  // namespace

Status DurationBuilder::Add(std::string_view unit, int64_t amount) {
  const UnitInfo* u = FindUnit(unit);
  if (!u) return Invalid("unknown duration unit '" + std::string(unit) + "'");
  months_ += static_cast<Wide>(amount) * u->months;
  days_ += static_cast<Wide>(amount) * u->days;
  nanos_ += static_cast<Wide>(amount) * u->nanos;
  return Status::OK();
}

Status DurationBuilder::Add(std::string_view unit, double amount) {
  const UnitInfo* u = FindUnit(unit);
  if (!u) return Invalid("unknown duration unit '" + std::string(unit) + "'");
  if (!std::isfinite(amount)) return Invalid("duration " + std::string(unit) + " must be a finite number");
  if (std::fabs(amount) > 9.2e18) return Invalid("duration " + std::string(unit) + " is out of range");
  double whole = std::trunc(amount);
  long double fraction = static_cast<long double>(amount) - whole;
  if (Status st = Add(unit, static_cast<int64_t>(whole)); !st.ok()) return st;
  if (u->months) fraction_months_ += fraction * u->months;
  else if (u->days) fraction_days_ += fraction * u->days;
  else fraction_nanos_ += fraction * u->nanos;
  return Status::OK();
}

Result<Duration> DurationBuilder::Build() const {
  Wide months = months_, days = days_, nanos = nanos_;
  // Whole months of the fractions; what is left of a month in days, whole
  // days; what is left of a day in nanoseconds.
  long double whole_months = std::trunc(fraction_months_);
  months += static_cast<Wide>(whole_months);
  long double fraction_days =
      fraction_days_ + (fraction_months_ - whole_months) * kSecondsPerMonth / static_cast<long double>(kSecondsPerDay);
  long double whole_days = std::trunc(fraction_days);
  days += static_cast<Wide>(whole_days);
  long double rest_nanos = (fraction_days - whole_days) * kSecondsPerDay * 1e9L + fraction_nanos_;
  nanos += static_cast<Wide>(std::nearbyint(rest_nanos));
  constexpr Wide kMax = INT64_MAX, kMin = INT64_MIN;
  if (months > kMax || months < kMin) return Invalid("duration overflow: too many months");
  if (days > kMax || days < kMin) return Invalid("duration overflow: too many days");
  Wide seconds = nanos / kNanosPerSecond;
  Wide n = nanos % kNanosPerSecond;
  if (n < 0) {
    n += kNanosPerSecond;
    seconds -= 1;
  }
  if (seconds > kMax || seconds < kMin) return Invalid("duration overflow: too many seconds");
  return Duration{static_cast<int64_t>(months), static_cast<int64_t>(days), static_cast<int64_t>(seconds),
                  static_cast<int32_t>(n)};
}

Result<Duration> ParseDuration(std::string_view text) {
  std::string_view s = text;
  bool negate = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negate = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || (s[0] != 'P' && s[0] != 'p')) return Malformed("duration", text, "it must start with 'P'");
  s.remove_prefix(1);
  DurationBuilder b;
  // The alternative form: PYYYY-MM-DDTHH:MM:SS.fff
  if (s.size() >= 10 && AllDigits(s.substr(0, 4)) && s[4] == '-') {
    size_t t = s.find_first_of("Tt");
    std::string_view d = s.substr(0, t);
    if (d.size() != 10 || d[7] != '-' || !AllDigits(d.substr(5, 2)) || !AllDigits(d.substr(8, 2)))
      return Malformed("duration", text);
    b.Add("years", Digits(d.substr(0, 4)));
    b.Add("months", Digits(d.substr(5, 2)));
    b.Add("days", Digits(d.substr(8, 2)));
    if (t != std::string_view::npos) {
      auto tod = ParseTimeOfDay(s.substr(t + 1), text, "duration");
      if (!tod.ok()) return tod.status();
      b.Add("nanoseconds", *tod);
    }
  } else {
    bool in_time = false, any = false;
    static constexpr std::string_view kDateOrder = "YMWD", kTimeOrder = "HMS";
    size_t last = 0;  // position in the order of the last unit seen, plus one
    while (!s.empty()) {
      if (s[0] == 'T' || s[0] == 't') {
        if (in_time) return Malformed("duration", text, "a second 'T'");
        in_time = true;
        last = 0;
        s.remove_prefix(1);
        if (s.empty()) return Malformed("duration", text, "nothing after 'T'");
        continue;
      }
      size_t i = 0;
      if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
      size_t digits_start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      bool fraction = false;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        fraction = true;
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      }
      if (i == digits_start || i >= s.size()) return Malformed("duration", text);
      char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
      std::string_view order = in_time ? kTimeOrder : kDateOrder;
      size_t pos = order.find(unit);
      if (pos == std::string_view::npos || pos + 1 <= last) return Malformed("duration", text, "units out of order or unknown");
      last = pos + 1;
      std::string number(s.substr(0, i));
      if (!number.empty() && number[0] == '+') number.erase(0, 1);
      std::replace(number.begin(), number.end(), ',', '.');
      std::string_view name;
      if (in_time) name = unit == 'H' ? "hours" : unit == 'M' ? "minutes" : "seconds";
      else name = unit == 'Y' ? "years" : unit == 'M' ? "months" : unit == 'W' ? "weeks" : "days";
      Status st;
      if (fraction) {
        if (name == "seconds") {
          // Exact: whole seconds and up to nine digits of fraction.
          size_t dot = number.find('.');
          std::string whole = number.substr(0, dot), frac = number.substr(dot + 1);
          if (frac.size() > 9) return Malformed("duration", text, "a fraction of a second has at most 9 digits");
          bool neg = !whole.empty() && whole[0] == '-';
          int64_t w = 0;
          auto [p, ec] = std::from_chars(whole.data() + neg, whole.data() + whole.size(), w);
          if (ec != std::errc() && whole.size() > size_t(neg)) return Malformed("duration", text, "a number out of range");
          int64_t f = frac.empty() ? 0 : Digits(frac);
          for (size_t k = frac.size(); k < 9; ++k) f *= 10;
          st = b.Add("seconds", neg ? -w : w);
          if (st.ok()) st = b.Add("nanoseconds", neg ? -f : f);
        } else {
          double v = std::strtod(number.c_str(), nullptr);
          if (!std::isfinite(v)) return Malformed("duration", text, "a number out of range");
          st = b.Add(name, v);
        }
      } else {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
        if (ec != std::errc()) return Malformed("duration", text, "a number out of range");
        st = b.Add(name, v);
      }
      if (!st.ok()) return Malformed("duration", text, st.message());
      any = true;
      s.remove_prefix(i + 1);
    }
    if (!any) return Malformed("duration", text, "no amount");
  }
  auto d = b.Build();
  if (!d.ok() || !negate) return d;
  DurationBuilder n;
  n.Add("months", -d->months);
  n.Add("days", -d->days);
  n.Add("seconds", -d->seconds);
  n.Add("nanoseconds", -static_cast<int64_t>(d->nanos));
  return n.Build();
}

}  // namespace kg::temporal
