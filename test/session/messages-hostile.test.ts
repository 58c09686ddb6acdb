/**
 * SessionEstablishment and SessionData (ISO/IEC 18013-5 §9.1.1.4) with an unexpected member:
 * refused, and the error names the member by a bounded description, never by the member
 * itself (a byte-string key of megabytes made a message four times its size).
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/cbor/index.js';
import { decodeSessionData, decodeSessionEstablishment } from '../../src/session/index.js';

const errorOf = (run: () => unknown): Error => {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
};

describe('unexpected members', () => {
  const big = new Uint8Array(1024 * 1024).fill(0x41);
  const cases: [string, unknown, string][] = [
    ['a byte-string key of 1 MiB', big, '(a byte string of 1048576 bytes)'],
    ['a text key of 100,000 characters', 'k'.repeat(100_000), `"${'k'.repeat(64)}…"`],
    ['a short text key', 'extra', '"extra"'],
    ['an integer key', 7, '7'],
  ];
  for (const [what, key, named] of cases) {
    it(`${what}: SESSION decode error naming it in bounded words`, () => {
      for (const [decodeMessage, fields] of [
        [decodeSessionData, [['data', new Uint8Array(16)]]],
        [decodeSessionEstablishment, [['eReaderKey', new Uint8Array(2)], ['data', new Uint8Array(16)]]],
      ] as const) {
        const e = errorOf(() => decodeMessage(encode(new Map<unknown, unknown>([...fields, [key, 1]]) as never)));
        expect(e.message).toContain(`unexpected member ${named}`);
        expect(e.message.length).toBeLessThan(300);
        expect((e as { code?: string }).code).toMatch(/^ERR_SESSION/);
      }
    });
  }
});
