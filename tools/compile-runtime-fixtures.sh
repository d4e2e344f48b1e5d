#!/usr/bin/env bash
# Compiles the runtime layer's test kernels (test/fixtures/runtime/*.cu), the plug-in example's
# kernels (examples/plugins/kernels.cu) and the context benchmark's kernels (bench/contexts/kernels.cu)
# to PTX for sm_90. Needs nvcc; the outputs are committed so that nothing else needs a CUDA toolkit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for cu in "$root"/test/fixtures/runtime/*.cu "$root"/examples/plugins/kernels.cu "$root"/bench/contexts/kernels.cu; do
  [ -f "$cu" ] || continue
  nvcc -arch=sm_90 -O3 -ptx "$cu" -o "${cu%.cu}.ptx"
  echo "compiled ${cu#$root/}"
done
