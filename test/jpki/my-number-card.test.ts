/**
 * The full high-level API against the virtual card, through the same CardTransport a
 * reader uses: certificates, signatures with both keys (verified on both crypto
 * backends), PIN status, wrong PINs counting down, blocking, the last-try refusal, format
 * refusals, PIN changes, card info with integrity (valid, unverifiable, tampered), the
 * 券面事項確認AP and the 住基 APs.
 */
import { describe, expect, it } from 'vitest';
import { rsaPkcs1VerifyDigest } from '../../src/crypto/rsa.js';
import type { HashAlg, RsaPublicKey } from '../../src/crypto/types.js';
import { ApduError, JpkiError } from '../../src/errors.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { AidHex, JpkiEf, SupportEf } from '../../src/jpki/aid.js';
import { CardChannel } from '../../src/jpki/channel.js';
import { decodeJpkiCertificate } from '../../src/jpki/certificates.js';
import { readJpkiCertificate } from '../../src/jpki/jpki-ap.js';
import { changeJukiPin, jukiPinStatus, readCommonCardInfo, verifyJukiPin } from '../../src/jpki/juki-ap.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY, testCvcAnchors } from '../../src/jpki/simulator/index.js';
import { verificationCodeB } from '../../src/jpki/verification-code.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { BACKENDS } from '../helpers/backends.js';
import { rejectsWith, virtualCard } from './helpers.js';

const ID = DEFAULT_TEST_IDENTITY;
const CODE_B = verificationCodeB({ birthDate: ID.birthDate, expiryYear: Number(ID.expiryDate.slice(0, 4)), securityCode: ID.securityCode });
const data = utf8Encode('a document to sign');

/** An EF edit for VirtualMyNumberCard.tamper: XOR byte `i` with `mask`. */
const flip =
  (i: number, mask = 1) =>
  (b: Uint8Array): Uint8Array => {
    b[i]! ^= mask;
    return b;
  };

function rsaKeyOf(der: Uint8Array): RsaPublicKey {
  const key = parseCertificate(der).publicKey;
  if (key?.kty !== 'RSA') throw new Error('not RSA');
  return key;
}

