// libFuzzer target: W3C traceparent/tracestate extraction must never crash, and whatever it
// accepts must survive an inject/extract round trip unchanged.
// Not wired into CMake yet: clang++ -fsanitize=fuzzer,address ... tests/fuzz/traceparent_fuzz.cpp
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "kafkatrace/otel/trace_context_propagator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kafkatrace::otel;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  // The first line is the traceparent, the rest the tracestate.
  auto newline = input.find('\n');
  std::map<std::string, std::string> headers{
      {"traceparent", std::string{input.substr(0, newline)}}};
  if (newline != std::string_view::npos) headers["tracestate"] = input.substr(newline + 1);
  MapCarrier carrier{headers};
  TraceContextPropagator propagator;
  Context extracted = propagator.extract(carrier, Context{});
  if (!extracted.span_context().is_valid()) return 0;

  std::map<std::string, std::string> again;
  MapCarrier out{again};
  propagator.inject(extracted, out);
  const SpanContext& first = extracted.span_context();
  Context reextracted = propagator.extract(out, Context{});
  const SpanContext& second = reextracted.span_context();
  if (first.trace_id != second.trace_id || first.span_id != second.span_id ||
      first.trace_flags != second.trace_flags) {
    std::abort();
  }
  return 0;
}
