// 64-bit integer arithmetic: multiplication (low and high halves), signed and unsigned division and
// remainder (inputs avoid b == 0 and LLONG_MIN / -1), arithmetic and logical shifts by variable
// amounts in [0, 63], min/max, and the 64-bit bit-manipulation intrinsics.

#define I64_OUTS 8
#define U64_OUTS 10

// sout[i][*] = a*b (wrapping, computed unsigned), a/b, a%b, a>>s, min, max, __mul64hi(a,b), a/7
// uout[i][*] = ua*ub, ua/ub, ua%ub, ua<<s, ua>>s, __umul64hi, __clzll, __popcll, __ffsll, __brevll
extern "C" __global__ void int64_ops(const long long* __restrict__ a, const long long* __restrict__ b,
                                     const unsigned* __restrict__ shift, long long* __restrict__ sout,
                                     unsigned long long* __restrict__ uout, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    long long x = a[i], y = b[i];
    unsigned long long ux = (unsigned long long)x, uy = (unsigned long long)y;
    unsigned s = shift[i] & 63u;
    long long* so = sout + I64_OUTS * i;
    so[0] = (long long)(ux * uy);
    so[1] = x / y;
    so[2] = x % y;
    so[3] = x >> s;
    so[4] = min(x, y);
    so[5] = max(x, y);
    so[6] = __mul64hi(x, y);
    so[7] = x / 7;
    unsigned long long* uo = uout + U64_OUTS * i;
    uo[0] = ux * uy;
    uo[1] = ux / uy;
    uo[2] = ux % uy;
    uo[3] = ux << s;
    uo[4] = ux >> s;
    uo[5] = __umul64hi(ux, uy);
    uo[6] = (unsigned long long)__clzll(x);
    uo[7] = (unsigned long long)__popcll(ux);
    uo[8] = (unsigned long long)__ffsll(x);
    uo[9] = __brevll(ux);
}
