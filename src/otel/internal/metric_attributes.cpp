#include "otel/internal/metric_attributes.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <variant>

namespace kafkatrace::otel::internal {
namespace {

constexpr std::uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;

constexpr std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::uint64_t load64(const char* bytes) noexcept {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

std::uint64_t load32(const char* bytes) noexcept {
  std::uint32_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// 64x64 -> 128-bit multiply, folded: one multiply mixes both words thoroughly.
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 Uint128;
std::uint64_t fold(std::uint64_t a, std::uint64_t b) noexcept {
  const Uint128 product = static_cast<Uint128>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}
#else
std::uint64_t fold(std::uint64_t a, std::uint64_t b) noexcept {
  return mix(a ^ mix(b));
}
#endif

// Attribute keys and values are short: read them a word at a time (overlapping reads cover
// the tail) rather than byte by byte. Process-local: the values are never stored or sent.
std::uint64_t hash_bytes(std::string_view text) noexcept {
  constexpr std::uint64_t kSecret = 0xa0761d6478bd642fULL;
  const char* data = text.data();
  std::size_t size = text.size();
  std::uint64_t seed = kMultiplier ^ (size * kSecret);
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (size <= 16) {
    if (size >= 8) {
      a = load64(data);
      b = load64(data + size - 8);
    } else if (size >= 4) {
      a = load32(data);
      b = load32(data + size - 4);
    } else if (size > 0) {
      a = (std::uint64_t{static_cast<unsigned char>(data[0])} << 16) |
          (std::uint64_t{static_cast<unsigned char>(data[size / 2])} << 8) |
          static_cast<unsigned char>(data[size - 1]);
    }
  } else {
    const char* const end = data + size;
    while (end - data > 16) {
      seed = fold(load64(data) ^ kSecret, load64(data + 8) ^ seed);
      data += 16;
    }
    a = load64(end - 16);
    b = load64(end - 8);
  }
  return fold(a ^ kSecret ^ size, fold(b ^ seed, kMultiplier));
}

// Every value hashes as (type tag, payload) so that a view and its owning copy agree.
std::uint64_t hash_scalar(bool value) noexcept {
  return mix(1 + (value ? 2 : 0));
}
std::uint64_t hash_scalar(std::int64_t value) noexcept {
  return mix(static_cast<std::uint64_t>(value) * kMultiplier + 3);
}
std::uint64_t hash_scalar(double value) noexcept {
  return mix(std::bit_cast<std::uint64_t>(value) * kMultiplier + 5);
}
std::uint64_t hash_scalar(std::string_view value) noexcept {
  return hash_bytes(value) + 7;
}

template <class Vector>
std::uint64_t hash_array(const Vector& values, std::uint64_t tag) noexcept {
  std::uint64_t hash = tag;
  for (const auto& element : values) {
    if constexpr (std::is_same_v<typename Vector::value_type, std::string>) {
      hash = mix(hash * kMultiplier + hash_scalar(std::string_view(element)));
    } else {
      hash =
          mix(hash * kMultiplier + hash_scalar(static_cast<typename Vector::value_type>(element)));
    }
  }
  return hash;
}

std::uint64_t hash_value(const AttributeValue& value) noexcept {
  switch (value.index()) {
    case 0: return hash_scalar(std::get<bool>(value));
    case 1: return hash_scalar(std::get<std::int64_t>(value));
    case 2: return hash_scalar(std::get<double>(value));
    case 3: return hash_scalar(std::string_view(std::get<std::string>(value)));
    case 4: return hash_array(std::get<std::vector<bool>>(value), 11);
    case 5: return hash_array(std::get<std::vector<std::int64_t>>(value), 13);
    case 6: return hash_array(std::get<std::vector<double>>(value), 17);
    default: return hash_array(std::get<std::vector<std::string>>(value), 19);
  }
}

// The view's alternatives are dispatched by type, so that scalars, string views and (pointers
// to) arrays or AttributeValues all hash like their owning copies.
template <class T>
std::uint64_t hash_alternative(const T& value) noexcept {
  if constexpr (std::is_pointer_v<T>) {
    return hash_alternative(*value);
  } else if constexpr (std::is_same_v<T, AttributeValue>) {
    return hash_value(value);
  } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
    return hash_array(value, 11);
  } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
    return hash_array(value, 13);
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    return hash_array(value, 17);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return hash_array(value, 19);
  } else {
    return hash_scalar(value);
  }
}

std::uint64_t hash_value(const AttributeArg& arg) noexcept {
  return std::visit([](const auto& value) { return hash_alternative(value); }, arg.value());
}

std::uint64_t hash_pair(std::string_view key, std::uint64_t value_hash) noexcept {
  return mix(hash_bytes(key) * kMultiplier + value_hash);
}

// Doubles compare bitwise, so that NaN attributes still find their stream.
template <class T>
bool same_alternative(const T& value, const AttributeValue& stored) noexcept {
  if constexpr (std::is_pointer_v<T>) {
    return same_alternative(*value, stored);
  } else if constexpr (std::is_same_v<T, AttributeValue>) {
    return value == stored;
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    const auto* other = std::get_if<std::string>(&stored);
    return other != nullptr && std::string_view(*other) == value;
  } else if constexpr (std::is_same_v<T, double>) {
    const auto* other = std::get_if<double>(&stored);
    return other != nullptr &&
           std::bit_cast<std::uint64_t>(*other) == std::bit_cast<std::uint64_t>(value);
  } else {
    const auto* other = std::get_if<T>(&stored);
    return other != nullptr && *other == value;
  }
}

bool same_value(const AttributeArg& arg, const AttributeValue& stored) noexcept {
  return std::visit([&](const auto& value) { return same_alternative(value, stored); },
                    arg.value());
}

}  // namespace

std::uint64_t hash_attributes(std::span<const MetricAttribute> attributes) noexcept {
  std::uint64_t hash = 0;
  for (const auto& attribute : attributes) {
    hash += hash_pair(attribute.key, hash_value(attribute.value));
  }
  return hash;
}

std::uint64_t hash_attributes(const Attributes& attributes) noexcept {
  std::uint64_t hash = 0;
  for (const auto& attribute : attributes)
    hash += hash_pair(attribute.key, hash_value(attribute.value));
  return hash;
}

bool same_attributes(std::span<const MetricAttribute> input, const Attributes& stored) noexcept {
  const std::size_t size = stored.size();
  if (input.size() != size) return false;
  if (size > 64) return false;  // the slow path compares normalised copies
  std::uint64_t matched = 0;
  for (const auto& attribute : input) {
    std::size_t index = 0;
    while (index < size && stored[index].key != attribute.key) ++index;
    if (index == size || !same_value(attribute.value, stored[index].value)) return false;
    matched |= std::uint64_t{1} << index;
  }
  // A duplicate key in the input matches one stored pair twice and leaves another unmatched.
  return matched == (size == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << size) - 1);
}

Attributes normalize_attributes(std::span<const MetricAttribute> input) {
  Attributes attributes;
  attributes.reserve(input.size());
  for (const auto& attribute : input) {
    attributes.push_back(KeyValue{std::string(attribute.key), attribute.value.to_value()});
  }
  return normalize_attributes(std::move(attributes));
}

Attributes normalize_attributes(Attributes attributes) {
  // Stable sort keeps duplicates in call order; keeping the last of each run = last one wins.
  std::stable_sort(attributes.begin(), attributes.end(),
                   [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
  Attributes unique;
  unique.reserve(attributes.size());
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (i + 1 < attributes.size() && attributes[i + 1].key == attributes[i].key) continue;
    unique.push_back(std::move(attributes[i]));
  }
  return unique;
}

}  // namespace kafkatrace::otel::internal
