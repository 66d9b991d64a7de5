// One-call tracing set-up from the standard OTEL_* environment variables: resource, sampler,
// batch processor, exporter, global tracer provider and global propagator.
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

#include "kafkatrace/otel/exporter.h"
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

}  // namespace kafkatrace::otel
