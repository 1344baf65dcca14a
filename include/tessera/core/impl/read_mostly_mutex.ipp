#pragma once
// The bodies of core/read_mostly_mutex.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/core/read_mostly_mutex.hpp"

namespace tessera::core {

TESSERA_DECL auto read_mostly_mutex::try_lock() -> bool {
  for (std::size_t i = 0; i < slot_count; ++i) {
    if (!slots_[i].mu.try_lock()) {
      while (i-- > 0) slots_[i].mu.unlock();
      return false;
    }
  }
  return true;
}

TESSERA_DECL auto read_mostly_mutex::thread_slot() noexcept -> std::size_t {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % slot_count;
  return mine;
}

}  // namespace tessera::core
