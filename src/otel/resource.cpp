// Resource: the SDK default resource from the environment, merge and lookup.
#include "kafkatrace/otel/resource.h"

#include <errno.h>  // program_invocation_short_name (glibc)
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

#include "kafkatrace/log.h"

#ifndef KAFKATRACE_VERSION
#define KAFKATRACE_VERSION "0.1.0"
#endif

namespace kafkatrace::otel {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>((high << 4) | low));
    i += 2;
  }
  return out;
}

void set(Attributes& attributes, std::string_view key, AttributeValue value) {
  for (auto& kv : attributes) {
    if (kv.key == key) {
      kv.value = std::move(value);
      return;
    }
  }
  attributes.push_back({std::string(key), std::move(value)});
}

// OTEL_RESOURCE_ATTRIBUTES: "key1=value1,key2=value2", values percent-encoded.
Attributes attributes_from_environment() {
  Attributes attributes;
  const char* text = std::getenv("OTEL_RESOURCE_ATTRIBUTES");
  if (text == nullptr) return attributes;
  std::string_view rest(text);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (trim(entry).empty()) continue;
    const auto equals = entry.find('=');
    const std::string_view key = trim(entry.substr(0, equals));
    std::optional<std::string> value;
    if (equals != std::string_view::npos && !key.empty()) {
      value = percent_decode(trim(entry.substr(equals + 1)));
    }
    if (!value) {
      log(LogLevel::kWarning, "resource",
          "skipping malformed OTEL_RESOURCE_ATTRIBUTES entry '" + std::string(entry) + "'");
      continue;
    }
    set(attributes, key, std::move(*value));
  }
  return attributes;
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return {};
  return buffer;
}

}  // namespace

Resource::Resource(Attributes attributes, std::string schema_url)
    : attributes_(std::move(attributes)), schema_url_(std::move(schema_url)) {}

Resource Resource::from_environment() {
  const std::string executable =
      program_invocation_short_name != nullptr ? program_invocation_short_name : "";
  Attributes attributes;
  set(attributes, "telemetry.sdk.name", std::string("kafkatrace"));
  set(attributes, "telemetry.sdk.language", std::string("cpp"));
  set(attributes, "telemetry.sdk.version", std::string(KAFKATRACE_VERSION));
  set(attributes, "service.name", "unknown_service:" + executable);
  set(attributes, "process.pid", std::int64_t{getpid()});
  if (!executable.empty()) set(attributes, "process.executable.name", executable);
  if (auto host = host_name(); !host.empty()) set(attributes, "host.name", std::move(host));
  for (auto& kv : attributes_from_environment()) set(attributes, kv.key, std::move(kv.value));
  if (const char* service = std::getenv("OTEL_SERVICE_NAME"); service != nullptr && *service) {
    set(attributes, "service.name", std::string(service));
  }
  return Resource(std::move(attributes));
}

Resource Resource::merge(const Resource& other) const {
  Attributes merged = attributes_;
  for (const auto& kv : other.attributes_) set(merged, kv.key, kv.value);
  return Resource(std::move(merged), other.schema_url_.empty() ? schema_url_ : other.schema_url_);
}

const AttributeValue* Resource::find(std::string_view key) const noexcept {
  for (const auto& kv : attributes_) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

}  // namespace kafkatrace::otel
