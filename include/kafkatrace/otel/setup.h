// One-call set-up from the standard OTEL_* environment variables. Tracing: resource, sampler,
// batch processor, exporter, global tracer provider and global propagator. Metrics (below):
// meter provider, periodic reader(s) or the Prometheus endpoint, global meter provider.
//
//   int main() {
//     auto tracing = kafkatrace::otel::init_tracing_from_environment();  // keep it alive
//     ...  // spans go to OTLP/HTTP localhost:4318 unless the environment says otherwise
//   }  // ~TracingHandle flushes and shuts down
//
// Variables read (besides the resource's, sampler's, OTEL_BSP_* and OTEL_SDK_DISABLED):
//   OTEL_TRACES_EXPORTER  comma list of: otlp (default), console (stdout), otlp_file (OTLP/JSON
//                         lines, path from KAFKATRACE_OTLP_FILE_TRACES_PATH), none. Each one
//                         gets its own batch processor. Unknown names (zipkin, jaeger, ...) are
//                         skipped with a warning.
//   OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf
//                         (default) or http/json. grpc is not supported: a warning is logged
//                         and http/protobuf is used, to the same endpoint (so point the endpoint
//                         at the collector's HTTP port, 4318).
//   OTEL_EXPORTER_OTLP_* as in kafkatrace/exporters/otlp_http.h; OTEL_PROPAGATORS.
//
// Threading: call from one thread at start-up (it sets process-wide state). The handle's
// destructor may block for up to `shutdown_timeout` while the last spans are exported.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafkatrace/otel/exporter.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/periodic_reader.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::otel {

// Every member is optional: unset means "as the environment says".
struct SetupOptions {
  // Merged over Resource::from_environment() (these attributes win).
  std::optional<Resource> resource{};
  std::unique_ptr<Sampler> sampler{};
  // Replaces the exporter(s) named by OTEL_TRACES_EXPORTER.
  std::unique_ptr<SpanExporter> exporter{};
  // Replaces OTEL_TRACES_EXPORTER's value, e.g. "console".
  std::optional<std::string> traces_exporter{};
  std::optional<BatchOptions> batch{};
  // Added after the exporters' batch processors, e.g. a simple processor over an in-memory
  // exporter that a tool reads back.
  std::vector<std::unique_ptr<SpanProcessor>> extra_processors{};
  bool set_global_tracer_provider = true;
  bool set_global_propagator = true;
  std::chrono::milliseconds shutdown_timeout{10000};
};

// Owns the provider created by init_tracing_from_environment. Destroying it (or calling
// shutdown) flushes and shuts the provider down and, if the global provider is still this one,
// puts a no-op provider in its place. Movable, not copyable.
class TracingHandle final {
 public:
  TracingHandle() noexcept = default;
  TracingHandle(std::shared_ptr<TracerProvider> provider,
                std::chrono::milliseconds shutdown_timeout) noexcept
      : provider_(std::move(provider)), shutdown_timeout_(shutdown_timeout) {}
  ~TracingHandle() { shutdown(); }
  TracingHandle(TracingHandle&& other) noexcept = default;
  TracingHandle& operator=(TracingHandle&& other) noexcept;
  TracingHandle(const TracingHandle&) = delete;
  TracingHandle& operator=(const TracingHandle&) = delete;

  // Null after shutdown.
  const std::shared_ptr<TracerProvider>& provider() const noexcept { return provider_; }
  // Flushes, then shuts down; true if both finished in time. Idempotent.
  bool shutdown() noexcept;

 private:
  std::shared_ptr<TracerProvider> provider_;
  std::chrono::milliseconds shutdown_timeout_{10000};
};

// Never throws for bad configuration (it logs and falls back as described above); may throw
// std::bad_alloc.
TracingHandle init_tracing_from_environment(SetupOptions overrides = {});

// ---- Metrics ---------------------------------------------------------------------------------
//
//   auto metrics = kafkatrace::otel::init_metrics_from_environment();  // keep it alive
//
// Variables read (besides the resource's, OTEL_SDK_DISABLED, OTEL_METRIC_EXPORT_INTERVAL and
// OTEL_METRIC_EXPORT_TIMEOUT):
//   OTEL_METRICS_EXPORTER comma list of: otlp (default; OTLP/HTTP to /v1/metrics), prometheus
//                         (a pull endpoint, see kafkatrace/exporters/prometheus.h:
//                         OTEL_EXPORTER_PROMETHEUS_HOST, default 127.0.0.1 — loopback only — and
//                         OTEL_EXPORTER_PROMETHEUS_PORT, default 9464), console (stdout),
//                         otlp_file (OTLP/JSON lines, path from KAFKATRACE_OTLP_FILE_METRICS_PATH,
//                         default kafkatrace-metrics.jsonl), none. Each push exporter gets its own
//                         periodic reader. Unknown names are skipped with a warning.
//   OTEL_EXPORTER_OTLP_METRICS_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL (as for traces);
//   OTEL_EXPORTER_OTLP_[METRICS_]{ENDPOINT,HEADERS,TIMEOUT,COMPRESSION} and
//   OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (cumulative|delta|lowmemory), see
//   kafkatrace/exporters/otlp_http.h.
// If the Prometheus port cannot be bound, the error is logged and the other exporters still run.

struct MetricsSetupOptions {
  // Merged over Resource::from_environment() (these attributes win).
  std::optional<Resource> resource{};
  // Replaces the push exporter(s) named by OTEL_METRICS_EXPORTER.
  std::unique_ptr<MetricExporter> exporter{};
  // Replaces OTEL_METRICS_EXPORTER's value, e.g. "prometheus".
  std::optional<std::string> metrics_exporter{};
  std::optional<PeriodicReaderOptions> reader{};
  bool set_global_meter_provider = true;
  std::chrono::milliseconds shutdown_timeout{10000};
};

// Owns the meter provider (and the Prometheus endpoint, if any). Destroying it (or shutdown)
// stops the endpoint, flushes and shuts the provider down (a last export through every periodic
// reader) and, if the global provider is still this one, puts a no-op provider in its place.
class MetricsHandle final {
 public:
  struct Parts;  // defined in metrics_setup.cpp
  MetricsHandle() noexcept;
  MetricsHandle(std::shared_ptr<MeterProvider> provider, std::unique_ptr<Parts> parts,
                std::chrono::milliseconds shutdown_timeout) noexcept;
  ~MetricsHandle();
  MetricsHandle(MetricsHandle&& other) noexcept;
  MetricsHandle& operator=(MetricsHandle&& other) noexcept;
  MetricsHandle(const MetricsHandle&) = delete;
  MetricsHandle& operator=(const MetricsHandle&) = delete;

  // Null after shutdown.
  const std::shared_ptr<MeterProvider>& provider() const noexcept { return provider_; }
  // The Prometheus endpoint's URL (http://host:port/metrics), or "" when none is serving.
  std::string prometheus_url() const;
  // True if flush and shutdown finished in time. Idempotent.
  bool shutdown() noexcept;

 private:
  std::shared_ptr<MeterProvider> provider_;
  std::unique_ptr<Parts> parts_;
  std::chrono::milliseconds shutdown_timeout_{10000};
};

// Never throws for bad configuration (it logs and falls back as described above); may throw
// std::bad_alloc. Threading: call from one thread at start-up.
MetricsHandle init_metrics_from_environment(MetricsSetupOptions overrides = {});

}  // namespace kafkatrace::otel
