/**
 * Hostile input to the paths this session added, as seeded properties (house rule: bad bytes
 * give a typed ShomeiError, verification fails closed):
 *
 * 1. DeviceRequest members sent as null / CBOR undefined (REQUEST_OPTIONAL_NULL,
 *    UNDEFINED_AS_ABSENT) and a HolderSession's ReaderAuth + ReaderAuthAll (ISO/IEC
 *    18013-5 §9.1.4; second edition ReaderAuthAll): mutated requests never show a signature
 *    as valid unless it is a genuine one over exactly the bytes it signed, and a combined
 *    identity is valid / trusted only when every part is.
 * 2. CBOR undefined anywhere in a DeviceResponse or a (re-signed) MSO: never a different
 *    meaning verified, never a usable-looking device key that is not the signed one.
 * 3. validityInfo dates with fractions of seconds, offsets and leap seconds (TDATE_*): the
 *    MSO_VALIDITY decision never accepts a time outside the window the full text denotes.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CborValue, decode, EncodedCbor, type EncodedCbor as EC, encode, encodeEmbedded, TDate, Tag } from '../../src/cbor/index.js';
import { encodeCoseKey } from '../../src/cose/index.js';
import { ecPrivateKeyFromScalar, webCryptoBackend as backend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { isShomeiError } from '../../src/errors.js';
import { fromHex } from '../../src/internal/bytes.js';
import {
  buildDeviceRequest,
  type DeviceRequest,
  type DeviceResponse,
  decodeDeviceRequest,
  decodeDeviceResponse,
  encodeDeviceRequest,
  type IssuerSigned,
  MDOC_DEVIATIONS,
  readSessionTranscript,
  type SessionTranscriptBytes,
  type VerifyDeviceResponseResult,
  verifyDeviceResponse,
  waivableCheckIds,
} from '../../src/mdoc/index.js';
import { validityInstant } from '../../src/mdoc/mso.js';
import { buildSessionTranscript, type ConsentRequest, decodeDeviceEngagement, deriveSessionKeys, encodeSessionData, encodeSessionEstablishment, HolderSession, SessionCipher } from '../../src/session/index.js';
import { buildIaca, buildReaderAuthCertificate, type Certificate, parseCertificate } from '../../src/x509/index.js';
import { baseIssuerSigned, type FieldFixtures, type Parties, parties, present, resign, withIssuerAuth } from '../interop/field-fixtures.js';
import { NOW, testMdl } from '../mdoc/fixtures.js';
import { applyByteMutation, applyTreeEdit, byteMutation, hex, sameBytes, treeEdit } from './helpers.js';

const SEED = 29;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';

// --- 1. DeviceRequest through a HolderSession ------------------------------------------------------

describe('HolderSession on mutated DeviceRequests (null / undefined members, ReaderAuth and ReaderAuthAll swapped, flipped, moved)', () => {
  const captured = (JSON.parse(readFileSync(new URL('../../vectors/interop/captured-requests.json', import.meta.url), 'utf8')) as { artefacts: { kind: string; data: { hex?: string } }[] }).artefacts;
  const readers: [EcPrivateKey, Certificate][] = [];
  /** protected ‖ signature of each genuine signature → what it signed and with which certificate. */
  const genuineRA = new Map<string, { items: string; cert: string }>();
  const genuineRAA = new Map<string, { items: string; dri: string; cert: string }>();
  const bases: Uint8Array[] = [];
  let holder: HolderSession;
  let send: (request: Uint8Array) => ReturnType<HolderSession['receive']>;
  const sigKey = (s: { protectedBytes: Uint8Array; signature: Uint8Array }) => `${hex(s.protectedBytes)}|${hex(s.signature)}`;
  const spki = (der: Uint8Array) => JSON.stringify(parseCertificate(der).publicKey, (_k, v) => (v instanceof Uint8Array ? hex(v) : typeof v === 'bigint' ? `${v}` : v));

  beforeAll(async () => {
    const { device, mdl } = await testMdl(backend);
    const rootKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const validity = { notBefore: new Date(NOW.getTime() - 86_400_000), notAfter: new Date(NOW.getTime() + 300 * 86_400_000) };
    const root = await buildIaca({ country: 'JP', commonName: 'Reader CA', key: rootKey, validity, issuerAltName: { uri: 'https://r.example/' }, backend });
    for (const commonName of ['Shop reader', 'Other reader']) {
      const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
      readers.push([key, await buildReaderAuthCertificate({ issuer: root, issuerKey: rootKey, commonName, publicKey: publicKeyOf(key) as never, validity, crlUri: 'https://r.example/crl', backend })]);
    }
    holder = await HolderSession.create({ documents: [{ issuerSigned: mdl, deviceKey: device }], backend, readerTrust: [root], now: NOW });
    const eReaderKey = await backend.generateKeyPair('P-256');
    const eReaderKeyBytes = encodeEmbedded(encodeCoseKey(publicKeyOf(eReaderKey))) as EC;
    const transcript = buildSessionTranscript({ deviceEngagement: holder.deviceEngagement, eReaderKey: eReaderKeyBytes.bytes, handover: { kind: 'qr' } });
    const cipher = new SessionCipher('reader', await deriveSessionKeys(eReaderKey, decodeDeviceEngagement(holder.deviceEngagement).eDeviceKey, transcript, { backend }), { backend });
    let established = false;
    send = async (request) => {
      const data = await cipher.encrypt(request);
      const message = established ? encodeSessionData({ data }) : encodeSessionEstablishment(eReaderKeyBytes, data);
      established = true;
      return holder.receive(message);
    };
    const elsewhere = readSessionTranscript(encodeEmbedded([null, null, ['another session', 1]]).tagged);
    const by = (i: number, sessionTranscript: SessionTranscriptBytes = transcript) => ({ signer: readers[i]![0], certificates: [readers[i]![1].der], sessionTranscript });
    const one = [{ docType: MDL, nameSpaces: { [NS]: { family_name: false, age_over_18: true } } }];
    const three = [...one, { docType: MDL, nameSpaces: { [NS]: { given_name: false } } }, { docType: 'org.example.other', nameSpaces: { x: { y: false } } }];
    const deviceRequestInfo = { useCases: [{ mandatory: true, documentSets: [[0], [1]] }] };
    const built: [DeviceRequest, boolean][] = [
      [await buildDeviceRequest(one, { readerAuth: by(0), backend }), true],
      [await buildDeviceRequest(one, { readerAuthAll: by(0), backend }), true],
      [await buildDeviceRequest(one, { readerAuth: by(0), readerAuthAll: by(0), backend }), true],
      [await buildDeviceRequest(three, { readerAuth: by(1), readerAuthAll: by(0), backend }), true],
      [await buildDeviceRequest(three, { readerAuth: by(0), readerAuthAll: by(0), deviceRequestInfo, backend }), true],
      [await buildDeviceRequest(three, { readerAuthAll: by(1), deviceRequestInfo, backend }), true],
      [await buildDeviceRequest(one, { readerAuth: by(0, elsewhere), readerAuthAll: by(0, elsewhere), backend }), false],
    ];
    for (const [r, genuine] of built) {
      bases.push(encodeDeviceRequest(r));
      if (!genuine) continue;
      for (const d of r.docRequests) if (d.readerAuth) genuineRA.set(sigKey(d.readerAuth), { items: hex(d.itemsRequest.bytes), cert: hex(d.readerAuth.unprotectedHeaders.get(33) as Uint8Array) });
      const items = r.docRequests.map((d) => hex(d.itemsRequest.bytes)).join(',');
      for (const a of r.readerAuthAll ?? []) genuineRAA.set(sigKey(a), { items, dri: r.deviceRequestInfo ? hex(r.deviceRequestInfo.bytes) : 'null', cert: hex(a.unprotectedHeaders.get(33) as Uint8Array) });
    }
    // Real readers' requests (signed over other sessions: never valid here).
    for (const a of captured) if (a.kind === 'device-request' && a.data.hex !== undefined) bases.push(fromHex(a.data.hex));
  });

  const ODD: CborValue[] = [null, undefined, 0, '', new Uint8Array(0), [], new Map(), true, new Tag(24, Uint8Array.of(0xa0))];
  interface Op {
    readonly kind: number;
    readonly a: number;
    readonly b: number;
    readonly c: number;
  }
  const asMap = (v: CborValue | undefined) => (v instanceof Map ? (new Map(v) as Map<CborValue, CborValue>) : undefined);
  const pick = <T>(xs: readonly T[], i: number): T | undefined => xs[i % Math.max(1, xs.length)];

  /** One tree edit of a decoded request (a no-op where it does not apply). */
  function applyOp(m: Map<CborValue, CborValue>, o: Op): void {
    const drs = Array.isArray(m.get('docRequests')) ? [...(m.get('docRequests') as CborValue[])] : [];
    const other = asMap(decode(bases[o.b % bases.length]!)) ?? new Map();
    const otherDrs = Array.isArray(other.get('docRequests')) ? (other.get('docRequests') as CborValue[]) : [];
    const setDr = (f: (d: Map<CborValue, CborValue>) => void) => {
      const i = o.a % Math.max(1, drs.length);
      const d = asMap(drs[i]);
      if (d === undefined) return;
      f(d);
      drs[i] = d;
      m.set('docRequests', drs);
    };
    const take = (from: Map<CborValue, CborValue> | undefined, key: string, to: Map<CborValue, CborValue>) => {
      const v = from?.get(key);
      if (v === undefined) to.delete(key);
      else to.set(key, v);
    };
    const raa = m.get('readerAuthAll');
    switch (o.kind % 9) {
      case 0: // a member null, undefined or of a wrong type
        m.set(pick(['version', 'docRequests', 'deviceRequestInfo', 'readerAuthAll', 'extra'], o.a)!, pick(ODD, o.c)!);
        break;
      case 1:
        setDr((d) => d.set(pick(['readerAuth', 'itemsRequest', 'extra'], o.b)!, pick(ODD, o.c)!));
        break;
      case 2: // readerAuthAll as a single COSE_Sign1, or an array holding one twice
        if (Array.isArray(raa) && Array.isArray(raa[0])) m.set('readerAuthAll', o.c % 2 === 0 ? raa[0]! : [...raa, raa[0]!]);
        else if (raa !== undefined) m.set('readerAuthAll', [raa]);
        break;
      case 3: // ReaderAuthAll, DeviceRequestInfo, a ReaderAuth or an ItemsRequest from another request
        take(other, pick(['readerAuthAll', 'deviceRequestInfo'], o.c)!, m);
        break;
      case 4:
        setDr((d) => take(asMap(pick(otherDrs, o.c)), pick(['readerAuth', 'itemsRequest'], o.b)!, d));
        break;
      case 5: // a ReaderAuth moved into readerAuthAll
        {
          const ra = asMap(pick(drs, o.a))?.get('readerAuth');
          if (ra !== undefined) m.set('readerAuthAll', o.c % 2 ? [ra] : ra);
        }
        break;
      case 6: // a member of a COSE_Sign1 (the detached payload too) null, undefined or odd
        setDr((d) => {
          const s = d.get('readerAuth');
          if (Array.isArray(s)) d.set('readerAuth', s.map((x, i) => (i === o.b % 4 ? pick(ODD, o.c)! : x)));
        });
        break;
      case 7: // the x5chain of a signature swapped to the other reader's certificate, or removed
        setDr((d) => {
          const s = d.get('readerAuth');
          const u = Array.isArray(s) ? asMap(s[1]) : undefined;
          if (u === undefined || !Array.isArray(s)) return;
          if (o.c % 2) u.set(33, readers[o.b % 2]![1].der);
          else u.delete(33);
          d.set('readerAuth', [s[0]!, u, ...s.slice(2)]);
        });
        break;
      default: // the DocRequests reordered or repeated
        m.set('docRequests', drs.length > 1 ? drs.reverse() : [...drs, ...drs]);
    }
  }

  function build(base: number, ops: readonly Op[], tail: { b?: Parameters<typeof applyByteMutation>[1]; t?: Parameters<typeof applyTreeEdit>[1] } | undefined): Uint8Array {
    let bytes = bases[base % bases.length]!;
    const m = asMap(decode(bytes));
    if (m !== undefined && ops.length > 0) {
      for (const o of ops) {
        try {
          applyOp(m, o);
        } catch {
          // an edit that does not apply to this shape (a lazily decoded bstr that is not CBOR…)
        }
      }
      bytes = encode(m);
    }
    if (tail?.b !== undefined) bytes = applyByteMutation(bytes, tail.b);
    else if (tail?.t !== undefined) bytes = applyTreeEdit(bytes, tail.t) ?? bytes;
    return bytes;
  }

  function checkConsent(request: DeviceRequest, c: ConsentRequest): void {
    const parts = [...(c.readerAuthAll ?? []), ...(c.readerAuth === undefined ? [] : [c.readerAuth])];
    for (const id of [...parts, ...(c.reader === undefined ? [] : [c.reader])]) {
      if (id.trusted) expect(readers.some(([, cert]) => sameBytes(cert.der, id.certificate!.der)), 'trusted with a certificate no reader CA issued').toBe(true);
    }
    const items = request.docRequests.map((d) => hex(d.itemsRequest.bytes)).join(',');
    const dri = request.deviceRequestInfo === undefined ? 'null' : hex(request.deviceRequestInfo.bytes);
    for (const [i, id] of (c.readerAuthAll ?? []).entries()) {
      if (!id.signatureValid) continue;
      const g = genuineRAA.get(sigKey(request.readerAuthAll![i]!));
      expect(g !== undefined && g.items === items && g.dri === dri && g.cert !== undefined && spki(fromHex(g.cert)) === spki(id.certificate!.der), `ReaderAuthAll valid over other bytes: ${hex(encodeDeviceRequest(request))}`).toBe(true);
    }
    if (c.readerAuth?.signatureValid) {
      const der = c.readerAuth.certificate!.der;
      const genuine = request.docRequests.some((d) => {
        const g = d.readerAuth === undefined ? undefined : genuineRA.get(sigKey(d.readerAuth));
        return g !== undefined && g.items === hex(d.itemsRequest.bytes) && spki(fromHex(g.cert)) === spki(der);
      });
      expect(genuine, `ReaderAuth valid over other bytes: ${hex(encodeDeviceRequest(request))}`).toBe(true);
    }
    if (c.reader === undefined) {
      expect(parts).toHaveLength(0);
      return;
    }
    if (c.reader.signatureValid) expect(parts.every((p) => p.signatureValid)).toBe(true);
    if (c.reader.trusted) expect(parts.every((p) => p.trusted)).toBe(true);
  }

  it('never throws, never shows a signature over other bytes as valid, never combines a failing part into a valid or trusted reader', async () => {
    const reached = { request: 0, signatureValid: 0, trusted: 0 };
    const op = fc.record({ kind: fc.nat({ max: 8 }), a: fc.nat({ max: 99 }), b: fc.nat({ max: 99 }), c: fc.nat({ max: 99 }) });
    const tail = fc.option(fc.oneof(byteMutation.map((b) => ({ b })), treeEdit.map((t) => ({ t }))), { nil: undefined, freq: 3 });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 99 }), fc.array(op, { maxLength: 3 }), tail, async (base, ops, t) => {
        const bytes = build(base, ops, t);
        try {
          decodeDeviceRequest(bytes);
        } catch (e) {
          expect(isShomeiError(e), String(e)).toBe(true);
        }
        const r = await send(bytes);
        expect(r.kind === 'request' || r.kind === 'error').toBe(true);
        expect(holder.state).toBe('established');
        if (r.kind !== 'request') return;
        reached.request++;
        for (const d of r.decisions) {
          checkConsent(r.request, d.consent);
          if (d.consent.reader?.signatureValid) reached.signatureValid++;
          if (d.consent.reader?.trusted) reached.trusted++;
        }
      }),
      { numRuns: 400, seed: SEED },
    );
    // The mutations reach the reader checks, with valid and trusted readers among them.
    expect(reached.request).toBeGreaterThan(60);
    expect(reached.signatureValid).toBeGreaterThan(20);
    expect(reached.trusted).toBeGreaterThan(20);
  });
});

