#include "otel/internal/metric_observable.h"

#include <cmath>
#include <exception>

#include "kafkatrace/log.h"
#include "otel/internal/metric_attributes.h"

namespace kafkatrace::otel::internal {

std::size_t AttributesHash::operator()(const Attributes& attributes) const noexcept {
  return static_cast<std::size_t>(hash_attributes(attributes));
}

ObservableStorage::ObservableStorage(InstrumentDescriptor descriptor,
                                     std::uint32_t cardinality_limit,
                                     std::shared_ptr<MeterCounters> counters)
    : descriptor_(std::move(descriptor)),
      cardinality_limit_(std::max<std::uint32_t>(cardinality_limit, 2)),
      counters_(std::move(counters)) {}

std::uint64_t ObservableStorage::add_callback(ObservableCallback callback) {
  if (!callback) return 0;
  std::lock_guard lock(callback_mutex_);
  const std::uint64_t id = next_callback_id_++;
  callbacks_.emplace_back(id, std::move(callback));
  return id;
}

void ObservableStorage::remove_callback(std::uint64_t id) noexcept {
  std::lock_guard lock(callback_mutex_);
  std::erase_if(callbacks_, [id](const auto& entry) { return entry.first == id; });
}

void ObservableStorage::observe(std::int64_t int_value, double double_value,
                                std::span<const MetricAttribute> attributes) noexcept {
  if (std::isnan(double_value)) {
    counters_->dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  try {
    store(normalize_attributes(attributes), int_value, double_value);
  } catch (...) {
    counters_->dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

void ObservableStorage::store(Attributes attributes, std::int64_t int_value, double double_value) {
  if (auto it = index_.find(attributes); it != index_.end()) {
    observations_[it->second].int_value = int_value;  // the last observation wins
    observations_[it->second].double_value = double_value;
    return;
  }
  if (observations_.size() + 1 >= cardinality_limit_) {
    counters_->overflowed.fetch_add(1, std::memory_order_relaxed);
    Attributes overflow{KeyValue{"otel.metric.overflow", true}};
    auto it = index_.find(overflow);
    if (it == index_.end()) {
      it = index_.emplace(overflow, observations_.size()).first;
      observations_.push_back({std::move(overflow), 0, 0});
    }
    Observation& target = observations_[it->second];
    if (descriptor_.kind == InstrumentKind::kObservableGauge) {
      target.int_value = int_value;
      target.double_value = double_value;
    } else {
      target.int_value += int_value;
      target.double_value += double_value;
    }
    return;
  }
  index_.emplace(attributes, observations_.size());
  observations_.push_back({std::move(attributes), int_value, double_value});
}

bool ObservableStorage::collect(const ReaderView& view, MetricData& out) {
  std::lock_guard lock(callback_mutex_);
  observations_.clear();
  index_.clear();
  ObservableResult result(*this);
  for (auto& [id, callback] : callbacks_) {
    try {
      callback(result);
    } catch (const std::exception& error) {
      log(LogLevel::kError, "metrics",
          "callback of '" + descriptor_.name + "' threw: " + error.what());
    } catch (...) {
      log(LogLevel::kError, "metrics", "callback of '" + descriptor_.name + "' threw");
    }
  }
  out.name = descriptor_.name;
  out.description = descriptor_.description;
  out.unit = descriptor_.unit;
  out.temporality = view.temporality;
  const bool gauge = descriptor_.kind == InstrumentKind::kObservableGauge;
  out.type = gauge ? MetricData::Type::kGauge : MetricData::Type::kSum;
  out.is_monotonic = descriptor_.kind == InstrumentKind::kObservableCounter;
  const bool delta = !gauge && view.temporality == AggregationTemporality::kDelta;
  if (last_totals_.size() < view.reader_count) last_totals_.resize(view.reader_count);
  LastTotals& last = last_totals_[view.index];

  for (auto& observation : observations_) {
    NumberDataPoint& point = out.number_points.emplace_back();
    point.start_time_unix_nano =
        gauge || delta ? view.last_collect_unix_nano : view.reader_start_unix_nano;
    point.time_unix_nano = view.now_unix_nano;
    std::int64_t int_value = observation.int_value;
    double double_value = observation.double_value;
    if (delta) {
      auto it = last.find(observation.attributes);
      if (it != last.end()) {
        int_value -= it->second.int_value;
        double_value -= it->second.double_value;
        it->second = {observation.int_value, observation.double_value};
      } else if (last.size() < cardinality_limit_) {
        last.emplace(observation.attributes,
                     LastTotal{observation.int_value, observation.double_value});
      }
    }
    if (descriptor_.is_double) {
      point.value = double_value;
    } else {
      point.value = int_value;
    }
    point.attributes = std::move(observation.attributes);
  }
  observations_.clear();
  index_.clear();
  return !out.number_points.empty();
}

}  // namespace kafkatrace::otel::internal
