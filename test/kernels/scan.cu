// Block-level prefix sums (each block scans its own segment and reports the segment total):
// Hillis-Steele inclusive scan with double buffering, Blelloch work-efficient exclusive scan with
// two elements per thread and bank-conflict-free padding, and a warp-shuffle inclusive scan.

#define HS_BLOCK 256

extern "C" __global__ void scan_inclusive_hs_i32(const int* __restrict__ in, int* __restrict__ out,
                                                 int* __restrict__ block_totals, int n)
{
    __shared__ int buf[2][HS_BLOCK];
    int tid = threadIdx.x;
    int i = blockIdx.x * HS_BLOCK + tid;
    int cur = 0;
    buf[cur][tid] = i < n ? in[i] : 0;
    __syncthreads();
    for (int offset = 1; offset < HS_BLOCK; offset <<= 1) {
        int v = buf[cur][tid];
        if (tid >= offset) v += buf[cur][tid - offset];
        buf[cur ^ 1][tid] = v;
        cur ^= 1;
        __syncthreads();
    }
    if (i < n) out[i] = buf[cur][tid];
    if (tid == HS_BLOCK - 1) block_totals[blockIdx.x] = buf[cur][tid];
}

#define BL_THREADS 128
#define BL_N (2 * BL_THREADS)
#define LOG_NUM_BANKS 5
#define CONFLICT_FREE(i) ((i) + ((i) >> LOG_NUM_BANKS))

extern "C" __global__ void scan_exclusive_blelloch_u32(const unsigned* __restrict__ in, unsigned* __restrict__ out,
                                                       unsigned* __restrict__ block_totals, int n)
{
    __shared__ unsigned temp[CONFLICT_FREE(BL_N)];
    int tid = threadIdx.x;
    int base = blockIdx.x * BL_N;
    int ai = tid, bi = tid + BL_THREADS;
    temp[CONFLICT_FREE(ai)] = base + ai < n ? in[base + ai] : 0u;
    temp[CONFLICT_FREE(bi)] = base + bi < n ? in[base + bi] : 0u;
    int offset = 1;
    for (int d = BL_N >> 1; d > 0; d >>= 1) {          // up-sweep
        __syncthreads();
        if (tid < d) {
            int a = offset * (2 * tid + 1) - 1, b = offset * (2 * tid + 2) - 1;
            temp[CONFLICT_FREE(b)] += temp[CONFLICT_FREE(a)];
        }
        offset <<= 1;
    }
    if (tid == 0) {
        block_totals[blockIdx.x] = temp[CONFLICT_FREE(BL_N - 1)];
        temp[CONFLICT_FREE(BL_N - 1)] = 0;
    }
    for (int d = 1; d < BL_N; d <<= 1) {              // down-sweep
        offset >>= 1;
        __syncthreads();
        if (tid < d) {
            int a = offset * (2 * tid + 1) - 1, b = offset * (2 * tid + 2) - 1;
            unsigned t = temp[CONFLICT_FREE(a)];
            temp[CONFLICT_FREE(a)] = temp[CONFLICT_FREE(b)];
            temp[CONFLICT_FREE(b)] += t;
        }
    }
    __syncthreads();
    if (base + ai < n) out[base + ai] = temp[CONFLICT_FREE(ai)];
    if (base + bi < n) out[base + bi] = temp[CONFLICT_FREE(bi)];
}

// Inclusive scan of floats inside a block: shuffle-up scan per warp, warp totals scanned by warp 0,
// then added back. The order of additions is fixed by the algorithm.
extern "C" __global__ void scan_inclusive_warp_f32(const float* __restrict__ in, float* __restrict__ out, int n)
{
    __shared__ float warp_sums[32];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    float v = i < n ? in[i] : 0.0f;
    for (int d = 1; d < 32; d <<= 1) {
        float t = __shfl_up_sync(0xffffffffu, v, d);
        if (lane >= d) v += t;
    }
    if (lane == 31) warp_sums[warp] = v;
    __syncthreads();
    if (warp == 0) {
        int nwarps = blockDim.x >> 5;
        float w = lane < nwarps ? warp_sums[lane] : 0.0f;
        for (int d = 1; d < 32; d <<= 1) {
            float t = __shfl_up_sync(0xffffffffu, w, d);
            if (lane >= d) w += t;
        }
        warp_sums[lane] = w;
    }
    __syncthreads();
    if (warp > 0) v += warp_sums[warp - 1];
    if (i < n) out[i] = v;
}
