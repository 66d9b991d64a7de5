// ProtobufWriter: a minimal protocol-buffers wire-format writer into a reusable byte buffer,
// enough for OTLP (varint, fixed32/64, double, length-delimited strings, bytes and nested
// messages). Shared by the OTLP trace and metrics encoders; not installed.
//
//   ProtobufWriter writer;
//   auto span = writer.begin_nested(2, 2);          // field 2, reserve a 2-byte length
//   writer.write_string(5, "name"); writer.end_nested(span);
//
// Nested messages are written in one pass: begin_nested reserves a guessed number of length
// bytes and end_nested patches the varint length in place, moving the body only when the guess
// was wrong. The result is the canonical (minimal) encoding, byte for byte what protoc's
// generated code writes for the same fields in the same order.
//
// Not thread-safe; one writer per thread/encoder. clear() keeps the capacity, so a warm writer
// does not allocate.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace kafkatrace::exporters::otlp {

enum class WireType : std::uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5,
};

class ProtobufWriter {
 public:
  // A nested message being written; pass it back to end_nested.
  struct Nested {
    std::size_t length_offset;  // where the reserved length bytes start
    std::size_t reserved;       // how many bytes were reserved
  };

  void clear() noexcept { size_ = 0; }
  void reserve(std::size_t bytes) { ensure(bytes); }
  std::string_view view() const noexcept { return {buffer_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }

  // Field writers: tag plus value. They always write (proto3 default omission and oneof
  // presence are the caller's business).
  void write_varint(std::uint32_t field, std::uint64_t value);
  void write_int64(std::uint32_t field, std::int64_t value) {
    write_varint(field, static_cast<std::uint64_t>(value));  // two's complement, 10 bytes if < 0
  }
  void write_bool(std::uint32_t field, bool value) { write_varint(field, value ? 1 : 0); }
  void write_fixed64(std::uint32_t field, std::uint64_t value);
  void write_fixed32(std::uint32_t field, std::uint32_t value);
  void write_double(std::uint32_t field, double value);
  // A proto3 `string`: must be valid UTF-8, so each byte of an invalid sequence is written as
  // U+FFFD (the JsonWriter rule). Valid text is copied unchanged. Use write_bytes for binary data.
  void write_string(std::uint32_t field, std::string_view value);
  void write_bytes(std::uint32_t field, std::span<const std::uint8_t> value);

  // Starts a length-delimited field whose body is written next. `expected_length_bytes` (1–5)
  // is the guess for the varint length: 1 for bodies < 128 bytes, 2 for < 16 KiB, 3 for < 2 MiB.
  // Inline: every span, attribute and link is one.
  Nested begin_nested(std::uint32_t field, std::size_t expected_length_bytes = 1) {
    expected_length_bytes = std::clamp<std::size_t>(expected_length_bytes, 1, 5);
    write_tag(field, WireType::kLengthDelimited);
    ensure(expected_length_bytes);
    Nested nested{size_, expected_length_bytes};
    size_ += expected_length_bytes;
    return nested;
  }
  void end_nested(Nested nested) {
    const std::size_t body_size = size_ - (nested.length_offset + nested.reserved);
    if (varint_size(body_size) != nested.reserved) return end_nested_moving(nested, body_size);
    put_varint(buffer_.data() + nested.length_offset, body_size);
  }

  // Low-level pieces, for callers that assemble a length-delimited value from parts.
  void write_tag(std::uint32_t field, WireType type) {
    write_raw_varint((static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(type));
  }
  void write_raw_varint(std::uint64_t value) {
    ensure(10);
    while (value >= 0x80) {
      buffer_[size_++] = static_cast<char>((value & 0x7F) | 0x80);
      value >>= 7;
    }
    buffer_[size_++] = static_cast<char>(value);
  }
  void write_raw(std::string_view bytes);

  // Direct writing, for encoders that size a whole field before writing it: claims `bytes` more
  // bytes of output and returns where they start. The caller fills exactly that many, with the
  // put_* helpers; one capacity check instead of one per value.
  char* claim(std::size_t bytes) {
    ensure(bytes);
    char* at = buffer_.data() + size_;
    size_ += bytes;
    return at;
  }
  static char* put_varint(char* out, std::uint64_t value) noexcept {
    while (value >= 0x80) {
      *out++ = static_cast<char>((value & 0x7F) | 0x80);
      value >>= 7;
    }
    *out++ = static_cast<char>(value);
    return out;
  }
  static char* put_tag(char* out, std::uint32_t field, WireType type) noexcept {
    return put_varint(out,
                      (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(type));
  }
  static char* put_fixed64(char* out, std::uint64_t value) noexcept {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
    return out + 8;
  }
  static char* put_fixed32(char* out, std::uint32_t value) noexcept {
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
    return out + 4;
  }
  // A length-delimited field of exactly N bytes (N < 128): tag, length, bytes.
  template <std::size_t N>
  static char* put_bytes(char* out, std::uint32_t field,
                         const std::array<std::uint8_t, N>& bytes) noexcept requires(N < 128) {
    out = put_tag(out, field, WireType::kLengthDelimited);
    *out++ = static_cast<char>(N);
    std::memcpy(out, bytes.data(), N);
    return out + N;
  }
  // Copies `text` to `out` (text.size() bytes) and says whether it was all ASCII; a word at a
  // time, so short keys and values cost a few loads and stores instead of a memcpy call and a
  // separate UTF-8 scan.
  static bool put_ascii(char* out, std::string_view text) noexcept {
    const char* in = text.data();
    const std::size_t size = text.size();
    if (size >= 8) {
      std::uint64_t any = 0;
      std::uint64_t word;
      for (std::size_t i = 0; i + 8 < size; i += 8) {
        std::memcpy(&word, in + i, 8);
        std::memcpy(out + i, &word, 8);
        any |= word;
      }
      std::memcpy(&word, in + size - 8, 8);  // the last word, overlapping the one before
      std::memcpy(out + size - 8, &word, 8);
      return ((any | word) & 0x8080808080808080ULL) == 0;
    }
    unsigned any = 0;
    for (std::size_t i = 0; i < size; ++i) {
      out[i] = in[i];
      any |= static_cast<unsigned char>(in[i]);
    }
    return (any & 0x80U) == 0;
  }
  // Gives back what was written after `size` (a direct write that has to take another path).
  void truncate(std::size_t size) noexcept {
    if (size < size_) size_ = size;
  }
  static constexpr std::size_t tag_size(std::uint32_t field) noexcept {
    return varint_size(static_cast<std::uint64_t>(field) << 3);
  }

  // True when every byte is below 0x80: then the text is valid UTF-8 and write_string copies it
  // unchanged.
  static bool is_ascii(std::string_view text) noexcept;

  static constexpr std::size_t varint_size(std::uint64_t value) noexcept {
    std::size_t size = 1;
    while (value >= 0x80) {
      value >>= 7;
      ++size;
    }
    return size;
  }

 private:
  // Makes room for `bytes` more bytes. The buffer's own size is its capacity (grown by doubling,
  // zero-filled only when it grows); size_ is how much of it holds output.
  void ensure(std::size_t bytes) {
    if (buffer_.size() - size_ < bytes) grow(bytes);
  }
  void grow(std::size_t bytes);
  // end_nested when the reserved length bytes were not the right number: moves the body.
  void end_nested_moving(Nested nested, std::size_t body_size);

  std::string buffer_;
  std::size_t size_ = 0;
};

}  // namespace kafkatrace::exporters::otlp
