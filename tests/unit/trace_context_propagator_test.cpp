// TraceContextPropagator: W3C traceparent/tracestate vectors written from the specification.
#include "kafkatrace/otel/trace_context_propagator.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace kafkatrace::otel {
namespace {

constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kSpanId = "00f067aa0ba902b7";
const std::string kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

std::string traceparent(std::string_view version, std::string_view trace_id,
                        std::string_view span_id, std::string_view flags) {
  return std::string(version) + "-" + std::string(trace_id) + "-" + std::string(span_id) + "-" +
         std::string(flags);
}

bool parses(std::string_view text) {
  return parse_traceparent(text).has_value();
}

TEST(TraceContextPropagatorTest, ParsesValidTraceparent) {
  auto context = parse_traceparent(kValid);
  ASSERT_TRUE(context);
  EXPECT_EQ(context->trace_id.to_hex(), kTraceId);
  EXPECT_EQ(context->span_id.to_hex(), kSpanId);
  EXPECT_TRUE(context->is_sampled());
  EXPECT_TRUE(context->is_remote);
  EXPECT_TRUE(context->trace_state.empty());
  EXPECT_FALSE(parse_traceparent(traceparent("00", kTraceId, kSpanId, "00"))->is_sampled());
}

TEST(TraceContextPropagatorTest, KeepsOnlyTheSampledFlag) {
  EXPECT_EQ(parse_traceparent(traceparent("00", kTraceId, kSpanId, "ff"))->trace_flags.bits(), 1);
  EXPECT_EQ(parse_traceparent(traceparent("00", kTraceId, kSpanId, "02"))->trace_flags.bits(), 0);
  EXPECT_EQ(parse_traceparent(traceparent("00", kTraceId, kSpanId, "09"))->trace_flags.bits(), 1);
}

TEST(TraceContextPropagatorTest, RejectsInvalidVersions) {
  EXPECT_FALSE(parses(traceparent("ff", kTraceId, kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("0g", kTraceId, kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("0A", kTraceId, kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("0", kTraceId, kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("000", kTraceId, kSpanId, "01")));
}

TEST(TraceContextPropagatorTest, Version00MustBeExactly55Characters) {
  EXPECT_FALSE(parses(kValid + "-"));
  EXPECT_FALSE(parses(kValid + "-what-the-future-will-be-like"));
  EXPECT_FALSE(parses(kValid + "."));
  EXPECT_FALSE(parses(kValid + "0"));
  EXPECT_FALSE(parses(kValid.substr(0, 54)));
}

TEST(TraceContextPropagatorTest, FutureVersionsMayCarryMoreFields) {
  EXPECT_TRUE(parses(traceparent("cc", kTraceId, kSpanId, "01")));
  auto future = parse_traceparent(traceparent("cc", kTraceId, kSpanId, "01") +
                                  "-what-the-future-will-be-like");
  ASSERT_TRUE(future);
  EXPECT_EQ(future->trace_id.to_hex(), kTraceId);
  EXPECT_TRUE(future->is_sampled());
  EXPECT_FALSE(parses(traceparent("cc", kTraceId, kSpanId, "01") + ".what-the-future"));
  EXPECT_FALSE(parses(traceparent("cc", kTraceId, kSpanId, "01") + "0"));
  EXPECT_FALSE(parses(traceparent("01", kTraceId, kSpanId, "0")));  // shorter than 55
  EXPECT_FALSE(parses(traceparent("cc", kTraceId, kSpanId, "0g")));
}

TEST(TraceContextPropagatorTest, RejectsMalformedIds) {
  const std::string zero_trace(32, '0');
  const std::string zero_span(16, '0');
  EXPECT_FALSE(parses(traceparent("00", zero_trace, kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("00", kTraceId, zero_span, "01")));
  EXPECT_FALSE(parses(traceparent("00", "4BF92F3577B34DA6A3CE929D0E0E4736", kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("00", kTraceId, "00F067AA0BA902B7", "01")));
  EXPECT_FALSE(parses(traceparent("00", kTraceId, kSpanId, "0A")));
  EXPECT_FALSE(parses(traceparent("00", "4bf92f3577b34da6a3ce929d0e0e473", kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("00", "4bf92f3577b34da6a3ce929d0e0e47360", kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("00", kTraceId, "00f067aa0ba902b", "01")));
  EXPECT_FALSE(parses(traceparent("00", kTraceId, "00f067aa0ba902b70", "01")));
  EXPECT_FALSE(parses(traceparent("00", "4bf92f3577b34da6a3ce929d0e0e473g", kSpanId, "01")));
  EXPECT_FALSE(parses(traceparent("00", kTraceId, "00f067aa0ba902b.", "01")));
  EXPECT_FALSE(parses("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parses("00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01"));
  EXPECT_FALSE(parses("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01"));
  EXPECT_FALSE(parses(""));
  EXPECT_FALSE(parses("00"));
}

TEST(TraceContextPropagatorTest, EveryByteInEveryIdPositionIsCheckedAndDecoded) {
  const std::string kHexDigits = "0123456789abcdef";
  for (std::size_t position = 3; position < 52; ++position) {
    if (position == 35) continue;  // the '-' between the ids
    for (int byte = 0; byte < 256; ++byte) {
      std::string text = kValid;
      text[position] = static_cast<char>(byte);
      auto digit = kHexDigits.find(static_cast<char>(byte));
      auto context = parse_traceparent(text);
      ASSERT_EQ(context.has_value(), digit != std::string::npos)
          << "position " << position << " byte " << byte;
      if (context) {
        auto hex = context->trace_id.to_hex() + "-" + context->span_id.to_hex();
        EXPECT_EQ(hex, text.substr(3, 49));
      }
    }
  }
}

TEST(TraceContextPropagatorTest, ToleratesSurroundingSpacesAndTabsOnly) {
  EXPECT_TRUE(parses(" " + kValid));
  EXPECT_TRUE(parses("\t" + kValid));
  EXPECT_TRUE(parses(kValid + " "));
  EXPECT_TRUE(parses(kValid + "\t"));
  EXPECT_TRUE(parses("\t " + kValid + " \t"));
  EXPECT_FALSE(parses("00- 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parses("\n" + kValid));
  EXPECT_FALSE(parses(kValid + std::string(1, '\0')));
}

TEST(TraceContextPropagatorTest, ExtractFromCarrier) {
  std::map<std::string, std::string> headers{{"traceparent", kValid},
                                             {"tracestate", "rojo=00f067aa0ba902b7,congo=t61"}};
  MapCarrier carrier{headers};
  auto context = TraceContextPropagator{}.extract(carrier, Context{});
  const auto& span_context = context.span_context();
  ASSERT_TRUE(span_context.is_valid());
  EXPECT_TRUE(span_context.is_remote);
  EXPECT_EQ(span_context.trace_state.get("congo"), "t61");
  EXPECT_EQ(context.span(), nullptr);
}

TEST(TraceContextPropagatorTest, InvalidTraceparentKeepsBaseAndIgnoresTracestate) {
  auto base_span = parse_traceparent(traceparent("00", kTraceId, "1111111111111111", "00"));
  auto base = Context{}.with_span_context(*base_span).with_baggage(Baggage{}.set("k", "v"));
  std::map<std::string, std::string> headers{
      {"traceparent", traceparent("00", std::string(32, '0'), kSpanId, "01")},
      {"tracestate", "rojo=1"}};
  MapCarrier carrier{headers};
  auto context = TraceContextPropagator{}.extract(carrier, base);
  EXPECT_EQ(context.span_context(), base.span_context());
  EXPECT_EQ(context.baggage().get("k"), "v");
  headers.erase("traceparent");
  EXPECT_EQ(TraceContextPropagator{}.extract(carrier, base).span_context(), *base_span);
}

TEST(TraceContextPropagatorTest, InvalidTracestateIsDiscardedAlone) {
  std::map<std::string, std::string> headers{{"traceparent", kValid},
                                             {"tracestate", "foo=1,foo=2"}};
  MapCarrier carrier{headers};
  auto context = TraceContextPropagator{}.extract(carrier, Context{});
  EXPECT_TRUE(context.span_context().is_valid());
  EXPECT_TRUE(context.span_context().trace_state.empty());
}

TEST(TraceContextPropagatorTest, LastTraceparentOfDuplicatesWins) {
  VectorCarrier::Headers headers{{"traceparent", traceparent("00", kTraceId, kSpanId, "00")},
                                 {"traceparent", kValid}};
  VectorCarrier carrier{headers};
  EXPECT_TRUE(TraceContextPropagator{}.extract(carrier, Context{}).span_context().is_sampled());
}

TEST(TraceContextPropagatorTest, RepeatedTracestateHeadersFormOneList) {
  auto tracestate_of = [](VectorCarrier::Headers headers) {
    headers.emplace_back("traceparent", kValid);
    VectorCarrier carrier{headers};
    return TraceContextPropagator{}.extract(carrier, Context{}).span_context().trace_state;
  };
  EXPECT_EQ(tracestate_of({{"tracestate", "foo=1,bar=2"}, {"tracestate", "rojo=1"}}).to_header(),
            "foo=1,bar=2,rojo=1");
  EXPECT_EQ(tracestate_of({{"tracestate", "foo=1"}, {"tracestate", ""}}).to_header(), "foo=1");
  EXPECT_EQ(tracestate_of({{"tracestate", ""}, {"tracestate", "foo=1"}}).to_header(), "foo=1");
  EXPECT_TRUE(tracestate_of({{"tracestate", "foo=1"}, {"tracestate", "foo=2"}}).empty());
  EXPECT_TRUE(tracestate_of({{"tracestate", ""}}).empty());
}

TEST(TraceContextPropagatorTest, InjectWritesVersion00LowerCase) {
  SpanContext span_context{.trace_id = *TraceId::from_hex(kTraceId),
                           .span_id = *SpanId::from_hex(kSpanId),
                           .trace_flags = TraceFlags{0x03},
                           .is_remote = false,
                           .trace_state = {}};
  std::map<std::string, std::string> headers;
  MapCarrier carrier{headers};
  TraceContextPropagator{}.inject(Context{}.with_span_context(span_context), carrier);
  EXPECT_EQ(headers.at("traceparent"), kValid);  // unknown flag bits are not propagated
  EXPECT_FALSE(headers.contains("tracestate"));

  span_context.trace_state = TraceState::parse("a=1,b=2");
  span_context.trace_flags = TraceFlags{};
  TraceContextPropagator{}.inject(Context{}.with_span_context(span_context), carrier);
  EXPECT_EQ(headers.at("traceparent"), traceparent("00", kTraceId, kSpanId, "00"));
  EXPECT_EQ(headers.at("tracestate"), "a=1,b=2");
}

TEST(TraceContextPropagatorTest, InjectSkipsInvalidContext) {
  std::map<std::string, std::string> headers;
  MapCarrier carrier{headers};
  TraceContextPropagator{}.inject(Context{}, carrier);
  EXPECT_TRUE(headers.empty());
}

TEST(TraceContextPropagatorTest, InjectReplacesStaleHeader) {
  VectorCarrier::Headers headers{
      {"traceparent", "stale-1"}, {"other", "x"}, {"traceparent", "stale-2"}};
  VectorCarrier carrier{headers};
  TraceContextPropagator{}.inject(Context{}.with_span_context(*parse_traceparent(kValid)), carrier);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"other", "x"}));
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"traceparent", kValid}));
}

TEST(TraceContextPropagatorTest, RoundTrip) {
  SpanContext original{.trace_id = TraceId::random(),
                       .span_id = SpanId::random(),
                       .trace_flags = TraceFlags{TraceFlags::kSampled},
                       .is_remote = true,
                       .trace_state = TraceState::parse("vendor@tenant=x,b=2")};
  std::map<std::string, std::string> headers;
  MapCarrier carrier{headers};
  TraceContextPropagator propagator;
  propagator.inject(Context{}.with_span_context(original), carrier);
  EXPECT_EQ(propagator.extract(carrier, Context{}).span_context(), original);
  ASSERT_EQ(propagator.fields().size(), 2u);
  EXPECT_EQ(propagator.fields()[0], "traceparent");
  EXPECT_EQ(propagator.fields()[1], "tracestate");
}

TEST(TraceContextPropagatorTest, ExtractNeverCrashesOnArbitraryBytes) {
  std::mt19937 random{12345};
  std::map<std::string, std::string> headers;
  MapCarrier carrier{headers};
  TraceContextPropagator propagator;
  int valid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    if (round % 2 == 0) {  // random bytes of random length, embedded NULs included
      text.resize(random() % 130);
      for (char& c : text) c = static_cast<char>(random() % 256);
    } else {  // a valid header with a few characters replaced by hex, '-', NUL or anything
      text = kValid;
      const char kPick[] = {'0', 'f', 'A', '-', ' ', '\0', '\t', 'z'};
      for (int i = 0, n = static_cast<int>(random() % 3) + 1; i < n; ++i) {
        text[random() % text.size()] =
            random() % 4 ? kPick[random() % 8] : static_cast<char>(random() % 256);
      }
      if (random() % 4 == 0) text.resize(random() % 80, '-');
    }
    headers["traceparent"] = text;
    headers["tracestate"] = text;
    auto context = propagator.extract(carrier, Context{});
    if (context.span_context().is_valid()) {
      ++valid;
      EXPECT_TRUE(context.span_context().is_remote);
    }
  }
  EXPECT_GT(valid, 0);  // the mutations keep some headers valid
}

}  // namespace
}  // namespace kafkatrace::otel
