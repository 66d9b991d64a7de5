// Fuzz target: OTLP trace encoding round trips. A batch of spans is built from the input
// (otlp_span_builder.cpp), encoded as protobuf and as OTLP/JSON, and decoded again by readers
// written from the OTLP specification (otlp_proto_reader.cpp, otlp_json_reader.cpp).
// Invariants checked:
// - both outputs are accepted by the strict readers: canonical field order, no proto3 defaults,
//   valid UTF-8 everywhere, well-formed ids, flags with the is_remote bits;
// - decoding gives back every span, grouped by resource then scope (first-appearance order,
//   spans in their original order within a group), with every string as the encoders document
//   (invalid UTF-8 bytes each replaced by U+FFFD) and every other field exactly (doubles bit for
//   bit in protobuf; NaN as "NaN" in JSON);
// - protobuf and JSON carry the same spans;
// - encoding is deterministic and idempotent: a warm encoder writes the same bytes as a fresh
//   one, and re-encoding the decoded spans reproduces the output byte for byte.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_check.h"
#include "kafkatrace/exporters/otlp_encoding.h"
#include "kafkatrace/otel/resource.h"
#include "otlp_model.h"
#include "utf8_reference.h"

namespace {

using namespace kafkatrace;
using fuzz::replace_invalid_utf8;

otel::Attributes sanitized(const otel::Attributes& attributes) {
  otel::Attributes result = attributes;
  for (auto& attribute : result) {
    attribute.key = replace_invalid_utf8(attribute.key);
    if (auto* text = std::get_if<std::string>(&attribute.value))
      *text = replace_invalid_utf8(*text);
    if (auto* texts = std::get_if<std::vector<std::string>>(&attribute.value))
      for (auto& text : *texts) text = replace_invalid_utf8(text);
  }
  return result;
}

// What a receiver must see: the spans in grouped order with their strings sanitized, the
// fields the wire does not carry normalised, and the group index of each.
struct Expected {
  fuzz::DecodedBatch batch;
  bool groups_distinct = true;  // no two groups became equal by sanitizing (re-encoding merges)
};

Expected expected_batch(const fuzz::SpanList& spans) {
  // Ordinals by first appearance; resources/scopes are the same when the pointer or the value is.
  std::vector<const otel::Resource*> resources;
  std::vector<const otel::InstrumentationScope*> scopes;
  const auto ordinal = [](auto& seen, const auto* item, auto same) {
    for (std::size_t i = 0; i < seen.size(); ++i)
      if (seen[i] == item || (seen[i] != nullptr && item != nullptr && same(*seen[i], *item)))
        return i;
    seen.push_back(item);
    return seen.size() - 1;
  };
  const auto same_resource = [](const otel::Resource& a, const otel::Resource& b) {
    return a.schema_url() == b.schema_url() && a.attributes() == b.attributes();
  };
  const auto same_scope = [](const auto& a, const auto& b) { return a == b; };
  // Grouped by resource (first appearance), then by scope in the order the scopes first appear
  // inside that resource: (resource, group ordinal), with the scope ordinal kept beside it.
  struct Keyed {
    std::pair<std::size_t, std::size_t> first;  // resource ordinal, group ordinal
    std::size_t scope;
    const otel::SpanData* span;
  };
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // (resource, scope) by appearance
  std::vector<Keyed> keyed;
  for (const auto& span : spans) {
    const std::size_t resource = ordinal(resources, span->resource.get(), same_resource);
    const std::size_t scope = ordinal(scopes, span->scope.get(), same_scope);
    const auto found = std::find(groups.begin(), groups.end(), std::pair{resource, scope});
    const auto group = static_cast<std::size_t>(found - groups.begin());
    if (found == groups.end()) groups.emplace_back(resource, scope);
    keyed.push_back({{resource, group}, scope, span.get()});
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  Expected expected;
  std::map<std::size_t, std::shared_ptr<const otel::Resource>> clean_resources;
  std::map<std::size_t, std::shared_ptr<const otel::InstrumentationScope>> clean_scopes;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (resources[i] == nullptr) continue;
    clean_resources[i] = std::make_shared<const otel::Resource>(
        sanitized(resources[i]->attributes()), replace_invalid_utf8(resources[i]->schema_url()));
  }
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    if (scopes[i] == nullptr) continue;
    clean_scopes[i] = std::make_shared<const otel::InstrumentationScope>(otel::InstrumentationScope{
        replace_invalid_utf8(scopes[i]->name), replace_invalid_utf8(scopes[i]->version),
        replace_invalid_utf8(scopes[i]->schema_url)});
  }
  for (const auto& [a, x] : clean_resources)
    for (const auto& [b, y] : clean_resources)
      if (a < b && same_resource(*x, *y)) expected.groups_distinct = false;
  for (const auto& [a, x] : clean_scopes)
    for (const auto& [b, y] : clean_scopes)
      if (a < b && *x == *y) expected.groups_distinct = false;

