#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "kafkatrace/exporters/console.h"
#include "support/span_fixtures.h"

namespace kafkatrace::exporters {
namespace {

TEST(ConsoleExporterTest, FullSpanLayout) {
  auto span = testing::make_full_span();
  const std::string expected =
      "span \"orders send\" PRODUCER\n"
      "  trace_id   4bf92f3577b34da6a3ce929d0e0e4736\n"
      "  span_id    00f067aa0ba902b7\n"
      "  parent     00f067aa0ba90242 (remote)\n"
      "  flags      sampled\n"
      "  tracestate rojo=00f067aa0ba902b7,congo=t61rcWkgMzE\n"
      "  start      2023-11-14T22:13:20.000000000Z\n"
      "  duration   2.000 ms\n"
      "  status     ERROR \"broker unavailable\"\n"
      "  scope      kafka 0.1.0\n"
      "  service    \"orders\"\n"
      "  attributes\n"
      "    messaging.system = \"kafka\"\n"
      "    messaging.kafka.message.tombstone = true\n"
      "    messaging.kafka.offset = -42\n"
      "    ratio = 0.25\n"
      "    flags = [true, false]\n"
      "    offsets = [1, 2, 3]\n"
      "    weights = [1.5, -2]\n"
      "    tags = [\"x\", \"y\\\"z\"]\n"
      "    (3 dropped)\n"
      "  events\n"
      "    +1.000 ms \"exception\"\n"
      "      exception.type = \"Timeout\"\n"
      "      (1 dropped)\n"
      "    (4 dropped)\n"
      "  links\n"
      "    4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba90299 (remote)\n"
      "      link.kind = \"batch\"\n"
      "      (2 dropped)\n"
      "    (5 dropped)\n";
  EXPECT_EQ(format_span_for_console(*span), expected);
}

TEST(ConsoleExporterTest, RootSpanWithoutExtras) {
  auto span = testing::make_root_span("root\tname");
  span->attributes.clear();
  span->scope = nullptr;
  span->resource = nullptr;
  span->context.trace_flags = otel::TraceFlags{};
  EXPECT_EQ(format_span_for_console(*span),
            "span \"root\\tname\" INTERNAL\n"
            "  trace_id   4bf92f3577b34da6a3ce929d0e0e4736\n"
            "  span_id    00f067aa0ba90201\n"
            "  parent     none (root)\n"
            "  flags      not sampled\n"
            "  start      2023-11-14T22:13:20.000000000Z\n"
            "  duration   1.500 ms\n"
            "  status     UNSET\n");
}

TEST(ConsoleExporterTest, WritesBatchesToTheStream) {
  std::ostringstream out;
  auto exporter = make_console_exporter({.file = nullptr, .stream = &out});
  std::vector<std::unique_ptr<otel::SpanData>> spans;
  spans.push_back(testing::make_root_span("one"));
  spans.push_back(nullptr);
  spans.push_back(testing::make_root_span("two"));
  EXPECT_EQ(exporter->export_spans(spans), otel::ExportResult::kSuccess);
  EXPECT_TRUE(exporter->force_flush(std::chrono::seconds(1)));
  EXPECT_EQ(out.str(), format_span_for_console(*spans[0]) + format_span_for_console(*spans[2]));
  EXPECT_TRUE(exporter->shutdown(std::chrono::seconds(1)));
  EXPECT_EQ(exporter->export_spans(spans), otel::ExportResult::kFailure);
}

TEST(ConsoleExporterTest, WritesToAFile) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  auto exporter = make_console_exporter({.file = file, .stream = nullptr});
  std::vector<std::unique_ptr<otel::SpanData>> spans;
  spans.push_back(testing::make_root_span("filed"));
  EXPECT_EQ(exporter->export_spans(spans), otel::ExportResult::kSuccess);
  EXPECT_TRUE(exporter->force_flush(std::chrono::seconds(1)));
  std::rewind(file);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file));
  std::fclose(file);
  EXPECT_EQ(text, format_span_for_console(*spans[0]));
}

}  // namespace
}  // namespace kafkatrace::exporters