describe('MyNumberCard on the virtual card: JPKI-AP', () => {
  it('reads the token and certificate availability', async () => {
    const card = new MyNumberCard(await virtualCard());
    expect(await card.readTokenInfo()).toEqual({ label: 'JPKIAPICCTOKEN2', kind: 'card' });
    const a = await card.readCertificateAvailability();
    expect([a.sign, a.auth]).toEqual([true, true]);
  });

  it('reads the four certificates; the sign certificate needs the password (6982 without)', async () => {
    const vc = await virtualCard();
    const card = new MyNumberCard(vc);
    const auth = decodeJpkiCertificate(await card.readAuthCertificate());
    expect(auth.kind).toBe('auth');
    expect(auth.subjectId).toBe('SHOMEITESTAUTH000000001');
    expect(auth.holder).toBeNull();
    expect(decodeJpkiCertificate(await card.readAuthCaCertificate()).kind).toBe('ca');
    expect(decodeJpkiCertificate(await card.readSignCaCertificate()).kind).toBe('ca');
    const e = await rejectsWith(readJpkiCertificate(new CardChannel(vc), 'sign'), 'ERR_APDU_STATUS');
    expect(e.sw).toBe(0x6982);
    const sign = decodeJpkiCertificate(await card.readSignCertificate(ID.pins.sign));
    expect(sign.kind).toBe('sign');
    expect(sign.localities).toEqual(['Tokyo-to', 'Chiyoda-ku']);
    expect(sign.holder?.name).toBe(ID.name);
    expect(sign.holder?.birthDate).toMatchObject({ raw: '419890331', date: '1989-03-31' });
    expect(sign.holder?.birthDate.era?.name).toBe('平成');
  });

  it('reads a certificate in one extended READ BINARY when the transport allows it', async () => {
    const short = await virtualCard();
    const ext = await virtualCard({ extendedLength: true });
    const a = await new MyNumberCard(short).readAuthCertificate();
    const b = await new MyNumberCard(ext).readAuthCertificate();
    expect(b).toEqual(a);
    expect(ext.commandCount).toBeLessThan(short.commandCount);
  });

  for (const [name, backend] of BACKENDS) {
    for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as HashAlg[]) {
      it(`signs with both keys over ${hash}, verified on ${name}`, async () => {
        const card = new MyNumberCard(await virtualCard(), { backend });
        const authKey = rsaKeyOf(await card.readAuthCertificate());
        const sig = await card.signWithAuthKey(data, ID.pins.auth, { hash });
        expect(await backend.rsaPkcs1Verify(authKey, hash, data, sig)).toBe(true);
        const signKey = rsaKeyOf(await card.readSignCertificate(ID.pins.sign));
        const sig2 = await card.signWithSignKey(data, ID.pins.sign, { hash });
        expect(await backend.rsaPkcs1Verify(signKey, hash, data, sig2)).toBe(true);
        expect(await backend.rsaPkcs1Verify(authKey, hash, data, sig2)).toBe(false);
      });
    }
  }

  it('signs a precomputed digest', async () => {
    const card = new MyNumberCard(await virtualCard());
    const digest = new Uint8Array(32).fill(7);
    const sig = await card.signDigest('auth', 'SHA-256', digest, ID.pins.auth);
    expect(rsaPkcs1VerifyDigest(rsaKeyOf(await card.readAuthCertificate()), 'SHA-256', digest, sig)).toBe(true);
  });

  it('reports every PIN counter without spending a try', async () => {
    const vc = await virtualCard();
    const card = new MyNumberCard(vc);
    expect(await card.pinStatus()).toEqual({
      auth: { retriesLeft: 3, blocked: false },
      sign: { retriesLeft: 5, blocked: false },
      support: { retriesLeft: 3, blocked: false },
      juki: { retriesLeft: 3, blocked: false },
    });
    expect(vc.triesLeft(AidHex.JPKI, JpkiEf.AUTH_PIN)).toBe(3);
  });

  it('counts wrong PINs down, refuses the last try, blocks with allowLastTry', async () => {
    const vc = await virtualCard();
    const card = new MyNumberCard(vc);
    const e1 = await rejectsWith(card.signWithAuthKey(data, '0000'), 'ERR_JPKI_PIN');
    expect(e1.retriesLeft).toBe(2);
    const e2 = await rejectsWith(card.signWithAuthKey(data, '0000'), 'ERR_JPKI_PIN');
    expect(e2.retriesLeft).toBe(1);
    expect(e2.message).not.toContain('0000');
    // One try left: refused, and nothing was spent.
    const before = vc.commandCount;
    const e3 = await rejectsWith(card.signWithAuthKey(data, ID.pins.auth), 'ERR_JPKI_LAST_TRY');
    expect(e3.retriesLeft).toBe(1);
    expect(vc.triesLeft(AidHex.JPKI, JpkiEf.AUTH_PIN)).toBe(1);
    expect(vc.commandCount - before).toBe(3); // SELECT AP, SELECT EF and the retry query: no VERIFY
    const e4 = await rejectsWith(card.signWithAuthKey(data, '0000', { allowLastTry: true }), 'ERR_JPKI_PIN_BLOCKED');
    expect(e4.retriesLeft).toBe(0);
    expect((await card.pinStatus()).auth).toEqual({ retriesLeft: 0, blocked: true });
    await rejectsWith(card.signWithAuthKey(data, ID.pins.auth, { allowLastTry: true }), 'ERR_JPKI_PIN_BLOCKED');
    // The sign password is independent.
    expect((await card.pinStatus()).sign.retriesLeft).toBe(5);
  });

  it('a right PIN resets the counter', async () => {
    const vc = await virtualCard();
    const card = new MyNumberCard(vc);
    await rejectsWith(card.signWithSignKey(data, 'WRONG1'), 'ERR_JPKI_PIN');
    expect((await card.pinStatus()).sign.retriesLeft).toBe(4);
    await card.signWithSignKey(data, ID.pins.sign);
    expect((await card.pinStatus()).sign.retriesLeft).toBe(5);
  });

  it('refuses badly formatted PINs before sending anything', async () => {
    const vc = await virtualCard();
    const card = new MyNumberCard(vc);
    const before = vc.commandCount;
    for (const bad of ['12345', '12a4', '', '１２３４']) await rejectsWith(card.signWithAuthKey(data, bad), 'ERR_JPKI_PIN_FORMAT');
    for (const bad of ['ABC12', 'ABCDEFGHIJKLMNOPQ', 'PASS-1234', 'パスワード123']) {
      const e = await rejectsWith(card.signWithSignKey(data, bad), 'ERR_JPKI_PIN_FORMAT');
      expect(e.message).not.toContain(bad);
    }
    await rejectsWith(card.readMyNumber({ codeA: '123456789012' }), 'ERR_JPKI_PIN_FORMAT'); // wrong check digit
    await rejectsWith(card.readBasicFour({ codeB: '0103312034' }), 'ERR_JPKI_PIN_FORMAT');
    expect(vc.commandCount).toBe(before);
    // Lower case is upper-cased, as the official client does.
    await card.signWithSignKey(data, ID.pins.sign.toLowerCase());
  });

  it('changes the auth PIN and the sign password', async () => {
    const card = new MyNumberCard(await virtualCard());
    await card.changeAuthPin(ID.pins.auth, '5678');
    await card.signWithAuthKey(data, '5678');
    await rejectsWith(card.signWithAuthKey(data, ID.pins.auth), 'ERR_JPKI_PIN');
    await rejectsWith(card.changeSignPassword(ID.pins.sign, 'ONLYLETTERS'), 'ERR_JPKI_PIN_FORMAT');
    await card.changeSignPassword(ID.pins.sign, 'NEWPASS99');
    await card.signWithSignKey(data, 'NEWPASS99');
  });
});

