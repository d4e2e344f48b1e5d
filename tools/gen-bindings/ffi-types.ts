/**
 * How each C type crosses the FFI: the koffi type a parameter is declared with and the TypeScript
 * type callers pass. The choices rest on koffi 3's actual behaviour, measured with koffi 3.3.4 on
 * Node 20.20 (libc's memcpy/memchr/strtoull as probes) and confirmed in koffi's sources
 * (`TryPointer`, `PushPointer` in src/koffi/src):
 *
 * 1. A parameter declared `void *` (or any pointer whose pointee needs no endian conversion)
 *    accepts a bigint (the address: koffi's fastest path), `null`/`undefined` (NULL), a number, or a
 *    TypedArray / DataView / ArrayBuffer / Buffer. For the latter koffi passes **the view's own
 *    memory at its byteOffset, without copying** (napi_get_buffer_info / napi_get_arraybuffer_info):
 *    memcpy into a `Uint8Array.subarray(16)` or a DataView writes the original bytes, and
 *    `koffi.address(view)` equals the pointer the callee receives. Plain JS arrays and objects, by
 *    contrast, are copied into a temporary and copied back only for `_Out_`/`_Inout_` parameters;
 *    the bindings never use those for pointers.
 *    Consequence for asynchronous CUDA calls (cuMemcpyHtoDAsync …): the driver reads or writes the
 *    TypedArray's own memory after the call returns, so the caller must keep it alive and must not
 *    transfer (detach) its buffer until the stream is done. The memory does not move meanwhile: V8
 *    moves the JS objects, never an ArrayBuffer's backing store, and a small on-heap typed array is
 *    moved off-heap the first time its address is taken and keeps that address (checked across
 *    forced GCs). Node's own asynchronous fs writes rely on the same property.
 * 2. Pointer return values are bigints and NULL is `null`; the bound functions all return a status
 *    code, so this matters only to hand-written code.
 * 3. A 64-bit integer **return value** is a number when it is at most 2^53 and a bigint above: a
 *    mixed type. 64-bit outputs are therefore read through `BigUint64Array` out-parameters, never
 *    returned. 64-bit integer parameters accept numbers and bigints.
 * 4. `koffi.view(ptr, length)` makes an external ArrayBuffer over native memory: no copy and no
 *    ownership (nothing is freed when the view is collected; the view must not be used after the
 *    memory is freed). `koffi.alloc(type, n)` is `calloc` returning a bigint, freed by `koffi.free`.
 * 5. `const char *` parameters take JavaScript strings (a temporary NUL-terminated UTF-8 copy) or
 *    any pointer value as in 1. Non-const `char *` parameters are output buffers and are declared
 *    `void *` so that a string can never be passed where the callee writes.
 * 6. `lib.func()` and `lib.symbol()` throw for a symbol the library lacks; the binder probes with
 *    `symbol()` so an older driver yields a throwing stub instead of a failed load.
 * @module
 */
import { enumLayout, isUnsignedPrimitive, layout, resolve, type CType } from './ctypes.js';
import type { Declarations } from './cparse.js';

/** How one parameter is declared to koffi and typed in TypeScript. */
export interface ParamKind {
  /** The koffi type, or `struct:<Name>` for a struct passed by value. */
  readonly koffi: string;
  /** The TypeScript type (one of the binder's aliases, `number`, `bigint`, `number | bigint`). */
  readonly ts: string;
}

/** Integer typedefs that are plain quantities (sizes, flags), not handles: typed `number | bigint`. */
const QUANTITY_TYPEDEFS = new Set([
  'size_t', 'ssize_t', 'ptrdiff_t', 'intptr_t', 'uintptr_t', 'int64_t', 'uint64_t', 'cuuint64_t', 'cuuint32_t',
  'int32_t', 'uint32_t', 'int16_t', 'uint16_t', 'int8_t', 'uint8_t',
]);

function typedefChain(type: CType, decls: Declarations): string[] {
  const chain: string[] = [];
  let t: CType | undefined = type;
  while (t !== undefined && t.k === 'named') {
    chain.push(t.name);
    t = decls.lookup(t.name);
  }
  return chain;
}

function integerKoffi(size: number, unsigned: boolean): string {
  return `${unsigned ? 'uint' : 'int'}${size * 8}`;
}

/** Classifies one parameter; `structName` gives the exported name of a struct passed by value. */
export function classifyParam(type: CType, decls: Declarations, structName: (t: CType) => string): ParamKind {
  const chain = typedefChain(type, decls);
  const r = resolve(type, decls.lookup);
  switch (r.k) {
    case 'ptr': {
      const to = resolve(r.to, decls.lookup);
      const opaque = to.k === 'record' && to.def.fields === undefined;
      if (chain.length > 0 && opaque) return { koffi: 'void *', ts: 'Handle' };
      if (to.k === 'prim' && to.name === 'char' && r.to.isConst === true) return { koffi: 'const char *', ts: 'CString' };
      return { koffi: 'void *', ts: 'Pointer' };
    }
    case 'prim': {
      if (r.name === 'float' || r.name === 'double') return { koffi: r.name, ts: 'number' };
      if (r.name === '_Bool') return { koffi: 'bool', ts: 'boolean' };
      if (r.name === 'void' || r.name === 'long double') throw new Error(`cannot pass ${r.name} by value`);
      const { size } = layout(r, decls.lookup);
      if (size < 8) return { koffi: integerKoffi(size, isUnsignedPrimitive(r.name)), ts: 'number' };
      const handleLike = chain.some((n) => !QUANTITY_TYPEDEFS.has(n));
      const koffiName = chain.includes('size_t') ? 'size_t' : integerKoffi(size, isUnsignedPrimitive(r.name));
      return { koffi: koffiName, ts: handleLike ? 'bigint' : 'number | bigint' };
    }
    case 'enum': {
      const { size, signed } = enumLayout(r.def);
      const max = (r.def.members ?? []).reduce((m, e) => (e.value > m ? e.value : m), 0n);
      if (size === 8) return { koffi: integerKoffi(8, !signed), ts: 'number | bigint' };
      return { koffi: !signed && max > 0x7fffffffn ? 'uint32' : 'int32', ts: 'number' };
    }
    case 'record':
      return { koffi: `struct:${structName(r)}`, ts: 'StructValue' };
    default:
      throw new Error(`cannot pass a ${r.k} type`);
  }
}

/** The koffi type of a struct member, as TypeScript source (`'uint32'`, `koffi.array(…)`, a struct variable). */
export function fieldKoffi(type: CType, decls: Declarations, recordExpr: (t: CType & { k: 'record' }) => string): string {
  const r = resolve(type, decls.lookup);
  switch (r.k) {
    case 'ptr': return `'void *'`;
    case 'prim': {
      if (r.name === 'float' || r.name === 'double') return `'${r.name}'`;
      if (r.name === 'char') return `'char'`;
      if (r.name === '_Bool') return `'bool'`;
      const { size } = layout(r, decls.lookup);
      return `'${integerKoffi(size, isUnsignedPrimitive(r.name))}'`;
    }
    case 'enum': {
      const { size, signed } = enumLayout(r.def);
      return `'${integerKoffi(size, !signed)}'`;
    }
    case 'array': return `koffi.array(${fieldKoffi(r.of, decls, recordExpr)}, ${r.length})`;
    case 'record': return recordExpr(r);
    default: throw new Error(`a struct member cannot have a ${r.k} type`);
  }
}
