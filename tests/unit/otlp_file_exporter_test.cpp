#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kafkatrace/exporters/otlp_file.h"
#include "kafkatrace/log.h"
#include "support/json_value.h"
#include "support/span_fixtures.h"

namespace kafkatrace::exporters {
namespace {

namespace fs = std::filesystem;

class OtlpFileExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("kafkatrace-otlp-file-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(directory_);
    path_ = (directory_ / "traces.jsonl").string();
    spans_.push_back(testing::make_full_span());
    set_log_handler([this](LogLevel, std::string_view, std::string_view message) {
      logs_.emplace_back(message);
    });
  }
  void TearDown() override {
    set_log_handler(nullptr);
    ::unsetenv(OtlpFileExporterOptions::kPathVariable);
    fs::remove_all(directory_);
  }
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> result;
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

  fs::path directory_;
  std::string path_;
  std::vector<std::unique_ptr<otel::SpanData>> spans_;
  std::vector<std::string> logs_;
};

TEST_F(OtlpFileExporterTest, WritesOneRequestPerLineAndFlushes) {
  auto exporter = make_otlp_file_exporter({.path = path_});
  ASSERT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  // Flushed after the line: visible before shutdown.
  ASSERT_EQ(lines().size(), 1u);
  spans_.push_back(testing::make_root_span("second"));
  ASSERT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  const auto written = lines();
  ASSERT_EQ(written.size(), 2u);
  const auto first = testing::JsonValue::parse(written[0]);
  EXPECT_EQ(first["resourceSpans"][0]["scopeSpans"][0]["spans"].size(), 1u);
  const auto second = testing::JsonValue::parse(written[1]);
  const auto& spans = second["resourceSpans"][0]["scopeSpans"][0]["spans"];
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1]["name"].text, "second");
  EXPECT_TRUE(exporter->shutdown(std::chrono::seconds(1)));
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  EXPECT_TRUE(logs_.empty());
}

TEST_F(OtlpFileExporterTest, AppendsToAnExistingFile) {
  { std::ofstream(path_) << "previous\n"; }
  auto exporter = make_otlp_file_exporter({.path = path_});
  ASSERT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  const auto written = lines();
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0], "previous");
  EXPECT_NO_THROW(testing::JsonValue::parse(written[1]));
}

TEST_F(OtlpFileExporterTest, UnopenablePathFailsWithAClearMessage) {
  const std::string bad = (directory_ / "missing-dir" / "traces.jsonl").string();
  auto exporter = make_otlp_file_exporter({.path = bad});
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kFailure);
  ASSERT_EQ(logs_.size(), 1u);  // rate-limited
  EXPECT_NE(logs_[0].find(bad), std::string::npos) << logs_[0];
  EXPECT_NE(logs_[0].find("No such file or directory"), std::string::npos) << logs_[0];
  // Recovers once the directory exists.
  fs::create_directories(directory_ / "missing-dir");
  EXPECT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  EXPECT_TRUE(exporter->force_flush(std::chrono::seconds(1)));
}

TEST_F(OtlpFileExporterTest, PathFromTheEnvironment) {
  EXPECT_EQ(OtlpFileExporterOptions::from_environment().path, "kafkatrace-traces.jsonl");
  ::setenv(OtlpFileExporterOptions::kPathVariable, path_.c_str(), 1);
  EXPECT_EQ(OtlpFileExporterOptions::from_environment().path, path_);
  auto exporter = make_otlp_file_exporter();
  ASSERT_EQ(exporter->export_spans(spans_), otel::ExportResult::kSuccess);
  EXPECT_EQ(lines().size(), 1u);
}

}  // namespace
}  // namespace kafkatrace::exporters
