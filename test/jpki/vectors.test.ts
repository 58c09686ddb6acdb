/**
 * Every APDU of `vectors/jpki/jpki.json` produced byte for byte by the builders, and the
 * data vectors decoded by the parsers. Entries the vector file or the reference marks as
 * single source, uncertain or computed say so in the test name.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble.js';
import type { HashAlg } from '../../src/crypto/types.js';
import { DIGEST_INFO_PREFIX, encodeDigestInfo } from '../../src/crypto/rsa.js';
import { fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { AidHex, aidBytes, JpkiEf } from '../../src/jpki/aid.js';
import { type CommandApdu, decodeCommandApdu, encodeCommandApdu } from '../../src/jpki/apdu.js';
import { decodeBasicFourFile } from '../../src/jpki/basic-four.js';
import * as cmd from '../../src/jpki/commands.js';
import { decodeJpkiCertificate } from '../../src/jpki/certificates.js';
import { decodeCommonCardInfo } from '../../src/jpki/juki-ap.js';
import { decodeMyNumberFile, isValidMyNumber } from '../../src/jpki/my-number.js';
import { encodePin } from '../../src/jpki/pin.js';
import { retriesFromStatusWord } from '../../src/jpki/status.js';
import { decodeTlvHeader } from '../../src/jpki/tlv.js';
import { decodeCertificateAvailability, decodeTokenInfo } from '../../src/jpki/token.js';
import { verificationCodeA, verificationCodeB } from '../../src/jpki/verification-code.js';
import { UNCONFIRMED_JLIS_CVC_ANCHORS } from '../../src/jpki/cvc.js';
import { confidence, VECTORS, vectorBytes } from './helpers.js';

const sha256Hello = fromHex('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');

/** The builder call that must produce each APDU vector. */
const BUILDERS: Record<string, () => Uint8Array> = {
  'apdu.select_df.jpki': () => encodeCommandApdu(cmd.selectDf(aidBytes('JPKI'))),
  'apdu.select_df.kenhojo': () => encodeCommandApdu(cmd.selectDf(aidBytes('CARD_INFO_SUPPORT'))),
  'apdu.select_df.kenkaku': () => encodeCommandApdu(cmd.selectDf(aidBytes('CARD_SURFACE'))),
  'apdu.select_df.juki': () => encodeCommandApdu(cmd.selectDf(aidBytes('JUKI'))),
  'apdu.select_df.common_0100': () => encodeCommandApdu(cmd.selectDf(aidBytes('COMMON'))),
  'apdu.select_ef.jpki.token': () => encodeCommandApdu(cmd.selectEf(JpkiEf.TOKEN)),
  'apdu.select_ef.jpki.sign_cert': () => encodeCommandApdu(cmd.selectEf(JpkiEf.SIGN_CERT)),
  'apdu.select_ef.jpki.sign_ca_cert': () => encodeCommandApdu(cmd.selectEf(JpkiEf.SIGN_CA_CERT)),
  'apdu.select_ef.jpki.auth_cert': () => encodeCommandApdu(cmd.selectEf(JpkiEf.AUTH_CERT)),
  'apdu.select_ef.jpki.auth_ca_cert': () => encodeCommandApdu(cmd.selectEf(JpkiEf.AUTH_CA_CERT)),
  'apdu.select_ef.jpki.auth_key': () => encodeCommandApdu(cmd.selectEf(JpkiEf.AUTH_KEY)),
  'apdu.select_ef.jpki.auth_pin': () => encodeCommandApdu(cmd.selectEf(JpkiEf.AUTH_PIN)),
  'apdu.select_ef.jpki.sign_key': () => encodeCommandApdu(cmd.selectEf(JpkiEf.SIGN_KEY)),
  'apdu.select_ef.jpki.sign_pin': () => encodeCommandApdu(cmd.selectEf(JpkiEf.SIGN_PIN)),
  'apdu.select_ef.jpki.cert_availability': () => encodeCommandApdu(cmd.selectEf(JpkiEf.CERT_AVAILABILITY)),
  'apdu.read_binary.token_20': () => encodeCommandApdu(cmd.readBinary(0, 20)),
  'apdu.read_binary.token_32': () => encodeCommandApdu(cmd.readBinary(0, 32)),
  'apdu.verify.auth_pin_1234': () => encodeCommandApdu(cmd.verify(encodePin('auth-pin', '1234'))),
  'apdu.verify.sfi_auth_pin_1234': () => encodeCommandApdu(cmd.verify(encodePin('auth-pin', '1234'), { sfi: JpkiEf.AUTH_PIN })),
  'apdu.verify.sign_password_header': () => encodeCommandApdu(cmd.verify(encodePin('sign-password', 'PASSWORD1234'))).subarray(0, 5),
  'apdu.verify.retry_query': () => encodeCommandApdu(cmd.verify()),
  'apdu.change_reference_data.5678': () => encodeCommandApdu(cmd.changeReferenceData(encodePin('auth-pin', '5678'))),
  'apdu.change_key.5678': () => encodeCommandApdu(cmd.changeKey(encodePin('juki-pin', '5678'))),
  'apdu.read_binary.header7': () => encodeCommandApdu(cmd.readBinary(0, 7)),
  'apdu.read_binary.header4': () => encodeCommandApdu(cmd.readBinary(0, 4)),
  'apdu.read_binary.chunk_at_0x100': () => encodeCommandApdu(cmd.readBinary(0x100, 256)),
  'apdu.read_binary.sfi_000a': () => encodeCommandApdu(cmd.readBinary(0, 256, { sfi: JpkiEf.AUTH_CERT })),
  'apdu.read_binary.sfi_extended_full': () => encodeCommandApdu(cmd.readBinary(0, 65536, { sfi: 1 })),
  'apdu.read_binary.mynumber17': () => encodeCommandApdu(cmd.readBinary(0, 17)),
  'apdu.read_record.common_sfi1_rec1': () => encodeCommandApdu(cmd.readRecord(1, { sfi: 1 })),
  'apdu.read_record.current_rec1': () => encodeCommandApdu(cmd.readRecord(1)),
  'apdu.compute_signature.auth_key_p2_sfi': () => encodeCommandApdu(cmd.computeDigitalSignature(Uint8Array.of(1, 2), { sfi: JpkiEf.AUTH_KEY })),
  'apdu.compute_signature.sign_key_sha256_hello': () => encodeCommandApdu(cmd.computeDigitalSignature(encodeDigestInfo('SHA-256', sha256Hello))),
  'apdu.get_challenge.16': () => encodeCommandApdu(cmd.getChallenge(16)),
  'apdu.verify.code_b_testcard': () =>
    encodeCommandApdu(cmd.verify(encodePin('code-b', verificationCodeB({ birthDate: '1980-02-17', expiryYear: 2035, securityCode: '2285' })))),
  'apdu.verify.code_a_testcard': () => encodeCommandApdu(cmd.verify(encodePin('code-a', verificationCodeA('537686677188')))),
};

