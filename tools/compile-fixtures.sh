#!/usr/bin/env bash
# Compiles the object layer's test kernels (test/fixtures/core/*.cu) to PTX for sm_90, plus one
# cubin and one fatbin (SASS + PTX) for the driver's image-format tests. Needs nvcc; the outputs
# are committed so that tests need no CUDA toolkit.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/core"
for cu in *.cu; do
  nvcc -arch=sm_90 -O3 -ptx "$cu" -o "${cu%.cu}.ptx"
done
nvcc -arch=sm_90 -O3 -cubin version_b.cu -o version_b.cubin
nvcc -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 -O3 -fatbin version_b.cu -o version_b.fatbin
echo "compiled $(ls *.cu | wc -l) sources in $(pwd)"
