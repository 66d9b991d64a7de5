// Global operator new/delete that count allocations (relaxed atomic increment) and forward to
// malloc/free. Linked only into the benchmark binary.
#include "counting_allocator.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace kafkatrace::bench {
namespace {
std::atomic<std::uint64_t> allocations{0};

void* allocate(std::size_t size, std::size_t alignment) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  void* pointer = nullptr;
  if (alignment <= alignof(std::max_align_t)) {
    pointer = std::malloc(size);
  } else if (posix_memalign(&pointer, alignment, size) != 0) {
    pointer = nullptr;
  }
  if (pointer == nullptr) throw std::bad_alloc();
  return pointer;
}
}  // namespace

std::uint64_t allocation_count() noexcept {
  return allocations.load(std::memory_order_relaxed);
}

}  // namespace kafkatrace::bench

void* operator new(std::size_t size) {
  return kafkatrace::bench::allocate(size, 0);
}
void* operator new[](std::size_t size) {
  return kafkatrace::bench::allocate(size, 0);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return kafkatrace::bench::allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return kafkatrace::bench::allocate(size, static_cast<std::size_t>(alignment));
}
void operator delete(void* pointer) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer) noexcept {
  std::free(pointer);
}
void operator delete(void* pointer, std::size_t) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer, std::size_t) noexcept {
  std::free(pointer);
}
void operator delete(void* pointer, std::align_val_t) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer, std::align_val_t) noexcept {
  std::free(pointer);
}
void operator delete(void* pointer, std::size_t, std::align_val_t) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer, std::size_t, std::align_val_t) noexcept {
  std::free(pointer);
}
