#include "process/object_decoder.h"

#include <gtest/gtest.h>

#include "common/time_util.h"
#include "test_util.h"

namespace fleetlake {
namespace {

constexpr const char* kUpdate =
    R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05.094Z",)"
    R"("data":{"id":"v1","location":{"lat":52.45097,"lng":13.46139,)"
    R"("at":"2019-06-01T18:17:05.094Z"}},"organization_id":"org-id"})";

class ObjectDecoderTest : public ::testing::Test {
 protected:
  ObjectDecoderTest() : config_(testing::TestConfig()) {
    auto plan = DecodePlan::Compile(config_);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    plan_ = std::move(plan).value();
    decoder_ = std::make_unique<ObjectDecoder>(plan_);
  }

  ObjectResult Decode(std::string_view bytes) { return decoder_->Decode("data/k.json", bytes); }

  // The single reject of `bytes`, checked to be the only outcome.
  RejectRecord OnlyReject(std::string_view bytes) {
    ObjectResult r = Decode(bytes);
    EXPECT_EQ(r.rejects.size(), 1u) << bytes;
    EXPECT_TRUE(r.rows[0].empty() && r.rows[1].empty()) << bytes;
    return r.rejects.empty() ? RejectRecord{} : r.rejects[0];
  }

  // The single vehicle row of `bytes`.
  const ColumnBatch& OnlyVehicleRow(std::string_view bytes) {
    last_ = Decode(bytes);
    EXPECT_TRUE(last_.rejects.empty()) << (last_.rejects.empty() ? "" : last_.rejects[0].reason);
    EXPECT_EQ(last_.rows[0].size(), 1u);
    // On failure hand back one all-NULL row so the caller's checks fail instead of crashing.
    static const ColumnBatch kNullRow = [] {
      ColumnBatch b = MakeEntityBatch(testing::VehicleEntity());
      for (ColumnData& c : b.columns) c.AppendNull();
      b.num_rows = 1;
      return b;
    }();
    if (last_.rows[0].empty()) return kNullRow;
    EXPECT_EQ(last_.rows[0].begin()->second.num_rows, 1u);
    return last_.rows[0].begin()->second;
  }

