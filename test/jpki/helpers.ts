/** Shared helpers for the JPKI tests: the vector file, a fresh virtual card, error assertions. */
import { expect } from 'vitest';
import { ApduError, JpkiError } from '../../src/errors.js';
import { fromHex } from '../../src/internal/bytes.js';
import { createVirtualMyNumberCard, type VirtualMyNumberCard } from '../../src/jpki/simulator/index.js';
import { loadVector } from '../helpers/vectors.js';

/** One entry of `vectors/jpki/jpki.json`. */
export interface JpkiVector {
  readonly hex: string;
  readonly meaning: string;
  readonly source: string;
  readonly note?: string;
  readonly sha256_computed?: string;
  readonly sha256_fingerprint?: string;
  readonly hex_corrected?: string;
  readonly erratum?: string;
}

export const VECTORS = loadVector('jpki/jpki.json') as Record<string, JpkiVector>;

/** The bytes of vector `key` (throws if absent, so a renamed key fails loudly). */
export function vectorBytes(key: string): Uint8Array {
  const v = VECTORS[key];
  if (v === undefined) throw new Error(`no vector ${key}`);
  return fromHex(v.hex);
}

/**
 * The confidence label a test name must carry for `key`: entries marked single source,
 * uncertain or computed in the vector file or the reference say so.
 */
export function confidence(key: string): string {
  const v = VECTORS[key];
  const text = JSON.stringify(v ?? {});
  const labels: string[] = [];
  const singleSource = new Set(['apdu.compute_signature.auth_key_p2_sfi', 'apdu.verify.code_b_testcard', 'apdu.change_key.5678']);
  if (/single source/i.test(text) || singleSource.has(key)) labels.push('single source');
  if (/uncertain|unverified|not confirmed/i.test(text)) labels.push('uncertain');
  if (/computed/i.test(text)) labels.push('computed');
  return labels.length === 0 ? '' : ` (${labels.join(', ')})`;
}

/** A fresh virtual card with the default TEST identity. */
export function virtualCard(options: { extendedLength?: boolean; codeTries?: number } = {}): Promise<VirtualMyNumberCard> {
  return createVirtualMyNumberCard(options);
}

/** Assert that `promise` rejects with an ApduError or JpkiError of `code`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<ApduError | JpkiError> {
  try {
    await promise;
  } catch (e) {
    expect(e instanceof ApduError || e instanceof JpkiError, `expected ApduError/JpkiError, got ${String(e)}`).toBe(true);
    expect((e as ApduError).code).toBe(code);
    return e as ApduError | JpkiError;
  }
  throw new Error(`expected rejection with ${code}`);
}
