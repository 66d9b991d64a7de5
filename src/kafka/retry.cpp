#include "kafkatrace/kafka/retry.h"

#include <algorithm>
#include <cmath>

namespace kafkatrace::kafka {

std::string validate(const RetryPolicy& policy) {
  if (policy.max_attempts < 1) return "retry.max_attempts must be at least 1";
  if (policy.initial_backoff.count() < 0) return "retry.initial_backoff must not be negative";
  if (policy.max_backoff < policy.initial_backoff)
    return "retry.max_backoff must be at least retry.initial_backoff";
  if (!(policy.multiplier >= 1.0) || !std::isfinite(policy.multiplier))
    return "retry.multiplier must be a finite number >= 1";
  if (policy.max_elapsed.count() < 0) return "retry.max_elapsed must not be negative";
  return {};
}

std::chrono::milliseconds backoff_ceiling(const RetryPolicy& policy, int next_attempt) noexcept {
  const double exponent = std::max(0, next_attempt - 2);
  const double ceiling = static_cast<double>(policy.initial_backoff.count()) *
                         std::pow(std::max(1.0, policy.multiplier), exponent);
  const double capped = std::min(ceiling, static_cast<double>(policy.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, capped)));
}

std::chrono::milliseconds full_jitter_backoff(const RetryPolicy& policy, int next_attempt,
                                              std::uint64_t random) noexcept {
  const auto ceiling = static_cast<std::uint64_t>(backoff_ceiling(policy, next_attempt).count());
  return std::chrono::milliseconds(static_cast<std::int64_t>(random % (ceiling + 1)));
}

bool is_retriable_error(rd_kafka_resp_err_t error) noexcept {
  switch (error) {
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
    case RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED: return true;
    default: return false;
  }
}

bool should_retry(const RetryPolicy& policy, int attempt, std::chrono::milliseconds elapsed,
                  std::chrono::milliseconds delay, rd_kafka_resp_err_t error,
                  rd_kafka_msg_status_t status) noexcept {
  return attempt < policy.max_attempts && is_retriable_error(error) &&
         status == RD_KAFKA_MSG_STATUS_NOT_PERSISTED && elapsed + delay <= policy.max_elapsed;
}

}  // namespace kafkatrace::kafka
