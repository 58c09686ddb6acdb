/**
 * The 公的個人認証AP (JPKI-AP, `D3 92 F0 00 26 01 00 00 00 01`; reference §2.1, §3.1, §3.4):
 * token, certificate availability, the four certificates, the two PINs, signing with
 * either key over a DigestInfo, and changing a PIN.
 *
 * ```
 * auth: cert 000A (free) · CA 000B · key 0017 · PIN 0018 (4 digits, 3 tries)
 * sign: cert 0001 (after VERIFY 001B) · CA 0002 · key 001A · password 001B (6–16 A–Z0–9, 5 tries)
 * sign: 80 2A 00 80 Lc <DigestInfo> 00 → 256-byte RSASSA-PKCS1-v1_5 signature
 * ```
 */
import { encodeDigestInfo } from '../crypto/rsa.js';
import type { HashAlg } from '../crypto/types.js';
import { JpkiEf } from './aid.js';
import type { CardChannel, PinOptions, PinRetryStatus } from './channel.js';
import { encodePin } from './pin.js';
import { type CertificateAvailability, decodeCertificateAvailability, decodeTokenInfo, type TokenInfo } from './token.js';

/** The two JPKI keys: 利用者証明用 (`auth`) and 署名用 (`sign`). */
export type JpkiKey = 'auth' | 'sign';

/** The four certificates of the JPKI-AP. */
export type JpkiCertificate = 'auth' | 'auth-ca' | 'sign' | 'sign-ca';

const CERT_EF: Record<JpkiCertificate, number> = {
  auth: JpkiEf.AUTH_CERT,
  'auth-ca': JpkiEf.AUTH_CA_CERT,
  sign: JpkiEf.SIGN_CERT,
  'sign-ca': JpkiEf.SIGN_CA_CERT,
};

const PIN_EF: Record<JpkiKey, number> = { auth: JpkiEf.AUTH_PIN, sign: JpkiEf.SIGN_PIN };
const KEY_EF: Record<JpkiKey, number> = { auth: JpkiEf.AUTH_KEY, sign: JpkiEf.SIGN_KEY };
const PIN_KIND = { auth: 'auth-pin', sign: 'sign-password' } as const;

/** Read the token label (EF 0006, 32 bytes). */
export async function readJpkiToken(ch: CardChannel): Promise<TokenInfo> {
  await ch.selectAp('JPKI');
  return decodeTokenInfo(await ch.readFixedEf(JpkiEf.TOKEN, 32));
}

/** Read EF 0008 (which certificates are present). */
export async function readCertificateAvailability(ch: CardChannel): Promise<CertificateAvailability> {
  await ch.selectAp('JPKI');
  return decodeCertificateAvailability(await ch.readFixedEf(JpkiEf.CERT_AVAILABILITY, 3));
}

/**
 * Read a certificate's DER bytes (header first, then chunks). The sign certificate needs
 * {@link verifyJpkiPin} of the sign password first (the card answers 6982 otherwise).
 */
export async function readJpkiCertificate(ch: CardChannel, which: JpkiCertificate): Promise<Uint8Array> {
  await ch.selectAp('JPKI');
  return ch.readTlvEf(CERT_EF[which]);
}

/** The retry counter of a JPKI PIN, without spending a try. */
export async function jpkiPinStatus(ch: CardChannel, key: JpkiKey): Promise<PinRetryStatus> {
  await ch.selectAp('JPKI');
  return ch.pinStatus(PIN_EF[key]);
}

/**
 * Validate, then VERIFY the auth PIN or sign password (with the last-try guard): SELECT
 * the JPKI-AP, SELECT the PIN EF, retry counter, VERIFY, in one {@link CardChannel.transaction}.
 * To sign with the key afterwards, run both in one `ch.transaction` (as `MyNumberCard`
 * does), so no other client can select another AP (clearing the security state) in between.
 */
export async function verifyJpkiPin(ch: CardChannel, key: JpkiKey, pin: string, options: PinOptions = {}): Promise<void> {
  const bytes = encodePin(PIN_KIND[key], pin);
  await ch.transaction(async () => {
    await ch.selectAp('JPKI', { force: true });
    await ch.verifyPin(PIN_EF[key], PIN_KIND[key], bytes, options);
  });
}

/**
 * Sign a DER DigestInfo (or any payload of at most 245 bytes) with a key whose PIN was
 * verified in this session.
 */
export async function jpkiSignPayload(ch: CardChannel, key: JpkiKey, payload: Uint8Array): Promise<Uint8Array> {
  return ch.transaction(async () => {
    await ch.selectAp('JPKI');
    return ch.sign(KEY_EF[key], payload);
  });
}

/** Sign `digest` (of `hash`) with a verified key: the card signs `DigestInfo(hash, digest)`. */
export async function jpkiSignDigest(ch: CardChannel, key: JpkiKey, hash: HashAlg, digest: Uint8Array): Promise<Uint8Array> {
  return jpkiSignPayload(ch, key, encodeDigestInfo(hash, digest));
}

/** VERIFY the old PIN, then CHANGE REFERENCE DATA to the new one (both validated first). */
export async function changeJpkiPin(ch: CardChannel, key: JpkiKey, oldPin: string, newPin: string, options: PinOptions = {}): Promise<void> {
  const oldBytes = encodePin(PIN_KIND[key], oldPin);
  const newBytes = encodePin(PIN_KIND[key], newPin, { forNewValue: true });
  await ch.transaction(async () => {
    await ch.selectAp('JPKI', { force: true });
    await ch.verifyPin(PIN_EF[key], PIN_KIND[key], oldBytes, options);
    await ch.changePin(newBytes);
  });
}
