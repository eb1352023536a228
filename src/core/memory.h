// SPDX-License-Identifier: Apache-2.0
// The allocator's settings for a process that reads design files of many megabytes: their
// buffers come from the heap, and memory freed by one step is kept for the next, rather than
// mapped fresh and handed back each time (faulting the pages in again costs more than the work
// done on them: a trace of a 1.4 MB Gerber layer spent nine tenths of its time so).
#pragma once

#include <cstddef>

namespace moat {

// Call once, first thing in main (moat and its benchmarks). Returns false when the C library
// refused a setting (the process then runs with its defaults).
bool keep_freed_memory();

// For a process about to fill a heap of many megabytes with small blocks (the planner reading
// and compiling an instance of a hundred thousand quotes): grows the heap by `bytes` at once and
// asks the kernel for huge pages under what it added, so that it is faulted in 2 MiB at a time
// rather than 4 KiB (on a virtual machine each fault cost 22 µs: a third of reading and
// compiling an XL instance). Later growths of the heap go by `bytes` too, on ordinary pages.
// Only address space is taken: memory comes as it is written, a huge page at a time. Returns
// false, changing nothing the process can see, where the heap could not grow or transparent huge
// pages are off (the heap then grows on ordinary pages, as before). Call it from the main thread
// (other threads allocate from arenas of their own), after keep_freed_memory().
bool heap_on_huge_pages(std::size_t bytes);

}  // namespace moat
