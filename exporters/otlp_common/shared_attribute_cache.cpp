#include "otlp_common/shared_attribute_cache.h"

#include "otlp_common/otlp_proto_common.h"

namespace kafkatrace::exporters::otlp {

std::string_view SharedAttributeCache::encoded(const otel::SharedAttributes& shared,
                                               std::uint32_t field) {
  // Spans of one list usually come in runs (a consumer's process spans of one partition).
  if (last_ != nullptr && last_id_ == shared.id() && last_->field == field) return last_->bytes;
  if (entries_.size() >= kMaxEntries && !entries_.contains(shared.id())) entries_.clear();
  auto [entry, added] = entries_.try_emplace(shared.id());
  if (added || entry->second.field != field) {
    scratch_.clear();
    write_key_values(scratch_, field, shared.attributes());
    entry->second.field = field;
    entry->second.bytes.assign(scratch_.view());
  }
  last_id_ = shared.id();
  last_ = &entry->second;
  return last_->bytes;
}

}  // namespace kafkatrace::exporters::otlp
