// cudajs demo: the Mandelbrot set. iters[py * width + px] is the number of iterations (at most
// max_iter) before z = z^2 + c escapes |z| > 2, for c = (x0 + px*dx, y0 + py*dy). The multiply-adds
// are written as explicit fmaf so the result is the same on every device (and on the emulator).

extern "C" __global__ void mandelbrot(unsigned* __restrict__ iters, int width, int height,
                                      float x0, float y0, float dx, float dy, int max_iter)
{
    int px = blockIdx.x * blockDim.x + threadIdx.x;
    int py = blockIdx.y * blockDim.y + threadIdx.y;
    if (px >= width || py >= height) return;
    float cx = fmaf((float)px, dx, x0);
    float cy = fmaf((float)py, dy, y0);
    float x = 0.0f, y = 0.0f;
    int it = 0;
    while (it < max_iter && fmaf(x, x, y * y) <= 4.0f) {
        float xn = fmaf(x, x, fmaf(-y, y, cx));
        y = fmaf(x + x, y, cy);
        x = xn;
        ++it;
    }
    iters[py * width + px] = it;
}
