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
