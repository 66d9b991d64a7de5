// TraceState: the W3C `tracestate` list of vendor entries, immutable and cheap to copy
// (an empty state holds nothing; a non-empty one shares its entries).
//
//   auto state = kafkatrace::otel::TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
//   std::optional<std::string_view> rojo = state.get("rojo");
//   std::string header = state.set("kt", "1").to_header();   // "kt=1,rojo=...,congo=..."
//
// parse() follows W3C Trace Context level 1: at most 32 entries, keys and values validated,
// empty members and optional whitespace tolerated; a malformed header yields an empty state
// (the spec's "discard the whole tracestate"). Duplicate keys make the header invalid.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kafkatrace::otel {

class TraceState final {
 public:
  static constexpr std::size_t kMaxEntries = 32;
  using Entry = std::pair<std::string, std::string>;

  TraceState() noexcept = default;

  static TraceState parse(std::string_view header) noexcept;
  static bool is_valid_key(std::string_view key) noexcept;
  static bool is_valid_value(std::string_view value) noexcept;

  bool empty() const noexcept { return entries_ == nullptr || entries_->empty(); }
  std::size_t size() const noexcept { return entries_ ? entries_->size() : 0; }
  std::optional<std::string_view> get(std::string_view key) const noexcept;
  // A new state with key=value first (replacing an old entry of that key); the same state if the
  // key or value is invalid. Drops the last entry when 32 would be exceeded.
  TraceState set(std::string_view key, std::string_view value) const;
  TraceState erase(std::string_view key) const;
  // Serialised as "k1=v1,k2=v2", at most `max_size` characters: entries that do not fit are
  // dropped from the end, as the spec allows when truncating.
  std::string to_header(std::size_t max_size = 512) const;
  // The same text written into `out` (at most out.size() characters) without allocating;
  // returns the number of characters written.
  std::size_t write_header(std::span<char> out) const noexcept;
  const std::vector<Entry>& entries() const noexcept;

  friend bool operator==(const TraceState& a, const TraceState& b) noexcept {
    return a.entries() == b.entries();
  }

 private:
  explicit TraceState(std::shared_ptr<const std::vector<Entry>> entries) noexcept
      : entries_(std::move(entries)) {}
  std::shared_ptr<const std::vector<Entry>> entries_;
};

}  // namespace kafkatrace::otel
