// BaggagePropagator: W3C baggage header parsing, encoding and limits.
#include "kafkatrace/otel/baggage_propagator.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace kafkatrace::otel {
namespace {

TEST(BaggagePropagatorTest, ParsesSpecExample) {
  auto baggage = parse_baggage(
      "key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue");
  ASSERT_EQ(baggage.size(), 3u);
  EXPECT_EQ(baggage.entries()[0], (Baggage::Entry{"key1", "value1", "property1;property2"}));
  EXPECT_EQ(baggage.entries()[1], (Baggage::Entry{"key2", "value2", ""}));
  EXPECT_EQ(baggage.entries()[2], (Baggage::Entry{"key3", "value3", "propertyKey=propertyValue"}));
}

TEST(BaggagePropagatorTest, PercentDecodesValues) {
  auto baggage = parse_baggage("a=value1%2Cvalue2,b=%E2%9C%93,c=100%25,d=%zz%4,e=%41%6a");
  EXPECT_EQ(baggage.get("a"), "value1,value2");
  EXPECT_EQ(baggage.get("b"), "\xe2\x9c\x93");
  EXPECT_EQ(baggage.get("c"), "100%");
  EXPECT_EQ(baggage.get("d"), "%zz%4");  // not an escape: kept as is
  EXPECT_EQ(baggage.get("e"), "Aj");
}

TEST(BaggagePropagatorTest, InvalidUtf8BecomesReplacementCharacter) {
  const std::string kReplacement = "\xef\xbf\xbd";
  EXPECT_EQ(parse_baggage("a=%FF").get("a"), kReplacement);
  EXPECT_EQ(parse_baggage("a=x%C3").get("a"), "x" + kReplacement);
  EXPECT_EQ(parse_baggage("a=%C0%AF").get("a"), kReplacement + kReplacement);  // overlong
  EXPECT_EQ(parse_baggage("a=%ED%A0%80").get("a"), kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(parse_baggage("a=%C3%A9").get("a"), "\xc3\xa9");
}

TEST(BaggagePropagatorTest, SkipsInvalidMembersOnly) {
  auto baggage = parse_baggage("good=1,bad,=x,na me=2,k=v v,q=\"x\",s=a\\b,p=1;=x,t=1;;,,ok=2 , ");
  ASSERT_EQ(baggage.size(), 2u);
  EXPECT_EQ(baggage.get("good"), "1");
  EXPECT_EQ(baggage.get("ok"), "2");
}

TEST(BaggagePropagatorTest, EmptyValueAndRepeatedNames) {
  auto baggage = parse_baggage("a=,b=1,a=2");
  ASSERT_EQ(baggage.size(), 2u);
  EXPECT_EQ(baggage.get("a"), "2");
  EXPECT_EQ(parse_baggage("a=").get("a"), "");
}

TEST(BaggagePropagatorTest, ParseAddsToBase) {
  auto baggage = parse_baggage("b=2,a=3", Baggage{}.set("a", "1"));
  EXPECT_EQ(baggage.get("a"), "3");
  EXPECT_EQ(baggage.get("b"), "2");
}

TEST(BaggagePropagatorTest, MemberCountLimit) {
  std::string header;
  for (int i = 0; i < 200; ++i) header += "k" + std::to_string(i) + "=v,";
  auto baggage = parse_baggage(header);
  EXPECT_EQ(baggage.size(), kMaxBaggageMembers);
  EXPECT_TRUE(baggage.get("k179"));
  EXPECT_FALSE(baggage.get("k180"));
}

TEST(BaggagePropagatorTest, SizeLimits) {
  std::string big = "big=" + std::string(kMaxBaggageMemberSize, 'x');
  EXPECT_EQ(parse_baggage("a=1," + big + ",b=2").size(), 2u);
  std::string member = "m=" + std::string(3000, 'x');  // three fit in 8192, the fourth does not
  std::string header = "a" + member + ",b" + member + ",c" + member + ",d=1";
  auto baggage = parse_baggage(header);
  EXPECT_EQ(baggage.size(), 3u);
  EXPECT_TRUE(baggage.get("d"));
  EXPECT_FALSE(baggage.get("cm"));
}

TEST(BaggagePropagatorTest, FormatPercentEncodes) {
  auto baggage = Baggage{}.set("k", "a b,c;d\\e\"f%g=h\xe2\x9c\x93\t");
  EXPECT_EQ(format_baggage(baggage), "k=a%20b%2Cc%3Bd%5Ce%22f%25g=h%E2%9C%93%09");
}

TEST(BaggagePropagatorTest, EncodingRoundTrips) {
  std::mt19937 random{7};
  for (int round = 0; round < 500; ++round) {
    std::string value(random() % 40, '\0');
    for (char& c : value) c = static_cast<char>(random() % 128);  // ASCII: valid UTF-8
    auto decoded = parse_baggage(format_baggage(Baggage{}.set("key", value)));
    ASSERT_EQ(decoded.get("key"), value) << "round " << round;
  }
  std::string utf8 = "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80";
  EXPECT_EQ(parse_baggage(format_baggage(Baggage{}.set("u", utf8))).get("u"), utf8);
}

TEST(BaggagePropagatorTest, FormatKeepsValidMetadataAndSkipsInvalidEntries) {
  auto baggage = Baggage{}
                     .set("a", "1", "ttl=30;secret")
                     .set("bad name", "2")
                     .set("c", "3", "not,valid")
                     .set("", "4");
  EXPECT_EQ(format_baggage(baggage), "a=1;ttl=30;secret,c=3");
  EXPECT_EQ(format_baggage(Baggage{}), "");
}

TEST(BaggagePropagatorTest, FormatRespectsLimits) {
  Baggage baggage;
  for (int i = 0; i < 200; ++i) baggage = baggage.set("k" + std::to_string(i), "v");
  EXPECT_EQ(parse_baggage(format_baggage(baggage)).size(), kMaxBaggageMembers);

  auto large = Baggage{}
                   .set("a", std::string(3000, 'x'))
                   .set("huge", std::string(5000, 'y'))
                   .set("b", std::string(3000, 'x'))
                   .set("c", std::string(3000, 'x'))
                   .set("d", "1");
  auto header = format_baggage(large);
  EXPECT_LE(header.size(), kMaxBaggageSize);
  auto parsed = parse_baggage(header);
  EXPECT_TRUE(parsed.get("a") && parsed.get("b") && parsed.get("d"));
  EXPECT_FALSE(parsed.get("huge"));
  EXPECT_FALSE(parsed.get("c"));
}

TEST(BaggagePropagatorTest, InjectAndExtract) {
  std::map<std::string, std::string> headers;
  MapCarrier carrier{headers};
  BaggagePropagator propagator;
  propagator.inject(Context{}, carrier);
  EXPECT_TRUE(headers.empty());
  auto baggage = Baggage{}.set("tenant", "acme corp").set("user", "42", "p");
  propagator.inject(Context{}.with_baggage(baggage), carrier);
  EXPECT_EQ(headers.at("baggage"), "tenant=acme%20corp,user=42;p");
  EXPECT_EQ(propagator.extract(carrier, Context{}).baggage(), baggage);
  ASSERT_EQ(propagator.fields().size(), 1u);
  EXPECT_EQ(propagator.fields()[0], "baggage");
}

TEST(BaggagePropagatorTest, ExtractReplacesBaseBaggageOnlyWhenValid) {
  auto base = Context{}.with_baggage(Baggage{}.set("old", "1"));
  std::map<std::string, std::string> headers{{"baggage", "bad, also bad"}};
  MapCarrier carrier{headers};
  BaggagePropagator propagator;
  EXPECT_EQ(propagator.extract(carrier, base).baggage().get("old"), "1");
  headers["baggage"] = "new=2";
  auto context = propagator.extract(carrier, base);
  EXPECT_FALSE(context.baggage().get("old"));
  EXPECT_EQ(context.baggage().get("new"), "2");
  headers.clear();
  EXPECT_EQ(propagator.extract(carrier, base).baggage(), base.baggage());
}

TEST(BaggagePropagatorTest, RepeatedHeadersAreCombinedInOrder) {
  VectorCarrier::Headers headers{{"baggage", "a=1,b=1"}, {"other", "x"}, {"baggage", "b=2,c=3"}};
  VectorCarrier carrier{headers};
  auto baggage = BaggagePropagator{}.extract(carrier, Context{}).baggage();
  ASSERT_EQ(baggage.size(), 3u);
  EXPECT_EQ(baggage.get("a"), "1");
  EXPECT_EQ(baggage.get("b"), "2");
  EXPECT_EQ(baggage.get("c"), "3");
}

TEST(BaggagePropagatorTest, ExtractNeverCrashesOnArbitraryBytes) {
  std::mt19937 random{99};
  std::map<std::string, std::string> headers;
  MapCarrier carrier{headers};
  const char kPick[] = {'=', ',', ';', '%', ' ', '\t', 'a', '\0', 'F', '\\'};
  for (int round = 0; round < 5000; ++round) {
    std::string text(random() % 200, '\0');
    for (char& c : text) {
      c = random() % 2 ? kPick[random() % 10] : static_cast<char>(random() % 256);
    }
    headers["baggage"] = text;
    auto baggage = BaggagePropagator{}.extract(carrier, Context{}).baggage();
    EXPECT_LE(baggage.size(), kMaxBaggageMembers);
    auto again = parse_baggage(format_baggage(baggage));
    EXPECT_EQ(again, baggage) << "round " << round;
  }
}

}  // namespace
}  // namespace kafkatrace::otel
