#include "kafkatrace/log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kafkatrace {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_level_ = log_level(); }
  void TearDown() override {
    set_log_handler(nullptr);
    set_log_level(saved_level_);
  }
  LogLevel saved_level_ = LogLevel::kInfo;
};

TEST_F(LogTest, HandlerReceivesComponentAndMessage) {
  std::vector<std::string> lines;
  set_log_handler([&](LogLevel level, std::string_view component, std::string_view message) {
    lines.push_back(std::string(to_string(level)) + "|" + std::string(component) + "|" +
                    std::string(message));
  });
  set_log_level(LogLevel::kDebug);
  log(LogLevel::kWarning, "exporter", "queue full");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "warning|exporter|queue full");
}

TEST_F(LogTest, LevelFiltersMessages) {
  int calls = 0;
  set_log_handler([&](LogLevel, std::string_view, std::string_view) { ++calls; });
  set_log_level(LogLevel::kError);
  log(LogLevel::kDebug, "c", "m");
  log(LogLevel::kWarning, "c", "m");
  EXPECT_EQ(calls, 0);
  log(LogLevel::kError, "c", "m");
  EXPECT_EQ(calls, 1);
  set_log_level(LogLevel::kOff);
  log(LogLevel::kError, "c", "m");
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(log_enabled(LogLevel::kOff));
}

TEST_F(LogTest, ThrowingHandlerNeverEscapes) {
  set_log_handler([](LogLevel, std::string_view, std::string_view) {
    throw std::runtime_error("handler failed");
  });
  EXPECT_NO_THROW(log(LogLevel::kError, "c", "m"));
}

TEST_F(LogTest, DefaultHandlerWritesToStderrNotStdout) {
  set_log_level(LogLevel::kInfo);
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  log(LogLevel::kInfo, "broker", "listening");
  const std::string err = testing::internal::GetCapturedStderr();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "kafkatrace [info] broker: listening\n");
}

TEST_F(LogTest, HandlerCanBeReplacedWhileOtherThreadsLog) {
  std::atomic<int> calls{0};
  set_log_level(LogLevel::kInfo);
  set_log_handler([&](LogLevel, std::string_view, std::string_view) { ++calls; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 1000; ++i) log(LogLevel::kInfo, "t", "m");
    });
  }
  for (int i = 0; i < 100; ++i) {
    set_log_handler([&](LogLevel, std::string_view, std::string_view) { ++calls; });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(calls.load(), 4000);
}

TEST(LogLevelParse, AcceptsSpecNamesCaseInsensitively) {
  EXPECT_EQ(parse_log_level("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("info"), LogLevel::kInfo);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::kWarning);
  EXPECT_EQ(parse_log_level("Warning"), LogLevel::kWarning);
  EXPECT_EQ(parse_log_level("error"), LogLevel::kError);
  EXPECT_EQ(parse_log_level("none"), LogLevel::kOff);
  EXPECT_EQ(parse_log_level("loud"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
}

}  // namespace
}  // namespace kafkatrace
