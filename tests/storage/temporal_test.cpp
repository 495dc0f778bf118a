// The temporal values of kg/temporal.h: the calendar against known dates,
// text forms both ways, durations from fractions, time zones from the tz
// database, and their record and index-key encodings.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "kg/temporal.h"
#include "kg/value.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace kg {
namespace {

using namespace temporal;

TEST_CASE("the calendar: known dates, ISO weeks, every day of 800 years both ways", "[temporal]") {
  CHECK(FromCivil(1970, 1, 1).days == 0);
  CHECK(FromCivil(2000, 3, 1).days == 11017);
  CHECK(FromCivil(1969, 12, 31).days == -1);
  CHECK(DayOfWeek(FromCivil(2021, 3, 1)) == 1);  // a Monday
  CHECK(DayOfWeek(FromCivil(1984, 1, 1)) == 7);
  int64_t wy;
  int w;
  IsoWeek(FromCivil(1984, 1, 1), &wy, &w);
  CHECK((wy == 1983 && w == 52));
  IsoWeek(FromCivil(2020, 12, 31), &wy, &w);
  CHECK((wy == 2020 && w == 53));
  CHECK(WeekYearStart(2015).days == FromCivil(2014, 12, 29).days);
  for (int64_t d = FromCivil(1700, 1, 1).days; d < FromCivil(2500, 1, 1).days; ++d) {
    Civil c = ToCivil(Date{d});
    REQUIRE(FromCivil(c.year, c.month, c.day).days == d);
  }
  Civil far = ToCivil(FromCivil(kMaxYear, 12, 31));
  CHECK((far.year == kMaxYear && far.month == 12 && far.day == 31));
  CHECK_FALSE(CheckCivil(2021, 2, 29).ok());
  CHECK(CheckCivil(2020, 2, 29).ok());
  CHECK(CheckCivil(2021, 2, 29).message().find("day 29") != std::string::npos);
}

TEST_CASE("text forms: ISO 8601 in, Neo4j's forms out", "[temporal]") {
  auto date = [](std::string_view s) { return ToString(*ParseDate(s)); };
  CHECK(date("2015-07-21") == "2015-07-21");
  CHECK(date("20150721") == "2015-07-21");
  CHECK(date("2015-W30-2") == "2015-07-21");
  CHECK(date("2015W30") == "2015-07-20");
  CHECK(date("2015-202") == "2015-07-21");
  CHECK(date("2015") == "2015-01-01");
  CHECK(date("+999999999-12-31") == "+999999999-12-31");
  CHECK(date("-0044-03-15") == "-0044-03-15");
  CHECK(ToString(*ParseLocalTime("214032.142")) == "21:40:32.142");
  CHECK(ToString(*ParseLocalTime("21:40:32.000001")) == "21:40:32.000001");
  CHECK(ToString(*ParseTime("2140-02")) == "21:40-02:00");
  CHECK(ToString(*ParseTime("12:00:00+02:05:59")) == "12:00+02:05:59");
  CHECK(ToString(*ParseLocalDateTime("2015-W30-2T214032.142")) == "2015-07-21T21:40:32.142");
  CHECK(ToString(*ParseDateTime("2015-07-21T21:40:32.142+0845[Australia/Eucla]")) ==
        "2015-07-21T21:40:32.142+08:45[Australia/Eucla]");
  CHECK(ToString(*ParseDateTime("2021-03-01T09:00[Asia/Shanghai]")) == "2021-03-01T09:00+08:00[Asia/Shanghai]");
  CHECK(ToString(*ParseDateTime("2021-03-01")) == "2021-03-01T00:00Z");
  CHECK(ToString(*ParseDuration("P5M1.5D")) == "P5M1DT12H");
  CHECK(ToString(*ParseDuration("P0.75M")) == "P22DT19H51M49.5S");
  CHECK(ToString(*ParseDuration("PT-0.001S")) == "PT-0.001S");
  CHECK(ToString(*ParseDuration("P2012-02-02T14:37:21.545")) == "P2012Y2M2DT14H37M21.545S");
  CHECK(ToString(*ParseDuration("-P1D")) == "P-1D");
  for (std::string_view bad : {"2021-02-30", "2021-13", "2015-W54", "2015-000", "21", "2021-3-1", ""})
    CHECK_FALSE(ParseDate(bad).ok());
  CHECK_FALSE(ParseLocalTime("24:00").ok());
  CHECK_FALSE(ParseTime("12:00+19:00").ok());
  CHECK_FALSE(ParseDateTime("2021-03-01T12:00[Mars/Olympus]").ok());
  CHECK(ParseDateTime("2021-03-01T12:00[Mars/Olympus]").status().message().find("Mars/Olympus") != std::string::npos);
  CHECK_FALSE(ParseDuration("P1H").ok());
  CHECK_FALSE(ParseDuration("PT1S2M").ok());
  CHECK_FALSE(ParseDuration("P").ok());
  auto huge = ParseDuration("P" + std::string(400, '9') + ".5D");
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.status().message().find("out of range") != std::string::npos);
}

