// Telemetry flags shared by every sub-command, and the tracing + metrics set-up they select.
//
//   TelemetryFlags flags;
//   while (reader.next()) { if (parse_telemetry_flag(reader, flags)) continue; ... }
//   CliTelemetry telemetry(flags, {});  // keep alive for the command; flushes when destroyed
//
// Where telemetry goes:
//   --traces-file PATH / --metrics-file PATH  OTLP/JSON lines (one export request per line).
//   --otlp-endpoint URL                       OTLP/HTTP base URL (e.g. http://127.0.0.1:4318);
//                                             spans to URL/v1/traces, metrics to URL/v1/metrics.
//   OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER when set: those exporters as well.
// When neither the flags nor the variables name a destination (no OTEL_*_EXPORTER and no
// OTEL_EXPORTER_OTLP_*ENDPOINT), the CLI exports nothing rather than retrying a collector that
// is not there. --service-name NAME sets service.name (over OTEL_SERVICE_NAME).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli_args.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/setup.h"

namespace kafkatrace::cli {

struct TelemetryFlags {
  std::string traces_file{};
  std::string metrics_file{};
  std::string service_name{};
  std::string otlp_endpoint{};
};

// The lines for a command's --help.
inline constexpr std::string_view kTelemetryHelp =
    "  --traces-file PATH    append spans as OTLP/JSON lines to PATH\n"
    "  --metrics-file PATH   append metrics as OTLP/JSON lines to PATH\n"
    "  --otlp-endpoint URL   also send spans and metrics over OTLP/HTTP to URL\n"
    "                        (e.g. http://127.0.0.1:4318)\n"
    "  --service-name NAME   service.name of the telemetry (default: OTEL_SERVICE_NAME or\n"
    "                        service.name in OTEL_RESOURCE_ATTRIBUTES, else kafkatrace;\n"
    "                        kafkatrace-demo for demo)\n";

// True when OTEL_SERVICE_NAME or a service.name in OTEL_RESOURCE_ATTRIBUTES names the service
// (the user's choice, kept over a command's default service name).
bool environment_names_service();

// If the reader's current flag is one of the above, reads its value into `flags` and returns
// true; otherwise returns false and reads nothing.
bool parse_telemetry_flag(ArgReader& reader, TelemetryFlags& flags);

struct CliTelemetryOptions {
  // Added to the tracer provider, e.g. a simple processor over an in-memory exporter.
  std::vector<std::unique_ptr<otel::SpanProcessor>> extra_processors{};
  // Default service.name when neither --service-name nor OTEL_SERVICE_NAME is given.
  std::string default_service_name = "kafkatrace";
  bool enable_metrics = true;
};

// Sets up the global tracer and meter providers (and the propagator) for the command's lifetime.
// Main thread only, before any client is created. Destruction flushes and shuts down (bounded by
// a few seconds).
class CliTelemetry {
 public:
  CliTelemetry(const TelemetryFlags& flags, CliTelemetryOptions options);
  ~CliTelemetry();
  CliTelemetry(const CliTelemetry&) = delete;
  CliTelemetry& operator=(const CliTelemetry&) = delete;

  const std::shared_ptr<otel::TracerProvider>& tracer_provider() const noexcept;
  const std::shared_ptr<otel::MeterProvider>& meter_provider() const noexcept;
  // Flushes spans and metrics now (e.g. before printing a summary). Each is true when its
  // pending data was exported in time (a metrics backend may refuse what a trace backend
  // accepts: Jaeger takes OTLP traces only).
  struct Flushed {
    bool spans = true;
    bool metrics = true;
  };
  Flushed flush();

 private:
  otel::TracingHandle tracing_;
  otel::MetricsHandle metrics_;
};

}  // namespace kafkatrace::cli
