#include "otlp_common/protobuf_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace kafkatrace::exporters::otlp {
namespace {

template <typename T>
void store_little_endian(char* out, T value) noexcept {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  }
}

}  // namespace

void ProtobufWriter::grow(std::size_t bytes) {
  buffer_.resize(std::max({size_ + bytes, 2 * buffer_.size(), std::size_t{256}}));
}

void ProtobufWriter::write_raw(std::string_view bytes) {
  ensure(bytes.size());
  if (!bytes.empty()) std::memcpy(buffer_.data() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

void ProtobufWriter::write_varint(std::uint32_t field, std::uint64_t value) {
  write_tag(field, WireType::kVarint);
  write_raw_varint(value);
}

void ProtobufWriter::write_fixed64(std::uint32_t field, std::uint64_t value) {
  write_tag(field, WireType::kFixed64);
  ensure(8);
  store_little_endian(buffer_.data() + size_, value);
  size_ += 8;
}

void ProtobufWriter::write_fixed32(std::uint32_t field, std::uint32_t value) {
  write_tag(field, WireType::kFixed32);
  ensure(4);
  store_little_endian(buffer_.data() + size_, value);
  size_ += 4;
}

void ProtobufWriter::write_double(std::uint32_t field, double value) {
  write_fixed64(field, std::bit_cast<std::uint64_t>(value));
}

void ProtobufWriter::write_string(std::uint32_t field, std::string_view value) {
  write_tag(field, WireType::kLengthDelimited);
  write_raw_varint(value.size());
  write_raw(value);
}

void ProtobufWriter::write_bytes(std::uint32_t field, std::span<const std::uint8_t> value) {
  write_tag(field, WireType::kLengthDelimited);
  write_raw_varint(value.size());
  write_raw(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()));
}

ProtobufWriter::Nested ProtobufWriter::begin_nested(std::uint32_t field,
                                                    std::size_t expected_length_bytes) {
  expected_length_bytes = std::clamp<std::size_t>(expected_length_bytes, 1, 5);
  write_tag(field, WireType::kLengthDelimited);
  ensure(expected_length_bytes);
  Nested nested{size_, expected_length_bytes};
  size_ += expected_length_bytes;
  return nested;
}

void ProtobufWriter::end_nested(Nested nested) {
  const std::size_t body_offset = nested.length_offset + nested.reserved;
  const std::size_t body_size = size_ - body_offset;
  const std::size_t needed = varint_size(body_size);
  if (needed != nested.reserved) {
    // Wrong guess: move the body so the length fits exactly (memmove handles the overlap).
    if (needed > nested.reserved) ensure(needed - nested.reserved);
    std::memmove(buffer_.data() + nested.length_offset + needed, buffer_.data() + body_offset,
                 body_size);
    size_ = nested.length_offset + needed + body_size;
  }
  std::uint64_t value = body_size;
  char* out = buffer_.data() + nested.length_offset;
  while (value >= 0x80) {
    *out++ = static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  *out = static_cast<char>(value);
}

}  // namespace kafkatrace::exporters::otlp
