// The aggregation state of one synchronous instrument (sum or explicit-bucket histogram):
// a lock-free-read hash table of streams (one per attribute set), each with atomic cells that
// recording threads update, and per-reader accumulations that only the collector touches.
//
// Recording: hash the caller's attribute views (no allocation), probe the current table with
// acquire loads, update the cells with relaxed atomics (int64 sums: fetch_add; double sums:
// std::atomic<double>::fetch_add, a CAS loop; min/max: CAS only when the value improves).
// A new attribute set takes `mutex_`, allocates the stream and publishes it; when the table
// passes half full it is copied into one twice the size and the old one is kept (readers may
// still be probing it) until the storage dies — memory stays under twice the live table.
//
// Exclusive handles (ExclusiveCounter, ExclusiveHistogram) record into a WriterShard of their
// stream instead: one writer at a time, so its cells take plain load-and-store updates (no
// read-modify-write, no lock prefix) of cumulative totals; the collector reads them and keeps
// what it has drained, and adds the differences to the stream's drained values. Min and max stay
// in the stream's shared cells (updated only when a value improves on them).
//
// Collection (serialised by MeterState): every cell is drained with exchange() and the drained
// values are added to each reader's accumulation, so readers with different temporalities
// (or collecting at different times) each see every measurement exactly once. A measurement
// racing a drain lands wholly or partly in the next interval; totals stay exact, and a
// histogram's count is always the sum of its bucket counts.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "kafkatrace/otel/bound_instruments.h"
#include "kafkatrace/otel/instruments.h"
#include "kafkatrace/otel/metric_data.h"

namespace kafkatrace::otel::internal {

std::uint64_t now_unix_nano() noexcept;

struct InstrumentDescriptor {
  std::string name;
  std::string description;
  std::string unit;
  InstrumentKind kind = InstrumentKind::kCounter;
  bool is_double = false;
  std::vector<double> boundaries{};  // histograms only
};

// Dropped/overflowed counts shared by a provider's storages (they may outlive the provider).
struct MeterCounters {
  std::atomic<std::uint64_t> dropped{0};
  std::atomic<std::uint64_t> overflowed{0};
};

// What a collection knows about the reader it collects for.
struct ReaderView {
  std::size_t index = 0;
  std::size_t reader_count = 1;
  AggregationTemporality temporality = AggregationTemporality::kCumulative;
  std::uint64_t reader_start_unix_nano = 0;
  std::uint64_t last_collect_unix_nano = 0;  // reader start before the first collection
  std::uint64_t now_unix_nano = 0;
};

// One reader's running state of one stream (collector only).
struct StreamAccumulation {
  std::int64_t int_sum = 0;
  double double_sum = 0;
  std::vector<std::uint64_t> buckets{};
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  bool seen = false;     // has had a measurement since the reader attached
  bool updated = false;  // has had a measurement since this reader's last collection
  std::uint64_t start_unix_nano = 0;
};

// The cells of one exclusive handle (see above). Owned by its stream; the handle marks it retired
// when it dies, and the collector removes it after draining it once more.
struct WriterShard {
  explicit WriterShard(std::size_t bucket_count);

  std::atomic<std::uint64_t> int_sum{0};  // two's-complement running total of int64 adds
  std::atomic<double> double_sum{0};
  const std::unique_ptr<std::atomic<std::uint64_t>[]> buckets;  // histograms: bounds + 1
  std::atomic<bool> retired{false};

  // Collector only: the totals already drained.
  std::uint64_t drained_int_sum = 0;
  double drained_double_sum = 0;
  std::vector<std::uint64_t> drained_buckets;
};

struct Stream {
  Stream(std::uint64_t hash_value, Attributes attribute_set, std::size_t bucket_count,
         std::uint64_t created);

  const std::uint64_t hash;
  const Attributes attributes;  // normalised
  const std::uint64_t created_unix_nano;
  const std::unique_ptr<std::atomic<std::uint64_t>[]> buckets;  // histograms: bounds + 1

  // The cells recording threads write, on their own cache line.
  struct alignas(64) Cells {
    std::atomic<std::int64_t> int_sum{0};
    std::atomic<double> double_sum{0};
    std::atomic<double> min{std::numeric_limits<double>::infinity()};
    std::atomic<double> max{-std::numeric_limits<double>::infinity()};
    std::atomic<bool> dirty{false};
  } cells;

  std::vector<StreamAccumulation> readers;  // collector only
  // Exclusive handles' shards, guarded by the storage's mutex_; has_shards spares the collector
  // that lock for streams without any.
  std::vector<std::unique_ptr<WriterShard>> shards;
  std::atomic<bool> has_shards{false};
};

class SyncStorage final {
 public:
  SyncStorage(InstrumentDescriptor descriptor, std::uint32_t cardinality_limit,
              std::shared_ptr<MeterCounters> counters);
  ~SyncStorage();
  SyncStorage(const SyncStorage&) = delete;
  SyncStorage& operator=(const SyncStorage&) = delete;

  const InstrumentDescriptor& descriptor() const noexcept { return descriptor_; }
  bool is_double() const noexcept { return descriptor_.is_double; }

  // Hot path. Null only when out of memory (the measurement is then dropped and counted).
  Stream* find_stream(std::span<const MetricAttribute> attributes) noexcept;
  void count_dropped() noexcept;
  // The index of the bucket that holds `value` (histogram_bucket_index, inline).
  std::size_t bucket_index(double value) const noexcept {
    return histogram_bucket_index(descriptor_.boundaries, value);
  }
  // A new shard of `stream` for an exclusive handle (any thread); null when out of memory.
  WriterShard* attach_shard(Stream& stream) noexcept;

  // Collector only. Appends this reader's points to `out`; false when there are none.
  bool collect(const ReaderView& view, MetricData& out);
  // Collector only: moves pending measurements to the existing readers (before adding one).
  void drain_all(std::size_t reader_count);

 private:
  struct Table {
    explicit Table(std::size_t capacity);
    std::size_t mask;
    std::unique_ptr<std::atomic<Stream*>[]> slots;
  };

  std::vector<Stream*> snapshot_streams();
  Stream* find_stream_slow(std::span<const MetricAttribute> attributes) noexcept;
  void insert_locked(Stream* stream);
  void drain(Stream& stream, std::size_t reader_count);
  // Adds what the stream's shards recorded since the last drain; drops retired shards.
  void drain_shards(Stream& stream, std::span<std::uint64_t> buckets, std::uint64_t& count,
                    std::int64_t& int_sum, double& double_sum);
  void emit(Stream& stream, const ReaderView& view, MetricData& out);

  const InstrumentDescriptor descriptor_;
  const std::uint32_t cardinality_limit_;
  const std::shared_ptr<MeterCounters> counters_;
  std::atomic<Table*> table_;

  std::mutex mutex_;                            // guards the members below (writers only)
  std::vector<std::unique_ptr<Table>> tables_;  // current one last; older ones kept alive
  std::vector<std::unique_ptr<Stream>> streams_;
  std::unique_ptr<Stream> overflow_;
  std::size_t live_in_table_ = 0;
};

}  // namespace kafkatrace::otel::internal
