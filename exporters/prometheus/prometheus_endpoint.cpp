// PrometheusEndpoint and PrometheusExporterOptions::from_environment (see
// kafkatrace/exporters/prometheus.h).
#include <charconv>

#include "kafkatrace/exporters/prometheus.h"
#include "kafkatrace/log.h"
#include "otlp_common/environment.h"
#include "prometheus/http_server.h"

namespace kafkatrace::exporters {
namespace {

constexpr std::string_view kComponent = "prometheus";

bool is_loopback(std::string_view host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.substr(0, 4) == "127.";
}

}  // namespace

struct PrometheusEndpoint::Impl {
  std::shared_ptr<otel::MetricProducer> producer;
  PrometheusExporterOptions options;
  prometheus::HttpServer server;

  prometheus::HttpReply handle(std::string_view path) const {
    if (path != "/metrics") return {404, "text/plain; charset=utf-8", "try /metrics\n"};
    prometheus::HttpReply reply{200, kPrometheusContentType, {}};
    const bool collected = producer->collect([&](const otel::ResourceMetrics& metrics) {
      reply.body = format_prometheus_text(metrics, options);
    });
    if (!collected) return {503, "text/plain; charset=utf-8", "meter provider is shut down\n"};
    return reply;
  }
};

PrometheusExporterOptions PrometheusExporterOptions::from_environment() {
  PrometheusExporterOptions options;
  if (auto host = otlp::env_value("OTEL_EXPORTER_PROMETHEUS_HOST")) options.host = *host;
  if (auto port = otlp::env_value("OTEL_EXPORTER_PROMETHEUS_PORT")) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port->data(), port->data() + port->size(), value);
    if (error == std::errc() && end == port->data() + port->size() && value >= 1 &&
        value <= 65535) {
      options.port = static_cast<std::uint16_t>(value);
    } else {
      log(LogLevel::kWarning, kComponent,
          "OTEL_EXPORTER_PROMETHEUS_PORT: not a port number (1-65535); using 9464");
    }
  }
  return options;
}

std::unique_ptr<PrometheusEndpoint> PrometheusEndpoint::start(
    std::shared_ptr<otel::MetricProducer> producer, PrometheusExporterOptions options) {
  if (producer == nullptr) {
    log(LogLevel::kError, kComponent, "no metric producer; endpoint not started");
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->producer = std::move(producer);
  impl->options = std::move(options);
  Impl* raw = impl.get();
  const std::string error =
      impl->server.start(impl->options.host, impl->options.port,
                         [raw](std::string_view path) { return raw->handle(path); });
  if (!error.empty()) {
    log(LogLevel::kError, kComponent, "endpoint not started: " + error);
    return nullptr;
  }
  if (!is_loopback(impl->options.host)) {
    log(LogLevel::kWarning, kComponent,
        "serving /metrics on " + impl->options.host +
            " (not loopback): anyone who can reach this port can read the metrics");
  }
  return std::unique_ptr<PrometheusEndpoint>(new PrometheusEndpoint(std::move(impl)));
}

PrometheusEndpoint::PrometheusEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PrometheusEndpoint::~PrometheusEndpoint() {
  stop();
}

std::uint16_t PrometheusEndpoint::port() const noexcept {
  return impl_->server.port();
}

std::string PrometheusEndpoint::url() const {
  const bool ipv6 = impl_->options.host.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + impl_->options.host + "]" : impl_->options.host;
  return "http://" + host + ":" + std::to_string(port()) + "/metrics";
}

void PrometheusEndpoint::stop() noexcept {
  impl_->server.stop();
}

}  // namespace kafkatrace::exporters
