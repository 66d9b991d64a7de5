#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "kafkatrace/exporters/otlp_encoding.h"
#include "support/protobuf_decoder.h"
#include "support/span_fixtures.h"

namespace kafkatrace::exporters {
namespace {

using testing::ProtoMessage;

std::string id_bytes(const auto& id) {
  return std::string(reinterpret_cast<const char*>(id.bytes().data()), id.bytes().size());
}

// Returns "key" → decoded AnyValue message for each KeyValue in `kvs`.
std::vector<std::pair<std::string, ProtoMessage>> key_values(const std::vector<ProtoMessage>& kvs) {
  std::vector<std::pair<std::string, ProtoMessage>> result;
  for (const auto& kv : kvs) result.emplace_back(kv.get(1).str(), kv.message(2));
  return result;
}

class OtlpTraceEncodingTest : public ::testing::Test {
 protected:
  std::vector<std::unique_ptr<otel::SpanData>> spans_;
  OtlpTraceEncoder encoder_;
  ProtoMessage encode() { return ProtoMessage(encoder_.encode_protobuf(spans_)); }
};

TEST_F(OtlpTraceEncodingTest, EmptyBatchIsAnEmptyRequest) {
  EXPECT_TRUE(encoder_.encode_protobuf(spans_).empty());
}

TEST_F(OtlpTraceEncodingTest, FullSpanDecodesFieldByField) {
  spans_.push_back(testing::make_full_span());
  const auto& source = *spans_[0];
  ProtoMessage request = encode();
  ASSERT_EQ(request.numbers(), std::vector<std::uint32_t>{1});  // resource_spans
  ProtoMessage resource_spans = request.message(1);
  EXPECT_EQ(resource_spans.get(3).str(), "https://opentelemetry.io/schemas/1.24.0");
  auto resource_attributes = key_values(resource_spans.message(1).messages(1));
  ASSERT_EQ(resource_attributes.size(), 2u);
  EXPECT_EQ(resource_attributes[0].first, "service.name");
  EXPECT_EQ(resource_attributes[0].second.get(1).str(), "orders");
  EXPECT_EQ(resource_attributes[1].second.get(3).scalar, 4242u);

  ProtoMessage scope_spans = resource_spans.message(2);
  EXPECT_EQ(scope_spans.message(1).get(1).str(), "kafka");
  EXPECT_EQ(scope_spans.message(1).get(2).str(), "0.1.0");
  EXPECT_EQ(scope_spans.get(3).str(), "https://opentelemetry.io/schemas/1.21.0");
  ASSERT_EQ(scope_spans.count(2), 1u);

  ProtoMessage span = scope_spans.message(2);
  // Canonical order: ascending field numbers, repeated fields grouped.
  auto numbers = span.numbers();
  EXPECT_TRUE(std::is_sorted(numbers.begin(), numbers.end()));
  EXPECT_EQ(span.get(1).str(), id_bytes(source.context.trace_id));
  EXPECT_EQ(span.get(2).str(), id_bytes(source.context.span_id));
  EXPECT_EQ(span.get(3).str(), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  EXPECT_EQ(span.get(4).str(), id_bytes(source.parent_span_id));
  EXPECT_EQ(span.get(5).str(), "orders send");
  EXPECT_EQ(span.get(6).scalar, 4u);  // SPAN_KIND_PRODUCER
  EXPECT_EQ(span.get(7).wire_type, 1u);
  EXPECT_EQ(span.get(7).scalar, source.start_time_unix_nano);
  EXPECT_EQ(span.get(8).scalar, source.end_time_unix_nano);
  EXPECT_EQ(span.get(10).scalar, 3u);
  EXPECT_EQ(span.get(12).scalar, 4u);
  EXPECT_EQ(span.get(14).scalar, 5u);
  EXPECT_EQ(span.get(16).wire_type, 5u);
  EXPECT_EQ(span.get(16).scalar, 0x301u);  // sampled | HAS_IS_REMOTE | IS_REMOTE

  auto attributes = key_values(span.messages(9));
  ASSERT_EQ(attributes.size(), 8u);
  EXPECT_EQ(attributes[0].second.get(1).str(), "kafka");
  EXPECT_EQ(attributes[1].second.get(2).scalar, 1u);
  EXPECT_EQ(attributes[2].second.get(3).as_int64(), -42);
  EXPECT_EQ(attributes[3].second.get(4).as_double(), 0.25);
  auto bools = attributes[4].second.message(5).messages(1);
  ASSERT_EQ(bools.size(), 2u);
  EXPECT_EQ(bools[0].get(2).scalar, 1u);
  EXPECT_EQ(bools[1].get(2).scalar, 0u);  // false is still written: oneof presence
  auto ints = attributes[5].second.message(5).messages(1);
  ASSERT_EQ(ints.size(), 3u);
  EXPECT_EQ(ints[2].get(3).scalar, 3u);
  auto doubles = attributes[6].second.message(5).messages(1);
  EXPECT_EQ(doubles[1].get(4).as_double(), -2.0);
  auto strings = attributes[7].second.message(5).messages(1);
  EXPECT_EQ(strings[1].get(1).str(), "y\"z");

  ProtoMessage event = span.message(11);
  EXPECT_EQ(event.get(1).wire_type, 1u);
  EXPECT_EQ(event.get(1).scalar, 1700000000001000000ULL);
  EXPECT_EQ(event.get(2).str(), "exception");
  EXPECT_EQ(key_values(event.messages(3))[0].second.get(1).str(), "Timeout");
  EXPECT_EQ(event.get(4).scalar, 1u);

  ProtoMessage link = span.message(13);
  EXPECT_EQ(link.get(1).str(), id_bytes(source.links[0].context.trace_id));
  EXPECT_EQ(link.get(2).str(), id_bytes(source.links[0].context.span_id));
  EXPECT_EQ(link.get(3).str(), "k=v");
  EXPECT_EQ(key_values(link.messages(4))[0].first, "link.kind");
  EXPECT_EQ(link.get(5).scalar, 2u);
  EXPECT_EQ(link.get(6).wire_type, 5u);
  EXPECT_EQ(link.get(6).scalar, 0x301u);

  ProtoMessage status = span.message(15);
  EXPECT_EQ(status.get(2).str(), "broker unavailable");
  EXPECT_EQ(status.get(3).scalar, 2u);  // STATUS_CODE_ERROR
  EXPECT_FALSE(status.has(1));          // reserved
}

TEST_F(OtlpTraceEncodingTest, RootSpanOmitsProto3Defaults) {
  spans_.push_back(testing::make_root_span());
  ProtoMessage span = encode().message(1).message(2).message(2);
  EXPECT_EQ(span.numbers(), (std::vector<std::uint32_t>{1, 2, 5, 6, 7, 8, 9, 9, 16}));
  EXPECT_EQ(span.get(16).scalar, 0x101u);  // sampled, parent known not remote (there is none)
}

TEST_F(OtlpTraceEncodingTest, LocalParentAndUnsampledFlags) {
  spans_.push_back(testing::make_root_span());
  spans_[0]->parent_span_id = testing::sample_span_id(0x07);
  spans_[0]->context.trace_flags = otel::TraceFlags{};
  spans_[0]->status_code = otel::StatusCode::kOk;
  ProtoMessage span = encode().message(1).message(2).message(2);
  EXPECT_EQ(span.get(16).scalar, 0x100u);
  ProtoMessage status = span.message(15);
  EXPECT_EQ(status.numbers(), std::vector<std::uint32_t>{3});
  EXPECT_EQ(status.get(3).scalar, 1u);
}

// The common span (no trace state, ASCII name) and link (no trace state, no attributes) are
// written in one sized step each; the others field by field. Both give the same fields.
TEST_F(OtlpTraceEncodingTest, PlainSpansAndLinksDecodeLikeTheGeneralPath) {
  spans_.push_back(testing::make_root_span("process orders"));
  spans_[0]->parent_span_id = testing::sample_span_id(0x07);
  spans_[0]->parent_is_remote = true;
  spans_[0]->kind = otel::SpanKind::kConsumer;
  otel::SpanLink plain;
  plain.context = otel::SpanContext{testing::sample_trace_id(),
                                    testing::sample_span_id(0x99),
                                    otel::TraceFlags{otel::TraceFlags::kSampled},
                                    true,
                                    {}};
  spans_[0]->links = {plain};
  spans_.push_back(testing::make_root_span("zamówienia przetwórz"));  // valid UTF-8, not ASCII
  spans_[1]->start_time_unix_nano = 0;
  spans_[1]->end_time_unix_nano = 0;
  spans_.push_back(testing::make_root_span(""));

  auto spans = encode().message(1).message(2).messages(2);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].numbers(), (std::vector<std::uint32_t>{1, 2, 4, 5, 6, 7, 8, 9, 9, 13, 16}));
  EXPECT_EQ(spans[0].get(4).str(), id_bytes(testing::sample_span_id(0x07)));
  EXPECT_EQ(spans[0].get(5).str(), "process orders");
  EXPECT_EQ(spans[0].get(6).scalar, 5u);  // SPAN_KIND_CONSUMER
  EXPECT_EQ(spans[0].get(7).scalar, spans_[0]->start_time_unix_nano);
  EXPECT_EQ(spans[0].get(8).scalar, spans_[0]->end_time_unix_nano);
  EXPECT_EQ(spans[0].get(16).scalar, 0x301u);
  ProtoMessage link = spans[0].message(13);
  EXPECT_EQ(link.numbers(), (std::vector<std::uint32_t>{1, 2, 6}));
  EXPECT_EQ(link.get(1).str(), id_bytes(testing::sample_trace_id()));
  EXPECT_EQ(link.get(2).str(), id_bytes(testing::sample_span_id(0x99)));
  EXPECT_EQ(link.get(6).scalar, 0x301u);

