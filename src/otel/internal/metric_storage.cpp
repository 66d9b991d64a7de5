#include "otel/internal/metric_storage.h"

#include <algorithm>
#include <chrono>

#include "kafkatrace/log.h"
#include "otel/internal/metric_attributes.h"

namespace kafkatrace::otel::internal {
namespace {

constexpr std::size_t kInitialTableCapacity = 16;
constexpr std::string_view kOverflowKey = "otel.metric.overflow";

Attributes overflow_attributes() {
  return {KeyValue{std::string(kOverflowKey), true}};
}

std::size_t bucket_count_of(const InstrumentDescriptor& descriptor) {
  return descriptor.kind == InstrumentKind::kHistogram ? descriptor.boundaries.size() + 1 : 0;
}

void reset(StreamAccumulation& accumulation) {
  accumulation.int_sum = 0;
  accumulation.double_sum = 0;
  std::fill(accumulation.buckets.begin(), accumulation.buckets.end(), 0);
  accumulation.min = std::numeric_limits<double>::infinity();
  accumulation.max = -std::numeric_limits<double>::infinity();
}

}  // namespace

std::uint64_t now_unix_nano() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Stream::Stream(std::uint64_t hash_value, Attributes attribute_set, std::size_t bucket_count,
               std::uint64_t created)
    : hash(hash_value),
      attributes(std::move(attribute_set)),
      created_unix_nano(created),
      buckets(bucket_count ? std::make_unique<std::atomic<std::uint64_t>[]>(bucket_count)
                           : nullptr) {
  for (std::size_t i = 0; i < bucket_count; ++i) buckets[i].store(0, std::memory_order_relaxed);
}

WriterShard::WriterShard(std::size_t bucket_count)
    : buckets(bucket_count ? std::make_unique<std::atomic<std::uint64_t>[]>(bucket_count)
                           : nullptr),
      drained_buckets(bucket_count, 0) {
  for (std::size_t i = 0; i < bucket_count; ++i) buckets[i].store(0, std::memory_order_relaxed);
}

SyncStorage::Table::Table(std::size_t capacity)
    : mask(capacity - 1), slots(std::make_unique<std::atomic<Stream*>[]>(capacity)) {
  for (std::size_t i = 0; i < capacity; ++i) slots[i].store(nullptr, std::memory_order_relaxed);
}

SyncStorage::SyncStorage(InstrumentDescriptor descriptor, std::uint32_t cardinality_limit,
                         std::shared_ptr<MeterCounters> counters)
    : descriptor_(std::move(descriptor)),
      cardinality_limit_(std::max<std::uint32_t>(cardinality_limit, 2)),
      counters_(std::move(counters)) {
  tables_.push_back(std::make_unique<Table>(kInitialTableCapacity));
  table_.store(tables_.back().get(), std::memory_order_release);
}

SyncStorage::~SyncStorage() = default;

void SyncStorage::count_dropped() noexcept {
  counters_->dropped.fetch_add(1, std::memory_order_relaxed);
}

Stream* SyncStorage::find_stream(std::span<const MetricAttribute> attributes) noexcept {
  const std::uint64_t hash = hash_attributes(attributes);
  const Table* table = table_.load(std::memory_order_acquire);
  for (std::size_t i = hash & table->mask;; i = (i + 1) & table->mask) {
    Stream* stream = table->slots[i].load(std::memory_order_acquire);
    if (stream == nullptr) break;
    if (stream->hash == hash && same_attributes(attributes, stream->attributes)) return stream;
  }
  return find_stream_slow(attributes);
}

Stream* SyncStorage::find_stream_slow(std::span<const MetricAttribute> attributes) noexcept {
  try {
    Attributes normalized = normalize_attributes(attributes);
    const std::uint64_t hash = hash_attributes(normalized);
    std::lock_guard lock(mutex_);
    const Table& table = *tables_.back();
    for (std::size_t i = hash & table.mask;; i = (i + 1) & table.mask) {
      Stream* stream = table.slots[i].load(std::memory_order_relaxed);
      if (stream == nullptr) break;
      if (stream->hash == hash && stream->attributes == normalized) return stream;
    }
    if (streams_.size() + 1 >= cardinality_limit_) {
      counters_->overflowed.fetch_add(1, std::memory_order_relaxed);
      if (!overflow_) {
        Attributes overflow = overflow_attributes();
        const std::uint64_t overflow_hash = hash_attributes(overflow);
        overflow_ = std::make_unique<Stream>(overflow_hash, std::move(overflow),
                                             bucket_count_of(descriptor_), now_unix_nano());
        log(LogLevel::kWarning, "metrics",
            "instrument '" + descriptor_.name + "' reached its cardinality limit of " +
                std::to_string(cardinality_limit_) +
                "; new attribute sets go to the otel.metric.overflow=true stream");
      }
      return overflow_.get();
    }
    auto stream = std::make_unique<Stream>(hash, std::move(normalized),
                                           bucket_count_of(descriptor_), now_unix_nano());
    Stream* raw = stream.get();
    streams_.push_back(std::move(stream));
    insert_locked(raw);
    return raw;
  } catch (...) {
    count_dropped();
    return nullptr;
  }
}

void SyncStorage::insert_locked(Stream* stream) {
  Table* table = tables_.back().get();
  if ((live_in_table_ + 1) * 2 > table->mask + 1) {
    auto grown = std::make_unique<Table>((table->mask + 1) * 2);
    for (const auto& existing : streams_) {
      if (existing.get() == stream) continue;
      std::size_t i = existing->hash & grown->mask;
      while (grown->slots[i].load(std::memory_order_relaxed) != nullptr) i = (i + 1) & grown->mask;
      grown->slots[i].store(existing.get(), std::memory_order_relaxed);
    }
    table = grown.get();
    tables_.push_back(std::move(grown));
    table_.store(table, std::memory_order_release);
  }
  std::size_t i = stream->hash & table->mask;
  while (table->slots[i].load(std::memory_order_relaxed) != nullptr) i = (i + 1) & table->mask;
  table->slots[i].store(stream, std::memory_order_release);
  ++live_in_table_;
}

void SyncStorage::drain(Stream& stream, std::size_t reader_count) {
  if (stream.readers.size() < reader_count) stream.readers.resize(reader_count);
  // Buckets first, with acquire: a recording thread updates sum, min and max before its
  // bucket (with release), so a counted measurement's sum and extremes are drained with it.
  auto& cells = stream.cells;
  const std::size_t bucket_count = bucket_count_of(descriptor_);
  std::vector<std::uint64_t> buckets(bucket_count);
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    buckets[i] = stream.buckets[i].exchange(0, std::memory_order_acq_rel);
    count += buckets[i];
  }
  const bool dirty = cells.dirty.exchange(false, std::memory_order_relaxed);
  std::int64_t int_sum = cells.int_sum.exchange(0, std::memory_order_relaxed);
  double double_sum = cells.double_sum.exchange(0.0, std::memory_order_relaxed);
  if (stream.has_shards.load(std::memory_order_acquire))
    drain_shards(stream, buckets, count, int_sum, double_sum);
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  if (count > 0) {
    min = cells.min.exchange(min, std::memory_order_relaxed);
    max = cells.max.exchange(max, std::memory_order_relaxed);
  }
  if (!dirty && int_sum == 0 && double_sum == 0 && count == 0) return;
  for (auto& accumulation : stream.readers) {
    accumulation.seen = true;
    accumulation.updated = true;
    accumulation.int_sum += int_sum;
    accumulation.double_sum += double_sum;
    if (bucket_count == 0) continue;
    accumulation.buckets.resize(bucket_count);
    for (std::size_t i = 0; i < bucket_count; ++i) accumulation.buckets[i] += buckets[i];
    accumulation.min = std::min(accumulation.min, min);
    accumulation.max = std::max(accumulation.max, max);
  }
}