// --- 2. CBOR undefined in responses and MSOs ----------------------------------------------------------

/** What a verified document means (as in mdoc-verify.test.ts): signed facts and disclosed elements. */
function meaning(r: VerifyDeviceResponseResult): { fixed: string; elements: Map<string, string> }[] {
  return r.documents.map((d) => ({
    fixed: stable({ docType: d.docType, device: d.deviceSigned, validity: d.mso?.validityInfo, deviceKey: d.mso?.deviceKeyInfo.deviceKey, mso: d.mso?.docType, digestAlgorithm: d.mso?.digestAlgorithm }),
    elements: new Map(Object.entries(d.issuerSigned).flatMap(([ns, els]) => Object.entries(els).map(([id, v]) => [`${ns}/${id}`, stable(v)] as const))),
  }));
}
/** Every mutated document is an original one with at most fewer elements. */
function sameMeaning(mutated: ReturnType<typeof meaning>, original: ReturnType<typeof meaning>): boolean {
  return mutated.every((m) => original.some((o) => o.fixed === m.fixed && [...m.elements].every(([k, v]) => o.elements.get(k) === v)));
}
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Uint8Array) return `h'${hex(x)}'`;
    if (x instanceof Map) return [...x.entries()];
    if (typeof x === 'bigint') return `${x}n`;
    if (x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Date)) {
      const o: Record<string, unknown> = { $class: x.constructor?.name };
      for (const key of Object.keys(x).sort()) o[key] = (x as Record<string, unknown>)[key];
      if ('value' in x && !('value' in o)) o.value = (x as { value: unknown }).value;
      return o;
    }
    return x;
  });
}

