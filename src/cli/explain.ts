/**
 * What `shomei inspect` says about a recognised structure before its diagnostic notation:
 * the kind of structure and its essentials.
 *
 * - mdoc (ISO/IEC 18013-5): DeviceRequest, DeviceResponse, IssuerSigned (with
 *   IssuerAuth's COSE payload, the MSO, and protected header decoded), MSO;
 * - proximity session (§8.2.1.1, §9.1.1.4, §9.1.5.1, as the session layer cites them):
 *   DeviceEngagement, SessionEstablishment, SessionData, SessionTranscript (also as
 *   SessionTranscriptBytes) with its handover named: QR, NFC, OpenID4VP 1.0 (redirect and
 *   DC API), ISO/IEC TS 18013-7 Annex B and Annex C, Apple Verify with Wallet;
 * - NDEF messages (not CBOR): NFC Handover Select and Handover Request, see
 *   {@link explainNdef}.
 */

import { type CborMap, type CborValue, CborError, decode, EncodedCbor, encode } from '../cbor/index.js';
import { type CoseSign1, decodeCoseKey, getX5Chain } from '../cose/index.js';
import { isShomeiError } from '../errors.js';
import { toHex } from '../internal/bytes.js';
import {
  decodeDeviceRequest,
  decodeDeviceResponse,
  decodeIssuerAuthPayload,
  decodeIssuerSigned,
  decodeMobileSecurityObject,
  type IssuerSigned,
  type JsonValue,
} from '../mdoc/index.js';
import { decodeDeviceEngagement, decodeNdefMessage, decodeSessionData, decodeSessionEstablishment, SessionStatus } from '../session/index.js';
import { parseCertificate } from '../x509/index.js';
import { diag, diagnoseText } from './diagnostic.js';
import { describeNdef, engagementLines, keyLines, looksLikeNdef, ndefJson, ndefLines } from './engagement.js';

function has(v: CborValue, ...keys: string[]): v is CborMap {
  return v instanceof Map && keys.every((k) => v.has(k));
}

function certLine(der: Uint8Array): string {
  try {
    const c = parseCertificate(der);
    return `${c.subject.text} (issuer ${c.issuer.text}, ${c.notBefore.toISOString().slice(0, 10)} … ${c.notAfter.toISOString().slice(0, 10)})`;
  } catch {
    return `<${der.length} bytes, not a certificate>`;
  }
}

function issuerAuthLines(auth: CoseSign1, indent: string): string[] {
  const out = [`${indent}IssuerAuth: COSE_Sign1, protected ${diagnoseText(auth.protectedBytes.length === 0 ? Uint8Array.of(0xa0) : auth.protectedBytes)}`];
  for (const der of getX5Chain(auth.protectedHeaders, auth.unprotectedHeaders)) out.push(`${indent}  x5chain: ${certLine(der)}`);
  const mso = decodeIssuerAuthPayload(auth);
  out.push(
    `${indent}  MSO: ${mso.docType}, ${mso.digestAlgorithm}, signed ${mso.validityInfo.signed.text}, valid ${mso.validityInfo.validFrom.text} … ${mso.validityInfo.validUntil.text}`,
    `${indent}  device key: ${mso.deviceKeyInfo.deviceKey === undefined ? `unusable (${mso.deviceKeyInfo.deviceKeyError?.detail})` : `${mso.deviceKeyInfo.deviceKey.kty} ${mso.deviceKeyInfo.deviceKey.crv}`}`,
    `${indent}  payload: ${diagnoseText(auth.payload!)}`,
  );
  return out;
}

function issuerSignedLines(is: IssuerSigned, indent: string): string[] {
  const out: string[] = [];
  for (const [ns, items] of is.nameSpaces) {
    out.push(`${indent}${ns}:`);
    for (const it of items) {
      const v = it.value.elementValue;
      const shown = v instanceof Uint8Array ? `<${v.length} bytes>` : diag(v);
      out.push(`${indent}  ${it.value.elementIdentifier} = ${shown}  (digestID ${it.value.digestID})`);
    }
  }
  return [...out, ...issuerAuthLines(is.issuerAuth, indent)];
}

