// Pieces of `kafkatrace bench` (bench_command.cpp): the produce runs (bench_produce.cpp) and the
// local OTLP/HTTP receiver that accepts and discards every POST (bench_sink.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace kafkatrace::cli::bench {

struct RunConfig {
  std::string bootstrap{};
  std::string topic{};
  std::size_t count = 0;
  std::size_t size = 100;
  std::string otlp_endpoint{};  // http://127.0.0.1:PORT/v1/traces
};

enum class Mode { kPlainLibrdkafka, kTracingOff, kTraced100, kTraced1 };
const char* mode_name(Mode mode);

struct RunResult {
  double seconds = 0;
  double cpu_seconds = 0;  // user + sys of the whole process during the run
  std::size_t delivered = 0;
  std::size_t failed = 0;
  std::uint64_t spans_exported = 0;
  std::uint64_t spans_dropped = 0;
  std::string error{};  // set when the run could not happen
};

// Pipelined produce of `count` records (2 headers, `size`-byte values), waiting for every
// delivery report. Same librdkafka configuration in every mode.
RunResult run_produce(Mode mode, const RunConfig& config);

// Seed-style serial send (send, wait, send...) or one send_batch, TracedProducer, tracing off.
RunResult run_serial(const RunConfig& config);
RunResult run_batch(const RunConfig& config);

// Accepts HTTP/1.1 POSTs on 127.0.0.1 (ephemeral port), reads and discards each body, answers
// 200 with an empty body. Stops and joins in the destructor.
class DiscardingHttpSink {
 public:
  DiscardingHttpSink();
  ~DiscardingHttpSink();
  DiscardingHttpSink(const DiscardingHttpSink&) = delete;
  DiscardingHttpSink& operator=(const DiscardingHttpSink&) = delete;

  bool ok() const noexcept;
  int port() const noexcept;
  std::uint64_t requests() const noexcept;
  std::uint64_t bytes() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kafkatrace::cli::bench