/** Put CBOR undefined at the `node`-th node (depth first, tag-24 contents re-wrapped), or an undefined member into a map / array there. */
const undefinedEdit = fc.record({ node: fc.nat({ max: 1 << 16 }), op: fc.nat({ max: 3 }) });
function putUndefined(root: CborValue, e: { node: number; op: number }): CborValue {
  const count = (v: CborValue): number =>
    Array.isArray(v) ? 1 + v.reduce((s: number, x) => s + count(x), 0) : v instanceof Map ? [...v.values()].reduce((s: number, x) => s + count(x), 1) : v instanceof Tag ? 1 + count(v.value) : v instanceof EncodedCbor ? 1 + count(v.value as CborValue) : 1;
  let target = e.node % count(root);
  const walk = (v: CborValue): CborValue => {
    if (target === 0) {
      target = -1;
      if (e.op === 1 && v instanceof Map && v.size > 0) return new Map([...v].map(([k, x], i) => [k, i === 0 ? undefined : x]));
      if (e.op === 2 && v instanceof Map) return new Map([...v, [typeof [...v.keys()][0] === 'number' ? 99 : 'zz', undefined]]);
      if (e.op === 3 && Array.isArray(v)) return [...v, undefined];
      return undefined;
    }
    target--;
    if (target < 0) return v;
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, walk(x)]));
    if (v instanceof Tag) return new Tag(v.tag, walk(v.value));
    if (v instanceof EncodedCbor) {
      const before = target < 0;
      const inner = walk(v.value as CborValue);
      return before || target >= 0 ? v : EncodedCbor.wrap(encode(inner), inner);
    }
    return v;
  };
  return walk(root);
}

