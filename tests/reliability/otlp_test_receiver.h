// OtlpTestReceiver: a minimal OTLP/HTTP endpoint on 127.0.0.1 for the exporter-outage program,
// in one of three behaviours: a healthy receiver (200, counting the spans in each
// ExportTraceServiceRequest), one answering 503 to every request, and a black hole that accepts
// connections and reads requests but never answers. RefusingEndpoint is the fourth case: a
// loopback port that is bound but not listening, so every connection is refused at once.
//
//   auto receiver = OtlpTestReceiver::start(ReceiverMode::kHealthy);
//   options.endpoint = receiver->endpoint();      // http://127.0.0.1:PORT/v1/traces
//   ... export ...;  receiver->stats().spans_accepted
//
// Threads: one server thread per receiver (poll loop); stats() from any thread. Not a general
// HTTP server: it understands POST with Content-Length (what libcurl sends) and keep-alive.
// Memory is bounded: at most kMaxConnections connections, request bodies discarded once counted
// (the black hole keeps nothing at all).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace kafkatrace::reliability {

enum class ReceiverMode { kHealthy, kUnavailable, kBlackHole };

struct ReceiverStats {
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;        // complete requests read (not counted by the black hole)
  std::uint64_t spans_accepted = 0;  // spans in requests answered 200
  std::uint64_t spans_rejected = 0;  // spans in requests answered 503
  std::uint64_t bytes_read = 0;
};

class OtlpTestReceiver {
 public:
  static constexpr int kMaxConnections = 64;

  // Listens on an ephemeral loopback port; nullptr (and a message on stderr) if it cannot.
  static std::unique_ptr<OtlpTestReceiver> start(ReceiverMode mode);
  ~OtlpTestReceiver();
  OtlpTestReceiver(const OtlpTestReceiver&) = delete;
  OtlpTestReceiver& operator=(const OtlpTestReceiver&) = delete;

  std::string endpoint() const;
  ReceiverStats stats() const noexcept;

 private:
  OtlpTestReceiver(ReceiverMode mode, int listen_fd, int wake_fd_read, int wake_fd_write,
                   std::uint16_t port);
  void serve();

  const ReceiverMode mode_;
  const int listen_fd_;
  const int wake_read_;
  const int wake_write_;
  const std::uint16_t port_;
  std::atomic<std::uint64_t> connections_{0}, requests_{0}, spans_accepted_{0}, spans_rejected_{0},
      bytes_read_{0};
  std::thread thread_;
};

// A loopback port bound (so nobody else takes it) but not listening: connecting is refused.
class RefusingEndpoint {
 public:
  static std::unique_ptr<RefusingEndpoint> start();
  ~RefusingEndpoint();
  RefusingEndpoint(const RefusingEndpoint&) = delete;
  RefusingEndpoint& operator=(const RefusingEndpoint&) = delete;
  std::string endpoint() const;

 private:
  RefusingEndpoint(int fd, std::uint16_t port) : fd_(fd), port_(port) {}
  const int fd_;
  const std::uint16_t port_;
};

// Spans in a binary-protobuf ExportTraceServiceRequest (resource_spans = 1, scope_spans = 2,
// spans = 2); nullopt when the bytes are not a well-formed message of that shape.
std::optional<std::uint64_t> count_otlp_spans(std::string_view request);

}  // namespace kafkatrace::reliability
