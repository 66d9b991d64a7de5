// Waterfall: finished spans arranged as one tree per trace (what `kafkatrace demo` prints), and
// the terminal rendering of it. The HTML rendering is in html_waterfall.h.
//
//   std::vector<WaterfallTrace> traces = build_waterfall(store->spans());
//   std::fputs(render_text(traces, {.width = 120, .color = use_color(isatty(1),
//   getenv("NO_COLOR"))})
//                  .c_str(), stdout);
//
// Everything here is a pure function of its arguments (no clock, no environment, no I/O), so it
// is unit-tested with hand-made spans (tests/unit/waterfall_test.cpp). Cost: O(n log n) in the
// number of spans; meant for the few hundred spans of a demo, not for a production trace store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafkatrace/otel/span_data.h"

namespace kafkatrace::cli {

// One span in its trace's tree. `prefix` is the tree drawing before the name ("│  └─ ").
struct WaterfallRow {
  otel::SpanData span{};
  int depth = 0;
  std::string prefix{};
  // The span names a parent that is not among the spans (e.g. in another process): shown as a
  // root of its trace.
  bool parent_missing = false;
};

// The spans of one trace id, depth first, each span's children in start-time order.
struct WaterfallTrace {
  otel::TraceId trace_id{};
  std::uint64_t start_unix_nano = 0;  // earliest span start
  std::uint64_t end_unix_nano = 0;    // latest span end
  std::vector<WaterfallRow> rows{};

  std::uint64_t duration_nano() const noexcept { return end_unix_nano - start_unix_nano; }
};

// Groups `spans` by trace id and builds each trace's tree. Traces come in order of their first
// span's start. Spans with equal ids are kept once (the first). A parent cycle (only possible
// with forged ids) is broken by showing the span as a root.
std::vector<WaterfallTrace> build_waterfall(std::vector<otel::SpanData> spans);

// A duration for people: "850 ns", "12.3 µs", "4.56 ms", "1.23 s", "2m 03s" (3 significant
// digits below a minute).
std::string format_duration(std::uint64_t nanoseconds);

// The first 8 hex digits of a trace id: enough to tell a demo's traces apart.
std::string short_trace_id(const otel::TraceId& trace_id);

// Where a span's bar goes in a row `width` cells wide spanning [trace_start, trace_end]: the
// first cell and the cell count. At least one cell, never past the end; a zero-length trace
// fills the row.
struct BarCells {
  std::size_t offset = 0;
  std::size_t length = 0;
  friend bool operator==(const BarCells&, const BarCells&) = default;
};
BarCells bar_cells(std::uint64_t span_start, std::uint64_t span_end, std::uint64_t trace_start,
                   std::uint64_t trace_end, std::size_t width) noexcept;

// The attributes worth a glance, as (short label, value) in a fixed order: order, partition,
// offset, key, group, batch size, attempt, error; then "links" with the linked traces' short
// ids when the span has links.
std::vector<std::pair<std::string, std::string>> key_attributes(const otel::SpanData& span);

// Every attribute value as text ("42", "true", "[a, b]").
std::string attribute_text(const otel::AttributeValue& value);

struct TextStyle {
  std::size_t width = 120;  // terminal columns; the bar gets what the fixed columns leave
  bool color = false;       // ANSI colours (kinds, errors, dim tree lines)
};

// The whole waterfall: per trace a heading line, then one line per span with tree, name, kind,
// duration, bar and key attributes. Ends with a newline; "" for no traces.
std::string render_text(const std::vector<WaterfallTrace>& traces, const TextStyle& style);

// The NO_COLOR convention (no-color.org): colour only on a terminal, and not when NO_COLOR is
// set to a non-empty value. `no_color` is getenv("NO_COLOR") (may be null).
bool use_color(bool stdout_is_terminal, const char* no_color) noexcept;

}  // namespace kafkatrace::cli
