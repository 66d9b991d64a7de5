// SASL/SSL properties given to TracedProducer / TracedConsumer reach librdkafka untouched: the
// client's effective configuration holds exactly what librdkafka itself makes of the values
// given (special characters included; librdkafka trims leading blanks of string values), and a SASL
// client really speaks SASL (the embedded broker, librdkafka's mock cluster, does not support SASL,
// so it fails to authenticate where a PLAINTEXT client works).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <string>

#include "kafkatrace/kafka/broker.h"
#include "kafkatrace/kafka/consumer.h"
#include "kafkatrace/kafka/producer.h"
#include "security_support.h"

namespace kafkatrace::testing {
namespace {

using namespace std::chrono_literals;

// Values with the characters a careless pass-through would mangle (quoting, separators,
// escapes, spaces at the ends).
const std::map<std::string, std::string> kSecurityProperties = {
    {"security.protocol", "sasl_ssl"},
    {"sasl.mechanisms", "SCRAM-SHA-512"},
    {"sasl.username", " kt-user@example.com "},
    {"sasl.password", "p@ss w0rd,=;\"'\\%$ {}"},
    {"ssl.key.password", "key pass,1;=\\"},
    {"ssl.endpoint.identification.algorithm", "https"},
    {"ssl.cipher.suites", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"enable.ssl.certificate.verification", "true"},
};

std::string effective(rd_kafka_t* handle, const std::string& name) {
  char value[1024] = "";
  std::size_t size = sizeof value;
  if (rd_kafka_conf_get(rd_kafka_conf(handle), name.c_str(), value, &size) != RD_KAFKA_CONF_OK)
    return "<unset: " + name + ">";
  return value;
}

// What plain librdkafka stores for `name`=`value`: the reference for "untouched".
std::string as_librdkafka_stores(const std::string& name, const std::string& value) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512] = "";
  std::string stored = "<refused: " + name + ">";
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) ==
      RD_KAFKA_CONF_OK) {
    char buffer[1024] = "";
    std::size_t size = sizeof buffer;
    if (rd_kafka_conf_get(conf, name.c_str(), buffer, &size) == RD_KAFKA_CONF_OK) stored = buffer;
  }
  rd_kafka_conf_destroy(conf);
  return stored;
}

std::string unreachable_bootstrap() {
  return "127.0.0.1:" + std::to_string(unused_port());
}

TEST(ClientConfig, ProducerPassesSecurityPropertiesUntouched) {
  auto created = kafka::TracedProducer::create({.bootstrap_servers = unreachable_bootstrap(),
                                                .properties = kSecurityProperties,
                                                .close_timeout = 100ms});
  ASSERT_TRUE(created) << created.error;
  for (const auto& [name, value] : kSecurityProperties)
    EXPECT_EQ(effective(created.producer->handle(), name), as_librdkafka_stores(name, value))
        << name;
}

TEST(ClientConfig, ConsumerPassesSecurityPropertiesUntouched) {
  auto created = kafka::TracedConsumer::create({.bootstrap_servers = unreachable_bootstrap(),
                                                .group_id = "security",
                                                .topics = {"orders"},
                                                .properties = kSecurityProperties});
  ASSERT_TRUE(created) << created.error;
  for (const auto& [name, value] : kSecurityProperties)
    EXPECT_EQ(effective(created.consumer->handle(), name), as_librdkafka_stores(name, value))
        << name;
}

TEST(ClientConfig, SecurityProtocolIsLeftAtLibrdkafkasDefault) {
  auto created = kafka::TracedProducer::create(
      {.bootstrap_servers = unreachable_bootstrap(), .close_timeout = 100ms});
  ASSERT_TRUE(created) << created.error;
  EXPECT_EQ(effective(created.producer->handle(), "security.protocol"), "plaintext");
}

kafka::DeliveryResult send_one(const std::string& bootstrap,
                               std::map<std::string, std::string> properties) {
  properties["message.timeout.ms"] = "3000";
  auto created = kafka::TracedProducer::create({.bootstrap_servers = bootstrap,
                                                .properties = std::move(properties),
                                                .close_timeout = 100ms});
  if (!created) ADD_FAILURE() << created.error;
  if (!created) return {};
  return created.producer->send({.topic = "security", .value = "v"}).get();
}

TEST(ClientConfig, SaslPlaintextProducerFailsToAuthenticateWithTheMockBroker) {
  auto broker = kafka::EmbeddedBroker::start({.topics = {"security"}});
  ASSERT_TRUE(broker) << broker.error;
  const std::string bootstrap = broker.broker->bootstrap_servers();

  EXPECT_TRUE(send_one(bootstrap, {}).ok()) << "control: PLAINTEXT must work";
  LogCapture capture;
  const auto result = send_one(bootstrap, {{"security.protocol", "SASL_PLAINTEXT"},
                                           {"sasl.mechanism", "PLAIN"},
                                           {"sasl.username", "kt-user"},
                                           {"sasl.password", "kt-password"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
  EXPECT_FALSE(capture.lines_containing("SASL authentication").empty())
      << "librdkafka should report the failed SASL handshake";
}

TEST(ClientConfig, SaslPlaintextConsumerFailsToAuthenticateWithTheMockBroker) {
  auto broker = kafka::EmbeddedBroker::start({.topics = {"security"}});
  ASSERT_TRUE(broker) << broker.error;
  LogCapture capture;
  auto created =
      kafka::TracedConsumer::create({.bootstrap_servers = broker.broker->bootstrap_servers(),
                                     .group_id = "security",
                                     .topics = {"security"},
                                     .properties = {{"security.protocol", "SASL_PLAINTEXT"},
                                                    {"sasl.mechanism", "PLAIN"},
                                                    {"sasl.username", "kt-user"},
                                                    {"sasl.password", "kt-password"}}});
  ASSERT_TRUE(created) << created.error;
  bool reported = false;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!reported && std::chrono::steady_clock::now() < deadline) {
    const auto polled = created.consumer->poll(200ms);
    EXPECT_FALSE(polled.message.has_value()) << "a message arrived without authentication";
    reported = (polled.error && polled.error->message.find("SASL") != std::string::npos) ||
               !capture.lines_containing("SASL authentication").empty();
  }
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace kafkatrace::testing
