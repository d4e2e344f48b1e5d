// Warp-shuffle reductions and the shuffle family.

__inline__ __device__ float warp_sum(float v)
{
    for (int offset = 16; offset > 0; offset >>= 1)
        v += __shfl_down_sync(0xffffffffu, v, offset);
    return v;
}

// Grid-stride accumulation per thread, then a shuffle-down reduction per warp, warp totals through
// shared memory, and a second shuffle reduction in warp 0. Each block writes its sum to
// block_sums (fixed order: exactly reproducible) and adds it atomically to *total (the order of
// the atomic additions across blocks is not fixed).
extern "C" __global__ void reduce_sum_warp(const float* __restrict__ in, float* __restrict__ block_sums,
                                           float* total, int n)
{
    __shared__ float warp_totals[32];
    float v = 0.0f;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        v += in[i];
    v = warp_sum(v);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) warp_totals[warp] = v;
    __syncthreads();
    if (warp == 0) {
        int nwarps = (blockDim.x + 31) >> 5;
        v = lane < nwarps ? warp_totals[lane] : 0.0f;
        v = warp_sum(v);
        if (lane == 0) {
            block_sums[blockIdx.x] = v;
            atomicAdd(total, v);
        }
    }
}

// Every shuffle variant on int data. All 32 lanes of every warp take part (out-of-range threads
// shuffle a zero and do not store), so the full mask is legal even in the partial last block.
// out has 7 ints per element: down 3, up 5, xor 7, indexed, width-8 broadcast, butterfly max,
// butterfly sum.
extern "C" __global__ void shuffle_variants(const int* __restrict__ in, int* __restrict__ out, int n)
{
    const unsigned full = 0xffffffffu;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x & 31;
    int v = i < n ? in[i] : 0;
    int down = __shfl_down_sync(full, v, 3);
    int up = __shfl_up_sync(full, v, 5);
    int x = __shfl_xor_sync(full, v, 7);
    int idx = __shfl_sync(full, v, (lane * 7 + 3) & 31);
    int seg = __shfl_sync(full, v, 2, 8);
    int mx = v, sum = v;
    for (int m = 16; m > 0; m >>= 1) {
        mx = max(mx, __shfl_xor_sync(full, mx, m));
        sum += __shfl_xor_sync(full, sum, m);
    }
    if (i < n) {
        int* o = out + 7 * i;
        o[0] = down; o[1] = up; o[2] = x; o[3] = idx; o[4] = seg; o[5] = mx; o[6] = sum;
    }
}
