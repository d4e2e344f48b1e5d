/**
 * The descriptor types of the kernel corpus: everything a backend-agnostic runner needs to load a
 * kernel, marshal its arguments, launch it, and judge the result against a CPU reference.
 *
 * A runner, for each {@link KernelCase}:
 * 1. loads `ptxFile` (relative to `test/kernels`; see `kernelFilePath`) and gets `entry`;
 * 2. allocates one device buffer per buffer argument (and per `extraBuffers` entry), copying in
 *    `data` (`in`/`inout`) or `init` (`out`; all-zero bytes when absent);
 * 3. writes every {@link GlobalSpec}'s `data` to the module variable (cuModuleGetGlobal + copy);
 * 4. packs the parameters in order: buffers as device pointers, scalars by type, structs as the
 *    bytes `encodeStruct` produces (pointer members resolved to the named buffers' addresses);
 * 5. launches with `grid`, `block`, `sharedMemBytes`, and synchronizes;
 * 6. if `expectError` is set: expects the launch or the synchronize to fail with that code (a
 *    sticky error: the context must be recreated afterwards) and checks nothing else;
 * 7. otherwise copies back every output (out/inout buffers, including extra ones, and globals with
 *    `check: true`) and compares each with `reference(inputsOf(case))[name]` using `compare[name]`
 *    (see `compareOutput`), and checks `printfExpected` where the backend captures printf.
 *
 * Element conventions: f16 and bf16 values are IEEE binary16 / bfloat16 bit patterns (in
 * `Uint16Array`s, and as numbers for scalars); 64-bit integers are `bigint`s. All data is
 * little-endian, as on every CUDA device.
 * @module
 */

/** Element type of a buffer, a scalar parameter or a struct member. */
export type ElemType = 'f32' | 'f64' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64' | 'f16' | 'bf16';

/** The typed array that holds elements of each {@link ElemType}. f16/bf16 hold bit patterns. */
export interface ElemArrayMap {
  f32: Float32Array;
  f64: Float64Array;
  i8: Int8Array;
  u8: Uint8Array;
  i16: Int16Array;
  u16: Uint16Array;
  i32: Int32Array;
  u32: Uint32Array;
  i64: BigInt64Array;
  u64: BigUint64Array;
  f16: Uint16Array;
  bf16: Uint16Array;
}

/** Any typed array that can hold corpus data. */
export type ElemArray = ElemArrayMap[ElemType];

/** The JavaScript value of one element: `bigint` for 64-bit integers, else `number`. */
export type ElemValue<T extends ElemType> = T extends 'i64' | 'u64' ? bigint : number;

/** Grid or block dimensions. */
export type Dim3 = readonly [x: number, y: number, z: number];

/** Names a buffer, argument, struct member, global or output; unique within a case. */
export type Name = string;

/**
 * A device buffer. `in`: copied to the device, not compared. `out`: `length` elements, initialized
 * from `init` (or to zero bytes), compared after the launch. `inout`: copied in and compared.
 */
export type BufferArg = {
  [T in ElemType]:
    | { readonly kind: 'in'; readonly name: Name; readonly type: T; readonly data: ElemArrayMap[T] }
    | { readonly kind: 'out'; readonly name: Name; readonly type: T; readonly length: number; readonly init?: ElemArrayMap[T] }
    | { readonly kind: 'inout'; readonly name: Name; readonly type: T; readonly data: ElemArrayMap[T] }
}[ElemType];

/** A scalar parameter passed by value. */
export type ScalarArg = {
  [T in ElemType]: { readonly kind: 'scalar'; readonly name: Name; readonly type: T; readonly value: ElemValue<T> }
}[ElemType];

/**
 * A raw pointer parameter whose value is given (not a buffer): used to pass deliberately invalid
 * addresses, such as null.
 */
export interface RawPointerArg {
  readonly kind: 'rawPointer';
  readonly name: Name;
  /** The device address to pass. */
  readonly address: bigint;
}

/** A scalar member of a struct parameter. */
export interface StructScalarField {
  readonly name: Name;
  readonly type: ElemType;
  /** Byte offset inside the struct. */
  readonly offset: number;
}

/** A pointer member of a struct parameter: the runner stores the address of `buffer` there. */
export interface StructPointerField {
  readonly name: Name;
  readonly type: 'pointer';
  readonly offset: number;
  /** Name of a buffer in the case's `extraBuffers` (or a buffer argument). */
  readonly buffer: Name;
}

/** One member of a struct parameter. Bytes covered by no field are padding and are zero. */
export type StructField = StructScalarField | StructPointerField;

/**
 * A struct passed by value (PTX: `.param .align A .b8 name[size]`). `value` holds every scalar
 * field's value by field name (pointer fields take no value).
 */
export interface StructArg {
  readonly kind: 'struct';
  readonly name: Name;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly StructField[];
  readonly value: Readonly<Record<Name, number | bigint>>;
}

/** One kernel parameter, in declaration order. */
export type ArgSpec = BufferArg | ScalarArg | RawPointerArg | StructArg;

/**
 * A module-scope `__device__` or `__constant__` variable. `data` is written to it before the launch
 * (through cuModuleGetGlobal and a host-to-device copy), so reruns start from the same state. With
 * `check`, the variable is read back after the launch and compared as an output named `symbol`.
 */
