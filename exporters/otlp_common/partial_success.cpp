#include "otlp_common/partial_success.h"

namespace kafkatrace::exporters::otlp {
namespace {

// A forward-only reader over one message; any malformation sets failed_.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  // Reads the next field's tag; false at the end or on error.
  bool next(std::uint32_t& field, std::uint32_t& wire_type) {
    if (pos_ >= data_.size() || failed_) return false;
    const std::uint64_t tag = varint();
    field = static_cast<std::uint32_t>(tag >> 3);
    wire_type = static_cast<std::uint32_t>(tag & 7);
    return !failed_;
  }
  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && pos_ < data_.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    failed_ = true;
    return 0;
  }
  std::string_view bytes() {
    const std::uint64_t length = varint();
    if (failed_ || length > data_.size() - pos_) {
      failed_ = true;
      return {};
    }
    const auto result = data_.substr(pos_, length);
    pos_ += length;
    return result;
  }
  void skip(std::uint32_t wire_type) {
    switch (wire_type) {
      case 0: varint(); break;
      case 1: advance(8); break;
      case 2: bytes(); break;
      case 5: advance(4); break;
      default: failed_ = true;
    }
  }
  bool failed() const noexcept { return failed_; }

 private:
  void advance(std::size_t n) {
    if (n > data_.size() - pos_)
      failed_ = true;
    else
      pos_ += n;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace

std::optional<PartialSuccess> parse_partial_success(std::string_view response_body) noexcept {
  try {
    Reader response(response_body);
    std::optional<std::string_view> partial;
    std::uint32_t field = 0;
    std::uint32_t wire_type = 0;
    while (response.next(field, wire_type)) {
      if (field == 1 && wire_type == 2)
        partial = response.bytes();
      else
        response.skip(wire_type);
    }
    if (response.failed() || !partial) return std::nullopt;
    PartialSuccess result;
    Reader reader(*partial);
    while (reader.next(field, wire_type)) {
      if (field == 1 && wire_type == 0)
        result.rejected = static_cast<std::int64_t>(reader.varint());
      else if (field == 2 && wire_type == 2)
        result.error_message = std::string(reader.bytes());
      else
        reader.skip(wire_type);
    }
    if (reader.failed()) return std::nullopt;
    return result;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace kafkatrace::exporters::otlp
