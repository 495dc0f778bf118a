// HugePageAllocator: an allocator for large arrays read or written at
// random places (the bulk loader's id map, its adjacency runs). Arrays of
// 2 MiB or more are aligned to 2 MiB and the kernel is asked to back them
// with huge pages where it can (transparent huge pages in madvise mode),
// so that a random access rarely misses the TLB and filling the array
// takes one page fault per 2 MiB instead of one per 4 KiB. Smaller arrays,
// and systems without the advice, get ordinary memory.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace kg::graph {

template <class T>
class HugePageAllocator {
 public:
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes >= kHuge) {
      size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
      if (void* p = std::aligned_alloc(kHuge, rounded)) {
#ifdef MADV_HUGEPAGE
        (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
        return static_cast<T*>(p);
      }
      throw std::bad_alloc();
    }
    return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) >= kHuge) std::free(p);
    else ::operator delete(p, std::align_val_t{alignof(T)});
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }

 private:
  static constexpr size_t kHuge = size_t{2} << 20;
};

}  // namespace kg::graph
