/**
 * Argument marshalling, compiled once per kernel signature.
 *
 * {@link compileLaunch} generates one JavaScript function per kernel with a fixed arity
 * (`launch(config, a0, a1, …)`) that checks each argument against its declared type and writes it
 * straight into the kernel's preallocated parameter block. A launch therefore allocates nothing:
 * no rest array, no per-argument closure, no temporary BigInt for numbers written to 64-bit slots.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { bf16Bits, f16Bits } from './half.js';
import { describeValue, DeviceBuffer } from './memory.js';
import { typeName, type ParamSpec, type ParamType, type ScalarTypeName } from './param-types.js';

/** A value accepted for a kernel argument; which ones a parameter takes depends on its type. */
export type KernelArgument =
  | number
  | bigint
  | boolean
  | null
  | DeviceBuffer
  | ArrayBufferView
  | ArrayBuffer
  | { readonly [field: string]: KernelArgument | readonly KernelArgument[] };

/** What the compiled launch function calls around the marshalling. */
export interface LaunchHooks<Config> {
  /** Validates the configuration and the argument count; runs before any argument is written. */
  begin(config: Config, argumentCount: number): void;
  /** Submits the launch once every argument is written. */
  submit(): void;
}

/** The signature of a compiled launch function. */
export type CompiledLaunch<Config> = (config: Config, ...args: KernelArgument[]) => void;

const INT_RANGES: Readonly<Partial<Record<ScalarTypeName, readonly [number, number, string]>>> = {
  i8: [-0x80, 0xff, 'setInt8'], u8: [-0x80, 0xff, 'setInt8'],
  i16: [-0x8000, 0xffff, 'setInt16'], u16: [-0x8000, 0xffff, 'setInt16'],
  i32: [-0x80000000, 0xffffffff, 'setInt32'], u32: [-0x80000000, 0xffffffff, 'setInt32'],
};

const MIN_I64 = -(2n ** 63n);
const MAX_U64 = 2n ** 64n - 1n;

/** Runtime helpers the generated code calls on its slow and error paths. */
interface Helpers {
  readonly bad: (index: number, path: string, type: string, expected: string, value: unknown) => never;
  readonly bigToInt: (value: bigint, bits: number, index: number, path: string, type: string) => number;
  readonly check64: (value: bigint, index: number, path: string, type: string) => void;
  readonly buffer: (value: DeviceBuffer, index: number, path: string) => bigint;
  readonly copyBytes: (bytes: Uint8Array, offset: number, value: unknown, size: number, index: number, path: string, type: string) => boolean;
  readonly checkFields: (value: object, fields: ReadonlySet<string>, index: number, path: string, type: string) => void;
  readonly f16Bits: (x: number) => number;
  readonly bf16Bits: (x: number) => number;
  readonly DeviceBuffer: typeof DeviceBuffer;
}

function makeHelpers(call: string): Helpers {
  const fail = (index: number, path: string, type: string, expected: string, got: string): never => {
    throw new InvalidArgumentError(call, `argument ${index} (${path}: ${type}) expects ${expected}, got ${got}`);
  };
  const bad = (index: number, path: string, type: string, expected: string, value: unknown): never =>
    fail(index, path, type, expected, describeValue(value));
  return {
    bad,
    bigToInt(value, bits, index, path, type) {
      const min = -(1n << BigInt(bits - 1));
      const max = (1n << BigInt(bits)) - 1n;
      if (value < min || value > max) bad(index, path, type, `an integer that fits in ${bits} bits`, value);
      return Number(BigInt.asIntN(bits, value));
    },
    check64(value, index, path, type) {
      if (value < MIN_I64 || value > MAX_U64) bad(index, path, type, 'an integer that fits in 64 bits', value);
    },
    buffer(value, index, path) {
      if (!value.usable) value.assertLive(`${call}, argument ${index} (${path})`);
      return value.pointer;
    },
    copyBytes(bytes, offset, value, size, index, path, type) {
      let source: Uint8Array;
      if (value instanceof ArrayBuffer) source = new Uint8Array(value);
      else if (ArrayBuffer.isView(value)) source = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      else return false;
      if (source.byteLength !== size) fail(index, path, type, `exactly ${size} bytes`, `${source.byteLength} bytes`);
      bytes.set(source, offset);
      return true;
    },
    checkFields(value, fields, index, path, type) {
      for (const key in value) {
        if (!fields.has(key)) bad(index, path, type, `only the fields ${[...fields].join(', ')}`, `a field '${key}'`);
      }
    },
    f16Bits,
    bf16Bits,
    DeviceBuffer,
  };
}

/** Generates the statements that check `value` (a JS expression) and write it at `offset`. */
class Generator {
  #next = 0;
  readonly constants: unknown[] = [];

  fresh(prefix: string): string {
    return `${prefix}${this.#next++}`;
  }

