// OtlpHttp{,Metric}ExporterOptions::from_environment and the User-Agent.
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

// The first set of OTEL_EXPORTER_OTLP_<signal>_<setting> and OTEL_EXPORTER_OTLP_<setting>.
std::optional<std::pair<std::string, std::string>> signal_or_generic(std::string_view signal,
                                                                     std::string_view setting) {
  const std::string specific =
      "OTEL_EXPORTER_OTLP_" + std::string(signal) + "_" + std::string(setting);
  const std::string generic = "OTEL_EXPORTER_OTLP_" + std::string(setting);
  return otlp::first_env_value({specific.c_str(), generic.c_str()});
}

// Applies the OTLP exporter variables for one signal ("TRACES", "METRICS"); `path` is appended
// to OTEL_EXPORTER_OTLP_ENDPOINT ("/v1/traces").
void apply_environment(OtlpHttpExporterOptions& options, std::string_view signal,
                       std::string_view path) {
  const std::string endpoint_variable = "OTEL_EXPORTER_OTLP_" + std::string(signal) + "_ENDPOINT";
  if (auto endpoint = otlp::env_value(endpoint_variable.c_str())) {
    options.endpoint = std::move(*endpoint);
  } else if (auto base = otlp::env_value("OTEL_EXPORTER_OTLP_ENDPOINT")) {
    if (base->back() == '/') base->pop_back();
    options.endpoint = *base + std::string(path);
  }

  if (auto headers = signal_or_generic(signal, "HEADERS")) {
    int skipped = 0;
    options.headers = otlp::parse_key_value_list(headers->second, &skipped);
    if (skipped > 0) {
      warn(headers->first,
           std::to_string(skipped) + " malformed entries skipped (expected key=value)");
    }
  }

  if (auto timeout = signal_or_generic(signal, "TIMEOUT")) {
    if (auto parsed = otlp::parse_milliseconds(timeout->second)) {
      options.timeout = *parsed;
    } else {
      warn(timeout->first, "not a positive number of milliseconds; using 10000");
    }
  }

  if (auto compression = signal_or_generic(signal, "COMPRESSION")) {
    if (otlp::iequals(compression->second, "gzip")) {
      options.compression = OtlpCompression::kGzip;
    } else if (!otlp::iequals(compression->second, "none")) {
      warn(compression->first, "unsupported compression (use gzip or none); using none");
    }
  }
}

}  // namespace

std::string otlp_http_user_agent() {
  return std::string("OTel-OTLP-Exporter-Cpp/") + KAFKATRACE_VERSION " kafkatrace/" +
         KAFKATRACE_VERSION;
}

OtlpHttpExporterOptions OtlpHttpExporterOptions::from_environment() {
  OtlpHttpExporterOptions options;
  apply_environment(options, "TRACES", "/v1/traces");
  return options;
}

OtlpHttpMetricExporterOptions OtlpHttpMetricExporterOptions::from_environment() {
  OtlpHttpMetricExporterOptions options;
  apply_environment(options.http, "METRICS", "/v1/metrics");
  options.temporality = otlp_temporality_preference_from_environment();
  return options;
}

}  // namespace kafkatrace::exporters
