// otlp_trace_emitter: creates a fixed, rich set of spans through kafkatrace's public SDK API,
// exports them with our real exporters, and writes a manifest of what it asked for — the
// expectation that the conformance checkers compare a peer's view with, field by field.
//
//   otlp_trace_emitter --manifest m.json --otlp-http http://127.0.0.1:4318/v1/traces --gzip
//   otlp_trace_emitter --manifest m.json --otlp-file spans.jsonl --protobuf-out request.pb
//
// Modes (any combination; each adds an exporter behind its own simple processor):
//   --otlp-http URL [--gzip] [--json] [--batch]  make_otlp_http_exporter (protobuf unless --json;
//                                 --batch puts it behind a batch processor: one grouped request)
//   --otlp-file PATH              make_otlp_file_exporter (one JSON line per span)
//   --protobuf-out PATH           all spans as ONE ExportTraceServiceRequest, binary protobuf,
//   --json-out PATH               or OTLP/JSON, via the public encoding API (otlp_encoding.h)
// Exits 0 when every exporter reported success for every span, 1 otherwise, 2 on bad usage.
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conformance_manifest.h"
#include "conformance_scenario.h"
#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/exporters/otlp_file.h"
#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/otel/processor.h"
#include "kafkatrace/otel/sampler.h"
#include "kafkatrace/otel/tracer.h"

namespace {

namespace otel = kafkatrace::otel;
namespace exporters = kafkatrace::exporters;

struct Arguments {
  std::string manifest;
  std::string http_endpoint;
  bool gzip = false;
  bool json = false;
  bool batch = false;
  std::string file;
  std::string protobuf_out;
  std::string json_out;
};

bool parse_arguments(int argc, char** argv, Arguments& args) {
  const std::map<std::string, std::string*> valued = {{"--manifest", &args.manifest},
                                                      {"--otlp-http", &args.http_endpoint},
                                                      {"--otlp-file", &args.file},
                                                      {"--protobuf-out", &args.protobuf_out},
                                                      {"--json-out", &args.json_out}};
  const std::map<std::string, bool*> flags = {
      {"--gzip", &args.gzip}, {"--json", &args.json}, {"--batch", &args.batch}};
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (auto flag = flags.find(name); flag != flags.end()) {
      *flag->second = true;
    } else if (auto option = valued.find(name); option != valued.end() && i + 1 < argc) {
      *option->second = argv[++i];
    } else {
      std::cerr << "otlp_trace_emitter: unknown or incomplete argument: " << name << "\n";
      return false;
    }
  }
  if (args.manifest.empty()) std::cerr << "otlp_trace_emitter: --manifest PATH is required\n";
  return !args.manifest.empty();
}

bool write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) std::cerr << "otlp_trace_emitter: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  if (!parse_arguments(argc, argv, args)) return 2;

  otel::TracerProviderOptions options;
  options.resource = kafkatrace::interop::scenario_resource();
  options.sampler = otel::make_always_on_sampler();
  options.limits = kafkatrace::interop::scenario_limits();
  if (!args.http_endpoint.empty()) {
    exporters::OtlpHttpExporterOptions http;
    http.endpoint = args.http_endpoint;
    http.compression =
        args.gzip ? exporters::OtlpCompression::kGzip : exporters::OtlpCompression::kNone;
    http.encoding =
        args.json ? exporters::OtlpHttpEncoding::kJson : exporters::OtlpHttpEncoding::kProtobuf;
    http.retry.max_attempts = 1;  // a conformance failure should show, not be retried away
    auto exporter = exporters::make_otlp_http_exporter(std::move(http));
    options.processors.push_back(
        args.batch ? otel::make_batch_processor(std::move(exporter),
                                                {.max_queue_size = 2048,
                                                 .schedule_delay = std::chrono::hours(1),
                                                 .max_export_batch_size = 2048,
                                                 .export_timeout = std::chrono::seconds(30)})
                   : otel::make_simple_processor(std::move(exporter)));
  }
  if (!args.file.empty()) {
    options.processors.push_back(
        otel::make_simple_processor(exporters::make_otlp_file_exporter({.path = args.file})));
  }
  auto memory = std::make_unique<exporters::InMemorySpanExporter>();
  auto store = memory->store();
  options.processors.push_back(otel::make_simple_processor(std::move(memory)));

  const std::size_t processor_count = options.processors.size();
  auto provider = otel::make_tracer_provider(std::move(options));
  auto [manifest, problem] = kafkatrace::interop::run_scenario(*provider);
  const bool flushed = provider->shutdown(std::chrono::seconds(20));
  const otel::TracerStats stats = provider->stats();
  // What an OTLP/HTTP receiver sees: one request per span (simple processor), or one (--batch).
  manifest.expected_requests = args.batch ? 1 : manifest.spans.size();
  if (!write_file(args.manifest, kafkatrace::interop::manifest_to_json(manifest))) return 1;

  std::vector<std::unique_ptr<otel::SpanData>> spans;
  for (auto& span : store->spans()) spans.push_back(std::make_unique<otel::SpanData>(span));
  if (!args.protobuf_out.empty() &&
      !write_file(args.protobuf_out, exporters::encode_otlp_trace_protobuf(spans))) {
    return 1;
  }
  if (!args.json_out.empty() &&
      !write_file(args.json_out, exporters::encode_otlp_trace_json(spans) + "\n")) {
    return 1;
  }

  std::cerr << "otlp_trace_emitter: " << manifest.spans.size() << " spans, ended "
            << stats.spans_ended << ", exported " << stats.spans_exported << " (all exporters), "
            << stats.export_failures << " failed exports, " << stats.spans_dropped << " dropped\n";
  if (!problem.empty()) std::cerr << "otlp_trace_emitter: scenario problem: " << problem << "\n";
  const bool ok = problem.empty() && flushed && stats.export_failures == 0 &&
                  stats.spans_export_failed == 0 && stats.spans_dropped == 0 &&
                  spans.size() == manifest.spans.size() &&
                  stats.spans_ended == manifest.spans.size() &&
                  stats.spans_exported == manifest.spans.size() * processor_count;
  return ok ? 0 : 1;
}
