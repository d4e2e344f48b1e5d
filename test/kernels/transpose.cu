// Matrix transpose through a shared tile padded by one column to avoid bank conflicts
// (the "transposeCoalesced" pattern): 32x32 tiles, 32x8 threads, 4 rows per thread.

#define TILE_DIM 32
#define BLOCK_ROWS 8

// out (cols x rows) = transpose of in (rows x cols); both row-major.
extern "C" __global__ void transpose_tiled_f32(const float* __restrict__ in, float* __restrict__ out,
                                               int rows, int cols)
{
    __shared__ float tile[TILE_DIM][TILE_DIM + 1];
    int x = blockIdx.x * TILE_DIM + threadIdx.x;
    int y = blockIdx.y * TILE_DIM + threadIdx.y;
    for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS)
        if (x < cols && y + j < rows) tile[threadIdx.y + j][threadIdx.x] = in[(y + j) * cols + x];
    __syncthreads();
    x = blockIdx.y * TILE_DIM + threadIdx.x;
    y = blockIdx.x * TILE_DIM + threadIdx.y;
    for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS)
        if (x < rows && y + j < cols) out[(y + j) * rows + x] = tile[threadIdx.x][threadIdx.y + j];
}
