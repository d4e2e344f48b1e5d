// Kernels of the plug-in example (examples/plugins): one small filter over 8-bit pixel values
// (held in ints) per plug-in. Integer arithmetic, so that the CPU can check every result exactly.
// Regenerate the PTX with tools/compile-runtime-fixtures.sh.

// Plug-in "levels": out[i] = min(255, in[i] * gain / 256 + bias).
extern "C" __global__ void levels(int n, int gain, int bias, const int* in, int* out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = min(255, in[i] * gain / 256 + bias);
}

// Plug-in "smooth": a 3-tap filter whose integer weights live in device memory; edges clamped.
extern "C" __global__ void smooth(int n, const int* weights, const int* in, int* out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  int left = in[i > 0 ? i - 1 : 0];
  int right = in[i < n - 1 ? i + 1 : n - 1];
  out[i] = (weights[0] * left + weights[1] * in[i] + weights[2] * right) / (weights[0] + weights[1] + weights[2]);
}

// Plug-in "histogram": counts pixel values 0..255 into `bins` equal bins.
extern "C" __global__ void histogram(int n, int bins, const int* in, unsigned* counts) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) atomicAdd(&counts[in[i] * bins / 256], 1u);
}
