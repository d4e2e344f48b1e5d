/**
 * A unit of generated code (one basic block for the JIT, one instruction for the interpreter):
 * the names it hoists from the warp and frame, the helper functions it calls, and its compilation
 * with `new Function`.
 *
 * Generated code sees these parameters: `w` (the warp, `runtime/warp.ts`), `f` (the current
 * frame, `runtime/frame.ts`) and `mask` (the lanes to run), and returns the lanes for which the
 * unit's terminator is taken (see `runtime/runner.ts`). Everything else is hoisted at its top
 * from `w` and `f` under the short names of {@link HOISTS}, or passed in as a helper.
 * @module
 */
import { InternalError } from '../errors.js';

/** Hoistable names and their initializers, in declaration order (later ones may use earlier ones). */
export const HOISTS: ReadonlyMap<string, string> = new Map([
  // Register banks of the current frame (codegen/registers.ts).
  ['P', 'f.pred'], ['H', 'f.u16'], ['HS', 'f.i16'], ['I', 'f.i32'], ['U', 'f.u32'], ['F', 'f.f32'],
  ['D', 'f.f64'], ['Q', 'f.q32'], ['A', 'f.addr'], ['CC', 'f.carry'], ['DN', 'h.F64_NAN'],
  // The frame's parameter frame (one `stride`-byte record per lane) and local stack base.
  ['FP8', 'f.params.u8'], ['FP16', 'f.params.u16'], ['FP32', 'f.params.i32'], ['FPD', 'f.params.f64'],
  ['FS', 'f.params.stride'], ['LB', 'f.localBase'],
  // The warp, its CTA and the launch.
  ['C', 'w.cta'], ['K', 'w.launch'], ['M', 'w.launch.mem'], ['X', 'w.scratch'],
  ['TX', 'w.tidX'], ['TY', 'w.tidY'], ['TZ', 'w.tidZ'],
  // Global memory: the per-instruction allocation cache and views of the device store.
  ['IC', 'M.cache'], ['GB', 'M.gBase'], ['G8', 'M.g.u8'], ['Gs8', 'M.g.i8'], ['G16', 'M.g.u16'], ['Gs16', 'M.g.i16'],
  ['G32', 'M.g.i32'], ['GF', 'M.g.f32'], ['GD', 'M.g.f64'], ['MG', 'M.g'],
  // Shared memory of the warp's CTA.
  ['SS', 'C.sharedBytes'], ['S8', 'C.shared.u8'], ['Ss8', 'C.shared.i8'], ['S16', 'C.shared.u16'], ['Ss16', 'C.shared.i16'],
  ['S32', 'C.shared.i32'], ['SF', 'C.shared.f32'], ['SD', 'C.shared.f64'], ['MS', 'C.shared'],
  // Local memory: the CTA's per-thread stacks, `LS` bytes each; `LT` is the warp's first thread's stack.
  ['LS', 'K.localStride'], ['LT', 'w.localBase'], ['L8', 'C.local.u8'], ['Ls8', 'C.local.i8'], ['L16', 'C.local.u16'],
  ['Ls16', 'C.local.i16'], ['L32', 'C.local.i32'], ['LF', 'C.local.f32'], ['LD', 'C.local.f64'], ['ML', 'C.local'],
  // The launch's kernel parameter buffer.
  ['KS', 'K.paramBytes'], ['KP8', 'K.params.u8'], ['KPs8', 'K.params.i8'], ['KP16', 'K.params.u16'], ['KPs16', 'K.params.i16'],
  ['KP32', 'K.params.i32'], ['KPF', 'K.params.f32'], ['KPD', 'K.params.f64'], ['MK', 'K.params'],
  ['FPs8', 'f.params.i8'], ['FPs16', 'f.params.i16'], ['FPF', 'f.params.f32'],
]);

