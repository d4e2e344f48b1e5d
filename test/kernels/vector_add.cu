// Element-wise vector kernels: the "hello world" of CUDA, in f32 and f64.
// One thread per element, bounds-checked, with a partial last block.

extern "C" __global__ void vec_add_f32(const float* __restrict__ a, const float* __restrict__ b,
                                       float* __restrict__ c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}

extern "C" __global__ void vec_add_f64(const double* a, const double* b, double* c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}

// y = a*x + y. With nvcc's default -fmad=true the multiply-add is contracted to fma.rn.f32.
extern "C" __global__ void saxpy_f32(int n, float a, const float* __restrict__ x, float* __restrict__ y)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}

// y = a*x + y in double (fma.rn.f64).
extern "C" __global__ void daxpy_f64(int n, double a, const double* __restrict__ x, double* __restrict__ y)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}
