// Fuzz target: W3C `baggage` through parse_baggage, format_baggage and the BaggagePropagator.
// Input: the header value; a '\n' splits it into several `baggage` headers of one carrier.
// Invariants checked:
// - parse never keeps more than kMaxBaggageMembers members; every kept name is a token, every
//   value valid UTF-8 (undecodable bytes become U+FFFD);
// - format stays within kMaxBaggageSize / kMaxBaggageMemberSize and emits only members of the
//   baggage (a subsequence, in order), and formatting is a fixed point: once formatted, a header
//   parses and formats back to exactly the same text and baggage;
// - the propagator's extract over repeated headers equals parse of the headers joined by ',',
//   and extract(inject(b)) == parse(format(b)).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "kafkatrace/otel/baggage_propagator.h"
#include "kafkatrace/otel/context.h"
#include "utf8_reference.h"

namespace {

using namespace kafkatrace::otel;

bool is_token(std::string_view text) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  if (text.empty()) return false;
  for (char c : text) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && kSpecials.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool is_subsequence(const std::vector<Baggage::Entry>& part,
                    const std::vector<Baggage::Entry>& whole) {
  std::size_t next = 0;
  for (const auto& entry : whole)
    if (next < part.size() && part[next] == entry) ++next;
  return next == part.size();
}

void check_format(const Baggage& baggage) {
  const std::string formatted = format_baggage(baggage);
  FUZZ_CHECK(formatted.size() <= kMaxBaggageSize);
  std::size_t member_start = 0;
  while (member_start < formatted.size()) {
    std::size_t comma = formatted.find(',', member_start);
    if (comma == std::string::npos) comma = formatted.size();
    FUZZ_CHECK(comma - member_start <= kMaxBaggageMemberSize);
    member_start = comma + 1;
  }
  const Baggage reparsed = parse_baggage(formatted);
  FUZZ_CHECK(is_subsequence(reparsed.entries(), baggage.entries()));
  FUZZ_CHECK_MESSAGE(format_baggage(reparsed) == formatted, formatted);
  FUZZ_CHECK(parse_baggage(format_baggage(reparsed)) == reparsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  std::string joined;
  VectorCarrier::Headers headers;
  for (std::size_t start = 0; start <= input.size();) {
    std::size_t newline = input.find('\n', start);
    if (newline == std::string_view::npos) newline = input.size();
    headers.emplace_back(kBaggageHeader, input.substr(start, newline - start));
    if (start > 0) joined += ',';
    joined += input.substr(start, newline - start);
    start = newline + 1;
  }

  const Baggage baggage = parse_baggage(joined);
  FUZZ_CHECK(baggage.size() <= kMaxBaggageMembers);
  for (const auto& entry : baggage.entries()) {
    FUZZ_CHECK(is_token(entry.name));
    FUZZ_CHECK(kafkatrace::fuzz::is_valid_utf8(entry.value));
    FUZZ_CHECK(baggage.get(entry.name) == entry.value);
  }
  check_format(baggage);

  const BaggagePropagator propagator;
  const VectorCarrier carrier{headers};
  const Context extracted = propagator.extract(carrier, Context{});
  FUZZ_CHECK(extracted.baggage() == baggage);

  VectorCarrier::Headers injected;
  VectorCarrier out{injected};
  propagator.inject(extracted, out);
  FUZZ_CHECK(injected.size() <= 1);
  FUZZ_CHECK(propagator.extract(out, Context{}).baggage() ==
             parse_baggage(format_baggage(baggage)));
  return 0;
}
