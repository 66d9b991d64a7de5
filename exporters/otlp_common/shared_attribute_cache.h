// SharedAttributeCache: the protobuf encoding of each SharedAttributes list an encoder meets
// (the list as repeated KeyValue fields, ready to copy into every span that refers to it), keyed
// on the list's id. A list is encoded the first time and copied after that; the span's own
// attributes follow it, so the bytes are those of the same span with the list copied in.
//
// Bounded: past kMaxEntries lists it starts over. Ids are never reused, so an entry is never
// stale, only unused. Not thread-safe: one per encoder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kafkatrace/otel/shared_attributes.h"
#include "otlp_common/protobuf_writer.h"

namespace kafkatrace::exporters::otlp {

class SharedAttributeCache {
 public:
  static constexpr std::size_t kMaxEntries = 1024;

  // `shared` encoded as repeated field `field` (KeyValue messages). Valid until the next call.
  std::string_view encoded(const otel::SharedAttributes& shared, std::uint32_t field);

 private:
  struct Entry {
    std::uint32_t field = 0;
    std::string bytes;
  };
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::uint64_t last_id_ = 0;  // the last list looked up, and its entry
  const Entry* last_ = nullptr;
  ProtobufWriter scratch_;
};

}  // namespace kafkatrace::exporters::otlp
