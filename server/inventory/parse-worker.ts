/** Worker thread body for parse-pool.ts: reads agent messages off the main event loop. */
import { parentPort } from 'node:worker_threads';
import { readAgentMessage, serializeError, type ReadContext, type WorkerCaches } from './agent-message.js';
import { createXmlReuse } from './formats/xml.js';
import { encodeMessage } from './handoff.js';
import { KnownCatalogue } from './prepare.js';

interface Request {
  id: number;
  body: Uint8Array;
  ctx: ReadContext;
}
/** Catalogue key hash → id pairs the main thread has committed (ParsePool.learn). */
interface Learn {
  learn: [string, number][];
}

const caches: WorkerCaches = { known: new KnownCatalogue(), reuse: createXmlReuse(['softwares']) };

parentPort!.on('message', (m: Request | Learn) => {
  if ('learn' in m) {
    caches.known.learn(m.learn);
    return;
  }
  const { id, body, ctx } = m;
  try {
    const msg = readAgentMessage(Buffer.from(body.buffer, body.byteOffset, body.byteLength), ctx, caches);
    parentPort!.postMessage({ id, ok: true, msg: encodeMessage(msg) });
  } catch (e) {
    parentPort!.postMessage({ id, ok: false, error: serializeError(e) });
  }
});
