/**
 * One emulator (kinesalite or dynalite) on a worker thread of its own, so that its work runs
 * beside the consumer's and the gateway's instead of taking turns with them on one event loop.
 * Plain JavaScript: the worker loads no TypeScript.
 *
 * workerData: `{ module, options, operations, counts }`: the emulator package, its options, the
 * API operations to count, and a SharedArrayBuffer of one Int32 counter per operation (the last
 * for any other), which the main thread reads at any time without a message.
 * Messages in: `hang` (accept requests, never answer: a failure drill), `close`.
 * Messages out: `{ port }` once listening, `hung`, `closed`.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const { module: name, options, operations, counts: buffer } = workerData;
const counts = new Int32Array(buffer);
const server = createRequire(import.meta.url)(name)(options);

server.on('request', (req) => {
  const target = String(req.headers['x-amz-target'] ?? '');
  const index = operations.indexOf(target.slice(target.lastIndexOf('.') + 1));
  Atomics.add(counts, index < 0 ? operations.length : index, 1);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));

parentPort.on('message', (message) => {
  if (message === 'hang') {
    server.removeAllListeners('request');
    parentPort.postMessage('hung');
  } else if (message === 'close') {
    // Idle keep-alive connections of the clients would hold close() open.
    server.closeAllConnections();
    server.close(() => parentPort.postMessage('closed'));
  }
});
