// GzipCompressor: gzip (RFC 1952) framing around deflate, via zlib, for the Content-Encoding:
// gzip request body. Keeps its zlib state and output buffer between calls (deflateReset), so a
// warm compressor does not allocate. Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kafkatrace::exporters::otlp {

class GzipCompressor {
 public:
  GzipCompressor();
  ~GzipCompressor();
  GzipCompressor(const GzipCompressor&) = delete;
  GzipCompressor& operator=(const GzipCompressor&) = delete;

  // The compressed bytes (valid until the next call), or nullopt if zlib failed.
  std::optional<std::string_view> compress(std::string_view input);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::string output_;
};

}  // namespace kafkatrace::exporters::otlp
