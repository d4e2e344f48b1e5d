/**
 * Runs every corpus case that is expected to succeed on this process's backend and writes each
 * output's bytes to `<dir>/<case>.<output>.bin`, then prints the list of files as JSON. The GPU
 * differential test runs it with CUDAJS_DEVICE=emu to compare the emulated device with the GPU.
 *
 *   node dist/test/support/dump-corpus.js <dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Device } from '../../src/index.js';
import { ALL_CASES } from '../kernels/corpus.js';
import { launchCase, readOutputs } from './corpus-runner.js';

const dir = process.argv[2];
if (dir) {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  using ctx = Device.get(0).primaryContext();
  for (const c of ALL_CASES.filter((k) => !k.expectError)) {
    using launched = launchCase(ctx, c);
    for (const [name, bytes] of readOutputs(c, launched)) {
      const file = join(dir, `${c.name}.${name}.bin`);
      writeFileSync(file, bytes);
      written.push(file);
    }
  }
  process.stdout.write(`${JSON.stringify({ written: written.length })}\n`);
}
