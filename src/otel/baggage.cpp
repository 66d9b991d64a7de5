#include "kafkatrace/otel/baggage.h"

#include <algorithm>

namespace kafkatrace::otel {
namespace {

const std::vector<Baggage::Entry>& empty_entries() noexcept {
  static const std::vector<Baggage::Entry> empty;
  return empty;
}

}  // namespace

std::optional<std::string_view> Baggage::get(std::string_view name) const noexcept {
  for (const auto& entry : entries())
    if (entry.name == name) return std::string_view{entry.value};
  return std::nullopt;
}

Baggage Baggage::set(std::string_view name, std::string_view value,
                     std::string_view metadata) const {
  auto entries = std::make_shared<std::vector<Entry>>(this->entries());
  auto it = std::find_if(entries->begin(), entries->end(),
                         [&](const Entry& entry) { return entry.name == name; });
  if (it != entries->end()) {
    it->value.assign(value);
    it->metadata.assign(metadata);
  } else {
    entries->push_back(Entry{std::string{name}, std::string{value}, std::string{metadata}});
  }
  return Baggage{std::move(entries)};
}

Baggage Baggage::erase(std::string_view name) const {
  if (!get(name)) return *this;
  auto entries = std::make_shared<std::vector<Entry>>();
  for (const auto& entry : this->entries())
    if (entry.name != name) entries->push_back(entry);
  if (entries->empty()) return {};
  return Baggage{std::move(entries)};
}

Baggage Baggage::from_entries(std::vector<Entry> entries) {
  std::size_t kept = 0;
  for (auto& entry : entries) {
    auto first = std::find_if(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(kept),
                              [&](const Entry& earlier) { return earlier.name == entry.name; });
    if (first != entries.begin() + static_cast<std::ptrdiff_t>(kept)) {
      first->value = std::move(entry.value);
      first->metadata = std::move(entry.metadata);
    } else {
      if (&entries[kept] != &entry) entries[kept] = std::move(entry);
      ++kept;
    }
  }
  entries.resize(kept);
  if (entries.empty()) return {};
  return Baggage{std::make_shared<const std::vector<Entry>>(std::move(entries))};
}

const std::vector<Baggage::Entry>& Baggage::entries() const noexcept {
  return entries_ ? *entries_ : empty_entries();
}

}  // namespace kafkatrace::otel
