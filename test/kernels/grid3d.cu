// Three-dimensional grids and blocks and the special registers: each thread of a (nx, ny, nz)
// volume writes its coordinates, its block and thread indices packed into one word, the grid and
// block dimensions, and %laneid (read with inline PTX).

#define OUTS 6

extern "C" __global__ void thread_ids_3d(unsigned* __restrict__ out, int nx, int ny, int nz)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    int z = blockIdx.z * blockDim.z + threadIdx.z;
    if (x >= nx || y >= ny || z >= nz) return;
    unsigned lane;
    asm("mov.u32 %0, %%laneid;" : "=r"(lane));
    unsigned* o = out + OUTS * ((z * ny + y) * nx + x);
    o[0] = (blockIdx.z << 16) | (blockIdx.y << 8) | blockIdx.x;
    o[1] = (threadIdx.z << 16) | (threadIdx.y << 8) | threadIdx.x;
    o[2] = (gridDim.z << 16) | (gridDim.y << 8) | gridDim.x;
    o[3] = (blockDim.z << 16) | (blockDim.y << 8) | blockDim.x;
    o[4] = lane;
    o[5] = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;   // linear thread id
}
