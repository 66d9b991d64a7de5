// Helpers shared by the tracing and metrics halves of the environment set-up (setup.cpp,
// metrics_setup.cpp).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "kafkatrace/exporters/otlp_http.h"

namespace kafkatrace::otel::setup_internal {

inline constexpr std::string_view kComponent = "setup";

std::string_view trim(std::string_view text) noexcept;
std::string lower(std::string_view text);
// The trimmed value of `name`, or `fallback` when unset or blank.
std::string env_or(const char* name, std::string_view fallback);
// Lower-cased, de-duplicated names of a comma list such as OTEL_TRACES_EXPORTER.
std::vector<std::string> exporter_names(std::string_view list);

// OTEL_EXPORTER_OTLP_<signal>_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf (the
// default) or http/json; anything else (grpc) logs a warning naming `endpoint` and gives
// protobuf.
exporters::OtlpHttpEncoding otlp_encoding_from_environment(std::string_view signal,
                                                           std::string_view endpoint);

// force_flush then shutdown within one `timeout` budget, for the tracer and meter providers.
template <typename Provider>
bool flush_then_shutdown(Provider& provider, std::chrono::milliseconds timeout) noexcept {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const bool flushed = provider.force_flush(timeout);
  const auto left = std::max(std::chrono::steady_clock::duration::zero(),
                             deadline - std::chrono::steady_clock::now());
  const bool stopped =
      provider.shutdown(std::chrono::duration_cast<std::chrono::microseconds>(left));
  return flushed && stopped;
}

}  // namespace kafkatrace::otel::setup_internal
