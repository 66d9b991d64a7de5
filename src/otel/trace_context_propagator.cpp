#include "kafkatrace/otel/trace_context_propagator.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace kafkatrace::otel {
namespace {

// Field offsets in "vv-<32 hex trace id>-<16 hex span id>-ff".
constexpr std::size_t kTraceIdOffset = 3;
constexpr std::size_t kSpanIdOffset = 36;
constexpr std::size_t kFlagsOffset = 53;
constexpr std::uint8_t kInvalidVersion = 0xff;
// Large enough for any tracestate we write (the spec's 512-character guidance).
constexpr std::size_t kMaxTracestateSize = 512;

// Value of a lower-case hex digit, -1 for anything else (upper case included).
constexpr std::array<std::int8_t, 256> make_hex_values() {
  std::array<std::int8_t, 256> values{};
  for (auto& value : values) value = -1;
  for (int c = '0'; c <= '9'; ++c)
    values[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c)
    values[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  return values;
}
constexpr auto kHexValues = make_hex_values();

constexpr std::array<char, 512> make_hex_pairs() {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (std::size_t byte = 0; byte < 256; ++byte) {
    pairs[2 * byte] = kDigits[byte >> 4];
    pairs[2 * byte + 1] = kDigits[byte & 0xf];
  }
  return pairs;
}
constexpr auto kHexPairs = make_hex_pairs();

// Decodes out.size() bytes of lower-case hex from `hex`; false on any other character.
template <std::size_t N>
bool decode_hex(const char* hex, std::array<std::uint8_t, N>& out) noexcept {
  int invalid = 0;
  for (std::size_t i = 0; i < N; ++i) {
    int high = kHexValues[static_cast<unsigned char>(hex[2 * i])];
    int low = kHexValues[static_cast<unsigned char>(hex[2 * i + 1])];
    invalid |= high | low;  // negative if either was -1
    out[i] = static_cast<std::uint8_t>((high << 4) | (low & 0xf));
  }
  return invalid >= 0;
}

// Decodes 8 lower-case hex characters into 4 bytes (memory order) working on a 64-bit word
// (SWAR): the hot part of extract. False if any character is not [0-9a-f].
[[gnu::always_inline]] inline bool decode_hex8(const char* hex, std::uint8_t* out) noexcept {
  if constexpr (std::endian::native != std::endian::little) {
    std::array<std::uint8_t, 4> bytes;
    if (!decode_hex(hex, bytes)) return false;
    std::memcpy(out, bytes.data(), bytes.size());
    return true;
  } else {
    constexpr std::uint64_t kOnes = 0x0101010101010101;
    constexpr std::uint64_t kHigh = 0x8080808080808080;
    std::uint64_t x;
    std::memcpy(&x, hex, sizeof x);
    // For a byte below 0x80, adding 0x80 - c sets its high bit exactly when it is >= c, with no
    // carry into the next byte. A byte >= 0x80 may carry, but fails the ASCII test anyway.
    auto at_least = [x](std::uint64_t c) { return (x + (0x80 - c) * kOnes) & kHigh; };
    std::uint64_t digit = at_least('0') & ~at_least('9' + 1);
    std::uint64_t letter = at_least('a') & ~at_least('f' + 1);
    bool valid = ((x & kHigh) | ((digit | letter) ^ kHigh)) == 0;
    // Nibble per byte: low four bits, plus 9 for letters (bit 6 set).
    std::uint64_t nibbles = (x & (0x0f * kOnes)) + 9 * ((x >> 6) & kOnes);
    // Pair nibbles (first is high) into one byte per 16-bit lane, then pack the lanes.
    constexpr std::uint64_t kLowBytes = 0x00ff00ff00ff00ff;
    std::uint64_t pairs = ((nibbles & kLowBytes) << 4) | ((nibbles >> 8) & kLowBytes);
    std::uint64_t packed = (pairs | (pairs >> 8)) & 0x0000ffff0000ffff;
    auto bytes = static_cast<std::uint32_t>(packed | (packed >> 16));
    std::memcpy(out, &bytes, sizeof bytes);
    return valid;
  }
}

// Decodes a trace or span id; true only when it is well-formed and not all zero.
template <std::size_t N>
bool decode_id(const char* hex, std::array<std::uint8_t, N>& out) noexcept {
  static_assert(N % 4 == 0);
  bool well_formed = true;
  for (std::size_t i = 0; i < N; i += 4) well_formed &= decode_hex8(hex + 2 * i, out.data() + i);
  std::uint64_t any = 0;
  for (std::size_t i = 0; i < N; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, out.data() + i, sizeof word);
    any |= word;
  }
  return well_formed && any != 0;
}

template <std::size_t N>
char* encode_hex(const std::array<std::uint8_t, N>& bytes, char* out) noexcept {
  for (auto byte : bytes) {
    std::memcpy(out, &kHexPairs[2 * std::size_t{byte}], 2);
    out += 2;
  }
  return out;
}

constexpr bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

constexpr std::array<std::string_view, 2> kFields = {kTraceparentHeader, kTracestateHeader};

}  // namespace

