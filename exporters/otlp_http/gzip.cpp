#include "otlp_http/gzip.h"

#include <zlib.h>

#include <cstring>

namespace kafkatrace::exporters::otlp {

struct GzipCompressor::State {
  z_stream stream{};
  bool ready = false;
};

GzipCompressor::GzipCompressor() : state_(std::make_unique<State>()) {
  // windowBits 15 + 16 selects the gzip wrapper instead of zlib's.
  state_->ready = deflateInit2(&state_->stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                               Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipCompressor::~GzipCompressor() {
  if (state_->ready) deflateEnd(&state_->stream);
}

std::optional<std::string_view> GzipCompressor::compress(std::string_view input) {
  if (!state_->ready || input.size() > UINT32_MAX / 2) return std::nullopt;
  z_stream& stream = state_->stream;
  if (deflateReset(&stream) != Z_OK) return std::nullopt;
  // deflateBound covers the deflate data; 18 more bytes for the gzip header and trailer.
  output_.resize(deflateBound(&stream, static_cast<uLong>(input.size())) + 18);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(output_.data());
  stream.avail_out = static_cast<uInt>(output_.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) return std::nullopt;
  return std::string_view(output_.data(), stream.total_out);
}

}  // namespace kafkatrace::exporters::otlp
