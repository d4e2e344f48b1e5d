/**
 * Runs one corpus case in this process and prints `{"codeName": …}` (or `{"codeName": null}` when
 * it succeeded). Negative cases run here, one per process, because a kernel fault is sticky for
 * the whole device for the rest of the process — on the GPU and on the emulated device alike.
 *
 *   node dist/test/support/run-case.js <case name>
 */
import { CudaError, Device } from '../../src/index.js';
import { caseNamed } from '../kernels/corpus.js';
import { launchCase } from './corpus-runner.js';

const name = process.argv[2] ?? '';
let codeName: string | null = null;
// `node --test dist/test/` also runs this file, without a case name: nothing to do then.
if (name === '') process.exit(0);
try {
  using ctx = Device.get(0).primaryContext();
  using launched = launchCase(ctx, caseNamed(name));
  void launched;
} catch (e) {
  if (!(e instanceof CudaError)) throw e;
  codeName = e.codeName;
}
process.stdout.write(`${JSON.stringify({ codeName })}\n`);
