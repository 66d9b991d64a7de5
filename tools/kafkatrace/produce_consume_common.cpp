#include "produce_consume_common.h"

#include <pthread.h>

#include <atomic>
#include <cstdio>

namespace kafkatrace::cli {
namespace {

std::atomic<int> signals_received{0};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");

extern "C" void on_stop_signal(int) {
  signals_received.fetch_add(1);
}

sigset_t stop_signal_set() noexcept {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

StopSignals::StopSignals() noexcept {
  const sigset_t set = stop_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
}

void StopSignals::listen() noexcept {
  if (listening_) return;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: interrupt the read the main thread is blocked in
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
  const sigset_t set = stop_signal_set();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  listening_ = true;
}

int StopSignals::count() const noexcept {
  return signals_received.load();
}

StopSignals::~StopSignals() {
  if (listening_) {
    const sigset_t set = stop_signal_set();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
  }
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

bool parse_property_flag(ArgReader& reader, std::map<std::string, std::string>& properties) {
  if (!reader.is("-X", "--property")) return false;
  const std::string_view text = reader.value();
  if (reader.failed()) return true;
  auto assignment = split_assignment(text);
  if (!assignment) {
    reader.fail(std::string(reader.name()) + " needs NAME=VALUE, not '" + std::string(text) + "'");
    return true;
  }
  properties.insert_or_assign(std::move(assignment->first), std::move(assignment->second));
  return true;
}

std::string printable(std::string_view bytes) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

void report(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "kafkatrace %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(message.size()), message.data());
}

}  // namespace kafkatrace::cli
