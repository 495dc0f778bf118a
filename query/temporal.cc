#include "query/temporal.h"

#include <chrono>
#include <cmath>
#include <functional>

#include "query/context.h"
#include "query/evaluator.h"
#include "query/lexer.h"
#include "query/query_error.h"
#include "query/value_ops.h"

namespace kg::query {
namespace {

using namespace kg::temporal;

__extension__ typedef __int128 Wide;  // sums of nanoseconds beyond int64

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

[[noreturn]] void Invalid(const std::string& message, Position pos = {}) {
  throw ErrorAt("ArgumentError", "InvalidArgumentValue", true, message, pos);
}

enum class Kind { kDate, kLocalTime, kTime, kLocalDateTime, kDateTime };

// Kind follows Value::Type's order from kDate.
const char* KindName(Kind k) {
  return TemporalTypeName(static_cast<Value::Type>(static_cast<int>(Value::Type::kDate) + static_cast<int>(k)));
}

bool HasDate(Kind k) { return k == Kind::kDate || k == Kind::kLocalDateTime || k == Kind::kDateTime; }
bool HasTime(Kind k) { return k != Kind::kDate; }
bool HasZone(Kind k) { return k == Kind::kTime || k == Kind::kDateTime; }

// A temporal value taken apart: its local date, local time of day and zone.
struct Parts {
  bool has_date = false, has_time = false, has_zone = false;
  int64_t days = 0;   // local date
  int64_t nanos = 0;  // local time of day
  int32_t offset = 0;
  int32_t zone = DateTime::kNoZone;
};

Parts PartsOf(const Value& v) {
  Parts p;
  switch (v.type()) {
    case Value::Type::kDate:
      p.has_date = true;
      p.days = v.as_date().days;
      break;
    case Value::Type::kLocalTime:
      p.has_time = true;
      p.nanos = v.as_local_time().nanos;
      break;
    case Value::Type::kTime:
      p.has_time = p.has_zone = true;
      p.nanos = v.as_time().nanos;
      p.offset = v.as_time().offset;
      break;
    case Value::Type::kLocalDateTime: {
      const auto& t = v.as_local_date_time();
      p.has_date = p.has_time = true;
      p.days = FloorDiv(t.seconds, kSecondsPerDay);
      p.nanos = FloorMod(t.seconds, kSecondsPerDay) * kNanosPerSecond + t.nanos;
      break;
    }
    case Value::Type::kDateTime: {
      const auto& t = v.as_date_time();
      int64_t local = LocalSeconds(t);
      p.has_date = p.has_time = p.has_zone = true;
      p.days = FloorDiv(local, kSecondsPerDay);
      p.nanos = FloorMod(local, kSecondsPerDay) * kNanosPerSecond + t.nanos;
      p.offset = t.offset;
      p.zone = t.zone;
      break;
    }
    default: break;
  }
  return p;
}

void CheckDays(int64_t days, Position pos = {}) {
  static const int64_t kMin = FromCivil(kMinYear, 1, 1).days, kMax = FromCivil(kMaxYear, 12, 31).days;
  if (days < kMin || days > kMax) Invalid("the date is out of range (years " + std::to_string(kMinYear) + " to " +
                                          std::to_string(kMaxYear) + ")", pos);
}

Value Make(Kind kind, const Parts& p, Position pos = {}) {
  if (HasDate(kind)) CheckDays(p.days, pos);
  int64_t local = p.days * kSecondsPerDay + p.nanos / kNanosPerSecond;
  int32_t n = static_cast<int32_t>(p.nanos % kNanosPerSecond);
  switch (kind) {
    case Kind::kDate: return Value(Date{p.days});
    case Kind::kLocalTime: return Value(LocalTime{p.nanos});
    case Kind::kTime: return Value(Time{p.nanos, p.offset});
    case Kind::kLocalDateTime: return Value(LocalDateTime{local, n});
    case Kind::kDateTime: return Value(MakeDateTime(local, n, p.offset, p.zone));
  }
  return Value();
}

// A "timezone" value: an offset or a zone name.
void ParseZone(const Value& v, Parts* p, Position pos) {
  if (!v.is_string()) Invalid("timezone must be a string, got " + CypherTypeName(v), pos);
  const std::string& s = v.as_string();
  auto off = ParseOffset(s);
  if (off.ok()) {
    p->offset = *off;
    p->zone = DateTime::kNoZone;
  } else if (!off.status().IsNotFound()) {
    Invalid(off.status().message(), pos);
  } else {
    auto zone = FindZone(s);
    if (!zone.ok()) Invalid(zone.status().message(), pos);
    p->zone = *zone;
  }
  p->has_zone = true;
}

using Clock = std::chrono::system_clock;

// The instant now (of the statement, the transaction or the clock).
std::pair<int64_t, int32_t> Instant(Clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  return {FloorDiv(ns, kNanosPerSecond), static_cast<int32_t>(FloorMod(ns, kNanosPerSecond))};
}

// The current value of a kind in a zone (UTC by default).
Value Now(Kind kind, Clock::time_point t, const Value* timezone, Position pos) {
  Parts zone;
  if (timezone) ParseZone(*timezone, &zone, pos);
  auto [secs, nanos] = Instant(t);
  int32_t offset = zone.zone == DateTime::kNoZone ? zone.offset : ZoneOffsetAt(zone.zone, secs);
  int64_t local = secs + offset;
  Parts p;
  p.days = FloorDiv(local, kSecondsPerDay);
  p.nanos = FloorMod(local, kSecondsPerDay) * kNanosPerSecond + nanos;
  p.offset = offset;
  p.zone = zone.zone;
  if (kind == Kind::kDateTime) return Value(DateTime{secs, nanos, offset, zone.zone});
  return Make(kind, p, pos);
}

// ---- construction from a map ----

struct Field {
  std::string_view name;
  bool set = false;
  int64_t value = 0;
};

enum FieldId {
  kYear, kQuarter, kMonth, kWeek, kDay, kOrdinalDay, kDayOfWeek, kDayOfQuarter,
  kHour, kMinute, kSecond, kMillisecond, kMicrosecond, kNanosecond, kFieldCount
};
constexpr std::string_view kFieldNames[kFieldCount] = {
    "year", "quarter", "month", "week", "day", "ordinalDay", "dayOfWeek", "dayOfQuarter",
    "hour", "minute", "second", "millisecond", "microsecond", "nanosecond"};

int64_t Range(const Field* f, FieldId id, int64_t lo, int64_t hi, Position pos) {
  int64_t v = f[id].value;
  if (v < lo || v > hi)
    Invalid(std::string(kFieldNames[id]) + " " + std::to_string(v) + " is out of range (" + std::to_string(lo) +
                " to " + std::to_string(hi) + ")",
            pos);
  return v;
}

// Builds a value of kind from a map: sources (date, time, datetime), fields
// overriding theirs, and a timezone. A timezone given for a source with one
// of its own converts the instant, unless attach_zone (truncate keeps the
// wall-clock fields and puts them in the new zone).
Value FromMap(Kind kind, const ValueMap& map, Position pos, bool attach_zone = false) {
  Field f[kFieldCount];
  const Value *date_src = nullptr, *time_src = nullptr, *timezone = nullptr;
  for (const auto& [key, value] : map) {
    std::string k = AsciiLower(key);
    if (k == "date") { date_src = &value; continue; }
    if (k == "time") { time_src = &value; continue; }
    if (k == "datetime") {
      date_src = time_src = &value;
      continue;
    }
    if (k == "timezone") { timezone = &value; continue; }
    int id = -1;
    for (int i = 0; i < kFieldCount; ++i)
      if (AsciiLower(kFieldNames[i]) == k) id = i;
    if (k == "weekday") id = kDayOfWeek;
    if (id < 0) Invalid(std::string(KindName(kind)) + "() does not take the field '" + key + "'", pos);
    if (value.is_null()) continue;
    if (!value.is_int()) Invalid(std::string(kFieldNames[id]) + " must be an integer, got " + CypherTypeName(value), pos);
    f[id].set = true;
    f[id].value = value.as_int();
  }
  bool any_date_field = false, any_time_field = false;
  for (int i = kYear; i <= kDayOfQuarter; ++i) any_date_field |= f[i].set;
  for (int i = kHour; i <= kNanosecond; ++i) any_time_field |= f[i].set;
  if (any_date_field && !HasDate(kind)) Invalid(std::string(KindName(kind)) + "() takes no date fields", pos);
  if (any_time_field && !HasTime(kind)) Invalid(std::string(KindName(kind)) + "() takes no time fields", pos);
  if (timezone && !timezone->is_null() && !HasZone(kind))
    Invalid(std::string(KindName(kind)) + "() takes no timezone", pos);

  Parts src_date, src_time;
  auto source = [&](const Value* v, const char* what) {
    if (!v || v->is_null()) return Parts{};
    if (!v->is_temporal() || v->is_duration())
      Invalid(std::string(what) + " must be a temporal value, got " + CypherTypeName(*v), pos);
    return PartsOf(*v);
  };
  src_date = source(date_src, "date");
  src_time = source(time_src, "time");
  if (date_src && !src_date.has_date && !date_src->is_null()) Invalid("date must have a date, got " + CypherTypeName(*date_src), pos);
  if (time_src && !src_time.has_time && !time_src->is_null() && time_src != date_src)
    Invalid("time must have a time, got " + CypherTypeName(*time_src), pos);

  Parts out;
  // The date.
  if (HasDate(kind)) {
    bool base = src_date.has_date;
    if (!base && !f[kYear].set) Invalid(std::string(KindName(kind)) + "() needs a year", pos);
    Civil c = base ? ToCivil(Date{src_date.days}) : Civil{0, 1, 1};
    int64_t year = f[kYear].set ? f[kYear].value : c.year;
    if (year < kMinYear || year > kMaxYear) Range(f, kYear, kMinYear, kMaxYear, pos);
    if (f[kWeek].set || (f[kDayOfWeek].set && !f[kMonth].set && !f[kDay].set && !f[kOrdinalDay].set && !f[kQuarter].set)) {
      if (f[kMonth].set || f[kDay].set || f[kOrdinalDay].set || f[kQuarter].set || f[kDayOfQuarter].set)
        Invalid("a week date cannot also have a month, day, quarter or ordinal day", pos);
      int64_t week_year = year;
      int week = 1, dow = 1;
      if (base) {
        IsoWeek(Date{src_date.days}, &week_year, &week);
        dow = DayOfWeek(Date{src_date.days});
        if (f[kYear].set) week_year = year;
      }
      int64_t wy_end;
      int weeks;
      IsoWeek(Date{WeekYearStart(week_year + 1).days - 1}, &wy_end, &weeks);
      if (f[kWeek].set) week = static_cast<int>(Range(f, kWeek, 1, weeks, pos));
      else if (week > weeks) week = weeks;
      if (f[kDayOfWeek].set) dow = static_cast<int>(Range(f, kDayOfWeek, 1, 7, pos));
      out.days = WeekYearStart(week_year).days + int64_t{week - 1} * 7 + (dow - 1);
    } else if (f[kOrdinalDay].set) {
      if (f[kMonth].set || f[kDay].set || f[kQuarter].set || f[kDayOfQuarter].set)
        Invalid("an ordinal date cannot also have a month, day or quarter", pos);
      int64_t d = Range(f, kOrdinalDay, 1, IsLeapYear(year) ? 366 : 365, pos);
      out.days = FromCivil(year, 1, 1).days + d - 1;
    } else if (f[kQuarter].set || f[kDayOfQuarter].set) {
      if (f[kMonth].set || f[kDay].set) Invalid("a quarter date cannot also have a month or day", pos);
      int64_t q = (c.month - 1) / 3 + 1;
      int64_t dq = base ? src_date.days - FromCivil(c.year, static_cast<int>((q - 1) * 3 + 1), 1).days + 1 : 1;
      if (f[kQuarter].set) q = Range(f, kQuarter, 1, 4, pos);
      Date start = FromCivil(year, static_cast<int>((q - 1) * 3 + 1), 1);
      Date next = q == 4 ? FromCivil(year + 1, 1, 1) : FromCivil(year, static_cast<int>(q * 3 + 1), 1);
      if (f[kDayOfQuarter].set) dq = Range(f, kDayOfQuarter, 1, next.days - start.days, pos);
      else if (dq > next.days - start.days) Invalid("day of quarter " + std::to_string(dq) + " is out of range", pos);
      out.days = start.days + dq - 1;
    } else {
      int month = f[kMonth].set ? static_cast<int>(Range(f, kMonth, 1, 12, pos)) : c.month;
      if (!base && f[kDay].set && !f[kMonth].set) Invalid("a day needs a month", pos);
      int day = f[kDay].set ? static_cast<int>(Range(f, kDay, 1, 31, pos)) : c.day;
      Status st = CheckCivil(year, month, day);
      if (!st.ok()) Invalid(st.message(), pos);
      out.days = FromCivil(year, month, day).days;
    }
    out.has_date = true;
  }
  // The time of day.
  if (HasTime(kind)) {
    bool base = src_time.has_time;
    int64_t base_nanos = base ? src_time.nanos : 0;
    if (!base) {
      if (!f[kHour].set && any_time_field) Invalid(std::string(KindName(kind)) + "() needs an hour", pos);
      if (!f[kHour].set && !HasDate(kind))
        Invalid(std::string(KindName(kind)) + "() needs an hour", pos);
      if (f[kSecond].set && !f[kMinute].set) Invalid("a second needs a minute", pos);
      if ((f[kMillisecond].set || f[kMicrosecond].set || f[kNanosecond].set) && !f[kSecond].set)
        Invalid("a fraction of a second needs a second", pos);
    }
    int64_t h = f[kHour].set ? Range(f, kHour, 0, 23, pos) : base_nanos / (3600 * kNanosPerSecond);
    int64_t m = f[kMinute].set ? Range(f, kMinute, 0, 59, pos) : base_nanos / (60 * kNanosPerSecond) % 60;
    int64_t s = f[kSecond].set ? Range(f, kSecond, 0, 59, pos) : base_nanos / kNanosPerSecond % 60;
    int64_t sub = base_nanos % kNanosPerSecond;
    if (f[kMillisecond].set) {
      sub = Range(f, kMillisecond, 0, 999, pos) * 1'000'000;
      if (f[kMicrosecond].set) sub += Range(f, kMicrosecond, 0, 999, pos) * 1000;
      if (f[kNanosecond].set) sub += Range(f, kNanosecond, 0, 999, pos);
    } else if (f[kMicrosecond].set) {
      sub = Range(f, kMicrosecond, 0, 999'999, pos) * 1000;
      if (f[kNanosecond].set) sub += Range(f, kNanosecond, 0, 999, pos);
    } else if (f[kNanosecond].set) {
      int64_t ns = Range(f, kNanosecond, 0, 999'999'999, pos);
      // A nanosecond below 1000 over a source keeps its milli- and microseconds.
      sub = base && ns < 1000 ? sub / 1000 * 1000 + ns : ns;
    }
    out.nanos = ((h * 60 + m) * 60 + s) * kNanosPerSecond + sub;
    out.has_time = true;
  }
  // The zone.
  if (HasZone(kind)) {
    const Parts* zoned = src_time.has_zone ? &src_time : nullptr;
    if (timezone && !timezone->is_null()) {
      Parts z;
      ParseZone(*timezone, &z, pos);
      if (zoned && !attach_zone) {
        // The same instant, seen in the new zone.
        if (kind == Kind::kDateTime) {
          int64_t local = out.days * kSecondsPerDay + out.nanos / kNanosPerSecond;
          DateTime at = MakeDateTime(local, static_cast<int32_t>(out.nanos % kNanosPerSecond), zoned->offset, zoned->zone);
          int32_t offset = z.zone == DateTime::kNoZone ? z.offset : ZoneOffsetAt(z.zone, at.seconds);
          return Value(DateTime{at.seconds, at.nanos, offset, z.zone});
        }
        int32_t offset = z.zone == DateTime::kNoZone ? z.offset : ZoneOffsetAt(z.zone, Instant(Clock::now()).first);
        out.nanos = FloorMod(out.nanos + (int64_t{offset} - zoned->offset) * kNanosPerSecond, kNanosPerDay);
        out.offset = offset;
        return Make(kind, out, pos);
      }
      out.offset = z.offset;
      out.zone = z.zone;
      if (kind == Kind::kTime && z.zone != DateTime::kNoZone)
        out.offset = ZoneOffsetAt(z.zone, Instant(Clock::now()).first);
    } else if (zoned) {
      out.offset = zoned->offset;
      out.zone = zoned->zone;
    }
  }
  return Make(kind, out, pos);
}

// ---- the constructor functions ----

Clock::time_point StatementTime(FunctionCall& c) { return c.eval.ctx().statement_time; }
Clock::time_point TransactionTime(FunctionCall& c) { return c.eval.ctx().transaction_time; }

enum class When { kDefault, kTransaction, kStatement, kRealtime };

Value Construct(FunctionCall& c, Kind kind, When when) {
  Position pos = c.expr.pos;
  Clock::time_point t = when == When::kRealtime ? Clock::now()
                        : when == When::kStatement ? StatementTime(c) : TransactionTime(c);
  if (c.args.empty()) return Now(kind, t, nullptr, pos);
  const Value& x = c.args[0];
  if (x.is_null()) return Value();
  if (when != When::kDefault) {
    if (!x.is_string()) Invalid(std::string(KindName(kind)) + "() of the current time takes a timezone string, got " + CypherTypeName(x), pos);
    return Now(kind, t, &x, pos);
  }
  if (x.is_string()) {
    const std::string& s = x.as_string();
    auto fail = [&](const Status& st) -> Value { Invalid(st.message(), pos); };
    switch (kind) {
      case Kind::kDate: {
        auto v = ParseDate(s);
        return v.ok() ? Value(*v) : fail(v.status());
      }
      case Kind::kLocalTime: {
        auto v = ParseLocalTime(s);
        return v.ok() ? Value(*v) : fail(v.status());
      }
      case Kind::kTime: {
        auto v = ParseTime(s);
        return v.ok() ? Value(*v) : fail(v.status());
      }
      case Kind::kLocalDateTime: {
        auto v = ParseLocalDateTime(s);
        return v.ok() ? Value(*v) : fail(v.status());
      }
      case Kind::kDateTime: {
        auto v = ParseDateTime(s);
        return v.ok() ? Value(*v) : fail(v.status());
      }
    }
  }
  if (x.is_map()) {
    const ValueMap& m = x.as_map();
    if (kind == Kind::kDateTime) {
      auto es = m.find("epochSeconds"), em = m.find("epochMillis");
      if (es != m.end() || em != m.end()) {
        int64_t secs = 0, nanos = 0;
        if (es != m.end()) {
          if (!es->second.is_int()) Invalid("epochSeconds must be an integer", pos);
          secs = es->second.as_int();
        } else {
          if (!em->second.is_int()) Invalid("epochMillis must be an integer", pos);
          secs = FloorDiv(em->second.as_int(), 1000);
          nanos = FloorMod(em->second.as_int(), 1000) * 1'000'000;
        }
        auto ns = m.find("nanosecond");
        if (ns != m.end() && ns->second.is_int()) nanos += ns->second.as_int();
        Parts z;
        auto tz = m.find("timezone");
        if (tz != m.end()) ParseZone(tz->second, &z, pos);
        secs += FloorDiv(nanos, kNanosPerSecond);
        nanos = FloorMod(nanos, kNanosPerSecond);
        int32_t offset = z.zone == DateTime::kNoZone ? z.offset : ZoneOffsetAt(z.zone, secs);
        DateTime dt{secs, static_cast<int32_t>(nanos), offset, z.zone};
        CheckDays(FloorDiv(LocalSeconds(dt), kSecondsPerDay), pos);
        return Value(dt);
      }
    }
    if (m.size() == 1 && m.begin()->first == "timezone") return Now(kind, t, &m.begin()->second, pos);
    return FromMap(kind, m, pos);
  }
  if (x.is_temporal() && !x.is_duration()) {
    Parts p = PartsOf(x);
    if (HasDate(kind) && !p.has_date) Invalid(std::string(KindName(kind)) + "() cannot take a " + CypherTypeName(x), pos);
    ValueMap m;
    m.emplace(HasDate(kind) ? "datetime" : "time", x);
    return FromMap(kind, m, pos);
  }
  Invalid(std::string(KindName(kind)) + "() cannot take a " + CypherTypeName(x), pos);
}

Value FromEpoch(FunctionCall& c, bool millis) {
  Position pos = c.expr.pos;
  for (const Value& a : c.args) {
    if (a.is_null()) return Value();
    if (!a.is_number()) Invalid("datetime.fromepoch needs numbers, got " + CypherTypeName(a), pos);
  }
  int64_t secs, nanos = 0;
  if (millis) {
    int64_t ms = c.args[0].is_int() ? c.args[0].as_int() : static_cast<int64_t>(c.args[0].as_float());
    secs = FloorDiv(ms, 1000);
    nanos = FloorMod(ms, 1000) * 1'000'000;
  } else {
    secs = c.args[0].is_int() ? c.args[0].as_int() : static_cast<int64_t>(c.args[0].as_float());
    nanos = c.args[1].is_int() ? c.args[1].as_int() : static_cast<int64_t>(c.args[1].as_float());
    secs += FloorDiv(nanos, kNanosPerSecond);
    nanos = FloorMod(nanos, kNanosPerSecond);
  }
  CheckDays(FloorDiv(secs, kSecondsPerDay), pos);
  return Value(DateTime{secs, static_cast<int32_t>(nanos), 0, DateTime::kNoZone});
}

// ---- truncate ----

Value Truncate(FunctionCall& c, Kind kind) {
  Position pos = c.expr.pos;
  const Value& unit_v = c.args[0];
  const Value& x = c.args[1];
  if (unit_v.is_null() || x.is_null()) return Value();
  if (!unit_v.is_string()) Invalid("truncate needs a unit string, got " + CypherTypeName(unit_v), pos);
  if (!x.is_temporal() || x.is_duration()) Invalid("truncate needs a temporal value, got " + CypherTypeName(x), pos);
  std::string unit = AsciiLower(unit_v.as_string());
  Parts p = PartsOf(x);
  static const std::vector<std::string> kDateUnits = {"millennium", "century", "decade", "year", "weekyear",
                                                      "quarter", "month", "week", "day"};
  static const std::vector<std::pair<std::string, int64_t>> kTimeUnits = {
      {"hour", 3600 * kNanosPerSecond}, {"minute", 60 * kNanosPerSecond}, {"second", kNanosPerSecond},
      {"millisecond", 1'000'000}, {"microsecond", 1000}};
  bool date_unit = std::find(kDateUnits.begin(), kDateUnits.end(), unit) != kDateUnits.end();
  int64_t time_unit = 0;
  for (const auto& [name, size] : kTimeUnits)
    if (name == unit) time_unit = size;
  if (!date_unit && !time_unit) Invalid("unknown truncation unit '" + unit_v.as_string() + "'", pos);
  if (kind == Kind::kDate && !date_unit) Invalid("a date cannot be truncated to the " + unit, pos);
  if (!HasDate(kind) && date_unit && unit != "day") Invalid("a time cannot be truncated to the " + unit, pos);
  if (HasDate(kind) && !p.has_date) Invalid(std::string(KindName(kind)) + ".truncate needs a value with a date", pos);
  if (date_unit && p.has_date) {
    Civil cv = ToCivil(Date{p.days});
    if (unit == "millennium") p.days = FromCivil(FloorDiv(cv.year, 1000) * 1000, 1, 1).days;
    else if (unit == "century") p.days = FromCivil(FloorDiv(cv.year, 100) * 100, 1, 1).days;
    else if (unit == "decade") p.days = FromCivil(FloorDiv(cv.year, 10) * 10, 1, 1).days;
    else if (unit == "year") p.days = FromCivil(cv.year, 1, 1).days;
    else if (unit == "weekyear") {
      int64_t wy;
      int w;
      IsoWeek(Date{p.days}, &wy, &w);
      p.days = WeekYearStart(wy).days;
    } else if (unit == "quarter") p.days = FromCivil(cv.year, (cv.month - 1) / 3 * 3 + 1, 1).days;
    else if (unit == "month") p.days = FromCivil(cv.year, cv.month, 1).days;
    else if (unit == "week") p.days -= DayOfWeek(Date{p.days}) - 1;
  }
  p.nanos = date_unit ? 0 : p.nanos / time_unit * time_unit;
  ValueMap m;
  if (c.args.size() > 2 && !c.args[2].is_null()) {
    if (!c.args[2].is_map()) Invalid("truncate's third argument must be a map, got " + CypherTypeName(c.args[2]), pos);
    m = c.args[2].as_map();
  }
  if (HasDate(kind)) m.emplace("date", Value(Date{p.days}));
  if (HasTime(kind)) m.emplace("time", Value(LocalTime{p.nanos}));
  if (HasZone(kind) && p.has_zone && m.find("timezone") == m.end())
    m.emplace("timezone", Value(p.zone == DateTime::kNoZone ? OffsetToString(p.offset) : ZoneName(p.zone)));
  return FromMap(kind, m, pos, true);
}

// ---- durations ----

Value DurationValue(const Result<Duration>& d, Position pos) {
  if (!d.ok()) Invalid(d.status().message(), pos);
  return Value(*d);
}

Value DurationFn(FunctionCall& c) {
  Position pos = c.expr.pos;
  const Value& x = c.args[0];
  if (x.is_null()) return Value();
  if (x.is_string()) return DurationValue(ParseDuration(x.as_string()), pos);
  if (x.is_duration()) return x;
  if (!x.is_map()) Invalid("duration() needs a map or a string, got " + CypherTypeName(x), pos);
  DurationBuilder b;
  for (const auto& [key, v] : x.as_map()) {
    if (v.is_null()) continue;
    std::string k = AsciiLower(key);
    Status st;
    if (v.is_int()) st = b.Add(k, v.as_int());
    else if (v.is_float()) st = b.Add(k, v.as_float());
    else Invalid("duration " + key + " must be a number, got " + CypherTypeName(v), pos);
    if (!st.ok()) Invalid("duration(): " + st.message(), pos);
  }
  return DurationValue(b.Build(), pos);
}

// One side of duration.between, completed: its local date and time in the
// zone both are compared in.
struct Side {
  int64_t days = 0, nanos = 0;
};

// LocalDate.until(end, MONTHS) over (date, time) pairs: whole months from a
// to b, counting a month only once b's day and time have passed a's.
int64_t MonthsBetween(const Side& a, const Side& b) {
  int64_t end_days = b.days;
  if (end_days > a.days && b.nanos < a.nanos) --end_days;
  else if (end_days < a.days && b.nanos > a.nanos) ++end_days;
  Civil x = ToCivil(Date{a.days}), y = ToCivil(Date{end_days});
  int64_t px = (x.year * 12 + x.month - 1) * 32 + x.day, py = (y.year * 12 + y.month - 1) * 32 + y.day;
  return (py - px) / 32;
}

int64_t DaysBetween(const Side& a, const Side& b) {
  int64_t end_days = b.days;
  if (end_days > a.days && b.nanos < a.nanos) --end_days;
  else if (end_days < a.days && b.nanos > a.nanos) ++end_days;
  return end_days - a.days;
}

Side PlusMonths(Side s, int64_t months) {
  Civil c = ToCivil(Date{s.days});
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t y = FloorDiv(total, 12);
  int m = static_cast<int>(FloorMod(total, 12)) + 1;
  s.days = FromCivil(y, m, std::min(c.day, DaysInMonth(y, m))).days;
  return s;
}

enum class Between { kAll, kMonths, kDays, kSeconds };

Value DurationBetween(FunctionCall& c, Between what) {
  Position pos = c.expr.pos;
  const Value &x = c.args[0], &y = c.args[1];
  if (x.is_null() || y.is_null()) return Value();
  for (const Value* v : {&x, &y})
    if (!v->is_temporal() || v->is_duration())
      Invalid("duration.between needs two temporal values, got " + CypherTypeName(*v), pos);
  Parts a = PartsOf(x), b = PartsOf(y);
  // Both in one zone: the first's, else the second's.
  bool zoned = a.has_zone || b.has_zone;
  Parts zone = a.has_zone ? a : b;
  // A side without a date takes the other's; one without a time is at midnight.
  bool dates = a.has_date && b.has_date;
  if (!a.has_date && b.has_date) a.days = b.days;
  if (!b.has_date && a.has_date) b.days = a.days;
  auto utc = [&](const Parts& p) -> std::pair<int64_t, int64_t> {  // instant (seconds, nanos)
    int64_t local = p.days * kSecondsPerDay + p.nanos / kNanosPerSecond;
    int32_t n = static_cast<int32_t>(p.nanos % kNanosPerSecond);
    const Parts& z = p.has_zone ? p : zone;
    DateTime dt = MakeDateTime(local, n, z.offset, z.zone);
    return {dt.seconds, dt.nanos};
  };
  Side sa{a.days, a.nanos}, sb{b.days, b.nanos};
  if (zoned) {
    // b seen in a's zone (or a's frame in b's), the way both wall clocks read.
    auto [bs, bn] = utc(b);
    int32_t off = zone.zone == DateTime::kNoZone ? zone.offset : ZoneOffsetAt(zone.zone, bs);
    int64_t local = bs + off;
    sb.days = FloorDiv(local, kSecondsPerDay);
    sb.nanos = FloorMod(local, kSecondsPerDay) * kNanosPerSecond + bn;
    auto [as, an] = utc(a);
    int32_t aoff = zone.zone == DateTime::kNoZone ? zone.offset : ZoneOffsetAt(zone.zone, as);
    local = as + aoff;
    sa.days = FloorDiv(local, kSecondsPerDay);
    sa.nanos = FloorMod(local, kSecondsPerDay) * kNanosPerSecond + an;
  }
  // The exact time from one point to another: instants when zoned.
  auto nanos_between = [&](const Side& from, const Side& to) -> Wide {
    if (!zoned) return (static_cast<Wide>(to.days - from.days) * kNanosPerDay) + (to.nanos - from.nanos);
    Parts pf = zone, pt = zone;
    pf.days = from.days, pf.nanos = from.nanos, pt.days = to.days, pt.nanos = to.nanos;
    pf.has_zone = pt.has_zone = false;
    auto [fs, fn] = utc(pf);
    auto [ts, tn] = utc(pt);
    return static_cast<Wide>(ts - fs) * kNanosPerSecond + (tn - fn);
  };
  int64_t months = 0, days = 0;
  Wide nanos = 0;
  if (what == Between::kSeconds) {
    nanos = nanos_between(sa, sb);
  } else if (dates) {
    if (what == Between::kAll || what == Between::kMonths) {
      months = MonthsBetween(sa, sb);
      if (what == Between::kAll) {
        Side moved = PlusMonths(sa, months);
        days = DaysBetween(moved, sb);
        moved.days += days;
        nanos = nanos_between(moved, sb);
      }
    } else {
      days = DaysBetween(sa, sb);
    }
  } else if (what == Between::kAll) {
    nanos = nanos_between(sa, sb);
  }
  DurationBuilder builder;
  builder.Add("months", months);
  builder.Add("days", days);
  builder.Add("seconds", static_cast<int64_t>(nanos / kNanosPerSecond));
  builder.Add("nanoseconds", static_cast<int64_t>(nanos % kNanosPerSecond));
  return DurationValue(builder.Build(), pos);
}

// ---- registry ----

Value Ctor(FunctionCall& c, Kind k, When w) { return Construct(c, k, w); }

#define KG_TEMPORAL_CTORS(name, kind)                                                                   \
  {name, 0, 1, FunctionKind::kScalar, false, [](FunctionCall& c) { return Ctor(c, kind, When::kDefault); }}, \
  {name ".transaction", 0, 1, FunctionKind::kScalar, false,                                              \
   [](FunctionCall& c) { return Ctor(c, kind, When::kTransaction); }},                                   \
  {name ".statement", 0, 1, FunctionKind::kScalar, false,                                                \
   [](FunctionCall& c) { return Ctor(c, kind, When::kStatement); }},                                     \
  {name ".realtime", 0, 1, FunctionKind::kScalar, false,                                                 \
   [](FunctionCall& c) { return Ctor(c, kind, When::kRealtime); }},                                      \
  {name ".truncate", 2, 3, FunctionKind::kScalar, true, [](FunctionCall& c) { return Truncate(c, kind); }}

const std::vector<Function>& Registry() {
  static const std::vector<Function> kFunctions = {
      KG_TEMPORAL_CTORS("date", Kind::kDate),
      KG_TEMPORAL_CTORS("localtime", Kind::kLocalTime),
      KG_TEMPORAL_CTORS("time", Kind::kTime),
      KG_TEMPORAL_CTORS("localdatetime", Kind::kLocalDateTime),
      KG_TEMPORAL_CTORS("datetime", Kind::kDateTime),
      {"datetime.fromepoch", 2, 2, FunctionKind::kScalar, true, [](FunctionCall& c) { return FromEpoch(c, false); }},
      {"datetime.fromepochmillis", 1, 1, FunctionKind::kScalar, true,
       [](FunctionCall& c) { return FromEpoch(c, true); }},
      {"duration", 1, 1, FunctionKind::kScalar, true, DurationFn},
      {"duration.between", 2, 2, FunctionKind::kScalar, true,
       [](FunctionCall& c) { return DurationBetween(c, Between::kAll); }},
      {"duration.inMonths", 2, 2, FunctionKind::kScalar, true,
       [](FunctionCall& c) { return DurationBetween(c, Between::kMonths); }},
      {"duration.inDays", 2, 2, FunctionKind::kScalar, true,
       [](FunctionCall& c) { return DurationBetween(c, Between::kDays); }},
      {"duration.inSeconds", 2, 2, FunctionKind::kScalar, true,
       [](FunctionCall& c) { return DurationBetween(c, Between::kSeconds); }},
  };
  return kFunctions;
}

#undef KG_TEMPORAL_CTORS

// ---- arithmetic ----

Duration Negate(const Duration& d, Position pos = {}) {
  DurationBuilder b;
  if (d.months == INT64_MIN || d.days == INT64_MIN || d.seconds == INT64_MIN) Invalid("duration overflow", pos);
  b.Add("months", -d.months);
  b.Add("days", -d.days);
  b.Add("seconds", -d.seconds);
  b.Add("nanoseconds", -static_cast<int64_t>(d.nanos));
  auto r = b.Build();
  if (!r.ok()) Invalid(r.status().message(), pos);
  return *r;
}

int64_t Checked(Wide v) {
  if (v > INT64_MAX || v < INT64_MIN) Invalid("temporal arithmetic overflow");
  return static_cast<int64_t>(v);
}

Value AddDuration(const Value& t, const Duration& d) {
  Parts p = PartsOf(t);
  if (p.has_date) {
    if (d.months) {
      Civil c = ToCivil(Date{p.days});
      Wide total = static_cast<Wide>(c.year) * 12 + (c.month - 1) + d.months;
      if (total / 12 > kMaxYear + 1 || total / 12 < kMinYear - 1) Invalid("the date is out of range");
      p.days = PlusMonths(Side{p.days, p.nanos}, d.months).days;
    }
    p.days = Checked(static_cast<Wide>(p.days) + d.days);
  }
  switch (t.type()) {
    case Value::Type::kDate:
      p.days = Checked(static_cast<Wide>(p.days) + d.seconds / kSecondsPerDay);
      CheckDays(p.days);
      return Value(Date{p.days});
    case Value::Type::kLocalTime:
    case Value::Type::kTime: {
      int64_t delta = FloorMod(d.seconds, kSecondsPerDay) * kNanosPerSecond + d.nanos;
      p.nanos = FloorMod(p.nanos + delta, kNanosPerDay);
      return t.is_time() ? Value(Time{p.nanos, p.offset}) : Value(LocalTime{p.nanos});
    }
    case Value::Type::kLocalDateTime: {
      Wide n = (static_cast<Wide>(p.days) * kSecondsPerDay + d.seconds) * kNanosPerSecond + p.nanos + d.nanos;
      Wide secs = n / kNanosPerSecond, rem = n % kNanosPerSecond;
      if (rem < 0) rem += kNanosPerSecond, secs -= 1;
      int64_t s = Checked(secs);
      CheckDays(FloorDiv(s, kSecondsPerDay));
      return Value(LocalDateTime{s, static_cast<int32_t>(rem)});
    }
    case Value::Type::kDateTime: {
      // Months and days on the wall clock, seconds on the instant.
      int64_t local = Checked(static_cast<Wide>(p.days) * kSecondsPerDay + p.nanos / kNanosPerSecond);
      DateTime dt = MakeDateTime(local, static_cast<int32_t>(p.nanos % kNanosPerSecond), p.offset, p.zone);
      Wide n = static_cast<Wide>(dt.seconds) * kNanosPerSecond + dt.nanos +
                   static_cast<Wide>(d.seconds) * kNanosPerSecond + d.nanos;
      Wide secs = n / kNanosPerSecond, rem = n % kNanosPerSecond;
      if (rem < 0) rem += kNanosPerSecond, secs -= 1;
      dt.seconds = Checked(secs);
      dt.nanos = static_cast<int32_t>(rem);
      if (dt.zone != DateTime::kNoZone) dt.offset = ZoneOffsetAt(dt.zone, dt.seconds);
      CheckDays(FloorDiv(LocalSeconds(dt), kSecondsPerDay));
      return Value(dt);
    }
    default: return Value();
  }
}

Value AddDurations(const Duration& a, const Duration& b) {
  DurationBuilder builder;
  auto sum = [](int64_t x, int64_t y) {
    int64_t r;
    if (__builtin_add_overflow(x, y, &r)) Invalid("duration overflow");
    return r;
  };
  builder.Add("months", sum(a.months, b.months));
  builder.Add("days", sum(a.days, b.days));
  builder.Add("seconds", sum(a.seconds, b.seconds));
  builder.Add("nanoseconds", static_cast<int64_t>(a.nanos) + b.nanos);
  return DurationValue(builder.Build(), {});
}

Value ScaleDuration(const Duration& d, const Value& factor, bool divide) {
  if (!divide && factor.is_int()) {
    int64_t f = factor.as_int();
    auto mul = [&](int64_t x) {
      int64_t r;
      if (__builtin_mul_overflow(x, f, &r)) Invalid("duration overflow");
      return r;
    };
    DurationBuilder b;
    b.Add("months", mul(d.months));
    b.Add("days", mul(d.days));
    b.Add("seconds", mul(d.seconds));
    b.Add("nanoseconds", mul(d.nanos));
    return DurationValue(b.Build(), {});
  }
  double f = factor.as_number();
  if (divide && f == 0) RuntimeError("ArithmeticError", "DivisionByZero", "division of a duration by zero");
  auto scaled = [&](int64_t x) { return divide ? static_cast<double>(x) / f : static_cast<double>(x) * f; };
  DurationBuilder b;
  Status st = b.Add("months", scaled(d.months));
  if (st.ok()) st = b.Add("days", scaled(d.days));
  if (st.ok()) st = b.Add("seconds", scaled(d.seconds));
  if (st.ok()) st = b.Add("nanoseconds", scaled(d.nanos));
  if (!st.ok()) Invalid(st.message());
  return DurationValue(b.Build(), {});
}

[[noreturn]] void Cannot(const std::string& op, const Value& a, const Value& b) {
  TypeError("InvalidArgumentType", "cannot apply " + op + " to " + CypherTypeName(a) + " and " + CypherTypeName(b));
}

template <class T>
int Cmp(T a, T b) { return (a > b) - (a < b); }

long double ApproxNanos(const Duration& d) {
  return (static_cast<long double>(d.months) * 2629746 + static_cast<long double>(d.days) * 86400 + d.seconds) * 1e9L +
         d.nanos;
}

}  // namespace

std::span<const Function> TemporalFunctions() { return Registry(); }

std::optional<Value> TemporalArithmetic(const std::string& op, const Value& a, const Value& b) {
  if (!a.is_temporal() && !b.is_temporal()) return std::nullopt;
  if (a.is_null() || b.is_null()) return Value();
  if (op == "+" || op == "-") {
    if (a.is_duration() && b.is_duration())
      return AddDurations(a.as_duration(), op == "+" ? b.as_duration() : Negate(b.as_duration()));
    if (a.is_temporal() && !a.is_duration() && b.is_duration())
      return AddDuration(a, op == "+" ? b.as_duration() : Negate(b.as_duration()));
    if (op == "+" && a.is_duration() && b.is_temporal()) return AddDuration(b, a.as_duration());
    Cannot(op, a, b);
  }
  if (op == "*") {
    if (a.is_duration() && b.is_number()) return ScaleDuration(a.as_duration(), b, false);
    if (a.is_number() && b.is_duration()) return ScaleDuration(b.as_duration(), a, false);
    Cannot(op, a, b);
  }
  if (op == "/" && a.is_duration() && b.is_number()) return ScaleDuration(a.as_duration(), b, true);
  Cannot(op, a, b);
}

Value TemporalProperty(const Value& v, const std::string& key, const Expr& at) {
  std::string k = AsciiLower(key);
  if (v.is_duration()) {
    const Duration& d = v.as_duration();
    Wide total_nanos = static_cast<Wide>(d.seconds) * kNanosPerSecond + d.nanos;
    if (k == "years") return Value(d.months / 12);
    if (k == "quarters") return Value(d.months / 3);
    if (k == "months") return Value(d.months);
    if (k == "weeks") return Value(d.days / 7);
    if (k == "days") return Value(d.days);
    if (k == "hours") return Value(d.seconds / 3600);
    if (k == "minutes") return Value(d.seconds / 60);
    if (k == "seconds") return Value(d.seconds);
    if (k == "milliseconds") return Value(Checked(total_nanos / 1'000'000 - (total_nanos % 1'000'000 < 0)));
    if (k == "microseconds") return Value(Checked(total_nanos / 1000 - (total_nanos % 1000 < 0)));
    if (k == "nanoseconds") return Value(Checked(total_nanos));
    if (k == "quartersofyear") return Value(d.months % 12 / 3);
    if (k == "monthsofquarter") return Value(d.months % 3);
    if (k == "monthsofyear") return Value(d.months % 12);
    if (k == "daysofweek") return Value(d.days % 7);
    if (k == "minutesofhour") return Value(d.seconds / 60 % 60);
    if (k == "secondsofminute") return Value(d.seconds % 60);
    if (k == "millisecondsofsecond") return Value(int64_t{d.nanos / 1'000'000});
    if (k == "microsecondsofsecond") return Value(int64_t{d.nanos / 1000});
    if (k == "nanosecondsofsecond") return Value(int64_t{d.nanos});
    BadType(at, "a Duration has no field '" + key + "'");
  }
  Parts p = PartsOf(v);
  if (p.has_date) {
    Date date{p.days};
    Civil c = ToCivil(date);
    if (k == "year") return Value(c.year);
    if (k == "quarter") return Value(int64_t{(c.month - 1) / 3 + 1});
    if (k == "month") return Value(int64_t{c.month});
    if (k == "day") return Value(int64_t{c.day});
    if (k == "week" || k == "weekyear") {
      int64_t wy;
      int w;
      IsoWeek(date, &wy, &w);
      return k == "week" ? Value(int64_t{w}) : Value(wy);
    }
    if (k == "ordinalday") return Value(p.days - FromCivil(c.year, 1, 1).days + 1);
    if (k == "weekday" || k == "dayofweek") return Value(int64_t{DayOfWeek(date)});
    if (k == "dayofquarter") return Value(p.days - FromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1).days + 1);
  }
  if (p.has_time) {
    int64_t s = p.nanos / kNanosPerSecond, n = p.nanos % kNanosPerSecond;
    if (k == "hour") return Value(s / 3600);
    if (k == "minute") return Value(s / 60 % 60);
    if (k == "second") return Value(s % 60);
    if (k == "millisecond") return Value(n / 1'000'000);
    if (k == "microsecond") return Value(n / 1000);
    if (k == "nanosecond") return Value(n);
  }
  if (p.has_zone) {
    if (k == "timezone") return Value(p.zone == DateTime::kNoZone ? OffsetToString(p.offset) : ZoneName(p.zone));
    if (k == "offset") return Value(OffsetToString(p.offset));
    if (k == "offsetminutes") return Value(int64_t{p.offset / 60});
    if (k == "offsetseconds") return Value(int64_t{p.offset});
  }
  if (v.is_date_time()) {
    const DateTime& dt = v.as_date_time();
    if (k == "epochseconds") return Value(dt.seconds);
    if (k == "epochmillis") return Value(Checked(static_cast<Wide>(dt.seconds) * 1000 + dt.nanos / 1'000'000));
  }
  BadType(at, "a " + CypherTypeName(v) + " has no field '" + key + "'");
}

int CompareTemporal(const Value& a, const Value& b) {
  switch (a.type()) {
    case Value::Type::kDate: return Cmp(a.as_date().days, b.as_date().days);
    case Value::Type::kLocalTime: return Cmp(a.as_local_time().nanos, b.as_local_time().nanos);
    case Value::Type::kTime: {
      const Time &x = a.as_time(), &y = b.as_time();
      if (int c = Cmp(x.nanos - int64_t{x.offset} * kNanosPerSecond, y.nanos - int64_t{y.offset} * kNanosPerSecond))
        return c;
      return Cmp(x.offset, y.offset);
    }
    case Value::Type::kLocalDateTime: {
      const auto &x = a.as_local_date_time(), &y = b.as_local_date_time();
      if (int c = Cmp(x.seconds, y.seconds)) return c;
      return Cmp(x.nanos, y.nanos);
    }
    case Value::Type::kDateTime: {
      const auto &x = a.as_date_time(), &y = b.as_date_time();
      if (int c = Cmp(x.seconds, y.seconds)) return c;
      if (int c = Cmp(x.nanos, y.nanos)) return c;
      if (int c = Cmp(x.offset, y.offset)) return c;
      if (x.zone == y.zone) return 0;
      if (x.zone == DateTime::kNoZone) return -1;
      if (y.zone == DateTime::kNoZone) return 1;
      return Cmp(ZoneName(x.zone), ZoneName(y.zone));
    }
    default: return 0;
  }
}

int OrderTemporal(const Value& a, const Value& b) {
  if (!a.is_duration()) return CompareTemporal(a, b);
  const Duration &x = a.as_duration(), &y = b.as_duration();
  if (int c = Cmp(ApproxNanos(x), ApproxNanos(y))) return c;
  if (int c = Cmp(x.months, y.months)) return c;
  if (int c = Cmp(x.days, y.days)) return c;
  if (int c = Cmp(x.seconds, y.seconds)) return c;
  return Cmp(x.nanos, y.nanos);
}

size_t TemporalHash(const Value& v) {
  auto mix = [](size_t h, uint64_t x) { return h ^ (std::hash<uint64_t>()(x) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); };
  size_t h = static_cast<size_t>(v.type()) * 0x51ed27;
  switch (v.type()) {
    case Value::Type::kDate: return mix(h, v.as_date().days);
    case Value::Type::kLocalTime: return mix(h, v.as_local_time().nanos);
    case Value::Type::kTime: return mix(mix(h, v.as_time().nanos), v.as_time().offset);
    case Value::Type::kLocalDateTime:
      return mix(mix(h, v.as_local_date_time().seconds), v.as_local_date_time().nanos);
    case Value::Type::kDateTime: {
      const auto& t = v.as_date_time();
      return mix(mix(mix(mix(h, t.seconds), t.nanos), t.offset), static_cast<uint64_t>(t.zone));
    }
    case Value::Type::kDuration: {
      const auto& d = v.as_duration();
      return mix(mix(mix(mix(h, d.months), d.days), d.seconds), d.nanos);
    }
    default: return h;
  }
}

}  // namespace kg::query
