/**
 * Friendly names for CUDA enums: `CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK` is
 * `maxThreadsPerBlock` once the prefix is dropped.
 * @module
 */

/** `MAX_THREADS_PER_BLOCK` → `maxThreadsPerBlock`, at the type level. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<S>;

/** The camel-case names of an enum's members that start with `Prefix`, minus `Excluded`. */
export type EnumCamelNames<E, Prefix extends string, Excluded extends string = never> =
  Exclude<keyof E, Excluded> extends infer N ? (N extends `${Prefix}${infer Rest}` ? CamelCase<Rest> : never) : never;

/** `MAX_THREADS_PER_BLOCK` → `maxThreadsPerBlock`. */
export function camelCase(upperSnake: string): string {
  return upperSnake.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * camel-case name → code for every member of a generated enum object whose name starts with
 * `prefix`, except `excluded` (sentinels such as `…_MAX`). Aliases map to their value too.
 */
export function camelCaseCodes(enumObject: Readonly<Record<string, number>>, prefix: string, excluded: readonly string[] = []): ReadonlyMap<string, number> {
  return new Map(
    Object.entries(enumObject)
      .filter(([name]) => name.startsWith(prefix) && !excluded.includes(name))
      .map(([name, code]) => [camelCase(name.slice(prefix.length)), code]),
  );
}
