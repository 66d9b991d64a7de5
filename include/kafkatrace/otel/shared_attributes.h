// SharedAttributes: span attributes built once and shared by many spans — the ones an
// instrumentation sets to the same values on every span of a kind (a Kafka consumer's system,
// operation, topic, group and client id on each process span of a topic).
//
//   auto common = kafkatrace::otel::SharedAttributes::make(
//       {{"messaging.system", "kafka"}, {"messaging.destination.name", "orders"}});
//   auto span = tracer.start_span("process orders", {.attributes = {{"messaging.kafka.offset",
//   42}},
//                                                   .shared_attributes = common.get()});
//
// Such a span records a reference to the list instead of a copy of each attribute, and the OTLP
// protobuf exporter encodes the list once and copies the bytes into every span that refers to
// it. What the span carries is the same either way: the shared attributes, then its own (see
// SpanData::shared_attributes). Setting a key the list holds (in start_span or later) replaces
// the value for that span only: the span then copies the list and drops the reference.
//
// Immutable after make(); thread-safe to share. Spans (and recycled span records) keep the list
// alive while they refer to it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>

#include "kafkatrace/otel/attribute.h"
#include "kafkatrace/otel/span.h"

namespace kafkatrace::otel {

class SharedAttributes final : public std::enable_shared_from_this<SharedAttributes> {
 public:
  // Copies `attributes`: empty keys are left out, and of a repeated key the last value counts
  // (as when they are set one by one on a span). Throws std::bad_alloc.
  static std::shared_ptr<const SharedAttributes> make(std::span<const SpanAttribute> attributes);
  static std::shared_ptr<const SharedAttributes> make(
      std::initializer_list<SpanAttribute> attributes) {
    return make(std::span<const SpanAttribute>(attributes.begin(), attributes.size()));
  }

  const Attributes& attributes() const noexcept { return attributes_; }
  std::size_t size() const noexcept { return attributes_.size(); }
  // Unique among the lists of this process, never reused: caches (an exporter's encoding of
  // the list) are keyed on it.
  std::uint64_t id() const noexcept { return id_; }
  // The longest string value (array elements included), in bytes: whether a value length limit
  // would cut any.
  std::size_t longest_text() const noexcept { return longest_text_; }
  // Whether `key` is in the list.
  bool contains(std::string_view key) const noexcept;

 private:
  struct Token {};

 public:
  SharedAttributes(Token, Attributes attributes) noexcept;  // for make() only

 private:
  Attributes attributes_;
  std::uint64_t id_ = 0;
  std::size_t longest_text_ = 0;
  std::uint64_t key_filter_ = 0;  // one bit per key, as internal::key_filter_bit sets them
};

}  // namespace kafkatrace::otel
