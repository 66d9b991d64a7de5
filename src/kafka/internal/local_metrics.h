// The consumer's per-message metrics, aggregated where they are recorded: plain fields of the
// consumer thread (a count; a histogram's bucket counts, sum, min and max) that flush() merges
// into the bound exclusive series in one step. A message then costs an add, two compares and a
// bucket increment per histogram, instead of a store into the series' cells and a look at its
// shared min and max (docs/benchmarks.md, "2026-12-07, late").
//
// What was recorded is collected only after flush(): the consumer flushes at most a second
// after the last flush while messages flow, before every wait for messages, and at close.
// Destruction flushes too. Threading: one thread at a time, like the exclusive handles.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "kafkatrace/otel/bound_instruments.h"

namespace kafkatrace::kafka::internal {

class LocalCounter final {
 public:
  LocalCounter() noexcept = default;
  explicit LocalCounter(otel::ExclusiveCounter<std::int64_t> series) noexcept
      : series_(std::move(series)) {}
  LocalCounter(LocalCounter&& other) noexcept { *this = std::move(other); }
  LocalCounter& operator=(LocalCounter&& other) noexcept;
  ~LocalCounter() { flush(); }

  void add(std::int64_t value) noexcept { pending_ += value; }
  void flush() noexcept;

 private:
  otel::ExclusiveCounter<std::int64_t> series_;
  std::int64_t pending_ = 0;
};

class LocalHistogram final {
 public:
  LocalHistogram() noexcept = default;
  // Out of memory for the bucket counts: records go straight to the series.
  explicit LocalHistogram(otel::ExclusiveHistogram<double> series) noexcept;
  LocalHistogram(LocalHistogram&& other) noexcept { *this = std::move(other); }
  LocalHistogram& operator=(LocalHistogram&& other) noexcept;
  ~LocalHistogram() { flush(); }

  void record(double value) noexcept {
    if (counts_.empty() || std::isnan(value)) {
      series_.record(value);  // disabled (a no-op), or NaN (dropped and counted)
      return;
    }
    ++counts_[otel::histogram_bucket_index(bounds_, value)];
    ++pending_;
    sum_ += value;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  void flush() noexcept;
  std::uint64_t pending() const noexcept { return pending_; }

 private:
  void reset() noexcept;

  otel::ExclusiveHistogram<double> series_;
  std::span<const double> bounds_;     // the series' own, alive as long as it is
  std::vector<std::uint64_t> counts_;  // bounds_.size() + 1; empty when disabled
  std::uint64_t pending_ = 0;
  double sum_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace kafkatrace::kafka::internal
