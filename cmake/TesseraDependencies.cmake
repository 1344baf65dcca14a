# Finds tessera's dependencies on the system; falls back to FetchContent for the
# header/source libraries (nlohmann_json, simdjson) when no package is installed.
include(FetchContent)
find_package(Threads REQUIRED)
find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)

find_package(nlohmann_json 3.10 CONFIG QUIET)
if(NOT nlohmann_json_FOUND)
  message(STATUS "tessera: nlohmann_json not installed, fetching it")
  FetchContent_Declare(nlohmann_json
    URL https://github.com/nlohmann/json/releases/download/v3.11.3/json.tar.xz)
  set(JSON_Install ON CACHE BOOL "" FORCE)
  FetchContent_MakeAvailable(nlohmann_json)
endif()

find_package(simdjson 3.0 CONFIG QUIET)
if(NOT simdjson_FOUND)
  message(STATUS "tessera: simdjson not installed, fetching it")
  FetchContent_Declare(simdjson
    GIT_REPOSITORY https://github.com/simdjson/simdjson.git
    GIT_TAG v3.9.4
    GIT_SHALLOW TRUE)
  FetchContent_MakeAvailable(simdjson)
endif()

# hiredis, only for the optional tessera::redis target (created when it is found).
option(TESSERA_WITH_REDIS "Build the optional tessera::redis target when hiredis is found" ON)
if(TESSERA_WITH_REDIS)
  include(TesseraFindHiredis)
else()
  set(TESSERA_HIREDIS_FOUND FALSE)
endif()