  Config config_;
  DecodePlan plan_;
  std::unique_ptr<ObjectDecoder> decoder_;
  ObjectResult last_;
};

std::string WithLocation(const std::string& location) {
  return R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","data":{"id":"v1")" +
         std::string(location.empty() ? "" : R"(,"location":)" + location) +
         R"(},"organization_id":"o"})";
}

TEST_F(ObjectDecoderTest, KeepsAValidUpdate) {
  const ColumnBatch& b = OnlyVehicleRow(kUpdate);
  ASSERT_EQ(b.columns.size(), 9u);
  EXPECT_EQ(b.columns[0].StringAt(0), "update");
  EXPECT_EQ(b.columns[1].StringAt(0), "v1");
  EXPECT_EQ(b.columns[2].i64[0], *ParseTimestamp("2019-06-01T18:17:05.094Z"));
  EXPECT_DOUBLE_EQ(b.columns[3].f64[0], 52.45097);
  EXPECT_DOUBLE_EQ(b.columns[4].f64[0], 13.46139);
  EXPECT_EQ(b.columns[5].i64[0], *ParseTimestamp("2019-06-01T18:17:05.094Z"));
  EXPECT_EQ(b.columns[6].StringAt(0), "org-id");
  EXPECT_EQ(b.columns[7].name, "source_key");
  EXPECT_EQ(b.columns[7].StringAt(0), "data/k.json");
  EXPECT_EQ(b.columns[8].name, "source_line");
  EXPECT_EQ(b.columns[8].i64[0], 1);
  EXPECT_EQ(last_.rows[0].begin()->first, *ParseDate("2019-06-01"));
  EXPECT_EQ(last_.entities[0].rows_in, 1);
  EXPECT_EQ(last_.entities[0].rows_kept, 1);
}

TEST_F(ObjectDecoderTest, AbsentAndNullLocationAreKeptAsNulls) {
  for (const std::string& loc :
       {std::string(), std::string("null"), std::string(R"({"lat":null,"lng":null,"at":null})")}) {
    const ColumnBatch& b = OnlyVehicleRow(WithLocation(loc));
    for (int c : {3, 4, 5}) EXPECT_EQ(b.columns[c].valid[0], 0) << loc << " col " << c;
    for (int64_t n : last_.entities[0].coerced_nulls) EXPECT_EQ(n, 0) << loc;
  }
}

TEST_F(ObjectDecoderTest, WrongTypesBecomeCountedNulls) {
  const ColumnBatch& b = OnlyVehicleRow(WithLocation(R"({"lat":"52.1","lng":"north","at":{}})"));
  EXPECT_EQ(b.columns[3].valid[0], 1);
  EXPECT_DOUBLE_EQ(b.columns[3].f64[0], 52.1);
  EXPECT_EQ(b.columns[4].valid[0], 0);
  EXPECT_EQ(b.columns[5].valid[0], 0);
  EXPECT_EQ(last_.entities[0].coerced_nulls, (std::vector<int64_t>{0, 0, 0, 0, 1, 1, 0}));

  const ColumnBatch& b2 = OnlyVehicleRow(WithLocation(R"({"lat":{},"lng":[1],"at":"nope"})"));
  EXPECT_EQ(b2.columns[3].valid[0], 0);
  EXPECT_EQ(b2.columns[4].valid[0], 0);
  EXPECT_EQ(last_.entities[0].coerced_nulls, (std::vector<int64_t>{0, 0, 0, 1, 1, 1, 0}));

  // A location that is not an object: its fields are simply absent.
  const ColumnBatch& b3 = OnlyVehicleRow(WithLocation(R"("somewhere")"));
  EXPECT_EQ(b3.columns[3].valid[0], 0);
}

TEST_F(ObjectDecoderTest, NonStringScalarsInStringColumnsKeepTheirText) {
  const ColumnBatch& b = OnlyVehicleRow(
      R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","data":{"id":12345},)"
      R"("organization_id":true})");
  EXPECT_EQ(b.columns[1].StringAt(0), "12345");
  EXPECT_EQ(b.columns[6].StringAt(0), "true");
}

TEST_F(ObjectDecoderTest, UnknownFieldsAreIgnored) {
  const ColumnBatch& b = OnlyVehicleRow(
      R"({"x":[1,{"y":null}],"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z",)"
      R"("data":{"id":"v1","extra":{"deep":[[[]]]},"location":{"lat":1,"lng":2,"alt":3}},)"
      R"("organization_id":"o","more":"\u00e9\ud83d\ude00"})");
  EXPECT_DOUBLE_EQ(b.columns[3].f64[0], 1);
  EXPECT_DOUBLE_EQ(b.columns[4].f64[0], 2);
}

TEST_F(ObjectDecoderTest, OffsetsAreConvertedAndPickTheUtcDay) {
  const ColumnBatch& b = OnlyVehicleRow(
      R"({"event":"register","on":"vehicle","at":"2019-06-02T01:30:00+02:00","data":{"id":"v"},)"
      R"("organization_id":"o"})");
  EXPECT_EQ(b.columns[2].i64[0], *ParseTimestamp("2019-06-01T23:30:00Z"));
  EXPECT_EQ(last_.rows[0].begin()->first, *ParseDate("2019-06-01"));
}

TEST_F(ObjectDecoderTest, RoutesToTheMatchingEntity) {
  ObjectResult r = Decode(
      std::string(kUpdate) + "\n" +
      R"({"event":"create","on":"operating_period","at":"2019-06-01T18:00:00Z",)"
      R"("data":{"id":"op_1","start":"2019-06-01T18:00:00Z","finish":"2019-06-01T20:00:00Z"},)"
      R"("organization_id":"o"})");
  EXPECT_TRUE(r.rejects.empty());
  ASSERT_EQ(r.rows[1].size(), 1u);
  const ColumnBatch& op = r.rows[1].begin()->second;
  ASSERT_EQ(op.columns.size(), 8u);
  EXPECT_EQ(op.columns[1].StringAt(0), "op_1");
  EXPECT_EQ(op.columns[4].i64[0], *ParseTimestamp("2019-06-01T20:00:00Z"));
  EXPECT_EQ(op.columns[7].i64[0], 2);  // source_line
  EXPECT_EQ(r.entities[0].rows_kept, 1);
  EXPECT_EQ(r.entities[1].rows_kept, 1);
}

TEST_F(ObjectDecoderTest, NotAnObjectIsUnroutable) {
  struct Case {
    const char* line;
    const char* reason_prefix;
  };
  for (const Case& c :
       {Case{"42", "not a JSON object (got a number)"},
        Case{"\"text\"", "not a JSON object (got a string)"},
        Case{"null", "not a JSON object (got null)"}, Case{"{\"event\":", "invalid JSON"},
        Case{"{oops}", "invalid JSON"}, Case{"{\"a\":1} {\"b\":2}", "invalid JSON"},
        Case{"{\"on\":tru}", "invalid JSON"}, Case{"{\"on\":1.2.3}", "invalid JSON"},
        Case{"garbage", "invalid JSON"}}) {
    RejectRecord r = OnlyReject(c.line);
    EXPECT_EQ(r.entity, -1) << c.line;
    EXPECT_EQ(r.reason.rfind(c.reason_prefix, 0), 0u) << c.line << " -> " << r.reason;
    EXPECT_EQ(r.record, c.line);
    EXPECT_EQ(r.line, 1);
    EXPECT_FALSE(r.day);
  }
}

TEST_F(ObjectDecoderTest, AnArrayLineInNdjsonIsUnroutable) {
  // (A file that is one array is a list of events; an array on one line of NDJSON is a reject.)
  ObjectResult r = Decode(std::string(kUpdate) + "\n[1,2]\n");
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].reason, "not a JSON object (got an array)");
  EXPECT_EQ(r.rejects[0].line, 2);
  EXPECT_EQ(r.rejects[0].record, "[1,2]");
  EXPECT_EQ(r.entities[0].rows_kept, 1);
}

