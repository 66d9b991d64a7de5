// Resource: the entity producing telemetry (service.name, telemetry.sdk.*, host, process).
//
//   auto resource = kafkatrace::otel::Resource::from_environment();   // OTEL_SERVICE_NAME, ...
//   auto merged = resource.merge(kafkatrace::otel::Resource({{"deployment.environment", "dev"}}));
//   for (const auto& kv : merged.attributes()) ...
#pragma once

#include <string>
#include <string_view>

#include "kafkatrace/otel/attribute.h"

namespace kafkatrace::otel {

class Resource final {
 public:
  Resource() = default;
  explicit Resource(Attributes attributes, std::string schema_url = {});

  // The SDK default: telemetry.sdk.{name,language,version}, service.name (from
  // OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES, else "unknown_service:<process name>"),
  // process.pid, process.executable.name, host.name, plus OTEL_RESOURCE_ATTRIBUTES (percent-
  // decoded; malformed entries are skipped with a warning).
  static Resource from_environment();

  // Attributes of `other` win on conflict, as the specification's merge says.
  Resource merge(const Resource& other) const;
  const Attributes& attributes() const noexcept { return attributes_; }
  const std::string& schema_url() const noexcept { return schema_url_; }
  const AttributeValue* find(std::string_view key) const noexcept;

 private:
  Attributes attributes_;
  std::string schema_url_;
};

}  // namespace kafkatrace::otel
