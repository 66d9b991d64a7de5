#include "otel/internal/metric_state.h"

#include <algorithm>
#include <cctype>

#include "kafkatrace/log.h"

namespace kafkatrace::otel::internal {
namespace {

bool same_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool identical(const InstrumentDescriptor& a, const InstrumentDescriptor& b) noexcept {
  return same_name(a.name, b.name) && a.kind == b.kind && a.is_double == b.is_double &&
         a.unit == b.unit && a.description == b.description && a.boundaries == b.boundaries;
}

}  // namespace

MeterState::MeterState(Resource resource, std::uint32_t cardinality_limit)
    : resource_(std::make_shared<const Resource>(std::move(resource))),
      cardinality_limit_(std::max<std::uint32_t>(cardinality_limit, 2)) {}

std::shared_ptr<ScopeRegistry> MeterState::scope(std::string_view name, std::string_view version,
                                                 std::string_view schema_url) {
  std::lock_guard lock(registry_mutex_);
  for (const auto& existing : scopes_) {
    const auto& scope = *existing->scope();
    if (scope.name == name && scope.version == version && scope.schema_url == schema_url) {
      return existing;
    }
  }
  auto scope = std::make_shared<const InstrumentationScope>(
      InstrumentationScope{std::string(name), std::string(version), std::string(schema_url)});
  return scopes_.emplace_back(std::make_shared<ScopeRegistry>(std::move(scope)));
}

bool MeterState::conflicts_locked(const ScopeRegistry& scope,
                                  const InstrumentDescriptor& descriptor) {
  auto conflicting = [&](const InstrumentDescriptor& other) {
    return same_name(other.name, descriptor.name) && !identical(other, descriptor);
  };
  for (const auto& storage : scope.sync_) {
    if (conflicting(storage->descriptor())) return true;
  }
  for (const auto& storage : scope.observable_) {
    if (conflicting(storage->descriptor())) return true;
  }
  return false;
}

std::shared_ptr<SyncStorage> MeterState::sync_storage(ScopeRegistry& scope,
                                                      InstrumentDescriptor descriptor) {
  std::lock_guard lock(registry_mutex_);
  for (const auto& storage : scope.sync_) {
    if (identical(storage->descriptor(), descriptor)) return storage;
  }
  if (conflicts_locked(scope, descriptor)) {
    log(LogLevel::kWarning, "metrics",
        "duplicate instrument '" + descriptor.name +
            "' with a different kind, unit or description; both streams are exported");
  }
  return scope.sync_.emplace_back(
      std::make_shared<SyncStorage>(std::move(descriptor), cardinality_limit_, counters_));
}

std::shared_ptr<ObservableStorage> MeterState::observable_storage(ScopeRegistry& scope,
                                                                  InstrumentDescriptor descriptor) {
  std::lock_guard lock(registry_mutex_);
  for (const auto& storage : scope.observable_) {
    if (identical(storage->descriptor(), descriptor)) return storage;
  }
  if (conflicts_locked(scope, descriptor)) {
    log(LogLevel::kWarning, "metrics",
        "duplicate instrument '" + descriptor.name +
            "' with a different kind, unit or description; both streams are exported");
  }
  return scope.observable_.emplace_back(
      std::make_shared<ObservableStorage>(std::move(descriptor), cardinality_limit_, counters_));
}

std::size_t MeterState::add_reader(const TemporalityTable& temporalities) {
  std::lock_guard lock(collect_mutex_);
  if (!readers_.empty()) {
    // What was recorded so far belongs to the existing readers only.
    std::vector<std::shared_ptr<SyncStorage>> storages;
    {
      std::lock_guard registry_lock(registry_mutex_);
      for (const auto& scope : scopes_) {
        storages.insert(storages.end(), scope->sync_.begin(), scope->sync_.end());
      }
    }
    for (const auto& storage : storages) storage->drain_all(readers_.size());
  }
  const std::uint64_t now = now_unix_nano();
  readers_.push_back(ReaderSlot{temporalities, now, now});
  return readers_.size() - 1;
}

bool MeterState::collect(std::size_t reader,
                         const std::function<void(const ResourceMetrics&)>& sink) {
  ResourceMetrics metrics{resource_};
  {
    std::lock_guard collect_lock(collect_mutex_);
    if (is_shut_down() || reader >= readers_.size()) return false;
    std::vector<std::shared_ptr<ScopeRegistry>> scopes;
    std::vector<std::vector<std::shared_ptr<SyncStorage>>> sync;
    std::vector<std::vector<std::shared_ptr<ObservableStorage>>> observable;
    {
      std::lock_guard registry_lock(registry_mutex_);
      scopes = scopes_;
      for (const auto& scope : scopes) {
        sync.push_back(scope->sync_);
        observable.push_back(scope->observable_);
      }
    }
    ReaderSlot& slot = readers_[reader];
    ReaderView view;
    view.index = reader;
    view.reader_count = readers_.size();
    view.reader_start_unix_nano = slot.start_unix_nano;
    view.last_collect_unix_nano = slot.last_collect_unix_nano;
    view.now_unix_nano = now_unix_nano();
    for (std::size_t i = 0; i < scopes.size(); ++i) {
      ScopeMetrics scope_metrics{scopes[i]->scope()};
      for (const auto& storage : sync[i]) {
        view.temporality = slot.temporalities[static_cast<std::size_t>(storage->descriptor().kind)];
        MetricData data;
        if (storage->collect(view, data)) scope_metrics.metrics.push_back(std::move(data));
      }
      for (const auto& storage : observable[i]) {
        view.temporality = slot.temporalities[static_cast<std::size_t>(storage->descriptor().kind)];
        MetricData data;
        if (storage->collect(view, data)) scope_metrics.metrics.push_back(std::move(data));
      }
      if (!scope_metrics.metrics.empty()) {
        metrics.scope_metrics.push_back(std::move(scope_metrics));
      }
    }
    slot.last_collect_unix_nano = view.now_unix_nano;
    collections_.fetch_add(1, std::memory_order_relaxed);
  }
  sink(metrics);
  return true;
}

}  // namespace kafkatrace::otel::internal
