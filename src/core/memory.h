// SPDX-License-Identifier: Apache-2.0
// The allocator's settings for a process that reads design files of many megabytes: their
// buffers come from the heap, and memory freed by one step is kept for the next, rather than
// mapped fresh and handed back each time (faulting the pages in again costs more than the work
// done on them: a trace of a 1.4 MB Gerber layer spent nine tenths of its time so).
#pragma once

namespace moat {

// Call once, first thing in main (moat and its benchmarks). Returns false when the C library
// refused a setting (the process then runs with its defaults).
bool keep_freed_memory();

}  // namespace moat
