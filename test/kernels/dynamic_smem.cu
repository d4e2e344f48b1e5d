// Dynamic shared memory (extern __shared__, size given at launch).

// Reverses each block's segment through a dynamically sized shared array (blockDim.x ints).
extern "C" __global__ void reverse_segments(const int* __restrict__ in, int* __restrict__ out, int n)
{
    extern __shared__ int s[];
    int t = threadIdx.x;
    int i = blockIdx.x * blockDim.x + t;
    s[t] = i < n ? in[i] : -1;
    __syncthreads();
    int r = blockDim.x - 1 - t;
    int j = blockIdx.x * blockDim.x + r;
    if (j < n) out[j] = s[t];
}

// Two arrays carved out of one dynamic allocation: blockDim.x floats followed by blockDim.x ints.
// out[i] = x[i] * (number of elements in the block whose key equals key[i]).
extern "C" __global__ void dynamic_two_arrays(const float* __restrict__ x, const int* __restrict__ key,
                                              float* __restrict__ out, int n)
{
    extern __shared__ unsigned char raw[];
    float* xs = reinterpret_cast<float*>(raw);
    int* ks = reinterpret_cast<int*>(xs + blockDim.x);
    int t = threadIdx.x;
    int i = blockIdx.x * blockDim.x + t;
    xs[t] = i < n ? x[i] : 0.0f;
    ks[t] = i < n ? key[i] : -1;
    __syncthreads();
    if (i >= n) return;
    int count = 0;
    for (int j = 0; j < (int)blockDim.x; ++j) count += ks[j] == ks[t];
    out[i] = xs[t] * (float)count;
}
