/**
 * Collectives benchmark, on the GPUs of this machine:
 *
 * 1. All-reduce bandwidth over sizes — out of place, float32, sum, one communicator per GPU
 *    (Clique), nccl-tests' method: host time of `iters` iterations after `warmup`, ending with
 *    every stream synchronized. algBW = bytes / time; busBW = algBW × 2(n−1)/n (nccl-tests'
 *    definition: 0 for one rank, whose all-reduce is a local copy — algBW then is that copy's
 *    rate). Compared with a C++ program doing the same through NCCL (baseline.cu, built with nvcc
 *    in this run), and with nccl-tests' all_reduce_perf when that binary is on this machine
 *    (PATH, $NCCL_TESTS_HOME/build, /usr/local/bin): the output says which.
 * 2. Peer-copy bandwidth GPU 0 → GPU 1 (DeviceBuffer.copyFrom on a stream: cuMemcpyPeerAsync),
 *    against the same C++ program; skipped with the reason on fewer than two GPUs.
 *
 * NVLink multicast stays off: NCCL_NVLS_ENABLE=0 for this process (set when libnccl loads) and
 * for the C++ and nccl-tests processes, unless the user set it.
 *
 *   npm run build && node dist/bench/collectives/main.js [--max-bytes N] [--iters N] [--warmup N]
 *
 * Results: bench/results/collectives-<date>-<gpu>.json, and $OUT/ when set.
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, Clique, Device, type DeviceBuffer, type Stream } from '../../src/index.js';
import { libcudaLinkArgs, printTable, type Row, writeResult } from '../support.js';
import { ncclLibrary } from '../../src/raw/nccl.js';
import { locateNcclHeader } from '../../tools/gen-bindings/targets.js';

const here = (file: string): string => fileURLToPath(new URL(`../../../bench/collectives/${file}`, import.meta.url));

function option(name: string, fallback: number): number {
  const k = process.argv.indexOf(name);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
}

const maxBytes = option('--max-bytes', 256 * 2 ** 20);
// More than nccl-tests' 20 and 5: a small all-reduce costs ~10 µs, and JavaScript needs a few
// hundred calls before V8 has optimized the call path (with 20 and 5, 1 KiB measured 43 µs, 10 µs
// once warm, on the H100). Both sides use the same counts.
const iters = option('--iters', 200);
const warmup = option('--warmup', 100);
/** 1 KiB, 4 KiB, … up to maxBytes (×4), as nccl-tests' -b 1K -e <max> -f 4. */
const sizes = (() => {
  const out: number[] = [];
  for (let s = 1024; s <= maxBytes; s *= 4) out.push(s);
  return out;
})();
const peerSizes = sizes.filter((s) => s >= 2 ** 20);

/** The environment of the child processes: NVLS off unless the user set it. */
const childEnv = { ...process.env, NCCL_NVLS_ENABLE: process.env['NCCL_NVLS_ENABLE'] ?? '0' };

/** busBW factor of an all-reduce over n ranks (nccl-tests). */
const busFactor = (n: number): number => (2 * (n - 1)) / n;
const gbps = (bytes: number, us: number): number => bytes / (us * 1e3);

