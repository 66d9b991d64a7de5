// Semantic conventions for Kafka spans and metrics: the attribute names and values the producer
// and consumer instrumentation emit, in one place, plus the OTEL_SEMCONV_STABILITY_OPT_IN switch
// that also emits the older experimental names.
//
//   namespace sc = kafkatrace::kafka::semconv;
//   span->set_attribute(sc::kMessagingDestinationName, topic);
//   if (sc::emit_old_names(sc::semconv_mode_from_environment())) span->set_attribute(...);
//
// Current names follow the messaging conventions as of semantic-conventions v1.27+ (operation
// type "send" since v1.28). The older names are those of spec v1.16-era instrumentations (the
// seed's): `messaging.destination`, `messaging.operation=publish`, `messaging.kafka.partition`,
// `messaging.kafka.message_key`, ...; where a name only existed in the v1.17-v1.26 window (the
// offset), that name is used. Everything here is constexpr data except the two mode functions,
// which are thread-safe and never throw.
#pragma once

#include <string_view>

#include "kafkatrace/otel/messaging_metrics.h"

namespace kafkatrace::kafka::semconv {

// --- Current (development-status) messaging attributes ----------------------------------------
// Names the messaging metrics also use are defined once, in otel/messaging_metrics.h.
inline constexpr std::string_view kMessagingSystem = otel::messaging_metrics::kSystem;
inline constexpr std::string_view kMessagingOperationType = otel::messaging_metrics::kOperationType;
inline constexpr std::string_view kMessagingOperationName = otel::messaging_metrics::kOperationName;
inline constexpr std::string_view kMessagingDestinationName =
    otel::messaging_metrics::kDestinationName;
// A string, e.g. "3".
inline constexpr std::string_view kMessagingDestinationPartitionId =
    otel::messaging_metrics::kDestinationPartitionId;
inline constexpr std::string_view kMessagingClientId = "messaging.client.id";
inline constexpr std::string_view kMessagingConsumerGroupName =
    otel::messaging_metrics::kConsumerGroupName;
inline constexpr std::string_view kMessagingBatchMessageCount = "messaging.batch.message_count";
inline constexpr std::string_view kMessagingMessageId = "messaging.message.id";
inline constexpr std::string_view kMessagingMessageBodySize = "messaging.message.body.size";
inline constexpr std::string_view kMessagingMessageEnvelopeSize = "messaging.message.envelope.size";
// Kafka-specific. The key only when it is not null; the offset is an int.
inline constexpr std::string_view kMessagingKafkaMessageKey = "messaging.kafka.message.key";
inline constexpr std::string_view kMessagingKafkaOffset = "messaging.kafka.offset";
inline constexpr std::string_view kMessagingKafkaMessageTombstone =
    "messaging.kafka.message.tombstone";
// General attributes used by messaging spans.
inline constexpr std::string_view kServerAddress = otel::messaging_metrics::kServerAddress;
inline constexpr std::string_view kServerPort = otel::messaging_metrics::kServerPort;
inline constexpr std::string_view kErrorType = otel::messaging_metrics::kErrorType;

// --- Values -----------------------------------------------------------------------------------
inline constexpr std::string_view kSystemKafka = otel::messaging_metrics::kSystemKafka;
// messaging.operation.type
inline constexpr std::string_view kOperationTypeCreate = "create";
inline constexpr std::string_view kOperationTypeSend = "send";
inline constexpr std::string_view kOperationTypeReceive = "receive";
inline constexpr std::string_view kOperationTypeProcess = "process";
inline constexpr std::string_view kOperationTypeSettle = "settle";
// messaging.operation.name as Kafka clients name their operations.
inline constexpr std::string_view kOperationNameSend = "send";
inline constexpr std::string_view kOperationNamePoll = "poll";
inline constexpr std::string_view kOperationNameProcess = "process";
inline constexpr std::string_view kOperationNameCommit = "commit";
// error.type when no more specific (Kafka error name) is known.
inline constexpr std::string_view kErrorTypeOther = "_OTHER";

// --- Older experimental names (emitted in addition under messaging/dup) -----------------------
namespace old {
inline constexpr std::string_view kMessagingDestination = "messaging.destination";  // the topic
inline constexpr std::string_view kMessagingDestinationKind = "messaging.destination_kind";
inline constexpr std::string_view kMessagingOperation = "messaging.operation";
inline constexpr std::string_view kMessagingKafkaPartition = "messaging.kafka.partition";  // int
inline constexpr std::string_view kMessagingKafkaMessageKey = "messaging.kafka.message_key";
inline constexpr std::string_view kMessagingKafkaConsumerGroup = "messaging.kafka.consumer_group";
inline constexpr std::string_view kMessagingKafkaClientId = "messaging.kafka.client_id";
inline constexpr std::string_view kMessagingKafkaTombstone = "messaging.kafka.tombstone";
// No offset attribute existed before v1.17; this is the v1.17-v1.26 name (an int).
inline constexpr std::string_view kMessagingKafkaMessageOffset = "messaging.kafka.message.offset";
inline constexpr std::string_view kMessagingMessagePayloadSizeBytes =
    "messaging.message_payload_size_bytes";
inline constexpr std::string_view kNetPeerName = "net.peer.name";
inline constexpr std::string_view kNetPeerPort = "net.peer.port";

inline constexpr std::string_view kDestinationKindTopic = "topic";
// messaging.operation values (a producer's span had operation "publish" in the seed).
inline constexpr std::string_view kOperationPublish = "publish";
inline constexpr std::string_view kOperationReceive = "receive";
inline constexpr std::string_view kOperationProcess = "process";
}  // namespace old

// What OTEL_SEMCONV_STABILITY_OPT_IN asks of the messaging instrumentation. kafkatrace never had
// an older default, so both "messaging" and an absent variable mean kCurrent; "messaging/dup"
// (which wins over "messaging" when both are listed) means kDuplicate: current names plus the
// older ones above. Span names and kinds are always the current ones.
enum class SemconvMode { kCurrent, kDuplicate };

// Parses a comma-separated opt-in list (entries trimmed, case-insensitive).
SemconvMode parse_semconv_opt_in(std::string_view value) noexcept;
// parse_semconv_opt_in(getenv("OTEL_SEMCONV_STABILITY_OPT_IN")), read on every call.
SemconvMode semconv_mode_from_environment() noexcept;

constexpr bool emit_old_names(SemconvMode mode) noexcept {
  return mode == SemconvMode::kDuplicate;
}

}  // namespace kafkatrace::kafka::semconv
