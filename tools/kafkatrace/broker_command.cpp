// `kafkatrace broker`: runs an embedded Kafka cluster until SIGINT or SIGTERM.
//
// Contract for scripts: the first line of stdout is the bootstrap address, written and flushed
// as soon as the cluster accepts connections; nothing else goes to stdout. Everything else
// (progress, librdkafka's diagnostics, errors) goes to stderr.
#include <pthread.h>

#include <charconv>
#include <climits>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "commands.h"
#include "kafkatrace/kafka/broker.h"

namespace kafkatrace::cli {
namespace {

constexpr std::string_view kHelp =
    "usage: kafkatrace broker [--brokers N] [--partitions P] [--topic NAME]... [--port PORT]\n"
    "\n"
    "Runs an embedded Kafka cluster (librdkafka's mock cluster) on 127.0.0.1 until SIGINT or\n"
    "SIGTERM. Prints the bootstrap servers as the first line of stdout.\n"
    "\n"
    "options:\n"
    "  --brokers N       number of brokers, 1-64 (default 1)\n"
    "  --partitions P    partitions of each --topic, 1-10000 (default 1); topics that clients\n"
    "                    auto-create get 4\n"
    "  --topic NAME      create this topic at start; repeat for more\n"
    "  --port PORT       stable bootstrap port on 127.0.0.1 (default: the brokers' ephemeral\n"
    "                    ports); clients then reach each broker on its own port\n"
    "  --help            show this help\n"
    "\n"
    "Exit codes: 0 stopped by a signal, 1 the cluster could not start, 2 usage error.\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "kafkatrace broker: %s\nTry 'kafkatrace broker --help'.\n", message.c_str());
  return kExitUsage;
}

// A whole-string decimal integer, or nullopt.
std::optional<long long> parse_number(std::string_view text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string describe(const kafka::EmbeddedBrokerOptions& options) {
  std::string text = std::to_string(options.brokers) + " broker(s)";
  for (const std::string& topic : options.topics) {
    text += ", topic " + topic + " (" + std::to_string(options.partitions) + " partitions)";
  }
  return text;
}

}  // namespace

int run_broker(std::span<const std::string_view> args) {
  kafka::EmbeddedBrokerOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view name = args[i];
    if (name == "--help" || name == "-h") {
      std::fputs(kHelp.data(), stdout);
      return kExitOk;
    }
    std::optional<std::string_view> value;
    if (const auto equals = name.find('='); name.starts_with("--") && equals != name.npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    if (name != "--brokers" && name != "--partitions" && name != "--topic" && name != "--port") {
      return usage_error("unknown option '" + std::string(name) + "'");
    }
    if (!value) {
      if (i + 1 == args.size()) return usage_error(std::string(name) + " needs a value");
      value = args[++i];
    }
    if (name == "--topic") {
      options.topics.emplace_back(*value);
      continue;
    }
    const std::optional<long long> number = parse_number(*value);
    if (!number) {
      return usage_error(std::string(name) + ": '" + std::string(*value) + "' is not a number");
    }
    if (name == "--port") {
      if (*number < 1 || *number > 65535) {
        return usage_error("--port must be between 1 and 65535 (got " + std::string(*value) + ")");
      }
      options.port = static_cast<std::uint16_t>(*number);
    } else if (*number < INT_MIN || *number > INT_MAX) {
      return usage_error(std::string(name) + ": " + std::string(*value) + " is out of range");
    } else {  // validate() below checks the limits
      (name == "--brokers" ? options.brokers : options.partitions) = static_cast<int>(*number);
    }
  }
  if (const std::string error = kafka::validate(options); !error.empty()) {
    return usage_error("--" + error);
  }

  // Block the stop signals before any librdkafka thread exists, so that every thread inherits
  // the mask and sigwait() below is the only place they are delivered.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto started = kafka::EmbeddedBroker::start(options);
  if (!started) {
    std::fprintf(stderr, "kafkatrace broker: cannot start: %s\n", started.error.c_str());
    return kExitFailure;
  }
  std::printf("%s\n", started.broker->bootstrap_servers().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "kafkatrace broker: serving %s on %s; stop with Ctrl-C or SIGTERM\n",
               describe(options).c_str(), started.broker->broker_addresses().c_str());

  int signal_number = 0;
  while (sigwait(&stop_signals, &signal_number) != 0) {
  }
  std::fprintf(stderr, "kafkatrace broker: %s received, stopping\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  started.broker.reset();
  return kExitOk;
}

}  // namespace kafkatrace::cli
