#include "otel/internal/span_attributes.h"

#include <string>
#include <variant>

namespace kafkatrace::otel::internal {
namespace {

void truncate_strings(AttributeValue& value, std::uint32_t length) {
  if (length == UINT32_MAX) return;
  if (auto* text = std::get_if<std::string>(&value)) {
    text->resize(truncate_utf8(*text, length).size());
  } else if (auto* texts = std::get_if<std::vector<std::string>>(&value)) {
    for (auto& item : *texts) item.resize(truncate_utf8(item, length).size());
  }
}

void assign(AttributeValue& slot, const AttributeArg& arg, std::uint32_t length) {
  const auto& value = arg.value();
  switch (value.index()) {
    case 0: slot.emplace<bool>(std::get<0>(value)); return;
    case 1: slot.emplace<std::int64_t>(std::get<1>(value)); return;
    case 2: slot.emplace<double>(std::get<2>(value)); return;
    case 3: {
      const auto text = truncate_utf8(std::get<3>(value), length);
      if (auto* existing = std::get_if<std::string>(&slot)) {
        assign_text(*existing, text);  // reuses the recycled slot's capacity
      } else {
        slot.emplace<std::string>(text);
      }
      return;
    }
    default:
      slot = std::get<4>(value);
      truncate_strings(slot, length);
      return;
  }
}

}  // namespace

std::string_view truncate_utf8_slow(std::string_view text, std::uint32_t length) noexcept {
  std::size_t end = length;
  // Step back over continuation bytes (10xxxxxx) so the cut lands before a sequence start.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

void put_attribute(Attributes& list, std::uint32_t& live, std::uint32_t& dropped,
                   std::uint32_t count_limit, std::uint32_t length_limit, std::string_view key,
                   const AttributeArg& value, std::uint64_t* key_filter) noexcept {
  if (key.empty()) return;
  bool may_repeat = true;
  if (key_filter != nullptr) {
    const std::uint64_t bit = key_filter_bit(key);
    may_repeat = (*key_filter & bit) != 0;
    *key_filter |= bit;
  }
  for (std::uint32_t i = 0; may_repeat && i < live; ++i) {
    const std::string& existing = list[i].key;
    if (existing.size() == key.size() && same_bytes(existing.data(), key.data(), key.size())) {
      assign(list[i].value, value, length_limit);
      return;
    }
  }
  if (live >= count_limit) {
    ++dropped;
    return;
  }
  if (live >= list.size()) list.emplace_back();
  auto& slot = list[live];
  assign_text(slot.key, key);
  assign(slot.value, value, length_limit);
  ++live;
}

void materialize_shared(SpanData& data, std::uint32_t& live, const SpanLimits& limits,
                        std::uint64_t* key_filter) noexcept {
  if (!data.shared_attributes) return;
  const Attributes& shared = data.shared_attributes->attributes();
  try {
    Attributes merged;
    merged.reserve(shared.size() + live);
    std::uint32_t count = 0;
    std::uint64_t filter = 0;
    for (const KeyValue& kv : shared) {
      put_attribute(merged, count, data.dropped_attributes_count, limits.attribute_count,
                    limits.attribute_value_length, kv.key, AttributeArg(kv.value), &filter);
    }
    for (std::uint32_t i = 0; i < live; ++i) {
      const KeyValue& kv = data.attributes[i];
      put_attribute(merged, count, data.dropped_attributes_count, limits.attribute_count,
                    limits.attribute_value_length, kv.key, AttributeArg(kv.value), &filter);
    }
    data.attributes.swap(merged);
    live = count;
    if (key_filter != nullptr) *key_filter = filter;
  } catch (...) {
    data.dropped_attributes_count += static_cast<std::uint32_t>(shared.size());
  }
  data.shared_attributes.reset();
}

void copy_links(SpanData& data, std::span<const SpanLink> links,
                const SpanLimits& limits) noexcept {
  for (const auto& link : links) {
    if (!link.context.is_valid()) continue;
    if (data.links.size() >= limits.link_count) {
      ++data.dropped_links_count;
      continue;
    }
    try {
      auto& copy = data.links.emplace_back();
      copy.context = link.context;
      copy.dropped_attributes_count = link.dropped_attributes_count;
      std::uint32_t live = 0;
      for (const auto& kv : link.attributes) {
        put_attribute(copy.attributes, live, copy.dropped_attributes_count,
                      limits.link_attribute_count, limits.attribute_value_length, kv.key,
                      AttributeArg(kv.value));
      }
    } catch (...) {
      ++data.dropped_links_count;  // out of memory: the link is counted as dropped
    }
  }
}

}  // namespace kafkatrace::otel::internal
