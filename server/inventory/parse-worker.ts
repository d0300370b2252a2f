/** Worker thread body for parse-pool.ts: reads agent messages off the main event loop. */
import { parentPort } from 'node:worker_threads';
import { readAgentMessage, serializeError, type ReadContext } from './agent-message.js';

interface Request {
  id: number;
  body: Uint8Array;
  ctx: ReadContext;
}

parentPort!.on('message', ({ id, body, ctx }: Request) => {
  try {
    const msg = readAgentMessage(Buffer.from(body.buffer, body.byteOffset, body.byteLength), ctx);
    // A JSON string crosses the thread boundary faster than the structured clone of ~1,000 small objects.
    parentPort!.postMessage({ id, ok: true, msg: { ...msg, inventory: msg.inventory ? JSON.stringify(msg.inventory) : null } });
  } catch (e) {
    parentPort!.postMessage({ id, ok: false, error: serializeError(e) });
  }
});
