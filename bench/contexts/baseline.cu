// C++ baseline of bench/contexts: the same context operations as main.ts, through the CUDA driver
// API. Built with nvcc in the benchmark's run:  nvcc -O3 -o baseline baseline.cu <libcuda.so.1>
//   baseline <kernels.ptx> <kernels.cubin> <iterations> <fresh contexts>
// Prints one JSON object: medians over several repetitions.
#include "../baseline.h"
#include <string>

int main(int argc, char** argv) {
  if (argc < 5) { std::fprintf(stderr, "usage: baseline kernels.ptx kernels.cubin iterations contexts\n"); return 2; }
  const std::vector<char> ptx = read_file(argv[1], true);
  const std::vector<char> cubin = read_file(argv[2], false);
  const int iterations = std::atoi(argv[3]);
  const int fresh = std::atoi(argv[4]);
  const int reps = 7;
  CHECK(cuInit(0));
  CUdevice dev; CHECK(cuDeviceGet(&dev, 0));
  CUcontext primary; CHECK(cuDevicePrimaryCtxRetain(&primary, dev)); CHECK(cuCtxSetCurrent(primary));
  CUcontext a, b;
  CHECK(cuCtxCreate(&a, nullptr, 0, dev)); CHECK(cuCtxPopCurrent(nullptr));
  CHECK(cuCtxCreate(&b, nullptr, 0, dev)); CHECK(cuCtxPopCurrent(nullptr));

  // Push and pop of a created context.
  double push_pop_us = median_of(reps, [&] {
    auto t0 = Clock::now();
    for (int i = 0; i < iterations; i++) { CHECK(cuCtxPushCurrent(a)); CHECK(cuCtxPopCurrent(nullptr)); }
    return micros(t0, Clock::now()) / iterations;
  });

  // Launches of an empty kernel: all in one context, or alternating between two contexts with a
  // push and a pop around each (what switching between two dedicated scopes costs).
  CUmodule ma, mb; CUfunction fa, fb;
  CHECK(cuCtxPushCurrent(a)); CHECK(cuModuleLoadData(&ma, ptx.data())); CHECK(cuModuleGetFunction(&fa, ma, "empty")); CHECK(cuCtxPopCurrent(nullptr));
  CHECK(cuCtxPushCurrent(b)); CHECK(cuModuleLoadData(&mb, ptx.data())); CHECK(cuModuleGetFunction(&fb, mb, "empty")); CHECK(cuCtxPopCurrent(nullptr));
  double same_context_us = median_of(reps, [&] {
    CHECK(cuCtxPushCurrent(a));
    auto t0 = Clock::now();
    for (int i = 0; i < iterations; i++) CHECK(cuLaunchKernel(fa, 1, 1, 1, 32, 1, 1, 0, nullptr, nullptr, nullptr));
    auto t1 = Clock::now();
    CHECK(cuCtxSynchronize()); CHECK(cuCtxPopCurrent(nullptr));
    return micros(t0, t1) / iterations;
  });
  double alternating_us = median_of(reps, [&] {
    auto t0 = Clock::now();
    for (int i = 0; i < iterations; i++) {
      CHECK(cuCtxPushCurrent(i % 2 ? b : a));
      CHECK(cuLaunchKernel(i % 2 ? fb : fa, 1, 1, 1, 32, 1, 1, 0, nullptr, nullptr, nullptr));
      CHECK(cuCtxPopCurrent(nullptr));
    }
    auto t1 = Clock::now();
    CHECK(cuCtxPushCurrent(a)); CHECK(cuCtxSynchronize()); CHECK(cuCtxPopCurrent(nullptr));
    CHECK(cuCtxPushCurrent(b)); CHECK(cuCtxSynchronize()); CHECK(cuCtxPopCurrent(nullptr));
    return micros(t0, t1) / iterations;
  });

  // A fresh context: create it, load the module (PTX: JIT; cubin: none), launch once and wait.
  auto first_launch_ms = [&](const std::vector<char>& image, std::vector<double>* create_ms, std::vector<double>* destroy_ms) {
    std::vector<double> v;
    for (int r = 0; r < fresh; r++) {
      auto t0 = Clock::now();
      CUcontext c; CHECK(cuCtxCreate(&c, nullptr, 0, dev));
      auto t1 = Clock::now();
      CUmodule m; CUfunction f; CUdeviceptr out; int n = 1024;
      CHECK(cuModuleLoadData(&m, image.data())); CHECK(cuModuleGetFunction(&f, m, "iota"));
      CHECK(cuMemAlloc(&out, n * 4));
      void* args[] = {&n, &out};
      CHECK(cuLaunchKernel(f, 4, 1, 1, 256, 1, 1, 0, nullptr, args, nullptr)); CHECK(cuCtxSynchronize());
      auto t2 = Clock::now();
      CHECK(cuCtxDestroy(c));
      auto t3 = Clock::now();
      v.push_back(micros(t1, t2) / 1000);
      if (create_ms) create_ms->push_back(micros(t0, t1) / 1000);
      if (destroy_ms) destroy_ms->push_back(micros(t2, t3) / 1000);
    }
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> create_ms, destroy_ms;
  double first_ptx_ms = first_launch_ms(ptx, &create_ms, &destroy_ms);
  double first_cubin_ms = first_launch_ms(cubin, nullptr, nullptr);
  std::sort(create_ms.begin(), create_ms.end()); std::sort(destroy_ms.begin(), destroy_ms.end());

  std::printf("{\"pushPopUs\": %.4f, \"sameContextLaunchUs\": %.4f, \"alternatingLaunchUs\": %.4f, "
              "\"contextCreateMs\": %.3f, \"contextDestroyMs\": %.3f, \"firstLaunchPtxMs\": %.3f, \"firstLaunchCubinMs\": %.3f}\n",
              push_pop_us, same_context_us, alternating_us, create_ms[create_ms.size() / 2], destroy_ms[destroy_ms.size() / 2],
              first_ptx_ms, first_cubin_ms);
  CHECK(cuCtxDestroy(a)); CHECK(cuCtxDestroy(b));
  CHECK(cuDevicePrimaryCtxRelease(dev));
  return 0;
}
