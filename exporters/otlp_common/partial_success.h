// Reads the partial_success of an OTLP Export*ServiceResponse (traces, metrics and logs share
// the shape: field 1 = {int64 rejected_<items> = 1; string error_message = 2}).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kafkatrace::exporters::otlp {

struct PartialSuccess {
  std::int64_t rejected = 0;
  std::string error_message;
};

// nullopt when the body holds no partial_success, or is not a valid protobuf message. Unknown
// fields are skipped.
std::optional<PartialSuccess> parse_partial_success(std::string_view response_body) noexcept;

}  // namespace kafkatrace::exporters::otlp
