import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { repoPath } from '../support/paths.js';

test('the README shows examples/saxpy.ts as it is', () => {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const example = readFileSync(repoPath('examples', 'saxpy.ts'), 'utf8');
  const body = example.slice(example.indexOf('\n') + 1);
  assert.ok(readme.includes('```ts\n' + body + '```'), 'README.md and examples/saxpy.ts differ');
});

test('the README names the two setup commands that package.json defines', () => {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const scripts = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(readme, /npm install && npm run demo/);
  assert.match(readme, /npm test/);
  assert.ok(scripts['demo'] && scripts['test']);
  const ci = readFileSync(repoPath('.ci', 'run'), 'utf8');
  assert.match(ci, /^npm test$/m, '.ci/run calls the README\'s test command');
});
