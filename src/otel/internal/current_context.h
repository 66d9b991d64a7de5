// The calling thread's current Context, by reference (no reference-count traffic). Used by the
// tracer on the span-start hot path; the public API copies it (Context::current()).
//
// An inline thread_local: every file that includes this sees its definition, so an access is a
// one-byte guard check next to the %fs-relative address (the guard registers the destructor on a
// thread's first use) instead of a call into another file. Destroyed at thread exit (a span still
// current then is released there).
#pragma once

#include "kafkatrace/otel/context.h"

namespace kafkatrace::otel::internal {

inline thread_local Context current_on_thread;

inline const Context& current_context() noexcept {
  return current_on_thread;
}

}  // namespace kafkatrace::otel::internal
