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
#pragma once

#include <cstdint>
#include <memory>

namespace kafkatrace::otel {

namespace internal {
class SyncStorage;
struct Stream;
// The recording paths of bound handles (instruments.cpp). `stream` null: out of memory at bind
// time; the measurement is dropped and counted. Never throw.
void add_to_bound_sum(SyncStorage* storage, Stream* stream, std::int64_t value) noexcept;
void add_to_bound_sum(SyncStorage* storage, Stream* stream, double value) noexcept;
void record_to_bound_histogram(SyncStorage* storage, Stream* stream, double value) noexcept;
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

}  // namespace kafkatrace::otel
