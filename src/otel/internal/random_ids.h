// The calling thread's id generator, inline for the span-start hot path: xoshiro256** in a
// constant-initialised thread_local (a plain %fs-relative access: no init guard, no call), seeded
// once per thread from the OS on first use and again in a child process after fork().
//
//   IdGenerator& ids = thread_id_generator();
//   SpanId span_id = ids.span_id();          // never all zero
//   TraceId trace_id = ids.trace_id();       // never all zero
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kafkatrace/otel/trace_id.h"

namespace kafkatrace::otel::internal {

struct IdGenerator {
  std::uint64_t state[4];
  bool seeded;

  std::uint64_t next() noexcept {
    const std::uint64_t result = std::rotl(state[1] * 5, 7) * 9;
    const std::uint64_t t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = std::rotl(state[3], 45);
    return result;
  }

  SpanId span_id() noexcept {
    std::uint64_t word;
    do word = next();
    while (word == 0);
    return SpanId(std::bit_cast<std::array<std::uint8_t, 8>>(word));
  }

  // A root span's ids in one pass (the state stays in registers between the three words).
  void root_ids(TraceId& trace, SpanId& span) noexcept {
    IdGenerator local = *this;
    trace = local.trace_id();
    span = local.span_id();
    *this = local;
  }

  TraceId trace_id() noexcept {
    std::uint64_t low, high;
    do {
      low = next();
      high = next();
    } while ((low | high) == 0);
#if defined(__SSE2__)
    // Built in a vector register and stored in one piece: the 16-byte copies of the id that
    // follow at once would otherwise stall on store forwarding from two 8-byte stores.
    const __m128i words = _mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low));
    return TraceId(std::bit_cast<std::array<std::uint8_t, 16>>(words));
#else
    return TraceId(std::bit_cast<std::array<std::uint8_t, 16>>(std::array{low, high}));
#endif
  }
};

inline constinit thread_local IdGenerator thread_ids{};

// Seeds `generator` from the OS (and registers the fork handler once). Out of line: cold.
void seed_id_generator(IdGenerator& generator) noexcept;

inline IdGenerator& thread_id_generator() noexcept {
  IdGenerator& generator = thread_ids;
  if (!generator.seeded) [[unlikely]]
    seed_id_generator(generator);
  return generator;
}

}  // namespace kafkatrace::otel::internal
