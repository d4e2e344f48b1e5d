/**
 * Control-flow graph construction and post-dominators.
 *
 * Blocks start at branch targets and after every instruction that transfers control or may
 * suspend the warp: branches, `ret`/`exit`/`trap`, `call`, and barriers (so an engine never has
 * to stop in the middle of a block). Labels that no branch names (debug labels such as
 * `$L__tmp0`) do not split blocks.
 *
 * Immediate post-dominators are computed on the reverse CFG with the Cooper–Harvey–Kennedy
 * iterative algorithm, with a virtual exit node that every exiting block reaches. Blocks that
 * cannot reach an exit (infinite loops) get a virtual exit edge from the highest-numbered block
 * of each such region, so every block has a post-dominator.
 * @module
 */
import type { IrBlock, IrInstruction } from './types.js';

/** What the CFG builder needs to know about the instructions of one function. */
export interface CfgInput {
  readonly instructions: readonly IrInstruction[];
  /** Branch target positions of each branch instruction (`bra`, `brx.idx`), by position. */
  readonly branchTargets: ReadonlyMap<number, readonly number[]>;
  /** Labels at each position (positions may equal `instructions.length`: a label at the end). */
  readonly labelsAt: ReadonlyMap<number, readonly string[]>;
}

/** The built graph. */
export interface Cfg {
  readonly blocks: IrBlock[];
  /** Block index of each instruction position (and of the end position when a block starts there). */
  readonly blockAt: Int32Array;
}

/**
 * Splits instructions into basic blocks and links them.
 */
export function buildCfg(input: CfgInput): Cfg {
  const { instructions, branchTargets, labelsAt } = input;
  const n = instructions.length;
  const leader = new Uint8Array(n + 1);
  leader[0] = 1;
  for (const targets of branchTargets.values()) for (const t of targets) leader[t] = 1;
  for (let i = 0; i < n; i++) if (instructions[i]!.decoded.flow !== null) leader[i + 1] = 1;
  // A block at the end position exists only when something branches there.
  let endTargeted = false;
  for (const targets of branchTargets.values()) if (targets.includes(n)) endTargeted = true;
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (leader[i]) starts.push(i);
  if (endTargeted || n === 0) starts.push(n);
  const blockAt = new Int32Array(n + 1).fill(-1);
  starts.forEach((s, b) => {
    const end = b + 1 < starts.length ? starts[b + 1]! : n;
    for (let i = s; i < Math.max(end, s + 1) && i <= n; i++) blockAt[i] = b;
  });

  const count = starts.length;
  const successors: number[][] = [];
  const exits: boolean[] = [];
  const divergent: boolean[] = [];
  for (let b = 0; b < count; b++) {
    const s = starts[b]!;
    const end = b + 1 < count ? starts[b + 1]! : n;
    const next = b + 1 < count ? b + 1 : -1;
    const last = end > s ? instructions[end - 1]! : null;
    const succ: number[] = [];
    let exit = false;
    let split = false;
    const guarded = last !== null && last.guard !== null;
    switch (last?.decoded.flow ?? null) {
      case 'branch': {
        for (const t of branchTargets.get(end - 1) ?? []) succ.push(blockAt[t]!);
        if (guarded) {
          if (next >= 0) succ.push(next);
          else exit = true;
        }
        split = (guarded || last!.op === 'brx.idx') && !last!.decoded.mods.uni;
        break;
      }
      case 'return':
      case 'exit':
      case 'trap':
        exit = true;
        if (guarded) {
          if (next >= 0) succ.push(next);
          split = true;
        }
        break;
      default:
        if (next >= 0) succ.push(next);
        else exit = true;
    }
    successors.push([...new Set(succ)]);
    exits.push(exit);
    divergent.push(split && successors[b]!.length + (exit ? 1 : 0) > 1);
  }
  const predecessors: number[][] = successors.map(() => []);
  successors.forEach((succ, b) => { for (const t of succ) predecessors[t]!.push(b); });
  const ipdom = postDominators(successors, predecessors, exits);

  const blocks: IrBlock[] = [];
  for (let b = 0; b < count; b++) {
    const s = starts[b]!;
    const end = b + 1 < count ? starts[b + 1]! : n;
    blocks.push({
      index: b,
      labels: labelsAt.get(s) ?? [],
      instructions: instructions.slice(s, end),
      successors: successors[b]!,
      predecessors: predecessors[b]!,
      exits: exits[b]!,
      ipdom: ipdom[b]!,
      divergent: divergent[b]!,
    });
  }
  return { blocks, blockAt };
}

/**
 * Immediate post-dominators of a graph.
 * @param successors - Successors of each node.
 * @param predecessors - Predecessors of each node.
 * @param exits - Whether each node has an edge to the (virtual) exit.
 * @returns For each node, its immediate post-dominator, or -1 when that is the virtual exit.
 */
export function postDominators(
  successors: readonly (readonly number[])[],
  predecessors: readonly (readonly number[])[],
  exits: readonly boolean[],
): Int32Array {
  const n = successors.length;
  const EXIT = n;
  // Roots of the reverse graph: exiting nodes, plus one node per region that cannot exit.
  const roots: number[] = [];
  for (let b = 0; b < n; b++) if (exits[b]) roots.push(b);
  const seen = new Uint8Array(n);
  const reach = (from: number): void => {
    const stack = [from];
    seen[from] = 1;
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (const p of predecessors[x]!) if (!seen[p]) { seen[p] = 1; stack.push(p); }
    }
  };
  for (const r of roots) if (!seen[r]) reach(r);
  for (let b = n - 1; b >= 0; b--) {
    if (!seen[b]) { roots.push(b); reach(b); }
  }
  const isRoot = new Uint8Array(n);
  for (const r of roots) isRoot[r] = 1;

  // Post-order of the reverse graph from the virtual exit (iterative DFS).
  const order = new Int32Array(n + 1); // node → post-order number
  const byOrder: number[] = [];
  const visited = new Uint8Array(n + 1);
  const stack: number[] = [EXIT];
  const cursor: number[] = [0];
  visited[EXIT] = 1;
  const reverseSuccessors = (x: number): readonly number[] => (x === EXIT ? roots : predecessors[x]!);
  while (stack.length > 0) {
    const x = stack[stack.length - 1]!;
    const next = reverseSuccessors(x);
    const c = cursor[cursor.length - 1]!;
    if (c < next.length) {
      cursor[cursor.length - 1] = c + 1;
      const y = next[c]!;
      if (!visited[y]) { visited[y] = 1; stack.push(y); cursor.push(0); }
    } else {
      stack.pop();
      cursor.pop();
      order[x] = byOrder.length;
      byOrder.push(x);
    }
  }

  // Cooper–Harvey–Kennedy on the reverse graph: a node's "predecessors" there are its successors.
  const idom = new Int32Array(n + 1).fill(-2);
  idom[EXIT] = EXIT;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = byOrder.length - 2; k >= 0; k--) {
      const x = byOrder[k]!;
      let d = -2;
      if (isRoot[x]) d = EXIT;
      for (const s of successors[x]!) {
        if (idom[s] === -2) continue;
        d = d === -2 ? s : intersect(s, d);
      }
      if (d !== -2 && idom[x] !== d) { idom[x] = d; changed = true; }
    }
  }
  const out = new Int32Array(n);
  for (let b = 0; b < n; b++) out[b] = idom[b] === EXIT || idom[b]! < 0 ? -1 : idom[b]!;
  return out;
}
