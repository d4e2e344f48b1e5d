/**
 * Randomized interleavings (fast-check model-based testing) of scope create / upload / launch /
 * read / reset / recover / device reset (polite, forced, and behind cudajs's back) / dispose across
 * up to four scopes, shared and dedicated, checked step by step against a model: every result is
 * exact, every failure is the typed error the model predicts, and when all scopes are disposed no
 * reference, context or current context is left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ContextResetError, Device, DisposedError, ResetRefusedError, runtime, type DeviceBuffer, type Isolation, type Scope } from '../../src/index.js';
import { axpbReference, installDoubleBackend, runtimePtx } from './runtime-double.js';

const { backend } = installDoubleBackend();
const axpb = runtime.registerModule(runtimePtx()).kernel('axpb');

// Count created contexts that are still alive: none may outlive the scopes.
let liveCreated = 0;
const create = backend.contextCreate.bind(backend);
const destroy = backend.contextDestroy.bind(backend);
backend.contextCreate = (device, flags) => {
  const handle = create(device, flags);
  liveCreated++;
  return handle;
};
backend.contextDestroy = (context) => {
  destroy(context);
  liveCreated--;
};

type Status = 'live' | 'stale' | 'disposed';
interface ModelBuffer { readonly scope: number; expected: Float32Array; status: Status }
interface ModelScope { readonly isolation: Isolation; disposed: boolean; pending: boolean; holdsLive: boolean }
interface Model { readonly scopes: ModelScope[]; readonly buffers: ModelBuffer[]; steps: number }
interface Real { readonly scopes: Scope[]; readonly buffers: DeviceBuffer[] }

const MAX_SCOPES = 4;
let names = 0;

type Expected = 'ok' | typeof DisposedError | typeof ContextResetError | typeof ResetRefusedError;

/** Runs `fn` and checks it did what the model expects; returns its value on success. */
function expect<T>(what: string, expected: Expected, fn: () => T): T | undefined {
  let value: T;
  try {
    value = fn();
  } catch (e) {
    if (expected === 'ok') throw new assert.AssertionError({ message: `${what}: expected success, got ${String(e)}` });
    if (!(e instanceof expected)) throw new assert.AssertionError({ message: `${what}: expected ${expected.name}, got ${String(e)}` });
    // A plain DisposedError must not be a ContextResetError and vice versa.
    if (expected === DisposedError && e instanceof ContextResetError) throw new assert.AssertionError({ message: `${what}: expected a plain DisposedError, got ${String(e)}` });
    return undefined;
  }
  if (expected !== 'ok') throw new assert.AssertionError({ message: `${what}: expected ${expected.name}, but it succeeded` });
  return value;
}

/** What a scope call should do, from the model. */
function scopeCall(s: ModelScope): Expected {
  if (s.disposed) return DisposedError;
  return s.pending ? ContextResetError : 'ok';
}

function bufferUse(b: ModelBuffer): Expected {
  return b.status === 'disposed' ? DisposedError : b.status === 'stale' ? ContextResetError : 'ok';
}

/** Every live buffer of a shared scope dies with the primary context; holders are told. */
function primaryReset(m: Model, resetter: number | null): void {
  m.scopes.forEach((s, i) => {
    if (s.isolation !== 'shared') return;
    if (i !== resetter && s.holdsLive) s.pending = true;
    s.holdsLive = false;
  });
  for (const b of m.buffers) if (b.status === 'live' && m.scopes[b.scope]!.isolation === 'shared') b.status = 'stale';
}

/** What a scope's reset, recover or dispose does in the model. */
function releaseAll(m: Model, k: number): void {
  const s = m.scopes[k]!;
  for (const b of m.buffers) if (b.scope === k && b.status === 'live') b.status = 'disposed';
  s.pending = false;
  s.holdsLive = false;
}

const pickScope = (m: Model, k: number): number => k % m.scopes.length;

function pickBuffer(m: Model, k: number, j: number): number | undefined {
  const mine = m.buffers.flatMap((b, i) => (b.scope === k ? [i] : []));
  return mine.length === 0 ? undefined : mine[j % mine.length];
}

class CreateScope implements fc.Command<Model, Real> {
  constructor(readonly isolation: Isolation) {}
  check(m: Readonly<Model>): boolean {
    return m.scopes.length < MAX_SCOPES;
  }
  run(m: Model, r: Real): void {
    r.scopes.push(runtime.scope(`interleaved-${++names}`, { isolation: this.isolation }));
    m.scopes.push({ isolation: this.isolation, disposed: false, pending: false, holdsLive: false });
    m.steps++;
  }
  toString(): string {
    return `scope(${this.isolation})`;
  }
}

