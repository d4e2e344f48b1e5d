// Element-wise kernels written with grid-stride loops (the grid is smaller than the data),
// vectorized float4 accesses, a function template and overloaded kernels (C++ linkage, so
// their PTX entry names are mangled on purpose).

// y = x > 0 ? x * scale : 0.01 * x (leaky ReLU), grid-stride.
extern "C" __global__ void leaky_relu_gs(const float* __restrict__ x, float* __restrict__ y,
                                         float scale, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float v = x[i];
        y[i] = v > 0.0f ? v * scale : 0.01f * v;
    }
}

// Horner evaluation of c0 + c1 x + c2 x^2 + c3 x^3 with explicit fma, 64-bit loop index.
extern "C" __global__ void poly3_f64_gs(const double* __restrict__ x, double* __restrict__ y,
                                        double c0, double c1, double c2, double c3, size_t n)
{
    size_t stride = (size_t)blockDim.x * gridDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        double v = x[i];
        y[i] = fma(fma(fma(c3, v, c2), v, c1), v, c0);
    }
}

// out = in * 2 + 1, four floats per thread with 128-bit loads and stores.
extern "C" __global__ void scale_float4_gs(const float4* __restrict__ in, float4* __restrict__ out, int n4)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += blockDim.x * gridDim.x) {
        float4 v = in[i];
        out[i] = make_float4(__fadd_rn(__fmul_rn(v.x, 2.0f), 1.0f), __fadd_rn(__fmul_rn(v.y, 2.0f), 1.0f),
                             __fadd_rn(__fmul_rn(v.z, 2.0f), 1.0f), __fadd_rn(__fmul_rn(v.w, 2.0f), 1.0f));
    }
}

// A templated grid-stride axpy: y = a*x + y. Instantiated for float, double and int below.
template <typename T>
__global__ void axpy_t(T a, const T* __restrict__ x, T* __restrict__ y, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        y[i] = a * x[i] + y[i];
}

template __global__ void axpy_t<float>(float, const float*, float*, int);
template __global__ void axpy_t<double>(double, const double*, double*, int);
template __global__ void axpy_t<int>(int, const int*, int*, int);

// Overloaded kernels: same name, different parameter types, so different mangled names.
__global__ void scale_inplace(float* p, float s, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) p[i] *= s;
}

__global__ void scale_inplace(double* p, double s, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) p[i] *= s;
}
