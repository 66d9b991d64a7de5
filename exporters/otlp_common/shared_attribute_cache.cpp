#include "otlp_common/shared_attribute_cache.h"

#include "otlp_common/otlp_proto_common.h"

namespace kafkatrace::exporters::otlp {

std::string_view SharedAttributeCache::encoded(const otel::SharedAttributes& shared,
                                               std::uint32_t field) {
  // Spans of one list usually come in runs (a consumer's process spans of one topic).
  if (last_ != nullptr && last_id_ == shared.id() && last_->field == field) return last_->bytes;
  auto found = entries_.find(shared.id());
  if (found == entries_.end() || found->second.field != field) {
    if (entries_.size() >= kMaxEntries) entries_.clear();
    scratch_.clear();
    write_key_values(scratch_, field, shared.attributes());
    Entry& entry = entries_[shared.id()];
    entry.field = field;
    entry.bytes.assign(scratch_.view());
    found = entries_.find(shared.id());
  }
  last_id_ = shared.id();
  last_ = &found->second;
  return last_->bytes;
}

}  // namespace kafkatrace::exporters::otlp