describe('MyNumberCard on the virtual card: card-info APs', () => {
  for (const [name, backend] of BACKENDS) {
    it(`reads My Number and the basic four with the PIN, integrity valid with the test anchors (${name})`, async () => {
      const card = new MyNumberCard(await virtualCard(), { backend, cvcAnchors: testCvcAnchors() });
      const info = await card.readCardInfo(ID.pins.support);
      expect(info.myNumber).toBe(ID.myNumber);
      expect(info.basicFour).toEqual({ name: ID.name, address: ID.address, birthDate: ID.birthDate, birthDateRaw: ID.birthDate.replaceAll('-', ''), sex: ID.sex, sexMeaning: 'female', findings: [] });
      expect(info.integrity.status).toBe('valid');
      expect(info.integrity.checks.map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    });
  }

  it('reports integrity as unverifiable, not valid, without a CVC anchor', async () => {
    const card = new MyNumberCard(await virtualCard());
    const r = await card.readMyNumber(ID.pins.support);
    expect(r.myNumber).toBe(ID.myNumber);
    expect(r.integrity).toMatchObject({ status: 'unverifiable', valid: false, issuerKeyId: '9000033/001' });
    expect(r.integrity.checks.find((c) => c.id === 'CVC_SIGNATURE')?.status).toBe('unverifiable');
    expect(r.integrity.checks.find((c) => c.id === 'BASIC_FOUR_DIGEST')?.status).toBe('skipped');
  });

  it('opens EF 0001 with 照合番号A and EF 0002 with 照合番号B, not the other way round', async () => {
    const card = new MyNumberCard(await virtualCard(), { cvcAnchors: testCvcAnchors() });
    expect((await card.readMyNumber({ codeA: ID.myNumber })).integrity.status).toBe('valid');
    expect((await card.readBasicFour({ codeB: CODE_B })).name).toBe(ID.name);
  });

  it('refuses EF 0002 to 照合番号A (6982)', async () => {
    const vc = await virtualCard();
    const ch = new CardChannel(vc);
    await ch.selectAp('CARD_INFO_SUPPORT');
    await ch.verifyPin(SupportEf.CODE_A, 'code-a', utf8Encode(ID.myNumber));
    const e = await rejectsWith(ch.readTlvEf(SupportEf.BASIC_FOUR), 'ERR_APDU_STATUS');
    expect(e.sw).toBe(0x6982);
  });

  const tampering: [string, number, (b: Uint8Array) => Uint8Array, string][] = [
    ['an address byte', SupportEf.BASIC_FOUR, flip(40), 'BASIC_FOUR_DIGEST'],
    ['the My Number filler', SupportEf.MY_NUMBER, flip(16, 0xff), 'MY_NUMBER_DIGEST'],
    ['the record signature', SupportEf.INTEGRITY, flip(200, 0x80), 'RECORD_SIGNATURE'],
    ['a digest in the record', SupportEf.INTEGRITY, flip(10), 'RECORD_SIGNATURE'],
    ['the CVC signature', SupportEf.CVC, flip(400), 'CVC_SIGNATURE'],
  ];
  for (const [what, fid, edit, check] of tampering) {
    it(`tampering with ${what} throws ERR_JPKI_INTEGRITY (${check})`, async () => {
      const vc = await virtualCard();
      vc.tamper(AidHex.CARD_INFO_SUPPORT, fid, edit);
      const card = new MyNumberCard(vc, { cvcAnchors: testCvcAnchors() });
      const e = await rejectsWith(card.readCardInfo(ID.pins.support), 'ERR_JPKI_INTEGRITY');
      expect(e.check).toBe(check);
    });
  }

  it('still detects tampered data without an anchor (digests and record signature)', async () => {
    const vc = await virtualCard();
    vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.BASIC_FOUR, flip(40));
    await rejectsWith(new MyNumberCard(vc).readBasicFour(ID.pins.support), 'ERR_JPKI_INTEGRITY');
  });

  it('reads the card face with 照合番号B and the My Number image with 照合番号A, signatures verified', async () => {
    const card = new MyNumberCard(await virtualCard(), { cvcAnchors: testCvcAnchors() });
    const { face, integrity } = await card.readCardFace({ codeB: CODE_B });
    expect(integrity.status).toBe('valid');
    expect(face.birthDate).toBe(ID.birthDate);
    expect(face.expiryDate).toBe(ID.expiryDate);
    expect(Array.from(face.photo.subarray(0, 12))).toEqual([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]);
    expect(Array.from(face.nameImage.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    const img = await card.readMyNumberImage(ID.myNumber);
    expect(img.integrity.status).toBe('valid');
    // 照合番号B does not open the My Number image.
    const vc = await virtualCard();
    const ch = new CardChannel(vc);
    await ch.selectAp('CARD_SURFACE');
    await ch.verifyPin(0x0012, 'code-b', utf8Encode(CODE_B));
    expect((await rejectsWith(ch.readTlvEf(0x0005), 'ERR_APDU_STATUS')).sw).toBe(0x6982);
  });

  it('detects a tampered photo (FACE_SIGNATURE)', async () => {
    const vc = await virtualCard();
    vc.tamper(AidHex.CARD_SURFACE, 0x0002, (b) => {
      const i = b.findIndex((x, k) => x === 0x6a && b[k + 1] === 0x50);
      b[i + 2] = 0x21;
      return b;
    });
    const e = await rejectsWith(new MyNumberCard(vc, { cvcAnchors: testCvcAnchors() }).readCardFace({ codeA: ID.myNumber }), 'ERR_JPKI_INTEGRITY');
    expect(e.check).toBe('FACE_SIGNATURE');
  });
});

describe('住基AP and the …0100 AP', () => {
  it('PIN status, VERIFY, CHANGE KEY and the card-info record', async () => {
    const ch = new CardChannel(await virtualCard());
    expect(await jukiPinStatus(ch)).toEqual({ retriesLeft: 3, blocked: false });
    await verifyJukiPin(ch, ID.pins.juki);
    await changeJukiPin(ch, ID.pins.juki, '9999');
    await verifyJukiPin(ch, '9999');
    await rejectsWith(verifyJukiPin(ch, ID.pins.juki), 'ERR_JPKI_PIN');
    expect(await readCommonCardInfo(ch)).toEqual({ serial: '912345678901000', municipalityCode: ID.municipalityCode, expiryDate: ID.expiryDate });
  });
});

describe('MyNumberCard argument checks', () => {
  it('rejects a transport without transmit and non-byte data', async () => {
    expect(() => new MyNumberCard({} as never)).toThrow(TypeError);
    const card = new MyNumberCard(await virtualCard());
    await expect(card.signWithAuthKey('text' as never, ID.pins.auth)).rejects.toThrow(TypeError);
  });

  it('errors are ApduError/JpkiError subclasses with stable codes', () => {
    expect(new JpkiError('ERR_JPKI_PIN', 'x', { retriesLeft: 2 }).retriesLeft).toBe(2);
    expect(new ApduError('ERR_APDU_STATUS', 'x', { sw: 0x6982 }).sw).toBe(0x6982);
  });
});
