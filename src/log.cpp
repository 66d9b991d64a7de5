#include "kafkatrace/log.h"

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

namespace kafkatrace {
namespace {

LogLevel initial_level() noexcept {
  const char* text = std::getenv("OTEL_LOG_LEVEL");
  if (text == nullptr || *text == '\0') return LogLevel::kInfo;
  return parse_log_level(text).value_or(LogLevel::kInfo);
}

std::atomic<LogLevel>& level_storage() noexcept {
  static std::atomic<LogLevel> level{initial_level()};
  return level;
}

struct HandlerSlot {
  std::mutex mutex;
  std::shared_ptr<const LogHandler> handler;  // null: default handler
};

// Never destroyed: spans flushed during static destruction may still log.
HandlerSlot& handler_slot() {
  static auto* slot = new HandlerSlot();
  return *slot;
}

void write_to_stderr(LogLevel level, std::string_view component, std::string_view message) {
  std::string line;
  line.reserve(message.size() + component.size() + 24);
  line.append("kafkatrace [").append(to_string(level)).append("] ");
  line.append(component).append(": ").append(message).push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write keeps lines whole
}

}  // namespace

void set_log_handler(LogHandler handler) {
  auto replacement = handler ? std::make_shared<const LogHandler>(std::move(handler)) : nullptr;
  auto& slot = handler_slot();
  std::lock_guard lock(slot.mutex);
  slot.handler = std::move(replacement);
}

void set_log_level(LogLevel level) {
  level_storage().store(level, std::memory_order_relaxed);
}

LogLevel log_level() noexcept {
  return level_storage().load(std::memory_order_relaxed);
}

bool log_enabled(LogLevel level) noexcept {
  return level != LogLevel::kOff && level >= log_level();
}

void log(LogLevel level, std::string_view component, std::string_view message) noexcept {
  if (!log_enabled(level)) return;
  try {
    std::shared_ptr<const LogHandler> handler;
    {
      auto& slot = handler_slot();
      std::lock_guard lock(slot.mutex);
      handler = slot.handler;
    }
    if (handler) {
      (*handler)(level, component, message);
    } else {
      write_to_stderr(level, component, message);
    }
  } catch (...) {
    // A logging failure must never reach the caller (it may be a librdkafka thread).
  }
}

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "off";
  }
  return "unknown";
}

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "debug" || lower == "trace") return LogLevel::kDebug;
  if (lower == "info") return LogLevel::kInfo;
  if (lower == "warn" || lower == "warning") return LogLevel::kWarning;
  if (lower == "error" || lower == "fatal") return LogLevel::kError;
  if (lower == "none" || lower == "off") return LogLevel::kOff;
  return std::nullopt;
}

}  // namespace kafkatrace
