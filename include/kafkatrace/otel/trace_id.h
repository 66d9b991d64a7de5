// TraceId and SpanId: the W3C Trace Context identifiers as small value types.
//
//   auto id = kafkatrace::otel::TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
//   if (id && id->is_valid()) std::string text = id->to_hex();
//   kafkatrace::otel::SpanId span = kafkatrace::otel::SpanId::random();
//
// An all-zero id is invalid. Hex text is exactly 32 (trace) or 16 (span) lower-case digits;
// from_hex rejects anything else (upper case included, as W3C Trace Context requires).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kafkatrace::otel {

namespace internal {
// Fills `bytes` with random bits from a per-thread generator seeded once from the OS; never zero
// as a whole. Lock-free and allocation-free.
void fill_random_id(std::span<std::uint8_t> bytes) noexcept;
bool decode_hex(std::string_view hex, std::span<std::uint8_t> out) noexcept;
void encode_hex(std::span<const std::uint8_t> bytes, char* out) noexcept;
}  // namespace internal

template <std::size_t N>
class Id {
 public:
  static constexpr std::size_t kSize = N;
  static constexpr std::size_t kHexSize = 2 * N;

  constexpr Id() noexcept = default;
  constexpr explicit Id(const std::array<std::uint8_t, N>& bytes) noexcept : bytes_(bytes) {}

  static Id random() noexcept {
    Id id;
    internal::fill_random_id(id.bytes_);
    return id;
  }
  // Lower-case hex of exactly kHexSize digits; nullopt otherwise.
  static std::optional<Id> from_hex(std::string_view hex) noexcept {
    Id id;
    if (hex.size() != kHexSize || !internal::decode_hex(hex, id.bytes_)) return std::nullopt;
    return id;
  }

  constexpr bool is_valid() const noexcept {
    for (auto byte : bytes_)
      if (byte != 0) return true;
    return false;
  }
  constexpr const std::array<std::uint8_t, N>& bytes() const noexcept { return bytes_; }
  // Writes kHexSize characters (no terminator) to `out`.
  void to_hex(char* out) const noexcept { internal::encode_hex(bytes_, out); }
  std::string to_hex() const {
    std::string text(kHexSize, '0');
    to_hex(text.data());
    return text;
  }

  friend constexpr auto operator<=>(const Id&, const Id&) = default;

 private:
  std::array<std::uint8_t, N> bytes_{};
};

using TraceId = Id<16>;
using SpanId = Id<8>;

}  // namespace kafkatrace::otel
