/**
 * Precomputed multiplication tables for the ECDSA public keys the noble backend sees again
 * and again (document-signer keys), and ECDSA verification over them (SEC 1 v2 §4.1.4,
 * FIPS 186-5 §6.4.2). Internal, never exported.
 *
 * A verifier meets the same few DS keys on every response and a new device key on almost
 * every one. noble's `verify` decodes the key and runs a joint width-4 wNAF walk (a doubling
 * per bit) each time. For a key seen `minUses` times, this keeps the decoded point with a
 * signed fixed-window table (noble's `Point#precompute`), so `u2·P` costs one addition per
 * window and no doublings, like `u1·G` on noble's precomputed base point.
 *
 * - Keyed by the curve and the exact uncompressed key bytes: a key whose bytes changed is
 *   another key, never a cached point.
 * - A key seen once builds nothing: keys without a table are only counted, in a bounded LRU
 *   (a table costs about five verifications to build and saves two thirds of one per use,
 *   so only a key that comes back soon is worth one).
 * - Budgeted: a build is paid for by earlier table hits (`hitsPerBuild`), so keys that keep
 *   qualifying but do not fit never make it rebuild tables without end.
 * - Bounded: at most `maxTables` tables, least recently used evicted. With the default
 *   window of 6, a table is ⌈bits/6⌉+1 windows of 32 affine points: 1,408 points for P-256,
 *   2,080 for P-384, 2,816 for P-521, measured at about 212, 372 and 639 KiB of heap (Node
 *   20); so the default 16 tables hold at most 3.4 MiB of P-256 tables, 10 MiB of P-521.
 * - Synchronous: no state changes across an `await`.
 */
import { ExpiringCache } from '../internal/cache.js';
import type { NistCurve } from './private-keys.js';
import type { EcCurve } from './types.js';

type Point = InstanceType<NistCurve['Point']>;

export interface KeyTablesOptions {
  /** The most tables kept (≥ 1); 16 by default. */
  readonly maxTables?: number;
  /** How many times a key is seen before its table is built (≥ 1); 2 by default. */
  readonly minUses?: number;
  /**
   * The most keys counted while they have no table (≥ 1); 32 by default: a key must come
   * back before this many other new keys do. A DS key comes back within a response or a
   * few; a holder's device key, in a stream of more than 32 holders, does not.
   */
  readonly maxTracked?: number;
  /**
   * Table hits that pay for one more build (≥ 1); 32 by default. Builds are budgeted: four
   * are free, then each needs this many verifications with a table since the last, so a
   * crowd of keys that each come back often enough but too many to keep (64 holders in
   * turn with 16 tables) cannot make the backend rebuild tables without end: at most one
   * build (about five verifications' work) per 32 verifications that saved two thirds each.
   */
  readonly hitsPerBuild?: number;
  /** The window size of the tables (4 … 8); 6 by default, as noble uses for the base point. */
  readonly windowSize?: number;
  /** Called after each table is built (tests count builds through it). */
  readonly onBuild?: (crv: EcCurve) => void;
}

// Entries never expire: the LRU bound alone decides. A fixed clock spares a Date.now per look-up.
const NEVER = Number.POSITIVE_INFINITY;
const clock = () => 0;
/** Builds allowed before any table has been used. */
const FREE_BUILDS = 4;

function positive(value: number | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new RangeError(`options.${name} must be an integer from 1 to ${max}`);
  return value;
}

/** Per-key precomputed tables for one backend object. */
export class KeyTables {
  readonly #tables: ExpiringCache<string, Point>;
  readonly #seen: ExpiringCache<string, number>;
  readonly #minUses: number;
  readonly #hitsPerBuild: number;
  readonly #maxCredit: number;
  #credit: number;
  readonly #window: number;
  readonly #onBuild: ((crv: EcCurve) => void) | undefined;

