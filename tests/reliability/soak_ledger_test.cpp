// SoakLedger's figures on small, hand-made histories: what counts as lost, as a duplicate on
// either side, as a delivery report without an offset (librdkafka's implicit ack) and as a
// report that names another position than the one the consumer read.
#include "soak_ledger.h"

#include <gtest/gtest.h>

namespace kafkatrace::reliability {
namespace {

kafka::DeliveryResult delivered(std::int32_t partition, std::int64_t offset) {
  return {.topic = "soak", .partition = partition, .offset = offset};
}

kafka::DeliveryResult failed() {
  return {.topic = "soak", .error = kafka::make_delivery_error(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)};
}

TEST(SoakLedgerTest, EveryMessageDeliveredAndProcessedOnceIsClean) {
  SoakLedger ledger(3);
  for (std::uint32_t seq = 0; seq < 3; ++seq) {
    ledger.on_delivery(seq, delivered(0, seq));
    ledger.on_processed(seq, 0, seq);
  }
  const SoakFigures f = ledger.figures(3, {0});
  EXPECT_EQ(f.delivered, 3u);
  EXPECT_EQ(f.lost, 0u);
  EXPECT_EQ(f.delivered_without_offset, 0u);
  EXPECT_EQ(f.producer_duplicates, 0u);
  EXPECT_EQ(f.consumer_duplicates, 0u);
  EXPECT_EQ(f.report_mismatches, 0u);
  EXPECT_EQ(ledger.distinct_processed(), 3u);
}

TEST(SoakLedgerTest, ImplicitAckOfAnUnwrittenRecordIsLostAndSaysWhy) {
  SoakLedger ledger(4);
  ledger.on_delivery(0, delivered(0, 0));
  ledger.on_delivery(1, delivered(0, RD_KAFKA_OFFSET_INVALID));  // acked, never written
  ledger.on_delivery(2, delivered(0, RD_KAFKA_OFFSET_INVALID));  // acked, written at 1
  ledger.on_delivery(3, delivered(0, 2));
  ledger.on_processed(0, 0, 0);
  ledger.on_processed(2, 0, 1);
  ledger.on_processed(3, 0, 2);
  const SoakFigures f = ledger.figures(3, {0});
  EXPECT_EQ(f.delivered, 4u);
  EXPECT_EQ(f.delivered_without_offset, 2u);
  EXPECT_EQ(f.lost, 1u);
  EXPECT_EQ(f.lost_delivered_without_offset, 1u);
  EXPECT_EQ(f.lost_below_log_start, 0u);
  EXPECT_EQ(f.report_mismatches, 0u);  // no offset reported, nothing to compare
}

TEST(SoakLedgerTest, LostBelowLogStartCountsOnlyRecordsTheRetentionDeleted) {
  SoakLedger ledger(3);
  ledger.on_delivery(0, delivered(0, 0));   // deleted by retention before it was read
  ledger.on_delivery(1, delivered(1, 5));   // above partition 1's log start: simply lost
  ledger.on_delivery(2, delivered(0, 10));  // read
  ledger.on_processed(2, 0, 10);
  const SoakFigures f = ledger.figures(17, {4, 3});
  EXPECT_EQ(f.lost, 2u);
  EXPECT_EQ(f.lost_below_log_start, 1u);
  EXPECT_EQ(f.lost_delivered_without_offset, 0u);
  EXPECT_EQ(f.records_below_log_start, 7u);
}

TEST(SoakLedgerTest, DuplicatesOnEitherSideAndMismatchedReports) {
  SoakLedger ledger(2);
  ledger.on_delivery(0, delivered(0, 0));
  ledger.on_delivery(1, delivered(0, 1));
  ledger.on_processed(0, 0, 0);
  ledger.on_processed(0, 0, 0);  // the consumer read offset 0 twice
  ledger.on_processed(1, 0, 2);  // seq 1 also stored at offset 2: a producer duplicate ...
  ledger.on_processed(1, 0, 1);
  ledger.on_processed(1, 0, 3);  // ... and again at 3, which the report did not name
  const SoakFigures f = ledger.figures(4, {0});
  EXPECT_EQ(f.lost, 0u);
  EXPECT_EQ(f.consumer_duplicates, 1u);
  EXPECT_EQ(f.producer_duplicates, 2u);
  EXPECT_EQ(f.report_mismatches, 2u);
}

TEST(SoakLedgerTest, FailedAndMissingReportsAreCountedApart) {
  SoakLedger ledger(3);
  ledger.on_delivery(0, failed());
  ledger.on_delivery(1, delivered(0, 0));
  ledger.on_processed(1, 0, 0);
  const SoakFigures f = ledger.figures(1, {0});
  EXPECT_EQ(f.delivery_failures, 1u);
  EXPECT_EQ(f.missing_reports, 1u);
  EXPECT_EQ(f.delivered, 1u);
  EXPECT_EQ(f.lost, 2u);
  EXPECT_EQ(f.lost_delivered_without_offset, 0u);
  EXPECT_EQ(ledger.reports(), 2u);
}

}  // namespace
}  // namespace kafkatrace::reliability
