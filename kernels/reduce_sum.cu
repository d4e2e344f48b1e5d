// cudajs demo: block-wise sum of n floats. Launch with 256 threads per block and
// ceil(n / 512) blocks; block b writes the sum of in[512b .. 512b+511] to partial[b]. Run it
// again on the partial sums until one value is left.

#define BLOCK 256

extern "C" __global__ void reduce_sum(const float* __restrict__ in, float* __restrict__ partial, unsigned n)
{
    __shared__ float warp_sums[BLOCK / 32];
    unsigned i = blockIdx.x * (2 * BLOCK) + threadIdx.x;
    float v = (i < n ? in[i] : 0.0f) + (i + BLOCK < n ? in[i + BLOCK] : 0.0f);
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    unsigned lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) warp_sums[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < BLOCK / 32 ? warp_sums[lane] : 0.0f;
        for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
        if (lane == 0) partial[blockIdx.x] = v;
    }
}