const HOIST_ORDER: readonly string[] = [...HOISTS.keys()];
/** Hoists that other hoists' initializers use. */
const HOIST_DEPENDENCIES: ReadonlyMap<string, readonly string[]> = new Map([
  ['IC', ['M']], ['GB', ['M']], ['G8', ['M']], ['Gs8', ['M']], ['G16', ['M']], ['Gs16', ['M']], ['G32', ['M']], ['GF', ['M']], ['GD', ['M']], ['MG', ['M']],
  ['SS', ['C']], ['S8', ['C']], ['Ss8', ['C']], ['S16', ['C']], ['Ss16', ['C']], ['S32', ['C']], ['SF', ['C']], ['SD', ['C']], ['MS', ['C']],
  ['LS', ['K']], ['L8', ['C']], ['Ls8', ['C']], ['L16', ['C']], ['Ls16', ['C']], ['L32', ['C']], ['LF', ['C']], ['LD', ['C']], ['ML', ['C']],
  ['KS', ['K']], ['KP8', ['K']], ['KPs8', ['K']], ['KP16', ['K']], ['KPs16', ['K']], ['KP32', ['K']], ['KPF', ['K']], ['KPD', ['K']], ['MK', ['K']],
]);

/** Helper functions available to generated code, by name (num exports plus the engine's own). */
export type HelperTable = Readonly<Record<string, unknown>>;

/** The signature of compiled units. */
export type UnitFunction = (w: unknown, f: unknown, mask: number) => number;

/** Accumulates what one generated unit needs. */
export class CodeUnit {
  readonly #hoisted = new Set<string>();
  readonly #helpers = new Set<string>();
  readonly #locals = new Map<string, string>();
  readonly #helperTable: HelperTable;

  constructor(helperTable: HelperTable) {
    this.#helperTable = helperTable;
  }

  /** Declares that the code uses hoisted name `name`; returns it. */
  use(name: string): string {
    if (!HOISTS.has(name)) throw new InternalError(`unknown hoisted name ${name}`);
    if (!this.#hoisted.has(name)) {
      for (const d of HOIST_DEPENDENCIES.get(name) ?? []) this.use(d);
      this.#hoisted.add(name);
    }
    return name;
  }

  /** Declares that the code calls helper `name`; returns the identifier to call it by. */
  helper(name: string): string {
    if (!(name in this.#helperTable)) throw new InternalError(`unknown helper ${name}`);
    this.#helpers.add(name);
    return `h$${name}`;
  }

  /**
   * Declares a `let` at the top of the unit (after the hoisted names), once: for values generated
   * code keeps across lanes, such as the bounds of an instruction's allocation cache entry.
   */
  local(name: string, init: string): string {
    if (!this.#locals.has(name)) this.#locals.set(name, init);
    return name;
  }

  /** The declarations of every hoisted name and helper used. */
  prelude(): string {
    const lines: string[] = [];
    for (const name of this.#helpers) lines.push(`const h$${name} = h.${name};`);
    for (const name of HOIST_ORDER) {
      if (!this.#hoisted.has(name)) continue;
      lines.push(`const ${name} = ${HOISTS.get(name)!};`);
    }
    for (const [name, init] of this.#locals) lines.push(`let ${name} = ${init};`);
    return lines.join('\n');
  }

  /**
   * Compiles `body` (which may use `w`, `f`, `mask` and the declared names) into a unit function.
   * @param label - A name for stack traces and debugging.
   */
  compile(body: string, label: string): UnitFunction {
    const source = `${this.prelude()}\n${body}`;
    const name = label.replace(/[^A-Za-z0-9_$]/g, '_');
    try {
      const factory = new Function('h', `return function ${name}(w, f, mask) {\n${source}\n};`) as (h: HelperTable) => UnitFunction;
      return factory(this.#helperTable);
    } catch (e) {
      throw new InternalError(`generated code for ${label} does not compile: ${(e as Error).message}\n${source}`);
    }
  }
}
