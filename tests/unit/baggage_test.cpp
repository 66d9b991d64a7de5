// Baggage: the immutable name/value container.
#include "kafkatrace/otel/baggage.h"

#include <gtest/gtest.h>

namespace kafkatrace::otel {
namespace {

TEST(BaggageTest, EmptyByDefault) {
  Baggage baggage;
  EXPECT_TRUE(baggage.empty());
  EXPECT_EQ(baggage.size(), 0u);
  EXPECT_FALSE(baggage.get("x"));
  EXPECT_TRUE(baggage.entries().empty());
}

TEST(BaggageTest, SetGetAndImmutability) {
  Baggage empty;
  auto one = empty.set("tenant", "acme", "ttl=3");
  auto two = one.set("user", "42");
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(two.size(), 2u);
  EXPECT_EQ(two.get("tenant"), "acme");
  EXPECT_EQ(two.entries()[0].metadata, "ttl=3");
  EXPECT_EQ(two.get("user"), "42");
  EXPECT_FALSE(two.get("Tenant"));  // names are case-sensitive
}

TEST(BaggageTest, SetReplacesInPlace) {
  auto baggage = Baggage{}.set("a", "1").set("b", "2").set("a", "3", "p");
  ASSERT_EQ(baggage.size(), 2u);
  EXPECT_EQ(baggage.entries()[0], (Baggage::Entry{"a", "3", "p"}));
  EXPECT_EQ(baggage.entries()[1].name, "b");
}

TEST(BaggageTest, Erase) {
  auto baggage = Baggage{}.set("a", "1").set("b", "2");
  EXPECT_EQ(baggage.erase("a").size(), 1u);
  EXPECT_FALSE(baggage.erase("a").get("a"));
  EXPECT_EQ(baggage.erase("zz"), baggage);
  EXPECT_TRUE(baggage.erase("a").erase("b").empty());
}

TEST(BaggageTest, FromEntriesKeepsFirstPositionAndLastValue) {
  auto baggage = Baggage::from_entries(
      {{"a", "1", ""}, {"b", "2", ""}, {"a", "3", "m"}, {"c", "4", ""}, {"b", "5", ""}});
  ASSERT_EQ(baggage.size(), 3u);
  EXPECT_EQ(baggage.entries()[0], (Baggage::Entry{"a", "3", "m"}));
  EXPECT_EQ(baggage.entries()[1], (Baggage::Entry{"b", "5", ""}));
  EXPECT_EQ(baggage.entries()[2], (Baggage::Entry{"c", "4", ""}));
  EXPECT_TRUE(Baggage::from_entries({}).empty());
}

TEST(BaggageTest, Equality) {
  EXPECT_EQ(Baggage{}.set("a", "1"), Baggage{}.set("a", "1"));
  EXPECT_NE(Baggage{}.set("a", "1"), Baggage{}.set("a", "2"));
  EXPECT_EQ(Baggage{}, Baggage{}.set("a", "1").erase("a"));
}

}  // namespace
}  // namespace kafkatrace::otel
