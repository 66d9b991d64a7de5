#include "kafkatrace/otel/trace_id.h"

#include <gtest/gtest.h>

#include <set>

namespace kafkatrace::otel {
namespace {

TEST(TraceId, HexRoundTrip) {
  const auto id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(id->is_valid());
  EXPECT_EQ(id->bytes()[0], 0x4b);
  EXPECT_EQ(id->bytes()[15], 0x36);
  EXPECT_EQ(id->to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");

  const auto span = SpanId::from_hex("00f067aa0ba902b7");
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->to_hex(), "00f067aa0ba902b7");
}

TEST(TraceId, RejectsBadHex) {
  EXPECT_FALSE(TraceId::from_hex("4BF92F3577B34DA6A3CE929D0E0E4736"));   // upper case
  EXPECT_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473"));    // too short
  EXPECT_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e47366"));  // too long
  EXPECT_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473g"));   // not hex
  EXPECT_FALSE(TraceId::from_hex(""));
  EXPECT_FALSE(SpanId::from_hex("00f067aa0ba902b "));
  EXPECT_FALSE(SpanId::from_hex("00f067aa-ba902b7"));
}

TEST(TraceId, AllZeroIsInvalidButParses) {
  const auto id = TraceId::from_hex("00000000000000000000000000000000");
  ASSERT_TRUE(id.has_value());
  EXPECT_FALSE(id->is_valid());
  EXPECT_FALSE(SpanId{}.is_valid());
}

TEST(TraceId, RandomIdsAreValidAndDistinct) {
  std::set<TraceId> traces;
  std::set<SpanId> spans;
  for (int i = 0; i < 10000; ++i) {
    const auto trace = TraceId::random();
    const auto span = SpanId::random();
    EXPECT_TRUE(trace.is_valid());
    EXPECT_TRUE(span.is_valid());
    traces.insert(trace);
    spans.insert(span);
  }
  EXPECT_EQ(traces.size(), 10000u);
  EXPECT_EQ(spans.size(), 10000u);
}

TEST(TraceId, FillRandomNeverAllZero) {
  // With one byte a zero would appear ~40 times in 10000 draws if it were not rejected.
  for (int i = 0; i < 10000; ++i) {
    std::uint8_t byte = 0;
    internal::fill_random_id({&byte, 1});
    ASSERT_NE(byte, 0);
  }
}

TEST(TraceId, EncodeHexWritesLowerCase) {
  const std::array<std::uint8_t, 3> bytes{0xAB, 0x01, 0xF0};
  char out[6];
  internal::encode_hex(bytes, out);
  EXPECT_EQ(std::string_view(out, 6), "ab01f0");
}

}  // namespace
}  // namespace kafkatrace::otel
