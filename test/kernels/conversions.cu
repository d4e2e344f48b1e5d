// Conversions with explicit rounding modes and saturation: float and double to integers (NaN
// gives 0, out-of-range values saturate), integers to float and double in every rounding mode,
// double to float in every rounding mode, and sign/zero extension of narrow integers.

// From a float: to int in the four rounding modes (4 per element), to unsigned (rn), to long long
// (rn), to unsigned long long (rz).
extern "C" __global__ void convert_from_f32(const float* __restrict__ x, int* __restrict__ i32o,
                                            unsigned* __restrict__ u32o, long long* __restrict__ i64o,
                                            unsigned long long* __restrict__ u64o, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float v = x[i];
    int* o = i32o + 4 * i;
    o[0] = __float2int_rn(v);
    o[1] = __float2int_rz(v);
    o[2] = __float2int_rd(v);
    o[3] = __float2int_ru(v);
    u32o[i] = __float2uint_rn(v);
    i64o[i] = __float2ll_rn(v);
    u64o[i] = __float2ull_rz(v);
}

// From a double: to f32 in the four rounding modes, to int (rn), to long long (rz), to unsigned (rd)
extern "C" __global__ void convert_from_f64(const double* __restrict__ x, float* __restrict__ f32o,
                                            int* __restrict__ i32o, long long* __restrict__ i64o,
                                            unsigned* __restrict__ u32o, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double v = x[i];
    float* f = f32o + 4 * i;
    f[0] = __double2float_rn(v);
    f[1] = __double2float_rz(v);
    f[2] = __double2float_rd(v);
    f[3] = __double2float_ru(v);
    i32o[i] = __double2int_rn(v);
    i64o[i] = __double2ll_rz(v);
    u32o[i] = __double2uint_rd(v);
}

// From integers: int and long long to float in four modes, unsigned long long to float (rn) and
// to double (rn), long long to double (rz); narrow sign and zero extension.
extern "C" __global__ void convert_from_int(const int* __restrict__ xi, const long long* __restrict__ xl,
                                            float* __restrict__ f32o, double* __restrict__ f64o,
                                            int* __restrict__ ext, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int v = xi[i];
    long long w = xl[i];
    float* f = f32o + 8 * i;
    f[0] = __int2float_rn(v);
    f[1] = __int2float_rz(v);
    f[2] = __int2float_rd(v);
    f[3] = __int2float_ru(v);
    f[4] = __ll2float_rn(w);
    f[5] = __ll2float_rz(w);
    f[6] = __ull2float_rn((unsigned long long)w);
    f[7] = __uint2float_rd((unsigned)v);
    double* d = f64o + 2 * i;
    d[0] = __ull2double_rn((unsigned long long)w);
    d[1] = __ll2double_rz(w);
    int* e = ext + 4 * i;
    e[0] = (int)(signed char)v;
    e[1] = (int)(unsigned char)v;
    e[2] = (int)(short)v;
    e[3] = (int)(unsigned short)v;
}
