// Per-thread arrays indexed with run-time values live in local memory (.local, ld/st.local):
// each thread insertion-sorts a window of 16 values and writes the window's median and a
// checksum of the sorted order.

#define W 16

extern "C" __global__ void local_window_sort(const int* __restrict__ in, int* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int v[W];
    for (int k = 0; k < W; ++k) v[k] = in[(i + k) % n];
    for (int k = 1; k < W; ++k) {
        int key = v[k], j = k - 1;
        while (j >= 0 && v[j] > key) { v[j + 1] = v[j]; --j; }
        v[j + 1] = key;
    }
    unsigned h = 2166136261u;
    for (int k = 0; k < W; ++k) h = (h ^ (unsigned)v[k]) * 16777619u;
    out[2 * i] = v[W / 2];
    out[2 * i + 1] = (int)h;
}
