// The recording hot paths of the synchronous instruments, and the observable callbacks' result.
#include "kafkatrace/otel/instruments.h"

#include <cmath>
#include <limits>

#include "otel/internal/metric_observable.h"
#include "otel/internal/metric_storage.h"

namespace kafkatrace::otel {
namespace internal {
namespace {

void mark_dirty(Stream& stream) noexcept {
  // A load first: the flag's cache line is already ours after the add, and most adds find it set.
  if (!stream.cells.dirty.load(std::memory_order_relaxed)) {
    stream.cells.dirty.store(true, std::memory_order_relaxed);
  }
}

// Min and max: most measurements improve on neither, so the common case is an inline load and
// compare; the compare-exchange loop stays out of line.
[[gnu::noinline]] void lower_min(std::atomic<double>& cell, double current, double value) noexcept {
  while (value < current &&
         !cell.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
  }
}

[[gnu::noinline]] void raise_max(std::atomic<double>& cell, double current, double value) noexcept {
  while (value > current &&
         !cell.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
  }
}

inline void update_min(std::atomic<double>& cell, double value) noexcept {
  const double current = cell.load(std::memory_order_relaxed);
  if (value < current) [[unlikely]]
    lower_min(cell, current, value);
}

inline void update_max(std::atomic<double>& cell, double value) noexcept {
  const double current = cell.load(std::memory_order_relaxed);
  if (value > current) [[unlikely]]
    raise_max(cell, current, value);
}

bool monotonic(const SyncStorage& storage) noexcept {
  return storage.descriptor().kind == InstrumentKind::kCounter;
}

void add_to_stream(SyncStorage* storage, Stream* stream, double value) noexcept {
  if (std::isnan(value) || (value < 0 && monotonic(*storage))) {
    storage->count_dropped();
    return;
  }
  if (stream == nullptr) return;
  if (!storage->is_double()) {
    // An int64 stream given a double (only through a mismatched handle): round it.
    stream->cells.int_sum.fetch_add(std::llround(value), std::memory_order_relaxed);
  } else {
    stream->cells.double_sum.fetch_add(value, std::memory_order_relaxed);
  }
  mark_dirty(*stream);
}

void add_to_stream(SyncStorage* storage, Stream* stream, std::int64_t value) noexcept {
  if (value < 0 && monotonic(*storage)) {
    storage->count_dropped();
    return;
  }
  if (stream == nullptr) return;
  if (storage->is_double()) {
    stream->cells.double_sum.fetch_add(static_cast<double>(value), std::memory_order_relaxed);
  } else {
    stream->cells.int_sum.fetch_add(value, std::memory_order_relaxed);
  }
  mark_dirty(*stream);
}

void record_to_stream(SyncStorage* storage, Stream* stream, double value) noexcept {
  if (std::isnan(value)) {
    storage->count_dropped();
    return;
  }
  if (stream == nullptr) return;
  auto& cells = stream->cells;
  cells.double_sum.fetch_add(value, std::memory_order_relaxed);
  update_min(cells.min, value);
  update_max(cells.max, value);
  // Last, with release: the collector drains buckets first (see metric_storage.h).
  stream->buckets[storage->bucket_index(value)].fetch_add(1, std::memory_order_release);
}

// A measurement that will be dropped anyway is not worth a lookup (nor a new series).
bool droppable(const SyncStorage& storage, double value) noexcept {
  return std::isnan(value) || (value < 0 && storage.descriptor().kind == InstrumentKind::kCounter);
}

}  // namespace

Stream* bind_stream(SyncStorage* storage, std::span<const MetricAttribute> attributes) noexcept {
  return storage->find_stream(attributes);  // null (and counted) only when out of memory
}

void add_to_sum(SyncStorage* storage, double value,
                std::span<const MetricAttribute> attributes) noexcept {
  add_to_stream(storage, droppable(*storage, value) ? nullptr : storage->find_stream(attributes),
                value);
}

void add_to_sum(SyncStorage* storage, std::int64_t value,
                std::span<const MetricAttribute> attributes) noexcept {
  add_to_stream(storage,
                value < 0 && monotonic(*storage) ? nullptr : storage->find_stream(attributes),
                value);
}

void record_to_histogram(SyncStorage* storage, double value,
                         std::span<const MetricAttribute> attributes) noexcept {
  record_to_stream(storage, std::isnan(value) ? nullptr : storage->find_stream(attributes), value);
}

void add_to_bound_sum(SyncStorage* storage, Stream* stream, std::int64_t value) noexcept {
  add_to_stream(storage, stream, value);
}

void add_to_bound_sum(SyncStorage* storage, Stream* stream, double value) noexcept {
  add_to_stream(storage, stream, value);
}

void record_to_bound_histogram(SyncStorage* storage, Stream* stream, double value) noexcept {
  record_to_stream(storage, stream, value);
}

// Exclusive handles: one writer at a time, so a plain load and store replaces the atomic
// read-modify-write (the collector only reads shard cells).
namespace {
template <class T>
void bump(std::atomic<T>& cell, T by, std::memory_order order) noexcept {
  cell.store(cell.load(std::memory_order_relaxed) + by, order);
}
}  // namespace

WriterShard* attach_shard(SyncStorage* storage, Stream* stream) noexcept {
  return stream == nullptr ? nullptr : storage->attach_shard(*stream);
}

void retire_shard(WriterShard* shard) noexcept {
  if (shard != nullptr) shard->retired.store(true, std::memory_order_release);
}

void add_to_shard(SyncStorage* storage, Stream* stream, WriterShard* shard,
                  std::int64_t value) noexcept {
  if (shard == nullptr || (value < 0 && monotonic(*storage))) {
    add_to_stream(storage, stream, value);  // drops and counts, or records without a shard
    return;
  }
  if (storage->is_double()) {
    bump(shard->double_sum, static_cast<double>(value), std::memory_order_relaxed);
  } else {
    bump(shard->int_sum, static_cast<std::uint64_t>(value), std::memory_order_relaxed);
  }
  mark_dirty(*stream);
}

void add_to_shard(SyncStorage* storage, Stream* stream, WriterShard* shard, double value) noexcept {
  if (shard == nullptr || std::isnan(value) || (value < 0 && monotonic(*storage))) {
    add_to_stream(storage, stream, value);
    return;
  }
  if (!storage->is_double()) {
    bump(shard->int_sum, static_cast<std::uint64_t>(std::llround(value)),
         std::memory_order_relaxed);
  } else {
    bump(shard->double_sum, value, std::memory_order_relaxed);
  }
  mark_dirty(*stream);
}

void record_to_shard(SyncStorage* storage, Stream* stream, WriterShard* shard,
                     double value) noexcept {
  if (shard == nullptr || std::isnan(value)) {
    record_to_stream(storage, stream, value);
    return;
  }
  bump(shard->double_sum, value, std::memory_order_relaxed);
  update_min(stream->cells.min, value);
  update_max(stream->cells.max, value);
  // Last, with release: the collector reads buckets first (see metric_storage.h).
  bump(shard->buckets[storage->bucket_index(value)], std::uint64_t{1}, std::memory_order_release);
}

std::span<const double> histogram_boundaries(const SyncStorage* storage) noexcept {
  if (storage == nullptr) return {};
  return storage->descriptor().boundaries;
}

void merge_to_shard(SyncStorage* storage, Stream* stream, WriterShard* shard,
                    std::span<const std::uint64_t> bucket_counts, double sum, double min,
                    double max) noexcept {
  if (bucket_counts.size() != storage->descriptor().boundaries.size() + 1) {
    storage->count_dropped();
    return;
  }
  if (stream == nullptr) return;  // out of memory at bind time (counted then)
  std::uint64_t count = 0;
  for (const std::uint64_t n : bucket_counts) count += n;
  if (count == 0) return;
  if (shard == nullptr) {
    stream->cells.double_sum.fetch_add(sum, std::memory_order_relaxed);
  } else {
    bump(shard->double_sum, sum, std::memory_order_relaxed);
  }
  update_min(stream->cells.min, min);
  update_max(stream->cells.max, max);
  // Buckets last, with release, as record_to_shard does.
  for (std::size_t i = 0; i < bucket_counts.size(); ++i) {
    if (bucket_counts[i] == 0) continue;
    if (shard == nullptr) {
      stream->buckets[i].fetch_add(bucket_counts[i], std::memory_order_release);
    } else {
      bump(shard->buckets[i], bucket_counts[i], std::memory_order_release);
    }
  }
}

}  // namespace internal

void ObservableResult::observe_int(std::int64_t value,
                                   std::span<const MetricAttribute> attributes) noexcept {
  storage_.observe(value, static_cast<double>(value), attributes);
}

void ObservableResult::observe_double(double value,
                                      std::span<const MetricAttribute> attributes) noexcept {
  constexpr double kLimit = 9.2e18;  // inside int64's range
  const double clamped = std::isnan(value) ? 0.0 : std::fmax(-kLimit, std::fmin(kLimit, value));
  storage_.observe(std::llround(clamped), value, attributes);
}

ObservableInstrument& ObservableInstrument::operator=(ObservableInstrument&& other) noexcept {
  if (this != &other) {
    reset();
    storage_ = std::move(other.storage_);
    callback_id_ = other.callback_id_;
  }
  return *this;
}

void ObservableInstrument::reset() noexcept {
  if (storage_) storage_->remove_callback(callback_id_);
  storage_.reset();
}

}  // namespace kafkatrace::otel
