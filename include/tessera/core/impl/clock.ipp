#pragma once
// The bodies of core/clock.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/core/clock.hpp"

namespace tessera::core {

TESSERA_DECL auto coarse_clock::now() const noexcept -> std::chrono::system_clock::time_point {
#if defined(CLOCK_REALTIME_COARSE)
  timespec ts;
  if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) == 0)
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
#endif
  return std::chrono::system_clock::now();
}

}  // namespace tessera::core
