// 32-bit integer edge cases: inputs include INT_MIN, INT_MAX, 0, +-1. Division by constants
// (compiled to multiply-high sequences) and by variables, remainders with negative operands,
// shifts by variable amounts both as C (amount masked to 0..31) and as raw PTX through inline
// assembly with amounts up to 40 (PTX clamps: shl/shr.u32 give 0, shr.s32 gives the sign fill),
// and the 32-bit intrinsics.

#define OUTS 20

__device__ __forceinline__ unsigned ptx_shl(unsigned x, unsigned s)
{
    unsigned r;
    asm("shl.b32 %0, %1, %2;" : "=r"(r) : "r"(x), "r"(s));
    return r;
}

__device__ __forceinline__ unsigned ptx_shr_u(unsigned x, unsigned s)
{
    unsigned r;
    asm("{\n\t.reg .u32 t;\n\tshr.u32 t, %1, %2;\n\tmov.u32 %0, t;\n\t}" : "=r"(r) : "r"(x), "r"(s));
    return r;
}

__device__ __forceinline__ int ptx_shr_s(int x, unsigned s)
{
    int r;
    asm("shr.s32 %0, %1, %2;" : "=r"(r) : "r"(x), "r"(s));
    return r;
}

// b never 0; (a, b) never (INT_MIN, -1). s in [0, 40].
extern "C" __global__ void int32_edge(const int* __restrict__ a, const int* __restrict__ b,
                                      const unsigned* __restrict__ shift, int* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int x = a[i], y = b[i];
    unsigned ux = (unsigned)x, uy = (unsigned)y, s = shift[i];
    int* o = out + OUTS * i;
    o[0] = x / y;
    o[1] = x % y;
    o[2] = (int)(ux / uy);
    o[3] = (int)(ux % uy);
    o[4] = x / 7;
    o[5] = x % -3;
    o[6] = (int)(ux / 10u);
    o[7] = x >> (s & 31);
    o[8] = (int)(ux << (s & 31));
    o[9] = (int)ptx_shl(ux, s);
    o[10] = (int)ptx_shr_u(ux, s);
    o[11] = ptx_shr_s(x, s);
    o[12] = __mulhi(x, y);
    o[13] = (int)__umulhi(ux, uy);
    o[14] = (int)(ux * uy);
    o[15] = __funnelshift_l(ux, uy, s);
    o[16] = (int)__byte_perm(ux, uy, 0x5140u);
    o[17] = __clz(x) + 100 * __ffs(x) + 10000 * __popc(ux);
    o[18] = (int)__brev(ux);
    o[19] = (int)__sad(x, y, 0u);
}
