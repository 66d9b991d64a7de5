// The messaging client metrics of the OpenTelemetry semantic conventions (messaging metrics,
// "development" stability), defined once here and recorded by the Kafka producer and consumer.
//
//   auto metrics = kafkatrace::otel::MessagingMetrics::create(provider->get_meter("kafkatrace"));
//   namespace mm = kafkatrace::otel::messaging_metrics;
//   metrics.client_sent_messages.add(1, {{mm::kSystem, "kafka"}, {mm::kOperationName, "send"}});
//
// Metrics (instrument, unit):
//   messaging.client.operation.duration  histogram  s
//   messaging.client.sent.messages       counter    {message}
//   messaging.client.consumed.messages   counter    {message}
//   messaging.process.duration           histogram  s
// Attributes: messaging.system and messaging.operation.name are required on all four.
// Conditionally required: error.type iff the operation failed; messaging.destination.name iff
// known to have low cardinality (a Kafka topic is); messaging.consumer.group.name when
// applicable (not on sent.messages); messaging.operation.type when applicable, on
// client.operation.duration only; server.address if available. server.port and
// messaging.destination.partition.id are optional (the partition id multiplies cardinality).
//
// Threading/cost: as for any instrument (instruments.h). Create once per provider and keep it.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "kafkatrace/otel/instruments.h"
#include "kafkatrace/otel/meter.h"

namespace kafkatrace::otel {

namespace messaging_metrics {

inline constexpr std::string_view kClientOperationDuration = "messaging.client.operation.duration";
inline constexpr std::string_view kClientSentMessages = "messaging.client.sent.messages";
inline constexpr std::string_view kClientConsumedMessages = "messaging.client.consumed.messages";
inline constexpr std::string_view kProcessDuration = "messaging.process.duration";

inline constexpr std::string_view kClientOperationDurationDescription =
    "Duration of messaging operation initiated by a producer or consumer client.";
inline constexpr std::string_view kClientSentMessagesDescription =
    "Number of messages producer attempted to send to the broker.";
inline constexpr std::string_view kClientConsumedMessagesDescription =
    "Number of messages that were delivered to the application.";
inline constexpr std::string_view kProcessDurationDescription = "Duration of processing operation.";

inline constexpr std::string_view kSecondsUnit = "s";
inline constexpr std::string_view kMessageUnit = "{message}";

// The conventions' advice for both duration histograms (seconds).
inline constexpr std::array<double, 14> kDurationBoundaries{
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};

// Attribute keys.
inline constexpr std::string_view kSystem = "messaging.system";
inline constexpr std::string_view kOperationName = "messaging.operation.name";
inline constexpr std::string_view kOperationType = "messaging.operation.type";
inline constexpr std::string_view kDestinationName = "messaging.destination.name";
inline constexpr std::string_view kConsumerGroupName = "messaging.consumer.group.name";
inline constexpr std::string_view kDestinationPartitionId = "messaging.destination.partition.id";
inline constexpr std::string_view kErrorType = "error.type";
inline constexpr std::string_view kServerAddress = "server.address";
inline constexpr std::string_view kServerPort = "server.port";

inline constexpr std::string_view kSystemKafka = "kafka";

}  // namespace messaging_metrics

// The four instruments, created from one Meter with the conventions' names, units,
// descriptions and bucket boundaries. Default-constructed: all no-op.
struct MessagingMetrics {
  Histogram<double> client_operation_duration;
  Counter<std::int64_t> client_sent_messages;
  Counter<std::int64_t> client_consumed_messages;
  Histogram<double> process_duration;

  static MessagingMetrics create(const Meter& meter);
};

}  // namespace kafkatrace::otel
