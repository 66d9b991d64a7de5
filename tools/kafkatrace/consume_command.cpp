// `kafkatrace consume`: a consumer-group member (TracedConsumer) that prints each message with
// the trace context of its `process {topic}` span, and commits only what it has printed.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cli_telemetry.h"
#include "commands.h"
#include "consume_output.h"
#include "kafkatrace/kafka/consumer.h"
#include "produce_consume_common.h"

namespace kafkatrace::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kCommand = "consume";
constexpr std::string_view kDefaultGroupPrefix = "kafkatrace-consume-";

constexpr std::string_view kHelpHead =
    "usage: kafkatrace consume -b BOOTSTRAP -t TOPIC [-g GROUP] [-n COUNT] [--timeout SECONDS]\n"
    "                          [-X NAME=VALUE]... [--json] [telemetry]\n"
    "\n"
    "Joins consumer group GROUP, subscribes to TOPIC and prints every message with the trace\n"
    "context of its traced 'process TOPIC' span (a child of the producer's send span when the\n"
    "message carries a traceparent header). At least once: a message's offset is committed only\n"
    "after it was printed and stdout flushed (periodically, and when the command ends).\n"
    "\n"
    "options:\n"
    "  -b, --bootstrap-servers HOST:PORT[,...]  brokers to connect to (required)\n"
    "  -t, --topic TOPIC     topic to consume (required; repeatable; '^regex' subscribes to a\n"
    "                        pattern)\n"
    "  -g, --group GROUP     consumer group; give one to continue where an earlier run of the\n"
    "                        group stopped (default: a new group per run,\n"
    "                        kafkatrace-consume-<8 hex digits>, so each run reads the topic from\n"
    "                        the start). A group without committed offsets starts at the\n"
    "                        earliest message (auto.offset.reset=earliest; override with\n"
    "                        -X auto.offset.reset=latest)\n"
    "  -n, --count COUNT     exit after printing COUNT messages\n"
    "  --timeout SECONDS     exit after SECONDS without a new message. The clock restarts with\n"
    "                        each message and each partition assignment; until the first\n"
    "                        assignment it allows at least 10 s (joining a group takes seconds)\n"
    "  --json                print one JSON object per line instead of text:\n"
    "                        "
    "{\"topic\",\"partition\",\"offset\",\"timestamp_ms\",\"key\",\"value\",\n"
    "                         \"headers\":[{\"name\",\"value\"}],\"trace_id\",\"span_id\",\n"
    "                         \"parent_span_id\"}; bytes that are not UTF-8 come as\n"
    "                        \"<field>_base64\" instead; unknown ids and null bytes are null\n"
    "  -h, --help            show this help\n"
    "\n"
    "Text lines: topic=T partition=P offset=O key=K trace_id=X span_id=Y parent_span_id=Z\n"
    "  headers=[name=value, ...] value=V  (control bytes and '\\' escaped; null: (null);\n"
    "  unknown id: -)\n"
    "\n"
    "Librdkafka properties:\n";
constexpr std::string_view kHelpMiddle = "\nTelemetry:\n";
constexpr std::string_view kHelpTail =
    "\n"
    "SIGINT/SIGTERM: stop, commit what was printed, leave the group, exit 0.\n"
    "Exit codes: 0 stopped by -n, --timeout or a signal; 1 a fatal consumer error, stdout\n"
    "failed, or --timeout ended the command before -n COUNT messages; 2 usage error or a\n"
    "property librdkafka rejects.\n";

constexpr std::chrono::milliseconds kPollSlice{200};
constexpr std::chrono::seconds kJoinAllowance{10};

struct ConsumeFlags {
  std::string bootstrap{};
  std::vector<std::string> topics{};
  std::string group{};
  std::optional<std::int64_t> count{};
  std::optional<std::chrono::seconds> timeout{};
  std::map<std::string, std::string> properties{};
  bool json = false;
  TelemetryFlags telemetry{};
};

