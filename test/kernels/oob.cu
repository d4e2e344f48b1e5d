// Deliberately faulty kernels for memory-checking tests.

// Writes out[i + offset] for i < n; with offset > 0 the last threads write past the allocation.
// A small overrun stays inside the GPU's allocation granularity and is only caught by
// compute-sanitizer (or the emulated device's bounds checks).
extern "C" __global__ void oob_write(float* __restrict__ out, int n, int offset)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i + offset] = (float)i;
}

// Reads far beyond the allocation (offset in elements, e.g. 2^36): unmapped on every backend.
extern "C" __global__ void oob_read_far(const float* __restrict__ in, float* __restrict__ out, long long offset)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    out[i] = in[offset + i];
}

// Writes through a pointer passed by the host (null in the test).
extern "C" __global__ void write_through(int* p, int value)
{
    p[threadIdx.x] = value;
}

// Reads a float from base + byte_offset; an offset that is not a multiple of 4 is a misaligned access.
extern "C" __global__ void misaligned_read(const unsigned char* __restrict__ base, int byte_offset,
                                           float* __restrict__ out)
{
    out[threadIdx.x] = *reinterpret_cast<const float*>(base + byte_offset + 4 * threadIdx.x);
}
