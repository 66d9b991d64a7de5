#include "otlp_common/protobuf_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "otlp_common/json_writer.h"  // valid_utf8_length: one UTF-8 rule for both encodings

namespace kafkatrace::exporters::otlp {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

}  // namespace

// Branch-light: ORs whole words together, the last one overlapping, so typical short keys and
// values cost a few loads.
bool ProtobufWriter::is_ascii(std::string_view text) noexcept {
  const char* data = text.data();
  const std::size_t size = text.size();
  if (size >= 8) {
    std::uint64_t any = 0;
    std::uint64_t word;
    for (std::size_t i = 0; i + 8 <= size; i += 8) {
      std::memcpy(&word, data + i, sizeof(word));
      any |= word;
    }
    std::memcpy(&word, data + size - 8, sizeof(word));
    return ((any | word) & 0x8080808080808080ULL) == 0;
  }
  if (size >= 4) {
    std::uint32_t head;
    std::uint32_t tail;
    std::memcpy(&head, data, sizeof(head));
    std::memcpy(&tail, data + size - 4, sizeof(tail));
    return ((head | tail) & 0x80808080U) == 0;
  }
  unsigned any = 0;
  for (std::size_t i = 0; i < size; ++i) any |= static_cast<unsigned char>(data[i]);
  return (any & 0x80U) == 0;
}

namespace {

// End of the run of valid UTF-8 starting at `i`: the index of the first offending byte, or
// text.size().
std::size_t valid_utf8_run(std::string_view text, std::size_t i) noexcept {
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = valid_utf8_length(text, i);
    if (length == 0) break;
    i += length;
  }
  return i;
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
  put_fixed64(put_tag(claim(tag_size(field) + 8), field, WireType::kFixed64), value);
}

void ProtobufWriter::write_fixed32(std::uint32_t field, std::uint32_t value) {
  put_fixed32(put_tag(claim(tag_size(field) + 4), field, WireType::kFixed32), value);
}

void ProtobufWriter::write_double(std::uint32_t field, double value) {
  write_fixed64(field, std::bit_cast<std::uint64_t>(value));
}

void ProtobufWriter::write_string(std::uint32_t field, std::string_view value) {
  write_tag(field, WireType::kLengthDelimited);
  if (is_ascii(value) || valid_utf8_run(value, 0) == value.size()) {  // the usual case
    write_raw_varint(value.size());
    write_raw(value);
    return;
  }
  // proto3 `string` fields must hold valid UTF-8: conformant parsers (Go's
  // google.golang.org/protobuf, Java's) reject the whole message otherwise, so one bad attribute
  // would lose a batch. Each offending byte becomes U+FFFD, as JsonWriter does, so that both
  // encodings carry the same text.
  std::size_t size = 0;
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t end = valid_utf8_run(value, i);
    size += end - i;
    if (end == value.size()) break;
    size += kReplacement.size();
    i = end + 1;
  }
  write_raw_varint(size);
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t end = valid_utf8_run(value, i);
    write_raw(value.substr(i, end - i));
    if (end == value.size()) break;
    write_raw(kReplacement);
    i = end + 1;
  }
}

void ProtobufWriter::write_bytes(std::uint32_t field, std::span<const std::uint8_t> value) {
  write_tag(field, WireType::kLengthDelimited);
  write_raw_varint(value.size());
  write_raw(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()));
}

void ProtobufWriter::end_nested_moving(Nested nested, std::size_t body_size) {
  const std::size_t body_offset = nested.length_offset + nested.reserved;
  const std::size_t needed = varint_size(body_size);
  if (needed > nested.reserved) ensure(needed - nested.reserved);
  // memmove handles the overlap.
  std::memmove(buffer_.data() + nested.length_offset + needed, buffer_.data() + body_offset,
               body_size);
  size_ = nested.length_offset + needed + body_size;
  put_varint(buffer_.data() + nested.length_offset, body_size);
}

}  // namespace kafkatrace::exporters::otlp
