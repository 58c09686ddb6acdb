/**
 * Child process of encode.test.ts: encodings given a size hint that is not a size (NaN from a
 * caller's bad length, 0, negative, fractional, infinite) must end, with the bytes `encode`
 * gives. A buffer of no bytes once never grew (the writer doubled its length): a hang, so
 * this runs in a child the parent can kill. Prints one JSON line per case.
 * Run as `node --import tsx <this file>`.
 */

import { encodeEmbeddedBytes, encodeSized } from '../../src/cbor/encode.js';
import { encode, encodeEmbedded } from '../../src/cbor/index.js';
import { EncodedCbor } from '../../src/cbor/values.js';
import { deviceAuthenticationBytes, readSessionTranscript } from '../../src/mdoc/device-auth.js';
import { toHex } from '../../src/internal/bytes.js';

const value = ['DeviceAuthentication', new Uint8Array(300), 'x'.repeat(100)];
for (const hint of [Number.NaN, 0, -1, 0.5, Number.POSITIVE_INFINITY]) {
  console.log(JSON.stringify({ name: `encodeSized ${hint}`, outcome: toHex(encodeSized(value, hint)) === toHex(encode(value)) ? 'same bytes' : 'other bytes' }));
  console.log(JSON.stringify({ name: `encodeEmbeddedBytes ${hint}`, outcome: toHex(encodeEmbeddedBytes(value, hint)) === toHex(encodeEmbedded(value).tagged) ? 'same bytes' : 'other bytes' }));
}
const transcript = readSessionTranscript(encode([null, null, ['test', 1]]));
const nameSpaces = EncodedCbor.wrap(encode(new Map()), new Map());
for (const docType of [{}, 5, null, [1]]) {
  try {
    deviceAuthenticationBytes(transcript, docType as never, nameSpaces);
    console.log(JSON.stringify({ name: `docType ${JSON.stringify(docType)}`, outcome: 'returned' }));
  } catch (e) {
    console.log(JSON.stringify({ name: `docType ${JSON.stringify(docType)}`, outcome: (e as Error).constructor.name }));
  }
}
