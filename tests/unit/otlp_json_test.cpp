#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "kafkatrace/exporters/otlp_encoding.h"
#include "otlp_common/json_writer.h"
#include "support/json_value.h"
#include "support/span_fixtures.h"

namespace kafkatrace::exporters {
namespace {

using testing::JsonValue;
using Kind = JsonValue::Kind;

std::string escaped(std::string_view text) {
  std::string out;
  otlp::JsonWriter::append_escaped(out, text);
  return out;
}

TEST(OtlpJsonEscapingTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(escaped("plain text"), "plain text");
  EXPECT_EQ(escaped("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(escaped("\b\f\n\r\t"), "\\b\\f\\n\\r\\t");
  EXPECT_EQ(escaped(std::string_view("\x00\x01\x1f", 3)), "\\u0000\\u0001\\u001f");
  EXPECT_EQ(escaped("\x7f/"), "\x7f/");  // DEL and '/' need no escaping
}

TEST(OtlpJsonEscapingTest, KeepsValidUtf8) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF";
  EXPECT_EQ(escaped(text), text);
}

TEST(OtlpJsonEscapingTest, ReplacesEachInvalidByteWithReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(escaped("a\xFFz"), "a" + r + "z");
  EXPECT_EQ(escaped("\xE2\x82"), r + r);                  // truncated sequence at the end
  EXPECT_EQ(escaped("\xE2\x82x"), r + r + "x");           // truncated sequence mid-string
  EXPECT_EQ(escaped("\xC0\xAF"), r + r);                  // overlong '/'
  EXPECT_EQ(escaped("\xED\xA0\x80"), r + r + r);          // UTF-16 surrogate
  EXPECT_EQ(escaped("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(escaped("\x80"), r);                          // lone continuation byte
  EXPECT_NO_THROW(JsonValue::parse("\"" + escaped("\xFF\x01\xC3") + "\""));
}

TEST(OtlpJsonWriterTest, NumbersAndSpecialDoubles) {
  otlp::JsonWriter json;
  json.begin_array();
  json.double_value(0.1);
  json.double_value(-2.0);
  json.double_value(1e300);
  json.double_value(std::numeric_limits<double>::quiet_NaN());
  json.double_value(std::numeric_limits<double>::infinity());
  json.double_value(-std::numeric_limits<double>::infinity());
  json.int64_string_value(std::numeric_limits<std::int64_t>::min());
  json.uint64_string_value(std::numeric_limits<std::uint64_t>::max());
  json.uint_value(7);
  json.bool_value(false);
  json.end_array();
  EXPECT_EQ(json.view(),
            "[0.1,-2,1e+300,\"NaN\",\"Infinity\",\"-Infinity\",\"-9223372036854775808\","
            "\"18446744073709551615\",7,false]");
}

TEST(OtlpJsonWriterTest, CommasBetweenMembersAndNestedContainers) {
  otlp::JsonWriter json;
  json.begin_object();
  json.key("a");
  json.begin_array();
  json.begin_object();
  json.end_object();
  json.begin_object();
  json.key("b");
  json.string_value("c");
  json.end_object();
  json.end_array();
  json.key("d");
  json.begin_object();
  json.end_object();
  json.end_object();
  EXPECT_EQ(json.view(), R"({"a":[{},{"b":"c"}],"d":{}})");
}

TEST(OtlpJsonEncodingTest, EmptyBatch) {
  std::vector<std::unique_ptr<otel::SpanData>> spans;
  EXPECT_EQ(OtlpTraceEncoder().encode_json(spans), R"({"resourceSpans":[]})");
}

TEST(OtlpJsonEncodingTest, MinimalSpanExactText) {
  std::vector<std::unique_ptr<otel::SpanData>> spans;
  spans.push_back(testing::make_root_span("r"));
  spans[0]->attributes = {{"k", std::int64_t{5}}};
  spans[0]->resource = nullptr;
  spans[0]->scope = nullptr;
  EXPECT_EQ(encode_otlp_trace_json(spans),
            R"({"resourceSpans":[{"scopeSpans":[{"spans":[{)"
            R"("traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba90201",)"
            R"("flags":257,"name":"r","kind":1,"startTimeUnixNano":"1700000000000000000",)"
            R"("endTimeUnixNano":"1700000000001500000",)"
            R"("attributes":[{"key":"k","value":{"intValue":"5"}}]}]}]}]})");
}

TEST(OtlpJsonEncodingTest, FullSpanParsesBackWithOtlpJsonConventions) {
  std::vector<std::unique_ptr<otel::SpanData>> spans;
  spans.push_back(testing::make_full_span());
  spans[0]->attributes.push_back({"nan", std::numeric_limits<double>::quiet_NaN()});
  spans[0]->attributes.push_back({"text", std::string("line\nbreak \"q\" \x01")});
  const JsonValue root = JsonValue::parse(encode_otlp_trace_json(spans));

  const JsonValue& resource_spans = root["resourceSpans"][0];
  EXPECT_EQ(resource_spans["schemaUrl"].text, "https://opentelemetry.io/schemas/1.24.0");
  const JsonValue& resource_attribute = resource_spans["resource"]["attributes"][1];
  EXPECT_EQ(resource_attribute["key"].text, "process.pid");
  EXPECT_EQ(resource_attribute["value"]["intValue"].kind, Kind::kString);
  EXPECT_EQ(resource_attribute["value"]["intValue"].text, "4242");

  const JsonValue& scope_spans = resource_spans["scopeSpans"][0];
  EXPECT_EQ(scope_spans["scope"]["name"].text, "kafka");
  EXPECT_EQ(scope_spans["scope"]["version"].text, "0.1.0");
  EXPECT_EQ(scope_spans["schemaUrl"].text, "https://opentelemetry.io/schemas/1.21.0");

  const JsonValue& span = scope_spans["spans"][0];
  EXPECT_EQ(span["traceId"].text, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(span["spanId"].text, "00f067aa0ba902b7");
  EXPECT_EQ(span["parentSpanId"].text, "00f067aa0ba90242");
  EXPECT_EQ(span["traceState"].text, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  EXPECT_EQ(span["flags"].kind, Kind::kNumber);
  EXPECT_EQ(span["flags"].text, "769");
  EXPECT_EQ(span["name"].text, "orders send");
  EXPECT_EQ(span["kind"].kind, Kind::kNumber);
  EXPECT_EQ(span["kind"].text, "4");
  EXPECT_EQ(span["startTimeUnixNano"].kind, Kind::kString);
  EXPECT_EQ(span["startTimeUnixNano"].text, "1700000000000000000");
  EXPECT_EQ(span["endTimeUnixNano"].text, "1700000000002000000");
  EXPECT_EQ(span["droppedAttributesCount"].text, "3");
  EXPECT_EQ(span["droppedEventsCount"].text, "4");
  EXPECT_EQ(span["droppedLinksCount"].text, "5");

  const JsonValue& attributes = span["attributes"];
  ASSERT_EQ(attributes.size(), 10u);
  EXPECT_EQ(attributes[0]["value"]["stringValue"].text, "kafka");
  EXPECT_TRUE(attributes[1]["value"]["boolValue"].boolean);
  EXPECT_EQ(attributes[2]["value"]["intValue"].text, "-42");
  EXPECT_EQ(attributes[3]["value"]["doubleValue"].kind, Kind::kNumber);
  EXPECT_EQ(attributes[3]["value"]["doubleValue"].text, "0.25");
  const JsonValue& bools = attributes[4]["value"]["arrayValue"]["values"];
  ASSERT_EQ(bools.size(), 2u);
  EXPECT_FALSE(bools[1]["boolValue"].boolean);
  EXPECT_EQ(attributes[5]["value"]["arrayValue"]["values"][2]["intValue"].text, "3");
  EXPECT_EQ(attributes[6]["value"]["arrayValue"]["values"][1]["doubleValue"].text, "-2");
  EXPECT_EQ(attributes[7]["value"]["arrayValue"]["values"][1]["stringValue"].text, "y\"z");
  EXPECT_EQ(attributes[8]["value"]["doubleValue"].text, "NaN");
  EXPECT_EQ(attributes[9]["value"]["stringValue"].text, "line\nbreak \"q\" \x01");

  const JsonValue& event = span["events"][0];
  EXPECT_EQ(event["timeUnixNano"].text, "1700000000001000000");
  EXPECT_EQ(event["name"].text, "exception");
  EXPECT_EQ(event["attributes"][0]["value"]["stringValue"].text, "Timeout");
  EXPECT_EQ(event["droppedAttributesCount"].text, "1");

  const JsonValue& link = span["links"][0];
  EXPECT_EQ(link["spanId"].text, "00f067aa0ba90299");
  EXPECT_EQ(link["traceState"].text, "k=v");
  EXPECT_EQ(link["flags"].text, "769");
  EXPECT_EQ(link["droppedAttributesCount"].text, "2");
  EXPECT_EQ(link["attributes"][0]["key"].text, "link.kind");

  EXPECT_EQ(span["status"]["code"].text, "2");
  EXPECT_EQ(span["status"]["message"].text, "broker unavailable");
}

TEST(OtlpJsonEncodingTest, GroupsLikeTheProtobufEncoding) {
  std::vector<std::unique_ptr<otel::SpanData>> spans;
  spans.push_back(testing::make_root_span("1"));
  spans.push_back(testing::make_root_span("2"));
  spans[1]->resource = testing::sample_resource("other");
  spans.push_back(testing::make_root_span("3"));
  const JsonValue root = JsonValue::parse(OtlpTraceEncoder().encode_json(spans));
  ASSERT_EQ(root["resourceSpans"].size(), 2u);
  const JsonValue& first = root["resourceSpans"][0]["scopeSpans"][0]["spans"];
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0]["name"].text, "1");
  EXPECT_EQ(first[1]["name"].text, "3");
  EXPECT_EQ(root["resourceSpans"][1]["scopeSpans"][0]["spans"][0]["name"].text, "2");
}

}  // namespace
}  // namespace kafkatrace::exporters
