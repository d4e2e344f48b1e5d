/**
 * `node dist/tools/gen-bindings/main.js [--check] [--include <dir>] [--root <dir>]`
 *
 * Regenerates the raw bindings in src/raw from the CUDA headers (by default `$CUDA_PATH/include`,
 * else /usr/local/cuda/include) and nccl.h (`$NCCL_HOME/include`, else /usr/include, else the
 * vendored copy in tools/gen-bindings/vendor). With `--check`, writes nothing: compares the
 * generated text with the committed files and exits with status 1, naming each file that differs.
 * `--root` replaces the repository root (for tests).
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAll } from './generate.js';
import { TARGETS } from './targets.js';

/** The repository root (this file runs as dist/tools/gen-bindings/main.js). */
const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The default directory of the CUDA headers. */
export function defaultIncludeRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['CUDA_PATH'] ?? env['CUDA_HOME'] ?? '/usr/local/cuda';
  return join(base, 'include');
}

function option(argv: readonly string[], name: string): string | undefined {
  const k = argv.indexOf(name);
  return k >= 0 ? argv[k + 1] : undefined;
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const includeRoot = option(argv, '--include') ?? defaultIncludeRoot();
  const root = option(argv, '--root') ?? REPOSITORY_ROOT;
  if (!existsSync(join(includeRoot, 'cuda.h'))) {
    console.error(`gen-bindings: no cuda.h in ${includeRoot} (use --include <dir> or set CUDA_PATH)`);
    return 2;
  }
  const files = generateAll(includeRoot);
  let differs = 0;
  for (const [path, content] of files) {
    const absolute = join(root, path);
    if (check) {
      const current = existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
      if (current !== content) {
        differs++;
        console.error(`gen-bindings: ${path} ${current === undefined ? 'is missing' : 'differs from the generated text'}`);
      }
    } else {
      writeFileSync(absolute, content);
      console.log(`gen-bindings: wrote ${path} (${content.length} bytes)`);
    }
  }
  const elsewhere = TARGETS.flatMap((t) => {
    if (!t.locate) return [];
    const where = t.locate(includeRoot, process.env);
    return [`${t.header} from ${where.root} (${where.foundBy})`];
  });
  const sources = [includeRoot, ...elsewhere].join('; ');
  if (check && differs === 0) console.log(`gen-bindings: ${files.size} files up to date with ${sources}`);
  else if (!check) console.log(`gen-bindings: read ${sources}`);
  return differs > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
