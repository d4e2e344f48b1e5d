// Device-side assert: fails (CUDA_ERROR_ASSERT, a sticky error) for any negative input.
#include <cassert>

extern "C" __global__ void check_nonnegative(const int* __restrict__ x, int* __restrict__ y, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        assert(x[i] >= 0);
        y[i] = 2 * x[i];
    }
}