  EXPECT_EQ(spans[1].numbers(), (std::vector<std::uint32_t>{1, 2, 5, 6, 9, 9, 16}));
  EXPECT_EQ(spans[1].get(5).str(), "zamówienia przetwórz");
  EXPECT_EQ(spans[2].numbers(), (std::vector<std::uint32_t>{1, 2, 6, 7, 8, 9, 9, 16}));
}

TEST_F(OtlpTraceEncodingTest, ZeroValuedAttributesKeepTheirOneofMember) {
  spans_.push_back(testing::make_root_span());
  spans_[0]->attributes = {{"i", std::int64_t{0}},
                           {"b", false},
                           {"s", std::string()},
                           {"d", 0.0},
                           {"empty", std::vector<std::string>{}}};
  auto attributes = key_values(encode().message(1).message(2).message(2).messages(9));
  ASSERT_EQ(attributes.size(), 5u);
  EXPECT_TRUE(attributes[0].second.has(3));
  EXPECT_TRUE(attributes[1].second.has(2));
  EXPECT_TRUE(attributes[2].second.has(1));
  EXPECT_TRUE(attributes[3].second.has(4));
  EXPECT_TRUE(attributes[4].second.has(5));
  EXPECT_EQ(attributes[4].second.message(5).fields().size(), 0u);
}

// proto3 `string` fields must hold valid UTF-8: conformant parsers reject the whole request
// otherwise (Go's google.golang.org/protobuf: "string field contains invalid UTF-8"), so one bad
// attribute would lose a batch. Each offending byte becomes U+FFFD, exactly as in the JSON
// encoding, so both encodings carry the same text; valid sequences are kept.
TEST_F(OtlpTraceEncodingTest, InvalidUtf8InStringsIsReplacedAsInJson) {
  // Stray byte, lead byte without continuation, surrogate (ED A0 80), a valid 4-byte sequence,
  // and a truncated sequence at the end.
  const std::string bad =
      std::string("a\xff") + "b\xc3" + "(\xed\xa0\x80)" + "\xf0\x9f\x9a\x80" + "\xe2\x82";
  const std::string fffd = "\xef\xbf\xbd";
  const std::string fixed =
      "a" + fffd + "b" + fffd + "(" + fffd + fffd + fffd + ")" + "\xf0\x9f\x9a\x80" + fffd + fffd;
  spans_.push_back(testing::make_root_span(bad));
  auto& span = *spans_[0];
  span.attributes = {{bad, bad}, {"list", std::vector<std::string>{"ok", bad}}};
  span.events.push_back(
      {.name = bad, .time_unix_nano = 1, .attributes = {}, .dropped_attributes_count = 0});
  span.status_code = otel::StatusCode::kError;
  span.status_message = bad;
  span.resource = std::make_shared<const otel::Resource>(otel::Attributes{{"service.name", bad}});
  span.scope =
      std::make_shared<const otel::InstrumentationScope>(otel::InstrumentationScope{bad, bad, ""});

  ProtoMessage resource_spans = encode().message(1);
  EXPECT_EQ(resource_spans.message(1).message(1).message(2).get(1).str(), fixed);
  ProtoMessage scope_spans = resource_spans.message(2);
  EXPECT_EQ(scope_spans.message(1).get(1).str(), fixed);
  EXPECT_EQ(scope_spans.message(1).get(2).str(), fixed);
  ProtoMessage decoded = scope_spans.message(2);
  EXPECT_EQ(decoded.get(5).str(), fixed);
  auto attributes = key_values(decoded.messages(9));
  ASSERT_EQ(attributes.size(), 2u);
  EXPECT_EQ(attributes[0].first, fixed);
  EXPECT_EQ(attributes[0].second.get(1).str(), fixed);
  auto list = attributes[1].second.message(5).messages(1);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].get(1).str(), "ok");
  EXPECT_EQ(list[1].get(1).str(), fixed);
  EXPECT_EQ(decoded.message(11).get(2).str(), fixed);
  EXPECT_EQ(decoded.message(15).get(2).str(), fixed);

  const std::string json = encode_otlp_trace_json(spans_);
  EXPECT_NE(json.find("\"name\":\"" + fixed + "\""), std::string::npos) << json;
  EXPECT_EQ(json.find('\xff'), std::string::npos);
}

