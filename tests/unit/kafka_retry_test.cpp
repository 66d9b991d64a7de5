// RetryPolicy's pure parts: validation, backoff ceilings, full jitter bounds, the decision.
#include <gtest/gtest.h>

#include <random>

#include "kafkatrace/kafka/record.h"
#include "kafkatrace/kafka/retry.h"

namespace kafkatrace::kafka {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, Validate) {
  EXPECT_EQ(validate(RetryPolicy{}), "");
  EXPECT_NE(validate(RetryPolicy{.max_attempts = 0}).find("max_attempts"), std::string::npos);
  EXPECT_NE(
      validate(RetryPolicy{.initial_backoff = milliseconds(10), .max_backoff = milliseconds(5)})
          .find("max_backoff"),
      std::string::npos);
  EXPECT_NE(validate(RetryPolicy{.multiplier = 0.5}).find("multiplier"), std::string::npos);
}

TEST(RetryPolicy, BackoffCeilingGrowsExponentiallyUpToTheCap) {
  const RetryPolicy policy{.initial_backoff = milliseconds(100), .max_backoff = milliseconds(1000)};
  EXPECT_EQ(backoff_ceiling(policy, 2), milliseconds(100));
  EXPECT_EQ(backoff_ceiling(policy, 3), milliseconds(200));
  EXPECT_EQ(backoff_ceiling(policy, 4), milliseconds(400));
  EXPECT_EQ(backoff_ceiling(policy, 5), milliseconds(800));
  EXPECT_EQ(backoff_ceiling(policy, 6), milliseconds(1000));
  EXPECT_EQ(backoff_ceiling(policy, 60), milliseconds(1000));
}

TEST(RetryPolicy, FullJitterCoversZeroToTheCeiling) {
  const RetryPolicy policy{.initial_backoff = milliseconds(100), .max_backoff = milliseconds(1000)};
  std::mt19937_64 random(7);
  milliseconds low(10000), high(0);
  for (int i = 0; i < 2000; ++i) {
    const milliseconds delay = full_jitter_backoff(policy, 3, random());
    low = std::min(low, delay);
    high = std::max(high, delay);
  }
  EXPECT_EQ(low, milliseconds(0));
  EXPECT_GE(high, milliseconds(190));
  EXPECT_LE(high, milliseconds(200));
  EXPECT_EQ(full_jitter_backoff(policy, 2, 100), milliseconds(100));
  EXPECT_EQ(full_jitter_backoff(policy, 2, 101), milliseconds(0));
}

TEST(RetryPolicy, ShouldRetryOnlyUnstoredRetriableFailuresWithinBudget) {
  const RetryPolicy policy{.max_attempts = 3, .max_elapsed = milliseconds(1000)};
  const auto timed_out = RD_KAFKA_RESP_ERR__MSG_TIMED_OUT;
  const auto not_stored = RD_KAFKA_MSG_STATUS_NOT_PERSISTED;
  EXPECT_TRUE(should_retry(policy, 1, milliseconds(0), milliseconds(10), timed_out, not_stored));
  EXPECT_TRUE(should_retry(policy, 2, milliseconds(0), milliseconds(10), timed_out, not_stored));
  EXPECT_FALSE(should_retry(policy, 3, milliseconds(0), milliseconds(10), timed_out, not_stored));
  EXPECT_FALSE(should_retry(policy, 1, milliseconds(995), milliseconds(10), timed_out, not_stored));
  EXPECT_FALSE(should_retry(policy, 1, milliseconds(0), milliseconds(10), timed_out,
                            RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED));
  EXPECT_FALSE(should_retry(policy, 1, milliseconds(0), milliseconds(10),
                            RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, not_stored));
  EXPECT_FALSE(should_retry(RetryPolicy{}, 1, milliseconds(0), milliseconds(0), timed_out,
                            not_stored));  // max_attempts 1: off
}

TEST(DeliveryError, NamesAndFlags) {
  const DeliveryError queue_full = make_delivery_error(RD_KAFKA_RESP_ERR__QUEUE_FULL);
  EXPECT_EQ(queue_full.name, "_QUEUE_FULL");
  EXPECT_FALSE(queue_full.message.empty());
  EXPECT_TRUE(queue_full.retriable);
  EXPECT_FALSE(queue_full.fatal);
  const DeliveryError fatal = make_delivery_error(RD_KAFKA_RESP_ERR__FATAL, "epoch fenced");
  EXPECT_EQ(fatal.message, "epoch fenced");
  EXPECT_TRUE(fatal.fatal);
  EXPECT_FALSE(fatal.retriable);
}

}  // namespace
}  // namespace kafkatrace::kafka
