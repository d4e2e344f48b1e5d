/**
 * One rank of the multi-process NCCL test (test/gpu/nccl.test.ts spawns it): joins the
 * communicator named by a unique id given as base64 text, all-reduces a float32 vector filled with
 * rank + 1 on its device, and prints `{"rank": r, "values": [...]}`.
 *
 *   node dist/test/gpu/nccl-rank.js <id base64> <ranks> <rank> <device ordinal>
 */
import { Communicator, Device, UniqueId } from '../../src/index.js';

const [idText, ranksText, rankText, deviceText] = process.argv.slice(2);
const ranks = Number(ranksText);
const rank = Number(rankText);
using comm = Communicator.create({ id: UniqueId.parse(idText!), ranks, rank, device: Device.get(Number(deviceText)) });
using x = comm.context.upload(new Float32Array(1000).fill(rank + 1));
comm.allReduce(x, x, { dtype: 'float32' });
comm.context.synchronize();
const values = x.toArray(Float32Array);
console.log(JSON.stringify({ rank, values: [values[0], values[999]] }));