TEST_F(ObjectDecoderTest, MissingOnIsUnroutable) {
  for (const char* line :
       {R"({"event":"update","at":"2019-06-01T18:17:05Z","data":{"id":"v"},"organization_id":"o"})",
        R"({"event":"update","on":null,"at":"2019-06-01T18:17:05Z"})",
        R"({"event":"update","on":"","at":"2019-06-01T18:17:05Z"})", "{}"}) {
    RejectRecord r = OnlyReject(line);
    EXPECT_EQ(r.entity, -1);
    EXPECT_EQ(r.reason, "missing required field 'on'") << line;
  }
}

TEST_F(ObjectDecoderTest, UnknownEntityIsUnroutable) {
  ObjectResult res = Decode(R"({"event":"update","on":"foo","at":"2019-06-01T18:17:05Z"})");
  ASSERT_EQ(res.rejects.size(), 1u);
  EXPECT_EQ(res.rejects[0].reason, "no entity configured for on='foo'");
  EXPECT_EQ(res.unroutable.at("no entity configured for on='foo'"), 1);
  EXPECT_EQ(OnlyReject(R"({"on":{"x":1}})").reason, "no entity configured for on=<object>");
  EXPECT_EQ(OnlyReject(R"({"on":7})").reason, "no entity configured for on=7");
}

TEST_F(ObjectDecoderTest, MissingRequiredFieldsDropWithReason) {
  struct Case {
    const char* line;
    const char* reason;
  };
  const Case cases[] = {
      {R"({"on":"vehicle","at":"2019-06-01T18:17:05Z","data":{"id":"v"},"organization_id":"o"})",
       "missing required field 'event'"},
      {R"({"event":null,"on":"vehicle","at":"2019-06-01T18:17:05Z","data":{"id":"v"},"organization_id":"o"})",
       "missing required field 'event'"},
      {R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","data":{"id":"v"},"organization_id":""})",
       "missing required field 'organization_id'"},
      {R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","data":{},"organization_id":"o"})",
       "missing required field 'data.id'"},
      {R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","data":{"id":null},"organization_id":"o"})",
       "missing required field 'data.id'"},
      {R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","data":{"id":""},"organization_id":"o"})",
       "missing required field 'data.id'"},
      {R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","organization_id":"o"})",
       "missing required field 'data.id'"},
      {R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","data":{"id":{}},"organization_id":"o"})",
       "wrong type for required field 'data.id': expected string, got <object>"},
      {R"({"event":"update","on":"vehicle","data":{"id":"v"},"organization_id":"o"})",
       "missing required field 'at'"},
      {R"({"event":"update","on":"vehicle","at":"2019-02-29T00:00:00Z","data":{"id":"v"},"organization_id":"o"})",
       "invalid timestamp in 'at': '2019-02-29T00:00:00Z'"},
      {R"({"event":"update","on":"vehicle","at":"","data":{"id":"v"},"organization_id":"o"})",
       "invalid timestamp in 'at': ''"},
      {R"({"event":"update","on":"vehicle","at":1559412000,"data":{"id":"v"},"organization_id":"o"})",
       "invalid timestamp in 'at': 1559412000"},
  };
  for (const Case& c : cases) {
    ObjectResult r = Decode(c.line);
    ASSERT_EQ(r.rejects.size(), 1u) << c.line;
    EXPECT_EQ(r.rejects[0].reason, c.reason) << c.line;
    EXPECT_EQ(r.rejects[0].entity, 0) << c.line;
    EXPECT_EQ(r.entities[0].rows_in, 1);
    EXPECT_EQ(r.entities[0].rows_kept, 0);
    EXPECT_TRUE(r.rows[0].empty());
  }
}

