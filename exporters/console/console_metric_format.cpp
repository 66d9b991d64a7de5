// format_metrics_for_console: the console metric exporter's text layout.
#include <algorithm>
#include <variant>

#include "console/console_text.h"
#include "kafkatrace/exporters/console.h"
#include "kafkatrace/otel/resource.h"

namespace kafkatrace::exporters {
namespace {

using console::append_attributes;
using console::append_double;
using console::append_quoted;
using console::append_time;
using console::append_uint;
using console::append_value;

std::string_view temporality_name(otel::AggregationTemporality temporality) {
  return temporality == otel::AggregationTemporality::kDelta ? "delta" : "cumulative";
}

void append_header(std::string& out, const otel::MetricData& metric) {
  out += "  metric ";
  append_quoted(out, metric.name);
  switch (metric.type) {
    case otel::MetricData::Type::kGauge: out += " gauge"; break;
    case otel::MetricData::Type::kSum:
      out += metric.is_monotonic ? " sum (monotonic, " : " sum (non-monotonic, ";
      out += temporality_name(metric.temporality);
      out += ')';
      break;
    case otel::MetricData::Type::kHistogram:
      out += " histogram (";
      out += temporality_name(metric.temporality);
      out += ')';
      break;
  }
  if (!metric.unit.empty()) {
    out += " unit ";
    append_quoted(out, metric.unit);
  }
  out += '\n';
  if (!metric.description.empty()) {
    out += "    description ";
    append_quoted(out, metric.description);
    out += '\n';
  }
}

void append_point_start(std::string& out, std::uint64_t start, const otel::Attributes& attributes) {
  out += "    point";
  if (start != 0) {
    out += " since ";
    append_time(out, start);
  }
  out += '\n';
  append_attributes(out, attributes, "      ", 0);
}

void append_histogram(std::string& out, const otel::HistogramDataPoint& point) {
  out += "      count ";
  append_uint(out, point.count);
  out += " sum ";
  append_double(out, point.sum);
  if (point.min) {
    out += " min ";
    append_double(out, *point.min);
  }
  if (point.max) {
    out += " max ";
    append_double(out, *point.max);
  }
  out += "\n      buckets";
  for (std::size_t i = 0; i < point.bucket_counts.size(); ++i) {
    out += i == 0 ? " (-inf, " : "; (";
    if (i > 0 && i - 1 < point.explicit_bounds.size()) {
      append_double(out, point.explicit_bounds[i - 1]);
      out += ", ";
    }
    if (i < point.explicit_bounds.size()) {
      append_double(out, point.explicit_bounds[i]);
      out += "] ";
    } else {
      out += "+inf) ";
    }
    append_uint(out, point.bucket_counts[i]);
  }
  out += '\n';
}

}  // namespace

std::string format_metrics_for_console(const otel::ResourceMetrics& metrics) {
  std::string out;
  out.reserve(1024);
  std::uint64_t time = 0;
  for (const auto& scope : metrics.scope_metrics)
    for (const auto& metric : scope.metrics) {
      for (const auto& point : metric.number_points) time = std::max(time, point.time_unix_nano);
      for (const auto& point : metric.histogram_points) time = std::max(time, point.time_unix_nano);
    }
  out += "metrics at ";
  append_time(out, time);
  if (metrics.resource != nullptr) {
    if (const auto* service = metrics.resource->find("service.name")) {
      out += " service ";
      append_value(out, *service);
    }
  }
  out += '\n';
  for (const auto& scope : metrics.scope_metrics) {
    out += "scope ";
    out += scope.scope != nullptr ? scope.scope->name : std::string("(none)");
    if (scope.scope != nullptr && !scope.scope->version.empty()) out += ' ' + scope.scope->version;
    out += '\n';
    for (const auto& metric : scope.metrics) {
      append_header(out, metric);
      for (const auto& point : metric.number_points) {
        append_point_start(out, point.start_time_unix_nano, point.attributes);
        out += "      value ";
        if (const double* value = std::get_if<double>(&point.value)) {
          append_double(out, *value);
        } else {
          out += std::to_string(std::get<std::int64_t>(point.value));
        }
        out += '\n';
      }
      for (const auto& point : metric.histogram_points) {
        append_point_start(out, point.start_time_unix_nano, point.attributes);
        append_histogram(out, point);
      }
    }
  }
  return out;
}

}  // namespace kafkatrace::exporters
