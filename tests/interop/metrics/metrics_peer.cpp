// The metrics side of the interop tests: records a fixed scenario (expected_metrics.json)
// through the real metrics SDK and hands it to a peer.
//
//   metrics_peer text                 Prometheus exposition on stdout (for promtool)
//   metrics_peer serve PORT_FILE SEC  serve /metrics on 127.0.0.1:<free port> (written to
//                                     PORT_FILE) until SIGTERM or SEC seconds
//   metrics_peer otlp URL [json|gzip] export once over OTLP/HTTP (periodic reader, flushed)
//   metrics_peer protobuf FILE        ExportMetricsServiceRequest bytes, for the npm decoder
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/exporters/prometheus.h"
#include "kafkatrace/otel/meter_provider.h"
#include "kafkatrace/otel/periodic_reader.h"

namespace {

using namespace kafkatrace;

struct Scenario {
  std::shared_ptr<otel::MeterProvider> provider;
  otel::ObservableInstrument gauge;
};

Scenario record(std::vector<std::unique_ptr<otel::MetricReader>> readers = {}) {
  otel::MeterProviderOptions options;
  options.resource = otel::Resource({{"service.name", std::string("kafkatrace-metrics-interop")}});
  options.readers = std::move(readers);
  Scenario scenario{otel::make_meter_provider(std::move(options)), {}};
  otel::Meter meter = scenario.provider->get_meter("kafkatrace.interop", "1.2.3");
  auto sent = meter.create_counter<std::int64_t>(
      "messaging.client.sent.messages", {.description = "Messages sent", .unit = "{message}"});
  sent.add(3, {{"messaging.system", "kafka"}, {"messaging.destination.name", "orders"}});
  sent.add(4, {{"messaging.destination.name", "orders"}, {"messaging.system", "kafka"}});
  auto duration =
      meter.create_histogram<double>("messaging.client.operation.duration",
                                     {.description = "Duration of send operations",
                                      .unit = "s",
                                      .boundaries = std::vector<double>{0.005, 0.01, 0.1, 1}});
  for (double value : {0.001, 0.007, 0.05, 0.5, 2.0}) {
    duration.record(value, {{"messaging.operation.name", "send"}});
  }
  auto inflight = meter.create_up_down_counter<std::int64_t>(
      "app.inflight", {.description = "Messages in flight", .unit = "{message}"});
  inflight.add(5);
  inflight.add(-2);
  scenario.gauge = meter.create_observable_gauge<double>(
      "app.queue.depth",
      [](otel::ObservableResult& result) {
        result.observe(12.5, {{"queue", "main \"q\""}});
      },
      {.description = "Queue depth \"main\"\\n", .unit = "By"});
  return scenario;
}

std::string collect_with(otel::MetricProducer& producer,
                         const std::function<std::string(const otel::ResourceMetrics&)>& encode) {
  std::string out;
  producer.collect([&](const otel::ResourceMetrics& metrics) { out = encode(metrics); });
  return out;
}

int serve(const std::string& port_file, int seconds) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the server thread starts
  Scenario scenario = record();
  exporters::PrometheusExporterOptions options;
  options.port = 0;
  auto endpoint = exporters::PrometheusEndpoint::start(scenario.provider->producer(), options);
  if (endpoint == nullptr) return 1;
  { std::ofstream(port_file + ".tmp") << endpoint->port() << "\n"; }
  std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  timespec timeout{seconds, 0};
  sigtimedwait(&signals, nullptr, &timeout);
  endpoint->stop();
  return 0;
}

int export_otlp(const std::string& url, const std::string& flavour) {
  exporters::OtlpHttpMetricExporterOptions options;
  options.http.endpoint = url;
  if (flavour == "json") options.http.encoding = exporters::OtlpHttpEncoding::kJson;
  if (flavour == "gzip") options.http.compression = exporters::OtlpCompression::kGzip;
  std::vector<std::unique_ptr<otel::MetricReader>> readers;
  readers.push_back(otel::make_periodic_reader(
      exporters::make_otlp_http_metric_exporter(std::move(options)),
      {.interval = std::chrono::hours(1), .timeout = std::chrono::seconds(10)}));
  Scenario scenario = record(std::move(readers));
  // One request: shutdown exports a last time (a force_flush first would send a second).
  return scenario.provider->shutdown(std::chrono::seconds(15)) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "text") {
    Scenario scenario = record();
    std::cout << collect_with(*scenario.provider->producer(), [](const auto& metrics) {
      return exporters::format_prometheus_text(metrics);
    });
    return 0;
  }
  if (mode == "serve" && argc == 4) return serve(argv[2], std::stoi(argv[3]));
  if (mode == "otlp" && argc >= 3) return export_otlp(argv[2], argc > 3 ? argv[3] : "");
  if (mode == "protobuf" && argc == 3) {
    Scenario scenario = record();
    std::ofstream(argv[2], std::ios::binary)
        << collect_with(*scenario.provider->producer(), [](const auto& metrics) {
             return exporters::encode_otlp_metrics_protobuf(metrics);
           });
    return 0;
  }
  std::cerr << "usage: metrics_peer text | serve PORT_FILE SECONDS | otlp URL [json|gzip] | "
               "protobuf FILE\n";
  return 2;
}
