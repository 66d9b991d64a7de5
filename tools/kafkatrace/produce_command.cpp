// `kafkatrace produce`: sends stdin lines (or generated values) to a topic through TracedProducer,
// so each record gets a `send {topic}` PRODUCER span and carries its trace context in headers.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_telemetry.h"
#include "commands.h"
#include "kafkatrace/kafka/producer.h"
#include "kafkatrace/otel/tracing_backend.h"
#include "produce_consume_common.h"
#include "produce_deliveries.h"

namespace kafkatrace::cli {
namespace {

constexpr std::string_view kCommand = "produce";

constexpr std::string_view kHelpHead =
    "usage: kafkatrace produce -b BOOTSTRAP -t TOPIC [-k KEY] [-H NAME=VALUE]... [-p PARTITION]\n"
    "                          [-n COUNT [-s SIZE]] [-X NAME=VALUE]... [--json] [telemetry]\n"
    "\n"
    "Produces one message per line of stdin (the newline is not part of the value; an empty\n"
    "line is an empty value), or COUNT generated values with -n. Each message gets a traced\n"
    "'send TOPIC' span whose context (traceparent) is added to its headers. Waits for every\n"
    "delivery report before exiting.\n"
    "\n"
    "options:\n"
    "  -b, --bootstrap-servers HOST:PORT[,...]  brokers to connect to (required)\n"
    "  -t, --topic TOPIC     topic to produce to (required)\n"
    "  -k, --key KEY         key of every message (default: none, null key)\n"
    "  -H, --header NAME=VALUE\n"
    "                        header added to every message (repeatable, kept in order)\n"
    "  -p, --partition N     partition to produce to (default: the partitioner's choice)\n"
    "  -n, --count COUNT     send COUNT generated values instead of reading stdin\n"
    "  -s, --size SIZE       bytes per generated value (default 100): the message number, ':'\n"
    "                        and filler letters, cut to SIZE\n"
    "  --json                print one JSON line per delivery report on stdout:\n"
    "                        "
    "{\"sequence\":1,\"topic\":\"T\",\"partition\":0,\"offset\":5,\"key\":\"K\",\n"
    "                         \"trace_id\":\"<32 hex>\",\"span_id\":\"<16 hex>\"}\n"
    "                        failures have \"error\" (librdkafka's error name) and\n"
    "                        \"error_message\", and null partition/offset when unknown\n"
    "  -h, --help            show this help\n"
    "\n"
    "Librdkafka properties (kafkatrace's defaults: enable.idempotence=true, acks=all,\n"
    "compression.type=lz4, linger.ms=5):\n";
constexpr std::string_view kHelpMiddle = "\nTelemetry:\n";
constexpr std::string_view kHelpTail =
    "\n"
    "SIGINT/SIGTERM: stop reading, wait for the deliveries of what was read; a second signal\n"
    "abandons those still outstanding (reported as failed).\n"
    "Exit codes: 0 every message delivered, 1 a message failed (or the input could not be\n"
    "read), 2 usage error or a property librdkafka rejects.\n";

// Bounds the records in flight, so a long stdin stream never fills librdkafka's queue.
constexpr std::size_t kMaxOutstanding = 10000;
constexpr std::int64_t kDefaultSize = 100;

struct ProduceFlags {
  std::string bootstrap{};
  std::string topic{};
  std::optional<std::string> key{};
  std::vector<kafka::RecordHeader> headers{};
  std::optional<std::int32_t> partition{};
  std::optional<std::int64_t> count{};
  std::optional<std::int64_t> size{};
  std::map<std::string, std::string> properties{};
  bool json = false;
  TelemetryFlags telemetry{};
};

// Parses `args`; nullopt with `exit_code` set when the command should end (help or error).
std::optional<ProduceFlags> parse(std::span<const std::string_view> args, int& exit_code) {
  ProduceFlags flags;
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
      flags.topic = reader.value();
    } else if (reader.is("-k", "--key")) {
      flags.key = std::string(reader.value());
    } else if (reader.is("-H", "--header")) {
      const std::string_view text = reader.value();
      if (auto header = split_assignment(text)) {
        flags.headers.push_back({.name = header->first, .value = header->second});
      } else if (!reader.failed()) {
        reader.fail("-H needs NAME=VALUE, not '" + std::string(text) + "'");
      }
    } else if (reader.is("-p", "--partition")) {
      if (auto n = reader.number(0, std::numeric_limits<std::int32_t>::max())) {
        flags.partition = static_cast<std::int32_t>(*n);
      }
    } else if (reader.is("-n", "--count")) {
      flags.count = reader.number(0, std::numeric_limits<std::int64_t>::max());
    } else if (reader.is("-s", "--size")) {
      flags.size = reader.number(0, 1'000'000'000);
    } else if (reader.is("", "--json")) {
      flags.json = true;
    } else {
      reader.unknown();
    }
  }
  if (!reader.failed()) {
    if (flags.bootstrap.empty()) reader.fail("-b BOOTSTRAP is required");
    if (flags.topic.empty()) reader.fail("-t TOPIC is required");
    if (flags.size && !flags.count) reader.fail("-s SIZE needs -n COUNT");
  }
  if (reader.failed()) {
    exit_code = usage_error(kCommand, reader.error());
    return std::nullopt;
  }
  return flags;
}

std::string generated_value(std::uint64_t sequence, std::size_t size) {
  std::string value = std::to_string(sequence) + ':';
  value.reserve(size);
  for (std::size_t i = value.size(); i < size; ++i) value += static_cast<char>('a' + i % 26);
  value.resize(size);
  return value;
}

// Lines of stdin through getline(3), which (unlike iostreams) gives up when a signal interrupts
// the read.
class LineReader {
 public:
  LineReader() = default;
  ~LineReader() { std::free(buffer_); }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its '\n'; nullopt at the end of input, on a read error or a signal.
  std::optional<std::string_view> next() {
    const ssize_t length = ::getline(&buffer_, &capacity_, stdin);
    if (length < 0) return std::nullopt;
    std::string_view line(buffer_, static_cast<std::size_t>(length));
    if (line.ends_with('\n')) line.remove_suffix(1);
    return line;
  }
  bool failed() const noexcept { return std::ferror(stdin) != 0; }

