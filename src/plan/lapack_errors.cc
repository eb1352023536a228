// SPDX-License-Identifier: Apache-2.0
// LAPACK's error handler, XERBLA, for the LAPACK and BLAS that CoinUtils calls (linked from their
// static archives, docs/decisions/0022-modules.md). The archives' own XERBLA reports through the
// Fortran runtime, and was the only reason every moat process loaded libgfortran and
// libquadmath; this one, linked before the archives are searched (-Wl,--undefined=xerbla_ in
// CMakeLists.txt), writes the same message with C's stdio. LAPACK calls it only for an argument
// that is out of range: a fault of the caller, so moat stops as for any internal fault.
#include <cstddef>
#include <cstdio>
#include <cstdlib>

// XERBLA(SRNAME, INFO) as gfortran passes it: the routine's name (not NUL-terminated), the number
// of the argument at fault, then the name's length.
extern "C" void xerbla_(const char* name, const int* info, std::size_t name_length) {
  std::fprintf(stderr, "moat: internal error: LAPACK's %.*s was given an invalid argument number %d\n",
               static_cast<int>(name_length), name, *info);
  std::_Exit(2);
}
