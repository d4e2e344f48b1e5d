// Structures passed by value as kernel parameters (they arrive as .param .align N .b8 name[size]).

// size 16, align 8: a at 0, n at 4, b at 8
struct Params {
    float a;
    int n;
    double b;
};

// size 16, align 8: data at 0, len at 8, stride at 12
struct StridedView {
    const float* data;
    int len;
    int stride;
};

// size 40, align 8: tag 0, s 2, i 4, l 8, f[3] 16..27, u 28, d 32
struct Mixed {
    char tag;
    short s;
    int i;
    long long l;
    float f[3];
    unsigned u;
    double d;
};

// y[i] = (double)(p.a * x[i]) + p.b for i < p.n
extern "C" __global__ void struct_params(Params p, const float* __restrict__ x, double* __restrict__ y)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < p.n) y[i] = (double)(p.a * x[i]) + p.b;
}

// Gathers every stride-th element through a pointer carried inside the struct.
extern "C" __global__ void struct_pointer(StridedView v, float* __restrict__ out)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < v.len) out[i] = v.data[(size_t)i * v.stride];
}

// out[i] = m.tag + m.s + m.i + m.l + i * (m.f[0] + m.f[1] + m.f[2]) + m.u + m.d, as double
extern "C" __global__ void struct_mixed(Mixed m, double* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double f = (double)__fadd_rn(__fadd_rn(m.f[0], m.f[1]), m.f[2]);
    double v = (double)(m.tag + m.s + m.i) + (double)(m.l + m.u);
    out[i] = __dadd_rn(__dadd_rn(v, __dmul_rn((double)i, f)), m.d);
}
