// Module-scope variables: an initialized __constant__ table, a __constant__ array and a __device__
// scalar that the host writes through cuModuleGetGlobal before the launch, an initialized
// __device__ table, and a __device__ counter the host reads back afterwards.

__constant__ float c_poly[4] = {1.0f, -0.5f, 0.25f, 0.125f};   // c0 + c1 x + c2 x^2 + c3 x^3
__constant__ float c_weights[8];                                 // written by the host
__device__ float d_scale;                                        // written by the host
__device__ int d_offsets[8] = {0, 3, -3, 7, -7, 11, -11, 100};
__device__ unsigned int d_counter;                               // read back by the host

// y[i] = d_scale * poly(x[i]) * c_weights[i % 8] + d_offsets[i % 8]
extern "C" __global__ void globals_poly(const float* __restrict__ x, float* __restrict__ y, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float v = x[i];
    float p = __fmaf_rn(__fmaf_rn(__fmaf_rn(c_poly[3], v, c_poly[2]), v, c_poly[1]), v, c_poly[0]);
    float w = __fmul_rn(__fmul_rn(d_scale, p), c_weights[i & 7]);
    y[i] = __fadd_rn(w, (float)d_offsets[i & 7]);
    if (v > 0.0f) atomicAdd(&d_counter, 1u);
}
