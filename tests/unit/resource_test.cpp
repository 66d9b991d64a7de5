#include "kafkatrace/otel/resource.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace kafkatrace::otel {
namespace {

class ResourceEnvironment : public ::testing::Test {
 protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }
  static void clear() {
    unsetenv("OTEL_SERVICE_NAME");
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
  }
  static std::string text(const Resource& resource, std::string_view key) {
    const auto* value = resource.find(key);
    return value ? std::get<std::string>(*value) : "<missing>";
  }
};

TEST_F(ResourceEnvironment, SdkDefaults) {
  const auto resource = Resource::from_environment();
  EXPECT_EQ(text(resource, "telemetry.sdk.name"), "kafkatrace");
  EXPECT_EQ(text(resource, "telemetry.sdk.language"), "cpp");
  EXPECT_FALSE(text(resource, "telemetry.sdk.version").empty());
  EXPECT_EQ(text(resource, "service.name").rfind("unknown_service:", 0), 0u);
  EXPECT_NE(text(resource, "service.name"), "unknown_service:");  // has the executable name
  ASSERT_NE(resource.find("process.pid"), nullptr);
  EXPECT_GT(std::get<std::int64_t>(*resource.find("process.pid")), 0);
}

TEST_F(ResourceEnvironment, ResourceAttributesArePercentDecoded) {
  setenv("OTEL_RESOURCE_ATTRIBUTES",
         "deployment.environment=prod, team = payments%20core ,note=a%2Cb%3Dc", 1);
  const auto resource = Resource::from_environment();
  EXPECT_EQ(text(resource, "deployment.environment"), "prod");
  EXPECT_EQ(text(resource, "team"), "payments core");
  EXPECT_EQ(text(resource, "note"), "a,b=c");
}

TEST_F(ResourceEnvironment, MalformedEntriesAreSkipped) {
  setenv("OTEL_RESOURCE_ATTRIBUTES", "good=1,novalue,=empty,bad=%zz,trailing=%4,,also=2", 1);
  const auto resource = Resource::from_environment();
  EXPECT_EQ(text(resource, "good"), "1");
  EXPECT_EQ(text(resource, "also"), "2");
  EXPECT_EQ(resource.find("novalue"), nullptr);
  EXPECT_EQ(resource.find("bad"), nullptr);
  EXPECT_EQ(resource.find("trailing"), nullptr);
}

TEST_F(ResourceEnvironment, ServiceNamePrecedence) {
  setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attributes", 1);
  EXPECT_EQ(text(Resource::from_environment(), "service.name"), "from-attributes");
  setenv("OTEL_SERVICE_NAME", "from-service-name", 1);
  EXPECT_EQ(text(Resource::from_environment(), "service.name"), "from-service-name");
}

TEST(Resource, MergePrefersOther) {
  const Resource base({{"a", std::string("1")}, {"b", std::string("2")}}, "https://old");
  const Resource update({{"b", std::string("3")}, {"c", std::string("4")}});
  const auto merged = base.merge(update);
  EXPECT_EQ(merged.attributes().size(), 3u);
  EXPECT_EQ(std::get<std::string>(*merged.find("b")), "3");
  EXPECT_EQ(merged.schema_url(), "https://old");
  EXPECT_EQ(merged.find("missing"), nullptr);
}

}  // namespace
}  // namespace kafkatrace::otel
