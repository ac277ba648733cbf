# Sanitizer and fuzzing builds (both opt-in; the normal build is unaffected).
#
#   -DWIJKWACHT_SANITIZE=address,undefined   instruments every target of the project (not the
#                                            Debian libraries) with ASan and UBSan; any UBSan
#                                            finding aborts the process, so a test fails on it.
#                                            scripts/sanitize.sh builds build-asan and runs ctest.
#   -DWIJKWACHT_FUZZ=ON                      (clang only) instruments the project for libFuzzer
#                                            with ASan and UBSan and adds fuzz/ (the targets and a
#                                            short ctest run). scripts/fuzz.sh runs the long campaign.
set(WIJKWACHT_SANITIZE "" CACHE STRING
    "Comma-separated sanitizers for the whole project, e.g. address,undefined (empty: none)")
option(WIJKWACHT_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(WIJKWACHT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WIJKWACHT_FUZZ needs clang (e.g. CXX=clang++-14)")
  endif()
  if(NOT WIJKWACHT_SANITIZE)
    set(WIJKWACHT_SANITIZE "address,undefined")
  endif()
  # Coverage instrumentation for all of our code; only the fuzz binaries link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(WIJKWACHT_SANITIZE)
  add_compile_options(-fsanitize=${WIJKWACHT_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${WIJKWACHT_SANITIZE})
endif()

# Per-test time limit of the integration tests (ctest's TIMEOUT property, which `ctest
# --timeout` does not override): sanitized code runs several times slower, so it gets 3x.
if(WIJKWACHT_SANITIZE)
  set(WIJKWACHT_LONG_TEST_TIMEOUT 900)
else()
  set(WIJKWACHT_LONG_TEST_TIMEOUT 300)
endif()

# Debian's Abseil headers change the node layout of absl::btree when they see AddressSanitizer
# (ABSL_BTREE_ENABLE_GENERATIONS), but libs2 was built without it. Code of ours that works on
# S2's shape-index btrees would then read S2's nodes with the other layout (and its template
# instances would interpose on S2's), which hangs or corrupts memory. So the one library that
# builds S2 shape indexes, wijkwacht_geo, is compiled so that Abseil sees no ASan: with gcc by
# undefining __SANITIZE_ADDRESS__ (the code stays instrumented), with clang, where the feature
# test cannot be hidden, without ASan (UBSan and fuzzer coverage stay).
function(wijkwacht_keep_s2_abi)
  if(NOT TARGET wijkwacht_geo)
    return()
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(wijkwacht_geo PRIVATE -U__SANITIZE_ADDRESS__)
  else()
    target_compile_options(wijkwacht_geo PRIVATE -fno-sanitize=address)
  endif()
endfunction()
if(WIJKWACHT_SANITIZE MATCHES "address")
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL wijkwacht_keep_s2_abi)
endif()
