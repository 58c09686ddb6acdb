/**
 * Bounded memory on hostile CBOR (RFC 8949 §10; issue 10 §1): 16 MiB inputs shaped to
 * make a decoder allocate from declared counts (cbor-x PR #142: nested heads that each
 * declare as many items as there are bytes left), long runs of one-byte items, indefinite
 * nesting, tag chains, huge declared lengths and many tag 24 items each holding nearly
 * `maxItems` items, decoded in a child process whose V8 heap is capped at 64 MiB. Each
 * input must end in the expected CborError and the child must exit normally; before decode stopped pre-sizing arrays, the first input alone needed
 * about 4 GiB. The child's timeout only guards against a hang: no duration is asserted.
 */

import { describe, expect, it } from 'vitest';
import { runUnderSmallHeap } from '../helpers/small-heap.js';


interface Outcome {
  readonly name: string;
  readonly code: string;
}

describe('decode under a 64 MiB heap, 16 MiB hostile inputs', () => {
  it('ends every input in a typed CborError and the process survives', { timeout: 660_000 }, async () => {
    const { exitCode, signal, stderr, lines: outcomes } = await runUnderSmallHeap<Outcome>(new URL('./hostile-memory.child.ts', import.meta.url), 64, 600_000, ['--expose-gc']);
    expect({ exitCode, signal }, stderr.slice(-2000)).toEqual({ exitCode: 0, signal: null });
    expect(Object.fromEntries(outcomes.map((o) => [o.name, o.code]))).toEqual({
      'arrays, each declaring the bytes left': 'ERR_CBOR_LIMIT',
      'maps, each declaring half the bytes left': 'ERR_CBOR_LIMIT',
      'arrays, maps (as keys) and tags, each declaring the bytes left': 'ERR_CBOR_LIMIT',
      'tag 24 byte strings, each declaring the bytes left': 'ERR_CBOR_LIMIT',
      'indefinite-length arrays nested': 'ERR_CBOR_LIMIT',
      'indefinite-length maps nested (as keys)': 'ERR_CBOR_LIMIT',
      'a tag chain': 'ERR_CBOR_LIMIT',
      'empty text strings in an array declaring the bytes left': 'ERR_CBOR_LIMIT',
      'integers in an indefinite-length array': 'ERR_CBOR_LIMIT',
      'empty chunks of an indefinite-length byte string': 'ERR_CBOR_LIMIT',
      'empty chunks of an indefinite-length text string': 'ERR_CBOR_LIMIT',
      'a byte string declaring 2^64 - 1 bytes': 'ERR_CBOR_MALFORMED',
      'a byte string declaring one byte more than there is': 'ERR_CBOR_MALFORMED',
      'a 16 MiB byte string as a map key, without a value': 'ERR_CBOR_MALFORMED',
      'four 4 MiB bignums in an array declaring five': 'ERR_CBOR_MALFORMED',
      'empty maps': 'ERR_CBOR_LIMIT',
      'empty byte strings': 'ERR_CBOR_LIMIT',
      'empty arrays': 'ERR_CBOR_LIMIT',
      'maps with an array key': 'ERR_CBOR_LIMIT',
      'tag 24 items': 'ERR_CBOR_LIMIT',
      'tag 24 contents each under maxItems, over it together (a DeviceRequest)': 'ERR_CBOR_LIMIT',
      'decodeDeviceRequest of many large ItemsRequests': 'ERR_MDOC_STRUCTURE (ERR_CBOR_LIMIT)',
      'verifyDeviceResponse of 16 MiB of empty maps': 'valid false, RESPONSE_STRUCTURE failed',
    });
  });
});
