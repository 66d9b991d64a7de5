// Bound instruments: a Counter, UpDownCounter or Histogram with one attribute set resolved to its
// series once, for hot paths that record the same attributes again and again.
//
//   auto sent = counter.bind({{"messaging.system", "kafka"}, {"messaging.destination.name", t}});
//   sent.add(1);  // no hashing, no lookup: the series' atomics only
//
// bind() looks the attribute set up as a measurement would (creating the series, or taking the
// otel.metric.overflow=true series past the cardinality limit) and copies nothing the handle
// needs later: the attributes are views, valid during bind() only. Recording through the handle
// records exactly what the unbound call with the same attributes would.
// Threading: like the instruments (any thread, concurrently). Cost: a few relaxed atomic
// operations. Lifetime: a handle keeps the instrument's aggregation state alive; a
// default-constructed handle, or one bound on a no-op instrument, does nothing.
//
// Exclusive handles (bind_exclusive) are for a series that one thread at a time records, such as
// a consumer's per-topic metrics on its consumer thread: each handle has cells of its own that it
// updates with plain loads and stores, no atomic read-modify-write (BM_ExclusiveCounterAdd,
// BM_ExclusiveHistogramRecord). What it records is collected exactly as through a shared handle,
// and still is after the handle is gone. Threading: calls on one handle must not overlap (a
// handle may move between threads that hand it over, as a consumer does); any number of
// exclusive and shared handles may record the same series concurrently. Move-only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

namespace kafkatrace::otel {

// The explicit-bucket histogram's bucket of `value`: i such that bounds[i-1] < value <= bounds[i]
// (0 below the first bound, bounds.size() above the last). The first bucket is checked first:
// short durations (a poll, a no-op handler) land there.
inline std::size_t histogram_bucket_index(std::span<const double> bounds, double value) noexcept {
  if (bounds.empty() || value <= bounds.front()) return 0;
  return static_cast<std::size_t>(std::lower_bound(bounds.begin() + 1, bounds.end(), value) -
                                  bounds.begin());
}

namespace internal {
class SyncStorage;
struct Stream;
struct WriterShard;
// The recording paths of bound handles (instruments.cpp). `stream` null: out of memory at bind
// time; the measurement is dropped and counted. Never throw.
void add_to_bound_sum(SyncStorage* storage, Stream* stream, std::int64_t value) noexcept;
void add_to_bound_sum(SyncStorage* storage, Stream* stream, double value) noexcept;
void record_to_bound_histogram(SyncStorage* storage, Stream* stream, double value) noexcept;
// Exclusive handles: a shard of `stream` of their own (null when `stream` is null or out of
// memory: the handle then records as a shared one would), retired when the handle dies.
WriterShard* attach_shard(SyncStorage* storage, Stream* stream) noexcept;
void retire_shard(WriterShard* shard) noexcept;
void add_to_shard(SyncStorage* storage, Stream* stream, WriterShard* shard,
                  std::int64_t value) noexcept;
void add_to_shard(SyncStorage* storage, Stream* stream, WriterShard* shard, double value) noexcept;
void record_to_shard(SyncStorage* storage, Stream* stream, WriterShard* shard,
                     double value) noexcept;
std::span<const double> histogram_boundaries(const SyncStorage* storage) noexcept;
void merge_to_shard(SyncStorage* storage, Stream* stream, WriterShard* shard,
                    std::span<const std::uint64_t> bucket_counts, double sum, double min,
                    double max) noexcept;

// What the exclusive handles share: the storage, the series and the shard, retired at the end.
class ExclusiveSeries {
 public:
  ExclusiveSeries() noexcept = default;
  ExclusiveSeries(std::shared_ptr<SyncStorage> storage, Stream* stream) noexcept
      : storage_(std::move(storage)),
        stream_(stream),
        shard_(storage_ ? attach_shard(storage_.get(), stream) : nullptr) {}
  ExclusiveSeries(ExclusiveSeries&& other) noexcept
      : storage_(std::move(other.storage_)),
        stream_(std::exchange(other.stream_, nullptr)),
        shard_(std::exchange(other.shard_, nullptr)) {}
  ExclusiveSeries& operator=(ExclusiveSeries&& other) noexcept {
    if (this != &other) {
      retire_shard(shard_);
      storage_ = std::move(other.storage_);
      stream_ = std::exchange(other.stream_, nullptr);
      shard_ = std::exchange(other.shard_, nullptr);
    }
    return *this;
  }
  ~ExclusiveSeries() { retire_shard(shard_); }

