/**
 * Shared pieces of the hostile-input property tests (house rule: hostile input is normal
 * input). Byte-level mutators (flip, truncate, insert, delete, splice) and a structure-aware
 * CBOR mutator (decode, change one value, key or tag, re-encode), plus the assertion that an
 * error is a typed ShomeiError and nothing else.
 */
import fc from 'fast-check';
import { type CborValue, decode, EncodedCbor, encode, Tag } from '../../src/cbor/index.js';
import { isShomeiError } from '../../src/errors.js';

/** One byte-level mutation of `base`, optionally splicing in bytes from `other`. */
export type ByteMutation =
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number }
  | { readonly kind: 'set'; readonly at: number; readonly byte: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'splice'; readonly at: number; readonly from: number; readonly length: number };

const pos = fc.nat({ max: 1 << 20 });

/** Arbitrary byte mutations (positions are taken modulo the input length). */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('flip' as const), at: pos, mask: fc.integer({ min: 1, max: 255 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('set' as const), at: pos, byte: fc.constantFrom(0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x5f, 0x7f, 0x9f, 0xbf, 0xd8, 0xf6, 0xf7, 0xff) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: pos }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: pos, length: fc.integer({ min: 1, max: 16 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('splice' as const), at: pos, from: pos, length: fc.integer({ min: 1, max: 200 }) }), weight: 1 },
);

