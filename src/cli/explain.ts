/**
 * What `shomei inspect` says about a recognised mdoc structure before its diagnostic
 * notation: the kind of structure and its essentials, with IssuerAuth's COSE payload (the
 * MSO) and protected header decoded.
 */

import { type CborMap, type CborValue, diagnose, EncodedCbor, encode } from '../cbor/index.js';
import { type CoseSign1, getX5Chain } from '../cose/index.js';
import { isShomeiError } from '../errors.js';
import {
  decodeDeviceRequest,
  decodeDeviceResponse,
  decodeIssuerAuthPayload,
  decodeIssuerSigned,
  decodeMobileSecurityObject,
  type IssuerSigned,
} from '../mdoc/index.js';
import { parseCertificate } from '../x509/index.js';

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
  const out = [`${indent}IssuerAuth: COSE_Sign1, protected ${diagnose(auth.protectedBytes.length === 0 ? Uint8Array.of(0xa0) : auth.protectedBytes)}`];
  for (const der of getX5Chain(auth.protectedHeaders, auth.unprotectedHeaders)) out.push(`${indent}  x5chain: ${certLine(der)}`);
  const mso = decodeIssuerAuthPayload(auth);
  out.push(
    `${indent}  MSO: ${mso.docType}, ${mso.digestAlgorithm}, signed ${mso.validityInfo.signed.text}, valid ${mso.validityInfo.validFrom.text} … ${mso.validityInfo.validUntil.text}`,
    `${indent}  device key: ${mso.deviceKeyInfo.deviceKey.kty} ${mso.deviceKeyInfo.deviceKey.crv}`,
    `${indent}  payload: ${diagnose(auth.payload!, { indent: 0 })}`,
  );
  return out;
}

function issuerSignedLines(is: IssuerSigned, indent: string): string[] {
  const out: string[] = [];
  for (const [ns, items] of is.nameSpaces) {
    out.push(`${indent}${ns}:`);
    for (const it of items) {
      const v = it.value.elementValue;
      const shown = v instanceof Uint8Array ? `<${v.length} bytes>` : diagnose(encode(v));
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
        const auth = 'deviceSignature' in d.deviceSigned.deviceAuth ? 'deviceSignature' : 'deviceMac';
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
  } catch (e) {
    if (isShomeiError(e)) return [`looks like an mdoc structure but is not valid: ${e.message}`];
    throw e;
  }
  return undefined;
}
