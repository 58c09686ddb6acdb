/**
 * RSA public keys as the card-info APs write them (reference §4.7): `90 <len> <e>` followed
 * by `91 82 01 00 <n>` (context-specific primitive tags 0x10 and 0x11).
 */
import type { RsaPublicKey } from '../crypto/types.js';
import { JpkiError } from '../errors.js';
import { decodeTlvList, encodeTlv } from './tlv.js';

function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.slice(i);
}

/** Decode `90 e 91 n` (exactly these two objects). Throws `ERR_JPKI_DATA`. */
export function decodeCardRsaPublicKey(bytes: Uint8Array): RsaPublicKey {
  const list = decodeTlvList(bytes);
  const e = list.find((t) => t.tag === 0x90);
  const n = list.find((t) => t.tag === 0x91);
  if (list.length !== 2 || e === undefined || n === undefined || e.value.length === 0 || n.value.length === 0) {
    throw new JpkiError('ERR_JPKI_DATA', 'RSA public key is not 90 <e> 91 <n>');
  }
  return { kty: 'RSA', n: stripZeros(n.value), e: stripZeros(e.value) };
}

/** Encode an RSA public key as `90 e 91 n`. */
export function encodeCardRsaPublicKey(key: RsaPublicKey): Uint8Array {
  return Uint8Array.from([...encodeTlv(0x90, key.e), ...encodeTlv(0x91, key.n)]);
}
