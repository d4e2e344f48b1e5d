// Layer normalization over the last dimension, one warp per row: two-pass mean and variance with
// warp-shuffle all-reductions, rsqrtf, then per-column gain and bias. Also writes each row's mean
// and reciprocal standard deviation (as a training kernel would, for the backward pass).

__device__ __forceinline__ float warp_allreduce_sum(float v)
{
    for (int m = 16; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    return v;
}

extern "C" __global__ void layernorm_rows(const float* __restrict__ x, const float* __restrict__ gamma,
                                          const float* __restrict__ beta, float* __restrict__ y,
                                          float* __restrict__ mean_out, float* __restrict__ rstd_out,
                                          int rows, int cols, float eps)
{
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (row >= rows) return;            // whole warps leave together
    const float* xr = x + (size_t)row * cols;
    float s = 0.0f;
    for (int c = lane; c < cols; c += 32) s += xr[c];
    float mean = warp_allreduce_sum(s) / cols;
    float sq = 0.0f;
    for (int c = lane; c < cols; c += 32) { float d = xr[c] - mean; sq += d * d; }
    float var = warp_allreduce_sum(sq) / cols;
    float rstd = rsqrtf(var + eps);
    float* yr = y + (size_t)row * cols;
    for (int c = lane; c < cols; c += 32) yr[c] = (xr[c] - mean) * rstd * gamma[c] + beta[c];
    if (lane == 0) { mean_out[row] = mean; rstd_out[row] = rstd; }
}
