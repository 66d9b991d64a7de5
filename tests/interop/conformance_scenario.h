// The span set behind the OTLP conformance tests: two tracers (scopes with versions), a resource
// of explicit attributes, root and child spans, a remote parent extracted from traceparent +
// tracestate, every span kind, attributes of every type (arrays, empty values, int64 extremes,
// NaN/±Infinity/-0.0, non-ASCII and control characters), events and links with attributes,
// Ok/Error statuses, and a span that exceeds every span limit. Everything is created through the
// public SDK API; the Recorder mirrors each call into the expected manifest.
//
//   auto provider = make_tracer_provider({.resource = scenario_resource(), ...,
//                                         .limits = scenario_limits()});
//   auto [manifest, problem] = run_scenario(*provider);   // then shut the provider down
//
// Times are explicit (a fixed base plus offsets), so only the randomly generated ids differ
// between runs. Runs on the calling thread; spans are ended (and so exported, with simple
// processors) before run_scenario returns.
#pragma once

#include <string>

#include "conformance_manifest.h"
#include "kafkatrace/otel/resource.h"
#include "kafkatrace/otel/tracer.h"

namespace kafkatrace::interop {

struct ScenarioResult {
  Manifest manifest;
  std::string problem;  // empty when the SDK behaved as the scenario expects at call time
};

otel::Resource scenario_resource();
// Small limits, so that one span overflows each of them while the others stay within.
otel::SpanLimits scenario_limits();
ScenarioResult run_scenario(otel::TracerProvider& provider);

}  // namespace kafkatrace::interop
