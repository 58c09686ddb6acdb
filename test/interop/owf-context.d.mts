/** Types of owf-context.mjs: an `MdocContext` for @owf/mdoc 0.6.0 over node:crypto (tests and benchmarks only). */
import type { MdocContext } from '@owf/mdoc';

export interface OwfContextOptions {
  /**
   * Clear the top bit of every 4-byte random request. @owf/mdoc 0.6.0 draws digestIDs as
   * full 32-bit values (`randomUnsignedInteger`), which ISO 18013-5 interop profiles cap
   * below 2^31 (mdoc-ts#171, fixed in 0.7.0); 4-byte requests are only used for digestIDs.
   */
  readonly digestIdsBelow2p31?: boolean;
  /** Set the top bit of every 4-byte random request (every digestID ≥ 2^31). */
  readonly digestIdsAbove2p31?: boolean;
}

/** An `MdocContext` over node:crypto that checks certificate chains for real. */
export function owfContext(options?: OwfContextOptions): MdocContext;
