// bfloat16 (cuda_bf16.h): conversions from float (nearest-even and toward zero) and double, back to
// float, and __nv_bfloat162 arithmetic (add, mul, fma, min, max), which sm_90 executes natively.
#include <cuda_bf16.h>

extern "C" __global__ void bf16_convert(const float* __restrict__ x, const double* __restrict__ d,
                                        __nv_bfloat16* __restrict__ b_rn, __nv_bfloat16* __restrict__ b_rz,
                                        float* __restrict__ back, __nv_bfloat16* __restrict__ b_d, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __nv_bfloat16 b = __float2bfloat16_rn(x[i]);
    b_rn[i] = b;
    b_rz[i] = __float2bfloat16_rz(x[i]);
    back[i] = __bfloat162float(b);
    b_d[i] = __double2bfloat16(d[i]);
}

// out has 5 __nv_bfloat162 per element: a+b, a*b, fma(a,b,c), min, max.
extern "C" __global__ void bf16x2_arith(const __nv_bfloat162* __restrict__ a, const __nv_bfloat162* __restrict__ b,
                                        const __nv_bfloat162* __restrict__ c, __nv_bfloat162* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __nv_bfloat162 x = a[i], y = b[i], z = c[i];
    __nv_bfloat162* o = out + 5 * i;
    o[0] = __hadd2(x, y);
    o[1] = __hmul2(x, y);
    o[2] = __hfma2(x, y, z);
    o[3] = __hmin2(x, y);
    o[4] = __hmax2(x, y);
}
