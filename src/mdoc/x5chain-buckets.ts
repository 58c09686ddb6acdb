/**
 * An IssuerAuth x5chain sent in both header buckets (`X5CHAIN_BOTH_BUCKETS`,
 * `X5CHAIN_CONFLICT`): loaded only by a verification that meets one.
 */

import type { CborValue } from '../cbor/index.js';
import { CoseHeader } from '../cose/algorithms.js';
import { getX5Chain } from '../cose/headers.js';
import { isShomeiError } from '../errors.js';
import { equalBytes } from '../internal/bytes.js';
import { type Deviation, MdocDeviation } from './deviations.js';
import type { IssuerSigned } from './issuer-signed.js';

/** The x5chain of one bucket alone, or undefined when it is absent or malformed. */
function bucketChain(value: CborValue): Uint8Array[] | undefined {
  try {
    return getX5Chain(new Map([[CoseHeader.x5chain, value]]), new Map());
  } catch (e) {
    if (isShomeiError(e)) return undefined;
    throw e;
  }
}

/**
 * An x5chain in both buckets: the protected one (covered by the signature) is the one used;
 * the duplicate is a named deviation. Trust still comes only from the chain verifying to an
 * anchor and the signature verifying with its leaf.
 */
export function x5chainDeviation(auth: IssuerSigned['issuerAuth']): Deviation | undefined {
  const p = auth.protectedHeaders.get(CoseHeader.x5chain);
  const u = auth.unprotectedHeaders.get(CoseHeader.x5chain);
  if (p === undefined || u === undefined) return undefined;
  const a = bucketChain(p);
  const b = bucketChain(u);
  const same = a !== undefined && b !== undefined && a.length === b.length && a.every((c, i) => equalBytes(c, b[i]!));
  return same
    ? { id: MdocDeviation.X5CHAIN_BOTH_BUCKETS, path: 'issuerAuth.headers', detail: 'the same x5chain in the protected and unprotected headers' }
    : { id: MdocDeviation.X5CHAIN_CONFLICT, path: 'issuerAuth.headers', detail: 'different x5chains in the two header buckets: the protected one is used' };
}
