import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePtx, postDominators } from '../../src/emu/ir/index.js';
import type { IrFunction } from '../../src/emu/ir/types.js';
import { ptxFixture } from '../fixtures/ptx/corpus.js';

const HEADER = '.version 9.0\n.target sm_90\n.address_size 64\n';

/** Lowers a kernel body and returns the kernel. */
function body(text: string): IrFunction {
  const m = compilePtx(`${HEADER}.visible .entry k()\n{\n  .reg .pred %p<4>;\n  .reg .b32 %r<8>;\n${text}\n}\n`);
  return m.kernels.get('k')!;
}

/** `[successors, ipdom, divergent, exits]` per block, compactly. */
const shape = (f: IrFunction): string[] =>
  f.blocks.map((b) => `${b.index}:[${b.successors.join(',')}]${b.exits ? 'x' : ''} ipdom=${b.ipdom}${b.divergent ? ' div' : ''}`);

test('if/else diamond reconverges at the join', () => {
  const f = body(`
  setp.lt.s32 %p1, %r1, 0;
  @%p1 bra $ELSE;
  add.s32 %r2, %r1, 1;
  bra.uni $JOIN;
$ELSE:
  add.s32 %r2, %r1, -1;
$JOIN:
  st.global.u32 [%r3], %r2;
  ret;`);
  assert.deepEqual(shape(f), ['0:[2,1] ipdom=3 div', '1:[3] ipdom=3', '2:[3] ipdom=3', '3:[]x ipdom=-1']);
  assert.deepEqual(f.blocks[2]!.labels, ['$ELSE']);
  assert.deepEqual(f.blocks[3]!.predecessors, [1, 2]);
});

test('a loop reconverges after its exit; the back edge is a successor', () => {
  const f = body(`
  mov.u32 %r1, 0;
$LOOP:
  add.s32 %r1, %r1, 1;
  setp.lt.u32 %p1, %r1, %r2;
  @%p1 bra $LOOP;
  ret;`);
  assert.deepEqual(shape(f), ['0:[1] ipdom=1', '1:[1,2] ipdom=2 div', '2:[]x ipdom=-1']);
});

test('nested loops with a break out of both', () => {
  const f = body(`
$OUTER:
  mov.u32 %r1, 0;
$INNER:
  setp.eq.u32 %p2, %r1, 7;
  @%p2 bra $DONE;
  add.s32 %r1, %r1, 1;
  setp.lt.u32 %p1, %r1, %r2;
  @%p1 bra $INNER;
  add.s32 %r3, %r3, 1;
  setp.lt.u32 %p3, %r3, %r4;
  @%p3 bra $OUTER;
$DONE:
  ret;`);
  // B0 outer head, B1 inner head (break test), B2 inner latch, B3 outer latch, B4 done: lanes
  // leaving the inner loop at B2 (to B3) or at B1 (the break) meet again only at B4.
  assert.deepEqual(shape(f), ['0:[1] ipdom=1', '1:[4,2] ipdom=4 div', '2:[1,3] ipdom=4 div', '3:[0,4] ipdom=4 div', '4:[]x ipdom=-1']);
});

test('guarded ret and exit are divergent exits (lanes meet again only at the function exit)', () => {
  const f = body(`
  setp.eq.u32 %p1, %r1, 0;
  @%p1 ret;
  add.s32 %r2, %r2, 1;
  @!%p2 exit;
  add.s32 %r2, %r2, 1;
  ret;
  add.s32 %r2, %r2, 1;`);
  assert.deepEqual(shape(f), ['0:[1]x ipdom=-1 div', '1:[2]x ipdom=-1 div', '2:[]x ipdom=-1', '3:[]x ipdom=-1']);
  assert.deepEqual(f.blocks[3]!.predecessors, [], 'code after ret is unreachable');
});

test('bra.uni is not divergent even when guarded; unguarded bra is not either', () => {
  const f = body(`
  @%p1 bra.uni $A;
  bra $B;
$A:
  ret;
$B:
  ret;`);
  assert.deepEqual(shape(f), ['0:[2,1] ipdom=-1', '1:[3] ipdom=3', '2:[]x ipdom=-1', '3:[]x ipdom=-1']);
});

test('an infinite loop still gets post-dominators', () => {
  const f = body(`
  setp.eq.u32 %p1, %r1, 0;
  @%p1 bra $SPIN;
  ret;
$SPIN:
  add.s32 %r1, %r1, 1;
  bra.uni $SPIN;`);
  assert.deepEqual(shape(f), ['0:[2,1] ipdom=-1 div', '1:[]x ipdom=-1', '2:[2] ipdom=-1']);
});

