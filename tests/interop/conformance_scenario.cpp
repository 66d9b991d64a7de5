#include "conformance_scenario.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "conformance_recorder.h"
#include "kafkatrace/otel/carrier.h"
#include "kafkatrace/otel/trace_context_propagator.h"

namespace kafkatrace::interop {
namespace {

using otel::Attributes;
using otel::SpanKind;
using otel::StatusCode;
using Strings = std::vector<std::string>;
using Ints = std::vector<std::int64_t>;
using Doubles = std::vector<double>;
using Bools = std::vector<bool>;

constexpr std::int64_t kMinInt = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

constexpr std::uint32_t kAttributeCountLimit = 20;
constexpr std::uint32_t kValueLengthLimit = 64;

// Control characters, quotes, backslash, DEL, a NUL, 2/3/4-byte UTF-8, U+2028/2029 (line
// separators JavaScript once disallowed in strings) and a BOM.
const std::string kEscapes =
    std::string("q\" b\\ s/ \b\f\n\r\t \x01\x1f\x7f nul:") + std::string(1, '\0') + "!";
const std::string kUnicode = "\u00e9\u00fc\u00df \u65e5\u672c\u8a9e \U0001F680 \u2028\u2029\uFEFF";

// W3C Trace Context examples: a sampled remote parent with a two-entry tracestate, an unsampled
// context to link to (with a multi-tenant key), and an unsampled parent without tracestate.
constexpr const char* kRemoteParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
constexpr const char* kRemoteParentState = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
constexpr const char* kRemoteLink = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
constexpr const char* kRemoteLinkState = "kt@conformance=a1~b2,foo=bar";
constexpr const char* kUnsampledParent = "00-11111111111111111111111111111111-2222222222222222-00";

otel::Context extract(const char* traceparent, const char* tracestate, std::string& problem) {
  std::map<std::string, std::string> headers{{"traceparent", traceparent}};
  if (tracestate != nullptr) headers.emplace("tracestate", tracestate);
  otel::MapCarrier carrier(headers);
  otel::Context context = otel::TraceContextPropagator{}.extract(carrier, otel::Context{});
  const auto& extracted = context.span_context();
  if (!extracted.is_valid() || !extracted.is_remote ||
      extracted.trace_state.to_header() != (tracestate ? tracestate : "")) {
    problem += std::string("extract of ") + traceparent + " gave an unexpected context; ";
  }
  return context;
}

}  // namespace

otel::Resource scenario_resource() {
  return otel::Resource({{"service.name", std::string("kafkatrace-conformance")},
                         {"service.namespace", std::string("interop")},
                         {"service.version", std::string("0.1.0")},
                         {"host.cpu.count", std::int64_t{2}},
                         {"deployment.weight", 0.75},
                         {"feature.enabled", true},
                         {"process.command_args", Strings{"otlp_trace_emitter", "--flag=\u00e9"}},
                         {"res.\u00fcnicode \"key\"", std::string("v\u00e4rde\t\"x\"")}},
                        "https://opentelemetry.io/schemas/1.26.0");
}

otel::SpanLimits scenario_limits() {
  return {.attribute_count = kAttributeCountLimit,
          .attribute_value_length = kValueLengthLimit,
          .event_count = 4,
          .link_count = 3,
          .event_attribute_count = 4,
          .link_attribute_count = 4};
}

ScenarioResult run_scenario(otel::TracerProvider& provider) {
  Recorder r(provider);
  std::string problem;
  const auto a =
      r.add_tracer("kafkatrace.conformance", "1.0.0", "https://opentelemetry.io/schemas/1.24.0");
  const auto b = r.add_tracer("kafkatrace.conformance/\u00dfcope-b", "2.0.0-rc.1+build.5");

  // A root span (attributes given at start), its children in both scopes, every kind.
  auto root = r.start(a, "conformance root", SpanKind::kInternal, otel::Context{}, 0,
                      {{"root.str", std::string("hello")}, {"root.int", std::int64_t{42}}});

  auto server = r.start(a, "server.tmp", SpanKind::kServer, Recorder::parent_of(root), kMillis + 1);
  r.rename(server, "GET /orders/{id}");
  r.set(server, "str.plain", std::string("plain ascii"));
  r.set(server, "str.empty", std::string());
  r.set(server, "str.escapes", kEscapes);
  r.set(server, "str.unicode", kUnicode);
  r.set(server, "bool.true", true);
  r.set(server, "bool.false", false);
  r.set(server, "int.zero", std::int64_t{0});
  r.set(server, "int.negative", std::int64_t{-1});
  r.set(server, "int.min", kMinInt);
  r.set(server, "int.max", kMaxInt);
  r.set(server, "double.zero", 0.0);
  r.set(server, "double.pi", 3.141592653589793);
  r.set(server, "double.tiny", -2.5e-300);
  r.set(server, "double.max", std::numeric_limits<double>::max());
  r.set(server, "\u043a\u043b\u044e\u0447.\"quoted\"\\key", std::string("value"));
  r.set(server, "int.negative", std::int64_t{-7});  // replaces, keeps its place
  // Invalid UTF-8 cannot travel in a proto3 string: both encoders write U+FFFD per bad byte.
  r.set(server, "str.invalid_utf8", std::string("bad \xff\xfe \xc3(\xed\xa0\x80)"));
  r.expected(server).attributes.back().value =
      std::string("bad \uFFFD\uFFFD \uFFFD(\uFFFD\uFFFD\uFFFD)");

  auto client =
      r.start(a, "client call", SpanKind::kClient, Recorder::parent_of(root), 2 * kMillis + 2);
  r.set(client, "arr.str", Strings{"a", "", "\u00e9\U0001F680", "q\"\\\n\x01"});
  r.set(client, "arr.bool", Bools{true, false, true});
  r.set(client, "arr.int", Ints{0, -1, kMinInt, kMaxInt, (std::int64_t{1} << 53) + 1});
  r.set(client, "arr.double", Doubles{0.0, -0.0, 0.1, -1.5, 1e-310, kNaN, kInfinity, -kInfinity});
  r.set(client, "arr.empty.str", Strings{});
  r.set(client, "arr.empty.int", Ints{});
  r.set(client, "arr.empty.bool", Bools{});
  r.set(client, "arr.empty.double", Doubles{});
  // Bodies past 127 bytes with few elements (the encoder's length guess is wrong) and many.
  r.set(client, "arr.str.long", Strings(9, std::string(40, 'L')));
  Ints many;
  for (std::int64_t i = 0; i < 300; ++i) many.push_back(i * 1'000'003 - 150'000'000);
  r.set(client, "arr.int.many", many);
  r.event(client, "exception", 40 * kMillis,
          {{"exception.type", std::string("std::runtime_error")},
           {"exception.message", std::string("boom \u274c \"quoted\"\nline 2")}});
  r.status(client, StatusCode::kError, "boom \u274c \"quoted\"\n");

  auto producer = r.start(b, "orders publish", SpanKind::kProducer, Recorder::parent_of(client),
                          3 * kMillis + 3,
                          {{"messaging.system", std::string("kafka")},
                           {"messaging.destination.name", std::string("orders")},
                           {"messaging.kafka.message.key", std::string("k\u00e9y")},
                           {"messaging.kafka.destination.partition", std::int64_t{3}}});
  r.event(producer, "enqueued", 3 * kMillis + 500);
  r.event(producer, "", 4 * kMillis, {{"e.int", std::int64_t{7}}});
  r.event(producer, "retry \u21bb", 5 * kMillis,
          {{"e.str", kUnicode},
           {"e.bool", false},
           {"e.doubles", Doubles{1.5, kNaN}},
           {"e.strs", Strings{"x", kEscapes}}});
  r.status(producer, StatusCode::kOk, "ignored with Ok");
  r.end(producer, 20 * kMillis);
  r.end(client, 50 * kMillis + 5);
  r.end(server, 60 * kMillis + 6);
  r.status(root, StatusCode::kOk);
  r.end(root, 100 * kMillis);

  // A consumer continuing a remote trace, linked to a remote and to a local context.
  const auto remote = extract(kRemoteParent, kRemoteParentState, problem);
  const auto linked = extract(kRemoteLink, kRemoteLinkState, problem);
  auto consumer =
      r.start(b, "orders process", SpanKind::kConsumer, remote, 200 * kMillis,
              {{"messaging.operation.type", std::string("process")}},
              {{.context = linked.span_context(),
                .attributes = {{"link.kind", std::string("remote")}, {"link.int", std::int64_t{1}}},
                .dropped_attributes_count = 0}});
  r.link(
      consumer, root.span->context(),
      {{"link.kind", std::string("local")}, {"link.bool", true}, {"link.arr", Doubles{1.5, -2}}});
  auto consumer_child = r.start(a, "consumer child", SpanKind::kInternal,
                                Recorder::parent_of(consumer), 210 * kMillis);
  r.end(consumer_child, 220 * kMillis + 22);
  r.status(consumer, StatusCode::kError);  // Error without a description
  r.end(consumer, 260 * kMillis);

  // Always-on sampling under an unsampled remote parent: the child is sampled.
  auto unsampled = r.start(b, "from unsampled remote parent", SpanKind::kServer,
                           extract(kUnsampledParent, nullptr, problem), 300 * kMillis);
  r.end(unsampled, 310 * kMillis);

  // One span past every limit; the expectation is edited by hand below each overflow.
  auto limits = r.start(a, "limits", SpanKind::kInternal, otel::Context{}, 400 * kMillis);
  r.set(limits, "limit.truncated", std::string(63, 'x') + "\u00e9tail");
  r.expected(limits).attributes.back().value = std::string(63, 'x');  // cut before the '\u00e9'
  r.set(limits, "limit.truncated.array",
        Strings{"short", std::string(62, 'y') + "\u65e5z", std::string(64, 'w')});
  r.expected(limits).attributes.back().value =
      Strings{"short", std::string(62, 'y'), std::string(64, 'w')};
  for (int i = 2; i < 24; ++i) {
    const std::string key = "limit.attr." + std::to_string(i);
    limits.span->set_attribute(key, std::int64_t{i});
    if (i < static_cast<int>(kAttributeCountLimit)) {
      r.expected(limits).attributes.push_back({key, std::int64_t{i}});
    }
  }
  r.expected(limits).dropped_attributes_count = 4;
  r.set(limits, "limit.attr.5", std::string("replaced at the limit"));  // existing key: kept
  for (int i = 0; i < 6; ++i) {
    limits.span->add_event("limit.event." + std::to_string(i),
                           {{"a0", std::string(70, 'e')},
                            {"a1", 1},
                            {"a2", 2.5},
                            {"a3", true},
                            {"a4", "dropped"},
                            {"a5", "dropped"}},
                           at(400 * kMillis + static_cast<std::uint64_t>(i)));
    if (i < 4) {
      r.expected(limits).events.push_back(
          {.name = "limit.event." + std::to_string(i),
           .time_unix_nano = kBaseUnixNano + 400 * kMillis + static_cast<std::uint64_t>(i),
           .attributes =
               {{"a0", std::string(64, 'e')}, {"a1", std::int64_t{1}}, {"a2", 2.5}, {"a3", true}},
           .dropped_attributes_count = 2});
    }
  }
  r.expected(limits).dropped_events_count = 2;
  const otel::SpanContext link_targets[] = {root.span->context(), server.span->context(),
                                            client.span->context(), remote.span_context(),
                                            linked.span_context()};
  for (std::size_t i = 0; i < 5; ++i) {
    limits.span->add_link(
        link_targets[i],
        {{"l0", std::int64_t{0}}, {"l1", "1"}, {"l2", 2.0}, {"l3", false}, {"l4", "dropped"}});
    if (i < 3) {
      r.expected(limits).links.push_back({.context = link_targets[i],
                                          .attributes = {{"l0", std::int64_t{0}},
                                                         {"l1", std::string("1")},
                                                         {"l2", 2.0},
                                                         {"l3", false}},
                                          .dropped_attributes_count = 1});
    }
  }
  r.expected(limits).dropped_links_count = 2;
  r.end(limits, 450 * kMillis);

  problem += r.problem();
  return {r.take_manifest(scenario_resource()), problem};
}

}  // namespace kafkatrace::interop
