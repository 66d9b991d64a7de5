#include "kafkatrace/otel/setup.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "kafkatrace/exporters/console.h"
#include "kafkatrace/exporters/otlp_file.h"
#include "kafkatrace/exporters/otlp_http.h"
#include "kafkatrace/log.h"
#include "kafkatrace/otel/propagator.h"
#include "otel_setup/setup_internal.h"
#include "otlp_common/rate_limited_log.h"

namespace kafkatrace::otel {
namespace setup_internal {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string env_or(const char* name, std::string_view fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || trim(value).empty()) return std::string(fallback);
  return std::string(trim(value));
}

std::vector<std::string> exporter_names(std::string_view list) {
  std::vector<std::string> names;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string name = lower(trim(list.substr(0, comma)));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

exporters::OtlpHttpEncoding otlp_encoding_from_environment(std::string_view signal,
                                                           std::string_view endpoint) {
  std::string variable = "OTEL_EXPORTER_OTLP_" + std::string(signal) + "_PROTOCOL";
  std::string protocol = env_or(variable.c_str(), "");
  if (protocol.empty()) {
    variable = "OTEL_EXPORTER_OTLP_PROTOCOL";
    protocol = env_or(variable.c_str(), "http/protobuf");
  }
  protocol = lower(protocol);
  if (protocol == "http/json") return exporters::OtlpHttpEncoding::kJson;
  if (protocol != "http/protobuf") {
    log(LogLevel::kWarning, kComponent,
        variable + "=" + protocol +
            " is not supported (http/protobuf and http/json are); using http/protobuf to " +
            exporters::otlp::redact_url(endpoint));
  }
  return exporters::OtlpHttpEncoding::kProtobuf;
}

}  // namespace setup_internal

namespace {

using namespace setup_internal;

std::unique_ptr<SpanExporter> make_otlp_exporter() {
  auto options = exporters::OtlpHttpExporterOptions::from_environment();
  options.encoding = otlp_encoding_from_environment("TRACES", options.endpoint);
  return exporters::make_otlp_http_exporter(std::move(options));
}

// The exporters named by OTEL_TRACES_EXPORTER (or the override), in order.
std::vector<std::unique_ptr<SpanExporter>> exporters_from(std::string_view names) {
  std::vector<std::unique_ptr<SpanExporter>> result;
  for (const auto& name : exporter_names(names)) {
    if (name == "none") return {};
    if (name == "otlp") {
      result.push_back(make_otlp_exporter());
    } else if (name == "console") {
      result.push_back(exporters::make_console_exporter());
    } else if (name == "otlp_file") {
      result.push_back(exporters::make_otlp_file_exporter());
    } else {
      log(LogLevel::kWarning, kComponent,
          "OTEL_TRACES_EXPORTER: unsupported exporter '" + name +
              "' skipped (supported: otlp, console, otlp_file, none)");
    }
  }
  return result;
}

}  // namespace

TracingHandle& TracingHandle::operator=(TracingHandle&& other) noexcept {
  if (this != &other) {
    shutdown();
    provider_ = std::move(other.provider_);
    shutdown_timeout_ = other.shutdown_timeout_;
  }
  return *this;
}

bool TracingHandle::shutdown() noexcept {
  if (provider_ == nullptr) return true;
  const bool done = flush_then_shutdown(*provider_, shutdown_timeout_);
  try {
    if (global_tracer_provider() == provider_)
      set_global_tracer_provider(make_noop_tracer_provider());
  } catch (...) {
  }
  provider_.reset();
  return done;
}

TracingHandle init_tracing_from_environment(SetupOptions overrides) {
  TracerProviderOptions options;
  Resource resource = Resource::from_environment();
  if (overrides.resource) resource = resource.merge(*overrides.resource);
  options.resource = std::move(resource);
  options.sampler = overrides.sampler ? std::move(overrides.sampler) : sampler_from_environment();

  std::vector<std::unique_ptr<SpanExporter>> exporters;
  if (overrides.exporter) {
    exporters.push_back(std::move(overrides.exporter));
  } else {
    exporters = exporters_from(overrides.traces_exporter ? *overrides.traces_exporter
                                                         : env_or("OTEL_TRACES_EXPORTER", "otlp"));
  }
  const BatchOptions batch = overrides.batch ? *overrides.batch : BatchOptions::from_environment();
  for (auto& exporter : exporters) {
    options.processors.push_back(make_batch_processor(std::move(exporter), batch));
  }
  for (auto& processor : overrides.extra_processors) {
    if (processor) options.processors.push_back(std::move(processor));
  }

  auto provider = make_tracer_provider(std::move(options));
  if (overrides.set_global_tracer_provider) set_global_tracer_provider(provider);
  if (overrides.set_global_propagator) {
    set_global_propagator(std::shared_ptr<const TextMapPropagator>(propagator_from_environment()));
  }
  return TracingHandle(std::move(provider), overrides.shutdown_timeout);
}

}  // namespace kafkatrace::otel
