// What `kafkatrace produce` and `kafkatrace consume` share: stopping on SIGINT/SIGTERM, the
// `-X property=value` pass-through, and one-line text rendering of Kafka bytes.
//
//   StopSignals signals;              // first, before any thread exists
//   CliTelemetry telemetry(...); auto consumer = ...;  // their threads never see the signals
//   signals.listen();                 // now only this thread receives them
//   while (signals.count() == 0) { ... }
#pragma once

#include <csignal>
#include <map>
#include <string>
#include <string_view>

#include "cli_args.h"

namespace kafkatrace::cli {

// SIGINT and SIGTERM as a counter instead of termination. Construct it on the main thread before
// any other thread starts: threads inherit the blocked mask, so only the thread that calls
// listen() ever runs the handler, and a blocking read() there fails with EINTR (the handler is
// installed without SA_RESTART). One instance per process; the destructor restores the previous
// handlers and mask.
class StopSignals {
 public:
  StopSignals() noexcept;
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  void listen() noexcept;
  // Signals received since construction (async-signal-safe counter).
  int count() const noexcept;

 private:
  sigset_t previous_mask_{};
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  bool listening_ = false;
};

// If the current flag is `-X` (or --property), reads its `name=value` into `properties` and
// returns true. librdkafka validates the name and value when the client is created.
bool parse_property_flag(ArgReader& reader, std::map<std::string, std::string>& properties);

// Help lines for -X.
inline constexpr std::string_view kPropertyHelp =
    "  -X, --property NAME=VALUE\n"
    "                        any librdkafka property, as kcat takes it (repeatable), e.g.\n"
    "                        -X compression.type=none -X security.protocol=ssl; applied after\n"
    "                        kafkatrace's defaults, so it overrides them\n";

// `bytes` on one line: backslash, control bytes and DEL escaped (\n, \t, \\, \xNN); other bytes
// (UTF-8 text included) as they are. Null (Kafka's null) is rendered by the caller.
std::string printable(std::string_view bytes);

// Prints "kafkatrace COMMAND: MESSAGE" on stderr.
void report(std::string_view command, std::string_view message);

}  // namespace kafkatrace::cli
