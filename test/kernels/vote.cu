// Warp vote and match intrinsics, warp reductions (redux.sync) and block-wide vote barriers.
// Every thread of every warp takes part (threads past n use a neutral value and do not store), so
// the full mask is legal in the partial last block.

#define OUTS 12

// out[i][*] = ballot(v > 0), any(v > 900), all(v > -1000), popc(ballot), __ffs(ballot),
//             match_any(v & 7), reduce_add(v & 0xff), reduce_min(v), reduce_max(v),
//             reduce_and(v), reduce_or(v), reduce_xor(v)
extern "C" __global__ void warp_vote(const int* __restrict__ in, unsigned* __restrict__ out, int n)
{
    const unsigned full = 0xffffffffu;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    bool ok = i < n;
    int v = ok ? in[i] : 0;
    unsigned u = (unsigned)v;
    unsigned b = __ballot_sync(full, v > 0);
    unsigned r[OUTS];
    r[0] = b;
    r[1] = __any_sync(full, v > 900);
    r[2] = __all_sync(full, v > -1000);
    r[3] = __popc(b);
    r[4] = __ffs(b);
    r[5] = __match_any_sync(full, v & 7);
    r[6] = __reduce_add_sync(full, u & 0xffu);
    r[7] = (unsigned)__reduce_min_sync(full, v);
    r[8] = (unsigned)__reduce_max_sync(full, v);
    r[9] = __reduce_and_sync(full, ok ? u : full);
    r[10] = __reduce_or_sync(full, u);
    r[11] = __reduce_xor_sync(full, u);
    if (ok)
        for (int k = 0; k < OUTS; ++k) out[OUTS * i + k] = r[k];
}

// Block-wide votes: __syncthreads_count / _and / _or of (v > 0), one result triple per block;
// plus the block's thread 0 writes the number of warps that saw all lanes positive.
extern "C" __global__ void block_vote(const int* __restrict__ in, int* __restrict__ out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int pred = i < n && in[i] > 0;
    int count = __syncthreads_count(pred);
    int all = __syncthreads_and(pred);
    int any = __syncthreads_or(pred);
    if (threadIdx.x == 0) {
        out[3 * blockIdx.x + 0] = count;
        out[3 * blockIdx.x + 1] = all;
        out[3 * blockIdx.x + 2] = any;
    }
}

// A block of 48 threads: warp 1 has only 16 lanes. Each thread records __activemask() and the lane
// masks of the %lanemask_lt special register, and a ballot over the active lanes only.
extern "C" __global__ void partial_warp_masks(const int* __restrict__ in, unsigned* __restrict__ out)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned active = __activemask();
    unsigned lt;
    asm volatile("mov.u32 %0, %%lanemask_lt;" : "=r"(lt));
    unsigned odd = __ballot_sync(active, in[t] & 1);
    out[3 * t + 0] = active;
    out[3 * t + 1] = lt;
    out[3 * t + 2] = odd;
}
