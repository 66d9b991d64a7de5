# Compiler warnings and sanitizers, applied through an interface target so that
# consumers of the installed package never inherit them.
add_library(kafkatrace_build_flags INTERFACE)
target_compile_options(kafkatrace_build_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(KAFKATRACE_WERROR)
  target_compile_options(kafkatrace_build_flags INTERFACE -Werror)
endif()

# Thread-local storage through TLS descriptors: in a shared library (BUILD_SHARED_LIBS, or the
# interceptor plugin) each access to our thread_locals (the current context, the id generator,
# the object pools) is then a call to a tiny resolver instead of __tls_get_addr. Unlike
# -ftls-model=initial-exec it stays safe for libraries loaded with dlopen. In an executable the
# linker relaxes either form to a plain %fs access. Measured (docs/benchmarks.md): unsampled span
# 39 -> 33 ns, sampled 175 -> 168 ns in a shared build. Left out under sanitizers, whose runtimes
# track dynamic TLS through __tls_get_addr.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND NOT KAFKATRACE_SANITIZE)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-mtls-dialect=gnu2 KAFKATRACE_HAVE_TLS_DIALECT_GNU2)
  if(KAFKATRACE_HAVE_TLS_DIALECT_GNU2)
    target_compile_options(kafkatrace_build_flags INTERFACE -mtls-dialect=gnu2)
  endif()
endif()

if(KAFKATRACE_SANITIZE)
  set(kafkatrace_sanitize_flags -fsanitize=${KAFKATRACE_SANITIZE} -fno-omit-frame-pointer)
  if(KAFKATRACE_SANITIZE MATCHES "undefined")
    list(APPEND kafkatrace_sanitize_flags -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${kafkatrace_sanitize_flags})
  add_link_options(${kafkatrace_sanitize_flags})
endif()

# Adds a library with the project's conventions: namespaced alias, export name,
# public include dir, private warning flags.
function(kafkatrace_add_library name)
  cmake_parse_arguments(ARG "" "ALIAS;EXPORT_NAME" "SOURCES" ${ARGN})
  add_library(${name} ${ARG_SOURCES})
  add_library(kafkatrace::${ARG_ALIAS} ALIAS ${name})
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${ARG_EXPORT_NAME}
                                           VERSION ${PROJECT_VERSION}
                                           SOVERSION ${PROJECT_VERSION_MAJOR})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_features(${name} PUBLIC cxx_std_20)
  target_link_libraries(${name} PRIVATE $<BUILD_INTERFACE:kafkatrace_build_flags>)
  set_property(GLOBAL APPEND PROPERTY KAFKATRACE_INSTALL_TARGETS ${name})
endfunction()
