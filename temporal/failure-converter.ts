/**
 * The failure converter used when payloads are encrypted (RG_PAYLOAD_KEY set): a failure's message
 * and stack trace (which name files and patients) move into an encoded payload, so the payload
 * codec encrypts them too and the server stores only "Encoded failure".
 * Loaded by path (workers bundle it into the workflow sandbox; clients require it).
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
