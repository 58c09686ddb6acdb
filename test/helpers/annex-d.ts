/** ISO/IEC 18013-5 Annex D values from `vectors/iso18013-5/annex-d.json` (tests only). */
import { X509Certificate } from 'node:crypto';
import { keyFromJwk } from '../../src/cose/index.js';
import type { PublicKey } from '../../src/crypto/types.js';
import { fromHex } from '../../src/internal/bytes.js';
import { loadVector } from './vectors.js';

const annexD = loadVector('iso18013-5/annex-d.json') as Record<string, { hex: string }>;

/** The bytes of Annex D entry `name` (e.g. `device_response`). */
export function annexDBytes(name: string): Uint8Array {
  const entry = annexD[name];
  if (entry === undefined) throw new Error(`no Annex D entry ${name}`);
  return fromHex(entry.hex);
}

/** The public key of a DER certificate, read with node:crypto (independent of shomei's X.509). */
export function certificatePublicKey(der: Uint8Array): PublicKey {
  const jwk = new X509Certificate(der).publicKey.export({ format: 'jwk' });
  return keyFromJwk(jwk as Record<string, unknown>) as PublicKey;
}
