/**
 * Child process of hostile-memory.test.ts (RFC 8949 §10, resource exhaustion): decodes
 * 16 MiB adversarial inputs one after another under the small V8 heap the parent gives
 * it, and prints one JSON line per input with the CborError code it ended in.
 * Run as `node --max-old-space-size=64 --expose-gc --import tsx <this file>`.
 */

import { decode, EncodedCbor, Tag } from '../../src/cbor/index.js';
import { CborError, MdocError } from '../../src/errors.js';
import { decodeDeviceRequest, MAX_DOCUMENTS, verifyDeviceResponse } from '../../src/mdoc/index.js';

const SIZE = 16 * 1024 * 1024;

/** A head with a 4-byte argument: major type `major`, argument `n`. */
function head(major: number, n: number): number[] {
  return [(major << 5) | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** SIZE bytes: `prefix`, then `unit` repeated to the end (the last one may be cut short). */
function run(prefix: readonly number[], unit: readonly number[]): Uint8Array {
  const b = new Uint8Array(SIZE);
  b.set(prefix);
  const p = prefix.length;
  b.set(unit.slice(0, SIZE - p), p);
  for (let n = unit.length; p + n < SIZE; n *= 2) b.copyWithin(p + n, p, p + n);
  return b;
}

/**
 * Heads of the given major types in turn, to the end, each declaring `count(bytes left
 * after it)`; `prefix` goes before each head (d8 18 makes a chain of tag 24 byte strings).
 */
function declaring(heads: readonly (readonly [number, (left: number) => number])[], prefix: readonly number[] = []): Uint8Array {
  const b = new Uint8Array(SIZE);
  let p = 0;
  for (let i = 0; p + 16 <= SIZE; i++) {
    const [major, count] = heads[i % heads.length]!;
    b.set(prefix, p);
    p += prefix.length;
    b.set(head(major, count(SIZE - p - 5)), p);
    p += 5;
  }
  return b;
}

/** Four bignums (tag 2) of a quarter of the input each, in an array declaring five. */
function bignums(): Uint8Array {
  const b = run([], [0x5a]);
  const quarter = SIZE / 4;
  b.set([0x85], 0);
  for (let i = 0; i < 4; i++) b.set([0xc2, ...head(2, quarter - (i === 0 ? 7 : 6))], i === 0 ? 1 : i * quarter);
  return b;
}

/** Read every value, so that lazily decoded tag 24 content is decoded too. */
function touch(v: unknown): void {
  if (v instanceof EncodedCbor) touch(v.value);
  else if (v instanceof Tag) touch(v.value);
  else if (Array.isArray(v)) v.forEach(touch);
  else if (v instanceof Map) v.forEach(touch);
}

/**
 * A DeviceRequest of as many DocRequests as it may hold (MAX_DOCUMENTS), each an ItemsRequest
 * (tag 24) of 49,000 three-character element identifiers: about 98,000 items each, under
 * maxItems, but some 3.1 million in all (before one budget covered a decode and its tag 24
 * content, 4.9 MB of them held 57 MB of heap). One DocRequest is written, then copied.
 */
function deviceRequest(): Uint8Array {
  const ascii = (s: string) => [...new TextEncoder().encode(s)];
  const elements = 49_000;
  const content = [0xa2, 0x67, ...ascii('docType'), 0x61, 0x64, 0x6a, ...ascii('nameSpaces'), 0xa1, 0x61, 0x6e, 0xb9, elements >> 8, elements & 0xff];
  const docRequest = [0xa1, 0x6c, ...ascii('itemsRequest'), 0xd8, 0x18, ...head(2, content.length + 5 * elements)];
  const unit = docRequest.length + content.length + 5 * elements;
  const prefix = [0xa2, 0x67, ...ascii('version'), 0x63, ...ascii('1.0'), 0x6b, ...ascii('docRequests')];
  const count = Math.min(MAX_DOCUMENTS, Math.floor((SIZE - prefix.length - 5) / unit));
  const b = new Uint8Array(prefix.length + 5 + count * unit);
  b.set([...prefix, ...head(4, count)]);
  let p = prefix.length + 5;
  const first = p;
  b.set([...docRequest, ...content], p);
  p += docRequest.length + content.length;
  for (let i = 0; i < elements; i++, p += 5) b.set([0x63, 0x21 + (i % 90), 0x21 + (Math.floor(i / 90) % 90), 0x21 + Math.floor(i / 8100), 0xf5], p);
  for (let n = unit; first + n < b.length; n *= 2) b.copyWithin(first + n, first, first + Math.min(n, b.length - first - n));
  return b;
}

const all = (left: number) => left;
const half = (left: number) => Math.floor(left / 2);

const shapes: [string, () => Uint8Array, object?][] = [
  ['arrays, each declaring the bytes left', () => declaring([[4, all]])],
  ['maps, each declaring half the bytes left', () => declaring([[5, half]])],
  ['arrays, maps (as keys) and tags, each declaring the bytes left', () => declaring([[4, all], [5, half], [6, () => 1000]])],
  ['tag 24 byte strings, each declaring the bytes left', () => declaring([[2, all]], [0xd8, 0x18])],
  ['indefinite-length arrays nested', () => run([], [0x9f])],
  ['indefinite-length maps nested (as keys)', () => run([], [0xbf])],
  ['a tag chain', () => run([], [0xc6])],
  ['empty text strings in an array declaring the bytes left', () => run(head(4, SIZE - 5), [0x60])],
  ['integers in an indefinite-length array', () => run([0x9f], [0x00])],
  ['empty chunks of an indefinite-length byte string', () => run([0x5f], [0x40])],
  ['empty chunks of an indefinite-length text string', () => run([0x7f], [0x60])],
  ['a byte string declaring 2^64 - 1 bytes', () => run([0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0])],
  ['a byte string declaring one byte more than there is', () => run(head(2, SIZE - 4), [0])],
  ['a 16 MiB byte string as a map key, without a value', () => run([0xa1, ...head(2, SIZE - 6)], [0x61])],
  ['four 4 MiB bignums in an array declaring five', bignums],
  ['empty maps', () => run(head(4, SIZE - 5), [0xa0])],
  ['empty byte strings', () => run(head(4, SIZE - 5), [0x40])],
  ['empty arrays', () => run([0x9f], [0x80])],
  ['maps with an array key', () => run([0x9f], [0xa1, 0x80, 0x00])],
  ['tag 24 items', () => run([0x9f], [0xd8, 0x18, 0x41, 0x00])],
  ['tag 24 contents each under maxItems, over it together (a DeviceRequest)', deviceRequest],
];

for (const [name, build, options] of shapes) {
  let code = 'no error';
  try {
    touch(decode(build(), options));
  } catch (e) {
    code = e instanceof CborError ? e.code : `not a CborError: ${String(e)}`;
  }
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(`${JSON.stringify({ name, code, heapUsed: process.memoryUsage().heapUsed })}\n`);
}

// The DeviceRequest again, through the decoder a holder calls: a typed error, its cause the limit.
let requestCode = 'no error';
try {
  decodeDeviceRequest(deviceRequest());
} catch (e) {
  requestCode = e instanceof MdocError ? `${e.code} (${e.cause instanceof CborError ? e.cause.code : 'no CborError cause'})` : `not an MdocError: ${String(e)}`;
}
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(`${JSON.stringify({ name: 'decodeDeviceRequest of many large ItemsRequests', code: requestCode, heapUsed: process.memoryUsage().heapUsed })}\n`);

// The same through the verifier a server calls: a DeviceResponse whose documents array
// declares the bytes left and holds empty maps to the end.
const prefix = [0xa3, 0x67, ...new TextEncoder().encode('version'), 0x63, 0x31, 0x2e, 0x30, 0x66, ...new TextEncoder().encode('status'), 0x00];
const documents = [0x69, ...new TextEncoder().encode('documents'), ...head(4, SIZE)];
const response = run([...prefix, ...documents], [0xa0]);
const result = await verifyDeviceResponse(response, { trustAnchors: [] });
const structure = result.checks.find((c) => c.id === 'RESPONSE_STRUCTURE');
process.stdout.write(`${JSON.stringify({ name: 'verifyDeviceResponse of 16 MiB of empty maps', code: `valid ${result.valid}, RESPONSE_STRUCTURE ${structure?.status}` })}\n`);
