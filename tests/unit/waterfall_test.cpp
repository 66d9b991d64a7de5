// The waterfall of `kafkatrace demo` (tools/kafkatrace/waterfall.h, html_waterfall.h): the trace
// trees built from spans, durations, bar geometry, key attributes, and both renderings.
//
// The renderer's sources (pure functions over the public headers) are compiled into the unit-test
// binary (tests/unit/CMakeLists.txt), so it is tested whether or not the CLI is built.
#include "waterfall.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "html_waterfall.h"

namespace kafkatrace::cli {
namespace {

constexpr std::uint64_t kT0 = 1'700'000'000'000'000'000ULL;
constexpr std::uint64_t kMs = 1'000'000ULL;

otel::TraceId trace_id(std::uint8_t first) {
  std::array<std::uint8_t, 16> bytes{};
  bytes[0] = first;
  bytes[15] = 1;
  return otel::TraceId(bytes);
}

otel::SpanId span_id(std::uint8_t value) {
  return value == 0 ? otel::SpanId{}
                    : otel::SpanId(std::array<std::uint8_t, 8>{0, 0, 0, 0, 0, 0, 0, value});
}

otel::SpanData span(std::uint8_t trace, std::uint8_t id, std::uint8_t parent, std::string name,
                    otel::SpanKind kind, std::uint64_t start_ms, std::uint64_t end_ms) {
  otel::SpanData data;
  data.context.trace_id = trace_id(trace);
  data.context.span_id = span_id(id);
  data.parent_span_id = span_id(parent);
  data.name = std::move(name);
  data.kind = kind;
  data.start_time_unix_nano = kT0 + start_ms * kMs;
  data.end_time_unix_nano = kT0 + end_ms * kMs;
  return data;
}

// producer -> consumer -> process_order, plus a second send (a retry) under the same root;
// given out of order to show that the tree does not depend on it.
std::vector<otel::SpanData> order_trace() {
  using K = otel::SpanKind;
  return {span(1, 4, 3, "process_order", K::kInternal, 60, 62),
          span(1, 2, 1, "send orders", K::kProducer, 1, 5),
          span(1, 1, 0, "place_order", K::kInternal, 0, 40),
          span(1, 3, 5, "process orders", K::kConsumer, 59, 64),
          span(1, 5, 1, "send orders", K::kProducer, 10, 30)};
}

std::vector<std::string> names(const WaterfallTrace& trace) {
  std::vector<std::string> out;
  for (const auto& row : trace.rows) out.push_back(row.prefix + row.span.name);
  return out;
}

TEST(WaterfallTest, BuildsOneTreePerTraceDepthFirstInStartOrder) {
  auto spans = order_trace();
  spans.push_back(span(2, 9, 0, "poll orders", otel::SpanKind::kClient, 70, 71));
  const auto traces = build_waterfall(spans);
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0].trace_id, trace_id(1));
  EXPECT_EQ(traces[0].start_unix_nano, kT0);
  EXPECT_EQ(traces[0].duration_nano(), 64 * kMs);
  EXPECT_EQ(names(traces[0]),
            (std::vector<std::string>{"place_order", "├─ send orders", "└─ send orders",
                                      "   └─ process orders", "      └─ process_order"}));
  std::vector<int> depths;
  for (const auto& row : traces[0].rows) depths.push_back(row.depth);
  EXPECT_EQ(depths, (std::vector<int>{0, 1, 1, 2, 3}));
  EXPECT_EQ(traces[1].rows.size(), 1u);
  EXPECT_FALSE(traces[1].rows[0].parent_missing);
}

TEST(WaterfallTest, TracesComeInStartOrderAndDuplicatesAreDropped) {
  auto spans = order_trace();
  spans.insert(spans.begin(), span(7, 1, 0, "late", otel::SpanKind::kInternal, 500, 501));
  spans.push_back(order_trace()[0]);  // the same span id again
  const auto traces = build_waterfall(spans);
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0].rows.size(), 5u);
  EXPECT_EQ(traces[1].rows[0].span.name, "late");
}

TEST(WaterfallTest, SpanWhoseParentIsElsewhereIsARootMarkedAsSuch) {
  const auto traces =
      build_waterfall({span(1, 3, 42, "process orders", otel::SpanKind::kConsumer, 0, 5),
                       span(1, 4, 3, "process_order", otel::SpanKind::kInternal, 1, 2)});
  ASSERT_EQ(traces.size(), 1u);
  ASSERT_EQ(traces[0].rows.size(), 2u);
  EXPECT_TRUE(traces[0].rows[0].parent_missing);
  EXPECT_FALSE(traces[0].rows[1].parent_missing);
  EXPECT_EQ(traces[0].rows[1].depth, 1);
  EXPECT_NE(render_text(traces, {}).find("parent=000000000000002a (not recorded here)"),
            std::string::npos);
}

TEST(WaterfallTest, ParentCycleIsBrokenNotLooped) {
  const auto traces = build_waterfall({span(1, 1, 2, "a", otel::SpanKind::kInternal, 0, 1),
                                       span(1, 2, 1, "b", otel::SpanKind::kInternal, 1, 2)});
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(names(traces[0]), (std::vector<std::string>{"a", "└─ b"}));
}

