// Divergent control flow: data-dependent loop trip counts (Collatz), an escape-time loop
// (Mandelbrot, written with __fmul_rn/__fadd_rn so that no multiply-add is contracted and the
// result is reproducible bit for bit), and a dense switch plus nested loops with break/continue.

// steps[i] = number of Collatz steps from start[i] to 1 (64-bit intermediate values)
extern "C" __global__ void collatz_steps(const unsigned* __restrict__ start, unsigned* __restrict__ steps, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    unsigned long long v = start[i];
    unsigned count = 0;
    while (v != 1) {
        v = (v & 1) ? 3 * v + 1 : v >> 1;
        ++count;
    }
    steps[i] = count;
}

// iterations until |z|^2 > 4 (at most max_iter) for c = (x0 + px*dx, y0 + py*dy)
extern "C" __global__ void mandelbrot_exact(unsigned* __restrict__ iters, int width, int height,
                                            float x0, float y0, float dx, float dy, int max_iter)
{
    int px = blockIdx.x * blockDim.x + threadIdx.x;
    int py = blockIdx.y * blockDim.y + threadIdx.y;
    if (px >= width || py >= height) return;
    float cx = __fadd_rn(x0, __fmul_rn((float)px, dx));
    float cy = __fadd_rn(y0, __fmul_rn((float)py, dy));
    float x = 0.0f, y = 0.0f;
    int it = 0;
    while (it < max_iter) {
        float xx = __fmul_rn(x, x), yy = __fmul_rn(y, y);
        if (__fadd_rn(xx, yy) > 4.0f) break;
        float xy = __fmul_rn(x, y);
        x = __fadd_rn(__fsub_rn(xx, yy), cx);
        y = __fadd_rn(__fadd_rn(xy, xy), cy);
        ++it;
    }
    iters[py * width + px] = it;
}

// A small bytecode interpreter per thread: op codes 0..7 select through a dense switch; loops
// with continue/break. acc starts at seed[i]; program is shared by all threads. Unsigned
// arithmetic, so overflow wraps (no undefined behaviour).
extern "C" __global__ void switch_interpreter(const int* __restrict__ program, int program_len,
                                              const int* __restrict__ seed, int* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    unsigned acc = (unsigned)seed[i];
    int executed = 0;
    for (int pc = 0; pc < program_len; ++pc) {
        int op = program[pc] & 7;
        unsigned arg = (unsigned)(program[pc] >> 3);
        if (op == 7 && (acc & 1)) continue;           // skip odd accumulators
        switch (op) {
        case 0: acc += arg; break;
        case 1: acc -= arg * (i & 3); break;
        case 2: acc ^= arg << (i & 7); break;
        case 3: acc = acc * 3 + 1; break;
        case 4: acc = acc > arg ? acc - arg : arg - acc; break;
        case 5: for (int k = 0; k < (i & 7); ++k) acc += k * arg; break;
        case 6: if ((int)acc < 0) pc = program_len; break;   // early exit
        default: acc = ~acc; break;
        }
        ++executed;
    }
    out[2 * i] = (int)acc;
    out[2 * i + 1] = executed;
}
