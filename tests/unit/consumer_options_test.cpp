// TracedConsumer configuration checks and the dead-letter helpers that need no broker.
#include <gtest/gtest.h>

#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/dead_letter.h"

namespace kafkatrace::kafka {
namespace {

ConsumerOptions valid() {
  return {.bootstrap_servers = "127.0.0.1:1", .group_id = "g", .topics = {"t"}};
}

TEST(ConsumerOptionsTest, CreateReportsWhatIsMissingOrWrong) {
  auto options = valid();
  options.bootstrap_servers.clear();
  EXPECT_EQ(TracedConsumer::create(options).error, "bootstrap_servers is empty");
  options = valid();
  options.group_id.clear();
  EXPECT_EQ(TracedConsumer::create(options).error, "group_id is empty");
  options = valid();
  options.topics.clear();
  EXPECT_EQ(TracedConsumer::create(options).error, "topics is empty");
  options = valid();
  options.handler_retry.max_attempts = 0;
  EXPECT_NE(TracedConsumer::create(options).error.find("handler_retry"), std::string::npos);
  options = valid();
  options.properties["no.such.property"] = "1";
  const auto result = TracedConsumer::create(options);
  EXPECT_FALSE(result);
  EXPECT_NE(result.error.find("no.such.property"), std::string::npos) << result.error;
  options = valid();
  options.auto_offset_reset = "sideways";
  EXPECT_FALSE(TracedConsumer::create(options));
}

TEST(ConsumerOptionsTest, DefaultsAreAtLeastOnceWithChildSpans) {
  const ConsumerOptions options;
  EXPECT_EQ(options.commit_mode, CommitMode::kAfterProcessing);
  EXPECT_EQ(options.span_parent, ProcessSpanParent::kProducerAndLink);
  EXPECT_EQ(options.handler_retry.max_attempts, 3);
  EXPECT_TRUE(options.dead_letter.topic.empty());
  EXPECT_FALSE(options.record_body_size);
}

TEST(DeadLetterTest, TopicPatternReplacesEveryPlaceholder) {
  EXPECT_EQ(dead_letter_topic("{topic}.dlt", "orders"), "orders.dlt");
  EXPECT_EQ(dead_letter_topic("dlq", "orders"), "dlq");
  EXPECT_EQ(dead_letter_topic("{topic}-{topic}", "a"), "a-a");
  EXPECT_EQ(dead_letter_topic("", "a"), "");
}

TEST(HandlerResultTest, FailureCarriesTypeMessageAndRetriability) {
  EXPECT_FALSE(HandlerResult{}.failed);
  const auto failure = HandlerResult::failure("app.bad", "no", false);
  EXPECT_TRUE(failure.failed);
  EXPECT_FALSE(failure.retriable);
  EXPECT_EQ(failure.error_type, "app.bad");
  EXPECT_EQ(failure.message, "no");
}

}  // namespace
}  // namespace kafkatrace::kafka
