// At-least-once under SIGKILL: a consuming process is killed mid-stream and started again; every
// message must have been processed at least once (none lost). Duplicates are reported.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "consumer_fixture.h"

extern char** environ;

namespace kafkatrace::testing {
namespace {

using namespace std::chrono_literals;

class ConsumerCrashTest : public KafkaClusterTest {};

pid_t spawn_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  return pid;
}

std::map<std::string, int> read_processed(const std::string& path) {
  std::map<std::string, int> counts;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) ++counts[line];
  return counts;
}

std::size_t total(const std::map<std::string, int>& counts) {
  std::size_t sum = 0;
  for (const auto& [position, times] : counts) sum += static_cast<std::size_t>(times);
  return sum;
}

TEST_F(ConsumerCrashTest, SigkillMidStreamLosesNothing) {
  const std::string topic = unique_topic_name("crash");
  constexpr int kMessages = 3000;
  ASSERT_TRUE(create_topic(topic, 3));
  std::vector<TestMessage> messages;
  for (int i = 0; i < kMessages; ++i)
    messages.push_back({.topic = topic, .partition = i % 3, .value = std::to_string(i)});
  TestProducer producer(bootstrap_servers());
  for (const auto& delivery : producer.produce(messages))
    ASSERT_EQ(delivery.error, RD_KAFKA_RESP_ERR_NO_ERROR);

  const std::string output =
      (std::filesystem::temp_directory_path() / (topic + ".processed")).string();
  std::filesystem::remove(output);
  const std::vector<std::string> args{KAFKATRACE_CRASH_CHILD, bootstrap_servers(), topic,
                                      topic + "-group", output};
  const pid_t first = spawn_child(args);
  ASSERT_GT(first, 0);
  const bool midway = wait_until([&] { return total(read_processed(output)) >= kMessages / 4; });
  ::kill(first, SIGKILL);
  int status = 0;
  ::waitpid(first, &status, 0);
  ASSERT_TRUE(midway) << "the first consumer processed too little before the kill";
  const std::size_t before_restart = read_processed(output).size();
  ASSERT_LT(before_restart, static_cast<std::size_t>(kMessages)) << "not killed mid-stream";

  const pid_t second = spawn_child(args);
  ASSERT_GT(second, 0);
  const bool complete = wait_until([&] { return read_processed(output).size() == kMessages; }, 40s);
  ::kill(second, SIGTERM);  // stop() from the signal handler: commit and leave
  ::waitpid(second, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;

  const auto counts = read_processed(output);
  EXPECT_TRUE(complete);
  EXPECT_EQ(counts.size(), static_cast<std::size_t>(kMessages)) << "messages lost";
  const std::size_t duplicates = total(counts) - counts.size();
  std::cout << "[ info ] processed before SIGKILL: " << before_restart
            << ", distinct: " << counts.size() << ", duplicates after restart: " << duplicates
            << "\n";
  std::filesystem::remove(output);
}

}  // namespace
}  // namespace kafkatrace::testing
