// Real function calls: __noinline__ device functions (PTX .func with .param arguments and
// return values), one returning a struct, one taking a pointer, and a recursive one (which needs
// a call stack).

struct DivMod {
    int q;
    int r;
};

__device__ __noinline__ int gcd(int a, int b)
{
    while (b != 0) { int t = a % b; a = b; b = t; }
    return a < 0 ? -a : a;
}

__device__ __noinline__ DivMod floor_divmod(int a, int b)
{
    int q = a / b, r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) { q -= 1; r += b; }
    return DivMod{q, r};
}

__device__ __noinline__ unsigned fib(unsigned k)
{
    return k < 2 ? k : fib(k - 1) + fib(k - 2);
}

__device__ __noinline__ void store4(int* dst, int a, int b, int c, unsigned d)
{
    dst[0] = a; dst[1] = b; dst[2] = c; dst[3] = (int)d;
}

// out[i][*] = gcd(a,b), floor_div(a,b), floor_mod(a,b), fib(k % 12); b never 0
extern "C" __global__ void call_functions(const int* __restrict__ a, const int* __restrict__ b,
                                          const unsigned* __restrict__ k, int* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    DivMod dm = floor_divmod(a[i], b[i]);
    store4(out + 4 * i, gcd(a[i], b[i]), dm.q, dm.r, fib(k[i] % 12u));
}
