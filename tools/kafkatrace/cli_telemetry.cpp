#include "cli_telemetry.h"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <utility>
#include <variant>

#include "kafkatrace/otel/resource.h"

namespace kafkatrace::cli {
namespace {

constexpr std::chrono::milliseconds kShutdownTimeout{5000};

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// The exporter list for one signal: what OTEL_<SIGNAL>_EXPORTER says (if set), else OTLP when an
// endpoint variable is set; plus otlp_file for --*-file and otlp for --otlp-endpoint.
std::string exporter_list(const char* exporter_variable, const char* signal_endpoint_variable,
                          const std::string& file, bool endpoint_flag) {
  std::vector<std::string> names;
  auto add = [&names](std::string_view name) {
    for (const std::string& present : names) {
      if (present == name) return;
    }
    names.emplace_back(name);
  };
  const std::optional<std::string> configured = env(exporter_variable);
  if (configured) {
    std::string_view rest = *configured;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view name = rest.substr(0, comma);
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      std::string lowered(name);
      for (char& c : lowered) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (!lowered.empty() && lowered != "none") add(lowered);
      rest = comma == rest.npos ? std::string_view() : rest.substr(comma + 1);
    }
  } else if (env("OTEL_EXPORTER_OTLP_ENDPOINT") || env(signal_endpoint_variable)) {
    add("otlp");
  }
  if (endpoint_flag) add("otlp");
  if (!file.empty()) add("otlp_file");
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ",") + name;
  return list.empty() ? std::string("none") : list;
}

}  // namespace

bool environment_names_service() {
  const otel::Resource resource = otel::Resource::from_environment();
  const otel::AttributeValue* name = resource.find("service.name");
  const std::string* text = name != nullptr ? std::get_if<std::string>(name) : nullptr;
  // Resource::from_environment's fallback when neither variable names the service.
  return text != nullptr && !text->starts_with("unknown_service:");
}

bool parse_telemetry_flag(ArgReader& reader, TelemetryFlags& flags) {
  std::string* target = nullptr;
  if (reader.is("", "--traces-file")) target = &flags.traces_file;
  if (reader.is("", "--metrics-file")) target = &flags.metrics_file;
  if (reader.is("", "--service-name")) target = &flags.service_name;
  if (reader.is("", "--otlp-endpoint")) target = &flags.otlp_endpoint;
  if (target == nullptr) return false;
  *target = std::string(reader.value());
  if (!reader.failed() && target->empty()) reader.fail(std::string(reader.name()) + " is empty");
  return true;
}

CliTelemetry::CliTelemetry(const TelemetryFlags& flags, CliTelemetryOptions options) {
  // The exporters read their destinations from the environment; the CLI is single-threaded here.
  if (!flags.traces_file.empty()) {
    ::setenv("KAFKATRACE_OTLP_FILE_TRACES_PATH", flags.traces_file.c_str(), 1);
  }
  if (!flags.metrics_file.empty()) {
    ::setenv("KAFKATRACE_OTLP_FILE_METRICS_PATH", flags.metrics_file.c_str(), 1);
  }
  if (!flags.otlp_endpoint.empty()) {
    // The flag wins over every endpoint variable, the per-signal ones included.
    std::string base = flags.otlp_endpoint;
    while (!base.empty() && base.back() == '/') base.pop_back();
    ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", base.c_str(), 1);
    ::setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", (base + "/v1/traces").c_str(), 1);
    ::setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", (base + "/v1/metrics").c_str(), 1);
  }
  const bool endpoint_flag = !flags.otlp_endpoint.empty();

  std::string service_name = flags.service_name;
  if (service_name.empty() && !environment_names_service()) {
    service_name = options.default_service_name;
  }
  std::optional<otel::Resource> resource;
  if (!service_name.empty()) resource = otel::Resource({{"service.name", service_name}});

  otel::SetupOptions tracing;
  tracing.resource = resource;
  tracing.traces_exporter =
      exporter_list("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", flags.traces_file,
                    endpoint_flag);
  tracing.extra_processors = std::move(options.extra_processors);
  tracing.shutdown_timeout = kShutdownTimeout;
  tracing_ = otel::init_tracing_from_environment(std::move(tracing));

  if (options.enable_metrics) {
    otel::MetricsSetupOptions metrics;
    metrics.resource = std::move(resource);
    metrics.metrics_exporter =
        exporter_list("OTEL_METRICS_EXPORTER", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                      flags.metrics_file, endpoint_flag);
    metrics.shutdown_timeout = kShutdownTimeout;
    metrics_ = otel::init_metrics_from_environment(std::move(metrics));
  }
}

CliTelemetry::~CliTelemetry() {
  // Spans first: the metrics' last export then includes the span processors' counters.
  tracing_.shutdown();
  metrics_.shutdown();
}

const std::shared_ptr<otel::TracerProvider>& CliTelemetry::tracer_provider() const noexcept {
  return tracing_.provider();
}

const std::shared_ptr<otel::MeterProvider>& CliTelemetry::meter_provider() const noexcept {
  return metrics_.provider();
}

CliTelemetry::Flushed CliTelemetry::flush() {
  Flushed flushed;
  if (tracing_.provider()) flushed.spans = tracing_.provider()->force_flush(kShutdownTimeout);
  if (metrics_.provider()) flushed.metrics = metrics_.provider()->force_flush(kShutdownTimeout);
  return flushed;
}

}  // namespace kafkatrace::cli
