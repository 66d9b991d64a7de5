// The calling thread's current Context, by reference (no reference-count traffic). Used by the
// tracer on the span-start hot path; the public API copies it (Context::current()).
//
// A read is one %fs-relative load and a null test: the pointer is a constant-initialised,
// trivially destructible thread_local, so no TLS-init call is made. It points at the thread's
// stored Context once a Scope has been made on the thread (which registers that storage's
// destructor), and at a shared empty Context before that and after the thread's storage is
// destroyed at thread exit.
#pragma once

#include "kafkatrace/otel/context.h"

namespace kafkatrace::otel::internal {

inline constinit const Context empty_context{};

// Null until the thread's first Scope; null again once the storage is destroyed.
inline constinit thread_local Context* current_storage = nullptr;

inline const Context& current_context() noexcept {
  const Context* current = current_storage;
  return current != nullptr ? *current : empty_context;
}

// The thread's stored current Context (created on first use). For Scope only.
Context& current_context_storage() noexcept;

}  // namespace kafkatrace::otel::internal