class Upload implements fc.Command<Model, Real> {
  constructor(readonly k: number, readonly values: readonly number[], readonly viaRuntime: boolean) {}
  check(m: Readonly<Model>): boolean {
    return m.scopes.length > 0;
  }
  run(m: Model, r: Real): void {
    const k = pickScope(m, this.k);
    const s = m.scopes[k]!;
    const data = Float32Array.from(this.values);
    const scope = r.scopes[k]!;
    const buffer = expect(this.toString(), scopeCall(s), () => (this.viaRuntime ? scope.run(() => runtime.upload(data)) : scope.upload(data)));
    if (buffer) {
      r.buffers.push(buffer);
      m.buffers.push({ scope: k, expected: data, status: 'live' });
      s.holdsLive = true;
    }
    m.steps++;
  }
  toString(): string {
    return `upload(s${this.k}, ${this.values.length} values${this.viaRuntime ? ', runtime.upload in run()' : ''})`;
  }
}

class Launch implements fc.Command<Model, Real> {
  constructor(readonly k: number, readonly j: number, readonly a: number, readonly b: number, readonly viaRuntime: boolean) {}
  check(m: Readonly<Model>): boolean {
    return m.scopes.length > 0 && pickBuffer(m as Model, pickScope(m as Model, this.k), this.j) !== undefined;
  }
  run(m: Model, r: Real): void {
    const k = pickScope(m, this.k);
    const i = pickBuffer(m, k, this.j)!;
    const s = m.scopes[k]!;
    const mb = m.buffers[i]!;
    const x = r.buffers[i]!;
    const n = mb.expected.length;
    const config = { grid: Math.ceil(n / 32), block: 32 };
    const scope = r.scopes[k]!;
    let expected = scopeCall(s);
    if (expected === 'ok') {
      s.holdsLive = true; // the scope acquires its context before the argument is looked at
      expected = bufferUse(mb);
    }
    const done = expect(this.toString(), expected, () => {
      if (this.viaRuntime) scope.run(() => axpb.launch(config, n, this.a, this.b, x));
      else scope.kernel(axpb).launch(config, n, this.a, this.b, x);
      return true;
    });
    if (done) mb.expected = axpbReference(mb.expected, this.a, this.b);
    m.steps++;
  }
  toString(): string {
    return `launch(s${this.k}, buffer ${this.j}, a=${this.a}, b=${this.b}${this.viaRuntime ? ', registered kernel in run()' : ', scope.kernel()'})`;
  }
}

class Read implements fc.Command<Model, Real> {
  constructor(readonly k: number, readonly j: number) {}
  check(m: Readonly<Model>): boolean {
    return m.scopes.length > 0 && pickBuffer(m as Model, pickScope(m as Model, this.k), this.j) !== undefined;
  }
  run(m: Model, r: Real): void {
    const i = pickBuffer(m, pickScope(m, this.k), this.j)!;
    const mb = m.buffers[i]!;
    const got = expect(this.toString(), bufferUse(mb), () => r.buffers[i]!.toArray(Float32Array));
    if (got) assert.deepEqual(got, mb.expected, `${this.toString()}: wrong result`);
    m.steps++;
  }
  toString(): string {
    return `read(s${this.k}, buffer ${this.j})`;
  }
}

class ScopeReset implements fc.Command<Model, Real> {
  constructor(readonly k: number, readonly recover: boolean) {}
  check(m: Readonly<Model>): boolean {
    return m.scopes.length > 0;
  }
  run(m: Model, r: Real): void {
    const k = pickScope(m, this.k);
    const s = m.scopes[k]!;
    const scope = r.scopes[k]!;
    const done = expect(this.toString(), s.disposed ? DisposedError : 'ok', () => (this.recover ? scope.recover() : scope.reset(), true));
    if (done) releaseAll(m, k);
    m.steps++;
  }
  toString(): string {
    return `${this.recover ? 'recover' : 'reset'}(s${this.k})`;
  }
}

class ResetDevice implements fc.Command<Model, Real> {
  constructor(readonly k: number, readonly force: boolean) {}
  check(m: Readonly<Model>): boolean {
    return m.scopes.length > 0;
  }
  run(m: Model, r: Real): void {
    const k = pickScope(m, this.k);
    const s = m.scopes[k]!;
    const scope = r.scopes[k]!;
    let expected: Expected = s.disposed ? DisposedError : 'ok';
    const others = m.scopes.some((o, i) => i !== k && !o.disposed && o.isolation === 'shared' && o.holdsLive);
    if (expected === 'ok' && s.isolation === 'shared' && others && !this.force) expected = ResetRefusedError;
    const done = expect(this.toString(), expected, () => (scope.resetDevice({ force: this.force }), true));
    if (done) {
      if (s.isolation === 'dedicated') releaseAll(m, k);
      else {
        primaryReset(m, k);
        s.pending = false;
      }
    }
    m.steps++;
  }
  toString(): string {
    return `resetDevice(s${this.k}${this.force ? ', force' : ''})`;
  }
}

