// Kernels of the context benchmark (bench/contexts), compiled to kernels.ptx (committed; regenerate
// with tools/compile-runtime-fixtures.sh) and, in the benchmark's run, to a cubin. The C++ baseline
// and cudajs load the same images.
extern "C" __global__ void empty() {}

// out[i] = i: a kernel that does something, so that a first launch in a new context does too.
extern "C" __global__ void iota(int n, int* out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i;
}
