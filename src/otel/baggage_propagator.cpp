#include "kafkatrace/otel/baggage_propagator.h"

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace kafkatrace::otel {
namespace {

constexpr std::array<std::string_view, 1> kFields = {kBaggageHeader};

constexpr bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}
constexpr bool is_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// RFC 7230 tchar: what a baggage key (a "token") is made of.
constexpr bool is_token_char(char c) noexcept {
  return is_alnum(c) || std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}
// W3C Baggage baggage-octet: printable ASCII except space, '"', ',', ';' and '\'.
constexpr bool is_baggage_octet(char c) noexcept {
  return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

bool is_token(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (char c : text)
    if (!is_token_char(c)) return false;
  return true;
}

bool is_baggage_value(std::string_view text) noexcept {
  for (char c : text)
    if (!is_baggage_octet(c)) return false;
  return true;
}

// property = key OWS "=" OWS value / key OWS, separated by OWS ";" OWS.
bool is_valid_properties(std::string_view properties) noexcept {
  while (true) {
    auto semicolon = properties.find(';');
    auto property = properties.substr(0, semicolon);
    auto equals = property.find('=');
    if (!is_token(trim(property.substr(0, equals)))) return false;
    if (equals != std::string_view::npos && !is_baggage_value(trim(property.substr(equals + 1)))) {
      return false;
    }
    if (semicolon == std::string_view::npos) return true;
    properties.remove_prefix(semicolon + 1);
  }
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the well-formed UTF-8 sequence at the start of `text`, 0 if it is not one.
std::size_t utf8_sequence_size(std::string_view text) noexcept {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  if (lead < 0xc2 || lead > 0xf4 || text.size() < size) return 0;
  for (std::size_t i = 1; i < size; ++i)
    if ((byte(i) & 0xc0) != 0x80) return 0;
  // Overlong 3/4-byte forms, UTF-16 surrogates and code points above U+10FFFF.
  if ((lead == 0xe0 && byte(1) < 0xa0) || (lead == 0xed && byte(1) > 0x9f) ||
      (lead == 0xf0 && byte(1) < 0x90) || (lead == 0xf4 && byte(1) > 0x8f)) {
    return 0;
  }
  return size;
}

// Percent-decodes `value`; byte sequences that are not UTF-8 become U+FFFD.
std::string decode_value(std::string_view value) {
  std::string bytes;
  bytes.reserve(value.size());
  bool ascii = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size()) {
      int high = hex_value(value[i + 1]);
      int low = hex_value(value[i + 2]);
      if (high >= 0 && low >= 0) {
        bytes.push_back(static_cast<char>((high << 4) | low));
        ascii = ascii && high < 8;
        i += 2;
        continue;
      }
    }
    bytes.push_back(value[i]);
  }
  if (ascii) return bytes;
  std::string text;
  std::string_view rest{bytes};
  while (!rest.empty()) {
    std::size_t size = utf8_sequence_size(rest);
    text.append(size == 0 ? std::string_view{"\xef\xbf\xbd"} : rest.substr(0, size));
    rest.remove_prefix(size == 0 ? 1 : size);
  }
  return text;
}

void append_encoded(std::string& out, std::string_view value) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  for (char c : value) {
    if (is_baggage_octet(c) && c != '%') {
      out.push_back(c);
    } else {
      auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kDigits[byte >> 4]);
      out.push_back(kDigits[byte & 0xf]);
    }
  }
}

// Collects the valid members of one or more headers within the limits.
class MemberParser {
 public:
  explicit MemberParser(std::vector<Baggage::Entry> entries) : entries_(std::move(entries)) {}

  void parse(std::string_view header) {
    while (members_ < kMaxBaggageMembers) {
      auto comma = header.find(',');
      add(trim(header.substr(0, comma)));
      if (comma == std::string_view::npos) return;
      header.remove_prefix(comma + 1);
    }
  }

  std::size_t members() const noexcept { return members_; }
  std::vector<Baggage::Entry> take() && { return std::move(entries_); }

 private:
  void add(std::string_view member) {
    if (member.empty() || member.size() > kMaxBaggageMemberSize) return;
    if (bytes_ + member.size() + (bytes_ > 0 ? 1 : 0) > kMaxBaggageSize) return;
    auto semicolon = member.find(';');
    auto pair = member.substr(0, semicolon);
    auto equals = pair.find('=');
    if (equals == std::string_view::npos) return;
    auto name = trim(pair.substr(0, equals));
    auto value = trim(pair.substr(equals + 1));
    if (!is_token(name) || !is_baggage_value(value)) return;
    std::string_view metadata;
    if (semicolon != std::string_view::npos) {
      metadata = trim(member.substr(semicolon + 1));
      if (!is_valid_properties(metadata)) return;
    }
    entries_.push_back(
        Baggage::Entry{std::string{name}, decode_value(value), std::string{metadata}});
    bytes_ += member.size() + (bytes_ > 0 ? 1 : 0);
    ++members_;
  }

  std::vector<Baggage::Entry> entries_;
  std::size_t members_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace

Baggage parse_baggage(std::string_view header, Baggage base) noexcept {
  try {
    MemberParser parser{base.entries()};
    parser.parse(header);
    if (parser.members() == 0) return base;
    return Baggage::from_entries(std::move(parser).take());
  } catch (...) {
    return base;
  }
}

std::string format_baggage(const Baggage& baggage) {
  std::string header;
  std::string member;
  std::size_t members = 0;
  for (const auto& entry : baggage.entries()) {
    if (members == kMaxBaggageMembers) break;
    if (!is_token(entry.name)) continue;
    member.assign(entry.name);
    member.push_back('=');
    append_encoded(member, entry.value);
    auto metadata = trim(entry.metadata);
    if (!metadata.empty() && is_valid_properties(metadata)) {
      member.push_back(';');
      member.append(metadata);
    }
    if (member.size() > kMaxBaggageMemberSize) continue;
    if (header.size() + member.size() + (header.empty() ? 0 : 1) > kMaxBaggageSize) continue;
    if (!header.empty()) header.push_back(',');
    header.append(member);
    ++members;
  }
  return header;
}

void BaggagePropagator::inject(const Context& context, TextMapCarrier& carrier) const noexcept {
  if (context.baggage().empty()) return;
  try {
    std::string header = format_baggage(context.baggage());
    if (!header.empty()) carrier.set(kBaggageHeader, header);
  } catch (...) {
    // Out of memory: the baggage is not propagated.
  }
}

Context BaggagePropagator::extract(const TextMapCarrier& carrier,
                                   const Context& base) const noexcept {
  try {
    MemberParser parser{{}};
    bool out_of_memory = false;
    carrier.for_each_value(kBaggageHeader, [&](std::string_view header) {
      try {
        parser.parse(header);
      } catch (...) {
        out_of_memory = true;  // the visitor must not throw through the carrier
      }
      return !out_of_memory && parser.members() < kMaxBaggageMembers;
    });
    if (out_of_memory) return base;
    if (parser.members() == 0) return base;
    return base.with_baggage(Baggage::from_entries(std::move(parser).take()));
  } catch (...) {
    return base;
  }
}

std::span<const std::string_view> BaggagePropagator::fields() const noexcept {
  return kFields;
}

}  // namespace kafkatrace::otel
