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

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
const LABEL = /^[A-Z0-9 ]+$/;
const MAX_PEM_LENGTH = 16 * 1024 * 1024;
/**
 * Most blocks read from one text: far above any certificate bundle (the Mozilla root store
 * holds about 150), and it keeps 16 MiB of empty blocks from becoming half a million objects.
 */
export const MAX_PEM_BLOCKS = 4096;

/**
 * Every PEM block in `text`, in order. One forward scan: linear in the text, whatever it
 * holds (a text of many BEGIN lines and no END costs one pass, not one per BEGIN).
 * @throws X509Error `ERR_X509_PARSE` for mismatched labels or bad base64; TypeError when `text` is not a string.
 */
export function parsePem(text: string): PemBlock[] {
  if (typeof text !== 'string') throw new TypeError('PEM text must be a string');
  if (text.length > MAX_PEM_LENGTH) throw new X509Error('ERR_X509_PARSE', 'PEM text too long');
  const blocks: PemBlock[] = [];
  // The next complete END line at or after a position; bodies only move forward, so the
  // search resumes where it stopped and every character is scanned once.
  let endScan = 0;
  let found: { end: number; label: string; after: number } | null = null;
  const nextEnd = (from: number): { end: number; label: string; after: number } | null => {
    if (found !== null && found.end >= from) return found;
    endScan = Math.max(endScan, from);
    for (;;) {
      const end = text.indexOf(END, endScan);
      if (end < 0) return (found = null);
      const labelStart = end + END.length;
      const labelEnd = text.indexOf(DASHES, labelStart);
      if (labelEnd < 0) return (found = null);
      const label = text.slice(labelStart, labelEnd);
      endScan = labelStart;
      if (LABEL.test(label)) return (found = { end, label, after: labelEnd + DASHES.length });
    }
  };
  let at = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, at);
    if (begin < 0) break;
    const labelStart = begin + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    if (labelEnd < 0) break;
    const label = text.slice(labelStart, labelEnd);
    if (!LABEL.test(label)) {
      at = labelStart;
      continue;
    }
    if (blocks.length === MAX_PEM_BLOCKS) throw new X509Error('ERR_X509_PARSE', `more than ${MAX_PEM_BLOCKS} PEM blocks`);
    const bodyStart = labelEnd + DASHES.length;
    const close = nextEnd(bodyStart);
    if (close === null) break;
    if (label !== close.label) throw new X509Error('ERR_X509_PARSE', `PEM block BEGIN ${label} ends with END ${close.label}`);
    const b64 = text.slice(bodyStart, close.end).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new X509Error('ERR_X509_PARSE', `PEM block ${label} does not hold valid base64`);
    }
    let der: Uint8Array;
    try {
      der = fromBase64(b64);
    } catch (e) {
      throw new X509Error('ERR_X509_PARSE', `PEM block ${label} does not hold valid base64`, { cause: e });
    }
    blocks.push({ label, der });
    at = close.after;
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