describe('APDU vectors: built byte for byte', () => {
  const apduKeys = Object.keys(VECTORS).filter((k) => k.startsWith('apdu.'));

  it('every apdu.* vector has a builder', () => {
    expect(apduKeys.filter((k) => !(k in BUILDERS))).toEqual([]);
    expect(apduKeys.length).toBe(Object.keys(BUILDERS).length);
  });

  for (const key of apduKeys) {
    const v = VECTORS[key]!;
    if (v.hex_corrected !== undefined) {
      it(`${key}${confidence(key)}: the 7-byte case 2E encoding (erratum: the collected hex has one 00 too many)`, () => {
        expect(toHex(BUILDERS[key]!())).toBe(v.hex_corrected);
        expect(v.hex).toBe(`${v.hex_corrected}00`);
      });
      continue;
    }
    it(`${key}${confidence(key)}`, () => {
      expect(toHex(BUILDERS[key]!())).toBe(v.hex);
    });
  }

  it('every built APDU decodes back to itself (the virtual card side)', () => {
    for (const key of apduKeys) {
      if (key === 'apdu.verify.sign_password_header') continue;
      const bytes = BUILDERS[key]!();
      const decoded = decodeCommandApdu(bytes);
      const { extended, ...apdu } = decoded;
      expect(toHex(encodeCommandApdu(apdu as CommandApdu, { length: extended ? 'extended' : 'short' }))).toBe(toHex(bytes));
    }
  });
});

