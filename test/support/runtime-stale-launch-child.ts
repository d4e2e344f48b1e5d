/**
 * Child process of the GPU tier: what a launch of a kernel object does after libcudart's real
 * cudaDeviceReset destroyed its context behind cudajs. cudajs makes no check on the launch path (a
 * driver call per launch would cost ~2 %), so this measures the driver's answer to a stale
 * CUfunction; it runs in a child process in case the driver does not answer with an error.
 *
 *   node dist/test/support/runtime-stale-launch-child.js --run
 *
 * Prints one JSON line: { outcome: 'ContextResetError' | 'no error' | <other error>, ... }; the
 * same for a synchronize and a query of a stream created before the reset.
 * Does nothing without `--run` (the test runner also runs it as a file).
 * @module
 */
async function main(): Promise<void> {
  const { ContextResetError, CudaError, runtime } = await import('../../src/index.js');
  const { runtimeApi } = await import('../../src/raw/runtime.js');
  const { checkRuntime } = await import('../../src/backend/driver-error.js');
  const { fixtureText } = await import('./paths.js');
  const rt = runtimeApi();
  const scope = runtime.scope('stale-launch');
  const kernel = scope.kernel(runtime.registerModule(fixtureText('runtime', 'runtime.ptx')).kernel('iota'));
  const out = scope.allocate(64);
  const stream = scope.createStream();
  kernel.launch({ grid: 1, block: 16, stream }, 16, 0, out);
  scope.synchronize();
  checkRuntime(rt.cudaSetDevice(0), 'cudaSetDevice');
  checkRuntime(rt.cudaDeviceReset(), 'cudaDeviceReset');
  const report: Record<string, unknown> = {};
  try {
    kernel.launch({ grid: 1, block: 16 }, 16, 0, out.pointer); // a raw address: no buffer notices first
    report['outcome'] = 'no error';
  } catch (e) {
    report['outcome'] = e instanceof ContextResetError ? 'ContextResetError' : `${(e as Error).name}`;
    report['message'] = (e as Error).message;
    if (e instanceof CudaError && e.cause instanceof CudaError) report['cause'] = e.cause.codeName;
  }
  // A stale stream: nothing is checked before cuStreamSynchronize/cuStreamQuery on a created stream.
  for (const [key, wait] of [['streamSynchronize', () => stream.synchronize()], ['streamQuery', () => stream.query()]] as const) {
    try {
      wait();
      report[key] = 'no error';
    } catch (e) {
      report[key] = e instanceof ContextResetError ? 'ContextResetError' : `${(e as Error).name}: ${(e as Error).message}`;
    }
  }
  try {
    scope.synchronize();
    report['next'] = 'no error';
  } catch (e) {
    report['next'] = e instanceof ContextResetError ? 'ContextResetError' : (e as Error).name;
  }
  scope.recover();
  const fresh = scope.allocate(64);
  scope.kernel(runtime.registerModule(fixtureText('runtime', 'runtime.ptx')).kernel('iota')).launch({ grid: 1, block: 16 }, 16, 5, fresh);
  report['recovered'] = Array.from(fresh.toArray(Int32Array)).every((v, i) => v === 5 + i);
  scope.dispose();
  console.log(JSON.stringify(report));
}

if (process.argv.includes('--run')) {
  main().catch((e: unknown) => {
    console.log(JSON.stringify({ outcome: 'crashed in JavaScript', message: e instanceof Error ? e.message : String(e) }));
    process.exitCode = 1;
  });
}
