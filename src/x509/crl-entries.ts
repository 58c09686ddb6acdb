/**
 * The revokedCertificates of a parsed CRL (RFC 5280 §5.1.2.6), kept compact.
 *
 * A CRL can list hundreds of thousands of certificates, and it is parsed before its
 * signature can be checked, so its size is the sender's choice (up to `MAX_CRL_SIZE`).
 * One object per entry (serial string, Date, extension list) costs about 20 times the
 * entry's bytes. So the parse checks every entry as strictly as before and keeps only
 * where each one starts (4 bytes per entry). An entry is decoded again when it is asked
 * for: the revocation check looks a serial number up in a hash table built on its first
 * lookup (32 bytes per entry at most), and `CertificateList.revoked` builds the whole
 * list only when someone reads it.
 */
import { DerReader, decodeSmallInteger, decodeTime, integerBytes, integerHex, parseError, readSingleTagged, Tag, type Tlv } from './der.js';
import { type Extension, parseExtensionList } from './extensions.js';
import { ignoreFindings } from './findings.js';
import { ExtensionOid } from './oids.js';

/** One revoked certificate entry. */
export interface RevokedCertificate {
  /** Serial number, hex of the magnitude as in {@link Certificate.serialNumber}. */
  readonly serialNumber: string;
  readonly revocationDate: Date;
  /** The reasonCode entry extension, or null. */
  readonly reason: number | null;
  readonly extensions: readonly Extension[];
}

/** CRL entry extensions shomei processes (RFC 5280 §5.3). */
export const UNDERSTOOD_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([ExtensionOid.reasonCode, ExtensionOid.invalidityDate]);

const WHAT = 'revokedCertificate';

/** Decode the entry TLV `t`, checking all of it. */
function parseEntry(t: Tlv): RevokedCertificate {
  const r = DerReader.inside(t, WHAT);
  const serialNumber = integerHex(integerBytes(r.expect(Tag.INTEGER, 'userCertificate'), 'userCertificate'));
  const revocationDate = decodeTime(r.next('revocationDate'), 'revocationDate');
  const extTlv = r.optional(Tag.SEQUENCE, 'crlEntryExtensions');
  r.finish(WHAT);
  let reason: number | null = null;
  let extensions: readonly Extension[] = [];
  if (extTlv !== undefined) {
    const list = parseExtensionList(extTlv, () => ignoreFindings);
    extensions = Object.freeze(list.extensions);
    list.extensions.forEach((ext, i) => {
      if (ext.oid === ExtensionOid.reasonCode) {
        reason = decodeSmallInteger(readSingleTagged(ext.value, Tag.ENUMERATED, 'reasonCode', list.offsets[i]), 'reasonCode', Tag.ENUMERATED);
      }
    });
  }
  return Object.freeze({ serialNumber, revocationDate, reason, extensions });
}

/** The entries of one parsed CRL: offsets into its DER, decoded on demand. */
export class RevokedEntries {
  /** Number of entries. */
  readonly count: number;
  /**
   * The OID of the first critical entry extension shomei does not process, or null. RFC 5280
   * §5.3: such a CRL must not be used to determine the status of any certificate.
   */
  readonly unknownCriticalExtension: string | null;
  readonly #der: Uint8Array;
  readonly #starts: Uint32Array;
  #table: { slots: Int32Array; hashes: Uint32Array } | undefined;
  #all: readonly RevokedCertificate[] | undefined;

  private constructor(der: Uint8Array, starts: Uint32Array, count: number, unknownCriticalExtension: string | null) {
    this.#der = der;
    this.#starts = starts;
    this.count = count;
    this.unknownCriticalExtension = unknownCriticalExtension;
  }

  /**
   * Check every entry of the revokedCertificates SEQUENCE `list` (a TLV of `der`, the
   * CRL's own bytes, offsets absolute in them) and keep where each starts.
   * @throws X509Error `ERR_X509_PARSE` for a malformed entry, or an entry with extensions in
   *   a CRL of `version` 1 (RFC 5280 §5.1.2.1: extensions, entry extensions too, need v2).
   */
  static parse(der: Uint8Array, list: Tlv | undefined, version: 1 | 2): RevokedEntries {
    let starts = new Uint32Array(list === undefined ? 0 : 64);
    let count = 0;
    let unknown: string | null = null;
    if (list !== undefined) {
      const r = DerReader.inside(list, 'revokedCertificates');
      while (!r.atEnd()) {
        const t = r.expect(Tag.SEQUENCE, WHAT);
        const entry = parseEntry(t);
        if (version === 1 && entry.extensions.length > 0) parseError('CRL entry extensions need version 2 (RFC 5280 §5.1.2.1)', t.offset);
        if (unknown === null) unknown = entry.extensions.find((e) => e.critical && !UNDERSTOOD_ENTRY_EXTENSIONS.has(e.oid))?.oid ?? null;
        if (count === starts.length) {
          const grown = new Uint32Array(starts.length * 2);
          grown.set(starts);
          starts = grown;
        }
        starts[count++] = t.offset;
      }
    }
    return new RevokedEntries(der, starts.slice(0, count), count, unknown);
  }

  #tlv(i: number): Tlv {
    return new DerReader(this.#der, this.#starts[i]!).next(WHAT);
  }

  /** The serial number of entry `i`, hex as in `RevokedCertificate.serialNumber`. */
  #serial(i: number): string {
    return integerHex(DerReader.inside(this.#tlv(i), WHAT).next('userCertificate').content);
  }

  /** Entry `i`, decoded. */
  entry(i: number): RevokedCertificate {
    return parseEntry(this.#tlv(i));
  }

  /** Every entry, decoded once and kept (what `CertificateList.revoked` returns). */
  all(): readonly RevokedCertificate[] {
    if (this.#all === undefined) {
      const out: RevokedCertificate[] = [];
      for (let i = 0; i < this.count; i++) out.push(this.entry(i));
      this.#all = Object.freeze(out);
    }
    return this.#all;
  }

  /** The entries for `serial` (hex as in `Certificate.serialNumber`), in CRL order. */
  find(serial: string): RevokedCertificate[] {
    const { slots, hashes } = (this.#table ??= this.#index());
    const mask = slots.length - 1;
    const h = hashSerial(serial);
    const matches: number[] = [];
    // Only an entry whose hash matches is decoded to compare its serial.
    for (let slot = h & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (hashes[slot] !== h) continue;
      const i = slots[slot]! - 1;
      if (this.#serial(i) === serial) matches.push(i);
    }
    return matches.sort((a, b) => a - b).map((i) => this.entry(i));
  }

  /** An open-addressing table of entry index + 1 and of its serial's hash, at most half full. */
  #index(): { slots: Int32Array; hashes: Uint32Array } {
    let size = 2;
    while (size < 2 * this.count) size *= 2;
    const slots = new Int32Array(size);
    const hashes = new Uint32Array(size);
    const mask = size - 1;
    for (let i = 0; i < this.count; i++) {
      const h = hashSerial(this.#serial(i));
      let slot = h & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = i + 1;
      hashes[slot] = h;
    }
    return { slots, hashes };
  }
}

/**
 * FNV-1a over the serial's characters, then mixed (murmur3's finalizer) so that the low bits
 * that pick a slot depend on every character: serial numbers are often sequential.
 */
function hashSerial(serial: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < serial.length; i++) h = Math.imul(h ^ serial.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
