// IEEE-exact floating-point operations in f64 and f32 (fma, sqrt, division, reciprocal, rounding
// to integral values, min/max, copysign), applied to inputs that include zeros, infinities, NaNs
// and subnormals. Every one of these is correctly rounded on the GPU, so results are bit-exact.

#define F64_OUTS 12
// out[i][*] = fma(a,b,c), sqrt(|a|), a/b, 1/b, a*b (no contraction) - c, fmin, fmax,
//             rint(a), floor(a), ceil(a), trunc(a), copysign(|b|, a)
extern "C" __global__ void fp64_ops(const double* __restrict__ a, const double* __restrict__ b,
                                    const double* __restrict__ c, double* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double x = a[i], y = b[i], z = c[i];
    double* o = out + F64_OUTS * i;
    o[0] = fma(x, y, z);
    o[1] = sqrt(fabs(x));
    o[2] = x / y;
    o[3] = 1.0 / y;
    o[4] = __dsub_rn(__dmul_rn(x, y), z);
    o[5] = fmin(x, y);
    o[6] = fmax(x, y);
    o[7] = rint(x);
    o[8] = floor(x);
    o[9] = ceil(x);
    o[10] = trunc(x);
    o[11] = copysign(fabs(y), x);
}

#define F32_OUTS 10
// out[i][*] = fmaf(a,b,c), sqrtf(|a|), a/b, __frcp_rn(b), a*b (no contraction) + c, fminf, fmaxf,
//             rintf(a), truncf(a), __saturatef(a)
extern "C" __global__ void fp32_ops(const float* __restrict__ a, const float* __restrict__ b,
                                    const float* __restrict__ c, float* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float x = a[i], y = b[i], z = c[i];
    float* o = out + F32_OUTS * i;
    o[0] = fmaf(x, y, z);
    o[1] = sqrtf(fabsf(x));
    o[2] = x / y;
    o[3] = __frcp_rn(y);
    o[4] = __fadd_rn(__fmul_rn(x, y), z);
    o[5] = fminf(x, y);
    o[6] = fmaxf(x, y);
    o[7] = rintf(x);
    o[8] = truncf(x);
    o[9] = __saturatef(x);
}
