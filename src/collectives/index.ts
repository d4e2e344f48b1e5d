/**
 * Collective communication between devices: NCCL communicators (one process driving several
 * GPUs with {@link Clique}, or one rank per process with {@link Communicator.create} and a
 * {@link UniqueId}), the collectives and point-to-point transfers on streams, and {@link group}
 * calls. On the emulated device the same API runs on cudajs's reference collectives, so
 * multi-device code can be developed and tested without GPUs (`CUDAJS_EMU_DEVICES=4`).
 *
 * @example
 * ```ts
 * import { Clique, Device } from 'cudajs';
 *
 * using clique = Clique.create(Device.all());
 * const grads = clique.communicators.map((c) => c.context.upload(localGradients(c.rank)));
 * clique.run((comm, rank) => comm.allReduce(grads[rank]!, grads[rank]!, { dtype: 'float32', op: 'avg' }));
 * ```
 * @module
 */
export { Clique, type CliqueOptions } from './clique.js';
export { Communicator, type BroadcastOptions, type CommunicatorOptions, type MoveOptions, type ReduceOptions, type RootedReduceOptions, type StreamOption } from './communicator.js';
export { DATA_TYPES, DATA_TYPE_NAMES, REDUCE_OPS, REDUCE_OP_NAMES, refusedReduction, type DataType, type DataTypeInfo, type ReduceOp, type ReductionContext } from './dtypes.js';
export { group, type Implementation } from './engine.js';
export { reduceBuffers } from './reduce.js';
export { UniqueId } from './unique-id.js';
