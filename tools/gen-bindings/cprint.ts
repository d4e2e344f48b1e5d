/**
 * Prints C types and prototypes back as C, for the generated documentation.
 * @module
 */
import type { CType } from './ctypes.js';
import type { FunctionDecl } from './cparse.js';

function baseName(t: CType): string {
  switch (t.k) {
    case 'prim': return t.name;
    case 'named': return t.name;
    case 'record': return `${t.def.union ? 'union' : 'struct'} ${t.def.tag ?? t.def.typedefs[0] ?? '{…}'}`;
    case 'enum': return `enum ${t.def.tag ?? t.def.typedefs[0] ?? '{…}'}`;
    default: throw new Error('not a base type');
  }
}

/** A C declaration of `name` with type `t`, e.g. `const char **name` or `void (*fn)(void *)`. */
export function cDeclaration(t: CType, name: string): string {
  switch (t.k) {
    case 'ptr': {
      const inner = `*${t.isConst === true ? 'const ' : ''}${name}`;
      return cDeclaration(t.to, t.to.k === 'array' || t.to.k === 'func' ? `(${inner})` : inner);
    }
    case 'array': return cDeclaration(t.of, `${name}[${t.length}]`);
    case 'func': {
      const params = t.params.map((p) => cDeclaration(p.type, p.name ?? '')).join(', ');
      return cDeclaration(t.ret, `${name}(${params === '' ? 'void' : params}${t.variadic ? ', ...' : ''})`);
    }
    default: {
      const base = `${t.isConst === true ? 'const ' : ''}${baseName(t)}`;
      return name === '' ? base : `${base} ${name}`;
    }
  }
}

/** The prototype of a function as the header declares it. */
export function cPrototype(f: FunctionDecl): string {
  return cDeclaration({ k: 'func', ret: f.ret, params: f.params, variadic: f.variadic }, f.name).replace(/ \*/g, ' *');
}
