// C++ baseline of bench/collectives, built with nvcc in the benchmark's run:
//   nvcc -O3 -o baseline baseline.cu -lcuda -l:libnccl.so.2   (main.ts passes the paths it found)
//
//   baseline allreduce <ngpus> <iters> <warmup> <bytes>...
//       out-of-place ncclAllReduce (float32, sum) over GPUs 0 … ngpus−1 of this process, one
//       communicator per GPU (ncclCommInitAll), each iteration one group of ngpus calls; per
//       size: host time of <iters> iterations after <warmup>, ending with every stream
//       synchronized (nccl-tests' method), divided by <iters>.
//   baseline peer <iters> <bytes>...
//       cuMemcpyPeerAsync from GPU 0 to GPU 1 (peer access enabled where possible), timed the same way.
// Prints one JSON object: {"<bytes>": microseconds per iteration, ...}.
//
// NVLink multicast stays off: main.ts runs this with NCCL_NVLS_ENABLE=0 unless the user set it.
#include "../baseline.h"
#include <nccl.h>
#include <cstring>
#include <string>

#define NC(call) do { ncclResult_t r = (call); if (r != ncclSuccess) { \
  std::fprintf(stderr, "%s failed: %s\n", #call, ncclGetErrorString(r)); std::exit(1); } } while (0)

static void printResults(const std::vector<size_t>& sizes, const std::vector<double>& us) {
  std::printf("{");
  for (size_t i = 0; i < sizes.size(); i++) std::printf("%s\"%zu\": %.4f", i ? ", " : "", sizes[i], us[i]);
  std::printf("}\n");
}

static int allreduce(int ngpus, int iters, int warmup, const std::vector<size_t>& sizes) {
  size_t most = 0;
  for (size_t s : sizes) most = s > most ? s : most;
  std::vector<CUcontext> ctx(ngpus);
  std::vector<CUstream> stream(ngpus);
  std::vector<CUdeviceptr> send(ngpus), recv(ngpus);
  std::vector<int> devs(ngpus);
  for (int g = 0; g < ngpus; g++) {
    CUdevice dev; CHECK(cuDeviceGet(&dev, g)); devs[g] = g;
    CHECK(cuDevicePrimaryCtxRetain(&ctx[g], dev)); CHECK(cuCtxSetCurrent(ctx[g]));
    CHECK(cuStreamCreate(&stream[g], CU_STREAM_NON_BLOCKING));
    CHECK(cuMemAlloc(&send[g], most)); CHECK(cuMemAlloc(&recv[g], most));
    CHECK(cuMemsetD32(send[g], 0x3f800000, most / 4));
  }
  std::vector<ncclComm_t> comms(ngpus);
  NC(ncclCommInitAll(comms.data(), ngpus, devs.data()));
  std::vector<double> us;
  for (size_t bytes : sizes) {
    size_t count = bytes / 4;
    auto round = [&]() {
      NC(ncclGroupStart());
      for (int g = 0; g < ngpus; g++) {
        CHECK(cuCtxSetCurrent(ctx[g]));
        NC(ncclAllReduce((void*)send[g], (void*)recv[g], count, ncclFloat32, ncclSum, comms[g], (cudaStream_t)stream[g]));
      }
      NC(ncclGroupEnd());
    };
    auto sync = [&]() { for (int g = 0; g < ngpus; g++) CHECK(cuStreamSynchronize(stream[g])); };
    for (int i = 0; i < warmup; i++) round();
    sync();
    auto t0 = Clock::now();
    for (int i = 0; i < iters; i++) round();
    sync();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / iters);
  }
  for (int g = 0; g < ngpus; g++) NC(ncclCommDestroy(comms[g]));
  printResults(sizes, us);
  return 0;
}

static int peer(int iters, const std::vector<size_t>& sizes) {
  size_t most = 0;
  for (size_t s : sizes) most = s > most ? s : most;
  CUdevice d0, d1; CHECK(cuDeviceGet(&d0, 0)); CHECK(cuDeviceGet(&d1, 1));
  CUcontext c0, c1; CHECK(cuDevicePrimaryCtxRetain(&c0, d0)); CHECK(cuDevicePrimaryCtxRetain(&c1, d1));
  int can = 0; CHECK(cuDeviceCanAccessPeer(&can, d1, d0));
  CUdeviceptr src, dst; CUstream stream;
  CHECK(cuCtxSetCurrent(c0)); CHECK(cuMemAlloc(&src, most));
  CHECK(cuCtxSetCurrent(c1)); CHECK(cuMemAlloc(&dst, most));
  if (can) CHECK(cuCtxEnablePeerAccess(c0, 0));
  CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  std::vector<double> us;
  for (size_t bytes : sizes) {
    for (int i = 0; i < 3; i++) CHECK(cuMemcpyPeerAsync(dst, c1, src, c0, bytes, stream));
    CHECK(cuStreamSynchronize(stream));
    auto t0 = Clock::now();
    for (int i = 0; i < iters; i++) CHECK(cuMemcpyPeerAsync(dst, c1, src, c0, bytes, stream));
    CHECK(cuStreamSynchronize(stream));
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / iters);
  }
  printResults(sizes, us);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3) { std::fprintf(stderr, "usage: baseline allreduce <ngpus> <iters> <warmup> <bytes>... | peer <iters> <bytes>...\n"); return 2; }
  CHECK(cuInit(0));
  std::string mode = argv[1];
  if (mode == "allreduce" && argc >= 5) {
    std::vector<size_t> sizes;
    for (int i = 5; i < argc; i++) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
    return allreduce(std::atoi(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]), sizes);
  }
  if (mode == "peer") {
    std::vector<size_t> sizes;
    for (int i = 3; i < argc; i++) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
    return peer(std::atoi(argv[2]), sizes);
  }
  std::fprintf(stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
