// The messaging metrics of the semantic conventions, created from a Meter.
#include "kafkatrace/otel/messaging_metrics.h"

#include <vector>

namespace kafkatrace::otel {

MessagingMetrics MessagingMetrics::create(const Meter& meter) {
  namespace mm = messaging_metrics;
  const std::vector<double> boundaries(mm::kDurationBoundaries.begin(),
                                       mm::kDurationBoundaries.end());
  MessagingMetrics metrics;
  metrics.client_operation_duration = meter.create_histogram<double>(
      mm::kClientOperationDuration, {.description = mm::kClientOperationDurationDescription,
                                     .unit = mm::kSecondsUnit,
                                     .boundaries = boundaries});
  metrics.client_sent_messages = meter.create_counter<std::int64_t>(
      mm::kClientSentMessages,
      {.description = mm::kClientSentMessagesDescription, .unit = mm::kMessageUnit});
  metrics.client_consumed_messages = meter.create_counter<std::int64_t>(
      mm::kClientConsumedMessages,
      {.description = mm::kClientConsumedMessagesDescription, .unit = mm::kMessageUnit});
  metrics.process_duration = meter.create_histogram<double>(
      mm::kProcessDuration, {.description = mm::kProcessDurationDescription,
                             .unit = mm::kSecondsUnit,
                             .boundaries = boundaries});
  return metrics;
}

}  // namespace kafkatrace::otel
