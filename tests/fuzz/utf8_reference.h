// UTF-8 as RFC 3629 defines it, for the fuzz targets' oracles: a validity check and the
// replacement the OTLP encoders promise (each byte that does not start a well-formed sequence
// becomes U+FFFD). Written from the RFC's table of well-formed byte sequences, independently
// of the library's own implementation.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kafkatrace::fuzz {

// Length of the well-formed sequence at text[i], 0 if none starts there (RFC 3629 section 4).
inline std::size_t utf8_sequence_at(std::string_view text, std::size_t i) {
  const auto at = [&](std::size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0x100;
  };
  const auto in = [](unsigned byte, unsigned low, unsigned high) {
    return byte >= low && byte <= high;
  };
  const unsigned b0 = at(0);
  if (b0 <= 0x7F) return 1;
  if (in(b0, 0xC2, 0xDF)) return in(at(1), 0x80, 0xBF) ? 2 : 0;
  if (in(b0, 0xE0, 0xEF)) {
    const unsigned low = b0 == 0xE0 ? 0xA0 : 0x80;   // E0 A0..BF
    const unsigned high = b0 == 0xED ? 0x9F : 0xBF;  // ED 80..9F (no surrogates)
    return in(at(1), low, high) && in(at(2), 0x80, 0xBF) ? 3 : 0;
  }
  if (in(b0, 0xF0, 0xF4)) {
    const unsigned low = b0 == 0xF0 ? 0x90 : 0x80;   // F0 90..BF
    const unsigned high = b0 == 0xF4 ? 0x8F : 0xBF;  // F4 80..8F (up to U+10FFFF)
    return in(at(1), low, high) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

inline bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_at(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// `text` with every byte that does not start a well-formed sequence replaced by U+FFFD.
inline std::string replace_invalid_utf8(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_at(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace kafkatrace::fuzz
