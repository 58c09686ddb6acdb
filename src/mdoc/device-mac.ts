/**
 * A deviceMac's check (ISO/IEC 18013-5 §9.1.3.5), with the two faults of deployed holder
 * libraries it reads past. Loaded by the first deviceMac a verification meets: a response
 * authenticated by a deviceSignature never runs it.
 */

import { encode } from '../cbor/index.js';
import { CoseAlg, CoseHeader } from '../cose/algorithms.js';
import { type CoseMac0, verifyCoseMac0 } from '../cose/mac0.js';
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions } from '../crypto/types.js';
import { CoseError } from '../errors.js';
import { constantTimeEqual } from '../internal/bytes.js';
import { type Deviation, MdocDeviation } from './deviations.js';

/** COSE signature algorithms a holder library may wrongly write as a deviceMac's alg. */
const SIGNATURE_ALGS: ReadonlySet<unknown> = new Set([CoseAlg.ES256, CoseAlg.ES384, CoseAlg.ES512, CoseAlg.EdDSA]);

/**
 * Verify a deviceMac (§9.1.3.5: HMAC 256/256 keyed with EMacKey) over `payload` (the
 * DeviceAuthenticationBytes; undefined when the MAC carries them attached, already checked
 * byte-equal by the caller). Two faults of deployed holder libraries are read past and
 * returned as deviations, the tag still checked with HMAC-SHA-256 under EMacKey, which only
 * the device and this reader can compute:
 * - `DEVICE_MAC_ALG`: the protected alg names a signature algorithm (the device key's, such
 *   as ES256) instead of HMAC 256/256; the tag is checked as HMAC 256/256 (the only MAC
 *   §9.1.3.5 allows), never as the algorithm named;
 * - `DEVICE_MAC_STRUCTURE`: the tag is over `["MAC0", protected, payload]`, the
 *   MAC_structure with the empty external_aad left out (RFC 9052 §6.3); tried only when the
 *   conformant structure does not match.
 * @throws CoseError as `verifyCoseMac0` when neither form verifies.
 */
export async function verifyDeviceMac(mac0: CoseMac0, key: Uint8Array, payload: Uint8Array | undefined, options: BackendOptions = {}): Promise<Deviation[]> {
  const deviations: Deviation[] = [];
  let checked = mac0;
  const alg = mac0.protectedHeaders.get(CoseHeader.alg);
  if (SIGNATURE_ALGS.has(alg)) {
    deviations.push({ id: MdocDeviation.DEVICE_MAC_ALG, path: 'deviceSigned.deviceAuth.deviceMac', detail: `protected alg ${String(alg)} is a signature algorithm; the tag is checked as HMAC 256/256` });
    checked = Object.assign({}, mac0, { protectedHeaders: new Map(mac0.protectedHeaders).set(CoseHeader.alg, CoseAlg.HMAC_256_256) });
  }
  try {
    await verifyCoseMac0(checked, { key, ...(payload === undefined ? {} : { detachedPayload: payload }), ...options });
    return deviations;
  } catch (e) {
    if (!(e instanceof CoseError) || e.code !== 'ERR_COSE_MAC' || checked.protectedHeaders.get(CoseHeader.alg) !== CoseAlg.HMAC_256_256) throw e;
    const legacy = encode(['MAC0', mac0.protectedBytes, payload ?? mac0.payload!]);
    const tag = await resolveBackend(options).hmac('SHA-256', key, legacy);
    if (!constantTimeEqual(tag, mac0.tag)) throw e;
    deviations.push({ id: MdocDeviation.DEVICE_MAC_STRUCTURE, path: 'deviceSigned.deviceAuth.deviceMac', detail: 'the tag is over ["MAC0", protected, payload]: the empty external_aad is left out of MAC_structure' });
    return deviations;
  }
}
