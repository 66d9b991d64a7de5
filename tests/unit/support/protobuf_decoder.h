// A minimal, independent protocol-buffers wire-format decoder for tests: parses bytes into a
// flat list of fields, so tests can walk our OTLP output field by field. Strict on purpose: it
// rejects truncated input, unknown wire types and non-minimal varints (our encoder must write
// the canonical form).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kafkatrace::testing {

struct ProtoField {
  std::uint32_t number = 0;
  std::uint32_t wire_type = 0;  // 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
  std::uint64_t scalar = 0;     // varint / fixed value
  std::string_view bytes;       // length-delimited payload

  std::int64_t as_int64() const { return static_cast<std::int64_t>(scalar); }
  double as_double() const {
    double value;
    std::memcpy(&value, &scalar, sizeof(value));
    return value;
  }
  std::string str() const { return std::string(bytes); }
};

class ProtoMessage {
 public:
  // Throws std::runtime_error on malformed input (tests turn that into a failure).
  explicit ProtoMessage(std::string_view data) {
    std::size_t pos = 0;
    while (pos < data.size()) {
      const std::uint64_t tag = read_varint(data, pos);
      ProtoField field;
      field.number = static_cast<std::uint32_t>(tag >> 3);
      field.wire_type = static_cast<std::uint32_t>(tag & 7);
      if (field.number == 0) throw std::runtime_error("field number 0");
      switch (field.wire_type) {
        case 0: field.scalar = read_varint(data, pos); break;
        case 1: field.scalar = read_fixed(data, pos, 8); break;
        case 5: field.scalar = read_fixed(data, pos, 4); break;
        case 2: {
          const std::uint64_t length = read_varint(data, pos);
          if (length > data.size() - pos) throw std::runtime_error("truncated bytes");
          field.bytes = data.substr(pos, length);
          pos += length;
          break;
        }
        default: throw std::runtime_error("bad wire type " + std::to_string(field.wire_type));
      }
      fields_.push_back(field);
    }
  }

  const std::vector<ProtoField>& fields() const { return fields_; }
  std::vector<ProtoField> all(std::uint32_t number) const {
    std::vector<ProtoField> result;
    for (const auto& field : fields_)
      if (field.number == number) result.push_back(field);
    return result;
  }
  std::size_t count(std::uint32_t number) const { return all(number).size(); }
  bool has(std::uint32_t number) const { return count(number) != 0; }
  // The only (last, as protobuf merges) occurrence; throws if absent.
  ProtoField get(std::uint32_t number) const {
    const ProtoField* found = nullptr;
    for (const auto& field : fields_)
      if (field.number == number) found = &field;
    if (found == nullptr) throw std::runtime_error("missing field " + std::to_string(number));
    return *found;
  }
  ProtoMessage message(std::uint32_t number) const { return ProtoMessage(get(number).bytes); }
  std::vector<ProtoMessage> messages(std::uint32_t number) const {
    std::vector<ProtoMessage> result;
    for (const auto& field : all(number)) result.emplace_back(field.bytes);
    return result;
  }
  // Field numbers in wire order, to check canonical ordering.
  std::vector<std::uint32_t> numbers() const {
    std::vector<std::uint32_t> result;
    for (const auto& field : fields_) result.push_back(field.number);
    return result;
  }

 private:
  static std::uint64_t read_varint(std::string_view data, std::size_t& pos) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos >= data.size()) throw std::runtime_error("truncated varint");
      const auto byte = static_cast<unsigned char>(data[pos++]);
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        if (byte == 0 && shift != 0) throw std::runtime_error("non-minimal varint");
        return value;
      }
    }
    throw std::runtime_error("varint too long");
  }
  static std::uint64_t read_fixed(std::string_view data, std::size_t& pos, std::size_t size) {
    if (size > data.size() - pos) throw std::runtime_error("truncated fixed");
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i)
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[pos + i])) << (8 * i);
    pos += size;
    return value;
  }

  std::vector<ProtoField> fields_;
};

}  // namespace kafkatrace::testing
