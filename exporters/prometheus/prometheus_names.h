// OpenTelemetry → Prometheus name conversion, per the OpenTelemetry "Prometheus and OpenMetrics
// Compatibility" specification (OTLP Metric points to Prometheus):
//   - metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*: invalid
//     characters become '_', runs of '_' collapse to one, a leading digit gets a '_' prefix;
//   - the unit becomes a suffix (UCUM abbreviations to words: "s" → "seconds", "By" → "bytes",
//     "1" → "ratio", "foo/bar" → "foo_per_bar"; "{...}" annotations are dropped), unless the
//     name already ends with it; monotonic sums (counters) end in "_total", after the unit.
// Private to the Prometheus exporter; exposed for its tests.
#pragma once

#include <string>
#include <string_view>

namespace kafkatrace::exporters::prometheus {

// The Prometheus unit word(s) for an OpenTelemetry (UCUM) unit; "" when unitless.
std::string convert_unit(std::string_view unit);

std::string sanitize_metric_name(std::string_view name);
std::string sanitize_label_name(std::string_view name);

// The exposed family name: sanitized name + unit suffix (+ "_total" when `counter`).
std::string metric_family_name(std::string_view name, std::string_view unit, bool counter);

}  // namespace kafkatrace::exporters::prometheus
