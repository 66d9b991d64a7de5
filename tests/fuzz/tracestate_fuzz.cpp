// Fuzz target: W3C `tracestate` through TraceState.
// Input: the header value.
// Invariants checked:
// - TraceState::parse keeps exactly the entries the reference parser (w3c_reference.h) finds,
//   and is empty whenever the reference discards the header;
// - is_valid_key / is_valid_value agree with the reference grammar on every key and value the
//   input splits into;
// - to_header() re-parses to the same state; write_header into a smaller buffer writes only
//   whole entries (a subsequence, still a valid header) and never more than the buffer holds;
// - set() puts its entry first and keeps at most 32; erase() removes exactly that key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "kafkatrace/otel/trace_state.h"
#include "w3c_reference.h"

namespace {

using kafkatrace::otel::TraceState;

bool is_subsequence(const std::vector<TraceState::Entry>& part,
                    const std::vector<TraceState::Entry>& whole) {
  std::size_t next = 0;
  for (const auto& entry : whole)
    if (next < part.size() && part[next] == entry) ++next;
  return next == part.size();
}

// Compares the validators with the reference on every "key=value" piece of the input.
void check_validators(std::string_view header) {
  while (true) {
    const auto comma = header.find(',');
    const std::string_view member = kafkatrace::fuzz::trim_ows(header.substr(0, comma));
    const auto equals = member.find('=');
    const std::string_view key = member.substr(0, equals);
    FUZZ_CHECK(TraceState::is_valid_key(key) == kafkatrace::fuzz::reference_key(key));
    if (equals != std::string_view::npos) {
      const std::string_view value = member.substr(equals + 1);
      FUZZ_CHECK(TraceState::is_valid_value(value) == kafkatrace::fuzz::reference_value(value));
    }
    if (comma == std::string_view::npos) return;
    header.remove_prefix(comma + 1);
  }
}

void check_write_header(const TraceState& state) {
  for (const std::size_t capacity : {0, 7, 64, 256, 512}) {
    std::string buffer(capacity, '\0');
    const std::size_t written = state.write_header(buffer);
    FUZZ_CHECK(written <= capacity);
    buffer.resize(written);
    const TraceState truncated = TraceState::parse(buffer);
    FUZZ_CHECK(truncated.to_header(SIZE_MAX) == buffer);
    FUZZ_CHECK(is_subsequence(truncated.entries(), state.entries()));
    FUZZ_CHECK(state.to_header(capacity) == buffer);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header{reinterpret_cast<const char*>(data), size};
  const TraceState state = TraceState::parse(header);
  const auto reference = kafkatrace::fuzz::reference_tracestate(header);
  FUZZ_CHECK(state.entries() == (reference ? *reference : std::vector<TraceState::Entry>{}));
  FUZZ_CHECK(state.size() <= TraceState::kMaxEntries);
  FUZZ_CHECK(state.empty() == (state.size() == 0));
  for (const auto& [key, value] : state.entries()) FUZZ_CHECK(state.get(key) == value);
  check_validators(header);

  const std::string full = state.to_header(SIZE_MAX);
  FUZZ_CHECK(TraceState::parse(full) == state);
  check_write_header(state);

  const TraceState with = state.set("kt", "1");
  FUZZ_CHECK(!with.empty() && with.entries().front() == TraceState::Entry("kt", "1"));
  FUZZ_CHECK(with.size() <= TraceState::kMaxEntries);
  FUZZ_CHECK(TraceState::parse(with.to_header(SIZE_MAX)) == with);
  const TraceState without = with.erase("kt");
  FUZZ_CHECK(!without.get("kt").has_value() && without.size() + 1 == with.size());
  if (!state.empty()) {
    // Re-setting the first entry's key with its own value reproduces the state.
    const auto& [key, value] = state.entries().front();
    FUZZ_CHECK(state.set(key, value) == state);
  }
  return 0;
}
