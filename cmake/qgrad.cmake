# Helpers shared by every module's CMakeLists.txt.

# qgrad_test(NAME SOURCES... LIBS ...): a GoogleTest binary registered with CTest.
function(qgrad_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()

# qgrad_fuzz_target(NAME SOURCE LIBRARY): a libFuzzer binary over LIBRARY, which gets
# coverage instrumentation too so that the fuzzer sees inside it. QGRAD_FUZZ builds only.
function(qgrad_fuzz_target name source library)
  target_compile_options(${library} PRIVATE -fsanitize=fuzzer-no-link)
  add_executable(${name} ${source})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${library})
endfunction()
