// C++ baseline of bench/launch: the same measurements as main.ts, through the CUDA driver API.
// Built with nvcc in the benchmark's run:  nvcc -O3 -o baseline baseline.cu -lcuda
//   baseline <ptx> <launches> launch   one repetition of each launch measurement
//   baseline <ptx> <launches> copy     the copy bandwidths, medians over several repetitions
// Prints one JSON object. main.ts interleaves `launch` runs with its own repetitions, so that
// drift of the machine (clocks, other tenants) affects both sides alike.
#include "../baseline.h"
#include <string>

int main(int argc, char** argv) {
  const char* ptx = argc > 1 ? argv[1] : "kernels.ptx";
  const int launches = argc > 2 ? std::atoi(argv[2]) : 20000;
  const bool launchMode = argc > 3 && std::string(argv[3]) == "launch";
  const int reps = launchMode ? 1 : 7;
  CHECK(cuInit(0));
  CUdevice dev; CHECK(cuDeviceGet(&dev, 0));
  CUcontext ctx; CHECK(cuDevicePrimaryCtxRetain(&ctx, dev)); CHECK(cuCtxSetCurrent(ctx));
  const std::vector<char> image = read_file(ptx, true);
  CUmodule mod; CHECK(cuModuleLoadData(&mod, image.data()));
  CUfunction empty, four; CHECK(cuModuleGetFunction(&empty, mod, "empty")); CHECK(cuModuleGetFunction(&four, mod, "four_args"));
  CUstream stream; CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  const int n = 256;
  CUdeviceptr x, y; CHECK(cuMemAlloc(&x, n * 4)); CHECK(cuMemAlloc(&y, n * 4));
  CHECK(cuMemsetD32(x, 0x3f800000, n)); CHECK(cuMemsetD32(y, 0, n));
  float a = 2.0f; int nn = n;
  void* args[] = {&nn, &a, &x, &y};

  if (launchMode) {
    for (int i = 0; i < 1000; i++) CHECK(cuLaunchKernel(empty, 1, 1, 1, 32, 1, 1, 0, stream, nullptr, nullptr));
    CHECK(cuStreamSynchronize(stream));

    double empty_us = median_of(reps, [&] {
      auto t0 = Clock::now();
      for (int i = 0; i < launches; i++) CHECK(cuLaunchKernel(empty, 1, 1, 1, 32, 1, 1, 0, stream, nullptr, nullptr));
      auto t1 = Clock::now();
      CHECK(cuStreamSynchronize(stream));
      return micros(t0, t1) / launches;
    });
    double four_us = median_of(reps, [&] {
      auto t0 = Clock::now();
      for (int i = 0; i < launches; i++) CHECK(cuLaunchKernel(four, 1, 1, 1, 256, 1, 1, 0, stream, args, nullptr));
      auto t1 = Clock::now();
      CHECK(cuStreamSynchronize(stream));
      return micros(t0, t1) / launches;
    });
    const int roundtrips = launches / 10;
    double sync_us = median_of(reps, [&] {
      auto t0 = Clock::now();
      for (int i = 0; i < roundtrips; i++) {
        CHECK(cuLaunchKernel(four, 1, 1, 1, 256, 1, 1, 0, stream, args, nullptr));
        CHECK(cuStreamSynchronize(stream));
      }
      return micros(t0, Clock::now()) / roundtrips;
    });

    std::printf("{\"emptyLaunchUs\": %.4f, \"fourArgLaunchUs\": %.4f, \"launchSyncUs\": %.4f}\n", empty_us, four_us, sync_us);
    return 0;
  }
  const size_t bytes = size_t(256) << 20;
  void* host; CHECK(cuMemAllocHost(&host, bytes));
  for (size_t i = 0; i < bytes / 4; i++) static_cast<unsigned*>(host)[i] = unsigned(i * 2654435761u);
  CUdeviceptr big; CHECK(cuMemAlloc(&big, bytes));
  CUevent e0, e1; CHECK(cuEventCreate(&e0, 0)); CHECK(cuEventCreate(&e1, 0));
  auto bandwidth = [&](bool toDevice) {
    return median_of(reps, [&] {
      CHECK(cuEventRecord(e0, stream));
      if (toDevice) CHECK(cuMemcpyHtoDAsync(big, host, bytes, stream)); else CHECK(cuMemcpyDtoHAsync(host, big, bytes, stream));
      CHECK(cuEventRecord(e1, stream)); CHECK(cuEventSynchronize(e1));
      float ms; CHECK(cuEventElapsedTime(&ms, e0, e1));
      return -double(bytes) / (ms * 1e6);  // negated so that the median picks the same order as for times
    }) * -1.0;
  };
  double htod = bandwidth(true), dtoh = bandwidth(false);
  std::printf("{\"htodPinnedGBs\": %.3f, \"dtohPinnedGBs\": %.3f}\n", htod, dtoh);
  return 0;
}
