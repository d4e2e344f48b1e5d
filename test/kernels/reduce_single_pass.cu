// Single-pass reduction with __threadfence and a retirement counter (the threadFenceReduction
// CUDA sample): every block writes its partial sum, makes it visible device-wide, and takes a
// ticket; the last block to finish sums the partials in block order and resets the counter
// (atomicInc wraps it back to 0).

#define BLOCK 128

__device__ unsigned int retirement_count = 0;

extern "C" __global__ void reduce_single_pass(const float* __restrict__ in, volatile float* partial,
                                              float* result, unsigned n)
{
    __shared__ float s[BLOCK];
    __shared__ bool is_last;
    unsigned tid = threadIdx.x;
    unsigned i = blockIdx.x * BLOCK + tid;
    s[tid] = i < n ? in[i] : 0.0f;
    __syncthreads();
    for (unsigned stride = BLOCK / 2; stride > 0; stride >>= 1) {
        if (tid < stride) s[tid] += s[tid + stride];
        __syncthreads();
    }
    if (tid == 0) {
        partial[blockIdx.x] = s[0];
        __threadfence();
        unsigned ticket = atomicInc(&retirement_count, gridDim.x - 1);
        is_last = ticket == gridDim.x - 1;
    }
    __syncthreads();
    if (is_last && tid == 0) {
        float total = 0.0f;
        for (unsigned b = 0; b < gridDim.x; ++b) total += partial[b];
        *result = total;
    }
}
