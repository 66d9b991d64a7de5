#include "kafkatrace/otel/trace_state.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace kafkatrace::otel {
namespace {

// W3C Trace Context level 1, "tracestate" grammar limits.
constexpr std::size_t kMaxSimpleKeySize = 256;
constexpr std::size_t kMaxTenantSize = 241;
constexpr std::size_t kMaxSystemSize = 14;
constexpr std::size_t kMaxValueSize = 256;
// Entries larger than this are the first dropped when a header must be truncated.
constexpr std::size_t kLargeEntrySize = 128;

constexpr bool is_lcalpha(char c) noexcept {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr bool is_key_char(char c) noexcept {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}
constexpr bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

// `first_ok` checks the first character, then up to max_size - 1 key characters follow.
template <typename FirstCheck>
bool is_valid_key_part(std::string_view part, std::size_t max_size, FirstCheck first_ok) noexcept {
  if (part.empty() || part.size() > max_size || !first_ok(part.front())) return false;
  for (char c : part.substr(1))
    if (!is_key_char(c)) return false;
  return true;
}

std::string_view trim_ows(std::string_view text) noexcept {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

const std::vector<TraceState::Entry>& empty_entries() noexcept {
  static const std::vector<TraceState::Entry> empty;
  return empty;
}

std::size_t entry_size(const TraceState::Entry& entry) noexcept {
  return entry.first.size() + 1 + entry.second.size();
}

}  // namespace

bool TraceState::is_valid_key(std::string_view key) noexcept {
  auto at = key.find('@');
  if (at == std::string_view::npos) return is_valid_key_part(key, kMaxSimpleKeySize, is_lcalpha);
  auto tenant_first = [](char c) { return is_lcalpha(c) || is_digit(c); };
  return is_valid_key_part(key.substr(0, at), kMaxTenantSize, tenant_first) &&
         is_valid_key_part(key.substr(at + 1), kMaxSystemSize, is_lcalpha);
}

bool TraceState::is_valid_value(std::string_view value) noexcept {
  if (value.empty() || value.size() > kMaxValueSize || value.back() == ' ') return false;
  for (char c : value)
    if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
  return true;
}

TraceState TraceState::parse(std::string_view header) noexcept {
  try {
    std::vector<Entry> entries;
    while (true) {
      auto comma = header.find(',');
      auto member = trim_ows(header.substr(0, comma));
      if (!member.empty()) {
        auto equals = member.find('=');
        if (equals == std::string_view::npos) return {};
        auto key = member.substr(0, equals);
        auto value = member.substr(equals + 1);
        if (!is_valid_key(key) || !is_valid_value(value) || entries.size() == kMaxEntries) {
          return {};
        }
        for (const auto& entry : entries)
          if (entry.first == key) return {};  // duplicate keys invalidate the header
        entries.emplace_back(std::string{key}, std::string{value});
      }
      if (comma == std::string_view::npos) break;
      header.remove_prefix(comma + 1);
    }
    if (entries.empty()) return {};
    return TraceState{std::make_shared<const std::vector<Entry>>(std::move(entries))};
  } catch (...) {
    return {};  // out of memory: behave as if the header were absent
  }
}

std::optional<std::string_view> TraceState::get(std::string_view key) const noexcept {
  for (const auto& entry : entries())
    if (entry.first == key) return std::string_view{entry.second};
  return std::nullopt;
}

TraceState TraceState::set(std::string_view key, std::string_view value) const {
  if (!is_valid_key(key) || !is_valid_value(value)) return *this;
  std::vector<Entry> entries;
  entries.reserve(std::min(size() + 1, kMaxEntries));
  entries.emplace_back(std::string{key}, std::string{value});
  for (const auto& entry : this->entries()) {
    if (entries.size() == kMaxEntries) break;
    if (entry.first != key) entries.push_back(entry);
  }
  return TraceState{std::make_shared<const std::vector<Entry>>(std::move(entries))};
}

TraceState TraceState::erase(std::string_view key) const {
  if (!get(key)) return *this;
  std::vector<Entry> entries;
  for (const auto& entry : this->entries())
    if (entry.first != key) entries.push_back(entry);
  if (entries.empty()) return {};
  return TraceState{std::make_shared<const std::vector<Entry>>(std::move(entries))};
}

const std::vector<TraceState::Entry>& TraceState::entries() const noexcept {
  return entries_ ? *entries_ : empty_entries();
}

std::size_t TraceState::write_header(std::span<char> out) const noexcept {
  const auto& all = entries();
  const std::size_t count = std::min(all.size(), kMaxEntries);
  std::array<bool, kMaxEntries> keep{};
  std::size_t total = 0;  // serialised size of the kept entries, commas included
  for (std::size_t i = 0; i < count; ++i) {
    keep[i] = true;
    total += entry_size(all[i]) + (i > 0 ? 1 : 0);
  }
  // Truncation as the spec advises: large entries first, then from the end. Removing one of
  // several entries removes one comma; removing the last one left removes none (the min()).
  auto drop = [&](std::size_t i) {
    keep[i] = false;
    total -= std::min(total, entry_size(all[i]) + 1);
  };
  for (std::size_t i = count; i-- > 0 && total > out.size();)
    if (entry_size(all[i]) > kLargeEntrySize) drop(i);
  for (std::size_t i = count; i-- > 0 && total > out.size();)
    if (keep[i]) drop(i);

  std::size_t written = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (!keep[i]) continue;
    const auto& [key, value] = all[i];
    std::size_t needed = entry_size(all[i]) + (written > 0 ? 1 : 0);
    if (written + needed > out.size()) continue;  // cannot happen; keeps writes in bounds
    if (written > 0) out[written++] = ',';
    std::memcpy(out.data() + written, key.data(), key.size());
    written += key.size();
    out[written++] = '=';
    std::memcpy(out.data() + written, value.data(), value.size());
    written += value.size();
  }
  return written;
}

std::string TraceState::to_header(std::size_t max_size) const {
  std::size_t full_size = 0;
  for (const auto& entry : entries()) full_size += entry_size(entry) + 1;
  std::string header(std::min(full_size, max_size), '\0');
  header.resize(write_header(header));
  return header;
}

}  // namespace kafkatrace::otel
