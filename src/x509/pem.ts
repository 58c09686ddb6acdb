/**
 * PEM, RFC 7468: textual encodings of certificates and CRLs. Parsing is lax in the ways
 * RFC 7468 §2 allows (text around blocks, any line breaks and whitespace inside the
 * base64), strict about everything else (labels must match, base64 must decode).
 */
import { X509Error } from '../errors.js';
import { fromBase64, toBase64 } from '../internal/bytes.js';

/** One PEM block: its label (`CERTIFICATE`, `X509 CRL`…) and the decoded bytes. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const MAX_PEM_LENGTH = 16 * 1024 * 1024;

/**
 * Every PEM block in `text`, in order.
 * @throws X509Error `ERR_X509_PARSE` for mismatched labels or bad base64; TypeError when `text` is not a string.
 */
export function parsePem(text: string): PemBlock[] {
  if (typeof text !== 'string') throw new TypeError('PEM text must be a string');
  if (text.length > MAX_PEM_LENGTH) throw new X509Error('ERR_X509_PARSE', 'PEM text too long');
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [, begin, body, end] = m;
    if (begin !== end) throw new X509Error('ERR_X509_PARSE', `PEM block BEGIN ${begin} ends with END ${end}`);
    const b64 = body!.replace(/[\s]+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new X509Error('ERR_X509_PARSE', `PEM block ${begin} does not hold valid base64`);
    }
    let der: Uint8Array;
    try {
      der = fromBase64(b64);
    } catch (e) {
      throw new X509Error('ERR_X509_PARSE', `PEM block ${begin} does not hold valid base64`, { cause: e });
    }
    blocks.push({ label: begin!, der });
  }
  return blocks;
}

/**
 * The DER of the single PEM block labelled `label` in `text`.
 * @throws X509Error `ERR_X509_PARSE` when there is no such block, or more than one.
 * @example pemToDer(pem) // first and only CERTIFICATE
 */
export function pemToDer(text: string, label = 'CERTIFICATE'): Uint8Array {
  const blocks = parsePem(text).filter((b) => b.label === label);
  if (blocks.length !== 1) {
    throw new X509Error('ERR_X509_PARSE', blocks.length === 0 ? `no ${label} PEM block` : `${blocks.length} ${label} PEM blocks where one was expected`);
  }
  return blocks[0]!.der;
}

/** PEM text for `der` with the given label, base64 in 64-character lines (RFC 7468 §2). */
export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  if (!(der instanceof Uint8Array)) throw new TypeError('der must be a Uint8Array');
  if (!/^[A-Z0-9 ]+$/.test(label)) throw new TypeError('PEM label must be upper-case letters, digits and spaces');
  const b64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

