// Baggage: W3C Baggage name/value pairs (with optional properties) carried with a context.
// Immutable and cheap to copy: an empty baggage holds nothing, a non-empty one shares entries.
//
//   auto baggage = kafkatrace::otel::Baggage{}.set("tenant", "acme");
//   std::optional<std::string_view> tenant = baggage.get("tenant");
//   auto context = kafkatrace::otel::Context::current().with_baggage(baggage);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafkatrace::otel {

class Baggage final {
 public:
  struct Entry {
    std::string name;
    std::string value;     // decoded (no percent-encoding)
    std::string metadata;  // the raw ";"-separated properties, "" when none
    friend bool operator==(const Entry&, const Entry&) = default;
  };

  Baggage() noexcept = default;

  bool empty() const noexcept { return entries_ == nullptr || entries_->empty(); }
  std::size_t size() const noexcept { return entries_ ? entries_->size() : 0; }
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  // A new baggage with name=value (replacing an entry of that name).
  Baggage set(std::string_view name, std::string_view value, std::string_view metadata = {}) const;
  Baggage erase(std::string_view name) const;
  // A baggage holding `entries`, in order; a repeated name keeps its first position and its last
  // value and metadata, as if each entry were set() in turn (one allocation instead of n).
  static Baggage from_entries(std::vector<Entry> entries);
  const std::vector<Entry>& entries() const noexcept;

  friend bool operator==(const Baggage& a, const Baggage& b) noexcept {
    return a.entries() == b.entries();
  }

 private:
  explicit Baggage(std::shared_ptr<const std::vector<Entry>> entries) noexcept
      : entries_(std::move(entries)) {}
  std::shared_ptr<const std::vector<Entry>> entries_;
};

}  // namespace kafkatrace::otel