WriterShard* SyncStorage::attach_shard(Stream& stream) noexcept {
  try {
    auto shard = std::make_unique<WriterShard>(bucket_count_of(descriptor_));
    WriterShard* raw = shard.get();
    std::lock_guard lock(mutex_);
    stream.shards.push_back(std::move(shard));
    stream.has_shards.store(true, std::memory_order_release);
    return raw;
  } catch (...) {
    return nullptr;
  }
}

void SyncStorage::drain_shards(Stream& stream, std::span<std::uint64_t> buckets,
                               std::uint64_t& count, std::int64_t& int_sum, double& double_sum) {
  std::lock_guard lock(mutex_);
  auto& shards = stream.shards;
  for (auto it = shards.begin(); it != shards.end();) {
    WriterShard& shard = **it;
    // Retired first: then every write of the handle's life is visible to the reads below.
    const bool retired = shard.retired.load(std::memory_order_acquire);
    // Buckets before sums, with acquire, as for the shared cells.
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      const std::uint64_t total = shard.buckets[i].load(std::memory_order_acquire);
      buckets[i] += total - shard.drained_buckets[i];
      count += total - shard.drained_buckets[i];
      shard.drained_buckets[i] = total;
    }
    const std::uint64_t int_total = shard.int_sum.load(std::memory_order_relaxed);
    int_sum += static_cast<std::int64_t>(int_total - shard.drained_int_sum);
    shard.drained_int_sum = int_total;
    const double double_total = shard.double_sum.load(std::memory_order_relaxed);
    double_sum += double_total - shard.drained_double_sum;
    shard.drained_double_sum = double_total;
    it = retired ? shards.erase(it) : it + 1;
  }
  if (shards.empty()) stream.has_shards.store(false, std::memory_order_relaxed);
}

