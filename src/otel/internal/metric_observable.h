// The state of one asynchronous instrument (observable counter, up-down counter or gauge): its
// callbacks, the observations of the collection in progress, and, per delta reader, the last
// observed totals (observable sums report totals; the delta is this total minus the last).
// Everything but the callback list is touched only by the collector (serialised by MeterState).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kafkatrace/otel/instruments.h"
#include "kafkatrace/otel/metric_data.h"
#include "otel/internal/metric_storage.h"

namespace kafkatrace::otel::internal {

struct AttributesHash {
  std::size_t operator()(const Attributes& attributes) const noexcept;
};

class ObservableStorage final {
 public:
  ObservableStorage(InstrumentDescriptor descriptor, std::uint32_t cardinality_limit,
                    std::shared_ptr<MeterCounters> counters);

  const InstrumentDescriptor& descriptor() const noexcept { return descriptor_; }
  // Returns the id that remove_callback takes. An empty callback is not added (id 0).
  std::uint64_t add_callback(ObservableCallback callback);
  // Waits for a collection that is running the callbacks.
  void remove_callback(std::uint64_t id) noexcept;

  // Called by ObservableResult from inside a callback (the collecting thread).
  void observe(std::int64_t int_value, double double_value,
               std::span<const MetricAttribute> attributes) noexcept;

  // Runs the callbacks and appends this reader's points; false when there are none.
  bool collect(const ReaderView& view, MetricData& out);

 private:
  struct Observation {
    Attributes attributes;
    std::int64_t int_value = 0;
    double double_value = 0;
  };
  struct LastTotal {
    std::int64_t int_value = 0;
    double double_value = 0;
  };
  using LastTotals = std::unordered_map<Attributes, LastTotal, AttributesHash>;

  void store(Attributes attributes, std::int64_t int_value, double double_value);

  const InstrumentDescriptor descriptor_;
  const std::uint32_t cardinality_limit_;
  const std::shared_ptr<MeterCounters> counters_;

  std::mutex callback_mutex_;  // held while callbacks run
  std::vector<std::pair<std::uint64_t, ObservableCallback>> callbacks_;
  std::uint64_t next_callback_id_ = 1;

  std::vector<Observation> observations_;  // this collection
  std::unordered_map<Attributes, std::size_t, AttributesHash> index_;
  std::vector<LastTotals> last_totals_;  // per reader (delta readers only)
};

}  // namespace kafkatrace::otel::internal
