// ConsumerCore: closing a cooperative-sticky member that never received an assignment.
//
// librdkafka before 2.3.0 aborts the process in rd_kafka_destroy() when the group's assignor is
// cooperative-sticky and this member joined (the assignor is chosen by the JoinGroup response)
// but never received an assignment (the assignor's state is created by the first SyncGroup
// response): it destroys that state without checking it exists (librdkafka #4312, fixed by
// #4381 in 2.3.0). A consumer stopped during its first rebalance (a slow group, a short-lived
// CLI run) hits this window. The mitigation its maintainers suggest is to wait for the first
// assignment before closing; if it does not come in time, the client handle is left undestroyed
// rather than let librdkafka abort the host application.
#include <string_view>

#include "kafka/internal/consumer_core.h"
#include "kafkatrace/log.h"

namespace kafkatrace::kafka::internal {
namespace {

constexpr std::string_view kComponent = "kafka.consumer";
constexpr int kFixedVersion = 0x02030000;  // librdkafka 2.3.0
constexpr auto kPollSlice = std::chrono::milliseconds(20);
constexpr std::chrono::milliseconds kFirstAssignmentWait{5000};

}  // namespace

bool ConsumerCore::assignment_missing_for_destroy() const noexcept {
  if (assignment_received_ || handle_ == nullptr || rd_kafka_version() >= kFixedVersion)
    return false;
  // Asks the group thread; needs an open consumer (a closed group no longer answers).
  const char* protocol = rd_kafka_rebalance_protocol(handle_);
  return protocol != nullptr && std::string_view(protocol) == "COOPERATIVE";
}

void ConsumerCore::await_first_assignment() noexcept {
  if (!assignment_missing_for_destroy()) return;
  log(LogLevel::kInfo, kComponent,
      "closing during the group's first cooperative rebalance: waiting up to " +
          std::to_string(kFirstAssignmentWait.count()) +
          " ms for the first assignment (librdkafka before 2.3.0 aborts when such a member is "
          "destroyed without one)");
  // An assignment that arrives now is paused as it is taken (handle_rebalance): nothing is
  // fetched, so the polls below return no message that would need processing.
  paused_ = true;
  const auto deadline = std::chrono::steady_clock::now() + kFirstAssignmentWait;
  while (!assignment_received_ && std::chrono::steady_clock::now() < deadline) {
    if (rd_kafka_message_t* message =
            rd_kafka_consumer_poll(handle_, static_cast<int>(kPollSlice.count())))
      rd_kafka_message_destroy(message);
  }
  if (!assignment_received_) {
    abandon_handle_ = true;
    log(LogLevel::kWarning, kComponent,
        "no assignment arrived before close: the librdkafka client is left undestroyed (its "
        "threads stay idle until the process exits) because librdkafka before 2.3.0 would abort "
        "the process; upgrade librdkafka to avoid this");
  }
}

void ConsumerCore::abandon_handle() noexcept {
  // Queue-served callbacks (rebalance, commit, statistics) never run again: nothing polls. The
  // log callback is called from librdkafka's threads and uses no consumer state; quieten it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  rd_kafka_set_log_level(handle_, 0);
#pragma GCC diagnostic pop
  handle_ = nullptr;
}

}  // namespace kafkatrace::kafka::internal
