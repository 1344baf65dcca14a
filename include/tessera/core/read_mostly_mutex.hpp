#pragma once
// tessera::core::read_mostly_mutex — a reader-writer lock whose readers do not share a cache line.

#include <array>
#include <atomic>
#include <cstddef>
#include <shared_mutex>

#include "tessera/config.hpp"

namespace tessera::core {

// A reader-writer lock for data read on every request and written rarely (key stores, key sets,
// client registries). std::shared_mutex keeps one reader count that every reader writes, so two
// cores verifying at once bounce its cache line and scale worse than one core. Here each thread
// reads through one of slot_count slots (assigned round-robin on the thread's first use), each a
// std::shared_mutex on its own cache lines; a writer takes every slot, in order. Readers on
// different slots therefore never write to the same line, and writers pay slot_count locks.
// Meets the standard SharedMutex requirements (use it with std::shared_lock and std::unique_lock);
// as with std::shared_mutex, a thread unlocks what it locked.
class read_mostly_mutex {
 public:
  // Number of reader slots: threads beyond this many share slots (still correct, less spread).
  static constexpr std::size_t slot_count = 8;

  read_mostly_mutex() = default;
  read_mostly_mutex(const read_mostly_mutex&) = delete;
  read_mostly_mutex& operator=(const read_mostly_mutex&) = delete;

  // Exclusive ownership: every slot, in index order (so writers never deadlock each other).
  void lock() {
    for (auto& s : slots_) s.mu.lock();
  }
  bool try_lock();
  void unlock() {
    for (std::size_t i = slot_count; i-- > 0;) slots_[i].mu.unlock();
  }

  // Shared ownership: the calling thread's slot only.
  void lock_shared() { slots_[thread_slot()].mu.lock_shared(); }
  bool try_lock_shared() { return slots_[thread_slot()].mu.try_lock_shared(); }
  void unlock_shared() { slots_[thread_slot()].mu.unlock_shared(); }

 private:
  struct alignas(config::shard_alignment) slot {
    std::shared_mutex mu;
  };

  // The calling thread's slot, fixed for the thread's lifetime (the same for every instance).
  static std::size_t thread_slot() noexcept;

  std::array<slot, slot_count> slots_;
};

}  // namespace tessera::core

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/core/impl/read_mostly_mutex.ipp"
#endif
