# Install rules: libraries, headers, a CMake package (find_package(kafkatrace CONFIG)) and a
# pkg-config file (kafkatrace.pc).
include(CMakePackageConfigHelpers)

get_property(kafkatrace_targets GLOBAL PROPERTY KAFKATRACE_INSTALL_TARGETS)
install(TARGETS ${kafkatrace_targets} EXPORT kafkatraceTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/kafkatrace
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

set(kafkatrace_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/kafkatrace)
install(EXPORT kafkatraceTargets NAMESPACE kafkatrace:: DESTINATION ${kafkatrace_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/kafkatraceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kafkatraceConfig.cmake INSTALL_DESTINATION ${kafkatrace_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kafkatraceConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kafkatraceConfig.cmake
              ${PROJECT_BINARY_DIR}/kafkatraceConfigVersion.cmake
        DESTINATION ${kafkatrace_cmake_dir})

# pkg-config: one module for the whole library (core + Kafka instrumentation).
get_property(kafkatrace_pc_libs GLOBAL PROPERTY KAFKATRACE_INSTALL_TARGETS)
list(REVERSE kafkatrace_pc_libs)  # dependents first, as static linking needs
list(TRANSFORM kafkatrace_pc_libs PREPEND "-l")
list(JOIN kafkatrace_pc_libs " " KAFKATRACE_PC_LIBS)
configure_file(${PROJECT_SOURCE_DIR}/cmake/kafkatrace.pc.in
               ${PROJECT_BINARY_DIR}/kafkatrace.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/kafkatrace.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
