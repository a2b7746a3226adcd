# Helpers shared by every module's CMakeLists.txt.

# qgrad_test(NAME SOURCES... LIBS ... [ONE_PROCESS]): a GoogleTest binary registered with
# CTest, one CTest test per test case. ONE_PROCESS: a single CTest test, NAME, runs the whole
# binary, for binaries whose tests share an expensive fixture set up once per process (a
# PostgreSQL server) that one process per test case would repeat.
function(qgrad_test name)
  cmake_parse_arguments(ARG "ONE_PROCESS" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  if(ARG_ONE_PROCESS)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
  endif()
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
