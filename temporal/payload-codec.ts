/**
 * Encryption of workflow payloads (AES-256-GCM), so the Temporal server — and anyone reading its
 * database or UI — never sees patient identifiers, URIs or results in clear text. Workflow ids
 * carry only the run id and the manifest row number. Not yet covered: failure messages (they name
 * the file that failed), which need an encoding failure converter in the workflow bundle. Clients and
 * workers encrypt and decrypt; the server stores ciphertext only.
 *
 * Turned on by RG_PAYLOAD_KEY (32 random bytes, base64: `openssl rand -base64 32`), with an
 * optional RG_PAYLOAD_KEY_ID naming the key (recorded on every payload, for rotation: old keys
 * can be listed in RG_PAYLOAD_OLD_KEYS as `id:base64,id:base64` to keep decrypting old runs).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

export class AesGcmPayloadCodec implements PayloadCodec {
  /** `keys` maps key id → 32-byte key; new payloads use `currentKeyId`. */
  constructor(
    private readonly currentKeyId: string,
    private readonly keys: ReadonlyMap<string, Buffer>,
  ) {
    for (const [id, key] of keys) {
      if (key.length !== 32) throw new PayloadKeyError(`payload key "${id}" has ${key.length} bytes; AES-256 needs 32`);
    }
    if (!keys.has(currentKeyId)) throw new PayloadKeyError(`no payload key with id "${currentKeyId}"`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCODING), 'encryption-key-id': Buffer.from(this.currentKeyId) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.['encryption-key-id'] ?? []).toString();
      const key = this.keys.get(keyId);
      if (!key) throw new PayloadKeyError(`payload was encrypted with key "${keyId}", which this process does not have`);
      const sealed = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** The failure converter that moves messages into (encrypted) payloads. */
export const ENCRYPTED_FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter for clients and workers: encrypting when RG_PAYLOAD_KEY is set, default otherwise. */
export function dataConverterFromEnvironment(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  if (!env.RG_PAYLOAD_KEY) return undefined;
  const currentKeyId = env.RG_PAYLOAD_KEY_ID || 'default';
  const keys = new Map<string, Buffer>([[currentKeyId, Buffer.from(env.RG_PAYLOAD_KEY, 'base64')]]);
  for (const entry of (env.RG_PAYLOAD_OLD_KEYS ?? '').split(',').filter(Boolean)) {
    const [id, key] = entry.split(':');
    if (!id || !key) throw new PayloadKeyError(`RG_PAYLOAD_OLD_KEYS entry "${entry}" is not id:base64`);
    keys.set(id, Buffer.from(key, 'base64'));
  }
  return {
    payloadCodecs: [new AesGcmPayloadCodec(currentKeyId, keys)],
    // Failure messages and stack traces name files: encode them so the codec encrypts them too.
    failureConverterPath: ENCRYPTED_FAILURE_CONVERTER_PATH,
  };
}
