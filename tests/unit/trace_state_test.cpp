// TraceState: W3C Trace Context level 1 "tracestate" grammar, limits and truncation.
#include "kafkatrace/otel/trace_state.h"

#include <gtest/gtest.h>

#include <string>

namespace kafkatrace::otel {
namespace {

std::string member(int i) {
  return "k" + std::to_string(i) + "=v" + std::to_string(i);
}

std::string members(int count) {
  std::string header;
  for (int i = 0; i < count; ++i) header += (i ? "," : "") + member(i);
  return header;
}

TEST(TraceStateTest, ParsesSpecExample) {
  auto state = TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  ASSERT_EQ(state.size(), 2u);
  EXPECT_EQ(state.get("rojo"), "00f067aa0ba902b7");
  EXPECT_EQ(state.get("congo"), "t61rcWkgMzE");
  EXPECT_EQ(state.entries()[0].first, "rojo");  // order is kept
  EXPECT_EQ(state.to_header(), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
}

TEST(TraceStateTest, ToleratesOwsAndEmptyMembers) {
  auto state = TraceState::parse(" \t,foo=1 \t , \t bar=2,,\t");
  ASSERT_EQ(state.size(), 2u);
  EXPECT_EQ(state.get("foo"), "1");
  EXPECT_EQ(state.get("bar"), "2");
  EXPECT_TRUE(TraceState::parse("").empty());
  EXPECT_TRUE(TraceState::parse(" , ,").empty());
}

TEST(TraceStateTest, KeyGrammar) {
  EXPECT_TRUE(TraceState::is_valid_key("a"));
  EXPECT_TRUE(TraceState::is_valid_key("a0_-*/z"));
  EXPECT_TRUE(TraceState::is_valid_key(std::string(256, 'a')));
  EXPECT_FALSE(TraceState::is_valid_key(std::string(257, 'a')));
  EXPECT_FALSE(TraceState::is_valid_key(""));
  EXPECT_FALSE(TraceState::is_valid_key("0abc"));  // simple keys start with lcalpha
  EXPECT_FALSE(TraceState::is_valid_key("Abc"));
  EXPECT_FALSE(TraceState::is_valid_key("ab c"));
  EXPECT_FALSE(TraceState::is_valid_key("a.b"));
}

TEST(TraceStateTest, MultiTenantKeys) {
  EXPECT_TRUE(TraceState::is_valid_key("fw529a3039@dt"));
  EXPECT_TRUE(TraceState::is_valid_key("0tenant@sys"));  // tenant may start with a digit
  EXPECT_TRUE(TraceState::is_valid_key(std::string(241, 't') + "@" + std::string(14, 's')));
  EXPECT_FALSE(TraceState::is_valid_key(std::string(242, 't') + "@s"));
  EXPECT_FALSE(TraceState::is_valid_key("t@" + std::string(15, 's')));
  EXPECT_FALSE(TraceState::is_valid_key("t@0sys"));  // system starts with lcalpha
  EXPECT_FALSE(TraceState::is_valid_key("@sys"));
  EXPECT_FALSE(TraceState::is_valid_key("tenant@"));
  EXPECT_FALSE(TraceState::is_valid_key("a@b@c"));
  EXPECT_EQ(TraceState::parse("fw529a3039@dt=x").get("fw529a3039@dt"), "x");
}

TEST(TraceStateTest, ValueGrammar) {
  EXPECT_TRUE(TraceState::is_valid_value("x"));
  EXPECT_TRUE(TraceState::is_valid_value(" leading space ok"));
  EXPECT_TRUE(TraceState::is_valid_value("!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~"));
  EXPECT_TRUE(TraceState::is_valid_value(std::string(256, 'v')));
  EXPECT_FALSE(TraceState::is_valid_value(std::string(257, 'v')));
  EXPECT_FALSE(TraceState::is_valid_value(""));
  EXPECT_FALSE(TraceState::is_valid_value("trailing "));
  EXPECT_FALSE(TraceState::is_valid_value("a,b"));
  EXPECT_FALSE(TraceState::is_valid_value("a=b"));
  EXPECT_FALSE(TraceState::is_valid_value("tab\there"));
  EXPECT_FALSE(TraceState::is_valid_value("\x7f"));
  EXPECT_FALSE(TraceState::is_valid_value("caf\xc3\xa9"));
}

TEST(TraceStateTest, InvalidHeadersAreDiscardedWhole) {
  EXPECT_TRUE(TraceState::parse("foo=1,foo=2").empty());  // duplicate keys
  EXPECT_TRUE(TraceState::parse("foo=1,bar").empty());    // member without '='
  EXPECT_TRUE(TraceState::parse("foo=1,Bar=2").empty());
  EXPECT_TRUE(TraceState::parse("foo=1,bar=").empty());
  EXPECT_TRUE(TraceState::parse("foo =1").empty());  // no OWS inside a member
  EXPECT_TRUE(TraceState::parse("foo=1,bar=" + std::string(257, 'v')).empty());
}

TEST(TraceStateTest, AtMost32Members) {
  EXPECT_EQ(TraceState::parse(members(32)).size(), 32u);
  EXPECT_TRUE(TraceState::parse(members(33)).empty());
  EXPECT_EQ(TraceState::parse(members(32) + ",,, ,").size(), 32u);  // empties do not count
}

TEST(TraceStateTest, SetPutsEntryFirstAndReplaces) {
  auto state = TraceState::parse("a=1,b=2,c=3");
  auto updated = state.set("b", "9");
  EXPECT_EQ(updated.to_header(), "b=9,a=1,c=3");
  EXPECT_EQ(state.to_header(), "a=1,b=2,c=3");  // immutable
  EXPECT_EQ(state.set("kt", "1").to_header(), "kt=1,a=1,b=2,c=3");
  EXPECT_EQ(state.set("Bad", "1"), state);
  EXPECT_EQ(state.set("ok", "bad,value"), state);
  EXPECT_EQ(TraceState{}.set("x", "y").to_header(), "x=y");
}

TEST(TraceStateTest, SetDropsLastEntryBeyond32) {
  auto state = TraceState::parse(members(32)).set("new", "1");
  ASSERT_EQ(state.size(), 32u);
  EXPECT_EQ(state.entries().front().first, "new");
  EXPECT_FALSE(state.get("k31"));
  EXPECT_EQ(state.get("k30"), "v30");
}

TEST(TraceStateTest, Erase) {
  auto state = TraceState::parse("a=1,b=2");
  EXPECT_EQ(state.erase("a").to_header(), "b=2");
  EXPECT_EQ(state.erase("zz"), state);
  EXPECT_TRUE(state.erase("a").erase("b").empty());
}

TEST(TraceStateTest, TruncationDropsLargeEntriesFirstThenFromTheEnd) {
  std::string large = "big=" + std::string(200, 'x');  // 204 characters
  auto state = TraceState::parse("a=1," + large + ",b=2,c=3");
  EXPECT_EQ(state.to_header(), "a=1," + large + ",b=2,c=3");
  EXPECT_EQ(state.to_header(20), "a=1,b=2,c=3");
  EXPECT_EQ(state.to_header(7), "a=1,b=2");
  EXPECT_EQ(state.to_header(6), "a=1");
  EXPECT_EQ(state.to_header(2), "");
}

TEST(TraceStateTest, DefaultTruncationAt512Characters) {
  std::string header;  // 32 members of 24 characters: 799 with commas
  for (int i = 0; i < 32; ++i) {
    header += (i ? "," : "") + std::string(i < 10 ? "k0" : "k") + std::to_string(i) + "=" +
              std::string(20, 'v');
  }
  auto state = TraceState::parse(header);
  ASSERT_EQ(state.size(), 32u);
  auto truncated = TraceState::parse(state.to_header());
  ASSERT_EQ(truncated.size(), 20u);  // 20 * 25 - 1 = 499 <= 512 < 524
  EXPECT_EQ(truncated.entries().front().first, "k00");
  EXPECT_EQ(truncated.entries().back().first, "k19");
}

TEST(TraceStateTest, WriteHeaderIntoBuffer) {
  auto state = TraceState::parse("a=1,b=2");
  char buffer[16];
  std::size_t size = state.write_header(buffer);
  EXPECT_EQ(std::string_view(buffer, size), "a=1,b=2");
  EXPECT_EQ(TraceState{}.write_header(buffer), 0u);
}

}  // namespace
}  // namespace kafkatrace::otel