TEST_F(ObjectDecoderTest, RejectKnowsItsDayWhenTheTimestampParsed) {
  RejectRecord r = OnlyReject(
      R"({"event":"update","on":"vehicle","at":"2019-06-01T18:17:05Z","data":{},"organization_id":"o"})");
  ASSERT_TRUE(r.day);
  EXPECT_EQ(*r.day, *ParseDate("2019-06-01"));
}

TEST_F(ObjectDecoderTest, NullPartitionColumnRejectsEvenWhenNotRequired) {
  config_.entities[0].required = {"on"};
  auto plan = DecodePlan::Compile(config_);
  ASSERT_TRUE(plan.ok());
  ObjectDecoder decoder(*plan);
  ObjectResult r = decoder.Decode("k", R"({"on":"vehicle","at":null})");
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].reason, "missing partition column 'event_at' (path 'at')");
  r = decoder.Decode("k", R"({"on":"vehicle","at":"yesterday"})");
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].reason, "invalid timestamp in 'at': 'yesterday'");
}

TEST_F(ObjectDecoderTest, InputFormatsGiveTheSameRows) {
  const std::string op =
      R"({"event":"delete","on":"operating_period","at":"2019-06-01T10:00:00Z","data":{"id":"op_2"},"organization_id":"o"})";
  const std::string nd = std::string(kUpdate) + "\n" + op + "\n";
  for (const std::string& bytes :
       {nd, std::string(kUpdate) + "\r\n" + op + "\r\n", "\xEF\xBB\xBF" + nd,
        std::string(kUpdate) + "\n" + op, testing::Gzip(nd),
        "[" + std::string(kUpdate) + ",\n" + op + "]\n",
        testing::Gzip("[" + std::string(kUpdate) + "," + op + "]")}) {
    ObjectResult r = Decode(bytes);
    EXPECT_TRUE(r.rejects.empty()) << bytes;
    EXPECT_EQ(r.records, 2);
    ASSERT_EQ(r.rows[0].size(), 1u);
    ASSERT_EQ(r.rows[1].size(), 1u);
    EXPECT_EQ(r.rows[1].begin()->second.columns[1].StringAt(0), "op_2");
    EXPECT_EQ(r.rows[1].begin()->second.columns.back().i64[0], 2);  // line / element number
  }
}

TEST_F(ObjectDecoderTest, BlankLinesAreNotRejectedAndKeepLineNumbers) {
  ObjectResult r = Decode("\n\n" + std::string(kUpdate) + "\n\n");
  EXPECT_TRUE(r.rejects.empty());
  EXPECT_EQ(r.records, 1);
  EXPECT_EQ(r.rows[0].begin()->second.columns.back().i64[0], 3);
}

TEST_F(ObjectDecoderTest, TruncatedGzipIsOneReject) {
  std::string gz = testing::Gzip(std::string(kUpdate) + "\n" + kUpdate + "\n");
  ObjectResult r = Decode(std::string_view(gz).substr(0, gz.size() - 6));
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].line, 0);
  EXPECT_EQ(r.rejects[0].reason.rfind("unreadable gzip object: ", 0), 0u) << r.rejects[0].reason;
  EXPECT_TRUE(r.rows[0].empty());
}

TEST_F(ObjectDecoderTest, BinaryGarbageAndInvalidUtf8AreRejectsNotCrashes) {
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 16));
  }
  ObjectResult r = Decode(garbage);
  EXPECT_GT(r.rejects.size(), 0u);
  for (const RejectRecord& rej : r.rejects) {
    EXPECT_EQ(rej.entity, -1);
    EXPECT_LE(rej.record.size(), kMaxRejectRecordBytes);
  }

  std::string bad_utf8 =
      "{\"event\":\"update\",\"on\":\"vehicle\",\"at\":\"2019-06-01T18:17:05Z\",\"data\":{\"id\":"
      "\"v\xff\xfe\"},\"organization_id\":\"o\"}";
  RejectRecord rej = OnlyReject(bad_utf8);
  EXPECT_EQ(rej.reason.rfind("invalid JSON", 0), 0u) << rej.reason;

  // One huge line is truncated in the reject but its size is kept.
  std::string huge(200000, 'x');
  rej = OnlyReject(huge);
  EXPECT_EQ(rej.record.size(), kMaxRejectRecordBytes);
  EXPECT_EQ(rej.record_bytes, huge.size());

  // Deep nesting in an ignored field.
  std::string deep = "{\"x\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  ObjectResult d = Decode(deep);
  EXPECT_EQ(d.rejects.size(), 1u);
}

