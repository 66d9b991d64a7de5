// Fuzz target: W3C `traceparent` (with a `tracestate`) through parse_traceparent and the
// TraceContextPropagator.
// Input: the traceparent up to the first '\n', the tracestate after it (absent without '\n').
// Invariants checked:
// - parse_traceparent accepts exactly what the reference parser (w3c_reference.h, written from
//   the spec) accepts, with the same ids; only the sampled flag bit is kept; is_remote is set.
// - a valid traceparent re-serialises as "00-<trace id>-<span id>-0<sampled>", which is the
//   input itself (trimmed) whenever the input was version 00 with flags 00 or 01.
// - extract through a map carrier and through an ordered header list gives that same context,
//   the tracestate being TraceState::parse of the second part; anything invalid returns the base
//   context unchanged.
// - extract(inject(context)) == context, the tracestate included while it fits the 512
//   characters inject writes (beyond that, whole entries are dropped).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "kafkatrace/otel/baggage.h"
#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/trace_context_propagator.h"
#include "w3c_reference.h"

namespace {

using namespace kafkatrace::otel;
using kafkatrace::fuzz::reference_traceparent;

// True when `part` is `whole` with some entries left out (order kept).
bool is_subsequence(const std::vector<TraceState::Entry>& part,
                    const std::vector<TraceState::Entry>& whole) {
  std::size_t next = 0;
  for (const auto& entry : whole)
    if (next < part.size() && part[next] == entry) ++next;
  return next == part.size();
}

void check_round_trip(const TraceContextPropagator& propagator, const Context& extracted) {
  std::map<std::string, std::string> injected;
  MapCarrier out{injected};
  propagator.inject(extracted, out);
  const SpanContext& first = extracted.span_context();
  FUZZ_CHECK(injected.count(std::string(kTraceparentHeader)) == 1);
  FUZZ_CHECK(injected.count(std::string(kTracestateHeader)) == (first.trace_state.empty() ? 0 : 1));
  const SpanContext second = propagator.extract(out, Context{}).span_context();
  FUZZ_CHECK(second.trace_id == first.trace_id && second.span_id == first.span_id);
  FUZZ_CHECK(second.trace_flags == first.trace_flags && second.is_remote);
  if (first.trace_state.to_header(SIZE_MAX).size() <= 512) {
    FUZZ_CHECK(second.trace_state == first.trace_state);
  } else {
    FUZZ_CHECK(is_subsequence(second.trace_state.entries(), first.trace_state.entries()));
    FUZZ_CHECK(injected[std::string(kTracestateHeader)].size() <= 512);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  const auto newline = input.find('\n');
  const std::string_view traceparent = input.substr(0, newline);
  const std::string_view tracestate =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  const auto parsed = parse_traceparent(traceparent, tracestate);
  const auto reference = reference_traceparent(traceparent);
  FUZZ_CHECK(parsed.has_value() == reference.has_value());
  if (parsed) {
    FUZZ_CHECK(parsed->trace_id.bytes() == reference->trace_id);
    FUZZ_CHECK(parsed->span_id.bytes() == reference->span_id);
    FUZZ_CHECK(parsed->trace_flags.bits() == (reference->flags & TraceFlags::kSampled));
    FUZZ_CHECK(parsed->is_remote && parsed->is_valid());
    FUZZ_CHECK(parsed->trace_state == TraceState::parse(tracestate));

    char written[kTraceparentSize];
    write_traceparent(*parsed, written);
    const std::string_view text{written, sizeof written};
    const std::string_view trimmed = kafkatrace::fuzz::trim_ows(traceparent);
    FUZZ_CHECK(text.substr(0, 3) == "00-" && text.substr(3, 50) == trimmed.substr(3, 50));
    FUZZ_CHECK(text.substr(53) == (parsed->is_sampled() ? "01" : "00"));
    if (trimmed.substr(0, 2) == "00" && (trimmed.substr(53) == "00" || trimmed.substr(53) == "01"))
      FUZZ_CHECK(text == trimmed);
  }

  // The same through the propagator, over both carrier shapes. The base carries a baggage
  // entry, which extract must keep whatever it finds.
  const TraceContextPropagator propagator;
  const Context base = Context{}.with_baggage(Baggage{}.set("marker", "1"));
  std::map<std::string, std::string> map{
      {std::string(kTraceparentHeader), std::string(traceparent)}};
  VectorCarrier::Headers list{{std::string(kTraceparentHeader), std::string(traceparent)}};
  if (newline != std::string_view::npos) {
    map.emplace(kTracestateHeader, tracestate);
    list.emplace_back(kTracestateHeader, tracestate);
  }
  const MapCarrier map_carrier{map};
  const VectorCarrier list_carrier{list};
  for (const TextMapCarrier* carrier : {static_cast<const TextMapCarrier*>(&map_carrier),
                                        static_cast<const TextMapCarrier*>(&list_carrier)}) {
    const Context extracted = propagator.extract(*carrier, base);
    FUZZ_CHECK(extracted.baggage() == base.baggage());
    if (!parsed) {
      FUZZ_CHECK(!extracted.span_context().is_valid());
      continue;
    }
    FUZZ_CHECK(extracted.span_context() == *parsed);
    check_round_trip(propagator, extracted);
  }
  return 0;
}