  SyncStorage* storage() const noexcept { return storage_.get(); }
  Stream* stream() const noexcept { return stream_; }
  WriterShard* shard() const noexcept { return shard_; }

 private:
  std::shared_ptr<SyncStorage> storage_;
  Stream* stream_ = nullptr;      // owned by *storage_, which never removes a series
  WriterShard* shard_ = nullptr;  // owned by *stream_ until retired and drained
};
}  // namespace internal

// From Counter::bind and UpDownCounter::bind (a counter's handle still ignores negative values).
template <class T>
class BoundCounter final {
 public:
  BoundCounter() noexcept = default;
  BoundCounter(std::shared_ptr<internal::SyncStorage> storage, internal::Stream* stream) noexcept
      : storage_(std::move(storage)), stream_(stream) {}

  void add(T value) const noexcept {
    if (storage_) internal::add_to_bound_sum(storage_.get(), stream_, value);
  }
  bool enabled() const noexcept { return storage_ != nullptr; }

 private:
  std::shared_ptr<internal::SyncStorage> storage_;
  internal::Stream* stream_ = nullptr;  // owned by *storage_, which never removes a series
};

// From Histogram::bind.
template <class T>
class BoundHistogram final {
 public:
  BoundHistogram() noexcept = default;
  BoundHistogram(std::shared_ptr<internal::SyncStorage> storage, internal::Stream* stream) noexcept
      : storage_(std::move(storage)), stream_(stream) {}

  void record(T value) const noexcept {
    if (storage_) {
      internal::record_to_bound_histogram(storage_.get(), stream_, static_cast<double>(value));
    }
  }
  bool enabled() const noexcept { return storage_ != nullptr; }

 private:
  std::shared_ptr<internal::SyncStorage> storage_;
  internal::Stream* stream_ = nullptr;
};

// From Counter::bind_exclusive and UpDownCounter::bind_exclusive.
template <class T>
class ExclusiveCounter final {
 public:
  ExclusiveCounter() noexcept = default;
  ExclusiveCounter(std::shared_ptr<internal::SyncStorage> storage,
                   internal::Stream* stream) noexcept
      : series_(std::move(storage), stream) {}

  void add(T value) noexcept {
    if (series_.storage()) {
      internal::add_to_shard(series_.storage(), series_.stream(), series_.shard(), value);
    }
  }
  bool enabled() const noexcept { return series_.storage() != nullptr; }

 private:
  internal::ExclusiveSeries series_;
};

// From Histogram::bind_exclusive.
template <class T>
class ExclusiveHistogram final {
 public:
  ExclusiveHistogram() noexcept = default;
  ExclusiveHistogram(std::shared_ptr<internal::SyncStorage> storage,
                     internal::Stream* stream) noexcept
      : series_(std::move(storage), stream) {}

  void record(T value) noexcept {
    if (series_.storage()) {
      internal::record_to_shard(series_.storage(), series_.stream(), series_.shard(),
                                static_cast<double>(value));
    }
  }
  bool enabled() const noexcept { return series_.storage() != nullptr; }

  // For a caller that aggregates measurements itself and merges them now and then (the
  // consumer's per-topic metrics): the bucket boundaries (empty when disabled), and the merge.
  // A value belongs to bucket histogram_bucket_index(boundaries(), value); `bucket_counts`
  // has boundaries().size() + 1 entries (otherwise the merge is dropped and counted), and
  // `sum`, `min`, `max` are those of the merged values (NaN: leave them out). Merging records
  // exactly what recording the values one by one would have. Same threading as record().
  std::span<const double> boundaries() const noexcept {
    return internal::histogram_boundaries(series_.storage());
  }
  void merge(std::span<const std::uint64_t> bucket_counts, double sum, double min,
             double max) noexcept {
    if (series_.storage()) {
      internal::merge_to_shard(series_.storage(), series_.stream(), series_.shard(), bucket_counts,
                               sum, min, max);
    }
  }

 private:
  internal::ExclusiveSeries series_;
};

}  // namespace kafkatrace::otel
