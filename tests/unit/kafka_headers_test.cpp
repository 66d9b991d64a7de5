// KafkaHeadersCarrier, RdKafkaHeadersCarrier and the inject/extract helpers, without a broker
// (rd_kafka_headers_new and RdKafka::Headers::create need no client).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kafkatrace/kafka/headers.h"
#include "kafkatrace/kafka/headers_cpp.h"
#include "kafkatrace/kafka/semconv.h"
#include "kafkatrace/otel/trace_context_propagator.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace kafkatrace::kafka {
namespace {

using otel::Context;

struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* headers) const noexcept { rd_kafka_headers_destroy(headers); }
};
using Headers = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;

Headers make_headers() {
  return Headers(rd_kafka_headers_new(4));
}

void add(rd_kafka_headers_t* headers, std::string_view name, std::string_view value) {
  ASSERT_EQ(rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()),
                                value.data(), static_cast<ssize_t>(value.size())),
            RD_KAFKA_RESP_ERR_NO_ERROR);
}

std::vector<std::string> values_of(const otel::TextMapCarrier& carrier, std::string_view key) {
  std::vector<std::string> values;
  carrier.for_each_value(key, [&](std::string_view value) {
    values.emplace_back(value);
    return true;
  });
  return values;
}

std::vector<std::string> keys_of(const otel::TextMapCarrier& carrier) {
  std::vector<std::string> keys;
  carrier.for_each_key([&](std::string_view key) {
    keys.emplace_back(key);
    return true;
  });
  return keys;
}

otel::SpanContext sample_context() {
  auto trace = otel::TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  auto span = otel::SpanId::from_hex("00f067aa0ba902b7");
  return otel::SpanContext{.trace_id = *trace,
                           .span_id = *span,
                           .trace_flags = otel::TraceFlags{otel::TraceFlags::kSampled}};
}

