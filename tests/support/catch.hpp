#pragma once
// Includes Catch2 v3 when installed, else the packaged v2; tests use only macros both provide.
#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_test_macros.hpp>
#include <catch2/catch_message.hpp>
#define TESSERA_SKIP(msg) SKIP(msg)
#else
#include <catch2/catch.hpp>
// Catch2 v2 has no SKIP: say so visibly and leave the test case.
#define TESSERA_SKIP(msg) \
  do {                    \
    WARN("SKIPPED: " << msg); \
    return;               \
  } while (0)
#endif
