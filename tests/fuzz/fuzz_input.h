// FuzzInput: turns a fuzzer's byte string into the typed values a target needs (small integers,
// flags, length-prefixed strings), so structured inputs (header lists, spans) come from any
// bytes. Built with GCC too (the replay driver), so it does not use clang's FuzzedDataProvider.
//
//   kafkatrace::fuzz::FuzzInput input(data, size);
//   std::string name = input.string(64);          // up to 64 bytes, length from the input
//   if (input.boolean()) ...;
//
// Once the bytes run out every call returns zero, false or an empty string, so targets never
// need to check for the end. Cost: a few instructions per value; strings are copied.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kafkatrace::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) noexcept
      : data_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const noexcept { return data_.empty(); }
  std::size_t remaining() const noexcept { return data_.size(); }

  std::uint8_t byte() noexcept {
    if (data_.empty()) return 0;
    const auto value = static_cast<std::uint8_t>(data_.front());
    data_.remove_prefix(1);
    return value;
  }
  bool boolean() noexcept { return (byte() & 1) != 0; }

  // An integer in [0, limit] (limit < 256) from one byte.
  std::size_t small(std::size_t limit) noexcept { return byte() % (limit + 1); }

  // Little-endian bytes of T; missing bytes read as zero.
  template <typename T>
  T integral() noexcept {
    unsigned char bytes[sizeof(T)] = {};
    const std::size_t count = std::min(sizeof(T), data_.size());
    std::memcpy(bytes, data_.data(), count);
    data_.remove_prefix(count);
    T value;
    std::memcpy(&value, bytes, sizeof(T));
    return value;
  }

  // A string of up to `max_size` bytes; its length is the next byte (modulo max_size + 1).
  std::string string(std::size_t max_size) {
    // Two statements: the length byte must be consumed before the remaining size is read.
    const std::size_t wanted = small(std::min<std::size_t>(max_size, 255));
    const std::size_t length = std::min(wanted, data_.size());
    std::string text(data_.substr(0, length));
    data_.remove_prefix(length);
    return text;
  }
  // Everything that is left.
  std::string rest() {
    std::string text(data_);
    data_ = {};
    return text;
  }

 private:
  std::string_view data_;
};

}  // namespace kafkatrace::fuzz