  std::size_t resource_run = 0;
  std::size_t scope_run = 0;
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    const auto& key = keyed[i].first;
    const otel::SpanData* original = keyed[i].span;
    const std::size_t scope_ordinal = keyed[i].scope;
    if (i > 0 && key.first != keyed[i - 1].first.first) ++resource_run;
    if (i > 0 && key != keyed[i - 1].first) ++scope_run;
    auto span = std::make_unique<otel::SpanData>(*original);
    span->resource = clean_resources.count(key.first) ? clean_resources[key.first] : nullptr;
    span->scope = clean_scopes.count(scope_ordinal) ? clean_scopes[scope_ordinal] : nullptr;
    span->context.is_remote = false;  // not on the wire for the span itself
    span->parent_is_remote = span->parent_span_id.is_valid() && span->parent_is_remote;
    span->name = replace_invalid_utf8(span->name);
    span->status_message = replace_invalid_utf8(span->status_message);
    span->attributes = sanitized(span->attributes);
    for (auto& event : span->events) {
      event.name = replace_invalid_utf8(event.name);
      event.attributes = sanitized(event.attributes);
    }
    for (auto& link : span->links) link.attributes = sanitized(link.attributes);
    expected.batch.spans.push_back(std::move(span));
    expected.batch.resource_group.push_back(resource_run);
    expected.batch.scope_group.push_back(scope_run);
  }
  return expected;
}

void check_same(const fuzz::DecodedBatch& expected, const fuzz::DecodedBatch& actual,
                fuzz::NanMatch nan, const char* what) {
  FUZZ_CHECK_MESSAGE(expected.spans.size() == actual.spans.size(), what);
  FUZZ_CHECK_MESSAGE(expected.resource_group == actual.resource_group, what);
  FUZZ_CHECK_MESSAGE(expected.scope_group == actual.scope_group, what);
  for (std::size_t i = 0; i < expected.spans.size(); ++i) {
    const std::string difference = fuzz::compare_spans(*expected.spans[i], *actual.spans[i], nan);
    FUZZ_CHECK_MESSAGE(difference.empty(),
                       std::string(what) + ", span " + std::to_string(i) + ": " + difference);
  }
}

template <typename Decode>
fuzz::DecodedBatch decode_or_fail(Decode decode, std::string_view encoded, const char* what) {
  try {
    return decode(encoded);
  } catch (const std::exception& error) {
    fuzz::check_failed(what, __FILE__, __LINE__, error.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static exporters::OtlpTraceEncoder warm_encoder;  // reused across inputs, as exporters do
  fuzz::FuzzInput input(data, size);
  const fuzz::SpanList spans = fuzz::build_spans(input);
  const Expected expected = expected_batch(spans);

  const std::string proto = exporters::encode_otlp_trace_protobuf(spans);
  FUZZ_CHECK(warm_encoder.encode_protobuf(spans) == proto);
  const fuzz::DecodedBatch from_proto = decode_or_fail(fuzz::decode_protobuf, proto, "protobuf");
  check_same(expected.batch, from_proto, fuzz::NanMatch::kBitwise, "protobuf");

  const std::string json = exporters::encode_otlp_trace_json(spans);
  FUZZ_CHECK(warm_encoder.encode_json(spans) == json);
  const fuzz::DecodedBatch from_json = decode_or_fail(fuzz::decode_json, json, "json");
  check_same(expected.batch, from_json, fuzz::NanMatch::kAnyNan, "json");
  check_same(from_proto, from_json, fuzz::NanMatch::kAnyNan, "protobuf vs json");

  if (expected.groups_distinct) {
    FUZZ_CHECK(exporters::encode_otlp_trace_protobuf(from_proto.spans) == proto);
    FUZZ_CHECK(exporters::encode_otlp_trace_json(from_json.spans) == json);
  }
  return 0;
}
