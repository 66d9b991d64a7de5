// What every example shares, kept out of them so that each reads as the story it tells: the
// command line (bootstrap address), telemetry defaults that make a bare run print its spans, and
// "wait until the records this run sent have been consumed". Not part of the library.
//
//   auto args = examples::parse_args(argc, argv, "basic_producer");   // exits 2 on bad usage
//   auto tracing = kafkatrace::otel::init_tracing_from_environment(examples::tracing_defaults(
//       "example-producer"));
//   examples::Expected expected;  expected.add(result);  ...  if (expected.see(message)) ...
//
// Threading: parse_args and the *_defaults functions run on the main thread at start-up.
// Expected is used by one thread at a time (the consumer's). Watchdog's stop callback runs on
// its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>

#include "kafkatrace/kafka/consumed_message.h"
#include "kafkatrace/kafka/record.h"
#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/setup.h"

namespace examples {

struct Args {
  std::string bootstrap;
  bool serve = false;  // --serve: keep running until Ctrl-C (the metrics example's endpoint)
};

// `example BOOTSTRAP`, `example -b BOOTSTRAP` or `example --bootstrap BOOTSTRAP`, plus --serve.
inline Args parse_args(int argc, char** argv, std::string_view name) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "-b" || arg == "--bootstrap") && i + 1 < argc) {
      args.bootstrap = argv[++i];
    } else if (arg == "--serve") {
      args.serve = true;
    } else if (!arg.starts_with("-") && args.bootstrap.empty()) {
      args.bootstrap = arg;
    } else {
      args.bootstrap.clear();
      break;
    }
  }
  if (args.bootstrap.empty()) {
    std::fprintf(stderr,
                 "usage: %.*s BOOTSTRAP_SERVERS   (or -b BOOTSTRAP_SERVERS)\n"
                 "  e.g. start a broker with `kafkatrace broker` and pass the line it prints\n",
                 static_cast<int>(name.size()), name.data());
    std::exit(2);
  }
  return args;
}

inline bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

// service.name for the example unless OTEL_SERVICE_NAME says otherwise.
inline std::optional<kafkatrace::otel::Resource> service_resource(std::string_view service) {
  const char* resource = std::getenv("OTEL_RESOURCE_ATTRIBUTES");
  if (env_set("OTEL_SERVICE_NAME") || (resource && std::strstr(resource, "service.name=")))
    return std::nullopt;
  return kafkatrace::otel::Resource({{"service.name", std::string(service)}});
}

// The environment decides (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, ...); when no
// exporter is named, spans are printed to stdout instead of going to an OTLP collector on
// localhost:4318 that may not be running.
inline kafkatrace::otel::SetupOptions tracing_defaults(std::string_view service) {
  kafkatrace::otel::SetupOptions options;
  options.resource = service_resource(service);
  if (!env_set("OTEL_TRACES_EXPORTER")) options.traces_exporter = "console";
  return options;
}

// The same for metrics: printed to stdout unless OTEL_METRICS_EXPORTER names exporters.
inline kafkatrace::otel::MetricsSetupOptions metrics_defaults(std::string_view service) {
  kafkatrace::otel::MetricsSetupOptions options;
  options.resource = service_resource(service);
  if (!env_set("OTEL_METRICS_EXPORTER")) options.metrics_exporter = "console";
  return options;
}

// The records this run sent, by partition and offset: a consumer that starts from the earliest
// offset may also see older records (earlier runs against the same broker); it is done when it
// has seen every one of ours.
class Expected {
 public:
  void add(const kafkatrace::kafka::DeliveryResult& result) {
    if (result.ok()) pending_.emplace(result.topic, result.partition, result.offset);
  }
  // True if `message` is one of ours (and notes it as seen).
  bool see(const kafkatrace::kafka::ConsumedMessage& message) {
    return pending_.erase({std::string(message.topic()), message.partition(), message.offset()}) >
           0;
  }
  bool done() const noexcept { return pending_.empty(); }
  std::size_t remaining() const noexcept { return pending_.size(); }

 private:
  std::set<std::tuple<std::string, std::int32_t, std::int64_t>> pending_;
};

// Calls `on_timeout` once if not cancelled (destroyed) within `timeout`: the examples' guard
// against waiting forever for a broker that is not there.
class Watchdog {
 public:
  Watchdog(std::chrono::seconds timeout, std::function<void()> on_timeout)
      : thread_([this, timeout, on_timeout = std::move(on_timeout)] {
          std::unique_lock lock(mutex_);
          if (!cancelled_.wait_for(lock, timeout, [this] { return cancel_; })) {
            fired_ = true;
            on_timeout();
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      cancel_ = true;
    }
    cancelled_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  bool fired() const {
    std::lock_guard lock(mutex_);
    return fired_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cancelled_;
  bool cancel_ = false;
  bool fired_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace examples
