// Recycler<T>: a process-wide pool of reusable objects with per-thread caches, so that a hot path
// can take and give objects without a lock or a heap allocation in the steady state.
//
//   std::unique_ptr<SpanData> data = Recycler<SpanData>::take();   // null when the pool is empty
//   Recycler<SpanData>::give(std::move(data));                      // any thread
//
// Each thread keeps up to 2 * kBatch objects; surplus moves to a shared depot in batches of
// kBatch under a mutex (so objects given on one thread, e.g. the batch exporter's worker, reach
// the threads that take them). The depot is leaked on purpose: it stays usable while threads
// and statics are destroyed at exit. Objects are given back as they are; callers clear them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace kafkatrace::otel::internal {

template <typename T>
class Recycler final {
 public:
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kMaxDepotBatches = 256;
  using Batch = std::vector<std::unique_ptr<T>>;

  static std::unique_ptr<T> take() noexcept {
    if (cache_destroyed) return nullptr;
    auto& items = cache().items;
    if (items.empty() && !refill(items)) return nullptr;
    auto object = std::move(items.back());
    items.pop_back();
    return object;
  }

  static void give(std::unique_ptr<T> object) noexcept {
    if (!object || cache_destroyed) return;
    auto& items = cache().items;
    if (items.size() >= 2 * kBatch) spill(items, kBatch);
    items.push_back(std::move(object));  // capacity reserved: no allocation
  }

 private:
  struct Depot {
    std::mutex mutex;
    std::vector<Batch> full;
    std::vector<Batch> empty;  // spare batch vectors, capacity kept
  };

  struct Cache {
    Batch items;
    Cache() { items.reserve(2 * kBatch + 1); }
    ~Cache() {
      while (!items.empty()) spill(items, std::min(kBatch, items.size()));
      cache_destroyed = true;
    }
  };

  static Depot& depot() noexcept {
    static Depot* instance = new Depot;  // leaked: see the header comment
    return *instance;
  }
  static Cache& cache() noexcept {
    thread_local Cache instance;
    return instance;
  }

  static bool refill(Batch& items) noexcept {
    auto& shared = depot();
    Batch batch;
    {
      std::lock_guard lock(shared.mutex);
      if (shared.full.empty()) return false;
      batch = std::move(shared.full.back());
      shared.full.pop_back();
    }
    for (auto& object : batch) items.push_back(std::move(object));
    batch.clear();
    std::lock_guard lock(shared.mutex);
    shared.empty.push_back(std::move(batch));
    return true;
  }

  static void spill(Batch& items, std::size_t count) noexcept {
    auto& shared = depot();
    Batch batch;
    {
      std::lock_guard lock(shared.mutex);
      if (shared.full.size() >= kMaxDepotBatches) {
        items.resize(items.size() - count);  // the depot is full: free these objects
        return;
      }
      if (!shared.empty.empty()) {
        batch = std::move(shared.empty.back());
        shared.empty.pop_back();
      }
    }
    try {
      batch.reserve(kBatch);
    } catch (...) {
      items.resize(items.size() - count);
      return;
    }
    for (std::size_t i = 0; i < count; ++i) {
      batch.push_back(std::move(items.back()));
      items.pop_back();
    }
    std::lock_guard lock(shared.mutex);
    shared.full.push_back(std::move(batch));
  }

  static inline thread_local bool cache_destroyed = false;
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
    auto block = Recycler<Block>::take();
    if (!block) block.reset(new Block);  // uninitialised storage
    return reinterpret_cast<T*>(block.release()->bytes);
  }
  void deallocate(T* pointer, std::size_t count) noexcept {
    if (count != 1) return std::allocator<T>{}.deallocate(pointer, count);
    Recycler<Block>::give(std::unique_ptr<Block>(reinterpret_cast<Block*>(pointer)));
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
