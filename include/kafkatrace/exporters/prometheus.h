// Prometheus exporter: serves the metrics of a MeterProvider in the Prometheus text exposition
// format (version 0.0.4) at http://HOST:PORT/metrics, collecting afresh on every scrape.
//
//   auto endpoint = kafkatrace::exporters::PrometheusEndpoint::start(meter_provider->producer());
//   if (endpoint == nullptr) ...;  // could not bind (logged); metrics are still recorded
//   // scrape_configs: - targets: ["127.0.0.1:9464"]
//
// Security: listens on 127.0.0.1 by default, so only local processes can scrape. Set
// OTEL_EXPORTER_PROMETHEUS_HOST (or `host`) to 0.0.0.0 / :: / an interface address to expose it
// to the network — there is no authentication or TLS.
//
// Names follow the OpenTelemetry→Prometheus compatibility specification: invalid characters
// become '_', the unit becomes a suffix ("s" → _seconds, "By" → _bytes, "1" → _ratio,
// "{message}" dropped), monotonic cumulative sums are counters ending in _total, non-monotonic
// sums and gauges are gauges, histograms give _bucket{le=...} / _sum / _count. Every point
// carries otel_scope_name / otel_scope_version labels; the resource becomes one
// target_info{...} 1 gauge. Attribute keys are sanitised the same way; keys that collide after
// sanitising have their values joined with ';' in key order. HELP is the description (the
// original metric name when there is none, so promtool's lint stays quiet). Delta sums and
// histograms cannot be exposed and are dropped with a rate-limited warning, as are metrics whose
// name clashes with an earlier metric of another type. No timestamps are written (Prometheus
// uses the scrape time); no _created series.
//
// Threading: one server thread accepts connections and answers them one at a time (scrapes call
// MetricProducer::collect on that thread). start/stop/destruction from any one thread; stop
// interrupts a request in progress. Requests are limited to 8 KiB of headers and 5 s per read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kafkatrace/otel/metric_data.h"
#include "kafkatrace/otel/metric_exporter.h"

namespace kafkatrace::exporters {

struct PrometheusExporterOptions {
  static constexpr const char* kDefaultHost = "127.0.0.1";
  static constexpr std::uint16_t kDefaultPort = 9464;

  std::string host = kDefaultHost;    // numeric address or host name; "::" for all IPv6+IPv4
  std::uint16_t port = kDefaultPort;  // 0 picks a free port (see PrometheusEndpoint::port)
  bool scope_labels = true;           // otel_scope_name / otel_scope_version on every point
  bool target_info = true;            // the target_info metric from the resource

  // host from OTEL_EXPORTER_PROMETHEUS_HOST, port from OTEL_EXPORTER_PROMETHEUS_PORT (1–65535;
  // anything else is ignored with a warning).
  static PrometheusExporterOptions from_environment();
};

// The exposition text for one collection (what GET /metrics returns). Cumulative data only.
std::string format_prometheus_text(const otel::ResourceMetrics& metrics,
                                   const PrometheusExporterOptions& options = {});

// Content-Type of the exposition.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

class PrometheusEndpoint {
 public:
  // Binds host:port and starts the server thread. Null (with an error logged, component
  // "prometheus") if the address cannot be resolved or bound, or `producer` is null.
  static std::unique_ptr<PrometheusEndpoint> start(
      std::shared_ptr<otel::MetricProducer> producer,
      PrometheusExporterOptions options = PrometheusExporterOptions::from_environment());

  ~PrometheusEndpoint();  // stop()
  PrometheusEndpoint(const PrometheusEndpoint&) = delete;
  PrometheusEndpoint& operator=(const PrometheusEndpoint&) = delete;

  std::uint16_t port() const noexcept;  // the bound port
  std::string url() const;              // http://host:port/metrics
  // Stops serving and closes the socket; idempotent. Blocks until the server thread exits.
  void stop() noexcept;

  struct Impl;

 private:
  explicit PrometheusEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kafkatrace::exporters
