// One draw from the calling thread's id generator for a new span: its span id and, for a root
// span, its trace id (one thread-local lookup instead of two). Neither id is ever all zero.
#pragma once

#include <cstdint>
#include <span>

namespace kafkatrace::otel::internal {

void fill_random_ids(std::span<std::uint8_t, 16> trace_id, std::span<std::uint8_t, 8> span_id,
                     bool need_trace_id) noexcept;

}  // namespace kafkatrace::otel::internal
