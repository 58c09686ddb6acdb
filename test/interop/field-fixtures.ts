/**
 * Generator of vectors/interop/mdoc-deviations.json: DeviceResponses that reproduce, one at
 * a time, each real-world deviation from ISO/IEC 18013-5 / RFC 9052 that shomei names
 * (src/mdoc/deviations.ts), honestly signed, plus tampered (hostile) variants of each that
 * must never verify. Deterministic: fixed keys, fixed dates, randomness from a seeded
 * SHA-256 counter, and RFC 6979 ECDSA (noble). Nothing here is a capture of another
 * implementation's output; the README says which implementation class produces each case.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { type CborValue, decode, EncodedCbor, encode, FullDate, TDate } from '../../src/cbor/index.js';
import { buildMacStructure, buildSigStructure, CoseHeader, coseSign1Value, encodeCoseKey, encodeProtectedHeaders, signCoseSign1 } from '../../src/cose/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { ecPrivateKeyFromScalar } from '../../src/crypto/key-from-secret.js';
import type { CryptoBackend, EcPrivateKey } from '../../src/crypto/types.js';
import { concat, toHex, utf8Encode } from '../../src/internal/bytes.js';
import {
  buildDeviceResponse,
  type DeviceResponse,
  deriveEMacKey,
  deviceAuthenticationBytes,
  encodeDeviceResponse,
  type IssuerSigned,
  issueMdoc,
  type MdocDeviation,
  readSessionTranscript,
} from '../../src/mdoc/index.js';
import { documentValue } from '../../src/mdoc/device-response.js';
import { buildDocumentSigner, buildIaca, type Certificate } from '../../src/x509/index.js';

export const FIXTURE_NOW = '2026-06-01T00:00:00Z';
const NOW = new Date(FIXTURE_NOW);
const DAY = 86_400_000;
const NS = 'org.iso.18013.5.1';
const DOCTYPE = 'org.iso.18013.5.1.mDL';

/** One generated case. */
export interface FieldCase {
  readonly name: string;
  /** The deviation it reproduces (null for the conformant baseline). */
  readonly deviation: MdocDeviation | null;
  /** Which implementation class produces it in the field. */
  readonly seen: string;
  /** DeviceResponse, hex. */
  readonly hex: string;
  /** Tampered variants: each must stay invalid with every deviation tolerated. */
  readonly hostile: readonly { readonly name: string; readonly hex: string; readonly fails: string }[];
}

export interface FieldFixtures {
  readonly description: string;
  readonly now: string;
  readonly trust_anchor_hex: string;
  readonly session_transcript_hex: string;
  /** The reader's ephemeral P-256 private scalar (EReaderKey), to verify the deviceMac cases. */
  readonly reader_key_hex: string;
  readonly cases: readonly FieldCase[];
}

/** A backend whose randomness is a SHA-256 counter over a fixed seed (fixtures only). */
function seededBackend(seed: string): CryptoBackend {
  let counter = 0;
  const randomBytes = (length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (let off = 0; off < length; off += 32) {
      const block = sha256(concat(utf8Encode(seed), Uint8Array.of(counter >>> 24, counter >>> 16, counter >>> 8, counter)));
      counter++;
      out.set(block.subarray(0, Math.min(32, length - off)), off);
    }
    return out;
  };
  return { ...nobleBackend, randomBytes };
}

function fixedKey(label: string): EcPrivateKey {
  return ecPrivateKeyFromScalar('P-256', sha256(utf8Encode(`shomei interop fixture key: ${label}`)));
}

export interface Parties {
  readonly backend: CryptoBackend;
  readonly iaca: Certificate;
  readonly ds: Certificate;
  readonly dsKey: EcPrivateKey;
  readonly device: EcPrivateKey;
  readonly attacker: EcPrivateKey;
  readonly attackerIaca: Certificate;
  readonly attackerDs: Certificate;
  readonly transcript: Uint8Array;
  readonly reader: EcPrivateKey;
}

