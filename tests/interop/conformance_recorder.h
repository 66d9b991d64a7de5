// Recorder: starts, changes and ends spans through the public SDK API and mirrors every call
// into the manifest's expectation, so the scenario states each input once.
//
//   Recorder recorder(provider);
//   auto scope = recorder.add_tracer("lib", "1.0.0");
//   auto span = recorder.start(scope, "work", SpanKind::kInternal, Context{}, 10 * kMillis);
//   recorder.set(span, "key", std::int64_t{1}); recorder.end(span, 20 * kMillis);
//
// The mirror states what the specification says the SDK must record for calls within the span
// limits; where a scenario exceeds a limit it edits expected(span) by hand. Times are offsets in
// nanoseconds from kBaseUnixNano. Single-threaded.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conformance_manifest.h"
#include "kafkatrace/otel/context.h"
#include "kafkatrace/otel/span.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::interop {

inline constexpr std::uint64_t kBaseUnixNano = 1'700'000'000'123'456'789;
inline constexpr std::uint64_t kMillis = 1'000'000;

class Recorder {
 public:
  struct Handle {
    std::shared_ptr<otel::Span> span;
    std::size_t index = 0;  // into the pending expectations
  };

  explicit Recorder(otel::TracerProvider& provider);

  std::size_t add_tracer(std::string name, std::string version, std::string schema_url = {});

  // Starts a span; `attributes` go through StartSpanOptions::attributes and `links` through
  // StartSpanOptions::links. `parent` is used as given (Context{} starts a new trace).
  Handle start(std::size_t scope, std::string_view name, otel::SpanKind kind,
               const otel::Context& parent, std::uint64_t start_offset,
               const otel::Attributes& attributes = {}, std::vector<otel::SpanLink> links = {});
  void set(const Handle& span, std::string_view key, otel::AttributeValue value);
  void event(const Handle& span, std::string_view name, std::uint64_t time_offset,
             const otel::Attributes& attributes = {});
  void link(const Handle& span, const otel::SpanContext& context,
            const otel::Attributes& attributes = {});
  void status(const Handle& span, otel::StatusCode code, std::string_view message = {});
  void rename(const Handle& span, std::string_view name);
  void end(const Handle& span, std::uint64_t end_offset);

  // The expectation of a span not yet ended, for hand edits (limits).
  otel::SpanData& expected(const Handle& span) { return pending_[span.index].data; }
  static otel::Context parent_of(const Handle& span);

  Manifest take_manifest(otel::Resource resource);
  // Problems noticed at call time (a span that does not record, ...); empty when none.
  const std::string& problem() const noexcept { return problem_; }

 private:
  otel::TracerProvider& provider_;
  std::vector<otel::Tracer> tracers_;
  std::vector<otel::InstrumentationScope> scopes_;
  std::vector<ExpectedSpan> pending_;
  std::vector<ExpectedSpan> ended_;
  std::string problem_;
};

std::chrono::system_clock::time_point at(std::uint64_t offset);

}  // namespace kafkatrace::interop
