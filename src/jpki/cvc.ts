/**
 * The card-verifiable certificate (CVC) in EF 0004 of the 券面事項入力補助AP and the
 * 券面事項確認AP, which certifies the AP's own RSA key (reference §4.4; JICSAP-style):
 *
 * ```
 * 7F 21 82 02 33
 *   5F 4E 82 01 29  body = issuerKeyId[16] ‖ subjectKeyId[16] ‖ 90 03 01 00 01 ‖ 91 82 01 00 <n>
 *   5F 37 82 01 00  the issuer's RSASSA-PKCS1-v1_5 SHA-256 signature over the 5F4E value
 * ```
 *
 * The issuer's public key is **not** on the card. The caller configures it as a
 * {@link CvcTrustAnchor}; without one, the CVC (and everything it signs) is unverifiable.
 */
import type { BackendOptions, RsaPublicKey } from '../crypto/types.js';
import { resolveBackend } from '../crypto/index.js';
import { JpkiError } from '../errors.js';
import { equalBytes, fromHex } from '../internal/bytes.js';
import { decodeCardRsaPublicKey } from './rsa-key.js';
import { decodeConstructed, requireTag } from './tlv.js';

/** A decoded CVC. */
export interface CardVerifiableCertificate {
  /** 16-byte key id of the issuing CA key (e.g. `"5000033"` 08 05 `"001"` 00 00 00 00). */
  readonly issuerKeyId: Uint8Array;
  /** 16-byte key id of the certified key. */
  readonly subjectKeyId: Uint8Array;
  /** The certified public key. */
  readonly publicKey: RsaPublicKey;
  /** The 5F4E value as received: the bytes the issuer signed. */
  readonly body: Uint8Array;
  /** The 5F37 value: the issuer's signature. */
  readonly signature: Uint8Array;
}

/** A CA key that issues CVCs, named by its 16-byte key id. */
export interface CvcTrustAnchor {
  readonly keyId: Uint8Array;
  readonly publicKey: RsaPublicKey;
  /** A label for reports, e.g. `5000033/001`. */
  readonly label?: string;
}

/**
 * A readable form of a key id: the 7 leading ASCII digits, `/`, the 3 digits after `08 05`
 * (`5000033/001`), or hex when it does not have that shape.
 */
export function formatKeyId(keyId: Uint8Array): string {
  const ascii = (from: number, to: number) => {
    let s = '';
    for (let i = from; i < to; i++) {
      const b = keyId[i]!;
      if (b < 0x30 || b > 0x39) return undefined;
      s += String.fromCharCode(b);
    }
    return s;
  };
  const a = keyId.length === 16 ? ascii(0, 7) : undefined;
  const b = keyId.length === 16 && keyId[7] === 0x08 && keyId[8] === 0x05 ? ascii(9, 12) : undefined;
  if (a !== undefined && b !== undefined) return `${a}/${b}`;
  return Array.from(keyId, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Decode EF 0004 (filler after the object is ignored). Throws `ERR_JPKI_DATA`. */
export function decodeCvc(bytes: Uint8Array): CardVerifiableCertificate {
  const { children } = decodeConstructed(bytes, 0x7f21, 'card-verifiable certificate');
  const body = requireTag(children, 0x5f4e, 'card-verifiable certificate').value;
  const signature = requireTag(children, 0x5f37, 'card-verifiable certificate').value;
  if (body.length < 32 + 4) throw new JpkiError('ERR_JPKI_DATA', 'card-verifiable certificate body is too short');
  return {
    issuerKeyId: body.slice(0, 16),
    subjectKeyId: body.slice(16, 32),
    publicKey: decodeCardRsaPublicKey(body.subarray(32)),
    body: body.slice(),
    signature: signature.slice(),
  };
}

/** The outcome of checking a CVC against the configured anchors. */
export type CvcVerification =
  | { readonly status: 'passed'; readonly anchor: CvcTrustAnchor }
  | { readonly status: 'failed'; readonly anchor: CvcTrustAnchor }
  | { readonly status: 'unverifiable' };

/**
 * Check the CVC's signature with the anchor whose key id equals its issuer key id.
 * `unverifiable` when no anchor matches; `failed` when the signature does not verify.
 */
export async function verifyCvc(cvc: CardVerifiableCertificate, anchors: readonly CvcTrustAnchor[], options: BackendOptions = {}): Promise<CvcVerification> {
  const anchor = anchors.find((a) => equalBytes(a.keyId, cvc.issuerKeyId));
  if (anchor === undefined) return { status: 'unverifiable' };
  const backend = resolveBackend(options);
  let ok = false;
  try {
    ok = await backend.rsaPkcs1Verify(anchor.publicKey, 'SHA-256', cvc.body, cvc.signature);
  } catch {
    ok = false;
  }
  return ok ? { status: 'passed', anchor } : { status: 'failed', anchor };
}

/**
 * The production CA keys that issue the 券面 APs' CVCs, as collected by one third-party
 * project (soltia48/myna-card `src/ca.rs`, "recovered from pairs of certificates").
 * **J-LIS does not publish them and their provenance is unconfirmed** (reference §4.4,
 * §8 item 4): they are opt-in, and a report verified with them says which anchor was used.
 */
export const UNCONFIRMED_JLIS_CVC_ANCHORS: readonly CvcTrustAnchor[] = [
  {
    label: '5000033/001 (券面事項入力補助AP, unconfirmed)',
    keyId: fromHex('35303030303333080530303100000000'),
    publicKey: {
      kty: 'RSA',
      e: fromHex('010001'),
      n: fromHex(
        'd24615f63525e740c87e83ed64787e76d10a1f8652ebe1ea28934d35ce3bf07716f5b79e2bcb2ae2b91b4f4c9ffb602497f596d659af9d0a14b45cdd738ef56249349b8cc7db32f2d433bd39bcc44f503e881d56c149ecd5155c1ce7461fc3ac4f55d0a39ccaaadfae5b8afa11ccf91bedc774023d11ca6eba99004f81c541a7d67dded8c724d6e20b10a3deaae8c43c137ccd71b263740e8979752de4d5676329cabcbd7f3a77fc48a6f8e61d399b4ac66684a9fdfc99ecef900dd6ff7f0fdd39e23d163f8a468c62dbeae00906dfad5a89b45ca5b7353dc998a80d3803eda794b55f99f535d1c39a243c8352ad602d926c389d2816c941349ee24e4f41597f',
      ),
    },
  },
  {
    label: '5000023/001 (券面事項確認AP, unconfirmed)',
    keyId: fromHex('35303030303233080530303100000000'),
    publicKey: {
      kty: 'RSA',
      e: fromHex('010001'),
      n: fromHex(
        'b2f740f0ad86d17cf3f537d23b4b3c65a3cb58474d857f55d0b9bc0411b1cb0849068de332a50d63b3e6921c9ccbe6156496efb04be8ffcc74fde9a228a36ad7edce9793204e35973dc911108365002c40169e0b60018dfb99e1e2310d9a110ff0fc269f1f220c63b8a1510de5a6898220c78908fc280d8aa95d5d113b7cf00700f3ff5ad8b3d6ad2eb53c7d563498b4a938deffc9bda32bf4146c1b07ef870d99eb35de5d70ac18715874277a13151d217d04d42e97923923a40fbc7d06faa8338ccbe876620f9b8ef4471cd4b9e29d4ea621e0fb8f1dc04b487210097dbaaf3d8e0550c76a5b97cf202fa47c7a2622f1c084e65c13d13b8e7ab226f5f51f87',
      ),
    },
  },
];
