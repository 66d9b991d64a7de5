// libFuzzer target: W3C baggage parsing must never crash, and formatting what it accepted must
// give a header that parses back to the same baggage.
// Not wired into CMake yet: clang++ -fsanitize=fuzzer,address ... tests/fuzz/baggage_fuzz.cpp
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kafkatrace/otel/baggage_propagator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kafkatrace::otel;
  std::string_view header{reinterpret_cast<const char*>(data), size};
  Baggage baggage = parse_baggage(header);
  if (baggage.size() > kMaxBaggageMembers) std::abort();
  std::string formatted = format_baggage(baggage);
  if (formatted.size() > kMaxBaggageSize) std::abort();
  // Re-encoding can lengthen a member past the limits, so compare only when nothing was dropped.
  Baggage reparsed = parse_baggage(formatted);
  if (reparsed.size() == baggage.size() && !(reparsed == baggage)) std::abort();
  return 0;
}