TEST(WaterfallTest, DurationsHaveThreeSignificantDigits) {
  EXPECT_EQ(format_duration(0), "0 ns");
  EXPECT_EQ(format_duration(999), "999 ns");
  EXPECT_EQ(format_duration(1'000), "1.00 µs");
  EXPECT_EQ(format_duration(12'340), "12.3 µs");
  EXPECT_EQ(format_duration(4'560'000), "4.56 ms");
  EXPECT_EQ(format_duration(999'400'000), "999 ms");
  EXPECT_EQ(format_duration(1'234'000'000), "1.23 s");
  EXPECT_EQ(format_duration(9'999'000'000), "10.0 s");
  EXPECT_EQ(format_duration(123'000'000'000), "2m 03s");
}

TEST(WaterfallTest, BarCellsScaleToTheTrace) {
  EXPECT_EQ(bar_cells(0, 100, 0, 100, 10), (BarCells{0, 10}));
  EXPECT_EQ(bar_cells(50, 100, 0, 100, 10), (BarCells{5, 5}));
  EXPECT_EQ(bar_cells(12, 18, 0, 100, 10), (BarCells{1, 1}));  // at least one, not past end
  EXPECT_EQ(bar_cells(100, 100, 0, 100, 10), (BarCells{9, 1}));
  EXPECT_EQ(bar_cells(0, 500, 0, 100, 10), (BarCells{0, 10}));  // clamped
  EXPECT_EQ(bar_cells(5, 5, 5, 5, 8), (BarCells{0, 8}));        // zero-length trace
  EXPECT_EQ(bar_cells(0, 1, 0, 1, 0), (BarCells{0, 0}));
}

TEST(WaterfallTest, KeyAttributesInFixedOrderWithLinkedTraces) {
  otel::SpanData data = span(1, 1, 0, "process orders", otel::SpanKind::kConsumer, 0, 1);
  data.attributes = {{"messaging.kafka.offset", std::int64_t{7}},
                     {"ignored.attribute", std::string("x")},
                     {"messaging.destination.partition.id", std::string("2")},
                     {"messaging.batch.message_count", std::int64_t{5}}};
  for (std::uint8_t t = 1; t <= 5; ++t) {
    otel::SpanLink link;
    link.context.trace_id = trace_id(t);
    link.context.span_id = span_id(1);
    data.links.push_back(link);
  }
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(key_attributes(data), (Pairs{{"partition", "2"},
                                         {"offset", "7"},
                                         {"batch", "5"},
                                         {"links", "01000000,02000000,03000000,+2"}}));
  EXPECT_EQ(attribute_text(std::vector<std::string>{"a", "b"}), "[a, b]");
  EXPECT_EQ(attribute_text(std::vector<bool>{true, false}), "[true, false]");
  EXPECT_EQ(attribute_text(1.5), "1.5");
}

TEST(WaterfallTest, TextHasOneLinePerSpanAndColourOnlyWhenAsked) {
  auto spans = order_trace();
  spans[1].status_code = otel::StatusCode::kError;
  spans[1].attributes = {{"error.type", std::string("_MSG_TIMED_OUT")}};
  const auto traces = build_waterfall(spans);
  const std::string plain = render_text(traces, {.width = 100, .color = false});
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_EQ(plain.rfind("trace " + trace_id(1).to_hex() + "  5 spans, 64.0 ms\n", 0), 0u);
  EXPECT_NE(plain.find("└─ send orders"), std::string::npos);
  EXPECT_NE(plain.find("PRODUCER"), std::string::npos);
  EXPECT_NE(plain.find("ERROR error=_MSG_TIMED_OUT"), std::string::npos);
  std::size_t lines = 0;
  for (char c : plain) lines += c == '\n';
  EXPECT_EQ(lines, 6u);
  // The root's bar fills its 40 ms of the 64 ms trace: 0.625 of the bar, rounded up.
  const std::size_t root = plain.find("place_order");
  const std::string root_line = plain.substr(root, plain.find('\n', root) - root);
  const std::size_t bar_start = root_line.find("│");
  const std::size_t bar_end = root_line.rfind("│");
  std::size_t filled = 0;
  std::size_t cells = 0;
  for (std::size_t i = bar_start + 3; i < bar_end;) {
    const bool block = root_line.compare(i, 3, "█") == 0;
    filled += block;
    ++cells;
    i += block ? 3 : 1;
  }
  EXPECT_EQ(filled, (cells * 40 + 63) / 64);

  const std::string colored = render_text(traces, {.width = 100, .color = true});
  EXPECT_NE(colored.find("\x1b[36m"), std::string::npos);  // producer kind
  EXPECT_NE(colored.find("\x1b[31m"), std::string::npos);  // the error
  EXPECT_EQ(render_text({}, {}), "");
}

TEST(WaterfallTest, ColourFollowsTerminalAndNoColor) {
  EXPECT_TRUE(use_color(true, nullptr));
  EXPECT_TRUE(use_color(true, ""));
  EXPECT_FALSE(use_color(true, "1"));
  EXPECT_FALSE(use_color(false, nullptr));
}

TEST(WaterfallTest, HtmlIsSelfContainedAndEscaped) {
  auto spans = order_trace();
  spans[0].name = "process_order <b>&\"quoted\"";
  spans[0].attributes = {{"order.id", std::int64_t{3}}};
  otel::SpanEvent event;
  event.name = "stock reserved";
  spans[0].events.push_back(event);
  const std::string html = render_html(build_waterfall(spans), {.summary = "5 orders <ok>"});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("process_order &lt;b&gt;&amp;&quot;quoted&quot;"), std::string::npos);
  EXPECT_NE(html.find("5 orders &lt;ok&gt;"), std::string::npos);
  EXPECT_NE(html.find("stock reserved"), std::string::npos);
  EXPECT_NE(html.find("<td>order.id</td><td>3</td>"), std::string::npos);
  EXPECT_NE(html.find("left:0.0%;width:62.5%"), std::string::npos);  // the root's bar
  for (const char* external : {"<script", "<link", "src=", "@import", "url(", "http:", "https:"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_EQ(html_escape("a'b"), "a&#39;b");
  EXPECT_NE(render_html({}, {}).find("No spans were recorded."), std::string::npos);
}

}  // namespace
}  // namespace kafkatrace::cli