std::optional<ConsumeFlags> parse(std::span<const std::string_view> args, int& exit_code) {
  ConsumeFlags flags;
  ArgReader reader(args);
  while (reader.next()) {
    if (reader.is("-h", "--help")) {
      print_help({kHelpHead, kPropertyHelp, kHelpMiddle, kTelemetryHelp, kHelpTail});
      exit_code = kExitOk;
      return std::nullopt;
    }
    if (parse_telemetry_flag(reader, flags.telemetry) ||
        parse_property_flag(reader, flags.properties)) {
      continue;
    }
    if (reader.is("-b", "--bootstrap-servers")) {
      flags.bootstrap = reader.value();
    } else if (reader.is("-t", "--topic")) {
      const std::string_view topic = reader.value();
      if (!topic.empty()) flags.topics.emplace_back(topic);
    } else if (reader.is("-g", "--group")) {
      flags.group = reader.value();
      if (flags.group.empty() && !reader.failed()) reader.fail("-g GROUP is empty");
    } else if (reader.is("-n", "--count")) {
      flags.count = reader.number(1, std::numeric_limits<std::int64_t>::max());
    } else if (reader.is("", "--timeout")) {
      if (auto seconds = reader.number(1, 365LL * 24 * 3600)) {
        flags.timeout = std::chrono::seconds(*seconds);
      }
    } else if (reader.is("", "--json")) {
      flags.json = true;
    } else {
      reader.unknown();
    }
  }
  if (!reader.failed()) {
    if (flags.bootstrap.empty()) reader.fail("-b BOOTSTRAP is required");
    if (flags.topics.empty()) reader.fail("-t TOPIC is required");
  }
  if (reader.failed()) {
    exit_code = usage_error(kCommand, reader.error());
    return std::nullopt;
  }
  return flags;
}

// A group of its own for this run (what a kcat-like user expects: the whole topic, every time).
std::string default_group() {
  std::random_device random;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
  return std::string(kDefaultGroupPrefix) + suffix;
}

bool print_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  return std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
}

}  // namespace

int run_consume(std::span<const std::string_view> args) {
  int exit_code = kExitOk;
  std::optional<ConsumeFlags> flags = parse(args, exit_code);
  if (!flags) return exit_code;
  if (flags->group.empty()) flags->group = default_group();

  StopSignals signals;
  CliTelemetry telemetry(flags->telemetry, {});
  const auto started = Clock::now();
  std::optional<Clock::time_point> last_assignment;
  kafka::ConsumerResult created = kafka::TracedConsumer::create(
      {.bootstrap_servers = flags->bootstrap,
       .group_id = flags->group,
       .topics = flags->topics,
       .auto_offset_reset = "earliest",
       .properties = flags->properties,
       .span_parent = kafka::ProcessSpanParent::kProducerAndLink,
       .record_body_size = true,
       .on_rebalance = [&last_assignment](const kafka::RebalanceEvent& event) {
         if (event.kind == kafka::RebalanceEvent::Kind::kAssigned) {
           last_assignment = Clock::now();
         }
       }});
  if (!created) {
    report(kCommand, created.error);
    return kExitUsage;
  }
  kafka::TracedConsumer& consumer = *created.consumer;
  signals.listen();
  report(kCommand, "joining group '" + flags->group + "'; stop with Ctrl-C");

  std::int64_t printed = 0;
  std::optional<Clock::time_point> last_message;
  bool timed_out = false;
  bool failed = false;
  while (signals.count() == 0 && !(flags->count && printed >= *flags->count)) {
    if (flags->timeout) {
      // The clock restarts at each message and assignment; joining gets kJoinAllowance.
      Clock::time_point deadline =
          started + std::max<Clock::duration>(*flags->timeout, kJoinAllowance);
      if (last_assignment) {
        deadline =
            std::max(*last_assignment, last_message.value_or(*last_assignment)) + *flags->timeout;
      }
      if (Clock::now() >= deadline) {
        timed_out = true;
        break;
      }
    }
    kafka::PollResult polled = consumer.poll(kPollSlice);
    if (polled.error) {
      report(kCommand, polled.error->message);
      if (polled.error->fatal) {
        failed = true;
        break;
      }
    }
    if (!polled.message) continue;
    if (!print_line(format_message(*polled.message, flags->json))) {
      report(kCommand, "cannot write to stdout; the message stays uncommitted");
      failed = true;
      break;
    }
    consumer.mark_processed(*polled.message);  // stores the offset: committed from now on
    ++printed;
    last_message = Clock::now();
  }

  if (printed > 0) {
    const rd_kafka_resp_err_t committed = consumer.commit();
    if (committed != RD_KAFKA_RESP_ERR_NO_ERROR && committed != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      report(kCommand, std::string("commit failed: ") + rd_kafka_err2str(committed));
      failed = true;
    }
  }
  consumer.close();
  if (timed_out && flags->count) {
    report(kCommand, "timed out after " + std::to_string(printed) + " of " +
                         std::to_string(*flags->count) + " message(s)");
    return kExitFailure;
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace kafkatrace::cli
