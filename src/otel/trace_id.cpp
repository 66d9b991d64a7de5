// Random ids and hex conversion for TraceId/SpanId.
//
// Ids come from a per-thread xoshiro256** generator seeded once per thread from the OS
// (std::random_device, i.e. getrandom on Linux). A fork() bumps a process-wide generation so that
// parent and child never continue the same sequence.
#include "kafkatrace/otel/trace_id.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <random>

#include "otel/internal/random_ids.h"

namespace kafkatrace::otel::internal {
namespace {

std::atomic<std::uint32_t> fork_generation{0};

void on_fork_child() noexcept {
  fork_generation.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t rotate_left(std::uint64_t x, int k) noexcept {
  return (x << k) | (x >> (64 - k));
}

class Xoshiro256 final {
 public:
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  void seed() noexcept {
    std::uint64_t mix = 0;
    try {
      std::random_device device;
      for (auto& word : state_) word = (std::uint64_t{device()} << 32) ^ device();
    } catch (...) {
      // No OS entropy source: fall back to the clock and the address of this state.
      mix =
          static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
          reinterpret_cast<std::uintptr_t>(this);
    }
    // splitmix64 spreads the seed so that an all-zero (invalid) state cannot occur.
    for (auto& word : state_) {
      mix += word + 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = mix;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

 private:
  std::array<std::uint64_t, 4> state_{};
};

struct ThreadGenerator {
  Xoshiro256 generator;
  std::uint32_t generation = 0;
  bool seeded = false;
};

Xoshiro256& thread_generator() noexcept {
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, &on_fork_child);
    return true;
  }();
  (void)registered;
  thread_local ThreadGenerator state;
  const auto generation = fork_generation.load(std::memory_order_relaxed);
  if (!state.seeded || state.generation != generation) {
    state.generator.seed();
    state.generation = generation;
    state.seeded = true;
  }
  return state.generator;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void fill_random_id(std::span<std::uint8_t> bytes) noexcept {
  if (bytes.empty()) return;
  auto& generator = thread_generator();
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

void fill_random_ids(std::span<std::uint8_t, 16> trace_id, std::span<std::uint8_t, 8> span_id,
                     bool need_trace_id) noexcept {
  auto& generator = thread_generator();
  std::uint64_t words[3];
  do {
    words[0] = generator.next();
    words[1] = generator.next();
  } while (need_trace_id && (words[0] | words[1]) == 0);
  do {
    words[2] = generator.next();
  } while (words[2] == 0);
  if (need_trace_id) std::memcpy(trace_id.data(), words, 16);
  std::memcpy(span_id.data(), &words[2], 8);
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
