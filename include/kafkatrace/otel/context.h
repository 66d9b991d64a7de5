// Context: an immutable bundle of the active span, its SpanContext, baggage and user values;
// a thread-local "current" context; and Scope, the RAII object that makes a context current.
//
//   auto span = tracer.start_span("work");
//   { kafkatrace::otel::Scope scope{kafkatrace::otel::Context::current().with_span(span)};
//     do_work(); }                  // spans started in here are children of `span`
//   auto captured = kafkatrace::otel::Context::current();  // carry to another thread by value
//
// A Context is a value: copying it costs a few reference-count increments, and a context with no
// span object, no tracestate, no baggage and no user values allocates nothing (what extract
// returns for a plain traceparent). Scopes must be destroyed in reverse order of creation on the
// thread that created them.
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "kafkatrace/otel/baggage.h"
#include "kafkatrace/otel/span_context.h"

namespace kafkatrace::otel {

class Span;

// A typed key for user values. Each key object is distinct, even with equal names.
template <typename T>
class ContextKey final {
 public:
  explicit ContextKey(std::string_view name) : name_(name) {}
  std::string_view name() const noexcept { return name_; }

 private:
  std::string_view name_;
};

class Context final {
 public:
  Context() noexcept = default;

  // The calling thread's current context (empty if none was made current).
  static Context current() noexcept;

  // The active span's context: of `span()` when set, else the remote one set by
  // with_span_context (e.g. from extract). Invalid when there is neither.
  const SpanContext& span_context() const noexcept { return span_context_; }
  // The active local span, or null (a remote parent has no Span object).
  const std::shared_ptr<Span>& span() const noexcept { return span_; }
  const Baggage& baggage() const noexcept { return baggage_; }

  Context with_span(std::shared_ptr<Span> span) const;
  Context with_span_context(SpanContext span_context) const;
  Context with_baggage(Baggage baggage) const;

  template <typename T>
  Context with_value(const ContextKey<T>& key, std::shared_ptr<const T> value) const {
    return with_erased_value(&key, std::move(value));
  }
  // The value stored under `key`, or null.
  template <typename T>
  std::shared_ptr<const T> get_value(const ContextKey<T>& key) const noexcept {
    return std::static_pointer_cast<const T>(find_erased_value(&key));
  }

 private:
  struct ValueNode;  // immutable singly linked list of user values
  Context with_erased_value(const void* key, std::shared_ptr<const void> value) const;
  std::shared_ptr<const void> find_erased_value(const void* key) const noexcept;

  SpanContext span_context_;
  std::shared_ptr<Span> span_;
  Baggage baggage_;
  std::shared_ptr<const ValueNode> values_;
};

// Makes a context current on this thread for the scope's lifetime, then restores the previous.
class [[nodiscard]] Scope final {
 public:
  explicit Scope(Context context) noexcept;
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Context previous_;
};

}  // namespace kafkatrace::otel