 private:
  char* buffer_ = nullptr;  // owned (malloc'd by getline)
  std::size_t capacity_ = 0;
};

}  // namespace

int run_produce(std::span<const std::string_view> args) {
  int exit_code = kExitOk;
  std::optional<ProduceFlags> flags = parse(args, exit_code);
  if (!flags) return exit_code;

  StopSignals signals;
  CliTelemetry telemetry(flags->telemetry, {});
  auto capture = std::make_shared<SendSpanCapture>(
      otel::make_sdk_tracing_backend(telemetry.tracer_provider()->get_tracer("kafkatrace")));
  DeliveryReporter reporter(flags->json, flags->key);
  kafka::ProducerResult created = kafka::TracedProducer::create(
      {.bootstrap_servers = flags->bootstrap,
       .properties = flags->properties,
       .tracing = capture,
       // Deliveries are awaited below; a producer destroyed with records outstanding was told
       // to give up on them (a second signal), so purge at once.
       .close_timeout = std::chrono::milliseconds(0)});
  if (!created) {
    report(kCommand, created.error);
    return kExitUsage;
  }
  kafka::TracedProducer& producer = *created.producer;
  signals.listen();

  kafka::ProducerRecord record{.topic = flags->topic,
                               .partition = flags->partition,
                               .key = flags->key,
                               .headers = flags->headers};
  LineReader lines;
  std::uint64_t sequence = 0;
  bool input_failed = false;
  while (signals.count() == 0) {
    if (flags->count) {
      if (sequence == static_cast<std::uint64_t>(*flags->count)) break;
      record.value = generated_value(sequence + 1,
                                     static_cast<std::size_t>(flags->size.value_or(kDefaultSize)));
    } else {
      const std::optional<std::string_view> line = lines.next();
      if (!line) {
        input_failed = lines.failed() && signals.count() == 0;
        break;
      }
      record.value = std::string(*line);
    }
    const std::uint64_t this_sequence = ++sequence;
    producer.send(record, [&reporter, this_sequence](const kafka::DeliveryResult& result) {
      reporter.delivered(this_sequence, result);
    });
    reporter.sent(this_sequence, SendSpanCapture::take_last());
    while (producer.outstanding() >= kMaxOutstanding && signals.count() < 2) {
      producer.flush(std::chrono::milliseconds(50));
    }
  }
  if (input_failed) report(kCommand, "cannot read stdin");
  while (producer.outstanding() > 0 && signals.count() < 2) {
    producer.flush(std::chrono::milliseconds(200));
  }
  created.producer.reset();  // purges what is left: each gets its (failed) report

  const DeliveryCounts counts = reporter.counts();
  if (counts.failed > 0 || input_failed) {
    report(kCommand, std::to_string(counts.delivered) + " delivered, " +
                         std::to_string(counts.failed) + " failed");
    return kExitFailure;
  }
  report(kCommand, std::to_string(counts.delivered) + " message(s) delivered to " + flags->topic);
  return kExitOk;
}

}  // namespace kafkatrace::cli
