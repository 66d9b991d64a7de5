// format_prometheus_text: OTLP data model → Prometheus text exposition format 0.0.4 (see
// kafkatrace/exporters/prometheus.h for the conversion rules).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <type_traits>
#include <variant>

#include "kafkatrace/exporters/prometheus.h"
#include "kafkatrace/otel/resource.h"
#include "otlp_common/json_writer.h"
#include "otlp_common/rate_limited_log.h"
#include "prometheus/prometheus_names.h"

namespace kafkatrace::exporters {
namespace {

using prometheus::metric_family_name;
using prometheus::sanitize_label_name;

otlp::RateLimitedLog& dropped_log() {
  static otlp::RateLimitedLog log{"prometheus"};
  return log;
}

void append_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char digits[32];
    const auto result = std::to_chars(digits, digits + sizeof(digits), value);
    out.append(digits, result.ptr);
  }
}

void append_integer(std::string& out, auto value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, result.ptr);
}

// Label values and HELP text: '\\' and newline escaped (and '"' in label values); invalid UTF-8
// replaced by U+FFFD, which Prometheus requires.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '"' && quote) {
        out += "\\\"";
      } else {
        out += c;
      }
      ++i;
      continue;
    }
    const std::size_t length = otlp::valid_utf8_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
}

// Non-string attribute values as the attribute specification says: decimal numbers,
// true/false, arrays as JSON.
std::string value_text(const otel::AttributeValue& value) {
  return std::visit(
      [](const auto& held) -> std::string {
        using T = std::decay_t<decltype(held)>;
        std::string out;
        if constexpr (std::is_same_v<T, std::string>) {
          out = held;
        } else if constexpr (std::is_same_v<T, bool>) {
          out = held ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          append_integer(out, held);
        } else if constexpr (std::is_same_v<T, double>) {
          append_double(out, held);
        } else {
          otlp::JsonWriter json;
          json.begin_array();
          for (const auto& element : held) {
            using Element = typename T::value_type;
            if constexpr (std::is_same_v<Element, std::string>) {
              json.string_value(element);
            } else if constexpr (std::is_same_v<Element, bool>) {
              json.bool_value(element);
            } else if constexpr (std::is_same_v<Element, std::int64_t>) {
              json.int_value(element);
            } else {
              json.double_value(element);
            }
          }
          json.end_array();
          out = json.view();
        }
        return out;
      },
      value);
}

// `name="value",...` (no braces, no trailing comma). Keys that collide after sanitising are
// merged: values joined with ';' in the order of the original keys.
std::string label_text(const otel::Attributes& attributes) {
  struct Label {
    std::string name;
    std::string_view key;
    std::string value;
  };
  std::vector<Label> labels;
  labels.reserve(attributes.size());
  for (const auto& attribute : attributes) {
    labels.push_back(
        {sanitize_label_name(attribute.key), attribute.key, value_text(attribute.value)});
  }
  std::stable_sort(labels.begin(), labels.end(), [](const Label& a, const Label& b) {
    return a.name != b.name ? a.name < b.name : a.key < b.key;
  });
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0 && labels[i].name == labels[i - 1].name) {
      out.insert(out.size() - 1, ";");  // before the closing quote
      std::string escaped;
      append_escaped(escaped, labels[i].value, true);
      out.insert(out.size() - 1, escaped);
      continue;
    }
    if (!out.empty()) out += ',';
    out += labels[i].name;
    out += "=\"";
    append_escaped(out, labels[i].value, true);
    out += '"';
  }
  return out;
}

std::string scope_label_text(const otel::InstrumentationScope* scope) {
  if (scope == nullptr) return {};
  otel::Attributes labels{{"otel_scope_name", scope->name}};
  if (!scope->version.empty()) labels.push_back({"otel_scope_version", scope->version});
  return label_text(labels);
}

struct Family {
  std::string name;
  std::string_view type;  // counter, gauge, histogram
  std::string help;
  std::string samples;
};

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   std::string_view labels, std::string_view extra_label) {
  out += name;
  out += suffix;
  if (!labels.empty() || !extra_label.empty()) {
    out += '{';
    out += labels;
    if (!labels.empty() && !extra_label.empty()) out += ',';
    out += extra_label;
    out += '}';
  }
  out += ' ';
}

std::string join_labels(const otel::Attributes& attributes, const std::string& scope_labels) {
  std::string labels = label_text(attributes);
  if (!scope_labels.empty()) {
    if (!labels.empty()) labels += ',';
    labels += scope_labels;
  }
  return labels;
}

