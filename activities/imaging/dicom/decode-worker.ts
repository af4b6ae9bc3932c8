/**
 * Worker thread of decode-pool.ts: loads each wasm codec it is asked for once, then decodes each encoded frame it is
 * sent and answers with the decoded samples (a fresh buffer, transferred) and what the codec reported,
 * or with the codec's error in words (the calling thread turns it into a CorruptImageError).
 * It imports only codecs.ts, so that a worker starts quickly and stays small.
 */
import { parentPort } from 'node:worker_threads';
import { codecErrorReason, decodeWasmFrame, loadWasmCodec, type DecodedFrame } from './codecs';
import type { DecodeRequest, DecodeResponse } from './decode-pool';

parentPort?.on('message', (request: DecodeRequest) => {
  // Only the codec asked for is loaded (once); requests are answered in the order they came.
  loadWasmCodec(request.encoding).then(
    () => {
      try {
        let decoded: DecodedFrame | undefined;
        decodeWasmFrame(request.encoding, request.encoded, (frame) => {
          // The codec's output is a view into its heap: copy it out once, into a buffer that is transferred.
          decoded = { ...frame, bytes: new Uint8Array(frame.bytes) };
        });
        if (!decoded) throw new Error('the codec returned no frame');
        const { bytes, width, height, bitsPerSample, componentCount } = decoded;
        const response: DecodeResponse = { id: request.id, ok: true, bytes, width, height, bitsPerSample, componentCount };
        parentPort!.postMessage(response, [bytes.buffer as ArrayBuffer]);
      } catch (error) {
        parentPort!.postMessage({ id: request.id, ok: false, reason: codecErrorReason(error) } satisfies DecodeResponse);
      }
    },
    (error: unknown) => parentPort!.postMessage({ id: request.id, ok: false, reason: codecErrorReason(error), setup: true } satisfies DecodeResponse),
  );
});
