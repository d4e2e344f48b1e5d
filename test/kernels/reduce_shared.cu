// Shared-memory tree reduction ("reduction #4" of the classic CUDA samples): each thread adds two
// elements while loading, then the block halves the active range each step. Templated on the
// element type and the block size, so the entry names are mangled.
// Each block writes its partial sum; the summation order is fixed by the tree, so a reference
// that follows the same tree reproduces the result bit for bit.

template <typename T, unsigned BLOCK>
__global__ void reduce_tree(const T* __restrict__ in, T* __restrict__ partial, unsigned n)
{
    __shared__ T s[BLOCK];
    unsigned tid = threadIdx.x;
    unsigned i = blockIdx.x * (BLOCK * 2) + tid;
    T v = 0;
    if (i < n) v = in[i];
    if (i + BLOCK < n) v += in[i + BLOCK];
    s[tid] = v;
    __syncthreads();
    for (unsigned stride = BLOCK / 2; stride > 0; stride >>= 1) {
        if (tid < stride) s[tid] += s[tid + stride];
        __syncthreads();
    }
    if (tid == 0) partial[blockIdx.x] = s[0];
}

template __global__ void reduce_tree<float, 256>(const float*, float*, unsigned);
template __global__ void reduce_tree<double, 128>(const double*, double*, unsigned);
