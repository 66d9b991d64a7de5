// The periodic metric reader: a worker thread that collects and exports every interval.
#include "kafkatrace/otel/periodic_reader.h"

#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "kafkatrace/log.h"

namespace kafkatrace::otel {
namespace {

std::chrono::milliseconds milliseconds_from_env(const char* name,
                                                std::chrono::milliseconds fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  std::string_view value(text);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  long long parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc() || end != value.data() + value.size() || parsed <= 0) {
    log(LogLevel::kWarning, "metrics",
        std::string(name) + "='" + text + "' is not a positive number of milliseconds; using " +
            std::to_string(fallback.count()));
    return fallback;
  }
  return std::chrono::milliseconds(parsed);
}

class PeriodicReader final : public MetricReader {
 public:
  PeriodicReader(std::unique_ptr<MetricExporter> exporter, PeriodicReaderOptions options)
      : exporter_(std::move(exporter)), options_(options) {}
  ~PeriodicReader() override { stop_worker(); }

  AggregationTemporality temporality(InstrumentKind kind) const noexcept override {
    return exporter_ ? exporter_->temporality(kind) : AggregationTemporality::kCumulative;
  }

  void attach(std::shared_ptr<MetricProducer> producer) noexcept override {
    std::lock_guard lock(mutex_);
    if (producer_ || !exporter_) return;
    producer_ = std::move(producer);
    try {
      worker_ = std::thread([this] { run(); });
    } catch (const std::exception& error) {
      log(LogLevel::kError, "metrics",
          std::string("could not start the periodic reader thread: ") + error.what());
    }
  }

  bool force_flush(std::chrono::microseconds timeout) noexcept override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!collect_and_export()) return false;
    return exporter_->force_flush(left_until(deadline));
  }

  bool shutdown(std::chrono::microseconds timeout) noexcept override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    {
      std::lock_guard lock(mutex_);
      if (shut_down_) return true;
      shut_down_ = true;
    }
    stop_worker();
    if (!exporter_) return true;
    const bool exported = collect_and_export();
    return exporter_->shutdown(left_until(deadline)) && exported;
  }

 private:
  static std::chrono::microseconds left_until(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::microseconds{0});
  }

  void run() {
    std::unique_lock lock(mutex_);
    auto next = std::chrono::steady_clock::now() + options_.interval;
    while (!stopping_) {
      if (wake_.wait_until(lock, next, [this] { return stopping_; })) break;
      lock.unlock();
      collect_and_export();
      lock.lock();
      next += options_.interval;
      const auto now = std::chrono::steady_clock::now();
      if (next < now) next = now + options_.interval;  // fell behind: don't burst
    }
  }

  void stop_worker() noexcept {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id()) worker_.join();
  }

  // Serialised: the exporter sees one call at a time.
  bool collect_and_export() noexcept {
    std::lock_guard lock(export_mutex_);
    std::shared_ptr<MetricProducer> producer;
    {
      std::lock_guard state_lock(mutex_);
      producer = producer_;
    }
    if (!producer || !exporter_) return false;
    bool exported = true;
    const bool collected = producer->collect([&](const ResourceMetrics& metrics) {
      if (metrics.scope_metrics.empty()) return;
      const auto start = std::chrono::steady_clock::now();
      exported = exporter_->export_metrics(metrics) == ExportResult::kSuccess;
      const auto took = std::chrono::steady_clock::now() - start;
      if (!exported) log(LogLevel::kWarning, "metrics", "metric export failed");
      if (took > options_.timeout) {
        log(LogLevel::kWarning, "metrics",
            "metric export took longer than OTEL_METRIC_EXPORT_TIMEOUT (" +
                std::to_string(options_.timeout.count()) + " ms)");
      }
    });
    return collected && exported;
  }

  const std::unique_ptr<MetricExporter> exporter_;
  const PeriodicReaderOptions options_;

  std::mutex export_mutex_;
  std::mutex mutex_;  // guards the members below
  std::condition_variable wake_;
  std::shared_ptr<MetricProducer> producer_;
  bool stopping_ = false;
  bool shut_down_ = false;
  std::thread worker_;
};

}  // namespace

PeriodicReaderOptions PeriodicReaderOptions::from_environment() {
  PeriodicReaderOptions options;
  options.interval = milliseconds_from_env("OTEL_METRIC_EXPORT_INTERVAL", options.interval);
  options.timeout = milliseconds_from_env("OTEL_METRIC_EXPORT_TIMEOUT", options.timeout);
  return options;
}

std::unique_ptr<MetricReader> make_periodic_reader(std::unique_ptr<MetricExporter> exporter,
                                                   PeriodicReaderOptions options) {
  if (options.interval.count() <= 0) options.interval = std::chrono::milliseconds(60000);
  if (options.timeout.count() <= 0) options.timeout = std::chrono::milliseconds(30000);
  return std::make_unique<PeriodicReader>(std::move(exporter), options);
}

}  // namespace kafkatrace::otel
