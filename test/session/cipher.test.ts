/**
 * Session encryption under concurrent calls (ISO/IEC 18013-5 §9.1.1.5): every message of
 * one direction gets its own counter, hence its own IV, even when `encrypt` is called
 * again before the previous call has settled; and overlapping `decrypt` calls use
 * consecutive counters in call order.
 */
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/internal/bytes.js';
import { SessionCipher } from '../../src/session/index.js';
import { BACKENDS } from '../helpers/backends.js';

const keys = { skReader: new Uint8Array(32).fill(0x11), skDevice: new Uint8Array(32).fill(0x22) };

/** The reader's IV for message `counter`: identifier 00…00, then the counter (big-endian). */
function readerIv(counter: number): Uint8Array {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setUint32(8, counter);
  return iv;
}

describe.each(BACKENDS)('SessionCipher under concurrent calls (%s)', (_name, backend) => {
  const messages = ['first request', 'second request', 'third request'].map(utf8Encode);

  it('overlapping encrypt calls take distinct counters: each ciphertext opens only under its own IV', async () => {
    const reader = new SessionCipher('reader', keys, { backend });
    const ciphertexts = await Promise.all(messages.map((m) => reader.encrypt(m)));
    expect(reader.sent).toBe(3);
    for (const [i, ct] of ciphertexts.entries()) {
      // Message i was sealed with counter i + 1 under SKReader, and with no other counter.
      expect(await backend.aesGcmDecrypt(keys.skReader, readerIv(i + 1), ct)).toEqual(messages[i]);
      for (const other of [1, 2, 3].filter((c) => c !== i + 1)) {
        await expect(backend.aesGcmDecrypt(keys.skReader, readerIv(other), ct)).rejects.toThrow();
      }
    }
    // The mdoc decrypts them in order, each with the next counter.
    const mdoc = new SessionCipher('mdoc', keys, { backend });
    for (const [i, ct] of ciphertexts.entries()) expect(await mdoc.decrypt(ct)).toEqual(messages[i]);
  });

  it('overlapping decrypt calls use consecutive counters in call order', async () => {
    const reader = new SessionCipher('reader', keys, { backend });
    const ciphertexts: Uint8Array[] = [];
    for (const m of messages) ciphertexts.push(await reader.encrypt(m));
    const mdoc = new SessionCipher('mdoc', keys, { backend });
    expect(await Promise.all(ciphertexts.map((ct) => mdoc.decrypt(ct)))).toEqual(messages);
    expect(mdoc.received).toBe(3);
  });

  it('a message that fails to decrypt does not advance the counter, and the next call still runs', async () => {
    const reader = new SessionCipher('reader', keys, { backend });
    const ct1 = await reader.encrypt(messages[0]!);
    const tampered = ct1.slice();
    tampered[0]! ^= 1;
    const mdoc = new SessionCipher('mdoc', keys, { backend });
    const [bad, good] = await Promise.allSettled([mdoc.decrypt(tampered), mdoc.decrypt(ct1)]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'ERR_SESSION_DECRYPT' } });
    expect(good).toEqual({ status: 'fulfilled', value: messages[0] });
  });
});
