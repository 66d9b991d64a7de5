// Calling application handlers: an exception becomes a failed HandlerResult whose error type is
// the exception's demangled dynamic type. Private to the consumer.
#pragma once

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <typeinfo>

#include "kafkatrace/kafka/consumer.h"

namespace kafkatrace::kafka::internal {

inline std::string demangled_type_name(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

// Runs `call` (which returns HandlerResult); never lets an exception out.
template <class Call>
HandlerResult call_handler(Call&& call) noexcept {
  try {
    try {
      return call();
    } catch (const std::exception& e) {
      return HandlerResult::failure(demangled_type_name(typeid(e)), e.what());
    } catch (...) {
      return HandlerResult::failure("unknown exception", "a non-std::exception was thrown");
    }
  } catch (...) {  // out of memory while describing the failure
    HandlerResult result;
    result.failed = true;
    return result;
  }
}

}  // namespace kafkatrace::kafka::internal
