// `kafkatrace demo`: an untraced producer/consumer round trip through an embedded broker, with
// librdkafka's C API only. Prints each consumed message to stdout.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "commands.h"
#include "kafkatrace/kafka/broker.h"

namespace kafkatrace::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kHelp =
    "usage: kafkatrace demo [--help]\n"
    "\n"
    "Starts an embedded broker, produces a few order messages with headers to topic 'orders'\n"
    "(3 partitions), consumes them back in a consumer group and prints each one:\n"
    "  partition, offset, key, value and headers.\n"
    "Gives up after 30 s. Exit codes: 0 all messages round-tripped, 1 failure, 2 usage error.\n";

constexpr int kOrders = 5;
constexpr const char* kTopic = "orders";

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const noexcept { rd_kafka_destroy(handle); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

int fail(const std::string& message) {
  std::fprintf(stderr, "kafkatrace demo: %s\n", message.c_str());
  return kExitFailure;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

// Creates a client from `conf` (consumed either way); on failure says why and returns null.
Handle make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf,
                   std::initializer_list<std::pair<const char*, const char*>> settings) {
  char error[512] = "";
  bool configured = true;
  for (const auto& [name, value] : settings) {
    configured =
        configured && rd_kafka_conf_set(conf, name, value, error, sizeof error) == RD_KAFKA_CONF_OK;
  }
  Handle handle(configured ? rd_kafka_new(type, conf, error, sizeof error) : nullptr);
  if (!handle) {
    rd_kafka_conf_destroy(conf);
    fail(std::string("cannot create a Kafka client: ") + error);
  }
  return handle;
}

// Runs inside rd_kafka_flush on the main thread; `opaque` counts failed deliveries.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  if (message->err) {
    ++*static_cast<int*>(opaque);
    std::fprintf(stderr, "kafkatrace demo: delivery failed: %s\n", rd_kafka_err2str(message->err));
  }
}

std::string printable(const void* data, std::size_t size) {
  if (data == nullptr) return "(null)";
  return std::string(static_cast<const char*>(data), size);
}

void print(const rd_kafka_message_t* message) {
  std::string headers;
  rd_kafka_headers_t* list = nullptr;
  if (rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0; !rd_kafka_header_get_all(list, i, &name, &value, &size); ++i) {
      headers += (i == 0 ? "" : ", ") + std::string(name) + "=" + printable(value, size);
    }
  }
  std::printf("partition=%d offset=%lld key=%s value=%s headers=[%s]\n",
              static_cast<int>(message->partition), static_cast<long long>(message->offset),
              printable(message->key, message->key_len).c_str(),
              printable(message->payload, message->len).c_str(), headers.c_str());
}

}  // namespace

int run_demo(std::span<const std::string_view> args) {
  if (!args.empty()) {
    if (args[0] == "--help" || args[0] == "-h") {
      std::fputs(kHelp.data(), stdout);
      return kExitOk;
    }
    std::fprintf(stderr, "kafkatrace demo: unknown option '%.*s'\nTry 'kafkatrace demo --help'.\n",
                 static_cast<int>(args[0].size()), args[0].data());
    return kExitUsage;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  auto started = kafka::EmbeddedBroker::start({.partitions = 3, .topics = {kTopic}});
  if (!started) return fail("cannot start the embedded broker: " + started.error);
  const char* bootstrap = started.broker->bootstrap_servers().c_str();
  std::fprintf(stderr, "kafkatrace demo: embedded broker at %s\n", bootstrap);

  int failed_deliveries = 0;
  rd_kafka_conf_t* producer_conf = rd_kafka_conf_new();
  rd_kafka_conf_set_dr_msg_cb(producer_conf, on_delivery);
  rd_kafka_conf_set_opaque(producer_conf, &failed_deliveries);
  Handle producer =
      make_client(RD_KAFKA_PRODUCER, producer_conf, {{"bootstrap.servers", bootstrap}});
  if (!producer) return kExitFailure;
  for (int order = 1; order <= kOrders; ++order) {
    const std::string key = "order-" + std::to_string(order);
    const std::string value = R"({"order_id":)" + std::to_string(order) + R"(,"quantity":)" +
                              std::to_string(order * 2) + "}";
    // rd_kafka_produceva rather than rd_kafka_producev: the latter's macros use C casts.
    rd_kafka_vu_t fields[6] = {};
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = kTopic;
    fields[1].vtype = RD_KAFKA_VTYPE_KEY;
    fields[1].u.mem = {const_cast<char*>(key.data()), key.size()};
    fields[2].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[2].u.mem = {const_cast<char*>(value.data()), value.size()};
    fields[3].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[3].u.i = RD_KAFKA_MSG_F_COPY;  // librdkafka copies key and value
    fields[4].vtype = RD_KAFKA_VTYPE_HEADER;
    fields[4].u.header = {"content-type", "application/json", -1};
    fields[5].vtype = RD_KAFKA_VTYPE_HEADER;
    fields[5].u.header = {"order-source", "kafkatrace-demo", -1};
    if (rd_kafka_error_t* produce_error = rd_kafka_produceva(producer.get(), fields, 6)) {
      const std::string reason = rd_kafka_error_string(produce_error);
      rd_kafka_error_destroy(produce_error);
      return fail("produce failed: " + reason);
    }
  }
  if (rd_kafka_flush(producer.get(), remaining_ms(deadline)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail("timed out waiting for delivery reports");
  }
  if (failed_deliveries > 0) return fail(std::to_string(failed_deliveries) + " deliveries failed");
  std::fprintf(
      stderr,
      "kafkatrace demo: %d orders delivered; consuming (the group join takes a few seconds)\n",
      kOrders);

  Handle consumer = make_client(RD_KAFKA_CONSUMER, rd_kafka_conf_new(),
                                {{"bootstrap.servers", bootstrap},
                                 {"group.id", "kafkatrace-demo"},
                                 {"auto.offset.reset", "earliest"}});
  if (!consumer) return kExitFailure;
  rd_kafka_poll_set_consumer(consumer.get());
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, kTopic, RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t subscribed = rd_kafka_subscribe(consumer.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (subscribed) return fail(std::string("subscribe failed: ") + rd_kafka_err2str(subscribed));

  int consumed = 0;
  while (consumed < kOrders && Clock::now() < deadline) {
    rd_kafka_message_t* message =
        rd_kafka_consumer_poll(consumer.get(), std::min(500, remaining_ms(deadline)));
    if (message == nullptr) continue;
    if (message->err) {
      std::fprintf(stderr, "kafkatrace demo: consumer: %s\n", rd_kafka_message_errstr(message));
    } else {
      print(message);
      ++consumed;
    }
    rd_kafka_message_destroy(message);
  }
  std::fflush(stdout);
  rd_kafka_consumer_close(consumer.get());
  if (consumed < kOrders) {
    return fail("consumed " + std::to_string(consumed) + " of " + std::to_string(kOrders) +
                " orders before the 30 s deadline");
  }
  std::fprintf(stderr, "kafkatrace demo: consumed all %d orders\n", kOrders);
  return kExitOk;
}

}  // namespace kafkatrace::cli