void SyncStorage::emit(Stream& stream, const ReaderView& view, MetricData& out) {
  StreamAccumulation& accumulation = stream.readers[view.index];
  const bool delta = view.temporality == AggregationTemporality::kDelta;
  if (!accumulation.seen || (delta && !accumulation.updated)) return;
  if (accumulation.start_unix_nano == 0) {
    accumulation.start_unix_nano = std::max(stream.created_unix_nano, view.reader_start_unix_nano);
  }
  const std::uint64_t start = delta ? view.last_collect_unix_nano : accumulation.start_unix_nano;
  if (descriptor_.kind == InstrumentKind::kHistogram) {
    HistogramDataPoint& point = out.histogram_points.emplace_back();
    point.attributes = stream.attributes;
    point.start_time_unix_nano = start;
    point.time_unix_nano = view.now_unix_nano;
    for (std::uint64_t bucket : accumulation.buckets) point.count += bucket;
    point.sum = accumulation.double_sum;
    if (point.count > 0) {
      point.min = accumulation.min;
      point.max = accumulation.max;
    }
    point.explicit_bounds = descriptor_.boundaries;
    point.bucket_counts = accumulation.buckets;
    point.bucket_counts.resize(descriptor_.boundaries.size() + 1);
  } else {
    NumberDataPoint& point = out.number_points.emplace_back();
    point.attributes = stream.attributes;
    point.start_time_unix_nano = start;
    point.time_unix_nano = view.now_unix_nano;
    if (descriptor_.is_double) {
      point.value = accumulation.double_sum;
    } else {
      point.value = accumulation.int_sum;
    }
  }
  accumulation.updated = false;
  if (delta) reset(accumulation);
}

std::vector<Stream*> SyncStorage::snapshot_streams() {
  std::vector<Stream*> streams;
  std::lock_guard lock(mutex_);
  streams.reserve(streams_.size() + 1);
  for (const auto& stream : streams_) streams.push_back(stream.get());
  if (overflow_) streams.push_back(overflow_.get());
  return streams;
}

void SyncStorage::drain_all(std::size_t reader_count) {
  for (Stream* stream : snapshot_streams()) drain(*stream, reader_count);
}

bool SyncStorage::collect(const ReaderView& view, MetricData& out) {
  const std::vector<Stream*> streams = snapshot_streams();
  out.name = descriptor_.name;
  out.description = descriptor_.description;
  out.unit = descriptor_.unit;
  out.temporality = view.temporality;
  if (descriptor_.kind == InstrumentKind::kHistogram) {
    out.type = MetricData::Type::kHistogram;
  } else {
    out.type = MetricData::Type::kSum;
    out.is_monotonic = descriptor_.kind == InstrumentKind::kCounter;
  }
  for (Stream* stream : streams) {
    drain(*stream, view.reader_count);
    emit(*stream, view, out);
  }
  return !out.number_points.empty() || !out.histogram_points.empty();
}

}  // namespace kafkatrace::otel::internal