const char kTraceparent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(KafkaHeadersCarrier, GetReturnsLastOccurrence) {
  Headers headers = make_headers();
  add(headers.get(), "k", "first");
  add(headers.get(), "other", "x");
  add(headers.get(), "k", "second");
  const KafkaHeadersCarrier carrier(static_cast<const rd_kafka_headers_t*>(headers.get()));
  EXPECT_EQ(carrier.get("k"), "second");
  EXPECT_EQ(carrier.get("missing"), std::nullopt);
  EXPECT_EQ(values_of(carrier, "k"), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(keys_of(carrier), (std::vector<std::string>{"k", "other", "k"}));
}

TEST(KafkaHeadersCarrier, SetReplacesEveryOccurrence) {
  Headers headers = make_headers();
  add(headers.get(), "traceparent", "stale-1");
  add(headers.get(), "app", "kept");
  add(headers.get(), "traceparent", "stale-2");
  KafkaHeadersCarrier carrier(headers.get());
  carrier.set("traceparent", "fresh");
  EXPECT_EQ(values_of(carrier, "traceparent"), (std::vector<std::string>{"fresh"}));
  EXPECT_EQ(carrier.get("app"), "kept");
  EXPECT_EQ(rd_kafka_header_cnt(headers.get()), 2u);
}

TEST(KafkaHeadersCarrier, ReadOnlyCarrierDropsWrites) {
  Headers headers = make_headers();
  KafkaHeadersCarrier carrier(static_cast<const rd_kafka_headers_t*>(headers.get()));
  carrier.set("k", "v");
  EXPECT_EQ(rd_kafka_header_cnt(headers.get()), 0u);
}

TEST(KafkaHeadersCarrier, NullHeadersAreEmpty) {
  KafkaHeadersCarrier carrier(static_cast<rd_kafka_headers_t*>(nullptr));
  carrier.set("k", "v");
  EXPECT_EQ(carrier.get("k"), std::nullopt);
  EXPECT_TRUE(keys_of(carrier).empty());
  inject_context(static_cast<rd_kafka_headers_t*>(nullptr), Context{});
  EXPECT_FALSE(
      extract_context(static_cast<const rd_kafka_headers_t*>(nullptr)).span_context().is_valid());
}

TEST(KafkaHeadersCarrier, BinaryAndHugeValuesAreBytes) {
  Headers headers = make_headers();
  const std::string binary("\xff\xfe\0\x80tail", 8);
  const std::string huge(1 << 20, 'x');
  KafkaHeadersCarrier carrier(headers.get());
  carrier.set("bin", binary);
  carrier.set("huge", huge);
  carrier.set(std::string(300, 'n'), "long name");  // beyond the stack buffer
  carrier.set(std::string_view("nul\0name", 8), "ignored");
  EXPECT_EQ(carrier.get("bin"), binary);
  EXPECT_EQ(carrier.get("huge")->size(), huge.size());
  EXPECT_EQ(carrier.get(std::string(300, 'n')), "long name");
  EXPECT_EQ(carrier.get(std::string_view("nul\0name", 8)), std::nullopt);
  // A traceparent of garbage bytes is ignored by extract, not a crash.
  carrier.set("traceparent", binary);
  EXPECT_FALSE(extract_context(static_cast<const rd_kafka_headers_t*>(headers.get()))
                   .span_context()
                   .is_valid());
}

TEST(KafkaHeadersCarrier, NullValueReadsAsEmpty) {
  Headers headers = make_headers();
  ASSERT_EQ(rd_kafka_header_add(headers.get(), "k", -1, nullptr, 0), RD_KAFKA_RESP_ERR_NO_ERROR);
  const KafkaHeadersCarrier carrier(static_cast<const rd_kafka_headers_t*>(headers.get()));
  EXPECT_EQ(carrier.get("k"), "");
}

TEST(KafkaHeadersHelpers, InjectReplacesStaleTraceparentAndExtractReadsIt) {
  Headers headers = make_headers();
  add(headers.get(), "traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
  const auto backend = otel::make_sdk_tracing_backend(
      otel::Tracer{}, std::make_shared<otel::TraceContextPropagator>());
  inject_context(headers.get(), Context{}.with_span_context(sample_context()), backend.get());
  const KafkaHeadersCarrier carrier(static_cast<const rd_kafka_headers_t*>(headers.get()));
  EXPECT_EQ(values_of(carrier, "traceparent"), (std::vector<std::string>{kTraceparent}));
  const Context extracted = extract_context(static_cast<const rd_kafka_headers_t*>(headers.get()),
                                            Context{}, backend.get());
  EXPECT_EQ(extracted.span_context().trace_id, sample_context().trace_id);
  EXPECT_TRUE(extracted.span_context().is_remote);
}

TEST(KafkaHeadersHelpers, DefaultBackendUsesGlobalPropagator) {
  Headers headers = make_headers();
  inject_context(headers.get(), Context{}.with_span_context(sample_context()));
  const KafkaHeadersCarrier carrier(static_cast<const rd_kafka_headers_t*>(headers.get()));
  EXPECT_EQ(carrier.get("traceparent"), kTraceparent);  // "tracecontext,baggage" by default
}

TEST(RdKafkaHeadersCarrier, SameSemanticsOverTheCppApi) {
  std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
  headers->add("traceparent", "stale");
  headers->add("app", std::string("\x00\xff", 2));
  headers->add("traceparent", "stale-2");
  RdKafkaHeadersCarrier carrier(headers.get());
  EXPECT_EQ(carrier.get("traceparent"), "stale-2");
  EXPECT_EQ(carrier.get("app"), std::string("\x00\xff", 2));
  EXPECT_EQ(carrier.get("missing"), std::nullopt);
  EXPECT_EQ(values_of(carrier, "traceparent"), (std::vector<std::string>{"stale", "stale-2"}));

  inject_context(headers.get(), Context{}.with_span_context(sample_context()));
  EXPECT_EQ(headers->get("traceparent").size(), 1u);
  EXPECT_EQ(carrier.get("traceparent"), kTraceparent);
  EXPECT_EQ(keys_of(carrier), (std::vector<std::string>{"app", "traceparent"}));
  const Context extracted = extract_context(static_cast<const RdKafka::Headers*>(headers.get()));
  EXPECT_EQ(extracted.span_context().span_id, sample_context().span_id);
}

TEST(Semconv, OptInParsing) {
  using semconv::SemconvMode;
  EXPECT_EQ(semconv::parse_semconv_opt_in(""), SemconvMode::kCurrent);
  EXPECT_EQ(semconv::parse_semconv_opt_in("messaging"), SemconvMode::kCurrent);
  EXPECT_EQ(semconv::parse_semconv_opt_in("http, Messaging/Dup "), SemconvMode::kDuplicate);
  EXPECT_EQ(semconv::parse_semconv_opt_in("messaging,messaging/dup"), SemconvMode::kDuplicate);
  EXPECT_EQ(semconv::parse_semconv_opt_in("http/dup"), SemconvMode::kCurrent);
  EXPECT_TRUE(semconv::emit_old_names(SemconvMode::kDuplicate));
}

}  // namespace
}  // namespace kafkatrace::kafka