export async function parties(): Promise<Parties> {
  const backend = seededBackend('shomei interop fixtures v1');
  const iacaKey = fixedKey('iaca');
  const dsKey = fixedKey('ds');
  const attacker = fixedKey('attacker');
  const validity = { notBefore: new Date(NOW.getTime() - 365 * DAY), notAfter: new Date(NOW.getTime() + 5 * 365 * DAY) };
  const dsValidity = { notBefore: new Date(NOW.getTime() - 30 * DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) };
  const common = { issuerAltName: { uri: 'https://iaca.example.jp/' }, crlUri: 'https://iaca.example.jp/crl', backend } as const;
  // No stateOrProvinceName: the DS of `shomei pki` without --state (issue 9 item 6).
  const iaca = await buildIaca({ country: 'JP', commonName: 'shomei interop IACA', key: iacaKey, validity, ...common, serialNumber: 1n });
  const ds = await buildDocumentSigner({ iaca, iacaKey, commonName: 'shomei interop DS', publicKey: publicKeyOf(dsKey) as never, validity: dsValidity, crlUri: common.crlUri, backend, serialNumber: 2n });
  const attackerIaca = await buildIaca({ country: 'JP', commonName: 'shomei interop IACA', key: attacker, validity, ...common, serialNumber: 1n });
  const attackerDs = await buildDocumentSigner({ iaca: attackerIaca, iacaKey: attacker, commonName: 'shomei interop DS', publicKey: publicKeyOf(attacker) as never, validity: dsValidity, crlUri: common.crlUri, backend, serialNumber: 2n });
  const st = [null, null, 'shomei interop fixtures'];
  const transcript = EncodedCbor.wrap(encode(st), st).tagged;
  return { backend, iaca, ds, dsKey, device: fixedKey('device'), attacker, attackerIaca, attackerDs, transcript, reader: fixedKey('reader') };
}

export async function baseIssuerSigned(p: Parties): Promise<IssuerSigned> {
  return issueMdoc({
    docType: DOCTYPE,
    nameSpaces: { [NS]: { family_name: 'Yamada', given_name: 'Taro', issuing_country: 'JP', issuing_jurisdiction: 'JP-13', age_over_18: true } },
    deviceKey: publicKeyOf(p.device),
    validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * DAY) },
    issuer: { signer: p.dsKey, certificates: [p.ds.der] },
    backend: p.backend,
  });
}

/** A COSE_Sign1 array signed over exactly these headers (even ones the builder refuses, such as a label in both buckets). */
export async function rawSign1(key: EcPrivateKey, protectedHeaders: Map<CborValue, CborValue>, unprotected: Map<CborValue, CborValue>, payload: Uint8Array, backend: CryptoBackend, detached = false, nullAad = false): Promise<CborValue[]> {
  const protectedBytes = encodeProtectedHeaders(protectedHeaders);
  const signature = await backend.ecdsaSign(key, 'SHA-256', sigStructure(protectedBytes, payload, nullAad));
  return [protectedBytes, unprotected, detached ? null : payload, signature];
}

/** The MSO map of an IssuerSigned, as issued (a copy, to edit). */
function msoMap(is: IssuerSigned): Map<string, CborValue> {
  const tagged = decode(is.issuerAuth.payload!) as EncodedCbor;
  return new Map(tagged.value as Map<string, CborValue>);
}

export interface Resign {
  readonly edit?: (mso: Map<string, CborValue>) => void;
  readonly untagged?: boolean;
  readonly protectedX5?: Uint8Array;
  readonly unprotectedX5?: Uint8Array;
  readonly key?: EcPrivateKey;
  /** The protected `alg` (default ES256, -7). */
  readonly alg?: number;
  /** Sign over `["Signature1", protected, null, payload]` (the SIG_STRUCTURE_AAD_NULL deviation). */
  readonly nullAad?: boolean;
  /** Rewrite the encoded MSO (before tag 24), e.g. to give it non-preferred heads. */
  readonly rawMso?: (encoded: Uint8Array) => Uint8Array;
}

