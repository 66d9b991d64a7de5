// The calling thread's current Context, by reference (no reference-count traffic). Used by the
// tracer on the span-start hot path; the public API copies it (Context::current()).
#pragma once

#include "kafkatrace/otel/context.h"

namespace kafkatrace::otel::internal {

const Context& current_context() noexcept;

}  // namespace kafkatrace::otel::internal
