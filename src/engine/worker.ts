/**
 * Entry of the engine worker thread (bundled to dist/worker.js). `session.run` blocks the thread it runs on,
 * so the engine lives here and the extension host / CLI stay responsive; see src/protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { EngineRequest } from '../protocol';
import { EngineService } from './service';

if (parentPort) {
  const port = parentPort;
  const service = new EngineService((event, transfer) => port.postMessage(event, transfer ?? []));
  port.on('message', (req: EngineRequest) => {
    service.handle(req);
    if (req.type === 'shutdown') void service.idle().then(() => port.close());
  });
}
