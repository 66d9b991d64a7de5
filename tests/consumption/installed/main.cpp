// A user's first program against kafkatrace: starts an embedded broker and logs through a
// custom handler. Built by tests/consumption against the installed package, through
// pkg-config, and through add_subdirectory.
#include <kafkatrace/kafka/broker.h>
#include <kafkatrace/log.h>

#include <cstdio>
#include <string>

int main() {
  std::string last_message;
  kafkatrace::set_log_handler([&](kafkatrace::LogLevel, std::string_view,
                                  std::string_view message) { last_message = message; });
  kafkatrace::log(kafkatrace::LogLevel::kWarning, "consumer", "handler installed");
  if (last_message != "handler installed") return 1;

  auto started = kafkatrace::kafka::EmbeddedBroker::start({.topics = {"consumption"}});
  if (!started) {
    std::fprintf(stderr, "broker failed: %s\n", started.error.c_str());
    return 1;
  }
  if (started.broker->bootstrap_servers().empty()) return 1;
  std::puts("kafkatrace consumer ok");
  return 0;
}
