#include "kafkatrace/otel/context.h"

#include <gtest/gtest.h>

#include <thread>

#include "kafkatrace/otel/span.h"

namespace kafkatrace::otel {
namespace {

SpanContext make_span_context() {
  return SpanContext{.trace_id = TraceId::random(),
                     .span_id = SpanId::random(),
                     .trace_flags = TraceFlags{TraceFlags::kSampled},
                     .is_remote = false,
                     .trace_state = {}};
}

TEST(Context, CurrentIsEmptyByDefault) {
  const auto context = Context::current();
  EXPECT_FALSE(context.span_context().is_valid());
  EXPECT_EQ(context.span(), nullptr);
}

TEST(Context, ScopesNestAndRestore) {
  const auto outer_span = std::make_shared<Span>(make_span_context());
  const auto inner_span = std::make_shared<Span>(make_span_context());
  {
    Scope outer{Context::current().with_span(outer_span)};
    EXPECT_EQ(Context::current().span(), outer_span);
    {
      Scope inner{Context::current().with_span(inner_span)};
      EXPECT_EQ(Context::current().span(), inner_span);
      EXPECT_EQ(Context::current().span_context().span_id, inner_span->context().span_id);
    }
    EXPECT_EQ(Context::current().span(), outer_span);
  }
  EXPECT_EQ(Context::current().span(), nullptr);
  EXPECT_FALSE(Context::current().span_context().is_valid());
}

TEST(Context, WithSpanSetsSpanContext) {
  const auto span = std::make_shared<Span>(make_span_context());
  const auto context = Context{}.with_span(span);
  EXPECT_EQ(context.span_context().trace_id, span->context().trace_id);
  EXPECT_EQ(context.span_context().span_id, span->context().span_id);
}

TEST(Context, WithSpanContextHasNoSpanObject) {
  auto remote = make_span_context();
  remote.is_remote = true;
  const auto with_span = Context{}.with_span(std::make_shared<Span>(make_span_context()));
  const auto context = with_span.with_span_context(remote);
  EXPECT_EQ(context.span(), nullptr);
  EXPECT_EQ(context.span_context().span_id, remote.span_id);
  EXPECT_TRUE(context.span_context().is_remote);
}

TEST(Context, UserValuesByKeyIdentity) {
  static const ContextKey<int> kFirst{"tenant"};
  static const ContextKey<int> kSecond{"tenant"};  // same name, different key
  const auto context = Context{}.with_value(kFirst, std::make_shared<const int>(7));
  ASSERT_NE(context.get_value(kFirst), nullptr);
  EXPECT_EQ(*context.get_value(kFirst), 7);
  EXPECT_EQ(context.get_value(kSecond), nullptr);
  const auto shadowed = context.with_value(kFirst, std::make_shared<const int>(8));
  EXPECT_EQ(*shadowed.get_value(kFirst), 8);
  EXPECT_EQ(*context.get_value(kFirst), 7);  // the original is unchanged
}

TEST(Context, CurrentIsPerThread) {
  const auto span = std::make_shared<Span>(make_span_context());
  Scope scope{Context{}.with_span(span)};
  bool other_thread_saw_span = true;
  std::thread([&] { other_thread_saw_span = Context::current().span() != nullptr; }).join();
  EXPECT_FALSE(other_thread_saw_span);
  EXPECT_EQ(Context::current().span(), span);
}

}  // namespace
}  // namespace kafkatrace::otel