/** Apply `m` to `base` (a fresh array; `base` is not touched). `other` is the splice source. */
export function applyByteMutation(base: Uint8Array, m: ByteMutation, other: Uint8Array = base): Uint8Array {
  const n = base.length;
  const at = n === 0 ? 0 : m.at % n;
  switch (m.kind) {
    case 'flip': {
      const out = base.slice();
      out[at] = out[at]! ^ m.mask;
      return out;
    }
    case 'set': {
      const out = base.slice();
      out[at] = m.byte;
      return out;
    }
    case 'truncate':
      return base.slice(0, at);
    case 'insert':
      return concatBytes(base.subarray(0, at), m.bytes, base.subarray(at));
    case 'delete':
      return concatBytes(base.subarray(0, at), base.subarray(Math.min(n, at + m.length)));
    case 'splice': {
      const from = other.length === 0 ? 0 : m.from % other.length;
      const piece = other.subarray(from, Math.min(other.length, from + m.length));
      return concatBytes(base.subarray(0, at), piece, base.subarray(Math.min(n, at + piece.length)));
    }
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Expect `e` to be a ShomeiError (rethrow anything else, so fast-check shrinks and reports
 * it). Returns its code.
 */
export function expectShomei(e: unknown): string {
  if (isShomeiError(e)) return e.code;
  throw e;
}

/** One structure-aware edit: which node (index in a depth-first walk), and what to do with it. */
export interface TreeEdit {
  readonly node: number;
  readonly op: number;
  readonly n: number;
}

export const treeEdit: fc.Arbitrary<TreeEdit> = fc.record({ node: fc.nat({ max: 1 << 16 }), op: fc.nat({ max: 15 }), n: fc.integer({ min: -3, max: 1 << 20 }) });

/** Replacement leaves, some of a type that a parser does not expect at that place. */
function replacement(v: CborValue, op: number, n: number): CborValue {
  // Also values a message might print badly: a bigint where a number goes, a number past
  // what a Date holds in ms, the value wrapped in an array or a map (JSON.stringify of a
  // bigint inside one throws a bare TypeError).
  if (typeof v === 'number') return [v + 1, v - 1, -v - 1, n, 2 ** 32 + n, 0.5, '1', null, 2n ** 64n + BigInt(n), Number.MAX_SAFE_INTEGER, [2n ** 64n], new Map([['x', 2n ** 64n]])][op % 12]!;
  if (typeof v === 'bigint') return [v + 1n, -1n, 0, [v], new Map([[0, v]])][op % 5]!;
  if (typeof v === 'string') return [`${v}x`, v.slice(0, -1), v.toUpperCase(), '', `${v}\u0000`, n, new TextEncoder().encode(v), [v, 2n ** 64n], new Map([[v, v]])][op % 9]!;
  if (typeof v === 'boolean') return [!v, v ? 1 : 0, null][op % 3]!;
  if (v instanceof Uint8Array) {
    if (v.length === 0) return [Uint8Array.of(0), 'x', []][op % 3]!;
    const flipped = v.slice();
    const i = Math.abs(n) % v.length;
    flipped[i] = flipped[i]! ^ (1 << (op % 8));
    return [flipped, v.slice(0, -1), concatBytes(v, Uint8Array.of(0)), new Uint8Array(0), flipped][op % 5]!;
  }
  if (v === null || v === undefined) return [0, false, new Map(), undefined === v ? null : undefined][op % 4]! as CborValue;
  if (Array.isArray(v)) {
    const a = [...(v as CborValue[])];
    switch (op % 5) {
      case 0:
        return a.slice(0, -1);
      case 1:
        return [...a, a[0] ?? null];
      case 2:
        return a.slice(1);
      case 3:
        return a.reverse();
      default:
        return new Map(a.map((x, i) => [i, x]));
    }
  }
  if (v instanceof Map) {
    const entries = [...v.entries()];
    if (entries.length === 0) return [[], new Map([['x', 0]]), null][op % 3]!;
    const k = Math.abs(n) % entries.length;
    const [key, value] = entries[k]!;
    switch (op % 6) {
      case 0:
        return new Map(entries.filter((_, i) => i !== k));
      case 1:
        return new Map([...entries, [typeof key === 'string' ? `${key}_` : typeof key === 'number' ? key + 100 : 'extra', value]]);
      case 2: // same value under another key (a key swap)
        return new Map(entries.map(([kk, vv], i) => [i === k ? (typeof kk === 'number' ? -kk - 1 : `${String(kk)}`.toUpperCase()) : kk, vv]));
      case 3: // swap two values
        return new Map(entries.map(([kk, vv], i) => [kk, i === k ? entries[(k + 1) % entries.length]![1] : i === (k + 1) % entries.length ? value : vv]));
      case 4:
        return entries.map(([, vv]) => vv);
      default:
        return new Map(entries.map(([kk, vv], i) => [i === k ? (typeof kk === 'string' ? n : String(kk)) : kk, vv]));
    }
  }
  if (v instanceof Tag) return [new Tag(v.tag === 24 ? 25 : Number(v.tag) + 1, v.value), v.value, new Tag(24, v.value)][op % 3]!;
  if (v instanceof EncodedCbor) return [new Tag(25, v.bytes), v.bytes, v.value as CborValue, new Tag(24, v.value as CborValue)][op % 4]!;
  return [null, 0, 'x'][op % 3]!;
}

/**
 * Decode `bytes`, replace the `edit.node`-th node of a depth-first walk (tag-24 contents
 * included, re-wrapped after the edit) and re-encode. Undefined when `bytes` does not decode
 * or the edit cannot be encoded.
 */
export function applyTreeEdit(bytes: Uint8Array, edit: TreeEdit): Uint8Array | undefined {
  let root: CborValue;
  try {
    root = decode(bytes);
  } catch {
    return undefined;
  }
  let target: number;
  try {
    target = edit.node % countNodes(root);
  } catch {
    return undefined;
  }
  const walk = (v: CborValue): CborValue => {
    if (target === 0) {
      target = -1;
      return replacement(v, edit.op, edit.n);
    }
    target--;
    if (target < 0) return v;
    if (Array.isArray(v)) return (v as CborValue[]).map(walk);
    if (v instanceof Map) {
      const out = new Map<CborValue, CborValue>();
      for (const [k, x] of v) {
        const nk = walk(k);
        out.set(nk, walk(x));
      }
      return out;
    }
    if (v instanceof Tag) return new Tag(v.tag, walk(v.value));
    if (v instanceof EncodedCbor) {
      const was = target < 0;
      const inner = walk(v.value as CborValue);
      if (was || target >= 0) return v;
      return EncodedCbor.wrap(encode(inner), inner);
    }
    return v;
  };
  try {
    return encode(walk(root));
  } catch {
    return undefined;
  }
}

function countNodes(v: CborValue): number {
  if (Array.isArray(v)) return 1 + (v as CborValue[]).reduce((s: number, x) => s + countNodes(x), 0);
  if (v instanceof Map) {
    let s = 1;
    for (const [k, x] of v) s += countNodes(k) + countNodes(x);
    return s;
  }
  if (v instanceof Tag) return 1 + countNodes(v.value);
  if (v instanceof EncodedCbor) return 1 + countNodes(v.value as CborValue);
  return 1;
}
