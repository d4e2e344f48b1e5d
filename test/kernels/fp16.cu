// Half precision (cuda_fp16.h): conversions from float and double with round-to-nearest-even
// and round-toward-zero, back to float, half2 packing, half2 arithmetic (add, mul, fma, neg, abs,
// min, max, comparison) and an atomicAdd on __half2.
#include <cuda_fp16.h>

// h_rn = __float2half_rn(x), h_rz = __float2half_rz(x), back = __half2float(h_rn),
// h_d = __double2half(d)
extern "C" __global__ void half_convert(const float* __restrict__ x, const double* __restrict__ d,
                                        __half* __restrict__ h_rn, __half* __restrict__ h_rz,
                                        float* __restrict__ back, __half* __restrict__ h_d, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __half h = __float2half_rn(x[i]);
    h_rn[i] = h;
    h_rz[i] = __float2half_rz(x[i]);
    back[i] = __half2float(h);
    h_d[i] = __double2half(d[i]);
}

// One __half2 per thread. out has 7 __half2 per element: a+b, a*b, fma(a,b,c), -a, |a|, min, max;
// cmp gets the __hgt2 mask (1.0 or 0.0 per half) and lo/hi are the halves of a*b as floats.
extern "C" __global__ void half2_arith(const __half2* __restrict__ a, const __half2* __restrict__ b,
                                       const __half2* __restrict__ c, __half2* __restrict__ out,
                                       __half2* __restrict__ cmp, float2* __restrict__ lohi, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __half2 x = a[i], y = b[i], z = c[i];
    __half2* o = out + 7 * i;
    o[0] = __hadd2(x, y);
    o[1] = __hmul2(x, y);
    o[2] = __hfma2(x, y, z);
    o[3] = __hneg2(x);
    o[4] = __habs2(x);
    o[5] = __hmin2(x, y);
    o[6] = __hmax2(x, y);
    cmp[i] = __hgt2(x, y);
    lohi[i] = make_float2(__low2float(o[1]), __high2float(o[1]));
}

// Accumulates small integers packed as __half2 with atomicAdd; every partial sum is an integer
// below 2048, exactly representable, so the result does not depend on the order.
extern "C" __global__ void half2_atomic_add(const __half2* __restrict__ v, __half2* acc, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(acc, v[i]);
}