/** IssuerSigned with its MSO edited and IssuerAuth signed again by the DS (or `key`). */
export async function resign(p: Parties, is: IssuerSigned, r: Resign): Promise<IssuerSigned> {
  const mso = msoMap(is);
  r.edit?.(mso);
  const inner = r.rawMso === undefined ? encode(mso) : r.rawMso(encode(mso));
  const payload = r.untagged ? inner : EncodedCbor.wrap(inner, mso).tagged;
  const prot = new Map<CborValue, CborValue>([[CoseHeader.alg, r.alg ?? -7]]);
  if (r.protectedX5 !== undefined) prot.set(CoseHeader.x5chain, r.protectedX5);
  const unprot = new Map<CborValue, CborValue>([[CoseHeader.x5chain, r.unprotectedX5 ?? p.ds.der]]);
  if (r.unprotectedX5 === undefined && r.protectedX5 !== undefined) unprot.delete(CoseHeader.x5chain);
  const arr = await rawSign1(r.key ?? p.dsKey, prot, unprot, payload, p.backend, false, r.nullAad);
  const protectedHeaders = decode(arr[0] as Uint8Array) as Map<CborValue, CborValue>;
  return { nameSpaces: is.nameSpaces, issuerAuth: { protectedBytes: arr[0] as Uint8Array, protectedHeaders, unprotectedHeaders: unprot, payload, signature: arr[3] as Uint8Array } };
}

export async function present(p: Parties, is: IssuerSigned): Promise<DeviceResponse> {
  return buildDeviceResponse({
    documents: [{ issuerSigned: is, deviceKey: p.device }],
    elements: { [NS]: ['family_name', 'issuing_country', 'issuing_jurisdiction', 'age_over_18'] },
    sessionTranscript: p.transcript,
    backend: p.backend,
  });
}

export function responseMap(r: DeviceResponse): Map<string, CborValue> {
  return new Map<string, CborValue>([
    ['version', r.version],
    ['documents', r.documents.map(documentValue)],
    ['status', r.status],
  ]);
}

/**
 * `presented` with the first document's IssuerAuth replaced by `is`'s (DeviceAuthentication
 * does not cover IssuerSigned, so the device signature stays valid). For MSOs that
 * buildDeviceResponse itself would refuse to read.
 */
export function withIssuerAuth(presented: DeviceResponse, is: IssuerSigned): Uint8Array {
  const r = responseMap(presented);
  const doc = (r.get('documents') as Map<string, CborValue>[])[0]!;
  (doc.get('issuerSigned') as Map<string, CborValue>).set('issuerAuth', coseSign1Value(is.issuerAuth));
  return encode(r);
}

/** An edit of the MSO's validityInfo. */
export function editValidity(f: (vi: Map<string, CborValue>) => void): Resign {
  return {
    edit: (mso) => {
      const vi = new Map(mso.get('validityInfo') as Map<string, CborValue>);
      f(vi);
      mso.set('validityInfo', vi);
    },
  };
}

/**
 * The response with its deviceSignature replaced by a deviceMac keyed with EMacKey from
 * `deviceKey` and the reader's key, with protected alg `alg`, over the conformant
 * MAC_structure or (`legacy`) over `["MAC0", protected, payload]`.
 */
async function deviceMacResponse(p: Parties, bytes: Uint8Array, deviceKey: EcPrivateKey, alg: number, legacy: boolean): Promise<Uint8Array> {
  const resp = decode(bytes) as M;
  const doc = firstDoc(resp);
  const ds = doc.get('deviceSigned') as M;
  const st = readSessionTranscript(p.transcript);
  const payload = deviceAuthenticationBytes(st, doc.get('docType') as string, ds.get('nameSpaces') as EncodedCbor);
  const key = await deriveEMacKey(deviceKey, publicKeyOf(p.reader) as never, st, { backend: p.backend });
  const protectedBytes = encodeProtectedHeaders(new Map([[CoseHeader.alg, alg]]));
  const structure = legacy ? encode(['MAC0', protectedBytes, payload]) : buildMacStructure(protectedBytes, new Uint8Array(0), payload);
  const tag = await p.backend.hmac('SHA-256', key, structure);
  ds.set('deviceAuth', new Map([['deviceMac', [protectedBytes, new Map(), null, tag]]]));
  return encode(resp);
}

/** The response with DeviceNameSpacesBytes replaced by `bytes` (the device signature left as it was, over 24(<<a0>>)). */
function deviceNameSpacesSent(bytes: Uint8Array, nameSpaces: Uint8Array): Uint8Array {
  const resp = decode(bytes) as M;
  (firstDoc(resp).get('deviceSigned') as M).set('nameSpaces', EncodedCbor.wrap(nameSpaces, decode(nameSpaces)));
  return encode(resp);
}

// ---- tampering (generic CBOR surgery on the encoded response) ----

type M = Map<CborValue, CborValue>;

function firstDoc(resp: M): M {
  return (resp.get('documents') as M[])[0]!;
}

