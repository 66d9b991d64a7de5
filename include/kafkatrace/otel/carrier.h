// TextMapCarrier: what propagators read headers from and write headers to — Kafka record
// headers, HTTP headers, a std::map — behind one small interface; plus two concrete carriers.
//
//   std::map<std::string, std::string> headers;
//   kafkatrace::otel::MapCarrier carrier{headers};
//   kafkatrace::otel::global_propagator().inject(kafkatrace::otel::Context::current(), carrier);
//
// Key semantics (what every implementation must do):
// - get() returns the LAST value stored under `key`, or nullopt. A Kafka header list may hold
//   one name several times; the last one wins, as in OpenTelemetry Java's Kafka instrumentation
//   (`Headers::lastHeader`). for_each_value() visits every value of `key` in order, for
//   propagators that combine repeated headers (baggage).
// - set() REPLACES: afterwards get(key) returns `value` and no other value of `key` remains.
//   A producer re-sending a record must overwrite a stale `traceparent`, never add a second.
// - Keys are compared exactly (case-sensitive), like Kafka header names. Propagators always use
//   lower-case names; a carrier over HTTP headers should compare case-insensitively itself.
//
// Threading and cost: a carrier is used by one thread at a time. set() receives views that are
// valid only during the call (often into a stack buffer) and must copy what it keeps; it should
// reuse existing storage so that injecting into a reused carrier allocates nothing. No method
// may throw: a carrier that cannot store a value drops it.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace kafkatrace::otel {

class TextMapCarrier {
 public:
  // What for_each_key / for_each_value call per key or value; returning false stops the
  // iteration. A non-owning reference to any callable `bool(std::string_view)` (two pointers,
  // never allocates), valid only during the call it is passed to. The callable must not throw.
  class Visitor final {
   public:
    template <typename F>
    requires(std::is_invocable_r_v<bool, F&, std::string_view> &&
             !std::is_same_v<std::remove_cvref_t<F>, Visitor>) Visitor(F&& callable)
    noexcept  // NOLINT(google-explicit-constructor): lambdas convert
        : callable_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
          call_([](void* object, std::string_view text) -> bool {
            return (*static_cast<std::remove_reference_t<F>*>(object))(text);
          }) {}
    bool operator()(std::string_view text) const { return call_(callable_, text); }

   private:
    void* callable_;
    bool (*call_)(void*, std::string_view);
  };

  virtual ~TextMapCarrier() = default;

  virtual std::optional<std::string_view> get(std::string_view key) const noexcept = 0;
  virtual void set(std::string_view key, std::string_view value) noexcept = 0;
  // Every key once per occurrence (duplicates included), in carrier order.
  virtual void for_each_key(Visitor visit) const noexcept = 0;
  // Every value stored under `key`, in order. The default visits get(key) only, which is right
  // for carriers that cannot hold duplicates.
  virtual void for_each_value(std::string_view key, Visitor visit) const noexcept {
    if (auto value = get(key)) visit(*value);
  }

 protected:
  TextMapCarrier() = default;
  TextMapCarrier(const TextMapCarrier&) = default;
  TextMapCarrier& operator=(const TextMapCarrier&) = default;
};

// A carrier over a std::map / std::unordered_map from std::string to std::string owned by the
// caller, who keeps it alive while the carrier is used. Maps with a transparent comparator or
// hash (e.g. std::map<std::string, std::string, std::less<>>) are searched without building a
// key string; other maps build one per lookup (free for keys of up to 15 characters).
template <typename Map>
class MapCarrier final : public TextMapCarrier {
 public:
  explicit MapCarrier(Map& map) noexcept : map_(&map) {}

  std::optional<std::string_view> get(std::string_view key) const noexcept override {
    auto it = find(key);
    if (it == map_->end()) return std::nullopt;
    return std::string_view{it->second};
  }

  void set(std::string_view key, std::string_view value) noexcept override {
    try {
      auto it = find(key);
      if (it != map_->end()) {
        it->second.assign(value);  // reuses the old value's capacity
      } else {
        map_->emplace(std::string{key}, std::string{value});
      }
    } catch (...) {
      // Out of memory: the header is dropped, as the interface allows.
    }
  }

  void for_each_key(Visitor visit) const noexcept override {
    for (const auto& [key, value] : *map_)
      if (!visit(key)) return;
  }

 private:
  auto find(std::string_view key) const {
    if constexpr (requires { map_->find(key); }) {
      return map_->find(key);
    } else {
      return map_->find(std::string{key});
    }
  }

  Map* map_;
};

// A carrier over an ordered list of (name, value) pairs owned by the caller — the shape of Kafka
// record headers. It may hold duplicate names; set() overwrites the last occurrence in place and
// erases earlier ones.
class VectorCarrier final : public TextMapCarrier {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  explicit VectorCarrier(Headers& headers) noexcept : headers_(&headers) {}

  std::optional<std::string_view> get(std::string_view key) const noexcept override {
    for (auto it = headers_->rbegin(); it != headers_->rend(); ++it)
      if (it->first == key) return std::string_view{it->second};
    return std::nullopt;
  }

  void set(std::string_view key, std::string_view value) noexcept override {
    try {
      auto last = std::find_if(headers_->rbegin(), headers_->rend(),
                               [&](const auto& header) { return header.first == key; });
      if (last == headers_->rend()) {
        headers_->emplace_back(std::string{key}, std::string{value});
        return;
      }
      last->second.assign(value);
      auto keep = std::prev(last.base());
      auto end = std::remove_if(headers_->begin(), keep,
                                [&](const auto& header) { return header.first == key; });
      headers_->erase(end, keep);
    } catch (...) {
      // Out of memory: the header is dropped, as the interface allows.
    }
  }

  void for_each_key(Visitor visit) const noexcept override {
    for (const auto& header : *headers_)
      if (!visit(header.first)) return;
  }

  void for_each_value(std::string_view key, Visitor visit) const noexcept override {
    for (const auto& header : *headers_)
      if (header.first == key && !visit(header.second)) return;
  }

 private:
  Headers* headers_;
};

}  // namespace kafkatrace::otel
