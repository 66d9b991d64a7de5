// Context values and the thread-local current context.
#include "kafkatrace/otel/context.h"

#include "kafkatrace/otel/span.h"
#include "otel/internal/current_context.h"

namespace kafkatrace::otel {

struct Context::ValueNode {
  const void* key;
  std::shared_ptr<const void> value;
  std::shared_ptr<const ValueNode> next;
};

namespace internal {
namespace {

// The storage behind current_storage; clears the pointer when the thread's copy is destroyed.
struct CurrentContextStorage {
  Context value;
  CurrentContextStorage() noexcept { current_storage = &value; }
  ~CurrentContextStorage() { current_storage = nullptr; }
  CurrentContextStorage(const CurrentContextStorage&) = delete;
  CurrentContextStorage& operator=(const CurrentContextStorage&) = delete;
};

}  // namespace

Context& current_context_storage() noexcept {
  // Through the pointer once it is set: no TLS-initialisation check.
  if (Context* stored = current_storage) return *stored;
  thread_local CurrentContextStorage storage;
  return storage.value;
}

}  // namespace internal

Context Context::current() noexcept {
  return internal::current_context();
}

Context Context::with_span(std::shared_ptr<Span> span) const {
  Context copy = *this;
  copy.span_context_ = span ? span->context() : SpanContext{};
  copy.span_ = std::move(span);
  return copy;
}

Context Context::with_span_context(SpanContext span_context) const {
  Context copy = *this;
  copy.span_context_ = std::move(span_context);
  copy.span_.reset();
  return copy;
}

Context Context::with_baggage(Baggage baggage) const {
  Context copy = *this;
  copy.baggage_ = std::move(baggage);
  return copy;
}

Context Context::with_erased_value(const void* key, std::shared_ptr<const void> value) const {
  Context copy = *this;
  copy.values_ = std::make_shared<const ValueNode>(ValueNode{key, std::move(value), values_});
  return copy;
}

std::shared_ptr<const void> Context::find_erased_value(const void* key) const noexcept {
  for (const ValueNode* node = values_.get(); node != nullptr; node = node->next.get()) {
    if (node->key == key) return node->value;
  }
  return nullptr;
}

Scope::Scope(Context context) noexcept : previous_(std::move(internal::current_context_storage())) {
  internal::current_context_storage() = std::move(context);
}

Scope::~Scope() {
  internal::current_context_storage() = std::move(previous_);
}

}  // namespace kafkatrace::otel