/** The first issuer-signed item's family_name changed: its digest no longer matches. */
function tamperDigest(bytes: Uint8Array): Uint8Array {
  const resp = decode(bytes) as M;
  const is = firstDoc(resp).get('issuerSigned') as M;
  const ns = is.get('nameSpaces') as M;
  const items = ns.get(NS) as EncodedCbor[];
  const idx = items.findIndex((i) => (i.value as M).get('elementIdentifier') === 'family_name');
  const item = new Map(items[idx]!.value as M);
  item.set('elementValue', 'Tanaka');
  items[idx] = EncodedCbor.wrap(encode(item), item as CborValue);
  return encode(resp);
}

/** IssuerAuth signed again, same headers and payload, with the attacker's key. */
async function tamperIssuerKey(p: Parties, bytes: Uint8Array): Promise<Uint8Array> {
  const resp = decode(bytes) as M;
  const auth = (firstDoc(resp).get('issuerSigned') as M).get('issuerAuth') as CborValue[];
  const tbs = buildSigStructure(auth[0] as Uint8Array, new Uint8Array(0), auth[2] as Uint8Array);
  auth[3] = await p.backend.ecdsaSign(p.attacker, 'SHA-256', tbs);
  return encode(resp);
}

/** IssuerAuth's protected header rewritten to another `alg`, the signature left as it was. */
function relabelIssuerAlg(bytes: Uint8Array, alg: number): Uint8Array {
  const resp = decode(bytes) as M;
  const auth = (firstDoc(resp).get('issuerSigned') as M).get('issuerAuth') as CborValue[];
  auth[0] = encodeProtectedHeaders(new Map([[CoseHeader.alg, alg]]));
  return encode(resp);
}

/** deviceSignature made by the attacker's key over the right bytes. */
async function tamperDeviceKey(p: Parties, bytes: Uint8Array): Promise<Uint8Array> {
  return signDevice(p, bytes, p.attacker);
}

/** The deviceSignature signed again by `key`, with the protected `alg` replaced when given. */
async function signDevice(p: Parties, bytes: Uint8Array, key: EcPrivateKey, o: { alg?: number; nullAad?: boolean } = {}): Promise<Uint8Array> {
  const resp = decode(bytes) as M;
  const doc = firstDoc(resp);
  const ds = doc.get('deviceSigned') as M;
  const sig = (ds.get('deviceAuth') as M).get('deviceSignature') as CborValue[];
  if (o.alg !== undefined) sig[0] = encodeProtectedHeaders(new Map([[CoseHeader.alg, o.alg]]));
  const payload = deviceAuthenticationBytes(readSessionTranscript(p.transcript), doc.get('docType') as string, ds.get('nameSpaces') as EncodedCbor);
  sig[3] = await p.backend.ecdsaSign(key, 'SHA-256', sigStructure(sig[0] as Uint8Array, payload, o.nullAad === true));
  return encode(resp);
}

/** Sig_structure for COSE_Sign1, or the deployed form with the empty external_aad as null. */
function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array, nullAad: boolean): Uint8Array {
  return nullAad ? encode(['Signature1', protectedBytes, null, payload]) : buildSigStructure(protectedBytes, new Uint8Array(0), payload);
}

/** deviceSignature with an attached payload: `other` signs the DeviceAuthenticationBytes of another session. */
async function attachedDeviceSignature(p: Parties, bytes: Uint8Array, otherSession: boolean): Promise<Uint8Array> {
  const resp = decode(bytes) as M;
  const doc = firstDoc(resp);
  const ds = doc.get('deviceSigned') as M;
  const st = [null, null, otherSession ? 'another session' : 'shomei interop fixtures'];
  const transcript = readSessionTranscript(EncodedCbor.wrap(encode(st), st).tagged);
  const payload = deviceAuthenticationBytes(transcript, doc.get('docType') as string, ds.get('nameSpaces') as EncodedCbor);
  const signed = await signCoseSign1({ payload, signer: p.device, backend: p.backend });
  (ds.get('deviceAuth') as M).set('deviceSignature', [signed.protectedBytes, signed.unprotectedHeaders, signed.payload, signed.signature]);
  return encode(resp);
}

