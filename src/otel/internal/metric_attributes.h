// Attribute sets of metric streams: an order-insensitive hash and comparison that work on the
// caller's views without allocating, and the owning normalised form a stream keeps.
#pragma once

#include <cstdint>
#include <span>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/instruments.h"

namespace kafkatrace::otel::internal {

// Hash of an attribute set: the per-pair hashes are combined with addition, so the order of
// the pairs does not matter. Equal for a view set and its normalised copy (no duplicate keys).
std::uint64_t hash_attributes(std::span<const MetricAttribute> attributes) noexcept;
std::uint64_t hash_attributes(const Attributes& attributes) noexcept;

// True when `input` (any order) has exactly the pairs of `stored` (a normalised set). An input
// with a duplicate key never matches (it goes to the slow path, which normalises it).
bool same_attributes(std::span<const MetricAttribute> input, const Attributes& stored) noexcept;

// An owning copy sorted by key; of duplicate keys the last one wins. Allocates.
Attributes normalize_attributes(std::span<const MetricAttribute> input);
Attributes normalize_attributes(Attributes attributes);

}  // namespace kafkatrace::otel::internal
