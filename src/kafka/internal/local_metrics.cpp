#include "kafka/internal/local_metrics.h"

#include <new>

namespace kafkatrace::kafka::internal {

LocalCounter& LocalCounter::operator=(LocalCounter&& other) noexcept {
  if (this != &other) {
    flush();
    series_ = std::move(other.series_);
    pending_ = std::exchange(other.pending_, 0);
  }
  return *this;
}

void LocalCounter::flush() noexcept {
  if (pending_ == 0) return;
  series_.add(pending_);
  pending_ = 0;
}

LocalHistogram::LocalHistogram(otel::ExclusiveHistogram<double> series) noexcept
    : series_(std::move(series)), bounds_(series_.boundaries()) {
  if (!series_.enabled()) return;
  try {
    counts_.assign(bounds_.size() + 1, 0);
  } catch (const std::bad_alloc&) {
    counts_.clear();
  }
}

LocalHistogram& LocalHistogram::operator=(LocalHistogram&& other) noexcept {
  if (this != &other) {  // (the move constructor: into a default-constructed one)
    flush();
    series_ = std::move(other.series_);
    bounds_ = std::exchange(other.bounds_, {});
    counts_ = std::move(other.counts_);
    pending_ = other.pending_;
    sum_ = other.sum_;
    min_ = other.min_;
    max_ = other.max_;
    other.counts_.clear();
    other.reset();
  }
  return *this;
}

void LocalHistogram::flush() noexcept {
  if (pending_ == 0) return;
  series_.merge(counts_, sum_, min_, max_);
  reset();
}

void LocalHistogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), std::uint64_t{0});
  pending_ = 0;
  sum_ = 0;
  min_ = std::numeric_limits<double>::infinity();
  max_ = -std::numeric_limits<double>::infinity();
}

}  // namespace kafkatrace::kafka::internal
