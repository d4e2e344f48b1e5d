/**
 * Devices: enumeration and properties. Getting a {@link Device} has no side effects — no context
 * is created until one is asked for ({@link Device.primaryContext}, {@link Device.createContext}).
 * @module
 */
import { CUdevice_attribute } from '../raw/driver-types.js';
import { InvalidArgumentError } from '../errors.js';
import type { DeviceOrdinal } from '../backend/types.js';
import { backend } from './backend.js';
import { Context, type ContextOptions } from './context.js';
import { camelCaseCodes, type EnumCamelNames } from './enum-names.js';

/**
 * A device attribute by its camel-case name: `CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK` is
 * `maxThreadsPerBlock`, `CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT` is `multiprocessorCount`.
 */
export type DeviceAttributeName = EnumCamelNames<typeof CUdevice_attribute, 'CU_DEVICE_ATTRIBUTE_', 'CU_DEVICE_ATTRIBUTE_MAX'>;

const ATTRIBUTE_CODES = camelCaseCodes(CUdevice_attribute, 'CU_DEVICE_ATTRIBUTE_', ['CU_DEVICE_ATTRIBUTE_MAX']);

/** Compute capability, e.g. `{ major: 9, minor: 0 }` for an H100. */
export interface ComputeCapability {
  readonly major: number;
  readonly minor: number;
}

/** Launch limits of a device, read once and cached (they never change). */
export interface DeviceLimits {
  readonly maxThreadsPerBlock: number;
  readonly maxBlockDim: readonly [number, number, number];
  readonly maxGridDim: readonly [number, number, number];
  readonly maxSharedMemoryPerBlock: number;
  readonly maxSharedMemoryPerBlockOptin: number;
  readonly multiprocessorCount: number;
  readonly warpSize: number;
}

const devices = new Map<DeviceOrdinal, Device>();

/**
 * One CUDA device.
 *
 * @example
 * ```ts
 * for (const device of Device.all()) {
 *   const { major, minor } = device.computeCapability;
 *   console.log(device.ordinal, device.name, `sm_${major}${minor}`, device.totalMemory);
 * }
 * ```
 */
export class Device {
  /** The device ordinal (CUdevice). */
  readonly ordinal: DeviceOrdinal;
  #limits: DeviceLimits | undefined;

  private constructor(ordinal: DeviceOrdinal) {
    this.ordinal = ordinal;
  }

  /** Number of devices the backend sees. */
  static count(): number {
    return backend().deviceCount();
  }

  /**
   * The device with this ordinal. No side effects: no context is created.
   * @throws InvalidArgumentError when the ordinal is not an integer in [0, count).
   */
  static get(ordinal: number): Device {
    const count = Device.count();
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= count) {
      throw new InvalidArgumentError('Device.get', `device ordinal ${String(ordinal)} is out of range: ${count} device(s) present`);
    }
    let device = devices.get(ordinal);
    if (!device) devices.set(ordinal, (device = new Device(ordinal)));
    return device;
  }

  /** Every device, in ordinal order. */
  static all(): Device[] {
    return Array.from({ length: Device.count() }, (_, i) => Device.get(i));
  }

  /** The device's name, e.g. `NVIDIA H100 80GB HBM3`. */
  get name(): string {
    return backend().deviceName(this.ordinal);
  }

  /** The device's UUID in nvidia-smi's form, `GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
  get uuid(): string {
    const hex = Array.from(backend().deviceUuid(this.ordinal), (b) => b.toString(16).padStart(2, '0')).join('');
    return `GPU-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Compute capability (major, minor). */
  get computeCapability(): ComputeCapability {
    return {
      major: this.attribute('computeCapabilityMajor'),
      minor: this.attribute('computeCapabilityMinor'),
    };
  }

  /** Total device memory in bytes. */
  get totalMemory(): number {
    return backend().deviceTotalMemory(this.ordinal);
  }

  /** Launch limits, cached. */
  get limits(): DeviceLimits {
    return (this.#limits ??= {
      maxThreadsPerBlock: this.attribute('maxThreadsPerBlock'),
      maxBlockDim: [this.attribute('maxBlockDimX'), this.attribute('maxBlockDimY'), this.attribute('maxBlockDimZ')],
      maxGridDim: [this.attribute('maxGridDimX'), this.attribute('maxGridDimY'), this.attribute('maxGridDimZ')],
      maxSharedMemoryPerBlock: this.attribute('maxSharedMemoryPerBlock'),
      maxSharedMemoryPerBlockOptin: this.attribute('maxSharedMemoryPerBlockOptin'),
      multiprocessorCount: this.attribute('multiprocessorCount'),
      warpSize: this.attribute('warpSize'),
    });
  }

  /**
   * One attribute, by camel-case name (`'multiprocessorCount'`) or CUdevice_attribute code.
   * @throws InvalidArgumentError for an unknown name.
   */
  attribute(attribute: DeviceAttributeName | number): number {
    const code = typeof attribute === 'number' ? attribute : ATTRIBUTE_CODES.get(attribute);
    if (code === undefined) {
      throw new InvalidArgumentError('Device.attribute', `unknown device attribute '${String(attribute)}'`);
    }
    return backend().deviceAttribute(this.ordinal, code);
  }

  /**
   * Every attribute the driver answers, by camel-case name. Attributes this driver does not know
   * (newer than it) are left out.
   */
  attributes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, code] of ATTRIBUTE_CODES) {
      try {
        out[name] = backend().deviceAttribute(this.ordinal, code);
      } catch {
        // The installed driver predates this attribute.
      }
    }
    return out;
  }

  /** Whether kernels on this device can access memory of `peer` directly. */
  canAccessPeer(peer: Device): boolean {
    return peer.ordinal !== this.ordinal && backend().deviceCanAccessPeer(this.ordinal, peer.ordinal);
  }

  /** The primary context's state: whether it is active and its flags (cuDevicePrimaryCtxGetState). */
  primaryContextState(): { readonly active: boolean; readonly flags: number; readonly retainedByCudajs: number } {
    return { ...backend().primaryContextState(this.ordinal), retainedByCudajs: Context.primaryRetainCount(this) };
  }

  /**
   * A reference to the device's primary context — the one the runtime API uses — retaining it
   * (creating it if needed). Dispose the reference to release it.
   */
  primaryContext(): Context {
    return Context.retainPrimary(this);
  }

  /** Creates a new context on this device and makes it current on this thread (cuCtxCreate). */
  createContext(options: ContextOptions = {}): Context {
    return Context.create(this, options);
  }

  /**
   * Free and total memory of this device. Uses the current context when it is on this device,
   * else the primary context (which this call retains and releases, creating it if needed).
   */
  memoryInfo(): { readonly free: number; readonly total: number } {
    return Context.onDevice(this, (ctx) => ctx.memoryInfo());
  }

  /** `Device(0: NVIDIA H100 80GB HBM3)`. */
  toString(): string {
    return `Device(${this.ordinal}: ${this.name})`;
  }
}