  constructor(options: KeyTablesOptions = {}) {
    const maxTables = positive(options.maxTables, 16, 'maxTables');
    this.#tables = new ExpiringCache({ maxEntries: maxTables, now: clock });
    this.#seen = new ExpiringCache({ maxEntries: positive(options.maxTracked, 32, 'maxTracked'), now: clock });
    this.#minUses = positive(options.minUses, 2, 'minUses');
    this.#hitsPerBuild = positive(options.hitsPerBuild, 32, 'hitsPerBuild');
    this.#credit = FREE_BUILDS * this.#hitsPerBuild;
    this.#maxCredit = Math.max(FREE_BUILDS, maxTables) * this.#hitsPerBuild;
    const window = positive(options.windowSize, 6, 'windowSize', 8);
    if (window < 4) throw new RangeError('options.windowSize must be an integer from 4 to 8');
    this.#window = window;
    if (options.onBuild !== undefined && typeof options.onBuild !== 'function') throw new TypeError('options.onBuild must be a function');
    this.#onBuild = options.onBuild;
  }

  /** The number of tables held. */
  get size(): number {
    return this.#tables.size;
  }

  /**
   * The point of `raw` (an uncompressed key on `crv`, already validated by the caller) with
   * its table, when it has one or has now been seen `minUses` times and the build budget
   * allows one; else undefined (the sighting counted).
   */
  point(crv: EcCurve, curve: NistCurve, raw: Uint8Array): Point | undefined {
    const id = keyId(crv, raw);
    const held = this.#tables.get(id);
    if (held !== undefined) {
      if (this.#credit < this.#maxCredit) this.#credit++;
      return held;
    }
    const uses = (this.#seen.get(id) ?? 0) + 1;
    if (uses < this.#minUses || this.#credit < this.#hitsPerBuild) {
      this.#seen.set(id, uses, NEVER);
      return undefined;
    }
    this.#seen.delete(id);
    this.#credit -= this.#hitsPerBuild;
    const point = curve.Point.fromBytes(raw).precompute(this.#window);
    // Build now (not on first use) so the cost and the memory belong to this call: the
    // public-width table that multiplyUnsafe reads (multiply would build the blinded one).
    point.multiplyUnsafe(3n);
    this.#tables.set(id, point, NEVER);
    this.#onBuild?.(crv);
    return point;
  }
}

/** The exact key bytes as a string (one char per byte), prefixed with the curve. */
function keyId(crv: EcCurve, raw: Uint8Array): string {
  let s = `${crv}:`;
  for (let i = 0; i < raw.length; i += 4096) s += String.fromCharCode(...raw.subarray(i, i + 4096));
  return s;
}

/** The big-endian integer of `bytes`. */
function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * ECDSA verification (SEC 1 v2 §4.1.4) of the P1363 `signature` (r ‖ s) over the hash
 * `digest` with the public point `point` (from {@link KeyTables}). Non-constant-time: only
 * public values are involved. High-S signatures are accepted (as noble's `lowS: false`).
 */
export function verifyWithTable(curve: NistCurve, point: Point, digest: Uint8Array, signature: Uint8Array): boolean {
  const { Point: P, Signature } = curve;
  const Fn = P.Fn;
  let r: bigint;
  let s: bigint;
  try {
    // Checks the length and 1 ≤ r, s < n.
    ({ r, s } = Signature.fromBytes(signature, 'compact'));
  } catch {
    return false;
  }
  // e: the leftmost min(bits of n, bits of the hash) bits of the hash, reduced mod n (§4.1.4 steps 4-5).
  const excess = digest.length * 8 - Fn.BITS;
  const h = toBigInt(digest);
  const e = Fn.create(excess > 0 ? h >> BigInt(excess) : h);
  const w = Fn.inv(s);
  const u1 = Fn.mul(e, w);
  const u2 = Fn.mul(r, w);
  // u1 may be 0 (then u1·G is the identity); u2 is never 0 since r, w ≠ 0.
  const R = P.BASE.multiplyUnsafe(u1).add(point.multiplyUnsafe(u2));
  if (R.is0()) return false;
  return Fn.create(R.toAffine().x) === r;
}
