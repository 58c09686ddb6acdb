/**
 * The order n of each NIST curve's base point, big-endian hex, as published in FIPS 186-4
 * Appendix D.1.2.3-5 (= SP 800-186 §3.2.1, SEC 2 v2 §2.4.2, §2.5.1, §2.6.1): a private scalar
 * and an ECDSA r or s are in [1, n-1] (FIPS 186-5 §6.2, §6.4.2). A module of its own, not
 * beside p and b in `keys.ts`: an mdoc verification never needs them, so its bundle leaves
 * them out.
 */
import type { EcCurve } from './types.js';

/** n of each curve, big-endian hex of the field size (internal). */
export const CURVE_ORDER_HEX: Readonly<Record<EcCurve, string>> = {
  'P-256': 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  'P-384': 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  'P-521': '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
};

/** The order n of `crv`'s base point (internal). */
export function curveOrder(crv: EcCurve): bigint {
  return BigInt(`0x${CURVE_ORDER_HEX[crv]}`);
}
