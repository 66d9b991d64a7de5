// SharedAttributes: building the list (deduplicated, empty keys left out) and its facts.
#include "kafkatrace/otel/shared_attributes.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <variant>

#include "kafkatrace/otel/span_data.h"
#include "otel/internal/span_attributes.h"

namespace kafkatrace::otel {
namespace {

std::uint64_t next_id() noexcept {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::size_t longest_text_of(const AttributeValue& value) noexcept {
  if (const auto* text = std::get_if<std::string>(&value)) return text->size();
  std::size_t longest = 0;
  if (const auto* texts = std::get_if<std::vector<std::string>>(&value)) {
    for (const auto& item : *texts) longest = std::max(longest, item.size());
  }
  return longest;
}

}  // namespace

std::shared_ptr<const SharedAttributes> SharedAttributes::make(
    std::span<const SpanAttribute> attributes) {
  Attributes list;
  list.reserve(attributes.size());
  for (const SpanAttribute& attribute : attributes) {
    if (attribute.key.empty()) continue;
    bool replaced = false;
    for (KeyValue& existing : list) {
      if (existing.key == attribute.key) {
        existing.value = attribute.value.to_value();
        replaced = true;
        break;
      }
    }
    if (!replaced) list.push_back({std::string(attribute.key), attribute.value.to_value()});
  }
  return std::make_shared<const SharedAttributes>(Token{}, std::move(list));
}

SharedAttributes::SharedAttributes(Token, Attributes attributes) noexcept
    : attributes_(std::move(attributes)), id_(next_id()) {
  for (const KeyValue& attribute : attributes_) {
    longest_text_ = std::max(longest_text_, longest_text_of(attribute.value));
    key_filter_ |= internal::key_filter_bit(attribute.key);
  }
}

bool SharedAttributes::contains(std::string_view key) const noexcept {
  if ((key_filter_ & internal::key_filter_bit(key)) == 0) return false;
  for (const KeyValue& attribute : attributes_) {
    if (attribute.key == key) return true;
  }
  return false;
}

const Attributes& all_attributes(const SpanData& span, Attributes& buffer) {
  if (!span.shared_attributes) return span.attributes;
  const Attributes& shared = span.shared_attributes->attributes();
  buffer.clear();
  buffer.reserve(shared.size() + span.attributes.size());
  buffer.insert(buffer.end(), shared.begin(), shared.end());
  buffer.insert(buffer.end(), span.attributes.begin(), span.attributes.end());
  return buffer;
}

}  // namespace kafkatrace::otel
