# kafkatrace_add_chain_test(<name> <driver.py> [ENVIRONMENT <VAR=value>...])
# Registers interop.<name>: `python3 <driver.py> <kafkatrace CLI>` on the real Apache Kafka broker
# (the real_kafka fixture; its bootstrap address reaches the driver through
# KAFKATRACE_TEST_BOOTSTRAP_FILE). Registers nothing without the real broker or the CLI
# (KAFKATRACE_REAL_KAFKA / KAFKATRACE_BUILD_TOOLS off).
function(kafkatrace_add_chain_test name driver)
  if(NOT KAFKATRACE_REAL_KAFKA OR NOT KAFKATRACE_BUILD_TOOLS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "ENVIRONMENT" ${ARGN})
  add_test(NAME interop.${name} COMMAND ${KAFKATRACE_PYTHON3} ${driver} $<TARGET_FILE:kafkatrace>)
  set_tests_properties(interop.${name} PROPERTIES LABELS "interop;kafka" TIMEOUT 120
    FIXTURES_REQUIRED real_kafka
    ENVIRONMENT
      "KAFKATRACE_TEST_BOOTSTRAP_FILE=${KAFKATRACE_REAL_KAFKA_STATE}/bootstrap;${ARG_ENVIRONMENT}")
endfunction()
