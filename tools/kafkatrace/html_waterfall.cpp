#include "html_waterfall.h"

#include <cstdio>

namespace kafkatrace::cli {
namespace {

// Bars are placed in per-mille of the trace's duration.
constexpr std::size_t kBarResolution = 1000;

constexpr std::string_view kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d1f21; background: #fff; }
h1 { font-size: 1.4em; margin: 0 0 .2em; }
.summary { color: #555; margin: 0 0 1.2em; }
section { margin: 0 0 1.6em; border: 1px solid #ddd; border-radius: 6px; }
h2 { font: 600 13px ui-monospace, monospace; margin: 0; padding: .5em .8em; background: #f5f5f7;
     border-bottom: 1px solid #ddd; }
h2 .meta { font-weight: normal; color: #666; margin-left: 1em; }
details { border-bottom: 1px solid #f0f0f0; }
details:last-child { border-bottom: none; }
summary { display: grid; grid-template-columns: minmax(14em, 26em) 6.5em 6em 1fr;
          gap: .6em; align-items: center; padding: .25em .8em; cursor: pointer; list-style: none; }
summary::-webkit-details-marker { display: none; }
summary:hover { background: #fafafa; }
.name { font-family: ui-monospace, monospace; white-space: pre; overflow: hidden;
        text-overflow: ellipsis; }
.tree { color: #aaa; }
.kind { font: 11px ui-monospace, monospace; text-align: center; border-radius: 3px;
        padding: 1px 4px; color: #fff; }
.duration { text-align: right; font-variant-numeric: tabular-nums; }
.track { position: relative; height: 14px; background: #f3f3f3; border-radius: 2px; }
.bar { position: absolute; top: 0; bottom: 0; min-width: 2px; border-radius: 2px; }
.k-PRODUCER { background: #0e8a9c; } .k-CONSUMER { background: #2f9e44; }
.k-CLIENT { background: #c78a00; } .k-SERVER { background: #3b5bdb; }
.k-INTERNAL { background: #9c36b5; } .error { background: #e03131 !important; }
.keys { grid-column: 1 / -1; color: #555; font-size: 12px; padding-left: 1em; }
table { border-collapse: collapse; margin: .3em 0 .6em 2.5em; font-size: 12px; }
td { padding: 1px 10px 1px 0; vertical-align: top; font-family: ui-monospace, monospace; }
td:first-child { color: #666; }
)";

std::string cell(std::string_view name, std::string_view value) {
  return "<tr><td>" + html_escape(name) + "</td><td>" + html_escape(value) + "</td></tr>\n";
}

// Every detail of a span, shown when its row is unfolded.
std::string detail_table(const otel::SpanData& span) {
  std::string rows = cell("span id", span.context.span_id.to_hex());
  if (span.parent_span_id.is_valid()) rows += cell("parent span id", span.parent_span_id.to_hex());
  if (span.status_code == otel::StatusCode::kError) {
    rows += cell("status", "ERROR " + span.status_message);
  }
  otel::Attributes buffer;
  for (const otel::KeyValue& attribute : otel::all_attributes(span, buffer)) {
    rows += cell(attribute.key, attribute_text(attribute.value));
  }
  for (const otel::SpanLink& link : span.links) {
    std::string text =
        "trace " + link.context.trace_id.to_hex() + " span " + link.context.span_id.to_hex();
    for (const otel::KeyValue& attribute : link.attributes) {
      text += " " + attribute.key + "=" + attribute_text(attribute.value);
    }
    rows += cell("link", text);
  }
  for (const otel::SpanEvent& event : span.events) {
    std::string text = event.name;
    for (const otel::KeyValue& attribute : event.attributes) {
      text += " " + attribute.key + "=" + attribute_text(attribute.value);
    }
    rows += cell("event", text);
  }
  return "<table>\n" + rows + "</table>\n";
}

std::string row_html(const WaterfallRow& row, const WaterfallTrace& trace) {
  const otel::SpanData& span = row.span;
  const BarCells cells = bar_cells(span.start_time_unix_nano, span.end_time_unix_nano,
                                   trace.start_unix_nano, trace.end_unix_nano, kBarResolution);
  char geometry[96];
  std::snprintf(geometry, sizeof geometry, "left:%.1f%%;width:%.1f%%",
                static_cast<double>(cells.offset) * 100.0 / kBarResolution,
                static_cast<double>(cells.length) * 100.0 / kBarResolution);
  const std::string kind(otel::span_kind_name(span.kind));
  const bool error = span.status_code == otel::StatusCode::kError;
  const std::uint64_t duration = span.end_time_unix_nano >= span.start_time_unix_nano
                                     ? span.end_time_unix_nano - span.start_time_unix_nano
                                     : 0;
  std::string keys;
  for (const auto& [label, value] : key_attributes(span)) {
    keys += (keys.empty() ? "" : " · ") + html_escape(label) + "=" + html_escape(value);
  }
  if (error)
    keys = "ERROR " + html_escape(span.status_message) + (keys.empty() ? "" : " · ") + keys;

  std::string html = "<details><summary>";
  html += "<span class=\"name\"><span class=\"tree\">" + html_escape(row.prefix) + "</span>" +
          html_escape(span.name) + "</span>";
  html += "<span class=\"kind k-" + kind + "\">" + kind + "</span>";
  html += "<span class=\"duration\">" + html_escape(format_duration(duration)) + "</span>";
  html += "<span class=\"track\"><span class=\"bar k-" + kind + (error ? " error" : "") +
          "\" style=\"" + geometry + "\"></span></span>";
  if (!keys.empty()) html += "<span class=\"keys\">" + keys + "</span>";
  html += "</summary>\n" + detail_table(span) + "</details>\n";
  return html;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html(const std::vector<WaterfallTrace>& traces, const HtmlOptions& options) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<title>" + html_escape(options.title) + "</title>\n<style>" + std::string(kStyle) +
          "</style>\n</head>\n<body>\n<h1>" + html_escape(options.title) + "</h1>\n";
  if (!options.summary.empty()) {
    html += "<p class=\"summary\">" + html_escape(options.summary) + "</p>\n";
  }
  for (const WaterfallTrace& trace : traces) {
    html += "<section id=\"trace-" + trace.trace_id.to_hex() + "\">\n<h2>trace " +
            trace.trace_id.to_hex() + "<span class=\"meta\">" + std::to_string(trace.rows.size()) +
            (trace.rows.size() == 1 ? " span, " : " spans, ") +
            html_escape(format_duration(trace.duration_nano())) + "</span></h2>\n";
    for (const WaterfallRow& row : trace.rows) html += row_html(row, trace);
    html += "</section>\n";
  }
  if (traces.empty()) html += "<p>No spans were recorded.</p>\n";
  return html + "</body>\n</html>\n";
}

}  // namespace kafkatrace::cli