// Scalar attributes are sized and written in one step when their text is ASCII; other text is
// written again through the general path. Valid UTF-8 stays as it is, and the attributes around
// it are unaffected.
TEST_F(OtlpTraceEncodingTest, NonAsciiAttributesBesideAsciiOnesKeepTheirText) {
  spans_.push_back(testing::make_root_span("s"));
  const std::string long_text(200, 'x');  // a two-byte length
  spans_[0]->attributes = {{"before", std::int64_t{-1}},
                           {"caf\xc3\xa9", true},
                           {"text", std::string("gr\xc3\xbc\xc3\x9f")},
                           {"ratio", 1.5},
                           {"long", long_text},
                           {"after", std::string("a\xff")}};
  auto attributes = key_values(encode().message(1).message(2).message(2).messages(9));
  ASSERT_EQ(attributes.size(), 6u);
  EXPECT_EQ(attributes[0].first, "before");
  EXPECT_EQ(attributes[0].second.get(3).as_int64(), -1);
  EXPECT_EQ(attributes[1].first, "caf\xc3\xa9");
  EXPECT_EQ(attributes[1].second.get(2).scalar, 1u);
  EXPECT_EQ(attributes[2].first, "text");
  EXPECT_EQ(attributes[2].second.get(1).str(), "gr\xc3\xbc\xc3\x9f");
  EXPECT_EQ(attributes[3].second.get(4).as_double(), 1.5);
  EXPECT_EQ(attributes[4].second.get(1).str(), long_text);
  EXPECT_EQ(attributes[5].first, "after");
  EXPECT_EQ(attributes[5].second.get(1).str(), "a\xef\xbf\xbd");
}

