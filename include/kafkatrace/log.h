// Diagnostics of the kafkatrace library.
//
// The library never writes to stdout. Everything it has to say (a dropped span, an export
// failure, a misconfiguration) goes through one process-wide log handler: stderr by default,
// replaceable by the application, filtered by a minimum level taken from `OTEL_LOG_LEVEL`
// (debug, info, warn/warning, error, none/off; default info).
//
//   kafkatrace::set_log_handler([](kafkatrace::LogLevel level, std::string_view component,
//                                  std::string_view message) { my_logger(level, message); });
//   kafkatrace::set_log_level(kafkatrace::LogLevel::kDebug);
#pragma once

#include <functional>
#include <optional>
#include <string_view>

namespace kafkatrace {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

// Called on whichever thread logged, including librdkafka's internal threads and the
// exporters' background threads. It must be thread-safe, must not block for long and must not
// call back into kafkatrace's logging. Exceptions it throws are swallowed.
using LogHandler =
    std::function<void(LogLevel level, std::string_view component, std::string_view message)>;

// Replaces the handler; an empty handler restores the default (stderr). Thread-safe.
void set_log_handler(LogHandler handler);

// Minimum level that reaches the handler. Thread-safe, lock-free to read.
void set_log_level(LogLevel level);
LogLevel log_level() noexcept;
bool log_enabled(LogLevel level) noexcept;

// Hands a message to the handler if `level` is enabled. Never throws.
void log(LogLevel level, std::string_view component, std::string_view message) noexcept;

std::string_view to_string(LogLevel level) noexcept;
// Parses "debug", "info", "warn"/"warning", "error", "none"/"off" (case-insensitive).
std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;

}  // namespace kafkatrace