std::optional<SpanContext> parse_traceparent(std::string_view traceparent,
                                             std::string_view tracestate) noexcept {
  while (!traceparent.empty() && is_ows(traceparent.front())) traceparent.remove_prefix(1);
  while (!traceparent.empty() && is_ows(traceparent.back())) traceparent.remove_suffix(1);
  if (traceparent.size() < kTraceparentSize) return std::nullopt;
  const char* text = traceparent.data();
  std::array<std::uint8_t, 1> version;
  if (!decode_hex(text, version) || version[0] == kInvalidVersion) return std::nullopt;
  if (text[2] != '-' || text[kSpanIdOffset - 1] != '-' || text[kFlagsOffset - 1] != '-') {
    return std::nullopt;
  }
  // Version 00 is exactly 55 characters; later versions may append "-<more fields>".
  if (traceparent.size() > kTraceparentSize && (version[0] == 0 || text[kTraceparentSize] != '-')) {
    return std::nullopt;
  }
  std::array<std::uint8_t, TraceId::kSize> trace_id;
  std::array<std::uint8_t, SpanId::kSize> span_id;
  std::array<std::uint8_t, 1> flags;
  if (!decode_id(text + kTraceIdOffset, trace_id) || !decode_id(text + kSpanIdOffset, span_id) ||
      !decode_hex(text + kFlagsOffset, flags)) {
    return std::nullopt;
  }
  SpanContext context{
      .trace_id = TraceId{trace_id},
      .span_id = SpanId{span_id},
      .trace_flags = TraceFlags{static_cast<std::uint8_t>(flags[0] & TraceFlags::kSampled)},
      .is_remote = true,
      .trace_state = {}};
  if (!tracestate.empty()) context.trace_state = TraceState::parse(tracestate);
  return context;
}

void write_traceparent(const SpanContext& context, std::span<char, kTraceparentSize> out) noexcept {
  char* cursor = out.data();
  std::memcpy(cursor, "00-", 3);
  cursor = encode_hex(context.trace_id.bytes(), cursor + 3);
  *cursor++ = '-';
  cursor = encode_hex(context.span_id.bytes(), cursor);
  *cursor++ = '-';
  *cursor++ = '0';
  *cursor = context.trace_flags.is_sampled() ? '1' : '0';
}

void TraceContextPropagator::inject(const Context& context,
                                    TextMapCarrier& carrier) const noexcept {
  const SpanContext& span_context = context.span_context();
  if (!span_context.is_valid()) return;
  std::array<char, kTraceparentSize> traceparent;
  write_traceparent(span_context, traceparent);
  carrier.set(kTraceparentHeader, std::string_view{traceparent.data(), traceparent.size()});
  if (span_context.trace_state.empty()) return;
  std::array<char, kMaxTracestateSize> tracestate;
  std::size_t size = span_context.trace_state.write_header(tracestate);
  if (size > 0) carrier.set(kTracestateHeader, std::string_view{tracestate.data(), size});
}

Context TraceContextPropagator::extract(const TextMapCarrier& carrier,
                                        const Context& base) const noexcept {
  auto traceparent = carrier.get(kTraceparentHeader);
  if (!traceparent) return base;
  auto span_context = parse_traceparent(*traceparent);
  if (!span_context) return base;
  try {
    // Repeated tracestate headers form one list, as if joined by commas (W3C: like HTTP).
    std::string_view tracestate;
    std::string joined;  // used only when the carrier holds more than one tracestate
    int count = 0;
    carrier.for_each_value(kTracestateHeader, [&](std::string_view value) {
      try {
        if (++count == 1) {
          tracestate = value;
          return true;
        }
        if (count == 2) joined.assign(tracestate);
        joined.append(",").append(value);
        tracestate = joined;
        return true;
      } catch (...) {
        tracestate = {};  // out of memory: no tracestate rather than a partial one
        return false;
      }
    });
    if (!tracestate.empty()) span_context->trace_state = TraceState::parse(tracestate);
    return base.with_span_context(std::move(*span_context));
  } catch (...) {
    return base;  // out of memory: continue as if nothing had been propagated
  }
}

std::span<const std::string_view> TraceContextPropagator::fields() const noexcept {
  return kFields;
}

}  // namespace kafkatrace::otel
