// Histograms: privatized per-block bins in shared memory merged with global atomics (integer),
// and a weighted histogram accumulated directly with float atomicAdd in global memory.

#define NBINS 64

extern "C" __global__ void histogram_shared_u8(const unsigned char* __restrict__ data,
                                               unsigned int* __restrict__ hist, int n)
{
    __shared__ unsigned int bins[NBINS];
    for (int b = threadIdx.x; b < NBINS; b += blockDim.x) bins[b] = 0;
    __syncthreads();
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        atomicAdd(&bins[data[i] >> 2], 1u);
    __syncthreads();
    for (int b = threadIdx.x; b < NBINS; b += blockDim.x)
        if (bins[b] != 0) atomicAdd(&hist[b], bins[b]);
}

// hist[bin[i]] += weight[i]; bins outside [0, nbins) are counted in *dropped instead.
extern "C" __global__ void histogram_weighted_f32(const int* __restrict__ bin, const float* __restrict__ weight,
                                                  float* hist, int* dropped, int n, int nbins)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int b = bin[i];
    if (b >= 0 && b < nbins) atomicAdd(&hist[b], weight[i]);
    else atomicAdd(dropped, 1);
}
