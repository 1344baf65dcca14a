// Tests for tessera/core/read_mostly_mutex.hpp: shared and exclusive ownership, try_lock, and
// mutual exclusion between readers and writers on many threads.
#include "tessera/core/read_mostly_mutex.hpp"

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using tessera::core::read_mostly_mutex;

TEST_CASE("read_mostly_mutex: readers share, a writer excludes everyone", "[core][read_mostly_mutex]") {
  read_mostly_mutex m;
  {
    std::shared_lock a(m);
    CHECK(m.try_lock_shared());  // a second shared owner on the same thread's slot
    m.unlock_shared();
    CHECK_FALSE(m.try_lock());  // a reader holds a slot: no writer
  }
  {
    std::unique_lock w(m);
    CHECK_FALSE(m.try_lock_shared());
    CHECK_FALSE(m.try_lock());
  }
  CHECK(m.try_lock());  // try_lock took every slot
  m.unlock();
  CHECK(m.try_lock_shared());
  m.unlock_shared();
  // Each thread reads through its own slot; the writer still waits for all of them.
  std::atomic<bool> reading{false}, release{false};
  std::thread reader([&] {
    std::shared_lock r(m);
    reading = true;
    while (!release) std::this_thread::yield();
  });
  while (!reading) std::this_thread::yield();
  CHECK_FALSE(m.try_lock());
  release = true;
  reader.join();
  CHECK(m.try_lock());
  m.unlock();
}

TEST_CASE("read_mostly_mutex: writers never overlap readers or each other", "[core][read_mostly_mutex][concurrency]") {
  // More threads than slots, so some threads share a slot.
  constexpr int threads = static_cast<int>(read_mostly_mutex::slot_count) + 4;
  read_mostly_mutex m;
  long value_a = 0, value_b = 0;  // a writer keeps them equal; a reader must never see them differ
  std::atomic<int> torn{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        if ((i + t) % 10 == 0) {
          std::unique_lock w(m);
          ++value_a;
          std::this_thread::yield();
          ++value_b;
        } else {
          std::shared_lock r(m);
          if (value_a != value_b) ++torn;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  CHECK(torn == 0);
  CHECK(value_a == value_b);
  CHECK(value_a == threads * 200);
}
