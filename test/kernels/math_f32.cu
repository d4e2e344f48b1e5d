// Single-precision math library functions and their fast intrinsic counterparts. These are not
// correctly rounded: tests compare them within the error bounds the CUDA Programming Guide
// documents. This file is also compiled with -use_fast_math (math_f32.fastmath.ptx).

// x in [-pi, pi], p in [0.5, 2], e in [-5, 5]
extern "C" __global__ void math_accurate_f32(const float* __restrict__ x, const float* __restrict__ p,
                                             const float* __restrict__ e,
                                             float* sin_o, float* cos_o, float* exp_o, float* log_o,
                                             float* tanh_o, float* pow_o, float* atan2_o, float* rsqrt_o,
                                             int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float xv = x[i], pv = p[i], ev = e[i];
    sin_o[i] = sinf(xv);
    cos_o[i] = cosf(xv);
    exp_o[i] = expf(ev);
    log_o[i] = logf(pv);
    tanh_o[i] = tanhf(ev);
    pow_o[i] = powf(pv, ev);
    atan2_o[i] = atan2f(xv, pv);
    rsqrt_o[i] = rsqrtf(pv);
}

extern "C" __global__ void math_intrinsics_f32(const float* __restrict__ x, const float* __restrict__ p,
                                               const float* __restrict__ e,
                                               float* sin_o, float* cos_o, float* exp_o, float* log_o,
                                               float* div_o, float* exp2_o, float* log2_o, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float xv = x[i], pv = p[i], ev = e[i];
    sin_o[i] = __sinf(xv);
    cos_o[i] = __cosf(xv);
    exp_o[i] = __expf(ev);
    log_o[i] = __logf(pv);
    div_o[i] = __fdividef(xv, pv);
    exp2_o[i] = exp2f(ev);
    log2_o[i] = __log2f(pv);
}
