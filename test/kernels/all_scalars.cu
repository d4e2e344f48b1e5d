// Parameter marshalling: a kernel taking every scalar type (plus __half, __nv_bfloat16, a pointer
// and a struct) that stores each one, bit for bit, at a fixed offset of a byte buffer, so a test
// can check the packing of every parameter. Bytes not listed below are never written.
//
// out offsets: c 0, uc 1, s 2, us 4, i 8, u 12, ll 16, ull 24, f 32, d 40, h 48, bh 50,
//              p[0] 52, p[1] 56, st.c 60, st.i 64, st.d 72, st.s 80
#include <cuda_fp16.h>
#include <cuda_bf16.h>

struct Packed {      // size 24, align 8: c 0, i 4, d 8, s 16
    char c;
    int i;
    double d;
    short s;
};

template <typename T>
__device__ __forceinline__ void put(unsigned char* out, int offset, T v)
{
    *reinterpret_cast<T*>(out + offset) = v;
}

extern "C" __global__ void all_scalars(char c, unsigned char uc, short s, unsigned short us, int i,
                                       unsigned u, long long ll, unsigned long long ull, float f,
                                       double d, __half h, __nv_bfloat16 bh, const int* p, Packed st,
                                       unsigned char* out)
{
    if (threadIdx.x != 0 || blockIdx.x != 0) return;
    put(out, 0, c);
    put(out, 1, uc);
    put(out, 2, s);
    put(out, 4, us);
    put(out, 8, i);
    put(out, 12, u);
    put(out, 16, ll);
    put(out, 24, ull);
    put(out, 32, f);
    put(out, 40, d);
    put(out, 48, h);
    put(out, 50, bh);
    put(out, 52, p[0]);
    put(out, 56, p[1]);
    put(out, 60, st.c);
    put(out, 64, st.i);
    put(out, 72, st.d);
    put(out, 80, st.s);
}
