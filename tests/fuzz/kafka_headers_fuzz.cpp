// Fuzz target: extraction of the trace context and baggage from an arbitrary Kafka header list,
// over librdkafka's rd_kafka_headers_t (KafkaHeadersCarrier), RdKafka::Headers
// (RdKafkaHeadersCarrier) and a plain ordered list (VectorCarrier).
// Input (see fuzz_input.h): repeated [name choice][name][value flags][value]; the name is one of
// the propagation headers, one of them with a stray byte appended, or free bytes (NULs too);
// a value may be null.
// Invariants checked:
// - the three carriers give the same context: the last `traceparent` parsed, every `tracestate`
//   joined by ',', every `baggage` joined by ',' (what the propagators document);
// - for_each_key visits every header once;
// - inject_context into the same list leaves exactly one traceparent (and one tracestate /
//   baggage when the context has them), and extracting again gives the context back (the
//   tracestate and baggage as their size limits allow); the same into a fresh list.
#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "kafkatrace/kafka/headers.h"
#include "kafkatrace/kafka/headers_cpp.h"
#include "kafkatrace/otel/baggage_propagator.h"
#include "kafkatrace/otel/trace_context_propagator.h"
#include "kafkatrace/otel/tracing_backend.h"

namespace {

using namespace kafkatrace;
using otel::Context;

struct Header {
  std::string name;
  std::string value;
  bool null_value = false;
};

std::vector<Header> read_headers(fuzz::FuzzInput& input) {
  static const std::string kNames[] = {"traceparent", "tracestate", "baggage"};
  std::vector<Header> headers;
  while (!input.empty() && headers.size() < 64) {
    Header header;
    const std::uint8_t choice = input.byte();
    if (choice % 4 != 3) {
      header.name = kNames[choice % 4];
      if (choice & 0x80) header.name += static_cast<char>(input.byte());  // near-miss names
    } else {
      header.name = input.string(24);
    }
    const std::uint8_t flags = input.byte();
    header.null_value = (flags & 1) != 0;
    header.value = header.null_value ? std::string{} : input.string(255);
    if ((flags & 2) != 0 && !header.null_value) header.value += input.string(255);  // long ones
    headers.push_back(std::move(header));
  }
  return headers;
}

struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
};
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;

std::size_t count_name(const rd_kafka_headers_t* headers, const char* name) {
  std::size_t count = 0;
  const void* value = nullptr;
  std::size_t size = 0;
  while (rd_kafka_header_get(headers, count, name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR)
    ++count;
  return count;
}

// What extract must find, computed from the list directly.
Context expected_context(const std::vector<Header>& headers) {
  const Header* traceparent = nullptr;
  std::string tracestate;
  std::string baggage;
  bool any_tracestate = false;
  for (const auto& header : headers) {
    if (header.name == "traceparent") traceparent = &header;
    if (header.name == "tracestate") {
      if (any_tracestate) tracestate += ',';
      tracestate += header.value;
      any_tracestate = true;
    }
    if (header.name == "baggage") baggage += (baggage.empty() ? "" : ",") + header.value;
  }
  Context context;
  if (traceparent != nullptr) {
    if (auto span_context = otel::parse_traceparent(traceparent->value, tracestate))
      context = context.with_span_context(*span_context);
  }
  return context.with_baggage(otel::parse_baggage(baggage));
}

bool same(const Context& a, const Context& b) {
  return a.span_context() == b.span_context() && a.baggage() == b.baggage();
}

// After inject: the context back, with the tracestate cut to what inject writes (512
// characters) and the baggage as format/parse leave it.
void check_reextracted(const Context& injected, const Context& again) {
  const auto& sent = injected.span_context();
  const auto& received = again.span_context();
  if (sent.is_valid()) {
    FUZZ_CHECK(received.trace_id == sent.trace_id && received.span_id == sent.span_id);
    FUZZ_CHECK(received.trace_flags == sent.trace_flags);
    if (sent.trace_state.to_header(SIZE_MAX).size() <= 512)
      FUZZ_CHECK(received.trace_state == sent.trace_state);
    else
      FUZZ_CHECK(received.trace_state.to_header(SIZE_MAX).size() <= 512);
  }
  if (!injected.baggage().empty())
    FUZZ_CHECK(again.baggage() == otel::parse_baggage(otel::format_baggage(injected.baggage())));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::shared_ptr<const otel::TextMapPropagator> propagator =
      otel::make_propagator("tracecontext,baggage");
  static const std::unique_ptr<otel::TracingBackend> backend =
      otel::make_sdk_tracing_backend(otel::Tracer{}, propagator);

  fuzz::FuzzInput input(data, size);
  const std::vector<Header> headers = read_headers(input);

  HeadersPtr c_headers(rd_kafka_headers_new(headers.size()));
  std::unique_ptr<RdKafka::Headers> cpp_headers(RdKafka::Headers::create());
  otel::VectorCarrier::Headers list;
  for (const auto& header : headers) {
    const void* value = header.null_value ? nullptr : header.value.data();
    FUZZ_CHECK(rd_kafka_header_add(c_headers.get(), header.name.data(),
                                   static_cast<ssize_t>(header.name.size()), value,
                                   header.value.size()) == RD_KAFKA_RESP_ERR_NO_ERROR);
    cpp_headers->add(header.name, value, header.value.size());
    list.emplace_back(header.name, header.value);
  }

  const Context expected = expected_context(headers);
  const kafka::KafkaHeadersCarrier c_carrier(
      static_cast<const rd_kafka_headers_t*>(c_headers.get()));
  const kafka::RdKafkaHeadersCarrier cpp_carrier(
      static_cast<const RdKafka::Headers*>(cpp_headers.get()));
  const otel::VectorCarrier list_carrier(list);
  FUZZ_CHECK(same(backend->extract(c_carrier, Context{}), expected));
  FUZZ_CHECK(same(backend->extract(cpp_carrier, Context{}), expected));
  FUZZ_CHECK(same(backend->extract(list_carrier, Context{}), expected));
  FUZZ_CHECK(same(kafka::extract_context(c_headers.get(), Context{}, backend.get()), expected));
  if (std::getenv("OTEL_PROPAGATORS") == nullptr)  // the default is tracecontext,baggage too
    FUZZ_CHECK(same(kafka::extract_context(c_headers.get()), expected));

  std::size_t keys = 0;
  c_carrier.for_each_key([&](std::string_view) { return ++keys, true; });
  FUZZ_CHECK(keys == headers.size());

  // Inject into the same list: set() must replace every occurrence.
  kafka::inject_context(c_headers.get(), expected, backend.get());
  if (expected.span_context().is_valid()) {
    FUZZ_CHECK(count_name(c_headers.get(), "traceparent") == 1);
    if (!expected.span_context().trace_state.empty())
      FUZZ_CHECK(count_name(c_headers.get(), "tracestate") == 1);
  }
  if (!expected.baggage().empty()) FUZZ_CHECK(count_name(c_headers.get(), "baggage") == 1);
  check_reextracted(expected, kafka::extract_context(c_headers.get(), Context{}, backend.get()));

  // And into a fresh list.
  HeadersPtr fresh(rd_kafka_headers_new(4));
  kafka::inject_context(fresh.get(), expected, backend.get());
  check_reextracted(expected, kafka::extract_context(fresh.get(), Context{}, backend.get()));
  return 0;
}
