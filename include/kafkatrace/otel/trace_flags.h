// TraceFlags: the 8-bit W3C trace-flags field (bit 0: sampled).
//
//   kafkatrace::otel::TraceFlags flags{kafkatrace::otel::TraceFlags::kSampled};
//   if (flags.is_sampled()) ...
#pragma once

#include <cstdint>

namespace kafkatrace::otel {

class TraceFlags final {
 public:
  static constexpr std::uint8_t kSampled = 0x01;

  constexpr TraceFlags() noexcept = default;
  constexpr explicit TraceFlags(std::uint8_t bits) noexcept : bits_(bits) {}

  constexpr bool is_sampled() const noexcept { return (bits_ & kSampled) != 0; }
  constexpr std::uint8_t bits() const noexcept { return bits_; }
  friend constexpr bool operator==(TraceFlags, TraceFlags) = default;

 private:
  std::uint8_t bits_ = 0;
};

}  // namespace kafkatrace::otel