void append_number_points(Family& family, const otel::MetricData& metric,
                          const std::string& scope_labels) {
  for (const auto& point : metric.number_points) {
    append_sample(family.samples, family.name, "", join_labels(point.attributes, scope_labels), "");
    if (const double* value = std::get_if<double>(&point.value)) {
      append_double(family.samples, *value);
    } else {
      append_integer(family.samples, std::get<std::int64_t>(point.value));
    }
    family.samples += '\n';
  }
}

void append_histogram_points(Family& family, const otel::MetricData& metric,
                             const std::string& scope_labels) {
  for (const auto& point : metric.histogram_points) {
    const std::string labels = join_labels(point.attributes, scope_labels);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < point.explicit_bounds.size(); ++i) {
      if (i < point.bucket_counts.size()) cumulative += point.bucket_counts[i];
      std::string le = "le=\"";
      append_double(le, point.explicit_bounds[i]);
      le += '"';
      append_sample(family.samples, family.name, "_bucket", labels, le);
      append_integer(family.samples, cumulative);
      family.samples += '\n';
    }
    append_sample(family.samples, family.name, "_bucket", labels, "le=\"+Inf\"");
    append_integer(family.samples, point.count);
    family.samples += '\n';
    // _sum only when it is monotonic, i.e. no negative value was recorded.
    if (!(point.min ? *point.min < 0 : point.sum < 0)) {
      append_sample(family.samples, family.name, "_sum", labels, "");
      append_double(family.samples, point.sum);
      family.samples += '\n';
    }
    append_sample(family.samples, family.name, "_count", labels, "");
    append_integer(family.samples, point.count);
    family.samples += '\n';
  }
}

// The Prometheus type, or "" when the metric cannot be exposed (delta temporality).
std::string_view prometheus_type(const otel::MetricData& metric) {
  using Type = otel::MetricData::Type;
  const bool cumulative = metric.temporality == otel::AggregationTemporality::kCumulative;
  switch (metric.type) {
    case Type::kGauge: return "gauge";
    case Type::kSum:
      if (!cumulative) return {};
      return metric.is_monotonic ? "counter" : "gauge";
    case Type::kHistogram: return cumulative ? "histogram" : std::string_view{};
  }
  return {};
}

void add_metric(std::vector<Family>& families, const otel::MetricData& metric,
                const std::string& scope_labels) {
  const std::string_view type = prometheus_type(metric);
  if (type.empty()) {
    dropped_log().log(LogLevel::kWarning,
                      "metric '" + metric.name + "' dropped: delta temporality cannot be exposed");
    return;
  }
  std::string name = metric_family_name(metric.name, metric.unit, type == "counter");
  auto family = std::find_if(families.begin(), families.end(),
                             [&name](const Family& f) { return f.name == name; });
  if (family == families.end()) {
    families.push_back({std::move(name), type, metric.description, {}});
    family = families.end() - 1;
    if (family->help.empty()) family->help = metric.name;
  } else if (family->type != type) {
    dropped_log().log(LogLevel::kWarning, "metric '" + metric.name + "' dropped: '" + name +
                                              "' is already exposed as a " +
                                              std::string(family->type));
    return;
  }
  if (metric.type == otel::MetricData::Type::kHistogram) {
    append_histogram_points(*family, metric, scope_labels);
  } else {
    append_number_points(*family, metric, scope_labels);
  }
}

void append_family(std::string& out, const Family& family) {
  out += "# HELP ";
  out += family.name;
  out += ' ';
  append_escaped(out, family.help, false);
  out += "\n# TYPE ";
  out += family.name;
  out += ' ';
  out += family.type;
  out += '\n';
  out += family.samples;
}

}  // namespace

std::string format_prometheus_text(const otel::ResourceMetrics& metrics,
                                   const PrometheusExporterOptions& options) {
  std::vector<Family> families;
  if (options.target_info && metrics.resource != nullptr &&
      !metrics.resource->attributes().empty()) {
    Family target{"target_info", "gauge", "Target metadata", {}};
    append_sample(target.samples, target.name, "", label_text(metrics.resource->attributes()), "");
    target.samples += "1\n";
    families.push_back(std::move(target));
  }
  for (const auto& scope : metrics.scope_metrics) {
    const std::string scope_labels =
        options.scope_labels ? scope_label_text(scope.scope.get()) : std::string();
    for (const auto& metric : scope.metrics) add_metric(families, metric, scope_labels);
  }
  std::string out;
  for (const auto& family : families) append_family(out, family);
  return out;
}

}  // namespace kafkatrace::exporters
