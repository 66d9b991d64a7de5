// OtlpHttpExporterOptions::from_environment and the User-Agent.
#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/log.h"
#include "otlp_common/environment.h"

namespace kafkatrace::exporters {
namespace {

constexpr std::string_view kComponent = "otlp_http";

void warn(std::string_view variable, std::string_view problem) {
  std::string message(variable);
  message += ": ";
  message += problem;
  log(LogLevel::kWarning, kComponent, message);
}

}  // namespace

std::string otlp_http_user_agent() {
  return std::string("OTel-OTLP-Exporter-Cpp/") + KAFKATRACE_VERSION " kafkatrace/" +
         KAFKATRACE_VERSION;
}

OtlpHttpExporterOptions OtlpHttpExporterOptions::from_environment() {
  OtlpHttpExporterOptions options;
  if (auto endpoint = otlp::env_value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
    options.endpoint = std::move(*endpoint);
  } else if (auto base = otlp::env_value("OTEL_EXPORTER_OTLP_ENDPOINT")) {
    if (base->back() == '/') base->pop_back();
    options.endpoint = *base + "/v1/traces";
  }

  if (auto headers = otlp::first_env_value(
          {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"})) {
    int skipped = 0;
    options.headers = otlp::parse_key_value_list(headers->second, &skipped);
    if (skipped > 0) {
      warn(headers->first,
           std::to_string(skipped) + " malformed entries skipped (expected key=value)");
    }
  }

  if (auto timeout = otlp::first_env_value(
          {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"})) {
    if (auto parsed = otlp::parse_milliseconds(timeout->second)) {
      options.timeout = *parsed;
    } else {
      warn(timeout->first, "not a positive number of milliseconds; using 10000");
    }
  }

  if (auto compression = otlp::first_env_value(
          {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION"})) {
    if (otlp::iequals(compression->second, "gzip")) {
      options.compression = OtlpCompression::kGzip;
    } else if (!otlp::iequals(compression->second, "none")) {
      warn(compression->first, "unsupported compression (use gzip or none); using none");
    }
  }
  return options;
}

}  // namespace kafkatrace::exporters
