#include "kafkatrace/kafka/semconv.h"

#include <cctype>
#include <cstdlib>

namespace kafkatrace::kafka::semconv {
namespace {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

SemconvMode parse_semconv_opt_in(std::string_view value) noexcept {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view entry = trim(value.substr(0, comma));
    if (equals_ignoring_case(entry, "messaging/dup")) return SemconvMode::kDuplicate;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return SemconvMode::kCurrent;
}

SemconvMode semconv_mode_from_environment() noexcept {
  const char* value = std::getenv("OTEL_SEMCONV_STABILITY_OPT_IN");
  return value ? parse_semconv_opt_in(value) : SemconvMode::kCurrent;
}

}  // namespace kafkatrace::kafka::semconv