TEST(Coerce, Conversions) {
  auto v = [](ValueKind k, std::string_view t = {}) { return SlotValue{k, t}; };
  EXPECT_DOUBLE_EQ(Coerce(v(ValueKind::kString, "52.1"), ColumnType::kDouble).f64, 52.1);
  EXPECT_DOUBLE_EQ(Coerce(v(ValueKind::kString, " -1e2 "), ColumnType::kDouble).f64, -100);
  EXPECT_TRUE(Coerce(v(ValueKind::kString, "north"), ColumnType::kDouble).coerced_null);
  EXPECT_TRUE(Coerce(v(ValueKind::kString, "52.1x"), ColumnType::kDouble).coerced_null);
  EXPECT_TRUE(Coerce(v(ValueKind::kString, "nan"), ColumnType::kDouble).coerced_null);
  EXPECT_TRUE(Coerce(v(ValueKind::kString, ""), ColumnType::kDouble).coerced_null);
  EXPECT_TRUE(Coerce(v(ValueKind::kObject), ColumnType::kDouble).coerced_null);
  EXPECT_TRUE(Coerce(v(ValueKind::kBool, "true"), ColumnType::kDouble).coerced_null);
  Cell null_cell = Coerce(v(ValueKind::kNull), ColumnType::kDouble);
  EXPECT_FALSE(null_cell.valid);
  EXPECT_FALSE(null_cell.coerced_null);

  EXPECT_EQ(Coerce(v(ValueKind::kNumber, "42"), ColumnType::kBigint).i64, 42);
  EXPECT_EQ(Coerce(v(ValueKind::kNumber, "4.0"), ColumnType::kBigint).i64, 4);
  EXPECT_EQ(Coerce(v(ValueKind::kNumber, "1e3"), ColumnType::kBigint).i64, 1000);
  EXPECT_EQ(Coerce(v(ValueKind::kString, "-7"), ColumnType::kBigint).i64, -7);
  EXPECT_TRUE(Coerce(v(ValueKind::kNumber, "4.5"), ColumnType::kBigint).coerced_null);
  EXPECT_TRUE(Coerce(v(ValueKind::kNumber, "1e30"), ColumnType::kBigint).coerced_null);

  EXPECT_EQ(Coerce(v(ValueKind::kBool, "true"), ColumnType::kBoolean).i64, 1);
  EXPECT_EQ(Coerce(v(ValueKind::kBool, "false"), ColumnType::kBoolean).i64, 0);
  EXPECT_TRUE(Coerce(v(ValueKind::kNumber, "1"), ColumnType::kBoolean).coerced_null);

  EXPECT_EQ(Coerce(v(ValueKind::kNumber, "1.50"), ColumnType::kString).str, "1.50");
  EXPECT_TRUE(Coerce(v(ValueKind::kArray), ColumnType::kString).coerced_null);

  EXPECT_TRUE(Coerce(v(ValueKind::kString, "2019-06-01T18:17:05Z"), ColumnType::kTimestamp).valid);
  EXPECT_TRUE(Coerce(v(ValueKind::kNumber, "1559412000"), ColumnType::kTimestamp).coerced_null);
}

TEST(DecodePlan, RejectsBadConfig) {
  Config c = testing::TestConfig();
  c.entities[0].columns[3].path = "data..lat";
  EXPECT_FALSE(DecodePlan::Compile(c).ok());
  c = testing::TestConfig();
  c.entities[0].partition_column = -1;
  c.entities[0].partition_by.column = "lat";  // not a timestamp
  EXPECT_FALSE(DecodePlan::Compile(c).ok());
  c.entities[0].partition_by.column = "event_at";  // resolved by name
  EXPECT_TRUE(DecodePlan::Compile(c).ok());
}

}  // namespace
}  // namespace fleetlake
