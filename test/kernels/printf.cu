// printf from device code. One warp of 4 threads, so the GPU's output order is fixed: each printf
// statement prints one line per lane in lane order, statements in program order.
#include <cstdio>

extern "C" __global__ void printf_basic(int tag, float f, double d, long long big)
{
    int t = threadIdx.x;
    printf("thread %d of %d: tag=%d value=%.3f\n", t, blockDim.x, tag, f * (float)(t + 1));
    if (t == 0) {
        printf("d=%f e=%e g=%g\n", d, d, d);
        printf("big=%lld hex=%x HEX=%08X unsigned=%u\n", big, 48879, 0xbeef, 4000000000u);
        printf("char=%c str=%s pct=%% padded=[%5d] left=[%-5d]\n", 'Z', "cudajs", 42, 42);
    }
}