describe('CBOR undefined anywhere in a DeviceResponse or an MSO', () => {
  const fixtures = JSON.parse(readFileSync(new URL('../../vectors/interop/mdoc-deviations.json', import.meta.url), 'utf8')) as FieldFixtures;
  const OPTIONS = {
    trustAnchors: [fromHex(fixtures.trust_anchor_hex)],
    sessionTranscript: fromHex(fixtures.session_transcript_hex),
    eReaderKey: ecPrivateKeyFromScalar('P-256', fromHex(fixtures.reader_key_hex)),
    now: new Date(fixtures.now),
    tolerate: MDOC_DEVIATIONS,
    waive: waivableCheckIds(),
  } as const;
  const cases = fixtures.cases.map((c) => fromHex(c.hex));
  const originals: ReturnType<typeof meaning>[] = [];
  let p: Parties;
  let base: IssuerSigned;
  let presented: DeviceResponse;
  let issued: ReturnType<typeof meaning>;
  const fixtureNow = new Date('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    for (const c of cases) originals.push(meaning(await verifyDeviceResponse(c, OPTIONS)));
    p = await parties();
    base = await baseIssuerSigned(p);
    presented = await present(p, base);
    const r = await verifyDeviceResponse(withIssuerAuth(presented, base), { trustAnchors: [p.iaca], sessionTranscript: p.transcript, now: fixtureNow, backend: p.backend });
    expect(r.valid).toBe(true);
    issued = meaning(r);
  });

  it('in the field fixtures (every deviation tolerated): decode throws only ShomeiError; verified means what the original meant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cases.length - 1 }), fc.array(undefinedEdit, { minLength: 1, maxLength: 2 }), async (i, edits) => {
        let bytes: Uint8Array;
        try {
          bytes = encode(edits.reduce((v, e) => putUndefined(v, e), decode(cases[i]!)));
        } catch (e) {
          if (isShomeiError(e)) return; // a tag-24 body that is not CBOR, say
          throw e;
        }
        try {
          decodeDeviceResponse(bytes);
        } catch (e) {
          expect(isShomeiError(e), String(e)).toBe(true);
        }
        const r = await verifyDeviceResponse(bytes, OPTIONS);
        if (r.valid) expect(sameMeaning(meaning(r), originals[i]!), `${fixtures.cases[i]!.name}: ${hex(bytes)}`).toBe(true);
      }),
      { numRuns: 250, seed: SEED },
    );
  });

  it('in an MSO signed again by the DS: valid only with the signed device key, validity and docType unchanged', async () => {
    const mso = (decode(base.issuerAuth.payload!) as EncodedCbor).value as Map<string, CborValue>;
    await fc.assert(
      fc.asyncProperty(undefinedEdit, async (e) => {
        const edited = putUndefined(mso, e);
        if (!(edited instanceof Map)) return;
        const is = await resign(p, base, {
          edit: (m) => {
            m.clear();
            for (const [k, v] of edited) m.set(k as string, v);
          },
        });
        const r = await verifyDeviceResponse(withIssuerAuth(presented, is), { trustAnchors: [p.iaca], sessionTranscript: p.transcript, now: fixtureNow, backend: p.backend, tolerate: MDOC_DEVIATIONS });
        if (!r.valid) return;
        expect(r.documents[0]!.mso?.deviceKeyInfo.deviceKeyError).toBeUndefined();
        expect(sameMeaning(meaning(r), issued)).toBe(true);
      }),
      { numRuns: 120, seed: SEED },
    );
  });
});