/** A description of `value` if it is a recognised mdoc structure, else undefined. */
export function explain(value: CborValue): string[] | undefined {
  try {
    if (has(value, 'version', 'status')) {
      const r = decodeDeviceResponse(value);
      const out = [`DeviceResponse ${r.version}, status ${r.status}, ${r.documents.length} document(s)`];
      for (const d of r.documents) {
        const auth = d.deviceSigned === undefined ? 'none, no deviceSigned' : 'deviceSignature' in d.deviceSigned.deviceAuth ? 'deviceSignature' : 'deviceMac';
        out.push(`  ${d.docType} (device authentication: ${auth})`, ...issuerSignedLines(d.issuerSigned, '    '));
      }
      for (const [docType, code] of r.documentErrors) out.push(`  not returned: ${docType} (error ${code})`);
      return out;
    }
    if (has(value, 'version', 'docRequests')) {
      const r = decodeDeviceRequest(value);
      const out = [`DeviceRequest ${r.version}, ${r.docRequests.length} document request(s)`];
      for (const dr of r.docRequests) {
        out.push(`  ${dr.itemsRequest.value.docType}${dr.readerAuth === undefined ? '' : ' (with ReaderAuth)'}`);
        for (const [ns, els] of dr.itemsRequest.value.nameSpaces) {
          out.push(`    ${ns}: ${[...els].map(([id, keep]) => (keep ? `${id} (retain)` : id)).join(', ')}`);
        }
        if (dr.readerAuth !== undefined) {
          for (const der of getX5Chain(dr.readerAuth.protectedHeaders, dr.readerAuth.unprotectedHeaders)) out.push(`    reader: ${certLine(der)}`);
        }
      }
      return out;
    }
    if (has(value, 'issuerAuth')) return ['IssuerSigned', ...issuerSignedLines(decodeIssuerSigned(value), '  ')];
    const mso = value instanceof EncodedCbor ? value.value : value;
    if (has(mso, 'valueDigests', 'deviceKeyInfo')) {
      const m = decodeMobileSecurityObject(mso);
      return [`MobileSecurityObject ${m.version}: ${m.docType}, ${m.digestAlgorithm}, ${[...m.valueDigests.values()].reduce((n, d) => n + d.size, 0)} digests`];
    }
    if (isDeviceEngagement(value)) return engagementLines(decodeDeviceEngagement(encode(value)));
    if (has(value, 'eReaderKey', 'data')) return sessionEstablishmentLines(value);
    if (isSessionData(value)) return sessionDataLines(value);
    if (isSessionTranscript(mso)) return transcriptLines(mso, value instanceof EncodedCbor);
  } catch (e) {
    if (isShomeiError(e)) return [`looks like an mdoc structure but is not valid: ${e.message}`];
    throw e;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Proximity session structures

/** `{0: "1.x", 1: [cipherSuite, …], …}`: the shape of a DeviceEngagement (§8.2.1.1). */
function isDeviceEngagement(v: CborValue): v is CborMap {
  if (!(v instanceof Map)) return false;
  const version = v.get(0);
  return typeof version === 'string' && /^1\.\d+$/.test(version) && Array.isArray(v.get(1));
}

/** `{? "data": bstr, ? "status": uint}` with at least one of them (§9.1.1.4). */
function isSessionData(v: CborValue): v is CborMap {
  return v instanceof Map && v.size > 0 && [...v.keys()].every((k) => k === 'data' || k === 'status');
}

/** `[DeviceEngagementBytes / null, EReaderKeyBytes / null, Handover]` (§9.1.5.1). */
function isSessionTranscript(v: CborValue): v is readonly CborValue[] {
  if (!Array.isArray(v) || v.length !== 3) return false;
  const [de, key, handover] = v as readonly CborValue[];
  const tagOrNull = (x: CborValue) => x === null || x instanceof EncodedCbor;
  return tagOrNull(de) && tagOrNull(key) && (handover === null || Array.isArray(handover));
}

/** AES-256-GCM ciphertext: the plaintext and a 16-byte tag. */
function ciphertextText(data: Uint8Array, what: string): string {
  return data.length >= 16
    ? `${data.length} bytes, ${what} (AES-256-GCM: ${data.length - 16} bytes of plaintext and a 16-byte tag)`
    : `${data.length} bytes (too short for AES-256-GCM: no room for the 16-byte tag)`;
}

function sessionEstablishmentLines(value: CborMap): string[] {
  const m = decodeSessionEstablishment(encode(value));
  return [
    'SessionEstablishment',
    `  EReaderKey: ${m.eReaderKey.kty} ${m.eReaderKey.crv}`,
    ...keyLines(m.eReaderKey, '    '),
    `  data: ${ciphertextText(m.data, 'the DeviceRequest encrypted with SKReader')}`,
  ];
}

const STATUS_MEANING: Record<number, string> = {
  [SessionStatus.ENCRYPTION_ERROR]: 'error: session encryption',
  [SessionStatus.DECODING_ERROR]: 'error: CBOR decoding',
  [SessionStatus.TERMINATION]: 'session termination',
};

function sessionDataLines(value: CborMap): string[] {
  const m = decodeSessionData(encode(value));
  const out = ['SessionData'];
  if (m.data !== undefined) out.push(`  data: ${ciphertextText(m.data, 'encrypted with SKDevice (from the mdoc) or SKReader (from the reader)')}`);
  if (m.status !== undefined) out.push(`  status: ${m.status} (${STATUS_MEANING[m.status] ?? 'not a status 18013-5 defines'})`);
  return out;
}

function isBytes(v: CborValue | undefined): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** Which handover a SessionTranscript holds, and its contents. */
export function handoverLines(h: CborValue, indent: string): string[] {
  if (h === null) return [`${indent}handover: QR (null)`];
  const a = Array.isArray(h) ? (h as readonly CborValue[]) : [];
  const [first, second] = a;
  if (a.length === 2 && isBytes(first) && (second === null || isBytes(second))) {
    const out = [
      `${indent}handover: NFC, ${second === null ? 'static (no Handover Request)' : `negotiated (Handover Request ${second.length} bytes)`}`,
      ...nestedNdef(first, 'Handover Select', `${indent}  `),
    ];
    if (second !== null) out.push(...nestedNdef(second, 'Handover Request', `${indent}  `));
    return out;
  }
  if (a.length === 2 && first === 'OpenID4VPHandover' && isBytes(second)) {
    return [`${indent}handover: OpenID4VP 1.0 redirect / direct_post (OpenID4VPHandover, Appendix B.2.6.1)`, `${indent}  SHA-256(OpenID4VPHandoverInfo): ${toHex(second)}`];
  }
  if (a.length === 2 && first === 'OpenID4VPDCAPIHandover' && isBytes(second)) {
    return [
      `${indent}handover: OpenID4VP 1.0 over the W3C Digital Credentials API (OpenID4VPDCAPIHandover, Appendix B.2.6.2)`,
      `${indent}  SHA-256(OpenID4VPDCAPIHandoverInfo): ${toHex(second)}`,
    ];
  }
  if (a.length === 2 && first === 'dcapi' && isBytes(second)) {
    return [`${indent}handover: ISO/IEC TS 18013-7 Annex C, org-iso-mdoc over the Digital Credentials API (DCAPIHandover)`, `${indent}  dcapiInfoHash: ${toHex(second)}`];
  }
  if (a.length === 5 && first === 'AppleIdentityPresentment_1.0') {
    const [, nonce, merchantId, teamId, pkRHash] = a;
    const show = (v: CborValue | undefined) => (isBytes(v) ? toHex(v) : typeof v === 'string' ? JSON.stringify(v) : diag(v ?? null));
    return [
      `${indent}handover: Apple Verify with Wallet, in app (AppleIdentityPresentment_1.0)`,
      `${indent}  nonce: ${show(nonce)}`,
      `${indent}  merchant ID: ${show(merchantId)}`,
      `${indent}  team ID: ${show(teamId)}`,
      `${indent}  SHA-256 of the recipient public key: ${show(pkRHash)}`,
    ];
  }
  if (a.length === 3 && isBytes(first) && isBytes(second) && typeof a[2] === 'string') {
    return [
      `${indent}handover: ISO/IEC TS 18013-7:2024 Annex B (OID4VPHandover, before OpenID4VP 1.0)`,
      `${indent}  clientIdHash: ${toHex(first)}`,
      `${indent}  responseUriHash: ${toHex(second)}`,
      `${indent}  nonce: ${JSON.stringify(a[2])}`,
    ];
  }
  return [`${indent}handover: not one shomei knows: ${diag(h)}`];
}

/** An NDEF message inside a structure: its description, or why it is not one. */
function nestedNdef(bytes: Uint8Array, what: string, indent: string): string[] {
  try {
    return ndefLines(describeNdef(bytes), bytes.length, indent);
  } catch (e) {
    if (isShomeiError(e)) return [`${indent}${what} (${bytes.length} bytes) does not decode: ${e.message}`];
    throw e;
  }
}

function transcriptLines(t: readonly CborValue[], tagged: boolean): string[] {
  const [de, key, handover] = t;
  const out = [tagged ? 'SessionTranscriptBytes (tag 24) holding a SessionTranscript' : 'SessionTranscript'];
  if (de instanceof EncodedCbor) out.push(`  DeviceEngagementBytes (${de.bytes.length} bytes):`, ...engagementLines(decodeDeviceEngagement(de.bytes), '    '));
  else out.push('  DeviceEngagementBytes: null');
  if (key instanceof EncodedCbor) {
    const k = decodeCoseKey(key.bytes).key;
    out.push(`  EReaderKeyBytes: ${k.kty} ${'crv' in k ? k.crv : ''}`.trimEnd());
    if (k.kty === 'EC' || k.kty === 'OKP') out.push(...keyLines(k, '    '));
  } else out.push('  EReaderKeyBytes: null');
  out.push(...handoverLines(handover ?? null, '  '));
  return out;
}

// ---------------------------------------------------------------------------
// NDEF input

/** What `shomei inspect` prints for an NDEF message: summary lines and a JSON object. */
export interface NdefExplanation {
  readonly lines: string[];
  readonly json: JsonValue;
}

/**
 * The explanation of `bytes` as an NDEF message, when inspect should show it as one: they
 * start like an NDEF record header (MB set) and either are not CBOR, or are CBOR that
 * {@link explain} does not recognise and decode as a Handover Select or Request.
 * Undefined otherwise: inspect then decodes the bytes as CBOR and reports its error when
 * that fails.
 */
export function explainNdef(bytes: Uint8Array): NdefExplanation | undefined {
  if (!looksLikeNdef(bytes[0])) return undefined;
  let value: CborValue | undefined;
  let isCbor = false;
  try {
    value = decode(bytes);
    isCbor = true;
  } catch (e) {
    if (!(e instanceof CborError)) throw e;
  }
  if (isCbor && explain(value) !== undefined) return undefined;
  try {
    const d = describeNdef(bytes);
    // Bytes that are CBOR too are taken as NDEF only when they are a handover message.
    if (isCbor && d.kind === 'other') return undefined;
    return { lines: ndefLines(d, bytes.length), json: ndefJson(d) };
  } catch (e) {
    if (!isShomeiError(e)) throw e;
    if (isCbor) return undefined;
    // Well-formed NDEF whose handover records are not: show the records and why.
    try {
      const records = decodeNdefMessage(bytes);
      const d = { kind: 'other', records } as const;
      return { lines: [...ndefLines(d, bytes.length), `  not a valid handover message: ${e.message}`], json: { ...ndefJson(d), error: `${e.code}: ${e.message}` } };
    } catch (inner) {
      if (isShomeiError(inner)) return undefined;
      throw inner;
    }
  }
}
