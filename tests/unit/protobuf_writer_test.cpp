#include "otlp_common/protobuf_writer.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "support/protobuf_decoder.h"

namespace kafkatrace::exporters::otlp {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int value : values) out.push_back(static_cast<char>(value));
  return out;
}

TEST(ProtobufWriterTest, VarintMatchesTheEncodingGuideExamples) {
  ProtobufWriter writer;
  writer.write_varint(1, 150);  // the protobuf encoding guide's example: 08 96 01
  EXPECT_EQ(writer.view(), bytes({0x08, 0x96, 0x01}));
  writer.clear();
  writer.write_varint(1, 0);
  writer.write_varint(2, 1);
  writer.write_varint(3, 300);
  EXPECT_EQ(writer.view(), bytes({0x08, 0x00, 0x10, 0x01, 0x18, 0xAC, 0x02}));
}

TEST(ProtobufWriterTest, LargeFieldNumbersAndValues) {
  ProtobufWriter writer;
  writer.write_varint(16, std::numeric_limits<std::uint64_t>::max());
  // Tag (16 << 3) = 128 → 80 01; max uint64 takes 10 bytes ending in 01.
  EXPECT_EQ(writer.view(),
            bytes({0x80, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
}

TEST(ProtobufWriterTest, NegativeInt64IsTenByteTwosComplement) {
  ProtobufWriter writer;
  writer.write_int64(3, -1);
  EXPECT_EQ(writer.view(),
            bytes({0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  testing::ProtoMessage decoded(writer.view());
  EXPECT_EQ(decoded.get(3).as_int64(), -1);
}

TEST(ProtobufWriterTest, BoolWritesZeroOrOne) {
  ProtobufWriter writer;
  writer.write_bool(2, true);
  writer.write_bool(2, false);
  EXPECT_EQ(writer.view(), bytes({0x10, 0x01, 0x10, 0x00}));
}

TEST(ProtobufWriterTest, FixedWidthValuesAreLittleEndian) {
  ProtobufWriter writer;
  writer.write_fixed64(7, 0x0102030405060708ULL);
  writer.write_fixed32(16, 0x00000301U);
  EXPECT_EQ(writer.view(), bytes({0x39, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  //
                                  0x85, 0x01, 0x01, 0x03, 0x00, 0x00}));
}

TEST(ProtobufWriterTest, DoubleIsIeee754LittleEndian) {
  ProtobufWriter writer;
  writer.write_double(4, 1.5);  // 0x3FF8000000000000
  EXPECT_EQ(writer.view(), bytes({0x21, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F}));
  EXPECT_EQ(testing::ProtoMessage(writer.view()).get(4).as_double(), 1.5);
}

TEST(ProtobufWriterTest, StringsAndBytesAreLengthDelimited) {
  ProtobufWriter writer;
  writer.write_string(2, "testing");  // the guide's example: 12 07 74 65 73 74 69 6e 67
  EXPECT_EQ(writer.view(), bytes({0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'}));
  writer.clear();
  const std::array<std::uint8_t, 3> raw{0x00, 0xFF, 0x10};
  writer.write_bytes(1, raw);
  writer.write_string(3, "");
  EXPECT_EQ(writer.view(), bytes({0x0A, 0x03, 0x00, 0xFF, 0x10, 0x1A, 0x00}));
}

// Nested bodies of every size around the varint boundaries, with every length guess: the
// output must equal the directly computed canonical encoding.
TEST(ProtobufWriterTest, NestedLengthsAreCanonicalWhateverTheGuess) {
  for (std::size_t body :
       {0u, 1u, 125u, 126u, 127u, 128u, 129u, 16381u, 16383u, 16384u, 16385u, 2097152u}) {
    for (std::size_t guess = 1; guess <= 5; ++guess) {
      ProtobufWriter writer;
      writer.write_varint(1, 7);
      auto nested = writer.begin_nested(9, guess);
      writer.write_raw(std::string(body, 'x'));
      writer.end_nested(nested);
      writer.write_varint(2, 8);

      ProtobufWriter expected;
      expected.write_varint(1, 7);
      expected.write_string(9, std::string(body, 'x'));
      expected.write_varint(2, 8);
      ASSERT_EQ(writer.view(), expected.view()) << "body " << body << " guess " << guess;
    }
  }
}

TEST(ProtobufWriterTest, DeeplyNestedMessagesDecode) {
  ProtobufWriter writer;
  auto outer = writer.begin_nested(1, 1);
  for (int i = 0; i < 3; ++i) {
    auto middle = writer.begin_nested(2, 3);
    writer.write_string(1, std::string(200, static_cast<char>('a' + i)));
    auto inner = writer.begin_nested(3, 1);
    writer.write_varint(1, static_cast<std::uint64_t>(i));
    writer.end_nested(inner);
    writer.end_nested(middle);
  }
  writer.end_nested(outer);

  testing::ProtoMessage top(writer.view());
  ASSERT_EQ(top.fields().size(), 1u);
  auto middles = top.message(1).messages(2);
  ASSERT_EQ(middles.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(middles[i].get(1).str(), std::string(200, static_cast<char>('a' + i)));
    EXPECT_EQ(middles[i].message(3).get(1).scalar, static_cast<std::uint64_t>(i));
  }
}

TEST(ProtobufWriterTest, ClearKeepsCapacity) {
  ProtobufWriter writer;
  writer.write_string(1, std::string(4096, 'x'));
  const char* before = writer.view().data();
  writer.clear();
  EXPECT_EQ(writer.size(), 0u);
  writer.write_string(1, std::string(4000, 'y'));
  EXPECT_EQ(writer.view().data(), before);
}

TEST(ProtobufWriterTest, VarintSize) {
  EXPECT_EQ(ProtobufWriter::varint_size(0), 1u);
  EXPECT_EQ(ProtobufWriter::varint_size(127), 1u);
  EXPECT_EQ(ProtobufWriter::varint_size(128), 2u);
  EXPECT_EQ(ProtobufWriter::varint_size(16383), 2u);
  EXPECT_EQ(ProtobufWriter::varint_size(16384), 3u);
  EXPECT_EQ(ProtobufWriter::varint_size(std::numeric_limits<std::uint64_t>::max()), 10u);
}

}  // namespace
}  // namespace kafkatrace::exporters::otlp
