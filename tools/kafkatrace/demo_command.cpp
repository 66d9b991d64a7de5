// `kafkatrace demo`: runs the traced orders story (demo_story.h) on an embedded broker and shows
// the traces it produced as a waterfall on stdout (and optionally as an HTML page). Progress and
// errors go to stderr; stdout holds only the waterfall and the summary line.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_telemetry.h"
#include "commands.h"
#include "demo_story.h"
#include "html_waterfall.h"
#include "kafkatrace/exporters/memory.h"
#include "kafkatrace/kafka/broker.h"
#include "waterfall.h"

namespace kafkatrace::cli {
namespace {

constexpr std::string_view kCommand = "demo";
constexpr std::size_t kDefaultWidth = 120;

constexpr std::string_view kHelp =
    "usage: kafkatrace demo [--orders N] [--html FILE] [telemetry options]\n"
    "\n"
    "Runs a traced Kafka story on an embedded broker (librdkafka's mock cluster) and prints the\n"
    "traces it produced as a waterfall:\n"
    "  - a checkout places orders on topic 'orders' (a place_order span around each send); one\n"
    "    order meets a short broker outage and is sent again by the retry policy;\n"
    "  - consumer group 'order-processing' handles each order: a process span, child of the\n"
    "    send span, with the application's process_order span inside;\n"
    "  - consumer group 'order-analytics' reads the orders in batches: a process span linked to\n"
    "    every send span.\n"
    "Takes about 6-10 seconds (joining a consumer group is most of it).\n"
    "\n"
    "options:\n"
    "  --orders N            orders to place, 1-50 (default 5)\n"
    "  --html FILE           also write the waterfall as a self-contained HTML page\n"
    "  --help                show this help\n";

constexpr std::string_view kHelpTail =
    "\n"
    "The waterfall is coloured when stdout is a terminal and NO_COLOR is not set. OTEL_*\n"
    "variables apply as in every command (e.g. OTEL_TRACES_SAMPLER).\n"
    "Exit codes: 0 every order produced and consumed by both groups, 1 failure (broker, Kafka,\n"
    "export, HTML file), 2 usage error.\n";

struct DemoFlags {
  TelemetryFlags telemetry{};
  std::string html_file{};
  int orders = 5;
  bool help = false;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "kafkatrace demo: %s\n", message.c_str());
  return kExitFailure;
}

// Columns of the terminal on stdout; COLUMNS or kDefaultWidth when it is not one.
std::size_t output_width(bool terminal) {
  winsize size{};
  if (terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    const long value = std::strtol(columns, nullptr, 10);
    if (value >= 40 && value <= 1000) return static_cast<std::size_t>(value);
  }
  return kDefaultWidth;
}

struct FileCloser {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

std::string summary_line(const DemoStoryResult& story, const std::vector<WaterfallTrace>& traces,
                         const otel::TracerStats& stats) {
  std::size_t spans = 0;
  for (const auto& trace : traces) spans += trace.rows.size();
  return std::to_string(story.delivered) + " orders produced (" + std::to_string(story.retried) +
         " retried), " + std::to_string(story.processed) + " processed by group " +
         kDemoProcessingGroup + ", " + std::to_string(story.batch_messages) + " in " +
         std::to_string(story.batches) + (story.batches == 1 ? " batch" : " batches") +
         " by group " + kDemoAnalyticsGroup + "; " + std::to_string(traces.size()) + " traces, " +
         std::to_string(spans) + " spans; " + std::to_string(stats.spans_dropped) +
         " spans dropped, " + std::to_string(stats.spans_export_failed) + " failed to export";
}

}  // namespace

int run_demo(std::span<const std::string_view> args) {
  DemoFlags flags;
  ArgReader reader(args);
  while (reader.next()) {
    if (parse_telemetry_flag(reader, flags.telemetry)) continue;
    if (reader.is("-h", "--help")) {
      flags.help = true;
    } else if (reader.is("", "--html")) {
      flags.html_file = std::string(reader.value());
      if (!reader.failed() && flags.html_file.empty()) reader.fail("--html is empty");
    } else if (reader.is("", "--orders")) {
      if (const auto orders = reader.number(1, 50)) flags.orders = static_cast<int>(*orders);
    } else {
      reader.unknown();
    }
  }
  if (reader.failed()) return usage_error(kCommand, reader.error());
  if (flags.help) {
    print_help({kHelp, kTelemetryHelp, kHelpTail});
    return kExitOk;
  }

  // Opened first so that an unwritable path fails before the story runs.
  std::unique_ptr<std::FILE, FileCloser> html;
  if (!flags.html_file.empty()) {
    html.reset(std::fopen(flags.html_file.c_str(), "w"));
    if (!html) return fail("cannot write " + flags.html_file + ": " + std::strerror(errno));
  }

  auto span_store = std::make_shared<exporters::InMemorySpanStore>();
  CliTelemetryOptions telemetry_options{.default_service_name = "kafkatrace-demo"};
  telemetry_options.extra_processors.push_back(
      otel::make_simple_processor(std::make_unique<exporters::InMemorySpanExporter>(span_store)));
  CliTelemetry telemetry(flags.telemetry, std::move(telemetry_options));

  auto started = kafka::EmbeddedBroker::start({.partitions = 3, .topics = {kDemoTopic}});
  if (!started) return fail("cannot start the embedded broker: " + started.error);
  std::fprintf(stderr, "kafkatrace demo: embedded broker at %s; placing %d orders\n",
               started.broker->bootstrap_servers().c_str(), flags.orders);
  const DemoStoryResult story =
      run_demo_story(*started.broker, {.orders = flags.orders}, *span_store);
  started.broker.reset();

  // Exports what the batch processors still hold (files, --otlp-endpoint) before counting.
  const CliTelemetry::Flushed flushed = telemetry.flush();
  const otel::TracerStats stats =
      telemetry.tracer_provider() ? telemetry.tracer_provider()->stats() : otel::TracerStats{};
  const std::vector<WaterfallTrace> traces = build_waterfall(span_store->spans());
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  const std::string summary = summary_line(story, traces, stats);
  std::fputs(render_text(traces, {.width = output_width(terminal),
                                  .color = use_color(terminal, std::getenv("NO_COLOR"))})
                 .c_str(),
             stdout);
  std::printf("\nkafkatrace demo: %s\n", summary.c_str());
  std::fflush(stdout);

  int exit_code = kExitOk;
  if (html) {
    const std::string page = render_html(traces, {.title = "kafkatrace demo", .summary = summary});
    const bool written = std::fwrite(page.data(), 1, page.size(), html.get()) == page.size();
    if (std::fclose(html.release()) != 0 || !written) {
      exit_code = fail("cannot write " + flags.html_file);
    } else {
      std::fprintf(stderr, "kafkatrace demo: wrote %s\n", flags.html_file.c_str());
    }
  }
  if (!story.error.empty()) exit_code = fail(story.error);
  if (!flushed.metrics) {
    // Not fatal: the demo is about the trace, and some backends (Jaeger) take no metrics.
    std::fputs("kafkatrace demo: the metrics were not all exported (see the messages above)\n",
               stderr);
  }
  if (!flushed.spans || stats.spans_dropped > 0 || stats.spans_export_failed > 0) {
    exit_code =
        fail("not every span reached its destination (" + std::to_string(stats.spans_dropped) +
             " dropped, " + std::to_string(stats.spans_export_failed) +
             " failed to export; see the messages above)");
  }
  return exit_code;
}

}  // namespace kafkatrace::cli