export type GlobalSpec = {
  [T in ElemType]: {
    /** The variable's PTX name (unmangled for `extern "C"`-style globals). */
    readonly symbol: Name;
    readonly type: T;
    readonly data: ElemArrayMap[T];
    readonly check: boolean;
  }
}[ElemType];

/**
 * How an output is compared with its reference. Floats: values are compared, NaN matches NaN (any
 * payload), and +0/-0 are distinct for `exact`.
 */
export type Comparison =
  /** Identical values: integers, and floating-point results of correctly rounded IEEE operations. */
  | { readonly kind: 'exact' }
  /** At most `maxUlp` units in the last place of the output's type; infinities must match. */
  | { readonly kind: 'ulp'; readonly maxUlp: number; readonly why: string }
  /** |got − expected| ≤ tol·|expected| + atol. */
  | { readonly kind: 'relative'; readonly tol: number; readonly atol?: number; readonly why: string }
  /** |got − expected| ≤ tol. */
  | { readonly kind: 'absolute'; readonly tol: number; readonly why: string };

/** A CUresult name a negative case expects. */
export type FaultCodeName =
  | 'CUDA_ERROR_ILLEGAL_ADDRESS'
  | 'CUDA_ERROR_MISALIGNED_ADDRESS'
  | 'CUDA_ERROR_ASSERT'
  | 'CUDA_ERROR_LAUNCH_FAILED';

/**
 * The failure a negative case must produce. `always`: on every backend. `memcheck`: only where
 * out-of-bounds accesses are checked byte for byte (the emulated device, or a GPU under
 * compute-sanitizer); a bare GPU runs the kernel to completion, so runners skip it there.
 */
export interface ExpectedError {
  readonly codeName: FaultCodeName;
  readonly when: 'always' | 'memcheck';
}

/** Another compiled form of the case's module, containing the same entry (GPU-only load tests). */
export interface AltImage {
  /** Relative to `test/kernels`. */
  readonly file: string;
  readonly format: 'cubin' | 'fatbin';
}

/** What a case exercises; runners can select by tag. */
export type CaseTag =
  | 'f32' | 'f64' | 'f16' | 'bf16' | 'int' | 'int64'
  | 'grid-stride' | 'vector-access' | 'template' | 'mangled'
  | 'shared' | 'dynamic-shared' | 'barrier' | 'warp-shuffle' | 'vote' | 'redux' | 'fence'
  | 'atomics' | 'reduction' | 'scan' | 'sort' | 'matmul'
  | 'math-approx' | 'fastmath' | 'lineinfo' | 'conversion' | 'special-values'
  | 'struct-param' | 'all-scalars' | 'globals' | 'const' | 'call' | 'recursion' | 'local-memory'
  | 'divergence' | 'inline-asm' | 'special-registers' | 'grid-3d'
  | 'printf' | 'assert' | 'fault' | 'memcheck' | 'demo';

/** The values a reference computes, by output name. */
export type Outputs = Readonly<Record<Name, ElemArray>>;

/** Read access to a case's inputs, handed to its reference (see `CaseInputs` in support/inputs.ts). */
export interface ReferenceInputs {
  /** A copy of buffer `name`'s initial contents (`data`, `init`, or zeros), checked against `type`. */
  buffer<T extends ElemType>(name: Name, type: T): ElemArrayMap[T];
  /** A number-valued scalar argument. */
  num(name: Name): number;
  /** A bigint-valued (64-bit) scalar argument. */
  big(name: Name): bigint;
  /** A struct argument's field values. */
  struct(name: Name): Readonly<Record<Name, number | bigint>>;
  /** A copy of global `symbol`'s data as written before the launch, checked against `type`. */
  global<T extends ElemType>(symbol: Name, type: T): ElemArrayMap[T];
}

/** One test case: a kernel, its launch, its inputs, and how to judge its outputs. */
export interface KernelCase {
  /** Unique name, e.g. `vec_add_f32` or `softmax_rows@fastmath`. */
  readonly name: string;
  /** What the case exercises, in one sentence. */
  readonly description: string;
  /** The CUDA source, relative to `test/kernels`. */
  readonly source: string;
  /** The PTX to load, relative to `test/kernels`. */
  readonly ptxFile: string;
  /** The exact `.entry` name (mangled for C++ linkage). */
  readonly entry: string;
  /** Other images of the same module (cubin, fatbin) for GPU load tests. */
  readonly altImages?: readonly AltImage[];
  readonly grid: Dim3;
  readonly block: Dim3;
  /** Dynamic shared memory per block, bytes. */
  readonly sharedMemBytes: number;
  /** The kernel's parameters, in order. */
  readonly args: readonly ArgSpec[];
  /** Buffers that are not parameters themselves (reached through struct pointer members). */
  readonly extraBuffers?: readonly BufferArg[];
  /** Module variables written before and optionally checked after the launch. */
  readonly globals?: readonly GlobalSpec[];
  /** Computes every output (out/inout buffers and checked globals) from the inputs. */
  readonly reference: (inputs: ReferenceInputs) => Outputs;
  /** How to compare each output, by output name; exactly the names `reference` returns. */
  readonly compare: Readonly<Record<Name, Comparison>>;
  /** For negative cases: the error the launch must produce (then no output is compared). */
  readonly expectError?: ExpectedError;
  /**
   * Lines (without the newline) the kernel prints, in the order the GPU flushes them; the
   * emulated device checks them in order, the GPU prints them to stdout.
   */
  readonly printfExpected?: readonly string[];
  readonly tags: readonly CaseTag[];
}
