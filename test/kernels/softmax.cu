// Row-wise softmax, one block per row: block max and block sum through shared-memory tree
// reductions. softmax_rows uses expf and a true division; softmax_rows_fast uses the __expf
// and __fdividef intrinsics. This file is also compiled with -use_fast_math (softmax.fastmath.ptx),
// where expf itself becomes ex2.approx.

#define BLOCK 128

__device__ __forceinline__ float block_reduce_max(float v, float* s)
{
    s[threadIdx.x] = v;
    __syncthreads();
    for (int stride = BLOCK / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) s[threadIdx.x] = fmaxf(s[threadIdx.x], s[threadIdx.x + stride]);
        __syncthreads();
    }
    float r = s[0];
    __syncthreads();
    return r;
}

__device__ __forceinline__ float block_reduce_sum(float v, float* s)
{
    s[threadIdx.x] = v;
    __syncthreads();
    for (int stride = BLOCK / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) s[threadIdx.x] += s[threadIdx.x + stride];
        __syncthreads();
    }
    float r = s[0];
    __syncthreads();
    return r;
}

extern "C" __global__ void softmax_rows(const float* __restrict__ x, float* __restrict__ y, int cols)
{
    __shared__ float s[BLOCK];
    const float* row = x + (size_t)blockIdx.x * cols;
    float* out = y + (size_t)blockIdx.x * cols;
    float m = -INFINITY;
    for (int c = threadIdx.x; c < cols; c += BLOCK) m = fmaxf(m, row[c]);
    m = block_reduce_max(m, s);
    float sum = 0.0f;
    for (int c = threadIdx.x; c < cols; c += BLOCK) sum += expf(row[c] - m);
    sum = block_reduce_sum(sum, s);
    for (int c = threadIdx.x; c < cols; c += BLOCK) out[c] = expf(row[c] - m) / sum;
}

extern "C" __global__ void softmax_rows_fast(const float* __restrict__ x, float* __restrict__ y, int cols)
{
    __shared__ float s[BLOCK];
    const float* row = x + (size_t)blockIdx.x * cols;
    float* out = y + (size_t)blockIdx.x * cols;
    float m = -INFINITY;
    for (int c = threadIdx.x; c < cols; c += BLOCK) m = fmaxf(m, row[c]);
    m = block_reduce_max(m, s);
    float sum = 0.0f;
    for (int c = threadIdx.x; c < cols; c += BLOCK) sum += __expf(row[c] - m);
    sum = block_reduce_sum(sum, s);
    float inv = __fdividef(1.0f, sum);
    for (int c = threadIdx.x; c < cols; c += BLOCK) out[c] = __expf(row[c] - m) * inv;
}
