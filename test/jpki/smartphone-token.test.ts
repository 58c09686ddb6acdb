/**
 * Smartphone JPKI tokens (issue 14): the token kind from EF 0006, and the Android token
 * (`JPKIAPGPSETOKEN`), whose auth certificate EF 000A answers 6982 until the auth PIN is
 * verified (jpki/myna verifies it first for this label). The virtual card's Android layout
 * (`token: 'android'`) models it; the high-level API asks for the PIN there, and sends it
 * nowhere else.
 */
import { describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../src/cli/io.js';
import { type JpkiCliDeps, jpkiCommand } from '../../src/cli/jpki.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { AidHex, JpkiEf } from '../../src/jpki/aid.js';
import { decodeJpkiCertificate } from '../../src/jpki/certificates.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { createVirtualMyNumberCard, DEFAULT_TEST_IDENTITY as ID, type VirtualMyNumberCard } from '../../src/jpki/simulator/index.js';
import { authCertificateNeedsPin, decodeTokenInfo, TokenLabel } from '../../src/jpki/token.js';
import { RecordingTransport } from '../../src/jpki/transcript.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { nobleBackend } from '../../src/crypto/noble.js';
import { rejectsWith, virtualCard } from './helpers.js';

const androidToken = () => createVirtualMyNumberCard({ token: 'android' });
const authTries = (vc: VirtualMyNumberCard) => vc.triesLeft(AidHex.JPKI, JpkiEf.AUTH_PIN);
/** VERIFY with data (a PIN sent), as the recording transport writes it (data redacted). */
const pinsSent = (rec: RecordingTransport) => rec.transcript().exchanges.filter((x) => /^00200080[0-9a-f]{2}\*/.test(x.command)).length;

/** The EF 0006 label of a token, padded as cards write it. */
function tokenEf(label: string): Uint8Array {
  const out = new Uint8Array(160).fill(0x20);
  out.set(utf8Encode(label), 0);
  return out;
}

describe('token kinds (EF 0006)', () => {
  it('card, Android, iPhone, 住基カード and unknown labels, trailing spaces and NULs trimmed', () => {
    expect(decodeTokenInfo(tokenEf('JPKIAPICCTOKEN2'))).toEqual({ label: TokenLabel.CARD, kind: 'card' });
    expect(decodeTokenInfo(tokenEf('JPKIAPGPSETOKEN'))).toEqual({ label: TokenLabel.ANDROID, kind: 'android' });
    expect(decodeTokenInfo(tokenEf('JPKIAPIOSTOKEN'))).toEqual({ label: TokenLabel.IPHONE, kind: 'iphone' });
    expect(decodeTokenInfo(tokenEf('JPKIAPICCTOKEN')).kind).toBe('juki-card');
    const nul = tokenEf('JPKIAPGPSETOKEN');
    nul.fill(0, 15, 32);
    expect(decodeTokenInfo(nul).kind).toBe('android');
    expect(decodeTokenInfo(tokenEf('SOMETHING ELSE')).kind).toBe('unknown');
  });

  it('only the Android token is known to guard the auth certificate with the auth PIN', () => {
    expect(authCertificateNeedsPin('android')).toBe(true);
    for (const kind of ['card', 'iphone', 'juki-card', 'unknown'] as const) expect(authCertificateNeedsPin(kind)).toBe(false);
  });
});

describe('the virtual Android token (simulated from jpki/myna and the reference §5.5)', () => {
  it('says JPKIAPGPSETOKEN, has no card-info or 住基 APs, and signs with both keys', async () => {
    const vc = await androidToken();
    const card = new MyNumberCard(vc);
    expect(await card.readTokenInfo()).toEqual({ label: 'JPKIAPGPSETOKEN', kind: 'android' });
    expect(await card.authCertificateNeedsPin()).toBe(true);
    const status = await card.pinStatus();
    expect(status.auth.retriesLeft).toBe(3);
    expect(status.support).toBeUndefined();
    expect(status.juki).toBeUndefined();
    await rejectsWith(card.readMyNumber(ID.pins.support), 'ERR_APDU_STATUS');
    const data = utf8Encode('signed on a phone');
    const signature = await card.signWithAuthKey(data, ID.pins.auth);
    const cert = parseCertificate(await card.readAuthCertificate({ pin: ID.pins.auth }));
    expect(await nobleBackend.rsaPkcs1Verify(cert.publicKey as never, 'SHA-256', data, signature)).toBe(true);
  });

  it('readAuthCertificate() without a PIN: ERR_JPKI_PIN_REQUIRED naming the Android token; no PIN sent, no try spent', async () => {
    const vc = await androidToken();
    const rec = new RecordingTransport(vc);
    const e = await rejectsWith(new MyNumberCard(rec).readAuthCertificate(), 'ERR_JPKI_PIN_REQUIRED');
    expect(e.message).toContain('Android JPKI token');
    expect(e.message).toContain('readAuthCertificate({ pin })');
    expect(e.sw).toBe(0x6982);
    expect(pinsSent(rec)).toBe(0);
    expect(authTries(vc)).toBe(3);
  });

  it('readAuthCertificate({ pin }): the token is read first, the PIN verified, the certificate read (one VERIFY)', async () => {
    const vc = await androidToken();
    const rec = new RecordingTransport(vc);
    const der = await new MyNumberCard(rec).readAuthCertificate({ pin: ID.pins.auth });
    expect(decodeJpkiCertificate(der).kind).toBe('auth');
    expect(pinsSent(rec)).toBe(1);
    // Token first (SELECT AP, SELECT EF 0006, READ), then no blind read of 000A before the VERIFY.
    const commands = rec.transcript().exchanges.map((x) => x.command);
    expect(commands.slice(0, 3)).toEqual(['00a4040c0ad392f000260100000001', '00a4020c020006', '00b0000020']);
    expect(commands.indexOf('00a4020c02000a')).toBeGreaterThan(commands.findIndex((c) => c.startsWith('0020008004')));
    expect(authTries(vc)).toBe(3);
  });

  it('a wrong PIN is ERR_JPKI_PIN with retriesLeft; a malformed one is refused before any APDU', async () => {
    const vc = await androidToken();
    const card = new MyNumberCard(vc);
    const e = await rejectsWith(card.readAuthCertificate({ pin: '9999' }), 'ERR_JPKI_PIN');
    expect(e.retriesLeft).toBe(2);
    const before = vc.commandCount;
    await rejectsWith(card.readAuthCertificate({ pin: '12a4' }), 'ERR_JPKI_PIN_FORMAT');
    expect(vc.commandCount).toBe(before);
  });

  it('on a physical card a given PIN is not sent: the certificate reads as before', async () => {
    const vc = await virtualCard();
    const rec = new RecordingTransport(vc);
    const card = new MyNumberCard(rec);
    expect(await card.authCertificateNeedsPin()).toBe(false);
    const withPin = await card.readAuthCertificate({ pin: ID.pins.auth });
    expect(await card.readAuthCertificate()).toEqual(withPin);
    expect(pinsSent(rec)).toBe(0);
  });

  it('a token not known to need the PIN (iPhone label) that answers 6982: ERR_JPKI_PIN_REQUIRED naming it, then the PIN reads it', async () => {
    const vc = await androidToken();
    vc.tamper(AidHex.JPKI, JpkiEf.TOKEN, () => tokenEf('JPKIAPIOSTOKEN'));
    const card = new MyNumberCard(vc);
    const e = await rejectsWith(card.readAuthCertificate(), 'ERR_JPKI_PIN_REQUIRED');
    expect(e.message).toContain('"JPKIAPIOSTOKEN"');
    expect(authTries(vc)).toBe(3);
    expect(decodeJpkiCertificate(await card.readAuthCertificate({ pin: ID.pins.auth })).kind).toBe('auth');
  });
});

describe('shomei jpki on the Android token asks for the auth PIN', () => {
  function deps(pins: string[]): { deps: JpkiCliDeps; out: string[]; prompts: string[] } {
    const out: string[] = [];
    const prompts: string[] = [];
    return {
      out,
      prompts,
      deps: {
        openCard: async (o) => ({ transport: await createVirtualMyNumberCard(o.android === true ? { token: 'android' } : {}), close: async () => {} }),
        pinReader: () => async (prompt) => {
          prompts.push(prompt);
          const p = pins.shift();
          if (p === undefined) throw new Error('no PIN scripted');
          return p;
        },
        out: (t) => out.push(t),
      },
    };
  }

  it('info --virtual --android: prompts once, prints the token and the auth certificate, never the PIN', async () => {
    const d = deps([ID.pins.auth]);
    expect(await jpkiCommand(d.deps).run(['info', '--virtual', '--android', '--pin-stdin'])).toBe(0);
    const info = JSON.parse(d.out.join(''));
    expect(info.token).toEqual({ label: 'JPKIAPGPSETOKEN', kind: 'android' });
    expect(info.authCertificate.kind).toBe('auth');
    expect(info.pins.support).toBeUndefined();
    expect(d.prompts).toEqual(['User authentication PIN (4 digits): ']);
    expect(d.out.join('')).not.toContain(ID.pins.auth);
  });

  it('certs --virtual --android: the PIN is asked after the token refused the read; a card is never asked', async () => {
    const d = deps([ID.pins.auth]);
    expect(await jpkiCommand(d.deps).run(['certs', '--virtual', '--android'])).toBe(0);
    expect(d.out.join('').match(/BEGIN CERTIFICATE/g)?.length).toBe(3);
    expect(d.prompts).toEqual(['User authentication PIN (4 digits): ']);
    const c = deps([]);
    expect(await jpkiCommand(c.deps).run(['certs', '--virtual'])).toBe(0);
    expect(c.prompts).toEqual([]);
  });

  it('--android without --virtual is a usage error (exit 2)', async () => {
    const d = deps([]);
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    try {
      expect(await runCommand('jpki', jpkiCommand(d.deps), ['info', '--android'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('')).toContain('--android selects the virtual Android token');
  });
});
