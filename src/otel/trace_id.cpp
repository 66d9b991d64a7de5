// Random ids and hex conversion for TraceId/SpanId.
//
// Ids come from a per-thread xoshiro256** generator seeded once per thread from the OS
// (std::random_device, i.e. getrandom on Linux); see internal/random_ids.h. A fork() re-seeds the
// child's (only) thread so that parent and child never continue the same sequence.
#include "kafkatrace/otel/trace_id.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <random>

#include "otel/internal/random_ids.h"

namespace kafkatrace::otel::internal {
namespace {

// In a child process after fork() only the forking thread exists: re-seeding it is enough to
// keep parent and child from continuing the same sequence.
void on_fork_child() noexcept {
  thread_ids.seeded = false;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void seed_id_generator(IdGenerator& generator) noexcept {
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, &on_fork_child);
    return true;
  }();
  (void)registered;
  std::uint64_t mix = 0;
  try {
    std::random_device device;
    for (auto& word : generator.state) word = (std::uint64_t{device()} << 32) ^ device();
  } catch (...) {
    // No OS entropy source: fall back to the clock and the address of this state.
    mix = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
          reinterpret_cast<std::uintptr_t>(&generator);
  }
  // splitmix64 spreads the seed so that an all-zero (invalid) state cannot occur.
  for (auto& word : generator.state) {
    mix += word + 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = mix;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    word = z ^ (z >> 31);
  }
  generator.seeded = true;
}

void fill_random_id(std::span<std::uint8_t> bytes) noexcept {
  if (bytes.empty()) return;
  auto& generator = thread_id_generator();
  for (;;) {
    std::uint64_t any = 0;
    std::size_t offset = 0;
    for (; offset + 8 <= bytes.size(); offset += 8) {
      const std::uint64_t word = generator.next();
      std::memcpy(bytes.data() + offset, &word, 8);
      any |= word;
    }
    if (offset < bytes.size()) {
      const std::uint64_t word = generator.next();
      std::memcpy(bytes.data() + offset, &word, bytes.size() - offset);
      for (std::size_t i = offset; i < bytes.size(); ++i) any |= bytes[i];
    }
    if (any != 0) return;  // all-zero ids are invalid: draw again
  }
}

bool decode_hex(std::string_view hex, std::span<std::uint8_t> out) noexcept {
  if (hex.size() != 2 * out.size()) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return true;
}

void encode_hex(std::span<const std::uint8_t> bytes, char* out) noexcept {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (auto byte : bytes) {
    *out++ = kDigits[byte >> 4];
    *out++ = kDigits[byte & 0x0f];
  }
}

}  // namespace kafkatrace::otel::internal
