// init_metrics_from_environment and MetricsHandle (see kafkatrace/otel/setup.h).
#include "kafkatrace/exporters/console.h"
#include "kafkatrace/exporters/otlp_file.h"
#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/exporters/prometheus.h"
#include "kafkatrace/log.h"
#include "kafkatrace/otel/setup.h"
#include "otel_setup/setup_internal.h"

namespace kafkatrace::otel {

struct MetricsHandle::Parts {
  std::unique_ptr<exporters::PrometheusEndpoint> prometheus;
};

namespace {

using namespace setup_internal;

std::unique_ptr<MetricExporter> make_otlp_metric_exporter() {
  auto options = exporters::OtlpHttpMetricExporterOptions::from_environment();
  options.http.encoding = otlp_encoding_from_environment("METRICS", options.http.endpoint);
  return exporters::make_otlp_http_metric_exporter(std::move(options));
}

struct Selection {
  std::vector<std::unique_ptr<MetricExporter>> push;
  bool prometheus = false;
};

Selection exporters_from(std::string_view names) {
  Selection selection;
  for (const auto& name : exporter_names(names)) {
    if (name == "none") return {};
    if (name == "otlp") {
      selection.push.push_back(make_otlp_metric_exporter());
    } else if (name == "prometheus") {
      selection.prometheus = true;
    } else if (name == "console") {
      selection.push.push_back(exporters::make_console_metric_exporter());
    } else if (name == "otlp_file") {
      selection.push.push_back(exporters::make_otlp_file_metric_exporter());
    } else {
      log(LogLevel::kWarning, kComponent,
          "OTEL_METRICS_EXPORTER: unsupported exporter '" + name +
              "' skipped (supported: otlp, prometheus, console, otlp_file, none)");
    }
  }
  return selection;
}

}  // namespace

MetricsHandle::MetricsHandle() noexcept = default;
MetricsHandle::MetricsHandle(std::shared_ptr<MeterProvider> provider, std::unique_ptr<Parts> parts,
                             std::chrono::milliseconds shutdown_timeout) noexcept
    : provider_(std::move(provider)),
      parts_(std::move(parts)),
      shutdown_timeout_(shutdown_timeout) {}
MetricsHandle::~MetricsHandle() {
  shutdown();
}
MetricsHandle::MetricsHandle(MetricsHandle&& other) noexcept = default;

MetricsHandle& MetricsHandle::operator=(MetricsHandle&& other) noexcept {
  if (this != &other) {
    shutdown();
    provider_ = std::move(other.provider_);
    parts_ = std::move(other.parts_);
    shutdown_timeout_ = other.shutdown_timeout_;
  }
  return *this;
}

std::string MetricsHandle::prometheus_url() const {
  return parts_ != nullptr && parts_->prometheus != nullptr ? parts_->prometheus->url()
                                                            : std::string();
}

bool MetricsHandle::shutdown() noexcept {
  if (parts_ != nullptr) parts_->prometheus.reset();  // no scrape during or after shutdown
  if (provider_ == nullptr) return true;
  const bool done = flush_then_shutdown(*provider_, shutdown_timeout_);
  try {
    if (global_meter_provider() == provider_) set_global_meter_provider(make_noop_meter_provider());
  } catch (...) {
  }
  provider_.reset();
  return done;
}

MetricsHandle init_metrics_from_environment(MetricsSetupOptions overrides) {
  MeterProviderOptions options;
  Resource resource = Resource::from_environment();
  if (overrides.resource) resource = resource.merge(*overrides.resource);
  options.resource = std::move(resource);

  Selection selection;
  if (overrides.exporter) {
    selection.push.push_back(std::move(overrides.exporter));
  } else {
    selection =
        exporters_from(overrides.metrics_exporter ? *overrides.metrics_exporter
                                                  : env_or("OTEL_METRICS_EXPORTER", "otlp"));
  }
  const PeriodicReaderOptions reader =
      overrides.reader ? *overrides.reader : PeriodicReaderOptions::from_environment();
  for (auto& exporter : selection.push) {
    options.readers.push_back(make_periodic_reader(std::move(exporter), reader));
  }

  auto provider = make_meter_provider(std::move(options));
  auto parts = std::make_unique<MetricsHandle::Parts>();
  if (selection.prometheus) {
    if (auto producer = provider->producer()) {
      parts->prometheus = exporters::PrometheusEndpoint::start(std::move(producer));
    }
  }
  if (overrides.set_global_meter_provider) set_global_meter_provider(provider);
  return MetricsHandle(std::move(provider), std::move(parts), overrides.shutdown_timeout);
}

}  // namespace kafkatrace::otel