TEST_CASE("durations: fractions move down a unit, seconds and nanoseconds keep one sign", "[temporal]") {
  DurationBuilder b;
  REQUIRE(b.Add("years", 12.5).ok());
  REQUIRE(b.Add("months", 5.5).ok());
  REQUIRE(b.Add("days", 14.5).ok());
  Duration d = *b.Build();
  CHECK(d.months == 155);  // 12.5 years and 5 months; half a month is 15.2184375 days
  CHECK(d.days == 29);
  CHECK(d.seconds == 62073);
  CHECK(d.nanos == 0);
  DurationBuilder neg;
  neg.Add("seconds", int64_t{-2});
  neg.Add("milliseconds", int64_t{1});
  Duration n = *neg.Build();
  CHECK((n.seconds == -2 && n.nanos == 1'000'000));
  CHECK(ToString(n) == "PT-1.999S");
  CHECK_FALSE(b.Add("fortnights", int64_t{1}).ok());
  DurationBuilder huge;
  huge.Add("years", INT64_MAX);
  CHECK_FALSE(huge.Build().ok());
}

TEST_CASE("time zones: offsets from the tz database, gaps and overlaps resolved", "[temporal]") {
  auto berlin = FindZone("Europe/Berlin");
  REQUIRE(berlin.ok());
  CHECK(ZoneName(*berlin) == "Europe/Berlin");
  CHECK(*FindZone("Europe/Berlin") == *berlin);
  CHECK(FindZone("Nowhere/Special").status().IsNotFound());
  int64_t summer = FromCivil(2021, 7, 1).days * kSecondsPerDay;
  CHECK(ZoneOffsetAt(*berlin, summer) == 7200);
  // 2021-03-28 02:30 does not exist in Berlin: it is read as 03:30 (+02:00).
  int64_t gap = FromCivil(2021, 3, 28).days * kSecondsPerDay + 2 * 3600 + 1800;
  CHECK(ToString(MakeDateTime(gap, 0, 0, *berlin)) == "2021-03-28T03:30+02:00[Europe/Berlin]");
  // 2021-10-31 02:30 happens twice: the earlier offset, unless the other is preferred.
  int64_t overlap = FromCivil(2021, 10, 31).days * kSecondsPerDay + 2 * 3600 + 1800;
  CHECK(MakeDateTime(overlap, 0, 0, *berlin).offset == 7200);
  CHECK(MakeDateTime(overlap, 0, 3600, *berlin).offset == 3600);
  CHECK(OffsetToString(-(2 * 3600 + 5 * 60 + 7)) == "-02:05:07");
  CHECK(*ParseOffset("+0530") == 19800);
}

std::vector<Value> Samples() {
  int32_t shanghai = *FindZone("Asia/Shanghai");
  return {Value(Date{-719528}),
          Value(Date{18687}),
          Value(LocalTime{0}),
          Value(LocalTime{kNanosPerDay - 1}),
          Value(Time{3600 * kNanosPerSecond, -18000}),
          Value(Time{3600 * kNanosPerSecond, 3600}),
          Value(LocalDateTime{-62135596800, 999'999'999}),
          Value(DateTime{1614556800, 5, 28800, shanghai}),
          Value(DateTime{1614556800, 5, 3600, DateTime::kNoZone}),
          Value(Duration{-14, 3, -1, 999'999'999}),
          Value(ValueList{Value(Date{1}), Value(Duration{0, 0, 60, 0})})};
}

TEST_CASE("temporal values survive the record encodings: cereal's, the bulk path's, the peek", "[temporal][storage]") {
  storage::NodeRecord r;
  r.labels = {3};
  uint32_t key = 0;
  for (const Value& v : Samples()) r.properties.emplace_back(key++, v);
  std::string bytes = storage::EncodeRecord(r);
  std::string fast;
  storage::AppendNodeRecord(&fast, r.labels, r.properties);
  CHECK(fast == bytes);
  storage::NodeRecord back;
  REQUIRE(storage::DecodeRecord(bytes, &back, "node 1").ok());
  CHECK(back.properties == r.properties);
  for (uint32_t k = 0; k < key; ++k) {
    bool has_label = false;
    std::optional<Value> v;
    REQUIRE(storage::PeekNodeRecord(bytes, 3, k, &has_label, &v));
    REQUIRE(v.has_value());
    CHECK(*v == r.properties[k].second);
  }
}

TEST_CASE("index keys of temporal values decode back and sort in Cypher's order", "[temporal][storage]") {
  for (const Value& v : Samples()) {
    std::string k;
    storage::EncodeValue(&k, v);
    std::string_view in = k;
    Value back;
    REQUIRE(storage::DecodeValue(&in, &back));
    CHECK(in.empty());
    CHECK(back == v);
  }
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> days(-3'000'000, 3'000'000), nanos(0, kNanosPerDay - 1),
      offset(-kMaxOffset, kMaxOffset);
  for (int i = 0; i < 2000; ++i) {
    Date a{days(rng)}, b{days(rng)};
    std::string ka, kb;
    storage::EncodeValue(&ka, Value(a));
    storage::EncodeValue(&kb, Value(b));
    REQUIRE((ka < kb) == (a.days < b.days));
    // Times by their instant.
    Time x{nanos(rng), static_cast<int32_t>(offset(rng))}, y{nanos(rng), static_cast<int32_t>(offset(rng))};
    std::string kx, ky;
    storage::EncodeValue(&kx, Value(x));
    storage::EncodeValue(&ky, Value(y));
    int64_t ux = x.nanos - int64_t{x.offset} * kNanosPerSecond, uy = y.nanos - int64_t{y.offset} * kNanosPerSecond;
    if (ux != uy) REQUIRE((kx < ky) == (ux < uy));
  }
}

}  // namespace
}  // namespace kg