describe('data vectors decoded by the parsers', () => {
  it('response.verify.wrong_pin_2_left: 63C2 means 2 tries', () => {
    const b = vectorBytes('response.verify.wrong_pin_2_left');
    expect(retriesFromStatusWord((b[0]! << 8) | b[1]!)).toBe(2);
  });

  for (const [key, kind] of [
    ['data.token_label.card', 'card'],
    ['data.token_label.android', 'android'],
    [`data.token_label.iphone`, 'iphone'],
  ] as const) {
    it(`${key}${confidence(key)} → ${kind}`, () => {
      expect(decodeTokenInfo(vectorBytes(key)).kind).toBe(kind);
    });
  }

  it('data.token_label.juki_card_legacy: the trimmed old 住基カード label', () => {
    const padded = new Uint8Array(32).fill(0x20);
    padded.set(vectorBytes('data.token_label.juki_card_legacy'));
    expect(decodeTokenInfo(padded)).toEqual({ label: 'JPKIAPICCTOKEN', kind: 'juki-card' });
  });

  it(`data.ef0008.cert_availability_both${confidence('data.ef0008.cert_availability_both')}`, () => {
    const a = decodeCertificateAvailability(vectorBytes('data.ef0008.cert_availability_both'));
    expect([a.sign, a.auth]).toEqual([true, true]);
  });

  for (const hash of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
    it(`data.digestinfo_prefix.${hash} equals the crypto layer's prefix`, () => {
      const name = (hash === 'sha1' ? 'SHA-1' : `SHA-${hash.slice(3)}`) as HashAlg;
      expect(toHex(DIGEST_INFO_PREFIX[name])).toBe(VECTORS[`data.digestinfo_prefix.${hash}`]!.hex);
    });
  }

  it('data.kenhojo.ef0001.mynumber_tlv_testcard: the test card number, valid check digit', () => {
    expect(decodeMyNumberFile(vectorBytes('data.kenhojo.ef0001.mynumber_tlv_testcard'))).toEqual({ myNumber: '537686677188', checkDigitValid: true });
    expect(isValidMyNumber('537686677188')).toBe(true);
  });

  it(`data.kenhojo.ef0001.mynumber_physical_testcard${confidence('data.kenhojo.ef0001.mynumber_physical_testcard')}: filler ignored, SHA-256 as recorded`, async () => {
    const bytes = vectorBytes('data.kenhojo.ef0001.mynumber_physical_testcard');
    expect(decodeMyNumberFile(bytes).myNumber).toBe('537686677188');
    expect(toHex(await nobleBackend.digest('SHA-256', bytes))).toBe(VECTORS['data.kenhojo.ef0001.mynumber_physical_testcard']!.sha256_computed);
  });

  it('data.kenhojo.ef0002.basic4_testcard: decoded, offsets checked', () => {
    const f = decodeBasicFourFile(vectorBytes('data.kenhojo.ef0002.basic4_testcard'));
    expect(f.name).toBe('黒桐　幹也');
    expect(f.address).toBe('東京都清瀬市観布子南１２－７－２０２');
    expect(f.birthDate).toBe('1980-02-17');
    expect(f.sex).toBe('1');
    expect(f.offsets).toEqual([0x0e, 0x20, 0x59, 0x64]);
  });

  it(`data.kenhojo.ef0002.digest_source_testcard${confidence('data.kenhojo.ef0002.digest_source_testcard')}: the bytes DF32 covers`, async () => {
    const f = decodeBasicFourFile(vectorBytes('data.kenhojo.ef0002.basic4_testcard'));
    expect(toHex(f.digestSource)).toBe(VECTORS['data.kenhojo.ef0002.digest_source_testcard']!.hex);
    expect(toHex(await nobleBackend.digest('SHA-256', f.digestSource))).toBe(VECTORS['data.kenhojo.ef0002.digest_source_testcard']!.sha256_computed);
  });

  it('data.kenhojo.ef0003.header: FF30 of 0x14B bytes, first child DF31 of 32', () => {
    const b = vectorBytes('data.kenhojo.ef0003.header');
    expect(decodeTlvHeader(b)).toEqual({ tag: 0xff30, constructed: true, headerLength: 5, length: 0x14b });
    expect(decodeTlvHeader(b, 5)).toEqual({ tag: 0xdf31, constructed: false, headerLength: 3, length: 32 });
    expect(5 + 0x14b).toBe(336);
  });

  it('data.cvc.header: 7F21 of 0x233 bytes (568 in all) holding a 5F4E body of 297', () => {
    const b = vectorBytes('data.cvc.header');
    expect(decodeTlvHeader(b)).toEqual({ tag: 0x7f21, constructed: true, headerLength: 5, length: 0x233 });
    expect(decodeTlvHeader(b, 5)).toEqual({ tag: 0x5f4e, constructed: false, headerLength: 5, length: 297 });
  });

  it('data.cvc.terminal_cert_sample: a complete 7F21 object of 568 bytes (provenance unknown)', () => {
    const b = vectorBytes('data.cvc.terminal_cert_sample');
    const h = decodeTlvHeader(b);
    expect(h.tag).toBe(0x7f21);
    expect(h.headerLength + h.length).toBe(b.length);
  });

  for (const id of ['5000023', '5000033'] as const) {
    it(`data.cvc.ca_key_id/modulus.${id}${confidence(`data.cvc.ca_modulus.${id}`)}: the opt-in unconfirmed anchors match`, () => {
      const anchor = UNCONFIRMED_JLIS_CVC_ANCHORS.find((a) => toHex(a.keyId) === VECTORS[`data.cvc.ca_key_id.${id}`]!.hex);
      expect(anchor).toBeDefined();
      expect(toHex(anchor!.publicKey.n)).toBe(VECTORS[`data.cvc.ca_modulus.${id}`]!.hex);
    });
  }

  it(`data.cvc.ca_key_id.5000020 / ca_modulus.5000020${confidence('data.cvc.ca_modulus.5000020')}: MF-level chain root, not shipped`, () => {
    expect(vectorBytes('data.cvc.ca_key_id.5000020').length).toBe(16);
    expect(vectorBytes('data.cvc.ca_modulus.5000020').length).toBe(256);
  });

  it('data.common_0100.ef0001_record1_testcard (single source): serial, municipality, expiry', () => {
    expect(decodeCommonCardInfo(vectorBytes('data.common_0100.ef0001_record1_testcard'))).toEqual({
      serial: '400000012719843',
      municipalityCode: '13221',
      expiryDate: '2035-02-17',
    });
  });

  it('the AID registry matches the SELECT vectors', () => {
    expect(`00a4040c0a${AidHex.JPKI}`).toBe(VECTORS['apdu.select_df.jpki']!.hex);
    expect(utf8Encode('x').length).toBe(1);
  });

  for (const key of Object.keys(VECTORS).filter((k) => k.startsWith('atr.'))) {
    it(`${key}: an ATR starting with TS = 3B`, () => {
      expect(vectorBytes(key)[0]).toBe(0x3b);
    });
  }

  for (const key of Object.keys(VECTORS).filter((k) => k.startsWith('cert.'))) {
    it(`${key}: parses; SHA-256 fingerprint as recorded`, async () => {
      const der = vectorBytes(key);
      const info = decodeJpkiCertificate(der);
      expect(info.kind).toBe('ca');
      expect(toHex(await nobleBackend.digest('SHA-256', der))).toBe(VECTORS[key]!.sha256_fingerprint);
    });
  }
});