/** Builds baseline.cu against the NCCL the process loaded; returns a runner or why not. */
function buildBaseline(): { run: (args: string[]) => Record<string, number> } | { reason: string } {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'cudajs-bench-collectives-'));
    const exe = join(dir, 'baseline');
    const lib = ncclLibrary();
    const ncclLink = lib.path.includes('/') ? ['-Xlinker', lib.path] : ['-l:libnccl.so.2'];
    const include = locateNcclHeader().root;
    execFileSync('nvcc', ['-O3', '-I', include, '-o', exe, here('baseline.cu'), ...libcudaLinkArgs(), ...ncclLink], { stdio: 'inherit' });
    return { run: (args) => JSON.parse(execFileSync(exe, args, { encoding: 'utf8', env: childEnv })) as Record<string, number> };
  } catch (e) {
    return { reason: `the C++ baseline could not be built or run: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** nccl-tests' all_reduce_perf, if present. */
function findNcclTests(): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), process.env['NCCL_TESTS_HOME'] && join(process.env['NCCL_TESTS_HOME'], 'build'), '/usr/local/bin', '/opt/nccl-tests/build'];
  for (const d of dirs) if (d && existsSync(join(d, 'all_reduce_perf'))) return join(d, 'all_reduce_perf');
  return null;
}

/** Runs all_reduce_perf over the same sizes; µs per iteration (out of place) by size. */
function runNcclTests(binary: string, gpus: number): Record<string, number> {
  const r = spawnSync(binary, ['-b', '1K', '-e', String(maxBytes), '-f', '4', '-g', String(gpus), '-n', String(iters), '-w', String(warmup), '-c', '0', '-d', 'float', '-o', 'sum'], { encoding: 'utf8', env: childEnv });
  if (r.status !== 0) throw new Error(`all_reduce_perf exited ${r.status}: ${r.stderr.slice(-500)}`);
  const out: Record<string, number> = {};
  for (const line of r.stdout.split('\n')) {
    // size count type redop root | time algbw busbw #wrong | time algbw busbw #wrong
    const f = line.trim().split(/\s+/);
    if (f.length >= 9 && /^\d+$/.test(f[0]!) && f[2] === 'float') out[f[0]!] = Number(f[5]);
  }
  return out;
}

/** cudajs all-reduce: µs per iteration by size. */
function measureAllReduce(clique: Clique): Record<string, number> {
  const contexts = clique.communicators.map((c) => c.context);
  const most = sizes[sizes.length - 1]!;
  const send = contexts.map((c) => c.allocate(most));
  const recv = contexts.map((c) => c.allocate(most));
  const streams = contexts.map((c) => c.createStream({ nonBlocking: true }));
  for (const s of send) s.fill(1, 'f32');
  const out: Record<string, number> = {};
  try {
    for (const bytes of sizes) {
      const x = send.map((b) => b.subarray(0, bytes));
      const y = recv.map((b) => b.subarray(0, bytes));
      const round = (): void => clique.run((comm, r) => comm.allReduce(x[r]!, y[r]!, { dtype: 'float32', stream: streams[r]! }));
      for (let i = 0; i < warmup; i++) round();
      for (const s of streams) s.synchronize();
      const t0 = performance.now();
      for (let i = 0; i < iters; i++) round();
      for (const s of streams) s.synchronize();
      out[String(bytes)] = ((performance.now() - t0) * 1000) / iters;
    }
    // Check the result once: every element is the number of ranks.
    const got = recv[0]!.subarray(0, 16).toArray(Float32Array);
    if (!got.every((v) => v === clique.size)) throw new Error(`all-reduce result ${got[0]} ≠ ${clique.size}`);
  } finally {
    for (const b of [...send, ...recv]) b.dispose();
    for (const s of streams) s.dispose();
  }
  return out;
}

/** cudajs peer copy 0 → 1: µs per copy by size. */
function measurePeerCopy(): Record<string, number> {
  using c0 = Device.get(0).primaryContext();
  using c1 = Device.get(1).primaryContext();
  if (Device.get(1).canAccessPeer(Device.get(0))) c1.enablePeerAccess(c0);
  const most = peerSizes[peerSizes.length - 1]!;
  using src = c0.allocate(most);
  using dst = c1.allocate(most);
  using stream: Stream = c1.createStream({ nonBlocking: true });
  const out: Record<string, number> = {};
  for (const bytes of peerSizes) {
    const s: DeviceBuffer = src.subarray(0, bytes);
    const d: DeviceBuffer = dst.subarray(0, bytes);
    for (let i = 0; i < 3; i++) d.copyFrom(s, { stream });
    stream.synchronize();
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) d.copyFrom(s, { stream });
    stream.synchronize();
    out[String(bytes)] = ((performance.now() - t0) * 1000) / iters;
  }
  return out;
}

const human = (b: number): string => (b >= 2 ** 20 ? `${b / 2 ** 20} MiB` : `${b / 1024} KiB`);

function main(): void {
  if (backend().kind !== 'gpu') {
    console.log(`bench/collectives measures NCCL and peer copies on GPUs; this process runs on the ${backend().description}. Nothing measured.`);
    return;
  }
  const gpus = Device.count();
  const device = Device.get(0);
  using clique = Clique.create(Device.all());
  const baseline = buildBaseline();
  const ncclTests = findNcclTests();
  const notes: string[] = [];

  const js = measureAllReduce(clique);
  let cpp: Record<string, number> | null = null;
  if ('run' in baseline) cpp = baseline.run(['allreduce', String(gpus), String(iters), String(warmup), ...sizes.map(String)]);
  else notes.push(baseline.reason);
  let tests: Record<string, number> | null = null;
  if (ncclTests === null) notes.push('nccl-tests (all_reduce_perf) is not on this machine (PATH, $NCCL_TESTS_HOME/build, /usr/local/bin, /opt/nccl-tests/build): no comparison with its figures');
  else {
    try {
      tests = runNcclTests(ncclTests, gpus);
    } catch (e) {
      notes.push(`nccl-tests failed: ${(e as Error).message}`);
    }
  }
  if (gpus === 1) notes.push('one GPU: the all-reduce has one rank, so busBW is 0 by definition; algBW is the rate of NCCL\'s local copy');

  const factor = busFactor(gpus);
  const allReduce = sizes.map((bytes) => {
    const k = String(bytes);
    return {
      bytes,
      cudajsUs: js[k]!, cudajsAlgBW: gbps(bytes, js[k]!), cudajsBusBW: gbps(bytes, js[k]!) * factor,
      cppUs: cpp?.[k] ?? null, cppAlgBW: cpp ? gbps(bytes, cpp[k]!) : null, cppBusBW: cpp ? gbps(bytes, cpp[k]!) * factor : null,
      ncclTestsUs: tests?.[k] ?? null, ncclTestsBusBW: tests?.[k] !== undefined ? gbps(bytes, tests[k]!) * factor : null,
    };
  });
  console.log(`\nbench/collectives: all-reduce float32 sum, out of place, ${gpus} × ${device.name}, ${clique.rank(0).implementation}, ${iters} iterations after ${warmup}`);
  console.log(`${'size'.padStart(10)} ${'cudajs µs'.padStart(11)} ${'algBW'.padStart(8)} ${'busBW'.padStart(8)} ${'C++ µs'.padStart(10)} ${'busBW'.padStart(8)} ${'nccl-tests µs'.padStart(14)}`);
  for (const r of allReduce) {
    console.log(`${human(r.bytes).padStart(10)} ${r.cudajsUs.toFixed(2).padStart(11)} ${r.cudajsAlgBW.toFixed(2).padStart(8)} ${r.cudajsBusBW.toFixed(2).padStart(8)} ${(r.cppUs?.toFixed(2) ?? '—').padStart(10)} ${(r.cppBusBW?.toFixed(2) ?? '—').padStart(8)} ${(r.ncclTestsUs?.toFixed(2) ?? '—').padStart(14)}`);
  }
  const rows: Row[] = [];
  if (cpp) {
    const small = String(sizes[0]);
    const large = String(sizes[sizes.length - 1]);
    rows.push({ metric: `all-reduce ${human(sizes[0]!)} (µs per iteration)`, cpp: cpp[small]!, js: js[small]!, target: 1.1, lowerIsBetter: true });
    rows.push({ metric: `all-reduce ${human(sizes[sizes.length - 1]!)} algBW (GB/s)`, cpp: gbps(Number(large), cpp[large]!), js: gbps(Number(large), js[large]!), target: 0.97, lowerIsBetter: false });
  }

  let peer: { bytes: number; cudajsGBs: number; cppGBs: number | null }[] | null = null;
  if (gpus < 2) {
    notes.push('peer copy skipped: it needs two GPUs, this machine has one');
  } else {
    const jsPeer = measurePeerCopy();
    const cppPeer = 'run' in baseline ? baseline.run(['peer', String(iters), ...peerSizes.map(String)]) : null;
    peer = peerSizes.map((bytes) => ({ bytes, cudajsGBs: gbps(bytes, jsPeer[String(bytes)]!), cppGBs: cppPeer ? gbps(bytes, cppPeer[String(bytes)]!) : null }));
    const last = peer[peer.length - 1]!;
    if (last.cppGBs !== null) rows.push({ metric: `peer copy GPU0→GPU1 ${human(last.bytes)} (GB/s)`, cpp: last.cppGBs, js: last.cudajsGBs, target: 0.97, lowerIsBetter: false });
    console.log('\npeer copy GPU 0 → GPU 1 (GB/s)');
    for (const p of peer) console.log(`${human(p.bytes).padStart(10)} cudajs ${p.cudajsGBs.toFixed(2).padStart(8)}  C++ ${(p.cppGBs?.toFixed(2) ?? '—').padStart(8)}`);
  }
  if (rows.length > 0) printTable('cudajs against the C++ baseline (same run)', rows);
  for (const n of notes) console.log(`note: ${n}`);

  const record = {
    gpus, device: device.name, driver: backend().description, nccl: ncclLibrary().path,
    collectives: clique.rank(0).implementation, nvls: childEnv['NCCL_NVLS_ENABLE'], node: process.version, iters, warmup,
    busBWDefinition: 'algBW × 2(n−1)/n (nccl-tests); algBW = bytes / time; GB = 1e9 bytes',
    allReduce, peerCopy: peer, rows, notes, ncclTests,
  };
  writeResult('collectives', device.name, record);
}

main();