  /** A reference to a constant value passed into the generated function. */
  constant(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  write(type: ParamType, value: string, offset: string, index: number, path: string): string {
    const where = `${index}, ${JSON.stringify(path)}`;
    const ctx = `${where}, ${JSON.stringify(typeName(type))}`;
    if (typeof type === 'string') return this.scalar(type, value, offset, where, ctx);
    switch (type.kind) {
      case 'bytes':
        return `if (!H.copyBytes(bytes, ${offset}, ${value}, ${type.size}, ${ctx})) H.bad(${ctx}, 'a Uint8Array, TypedArray or ArrayBuffer of ${type.size} bytes', ${value});\n`;
      case 'struct': {
        const names = this.constant(new Set(type.fields.map((f) => f.name)));
        const local = this.fresh('s');
        const fields = type.fields
          .map((f) => this.write(f.type, `${local}[${JSON.stringify(f.name)}]`, `${offset} + ${f.offset}`, index, `${path}.${f.name}`))
          .join('');
        return `if (!H.copyBytes(bytes, ${offset}, ${value}, ${type.size}, ${ctx})) {\n` +
          `const ${local} = ${value};\n` +
          `if (typeof ${local} !== 'object' || ${local} === null) H.bad(${ctx}, 'an object with fields ${type.fields.map((f) => f.name).join(', ')}', ${local});\n` +
          `H.checkFields(${local}, ${names}, ${ctx});\n${fields}}\n`;
      }
      case 'array': {
        const j = this.fresh('j');
        const local = this.fresh('s');
        const elementSize = type.size / type.length;
        const element = this.write(type.element, `${local}[${j}]`, `${offset} + ${j} * ${elementSize}`, index, `${path}[]`);
        return `if (!H.copyBytes(bytes, ${offset}, ${value}, ${type.size}, ${ctx})) {\n` +
          `const ${local} = ${value};\n` +
          `if (!Array.isArray(${local}) || ${local}.length !== ${type.length}) H.bad(${ctx}, 'an array of ${type.length} elements', ${local});\n` +
          `for (let ${j} = 0; ${j} < ${type.length}; ${j}++) {\n${element}}\n}\n`;
      }
    }
  }

  /** `where` is the argument's `index, "path"`; `ctx` adds its type name. */
  scalar(type: ScalarTypeName, v: string, o: string, where: string, ctx: string): string {
    switch (type) {
      case 'bool':
        return `if (${v} === true || ${v} === 1) view.setUint8(${o}, 1); else if (${v} === false || ${v} === 0) view.setUint8(${o}, 0); else H.bad(${ctx}, 'a boolean', ${v});\n`;
      case 'f32':
      case 'f64':
        return `if (typeof ${v} === 'number') view.setFloat${type.slice(1)}(${o}, ${v}, true); else H.bad(${ctx}, 'a number', ${v});\n`;
      case 'f16':
      case 'bf16':
        return `if (typeof ${v} === 'number') view.setUint16(${o}, H.${type}Bits(${v}), true); else H.bad(${ctx}, 'a number', ${v});\n`;
      case 'i64':
      case 'u64':
      case 'ptr': {
        const buffers = `else if (${v} instanceof H.DeviceBuffer) view.setBigUint64(${o}, H.buffer(${v}, ${where}), true);\nelse if (${v} === null) view.setBigUint64(${o}, 0n, true);\n`;
        const expected = type === 'ptr' || type === 'u64' ? 'an integer, a bigint, a DeviceBuffer or null' : 'an integer or a bigint';
        return `if (typeof ${v} === 'number' && Number.isSafeInteger(${v})) { view.setUint32(${o}, ${v} >>> 0, true); view.setInt32(${o} + 4, Math.floor(${v} / 4294967296), true); }\n` +
          `else if (typeof ${v} === 'bigint') { H.check64(${v}, ${ctx}); if (${v} >= 0n) view.setBigUint64(${o}, ${v}, true); else view.setBigInt64(${o}, ${v}, true); }\n` +
          (type === 'i64' ? '' : buffers) +
          `else H.bad(${ctx}, '${expected}', ${v});\n`;
      }
      default: {
        const [min, max, setter] = INT_RANGES[type]!;
        const bits = Number(type.slice(1));
        return `if (typeof ${v} === 'number' && Number.isInteger(${v}) && ${v} >= ${min} && ${v} <= ${max}) view.${setter}(${o}, ${v}, true);\n` +
          `else if (typeof ${v} === 'bigint') view.${setter}(${o}, H.bigToInt(${v}, ${bits}, ${ctx}), true);\n` +
          `else H.bad(${ctx}, 'an integer in [${min}, ${max}]', ${v});\n`;
      }
    }
  }
}

/**
 * Compiles the launch function of one kernel: `(config, a0, …, aN−1) => void`. It calls
 * `hooks.begin(config, arguments.length − 1)`, writes each argument into `view`/`bytes` at its
 * parameter's offset (checking its type, with an {@link InvalidArgumentError} naming `call`, the
 * argument and what it expects), then `hooks.submit()`.
 */
export function compileLaunch<Config>(
  call: string,
  params: readonly ParamSpec[],
  view: DataView,
  bytes: Uint8Array,
  hooks: LaunchHooks<Config>,
): CompiledLaunch<Config> {
  const generator = new Generator();
  const names = params.map((_, i) => `a${i}`);
  const body = params.map((p, i) => generator.write(p.type, names[i]!, String(p.offset), i, p.name)).join('');
  const source = `'use strict';\nreturn function launch(config${names.map((n) => `, ${n}`).join('')}) {\n` +
    `hooks.begin(config, arguments.length - 1);\n${body}hooks.submit();\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated once per kernel signature
  const factory = new Function('view', 'bytes', 'hooks', 'H', 'K', source) as (
    view: DataView, bytes: Uint8Array, hooks: LaunchHooks<Config>, helpers: Helpers, constants: unknown[]) => CompiledLaunch<Config>;
  return factory(view, bytes, hooks, makeHelpers(call), generator.constants);
}
