// The atomic family on 32- and 64-bit integers, floats and doubles, in global and shared memory.
// Every result below is independent of the order in which threads reach memory: the operations
// are commutative (add, min, max, and, or, xor, wrapping inc/dec repeated the same way), or act on
// a slot owned by one thread (exch, single CAS), or are CAS loops computing a commutative function.

// acc (int[6]):       add, sub, min, max, CAS-loop product, count of CAS failures is not reported
// uacc (unsigned[8]): min, max, inc(limit 1000), dec(limit 77), and, or, xor, add
// old_exch/old_cas:   value returned by atomicExch / atomicCAS on the thread's own slot
extern "C" __global__ void atomics_i32(const int* __restrict__ in, int* acc, unsigned* uacc,
                                       int* slots, int* old_exch, int* old_cas, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int v = in[i];
    unsigned u = (unsigned)v;
    atomicAdd(&acc[0], v);
    atomicSub(&acc[1], v);
    atomicMin(&acc[2], v);
    atomicMax(&acc[3], v);
    // product of (v | 1) modulo 2^32 with a CAS loop
    int old = acc[4], assumed;
    do {
        assumed = old;
        old = atomicCAS(&acc[4], assumed, (int)((unsigned)assumed * (unsigned)(v | 1)));
    } while (old != assumed);

    atomicMin(&uacc[0], u);
    atomicMax(&uacc[1], u);
    atomicInc(&uacc[2], 1000u);
    atomicDec(&uacc[3], 77u);
    atomicAnd(&uacc[4], u | 0x00010000u);
    atomicOr(&uacc[5], u & 0x0f0f0f0fu);
    atomicXor(&uacc[6], u);
    atomicAdd(&uacc[7], u);

    old_exch[i] = atomicExch(&slots[i], v ^ 0x5a5a5a5a);
    // CAS succeeds for even i (expected value is the slot's content after the exchange), fails for odd
    int expected = (i & 1) ? v : (v ^ 0x5a5a5a5a);
    old_cas[i] = atomicCAS(&slots[i], expected, i);
}

// 64-bit integer atomics; the block first combines in shared memory (atom.shared.*.64), then one
// thread per block merges into global memory.
// acc (unsigned long long[6]): add, and, or, xor, CAS-loop product, max(unsigned)
// sacc (long long[2]): min, max (signed)
extern "C" __global__ void atomics_i64(const long long* __restrict__ in, unsigned long long* acc,
                                       long long* sacc, unsigned long long* slots,
                                       unsigned long long* old_exch, int n)
{
    __shared__ unsigned long long s_add, s_and, s_or, s_xor;
    __shared__ long long s_min, s_max;
    if (threadIdx.x == 0) {
        s_add = 0; s_and = ~0ull; s_or = 0; s_xor = 0;
        s_min = 0x7fffffffffffffffll; s_max = (long long)0x8000000000000000ull;
    }
    __syncthreads();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        long long v = in[i];
        unsigned long long u = (unsigned long long)v;
        atomicAdd(&s_add, u);
        atomicAnd(&s_and, u | 0x0000ffff00000000ull);
        atomicOr(&s_or, u & 0x00ff00ff00ff00ffull);
        atomicXor(&s_xor, u);
        atomicMin(&s_min, v);
        atomicMax(&s_max, v);
        atomicMax(&acc[5], u);
        unsigned long long old = acc[4], assumed;
        do {
            assumed = old;
            old = atomicCAS(&acc[4], assumed, assumed * (u | 1ull));
        } while (old != assumed);
        old_exch[i] = atomicExch(&slots[i], ~u);
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        atomicAdd(&acc[0], s_add);
        atomicAnd(&acc[1], s_and);
        atomicOr(&acc[2], s_or);
        atomicXor(&acc[3], s_xor);
        atomicMin(&sacc[0], s_min);
        atomicMax(&sacc[1], s_max);
    }
}

// Floating-point atomics. The inputs are multiples of 1/16 small enough that every partial sum is
// exactly representable, so the sums do not depend on the order of the additions.
// fsum[0]: float atomicAdd in global; fsum[1]: float atomicAdd via a shared accumulator
// dsum[0]: double atomicAdd; dmax[0]: max of doubles with a 64-bit CAS loop on the bit pattern
extern "C" __global__ void atomics_float(const float* __restrict__ xf, const double* __restrict__ xd,
                                         float* fsum, double* dsum, double* dmax, int n)
{
    __shared__ float s_sum;
    if (threadIdx.x == 0) s_sum = 0.0f;
    __syncthreads();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        atomicAdd(&fsum[0], xf[i]);
        atomicAdd(&s_sum, xf[i]);
        atomicAdd(&dsum[0], xd[i]);
        unsigned long long* addr = (unsigned long long*)dmax;
        unsigned long long old = *addr, assumed;
        do {
            assumed = old;
            double cur = __longlong_as_double((long long)assumed);
            if (cur >= xd[i]) break;
            old = atomicCAS(addr, assumed, (unsigned long long)__double_as_longlong(xd[i]));
        } while (old != assumed);
    }
    __syncthreads();
    if (threadIdx.x == 0) atomicAdd(&fsum[1], s_sum);
}
