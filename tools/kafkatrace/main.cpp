// kafkatrace — command-line entry point: dispatches to the sub-commands in commands.h.
#include <cstdio>
#include <string_view>
#include <vector>

#include "commands.h"

namespace {

constexpr std::string_view kUsage =
    "usage: kafkatrace <command> [options]\n"
    "\n"
    "commands:\n"
    "  broker    run an embedded Kafka broker (librdkafka's mock cluster) on loopback\n"
    "  demo      run a traced producer/consumer story on an embedded broker, show the trace\n"
    "  produce   produce messages with trace context (values from stdin or generated)\n"
    "  consume   consume messages, print them with their trace context\n"
    "  bench     measure produce and consume throughput, traced vs untraced\n"
    "\n"
    "Run 'kafkatrace <command> --help' for the options of a command.\n"
    "Exit codes: 0 success, 1 runtime failure, 2 usage error.\n";

struct Command {
  std::string_view name;
  int (*run)(std::span<const std::string_view>);
};

constexpr Command kCommands[] = {
    {"broker", kafkatrace::cli::run_broker},   {"demo", kafkatrace::cli::run_demo},
    {"produce", kafkatrace::cli::run_produce}, {"consume", kafkatrace::cli::run_consume},
    {"bench", kafkatrace::cli::run_bench},
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage.data(), stderr);
    return kafkatrace::cli::kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage.data(), stdout);
    return kafkatrace::cli::kExitOk;
  }
  if (args[0] == "--version") {
    std::puts("kafkatrace " KAFKATRACE_VERSION);
    return kafkatrace::cli::kExitOk;
  }
  for (const Command& command : kCommands) {
    if (command.name == args[0]) {
      return command.run(std::span<const std::string_view>(args).subspan(1));
    }
  }
  std::fprintf(stderr, "kafkatrace: unknown command '%.*s'\n\n%s", static_cast<int>(args[0].size()),
               args[0].data(), kUsage.data());
  return kafkatrace::cli::kExitUsage;
}