/** Generate every case (deterministic). */
export async function generateFieldFixtures(): Promise<FieldFixtures> {
  const p = await parties();
  const base = await baseIssuerSigned(p);
  const cases: FieldCase[] = [];
  const add = async (name: string, deviation: MdocDeviation | null, seen: string, bytes: Uint8Array, extra: { name: string; hex: Uint8Array; fails: string }[] = []) => {
    const hostile = [
      { name: 'value digest changed', hex: tamperDigest(bytes), fails: 'VALUE_DIGEST' },
      { name: 'IssuerAuth signed with a wrong key', hex: await tamperIssuerKey(p, bytes), fails: 'ISSUER_SIGNATURE' },
      ...extra,
    ];
    if (deviation !== 'DEVICE_AUTH_ATTACHED_PAYLOAD' && deviation !== 'DEVICE_MAC_ALG' && deviation !== 'DEVICE_MAC_STRUCTURE') hostile.push({ name: 'deviceSignature by a wrong key', hex: await tamperDeviceKey(p, bytes), fails: 'DEVICE_AUTH' });
    cases.push({ name, deviation, seen, hex: toHex(bytes), hostile: hostile.map((h) => ({ name: h.name, hex: toHex(h.hex), fails: h.fails })) });
  };

  const baseline = await present(p, base);
  const baselineBytes = encodeDeviceResponse(baseline);
  await add('baseline', null, 'conformant (shomei)', baselineBytes);

  const withDocErrors = responseMap(baseline);
  withDocErrors.set('documentErrors', []);
  await add('empty documentErrors', 'EMPTY_DOCUMENT_ERRORS', 'wallets that always write documentErrors', encode(withDocErrors));

  const emptyErrors = responseMap(baseline);
  (emptyErrors.get('documents') as Map<string, CborValue>[])[0]!.set('errors', new Map());
  await add('empty errors map', 'EMPTY_ERRORS', 'wallets that always write errors', encode(emptyErrors));

  const extraMember = responseMap(baseline);
  extraMember.set('zkDocuments', [new Map([['docType', DOCTYPE]])]);
  await add('member outside the CDDL', 'UNKNOWN_MEMBER', 'second-edition wallets that add zkDocuments or encryptedDocuments (not processed by shomei), and wallets that add members of their own', encode(extraMember));

  const emptyNs = responseMap(baseline);
  const isMap = (emptyNs.get('documents') as Map<string, CborValue>[])[0]!.get('issuerSigned') as Map<string, CborValue>;
  (isMap.get('nameSpaces') as Map<string, CborValue>).set('org.iso.18013.5.1.aamva', []);
  await add('empty issuer namespace', 'EMPTY_ISSUER_NAMESPACES', 'wallets that keep a namespace whose elements were all withheld', encode(emptyNs));

  // A device-signed namespace with no element: signed by the device key over those bytes.
  {
    const doc = baseline.documents[0]!;
    const dns = new Map([[NS, new Map()]]);
    const nameSpaces = EncodedCbor.wrap(encode(dns), dns) as never;
    const payload = deviceAuthenticationBytes(readSessionTranscript(p.transcript), doc.docType, nameSpaces);
    const deviceSignature = await signCoseSign1({ payload, detached: true, signer: p.device, backend: p.backend });
    const r: DeviceResponse = { ...baseline, documents: [{ ...doc, deviceSigned: { nameSpaces, deviceAuth: { deviceSignature } } }] };
    await add('empty device-signed namespace', 'EMPTY_DEVICE_NAMESPACE', 'wallets that write every requested namespace into DeviceNameSpaces', encodeDeviceResponse(r));
  }

  const kid = await resign(p, base, {
    edit: (mso) => {
      const dki = new Map(mso.get('deviceKeyInfo') as Map<string, CborValue>);
      const key = encodeCoseKey(publicKeyOf(p.device));
      key.set(2, 'device-key-1');
      dki.set('deviceKey', key);
      mso.set('deviceKeyInfo', dki);
    },
  });
  await add('text kid in the device key', 'DEVICE_KEY_KID_TYPE', 'issuers that copy a JWK kid into the COSE_Key', encodeDeviceResponse(await present(p, kid)));

  const emptyVd = await resign(p, base, {
    edit: (mso) => {
      const vd = new Map(mso.get('valueDigests') as Map<string, CborValue>);
      vd.set('org.iso.18013.5.1.aamva', new Map());
      mso.set('valueDigests', vd);
    },
  });
  await add('empty valueDigests namespace', 'EMPTY_VALUE_DIGESTS', 'not seen yet; named as the other empty containers are (an issuer writing a digest map for every namespace of the doctype)', encodeDeviceResponse(await present(p, emptyVd)));

  const emptyKa = await resign(p, base, {
    edit: (mso) => {
      const dki = new Map(mso.get('deviceKeyInfo') as Map<string, CborValue>);
      dki.set('keyAuthorizations', new Map([['nameSpaces', []]]));
      mso.set('deviceKeyInfo', dki);
    },
  });
  await add('empty keyAuthorizations', 'EMPTY_KEY_AUTHORIZATIONS', 'issuers that always write keyAuthorizations, authorizing nothing', encodeDeviceResponse(await present(p, emptyKa)));

  const statusNull = await resign(p, base, { edit: (mso) => mso.set('status', null) });
  await add('MSO status null', 'MSO_STATUS_NULL', "a platform vendor's developer test documents", encodeDeviceResponse(await present(p, statusNull)));

  const optionalNull = await resign(p, base, editValidity((vi) => vi.set('expectedUpdate', null)));
  await add('expectedUpdate null', 'MSO_OPTIONAL_NULL', 'issuers that serialise an unset optional member as null', withIssuerAuth(baseline, optionalNull));

  // validUntil 2026-07-01 (the issued one): untagged text, then a full-date; hostile: the same form, already past.
  const expired = '2026-05-01';
  const untaggedDate = await resign(p, base, editValidity((vi) => vi.set('validUntil', '2026-07-01T00:00:00Z')));
  const untaggedExpired = await resign(p, base, editValidity((vi) => vi.set('validUntil', `${expired}T00:00:00Z`)));
  await add('validUntil as untagged text', 'VALIDITY_DATE_UNTAGGED', 'issuers whose CBOR library writes a date string without tag 0', withIssuerAuth(baseline, untaggedDate), [
    { name: 'untagged validUntil in the past', hex: withIssuerAuth(baseline, untaggedExpired), fails: 'MSO_VALIDITY' },
  ]);
  const fullDate = await resign(p, base, editValidity((vi) => vi.set('validUntil', new FullDate('2026-07-01'))));
  const fullDateExpired = await resign(p, base, editValidity((vi) => vi.set('validUntil', new FullDate(expired))));
  await add('validUntil as a full-date', 'VALIDITY_FULL_DATE', 'issuers that write the validity dates with their date-only type (tag 1004)', withIssuerAuth(baseline, fullDate), [
    { name: 'full-date validUntil in the past', hex: withIssuerAuth(baseline, fullDateExpired), fails: 'MSO_VALIDITY' },
  ]);

  // signed at NOW, validFrom a day earlier; hostile: the same, with validFrom after the validation time.
  const fromBefore = await resign(p, base, editValidity((vi) => vi.set('validFrom', TDate.fromDate(new Date(NOW.getTime() - DAY)))));
  const fromLater = await resign(p, base, editValidity((vi) => {
    vi.set('signed', TDate.fromDate(new Date(NOW.getTime() + 3 * DAY)));
    vi.set('validFrom', TDate.fromDate(new Date(NOW.getTime() + 2 * DAY)));
  }));
  await add('validFrom before signed', 'VALIDITY_FROM_BEFORE_SIGNED', 'issuers that backdate validFrom or serve credentials from a pre-signed pool (animo openid4vc-playground#131)', withIssuerAuth(baseline, fromBefore), [
    { name: 'validFrom before signed, both after the validation time', hex: withIssuerAuth(baseline, fromLater), fails: 'MSO_VALIDITY' },
  ]);

  const minor = await resign(p, base, { edit: (mso) => mso.set('version', '1.1') });
  const major = await resign(p, base, { edit: (mso) => mso.set('version', '2.0') });
  await add('MSO version 1.1', 'MSO_VERSION_MINOR', 'issuers tested only against verifiers that check the major version', withIssuerAuth(baseline, minor), [
    { name: 'MSO version 2.0', hex: withIssuerAuth(baseline, major), fails: 'MSO_VERSION' },
  ]);

  const untagged = await resign(p, base, { untagged: true });
  await add('untagged MSO payload', 'MSO_UNTAGGED', 'older issuer libraries that sign the MSO bytes without tag 24', encodeDeviceResponse(await present(p, untagged)));

  const both = await resign(p, base, { protectedX5: p.ds.der, unprotectedX5: p.ds.der });
  await add('x5chain in both buckets', 'X5CHAIN_BOTH_BUCKETS', 'issuers that write x5chain into both header buckets', encodeDeviceResponse(await present(p, both)));

  const conflict = await resign(p, base, { protectedX5: p.ds.der, unprotectedX5: p.attackerDs.der });
  // Hostile: the attacker's chain protected (signed with the attacker's key), the genuine one unprotected.
  const attackerProtected = await resign(p, base, { protectedX5: p.attackerDs.der, unprotectedX5: p.ds.der, key: p.attacker });
  await add('different x5chains in the two buckets', 'X5CHAIN_CONFLICT', 'intermediaries that add a chain to the unprotected bucket of a message that has one protected', encodeDeviceResponse(await present(p, conflict)), [
    { name: "the attacker's chain protected, the genuine one unprotected", hex: encodeDeviceResponse(await present(p, attackerProtected)), fails: 'DS_CHAIN' },
  ]);

  await add('attached DeviceAuthenticationBytes', 'DEVICE_AUTH_ATTACHED_PAYLOAD', 'older holder libraries that sign with an attached payload', await attachedDeviceSignature(p, baselineBytes, false), [
    { name: 'attached payload of another session', hex: await attachedDeviceSignature(p, baselineBytes, true), fails: 'DEVICE_AUTH' },
  ]);

  // Credo 2024 (vectors/interop/captured.json): `deviceMac: undefined` beside the signature, and
  // the detached payload written as undefined instead of nil. The signature is over the same bytes.
  {
    const undefinedAuth = responseMap(baseline);
    const deviceAuth = ((undefinedAuth.get('documents') as Map<string, CborValue>[])[0]!.get('deviceSigned') as Map<string, CborValue>).get('deviceAuth') as Map<string, CborValue>;
    const signature = [...(deviceAuth.get('deviceSignature') as CborValue[])];
    signature[2] = undefined;
    deviceAuth.set('deviceSignature', signature);
    deviceAuth.set('deviceMac', undefined);
    await add('deviceMac and the detached payload as CBOR undefined', 'UNDEFINED_AS_ABSENT', 'JavaScript holder libraries that write an unset member as undefined (Credo, 2024)', encode(undefinedAuth));
  }

  // auth0 < 3 sends an empty DeviceNameSpaces as map16 (b9 00 00) and signs over a0.
  const withDeviceElement = encode(new Map([[NS, new Map([['age_over_18', false]])]]));
  await add('DeviceNameSpaces sent as map16, signed as a0', 'DEVICE_NAMESPACES_REENCODED', 'holder libraries that sign a re-encoding of what they send (@auth0/mdl before 3.0)', deviceNameSpacesSent(baselineBytes, Uint8Array.of(0xb9, 0x00, 0x00)), [
    { name: 'a device-signed element added after signing', hex: deviceNameSpacesSent(baselineBytes, withDeviceElement), fails: 'DEVICE_AUTH' },
  ]);

  // owf 0.6.0's holder MAC has both faults at once (test/interop/owf.test.ts); here one at a time.
  await add('deviceMac with the device key alg', 'DEVICE_MAC_ALG', 'holder libraries that write the device key alg (ES256) into the deviceMac (@owf/mdoc 0.6.0)', await deviceMacResponse(p, baselineBytes, p.device, -7, false), [
    { name: 'deviceMac keyed from another device key', hex: await deviceMacResponse(p, baselineBytes, p.attacker, -7, false), fails: 'DEVICE_AUTH' },
  ]);
  await add('deviceMac without external_aad in MAC_structure', 'DEVICE_MAC_STRUCTURE', 'holder libraries that leave an empty external_aad out of MAC_structure (@owf/mdoc 0.6.0)', await deviceMacResponse(p, baselineBytes, p.device, 5, true), [
    { name: 'legacy deviceMac keyed from another device key', hex: await deviceMacResponse(p, baselineBytes, p.attacker, 5, true), fails: 'DEVICE_AUTH' },
  ]);

  // A device key whose x has a leading zero byte, written in 31 bytes (the label is the first whose x starts with 00).
  {
    const holder = fixedKey('short x 21');
    const short = await resign(p, base, {
      edit: (mso) => {
        const dki = new Map(mso.get('deviceKeyInfo') as Map<string, CborValue>);
        const key = encodeCoseKey(publicKeyOf(holder));
        key.set(-2, holder.x.subarray(1));
        dki.set('deviceKey', key);
        mso.set('deviceKeyInfo', dki);
      },
    });
    if (holder.x[0] !== 0 || p.device.x[0] === 0) throw new Error('the fixture keys must have an x starting with 00 (holder) and not (device)');
    // A key cut short where its first byte is not zero: padded, it is another x, off the curve.
    const cut = await resign(p, base, {
      edit: (mso) => {
        const dki = new Map(mso.get('deviceKeyInfo') as Map<string, CborValue>);
        dki.set('deviceKey', encodeCoseKey(publicKeyOf(p.device)).set(-2, p.device.x.subarray(1)));
        mso.set('deviceKeyInfo', dki);
      },
    });
    await add('device key x of 31 bytes', 'DEVICE_KEY_COORDINATE_SHORT', "issuers that write a coordinate as the integer's minimal bytes (pyMDOC-CBOR, behind the EUDI reference issuer: eudi-srv-web-issuing-eudiw-py #149), one key in 128", encodeDeviceResponse(await present({ ...p, device: holder }, short)), [
      { name: 'a device key whose x lost a non-zero first byte', hex: withIssuerAuth(baseline, cut), fails: 'MSO_STRUCTURE' },
    ]);
  }

  const textStatusId = await resign(p, base, {
    edit: (mso) => mso.set('status', new Map([['identifier_list', new Map([['id', '450'], ['uri', 'https://status.example.jp/identifiers/1']])]])),
  });
  await add('status identifier id as text', 'STATUS_ID_TEXT', 'issuers that copy a revocation service\'s JSON id into the MSO (the EUDI reference issuer before its ids were encoded; walt.id #1406)', encodeDeviceResponse(await present(p, textStatusId)));

  // SUNET/vc before its PR #533 passed a nil external_aad, which its CBOR library wrote as null.
  const nullAadIssuer = encodeDeviceResponse(await present(p, await resign(p, base, { nullAad: true })));
  await add('IssuerAuth over a Sig_structure with a null external_aad', 'SIG_STRUCTURE_AAD_NULL', 'signers that write an absent external_aad as CBOR null (SUNET/vc before its PR #533, July 2026)', nullAadIssuer, [
    { name: 'null-aad IssuerAuth by another key', hex: encodeDeviceResponse(await present(p, await resign(p, base, { nullAad: true, key: p.attacker }))), fails: 'ISSUER_SIGNATURE' },
  ]);
  await add('deviceSignature over a Sig_structure with a null external_aad', 'SIG_STRUCTURE_AAD_NULL', 'holder libraries that write an absent external_aad as CBOR null (SUNET/vc before its PR #533)', await signDevice(p, baselineBytes, p.device, { nullAad: true }), [
    { name: 'null-aad deviceSignature by another key', hex: await signDevice(p, baselineBytes, p.attacker, { nullAad: true }), fails: 'DEVICE_AUTH' },
  ]);

  // RFC 9864's fully specified ESP256 (-9) for ES256 on P-256: what Multipaz's generic COSE signer writes when its caller does not set alg.
  const esp256 = encodeDeviceResponse(await present(p, await resign(p, base, { alg: -9 })));
  await add('IssuerAuth alg ESP256', 'FULLY_SPECIFIED_ALG', "signers that write the key's fully specified algorithm (RFC 9864), as Multipaz's generic COSE signer does unless told the alg", esp256, [
    { name: 'an ES256 IssuerAuth relabelled ESP256, not signed again', hex: relabelIssuerAlg(baselineBytes, -9), fails: 'ISSUER_SIGNATURE' },
  ]);
  await add('deviceSignature alg ESP256', 'FULLY_SPECIFIED_ALG', "holder libraries that sign with the device key's fully specified algorithm (RFC 9864)", await signDevice(p, baselineBytes, p.device, { alg: -9 }));

  return {
    description: 'Generated by test/interop/field-fixtures.ts (see README.md). Each case reproduces one named deviation; hostile variants must never verify.',
    now: FIXTURE_NOW,
    trust_anchor_hex: toHex(p.iaca.der),
    session_transcript_hex: toHex(p.transcript),
    reader_key_hex: toHex(p.reader.d),
    cases,
  };
}
