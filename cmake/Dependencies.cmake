# All third-party dependencies come from Debian 12 packages (see README).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)            # CMake's FindProtobuf; Debian ships no CONFIG package
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(RocksDB CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
# cpp-httplib (the HTTP side): Debian ships a .pc file with its feature defines.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# jemalloc, the server's allocator (cmd/wijkwachtd): glibc's malloc cost a fifth of the
# request threads' CPU under ingest load (README, "Measuring").
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)

# S2 geometry: Debian ships neither a CMake config nor a .pc file.
find_library(S2_LIBRARY NAMES s2 REQUIRED)
find_path(S2_INCLUDE_DIR NAMES s2/s2polygon.h REQUIRED)
if(NOT TARGET s2::s2)
  add_library(s2::s2 UNKNOWN IMPORTED)
  set_target_properties(s2::s2 PROPERTIES
    IMPORTED_LOCATION "${S2_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${S2_INCLUDE_DIR}")
  target_link_libraries(s2::s2 INTERFACE absl::base absl::strings absl::flat_hash_map
                        absl::btree absl::span OpenSSL::Crypto)
endif()

if(WIJKWACHT_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
find_package(benchmark CONFIG QUIET)
