/**
 * Recording and replay transports: PINs are redacted in recordings; a stored transcript of
 * the virtual card replays through the high-level API; any unexpected command fails.
 */
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/internal/bytes.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { type ApduTranscript, isSecretCommand, RecordingTransport, redactCommand, ReplayTransport } from '../../src/jpki/transcript.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { fromHex } from '../../src/internal/bytes.js';
import { loadVector } from '../helpers/vectors.js';
import { rejectsWith, virtualCard } from './helpers.js';

const STORED = loadVector('jpki/transcript-virtual-auth-sign.json') as ApduTranscript;
const MESSAGE = utf8Encode('shomei transcript');

async function session(card: MyNumberCard): Promise<Uint8Array> {
  await card.readTokenInfo();
  await card.readAuthCertificate();
  return card.signWithAuthKey(MESSAGE, '1234');
}

describe('transcripts', () => {
  it('recording the same session again gives the stored transcript, byte for byte (simulated)', async () => {
    const rec = new RecordingTransport(await virtualCard());
    await session(new MyNumberCard(rec));
    expect(rec.transcript().exchanges).toEqual(STORED.exchanges);
  });

  it('redacts VERIFY, CHANGE REFERENCE DATA and CHANGE KEY data, nothing else', async () => {
    const rec = new RecordingTransport(await virtualCard());
    const card = new MyNumberCard(rec);
    await card.changeAuthPin('1234', '5678');
    const text = JSON.stringify(rec.transcript());
    expect(text).not.toContain('31323334');
    expect(text).not.toContain('35363738');
    expect(text).toContain('0020008004********');
    expect(text).toContain('0024018004********');
    expect(redactCommand(fromHex('803200800435363738'))).toBe('8032008004********');
    expect(redactCommand(fromHex('00200080'))).toBe('00200080');
    expect(isSecretCommand(fromHex('00b0000007'))).toBe(false);
  });

  it('replays the stored transcript through MyNumberCard; the signature verifies', async () => {
    const replay = new ReplayTransport(STORED);
    const card = new MyNumberCard(replay);
    const signature = await session(card);
    expect(replay.remaining).toBe(0);
    // The certificate is the data of the READ BINARY responses (exchanges 5 to 9, counted from 0).
    const cert = parseCertificate(fromHex(STORED.exchanges.slice(5, 10).map((x) => x.response.slice(0, -4)).join('')));
    const key = cert.publicKey;
    expect(key?.kty).toBe('RSA');
    expect(await nobleBackend.rsaPkcs1Verify(key as never, 'SHA-256', MESSAGE, signature)).toBe(true);
  });

  it('a redacted PIN byte matches any PIN of the same length on replay', async () => {
    const replay = new ReplayTransport(STORED);
    const card = new MyNumberCard(replay);
    await card.readTokenInfo();
    await card.readAuthCertificate();
    const signature = await card.signWithAuthKey(MESSAGE, '9999');
    expect(replay.remaining).toBe(0);
    expect(signature).toEqual(await session(new MyNumberCard(new ReplayTransport(STORED))));
  });

  it('fails on an unexpected command, and after the end', async () => {
    const card = new MyNumberCard(new ReplayTransport(STORED));
    await card.readTokenInfo();
    await card.readAuthCertificate();
    const e = await rejectsWith(card.signWithAuthKey(utf8Encode('other data'), '1234'), 'ERR_APDU_TRANSPORT');
    expect(e.message).toContain('exchange 15');
    const done = new ReplayTransport({ exchanges: STORED.exchanges.slice(0, 1) });
    const c2 = new MyNumberCard(done);
    await rejectsWith(c2.readTokenInfo(), 'ERR_APDU_TRANSPORT');
  });

  it('rejects malformed transcripts', () => {
    expect(() => new ReplayTransport({} as never)).toThrow(TypeError);
    expect(() => new ReplayTransport({ exchanges: [{ command: 'XY', response: '9000' }] })).toThrow(TypeError);
  });

  it('overlapping transmits are recorded in the order sent, with their own responses; a failed one is left out', async () => {
    const answers = new Map<string, () => void>();
    const inner = {
      transmit: (command: Uint8Array) =>
        new Promise<Uint8Array>((resolve, reject) => {
          const hex = Array.from(command, (b) => b.toString(16).padStart(2, '0')).join('');
          answers.set(hex, () => (hex === '00b0000001' ? reject(new Error('card removed')) : resolve(Uint8Array.of(command[1]!, 0x90, 0x00))));
        }),
    };
    const rec = new RecordingTransport(inner);
    const first = rec.transmit(fromHex('00a4020c020006'));
    const second = rec.transmit(fromHex('0084000008'));
    const third = rec.transmit(fromHex('00b0000001'));
    // The card answers the second command first, then the first; the third fails.
    answers.get('0084000008')!();
    await second;
    answers.get('00a4020c020006')!();
    await first;
    answers.get('00b0000001')!();
    await expect(third).rejects.toThrow('card removed');
    expect(rec.transcript().exchanges).toEqual([
      { command: '00a4020c020006', response: 'a49000' },
      { command: '0084000008', response: '849000' },
    ]);
  });
});