TEST_F(OtlpTraceEncodingTest, GroupsByResourceThenScopeInFirstAppearanceOrder) {
  auto resource_a = testing::sample_resource("a");
  auto resource_b = testing::sample_resource("b");
  auto scope_x = testing::sample_scope("x");
  auto scope_y = testing::sample_scope("y");
  auto add = [&](std::string name, auto resource, auto scope) {
    spans_.push_back(testing::make_root_span(std::move(name)));
    spans_.back()->resource = resource;
    spans_.back()->scope = scope;
  };
  add("1", resource_a, scope_x);
  add("2", resource_b, scope_y);
  add("3", resource_a, scope_y);
  add("4", testing::sample_resource("a"), testing::sample_scope("x"));  // equal by value
  add("5", nullptr, nullptr);

  ProtoMessage request = encode();
  auto resources = request.messages(1);
  ASSERT_EQ(resources.size(), 3u);
  auto names = [](const ProtoMessage& scope_spans) {
    std::string result;
    for (const auto& span : scope_spans.messages(2)) result += span.get(5).str();
    return result;
  };
  auto service = [](const ProtoMessage& resource_spans) {
    return resource_spans.message(1).messages(1)[0].message(2).get(1).str();
  };
  EXPECT_EQ(service(resources[0]), "a");
  auto a_scopes = resources[0].messages(2);
  ASSERT_EQ(a_scopes.size(), 2u);
  EXPECT_EQ(a_scopes[0].message(1).get(1).str(), "x");
  EXPECT_EQ(names(a_scopes[0]), "14");
  EXPECT_EQ(a_scopes[1].message(1).get(1).str(), "y");
  EXPECT_EQ(names(a_scopes[1]), "3");
  EXPECT_EQ(service(resources[1]), "b");
  EXPECT_EQ(names(resources[1].message(2)), "2");
  EXPECT_FALSE(resources[2].has(1));             // no resource
  EXPECT_FALSE(resources[2].message(2).has(1));  // no scope
  EXPECT_EQ(names(resources[2].message(2)), "5");
}

TEST_F(OtlpTraceEncodingTest, ReusedEncoderGivesIdenticalBytes) {
  spans_.push_back(testing::make_full_span());
  spans_.push_back(testing::make_root_span());
  const std::string first(encoder_.encode_protobuf(spans_));
  const std::string second(encoder_.encode_protobuf(spans_));
  EXPECT_EQ(first, second);
  EXPECT_EQ(first, encode_otlp_trace_protobuf(spans_));
}

TEST_F(OtlpTraceEncodingTest, LargeBatchesDecode) {
  for (int i = 0; i < 3000; ++i) {
    spans_.push_back(testing::make_full_span());
    spans_.back()->name = std::string(700, 'n');  // pushes ResourceSpans beyond 2 MiB
  }
  const std::string_view body = encoder_.encode_protobuf(spans_);
  EXPECT_GT(body.size(), 2u * 1024 * 1024);
  ProtoMessage request(body);
  EXPECT_EQ(request.message(1).message(2).count(2), 3000u);
}

TEST_F(OtlpTraceEncodingTest, NullSpansAreSkipped) {
  spans_.push_back(nullptr);
  spans_.push_back(testing::make_root_span());
  EXPECT_EQ(encode().message(1).message(2).count(2), 1u);
}

}  // namespace
}  // namespace kafkatrace::exporters
