import { engineCall } from '../peers/peer.js';
import type { EngineExecLog } from '../peers/fake-engine.js';
import { type CapacityOptions, runCapacity } from './capacity-worker.js';
import { type DeckyWorkerOptions, runDeckyWorker } from './decky-worker.js';
import { type PersonaWorkerOptions, runPersonaWorker } from './persona-worker.js';

// a measured process of its own: argv[2] is the role, argv[3] its options as JSON; the result
// is printed as one JSON line. Run with --expose-gc so RSS is read after a full collection.
const [role, json] = process.argv.slice(2);
const opts = JSON.parse(json ?? '{}') as { socketPath: string };
const engineLog = () => engineCall<EngineExecLog[]>(opts.socketPath, 'GET', '/_bench/log');
let result: unknown;
if (role === 'deckies') result = await runDeckyWorker(opts as DeckyWorkerOptions, engineLog);
else if (role === 'personas') result = await runPersonaWorker(opts as PersonaWorkerOptions);
else if (role === 'capacity') result = await runCapacity(opts as CapacityOptions);
else throw new Error(`unknown worker role ${role}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