test('brx.idx jump tables: successors are the table entries, reconverging at the join', () => {
  const f = body(`
$T: .branchtargets $C0, $C1, $C2;
  brx.idx %r1, $T;
$C0:
  mov.u32 %r2, 10;
  bra.uni $J;
$C1:
  mov.u32 %r2, 11;
  bra.uni $J;
$C2:
  mov.u32 %r2, 12;
$J:
  ret;`);
  assert.deepEqual(shape(f), ['0:[1,2,3] ipdom=4 div', '1:[4] ipdom=4', '2:[4] ipdom=4', '3:[4] ipdom=4', '4:[]x ipdom=-1']);
  const brx = f.blocks[0]!.instructions[0]!;
  assert.deepEqual(brx.operands[1], { kind: 'targets', name: '$T', blocks: [1, 2, 3] });
});

test('blocks split after calls and barriers, not at unreferenced labels', () => {
  const m = compilePtx(`${HEADER}.func g() { ret; }
.visible .entry k()
{
  .reg .b32 %r<4>;
$L__tmp0:
  add.s32 %r1, %r1, 1;
$L__tmp1:
  bar.sync 0;
  add.s32 %r1, %r1, 1;
  call.uni g, ();
  add.s32 %r1, %r1, 1;
  bar.warp.sync -1;
  ret;
$L__func_end0:
}`);
  const k = m.kernels.get('k')!;
  assert.deepEqual(k.blocks.map((b) => b.instructions.map((i) => i.op)), [['add', 'bar'], ['add', 'call'], ['add', 'bar.warp.sync'], ['ret']]);
  assert.deepEqual(k.blocks[0]!.labels, ['$L__tmp0']);
});

test('a branch to a label at the end of the body gets an empty exit block', () => {
  const f = body(`
  @%p1 bra $END;
  add.s32 %r1, %r1, 1;
$END:`);
  assert.deepEqual(shape(f), ['0:[2,1] ipdom=2 div', '1:[2] ipdom=2', '2:[]x ipdom=-1']);
  assert.equal(f.blocks[2]!.instructions.length, 0);
});

test('corpus: control.ptx switch and loops reconverge inside the function', () => {
  const m = compilePtx(ptxFixture('control.ptx'));
  const k = m.kernels.get('control')!;
  const divergent = k.blocks.filter((b) => b.divergent);
  assert.ok(divergent.length >= 5);
  for (const b of divergent) {
    // The reconvergence point is reachable from every successor.
    for (const s of b.successors) assert.ok(b.ipdom === -1 || reaches(k, s, b.ipdom), `B${b.index} -> B${s} reaches B${b.ipdom}`);
  }
});

function reaches(f: IrFunction, from: number, to: number): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x === to) return true;
    for (const s of f.blocks[x]!.successors) if (!seen.has(s)) { seen.add(s); stack.push(s); }
  }
  return false;
}

/** Post-dominator sets by the textbook data-flow equations (every node must reach an exit). */
function bruteForceIpdom(succ: number[][], exits: boolean[]): number[] {
  const n = succ.length;
  const EXIT = n;
  const full = new Set(Array.from({ length: n + 1 }, (_, i) => i));
  const pdom: Set<number>[] = Array.from({ length: n }, () => new Set(full));
  for (let changed = true; changed;) {
    changed = false;
    for (let x = n - 1; x >= 0; x--) {
      let meet: Set<number> | null = exits[x] ? new Set([EXIT]) : null;
      for (const s of succ[x]!) meet = meet === null ? new Set(pdom[s]) : new Set([...meet].filter((y) => pdom[s]!.has(y)));
      const next = new Set(meet ?? []);
      next.add(x);
      if (next.size !== pdom[x]!.size || [...next].some((y) => !pdom[x]!.has(y))) { pdom[x] = next; changed = true; }
    }
  }
  return pdom.map((set, x) => {
    const strict = [...set].filter((y) => y !== x);
    // The immediate one is post-dominated by every other strict post-dominator.
    const ipdom = strict.find((c) => strict.every((o) => o === c || o === EXIT || (c !== EXIT && pdom[c]!.has(o))));
    return ipdom === undefined || ipdom === EXIT ? -1 : ipdom;
  });
}

test('postDominators agrees with the data-flow definition on random graphs (property)', () => {
  const graph = fc.integer({ min: 1, max: 14 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      extra: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 2 * n }),
      exits: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      chain: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    }));
  fc.assert(fc.property(graph, ({ n, extra, exits, chain }) => {
    const succ: number[][] = Array.from({ length: n }, () => []);
    const ex = [...exits];
    ex[n - 1] = true;
    // Keep every node able to exit: fall through to the next node unless it exits itself.
    for (let i = 0; i < n - 1; i++) if (chain[i] || !ex[i]) succ[i]!.push(i + 1);
    for (const [a, b] of extra) if (!succ[a]!.includes(b)) succ[a]!.push(b);
    const pred: number[][] = succ.map(() => []);
    succ.forEach((s, i) => s.forEach((t) => pred[t]!.push(i)));
    assert.deepEqual([...postDominators(succ, pred, ex)], bruteForceIpdom(succ, ex));
  }), { numRuns: 300 });
});
