/**
 * Kernel signatures read from PTX `.entry` declarations, without parsing the whole module: the
 * object layer needs each parameter's type, size and offset to marshal launch arguments.
 * @module
 */
import { bytes, layoutParams, type ParamSpec, type ParamType, type ScalarTypeName } from './param-types.js';

const PTX_SCALARS: Readonly<Record<string, ScalarTypeName>> = {
  u8: 'u8', b8: 'u8', s8: 'i8',
  u16: 'u16', b16: 'u16', s16: 'i16',
  u32: 'u32', b32: 'u32', s32: 'i32',
  u64: 'u64', b64: 'u64', s64: 'i64',
  f16: 'f16', bf16: 'bf16', f32: 'f32', f64: 'f64',
};

const ENTRY = /\.entry\s+([A-Za-z_$%][\w$%]*)\s*(\()?/g;
const PARAM = /^\.param\s+(?:\.align\s+(\d+)\s+)?\.([a-z]+\d+)\s+(\.ptr\s+)?(?:\.(?:global|shared|const|local)\s+)?(?:\.align\s+(\d+)\s+)?([A-Za-z_$%][\w$%]*)\s*(?:\[\s*(\d+)\s*\])?$/;

/** The type of one `.param` declaration of an entry, or `null` if it is not one nvcc would write. */
function paramType(declaration: string): { readonly name: string; readonly type: ParamType } | null {
  const m = PARAM.exec(declaration.replace(/\s+/g, ' ').trim());
  if (!m) return null;
  const [, alignBefore, ptxType, isPointer, alignAfter, name, length] = m;
  if (length !== undefined) {
    const align = Number(alignBefore ?? alignAfter ?? 1);
    const elementBytes = Number(/\d+/.exec(ptxType!)![0]) / 8;
    return { name: name!, type: bytes(Number(length) * elementBytes, align) };
  }
  const scalar = PTX_SCALARS[ptxType!];
  if (!scalar) return null;
  return { name: name!, type: isPointer && scalar === 'u64' ? 'ptr' : scalar };
}

/** Strips `//` and `/* *\/` comments so that they cannot confuse the declaration scan. */
function stripComments(ptx: string): string {
  return ptx.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

/**
 * Every kernel entry of a PTX module with its parameters laid out as the driver packs them.
 * Parameters this reader does not understand make that entry's value `null` (the caller then
 * falls back to the driver's parameter info).
 */
export function readEntrySignatures(ptx: string): Map<string, ParamSpec[] | null> {
  const text = stripComments(ptx);
  const out = new Map<string, ParamSpec[] | null>();
  for (const m of text.matchAll(ENTRY)) {
    const name = m[1]!;
    if (!m[2]) {
      out.set(name, []);
      continue;
    }
    const open = m.index! + m[0].length;
    const close = text.indexOf(')', open);
    const inside = text.slice(open, close).trim();
    const declarations = inside === '' ? [] : inside.split(',');
    const params = declarations.map(paramType);
    out.set(name, params.every((p) => p !== null) ? layoutParams(params.map((p) => p!.type), params.map((p) => p!.name)) : null);
  }
  return out;
}