class ForeignReset implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model): void {
    backend.primaryContextReset(0); // another native library's cudaDeviceReset
    primaryReset(m, null);
    m.steps++;
  }
  toString(): string {
    return 'cudaDeviceReset() behind cudajs';
  }
}

class Dispose implements fc.Command<Model, Real> {
  constructor(readonly k: number) {}
  check(m: Readonly<Model>): boolean {
    return m.scopes.length > 0;
  }
  run(m: Model, r: Real): void {
    const k = pickScope(m, this.k);
    r.scopes[k]!.dispose(); // idempotent: never throws
    if (!m.scopes[k]!.disposed) releaseAll(m, k);
    m.scopes[k]!.disposed = true;
    m.steps++;
  }
  toString(): string {
    return `dispose(s${this.k})`;
  }
}

class Stats implements fc.Command<Model, Real> {
  constructor(readonly k: number) {}
  check(m: Readonly<Model>): boolean {
    return m.scopes.length > 0;
  }
  run(m: Model, r: Real): void {
    const k = pickScope(m, this.k);
    const s = m.scopes[k]!;
    if (s.disposed) return;
    const stats = r.scopes[k]!.stats();
    const live = m.buffers.filter((b) => b.scope === k && b.status === 'live').length;
    assert.equal(stats.buffers, live, `${this.toString()}: buffers`);
    assert.equal(stats.resetPending, s.pending, `${this.toString()}: resetPending`);
    if (s.isolation === 'shared') assert.equal(stats.contextReferences > 0 && !stats.resetPending, s.holdsLive, `${this.toString()}: holds the primary context`);
  }
  toString(): string {
    return `stats(s${this.k})`;
  }
}

const scopeIndex = fc.nat(MAX_SCOPES - 1);
const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -4, max: 4 });
const commands = [
  fc.constantFrom<Isolation>('shared', 'shared', 'dedicated').map((i) => new CreateScope(i)),
  fc.tuple(scopeIndex, fc.array(f32, { minLength: 1, maxLength: 40 }), fc.boolean()).map(([k, v, rt]) => new Upload(k, v, rt)),
  fc.tuple(scopeIndex, fc.nat(7), f32, f32, fc.boolean()).map(([k, j, a, b, rt]) => new Launch(k, j, a, b, rt)),
  fc.tuple(scopeIndex, fc.nat(7), f32, f32, fc.boolean()).map(([k, j, a, b, rt]) => new Launch(k, j, a, b, rt)),
  fc.tuple(scopeIndex, fc.nat(7)).map(([k, j]) => new Read(k, j)),
  fc.tuple(scopeIndex, fc.nat(7)).map(([k, j]) => new Read(k, j)),
  fc.tuple(scopeIndex, fc.boolean()).map(([k, rec]) => new ScopeReset(k, rec)),
  fc.tuple(scopeIndex, fc.boolean()).map(([k, force]) => new ResetDevice(k, force)),
  fc.constant(new ForeignReset()),
  scopeIndex.map((k) => new Dispose(k)),
  scopeIndex.map((k) => new Stats(k)),
];

const RUNS = 1000;
const MAX_COMMANDS = 80;

test(`interleavings of scope operations and resets: ${RUNS} runs × up to ${MAX_COMMANDS} steps × up to ${MAX_SCOPES} scopes`, () => {
  let steps = 0;
  const initial = fc.array(fc.constantFrom<Isolation>('shared', 'shared', 'dedicated'), { minLength: 1, maxLength: MAX_SCOPES });
  fc.assert(fc.property(initial, fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' }), (isolations, cmds) => {
    const model: Model = { scopes: [], buffers: [], steps: 0 };
    const real: Real = { scopes: [], buffers: [] };
    try {
      for (const isolation of isolations) new CreateScope(isolation).run(model, real);
      fc.modelRun(() => ({ model, real }), cmds);
    } finally {
      for (const s of real.scopes) s.dispose();
      steps += model.steps;
    }
    for (const [i, b] of real.buffers.entries()) {
      assert.throws(() => b.toArray(Float32Array), DisposedError, `buffer ${i} is unusable once its scope is gone`);
    }
    assert.equal(Device.get(0).primaryContextState().retainedByCudajs, 0, 'no primary reference left');
    assert.equal(backend.primaryContextState(0).active, false, 'the primary context is not kept alive');
    assert.equal(liveCreated, 0, 'no created context left');
    assert.equal(backend.contextGetCurrent(), null, 'nothing left current on the thread');
  }), { numRuns: RUNS });
  console.log(`# interleavings: ${RUNS} runs, ${steps} steps in all`);
});
