// The shared core of a MeterProvider: resource, scopes with their instruments' storages, the
// reader slots (temporality per instrument kind, start and last collection time) and the
// collection that turns storages into ResourceMetrics for one reader.
//
// Locks: `registry_mutex_` guards scopes and their instrument lists (instrument creation);
// `collect_mutex_` serialises collections and reader registration. A collection copies the
// instrument lists under registry_mutex_ and runs observable callbacks without it, so a
// callback may create instruments.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "kafkatrace/otel/instruments.h"
#include "kafkatrace/otel/metric_data.h"
#include "kafkatrace/otel/resource.h"
#include "otel/internal/metric_observable.h"
#include "otel/internal/metric_storage.h"

namespace kafkatrace::otel::internal {

using TemporalityTable = std::array<AggregationTemporality, 7>;  // by InstrumentKind

class ScopeRegistry {
 public:
  explicit ScopeRegistry(std::shared_ptr<const InstrumentationScope> scope)
      : scope_(std::move(scope)) {}
  const std::shared_ptr<const InstrumentationScope>& scope() const noexcept { return scope_; }

 private:
  friend class MeterState;
  std::shared_ptr<const InstrumentationScope> scope_;
  std::vector<std::shared_ptr<SyncStorage>> sync_;              // registry_mutex_
  std::vector<std::shared_ptr<ObservableStorage>> observable_;  // registry_mutex_
};

class MeterState {
 public:
  MeterState(Resource resource, std::uint32_t cardinality_limit);

  std::shared_ptr<ScopeRegistry> scope(std::string_view name, std::string_view version,
                                       std::string_view schema_url);
  // An existing identical instrument's storage, or a new one (conflicts are logged).
  std::shared_ptr<SyncStorage> sync_storage(ScopeRegistry& scope, InstrumentDescriptor descriptor);
  std::shared_ptr<ObservableStorage> observable_storage(ScopeRegistry& scope,
                                                        InstrumentDescriptor descriptor);

  // Returns the reader's index. Readers added later see measurements from then on.
  std::size_t add_reader(const TemporalityTable& temporalities);
  // Collects for one reader and calls `sink` (outside the collection lock). False after
  // shutdown (the data is then not collected).
  bool collect(std::size_t reader, const std::function<void(const ResourceMetrics&)>& sink);

  void shutdown() noexcept { shut_down_.store(true, std::memory_order_release); }
  bool is_shut_down() const noexcept { return shut_down_.load(std::memory_order_acquire); }
  const std::shared_ptr<const Resource>& resource() const noexcept { return resource_; }
  std::uint32_t cardinality_limit() const noexcept { return cardinality_limit_; }
  const std::shared_ptr<MeterCounters>& counters() const noexcept { return counters_; }
  std::uint64_t collections() const noexcept {
    return collections_.load(std::memory_order_relaxed);
  }

 private:
  struct ReaderSlot {
    TemporalityTable temporalities{};
    std::uint64_t start_unix_nano = 0;
    std::uint64_t last_collect_unix_nano = 0;
  };

  bool conflicts_locked(const ScopeRegistry& scope, const InstrumentDescriptor& descriptor);

  const std::shared_ptr<const Resource> resource_;
  const std::uint32_t cardinality_limit_;
  const std::shared_ptr<MeterCounters> counters_ = std::make_shared<MeterCounters>();
  std::atomic<bool> shut_down_{false};
  std::atomic<std::uint64_t> collections_{0};

  std::mutex registry_mutex_;
  std::vector<std::shared_ptr<ScopeRegistry>> scopes_;

  std::mutex collect_mutex_;
  std::vector<ReaderSlot> readers_;
};

}  // namespace kafkatrace::otel::internal
