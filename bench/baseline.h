// Shared pieces of the C++ baselines (bench/*/baseline.cu): error checking, timing, statistics,
// file reading. Header-only; each baseline is built with nvcc in its benchmark's run.
#pragma once
#include <cuda.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

// Exits with the CUresult's name when a driver call fails.
#define CHECK(call) do { CUresult r_ = (call); if (r_ != CUDA_SUCCESS) { const char* s_; cuGetErrorName(r_, &s_); \
  std::fprintf(stderr, "%s failed: %s\n", #call, s_); std::exit(1); } } while (0)

using Clock = std::chrono::steady_clock;

// Microseconds from a to b.
static inline double micros(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::micro>(b - a).count(); }

// The median of reps calls of f.
template <class F> static double median_of(int reps, F f) {
  std::vector<double> v;
  for (int r = 0; r < reps; r++) v.push_back(f());
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The bytes of a file; with text, NUL-terminated (for PTX).
static inline std::vector<char> read_file(const char* path, bool text) {
  FILE* f = std::fopen(path, "rb");
  if (!f) { std::perror(path); std::exit(1); }
  std::vector<char> image; char buf[4096]; size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) image.insert(image.end(), buf, buf + got);
  std::fclose(f);
  if (text) image.push_back(0);
  return image;
}
