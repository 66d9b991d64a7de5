// Recycler<T>: a process-wide pool of reusable heap objects with a small per-thread cache, so that
// a hot path takes and gives objects without a lock, a heap allocation or a TLS guard.
//
//   T* object = Recycler<T>::take();        // null when the pool is empty: allocate one yourself
//   Recycler<T>::give(object);              // any thread; the pool owns it from now on
//   T* next = Recycler<T>::peek(0);         // what the next take() returns here (to prefetch)
//
// The per-thread cache is a fixed array in a constant-initialised thread_local (a plain %fs load,
// no init guard). Up to kCacheSize objects stay on a thread; surplus moves to a shared depot in
// batches of kBatch under a mutex, so objects given on one thread (the batch processor's worker)
// reach the threads that take them (the application's). The depot is leaked on purpose: it stays
// usable while threads and statics are destroyed at exit. At thread exit the cache is emptied into
// the depot; later gives on that thread delete, later takes return null. Objects are given back as
// they are: callers clear them. Objects are allocated with `new T` and freed with `delete`.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace kafkatrace::otel::internal {

template <typename T>
class Recycler final {
 public:
  static constexpr std::uint32_t kCacheSize = 128;
  static constexpr std::uint32_t kBatch = 64;
  static constexpr std::size_t kDepotSize = 16384;  // objects; reserve() raises it

  static T* take() noexcept {
    Cache& cache = cache_;
    if (cache.count == 0 && !refill(cache)) [[unlikely]]
      return nullptr;
    return cache.items[--cache.count];
  }

  // The object that the take() `ahead` calls from now returns on this thread, when it is already
  // in this thread's cache; null otherwise. For prefetching: the pool still owns it.
  static T* peek(std::uint32_t ahead) noexcept {
    const Cache& cache = cache_;
    return ahead < cache.count ? cache.items[cache.count - 1 - ahead] : nullptr;
  }

  // Lets the depot keep at least `count` objects (e.g. as many as a queue can hold in flight), so
  // that a burst that fills the queue does not end in frees and, later, fresh allocations.
  static void reserve(std::size_t count) noexcept {
    auto& shared = depot();
    std::lock_guard lock(shared.mutex);
    try {
      if (count > shared.items.capacity()) shared.items.reserve(count);
    } catch (...) {
      // Out of memory: the depot keeps its size.
    }
  }

  static void give(T* object) noexcept {
    Cache& cache = cache_;
    if (cache.count >= cache.limit) [[unlikely]] {
      if (!make_room(cache)) {
        delete object;
        return;
      }
    }
    cache.items[cache.count++] = object;
  }

 private:
  struct Cache {
    T* items[kCacheSize];
    std::uint32_t count;
    std::uint32_t limit;  // 0 until the exit hook is armed, and again after thread exit
    bool closed;          // the thread is exiting: no more caching
  };

  struct Depot {
    Depot() { items.reserve(kDepotSize); }
    std::mutex mutex;
    std::vector<T*> items;  // never grows past its capacity (set by reserve) while spilling
  };

  // Empties this thread's cache into the depot at thread exit.
  struct ExitHook {
    bool armed = false;
    ~ExitHook() {
      Cache& cache = cache_;
      cache.closed = true;
      cache.limit = 0;
      while (cache.count > 0) spill(cache, std::min(cache.count, kBatch));
    }
  };

  static Depot& depot() noexcept {
    static Depot* instance = new Depot;  // leaked: see the header comment
    return *instance;
  }

  // The first use on a thread arms the exit hook (a non-trivial thread_local, registered once).
  static bool arm(Cache& cache) noexcept {
    if (cache.closed) return false;
    exit_hook_.armed = true;
    cache.limit = kCacheSize;
    return true;
  }

  static bool make_room(Cache& cache) noexcept {
    if (cache.limit == 0) return arm(cache);
    spill(cache, kBatch);
    return true;
  }

  // Moves the newest `count` cached objects to the depot, deleting those that do not fit.
  static void spill(Cache& cache, std::uint32_t count) noexcept {
    T** first = cache.items + (cache.count - count);
    std::uint32_t kept = 0;
    {
      auto& shared = depot();
      std::lock_guard lock(shared.mutex);
      kept = static_cast<std::uint32_t>(
          std::min<std::size_t>(count, shared.items.capacity() - shared.items.size()));
      shared.items.insert(shared.items.end(), first, first + kept);  // within capacity
    }
    for (std::uint32_t i = kept; i < count; ++i) delete first[i];
    cache.count -= count;
  }

  static bool refill(Cache& cache) noexcept {
    if (cache.limit == 0 && !arm(cache)) return false;
    auto& shared = depot();
    std::lock_guard lock(shared.mutex);
    const auto moved =
        static_cast<std::uint32_t>(std::min<std::size_t>(kBatch, shared.items.size()));
    std::copy(shared.items.end() - moved, shared.items.end(), cache.items);
    shared.items.resize(shared.items.size() - moved);
    cache.count = moved;
    return moved > 0;
  }

  static inline constinit thread_local Cache cache_{};
  static inline thread_local ExitHook exit_hook_;
};

// A std::allocator-compatible allocator that recycles single-object blocks through Recycler,
// for std::allocate_shared (the shared_ptr control block and the object in one pooled block).
template <typename T>
class PoolAllocator final {
 public:
  using value_type = T;

  PoolAllocator() noexcept = default;
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}

  T* allocate(std::size_t count) {
    if (count != 1) return std::allocator<T>{}.allocate(count);
    Block* block = Recycler<Block>::take();
    if (block == nullptr) block = new Block;  // uninitialised storage
    return reinterpret_cast<T*>(block->bytes);
  }
  void deallocate(T* pointer, std::size_t count) noexcept {
    if (count != 1) return std::allocator<T>{}.deallocate(pointer, count);
    Recycler<Block>::give(reinterpret_cast<Block*>(pointer));
  }

  template <typename U>
  friend bool operator==(const PoolAllocator&, const PoolAllocator<U>&) noexcept {
    return true;
  }

 private:
  struct Block {
    alignas(T) std::byte bytes[sizeof(T)];
  };
};

}  // namespace kafkatrace::otel::internal
