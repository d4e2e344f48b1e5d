// Bitonic sort of (key, value) pairs in shared memory: each block sorts one segment of 1024
// elements ascending by key with 512 threads (two elements per thread). The last segment is
// padded with +infinity keys, which sort to the end and are not written back.

#define SEG 1024

extern "C" __global__ void bitonic_sort_kv(const float* __restrict__ keys_in, const int* __restrict__ vals_in,
                                           float* __restrict__ keys_out, int* __restrict__ vals_out, int n)
{
    __shared__ float k[SEG];
    __shared__ int v[SEG];
    int base = blockIdx.x * SEG;
    for (int t = threadIdx.x; t < SEG; t += blockDim.x) {
        bool ok = base + t < n;
        k[t] = ok ? keys_in[base + t] : __int_as_float(0x7f800000);
        v[t] = ok ? vals_in[base + t] : -1;
    }
    __syncthreads();
    for (int size = 2; size <= SEG; size <<= 1) {
        for (int stride = size >> 1; stride > 0; stride >>= 1) {
            for (int t = threadIdx.x; t < SEG / 2; t += blockDim.x) {
                int lo = 2 * t - (t & (stride - 1));   // index of the lower element of the pair
                int hi = lo + stride;
                bool ascending = (lo & size) == 0;
                float ka = k[lo], kb = k[hi];
                if ((ka > kb) == ascending) {
                    k[lo] = kb; k[hi] = ka;
                    int tmp = v[lo]; v[lo] = v[hi]; v[hi] = tmp;
                }
            }
            __syncthreads();
        }
    }
    for (int t = threadIdx.x; t < SEG; t += blockDim.x)
        if (base + t < n) { keys_out[base + t] = k[t]; vals_out[base + t] = v[t]; }
}
