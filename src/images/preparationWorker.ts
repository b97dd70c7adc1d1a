/**
 * The thread that prepares pictures for `PreparationThread`: one libvips, the requests in the order they come. Its
 * messages are the user's language: the extension hands its translations in at the start.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bundleTranslator, setTranslator } from '../common/l10n';
import { ImageRefusal } from './imageRefusal';
import { PicturePreparer } from './prepare';
import type { PreparationReply, PreparationRequest, PreparationThreadData } from './preparationThread';

const port = parentPort;
if (!port) throw new Error('preparationWorker runs only as a worker thread');
setTranslator(bundleTranslator((workerData as PreparationThreadData | undefined)?.bundle));
const preparer = new PicturePreparer();

port.on('message', (request: PreparationRequest) => {
  preparer.prepare(request.bytes, request.fileName, request.options).then(
    (prepared) => {
      // A copy of its own, handed over rather than copied again: libvips' result may be a view into its memory.
      const bytes = prepared?.bytes.slice();
      const reply: PreparationReply = { id: request.id, prepared: prepared && bytes ? { ...prepared, bytes } : undefined };
      port.postMessage(reply, bytes ? [bytes.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => {
      const reply: PreparationReply =
        error instanceof ImageRefusal
          ? { id: request.id, refusal: { code: error.code, message: error.message, fileName: error.fileName } }
          : { id: request.id, failure: error instanceof Error ? error.message : String(error) };
      port.postMessage(reply);
    },
  );
});
