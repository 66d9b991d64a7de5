// The consuming process of consumer_crash_test: runs a TracedConsumer that appends
// "partition:offset" for every message it processed to a file, until SIGTERM (stop() from the
// signal handler). The test kills it with SIGKILL mid-stream and starts it again.
//
//   consumer_crash_child <bootstrap> <topic> <group> <output file>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "kafkatrace/kafka/consumer.h"

namespace {

kafkatrace::kafka::TracedConsumer* g_consumer = nullptr;

extern "C" void on_terminate(int) {
  if (g_consumer != nullptr) g_consumer->stop();  // an atomic store: async-signal-safe
}

}  // namespace

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s bootstrap topic group output\n", argv[0]);
    return 2;
  }
  const int out = ::open(argv[4], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (out < 0) return 3;
  kafkatrace::kafka::ConsumerOptions options{.bootstrap_servers = argv[1],
                                             .group_id = argv[3],
                                             .topics = {argv[2]},
                                             .auto_offset_reset = "earliest"};
  options.commit_interval = 100ms;
  options.statistics_interval = 0ms;
  options.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
  auto created = kafkatrace::kafka::TracedConsumer::create(std::move(options));
  if (!created) {
    std::fprintf(stderr, "%s\n", created.error.c_str());
    return 4;
  }
  g_consumer = created.consumer.get();
  std::signal(SIGTERM, on_terminate);
  created.consumer->run([out](const kafkatrace::kafka::ConsumedMessage& message) {
    std::this_thread::sleep_for(300us);  // "processing"
    const std::string line =
        std::to_string(message.partition()) + ":" + std::to_string(message.offset()) + "\n";
    if (::write(out, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      throw std::runtime_error("write failed");
  });
  g_consumer = nullptr;
  created.consumer.reset();
  ::close(out);
  return 0;
}