// --- 3. validityInfo dates with fractions, offsets and leap seconds -----------------------------------

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** An RFC 3339 date-time with its parts: any fraction length, Z / z / an offset, sometimes a leap second. */
const dateText = fc
  .record({
    y: fc.oneof(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 0, max: 9999 })),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 59 }), weight: 5 }, { arbitrary: fc.constant(60), weight: 1 }),
    frac: fc.option(fc.stringMatching(/^[0-9]{1,14}$/), { nil: undefined }),
    off: fc.oneof(fc.constantFrom('Z', 'z'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`)),
  })
  .map((x) => ({ ...x, text: `${pad(x.y, 4)}-${pad(x.mo, 2)}-${pad(x.d, 2)}T${pad(x.h, 2)}:${pad(x.mi, 2)}:${pad(x.s, 2)}${x.frac === undefined ? '' : `.${x.frac}`}${x.off}` }));
type DateParts = { y: number; mo: number; d: number; h: number; mi: number; s: number; frac: string | undefined; off: string };

/** sign(instant − t) for an integer ms `t`, from the full text; a leap second lies after every ms of :59. */
function compare(x: DateParts, t: bigint): number {
  const d = new Date(0);
  d.setUTCFullYear(x.y, x.mo - 1, x.d);
  d.setUTCHours(x.h, x.mi, Math.min(x.s, 59), 0);
  let second = BigInt(d.getTime());
  if (x.off !== 'Z' && x.off !== 'z') second -= BigInt((x.off[0] === '+' ? 1 : -1) * (+x.off.slice(1, 3) * 60 + +x.off.slice(4, 6)) * 60_000);
  if (x.s === 60) return t <= second + 999n ? 1 : -1;
  const f = (x.frac ?? '').padEnd(3, '0');
  const ms = second + BigInt(f.slice(0, 3));
  if (ms !== t) return ms < t ? -1 : 1;
  return /[1-9]/.test(f.slice(3)) ? 1 : 0;
}

describe('validityInfo dates with fractions, offsets and leap seconds', () => {
  it('validityInstant: validFrom (ceil) and validUntil (floor) never accept a time outside what the full text denotes', () => {
    fc.assert(
      fc.property(dateText, fc.integer({ min: -2500, max: 2500 }), fc.constantFrom(0, 1000, 300_000), (x, delta, skew) => {
        let td: TDate;
        try {
          td = new TDate(x.text);
        } catch {
          return;
        }
        const t = td.date.getTime() + delta;
        if (validityInstant(td, 'ceil') <= t + skew) expect(compare(x, BigInt(t + skew)), `validFrom ${x.text} at ${t}`).toBeLessThanOrEqual(0);
        if (validityInstant(td, 'floor') >= t - skew) expect(compare(x, BigInt(t - skew)), `validUntil ${x.text} at ${t}`).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  let p: Parties;
  let base: IssuerSigned;
  let presented: DeviceResponse;
  beforeAll(async () => {
    p = await parties();
    base = await baseIssuerSigned(p);
    presented = await present(p, base);
  });
  /** MSO_VALIDITY of the baseline MSO signed again with this validityInfo, at `now`, with no clock skew. */
  async function msoValidity(vi: Record<'signed' | 'validFrom' | 'validUntil', TDate>, now: Date): Promise<string | undefined> {
    const is = await resign(p, base, { edit: (m) => m.set('validityInfo', new Map<string, CborValue>(Object.entries(vi))) });
    const r = await verifyDeviceResponse(withIssuerAuth(presented, is), { trustAnchors: [p.iaca], sessionTranscript: p.transcript, now, backend: p.backend, tolerate: MDOC_DEVIATIONS, clockSkewSeconds: 0 });
    return r.documents[0]?.checks.find((c) => c.id === 'MSO_VALIDITY')?.status;
  }
  const whole = (ms: number) => new TDate(`${new Date(ms).toISOString().slice(0, 19)}Z`);

  it('verifyDeviceResponse: MSO_VALIDITY passes only inside the window the full text denotes', async () => {
    await fc.assert(
      fc.asyncProperty(dateText, fc.integer({ min: -2500, max: 2500 }), fc.boolean(), async (x, delta, asUntil) => {
        let td: TDate;
        try {
          td = new TDate(x.text);
        } catch {
          return;
        }
        const at = td.date.getTime();
        const now = new Date(at + delta);
        const vi = asUntil ? { signed: whole(at - 86_400_000), validFrom: whole(at - 86_400_000), validUntil: td } : { signed: td, validFrom: td, validUntil: whole(at + 86_400_000) };
        if ((await msoValidity(vi, now)) !== 'passed') return;
        const c = compare(x, BigInt(now.getTime()));
        expect(asUntil ? c >= 0 : c <= 0, `${asUntil ? 'validUntil' : 'validFrom'} ${x.text} passed at ${now.toISOString()}`).toBe(true);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('a validFrom or signed in a leap second (:60) is not yet valid during the :59 before it (regression: read as :59, it opened the window up to a second early)', async () => {
    const vi = (t: string) => ({ signed: new TDate(t), validFrom: new TDate(t), validUntil: new TDate('2026-07-01T00:00:00Z') });
    expect(await msoValidity(vi('2026-05-31T23:59:60Z'), new Date('2026-05-31T23:59:59.500Z'))).toBe('failed');
    expect(await msoValidity(vi('2026-05-31T23:59:60.25+00:00'), new Date('2026-05-31T23:59:59.999Z'))).toBe('failed');
    expect(await msoValidity(vi('2026-05-31T23:59:60Z'), new Date('2026-06-01T00:00:00.000Z'))).toBe('passed');
    expect(validityInstant(new TDate('1969-12-31T23:59:60.5Z'), 'ceil')).toBe(0);
    expect(validityInstant(new TDate('2026-05-31T23:59:60Z'), 'floor')).toBe(Date.UTC(2026, 4, 31, 23, 59, 59));
  });
});
