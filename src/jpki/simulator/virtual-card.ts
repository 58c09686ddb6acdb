/**
 * `VirtualMyNumberCard`: an APDU-level simulator of the My Number Card's applications
 * (JPKI-AP, 券面事項入力補助AP, 券面事項確認AP, 住基AP and the `…0100` AP) with the status
 * words a real card answers (reference §3.7), per-AP security state, PIN retry counters
 * and blocking, and access rules per EF. It is a {@link PcscTransport} (transmit, readerName,
 * atr, close), so code written for a real reader runs on it unchanged, opening and closing
 * included; the vpcd bridge puts it behind pcscd.
 *
 * Rules it follows (reference sections in brackets):
 * - SELECT by full DF name `00 A4 04 0C` [§1]; unknown AID → 6A82; selecting an AP clears
 *   the security state; `00 A4 00 00` → 6A86 with no AP selected, else 9000 unchanged;
 * - SELECT EF `00 A4 02 0C` [§2]; READ BINARY by current EF or SFI, 6982 without the PIN,
 *   6B00 past the end, data up to the end of file with 9000 [§3.2]; READ RECORD [§3.3];
 * - VERIFY without data → 63Cx (x tries left, 63C0 when blocked) without spending a try;
 *   wrong value → 63Cx, blocked at 0; every VERIFY after blocking → 6984 [§3.1];
 * - CHANGE REFERENCE DATA `00 24 01 80` and CHANGE KEY `80 32 00 80` after VERIFY [§3.1];
 * - COMPUTE DIGITAL SIGNATURE `80 2A 00 80|SFI`: PKCS#1 v1.5 type-1 padding over the data,
 *   6982 without the key's PIN, only P1 = 00 (others 6A86) [§3.4];
 * - GET CHALLENGE `00 84 00 00 Le` (1..256; extended Le → 6985) [§3.5];
 * - other channels → 6881, secure messaging CLA → 6882, unknown INS → 6D00, CLA → 6E00.
 *
 * With `token: 'android'` it is the JPKI-AP of an Android smartphone token instead
 * (reference §5.5): EF 0006 says `JPKIAPGPSETOKEN`, the auth certificate EF 000A answers
 * 6982 until the auth PIN is verified (jpki/myna verifies it first for this label), and
 * the card-info and 住基 APs do not exist (6A82), as myna's PIN status assumes.
 */
import { lazyNobleBackend as nobleBackend } from '../../crypto/lazy.js';
import { type RsaPrivateKey, rsaPkcs1SignPayload } from '../../crypto/rsa.js';
import { ApduError } from '../../errors.js';
import { assertBytes, concat, equalBytes, fromHex } from '../../internal/bytes.js';
import { type CommandApdu, decodeCommandApdu, encodeResponseApdu } from '../apdu.js';
import { AidHex, JpkiEf, JukiEf, SupportEf, SurfaceEf } from '../aid.js';
import { StatusWord } from '../status.js';
import type { PcscTransport } from '../pcsc.js';
import { birthDateKey, verificationCodeB } from '../verification-code.js';
import { buildCommonCardInfoRecord, buildSupportApFiles, buildSurfaceApFiles, type CardDataShape } from './card-files.js';
import { DEFAULT_TEST_IDENTITY, type TestIdentity } from './identity.js';
import { testKey } from './test-keys.js';

/** Who may use an object: anyone, no one, or whoever verified one of these PIN references. */
export type AccessRule = 'always' | 'never' | readonly number[];

interface BinaryEf {
  readonly kind: 'binary';
  content: Uint8Array;
  readonly read: AccessRule;
}
interface RecordEf {
  readonly kind: 'record';
  readonly records: readonly Uint8Array[];
  readonly read: AccessRule;
}
interface PinRef {
  readonly kind: 'pin';
  value: Uint8Array;
  readonly maxTries: number;
  tries: number;
  readonly valid: (bytes: Uint8Array) => boolean;
}
interface KeyRef {
  readonly kind: 'key';
  readonly key: RsaPrivateKey;
  readonly use: AccessRule;
}
type CardObject = BinaryEf | RecordEf | PinRef | KeyRef;

interface Applet {
  readonly name: string;
  readonly aid: Uint8Array;
  readonly objects: Map<number, CardObject>;
  /** The key used by `80 2A 00 00` (the 券面 APs' own key), if any. */
  readonly defaultKey?: number;
}

/** The contents of the four JPKI certificate EFs (DER). */
export interface VirtualCardCertificates {
  readonly auth: Uint8Array;
  readonly authCa: Uint8Array;
  readonly sign: Uint8Array;
  readonly signCa: Uint8Array;
}

/** Options of {@link VirtualMyNumberCard.create}. */
export interface VirtualCardOptions {
  /** The holder and PINs (default {@link DEFAULT_TEST_IDENTITY}). */
  readonly identity?: TestIdentity;
  /** The JPKI certificates. */
  readonly certificates: VirtualCardCertificates;
  /** Whether the card, as a transport, declares extended-length support (default false). */
  readonly extendedLength?: boolean;
  /** Tries of 照合番号A/B and the birth-date key (uncertain on real cards; default 10). */
  readonly codeTries?: number;
  /** Card-info data shaped like real cards' odd data (sex code 3, a partial birth date, …). */
  readonly dataShape?: CardDataShape;
  /**
   * What answers: a physical card (default), or the JPKI-AP of an Android smartphone
   * token (`JPKIAPGPSETOKEN`: auth certificate behind the auth PIN, no card-info APs).
   */
  readonly token?: VirtualTokenKind;
}

/** The devices the virtual card can be. */
export type VirtualTokenKind = 'card' | 'android';

/** The answer-to-reset the virtual card gives: the one OpenSC's `jpki` driver matches (T=1). */
export const VIRTUAL_CARD_ATR_HEX = '3be000ff8131fe4514';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const digits = (n: number) => (b: Uint8Array) => b.length === n && b.every((x) => x >= 0x30 && x <= 0x39);
const password = (b: Uint8Array) => b.length >= 6 && b.length <= 16 && b.every((x) => (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x5a));

/** Pad a certificate EF with FF filler to a multiple of 256 bytes, as card EFs are larger than their object. */
function padEf(der: Uint8Array): Uint8Array {
  const size = Math.ceil((der.length + 1) / 256) * 256;
  const out = new Uint8Array(size).fill(0xff);
  out.set(der, 0);
  return out;
}

const pin = (value: string, maxTries: number, valid: (b: Uint8Array) => boolean): PinRef => ({ kind: 'pin', value: ascii(value), maxTries, tries: maxTries, valid });

class CardError extends Error {
  constructor(readonly sw: number) {
    super(`sw ${sw.toString(16)}`);
  }
}

/**
 * A simulated My Number Card. Build one with {@link VirtualMyNumberCard.create} (or
 * `createVirtualMyNumberCard` in `./test-card.ts`, which also builds test certificates).
 */
export class VirtualMyNumberCard implements PcscTransport {
  readonly identity: TestIdentity;
  readonly extendedLength: boolean;
  readonly atr: Uint8Array = fromHex(VIRTUAL_CARD_ATR_HEX);
  /** The name a PC/SC reader would have. */
  readonly readerName = 'shomei virtual card (TEST ONLY)';
  #closed = false;
  readonly #applets: Applet[];
  #selected: Applet | undefined;
  #current: number | undefined;
  readonly #verified = new Set<number>();
  /** How many commands arrived (tests count APDUs; the commands themselves are not kept). */
  #count = 0;
  /** The tail of the transaction queue (settled, never rejected). */
  #transactions: Promise<void> = Promise.resolve();

  private constructor(identity: TestIdentity, applets: Applet[], extendedLength: boolean) {
    this.identity = identity;
    this.#applets = applets;
    this.extendedLength = extendedLength;
  }

  /** Build a card holding `options.certificates` and the card-info data of the identity. */
  static async create(options: VirtualCardOptions): Promise<VirtualMyNumberCard> {
    const id = options.identity ?? DEFAULT_TEST_IDENTITY;
    const codeTries = options.codeTries ?? 10;
    const support = await buildSupportApFiles(id, options.dataShape);
    const surface = await buildSurfaceApFiles(id, options.dataShape);
    const codeB = verificationCodeB({ birthDate: id.birthDate, expiryYear: Number(id.expiryDate.slice(0, 4)), securityCode: id.securityCode });
    const c = options.certificates;
    const android = options.token === 'android';
    const jpki: Applet = {
      name: 'JPKI',
      aid: fromHex(AidHex.JPKI),
      objects: new Map<number, CardObject>([
        [JpkiEf.SIGN_CERT, { kind: 'binary', content: padEf(c.sign), read: [JpkiEf.SIGN_PIN] }],
        [JpkiEf.SIGN_CA_CERT, { kind: 'binary', content: padEf(c.signCa), read: 'always' }],
        [JpkiEf.TOKEN, { kind: 'binary', content: tokenInfo(android ? 'android' : 'card'), read: 'always' }],
        [JpkiEf.CERT_AVAILABILITY, { kind: 'binary', content: fromHex('8f8f00'), read: 'always' }],
        [JpkiEf.AUTH_CERT, { kind: 'binary', content: padEf(c.auth), read: android ? [JpkiEf.AUTH_PIN] : 'always' }],
        [JpkiEf.AUTH_CA_CERT, { kind: 'binary', content: padEf(c.authCa), read: 'always' }],
        [JpkiEf.AUTH_KEY, { kind: 'key', key: testKey('authKey'), use: [JpkiEf.AUTH_PIN] }],
        [JpkiEf.AUTH_PIN, pin(id.pins.auth, 3, digits(4))],
        [JpkiEf.SIGN_KEY, { kind: 'key', key: testKey('signKey'), use: [JpkiEf.SIGN_PIN] }],
        [JpkiEf.SIGN_PIN, pin(id.pins.sign, 5, password)],
      ]),
    };
    const P = SupportEf.PIN;
    const A = SupportEf.CODE_A;
    const B = SupportEf.CODE_B;
    const supportAp: Applet = {
      name: 'CARD_INFO_SUPPORT',
      aid: fromHex(AidHex.CARD_INFO_SUPPORT),
      defaultKey: 0x0013,
      objects: new Map<number, CardObject>([
        [SupportEf.MY_NUMBER, { kind: 'binary', content: support.myNumber, read: [P, A] }],
        [SupportEf.BASIC_FOUR, { kind: 'binary', content: support.basicFour, read: [P, B] }],
        [SupportEf.INTEGRITY, { kind: 'binary', content: support.integrity, read: [P, A, B] }],
        [SupportEf.CVC, { kind: 'binary', content: support.cvc, read: 'always' }],
        [SupportEf.BASIC_INFO, { kind: 'binary', content: support.basicInfo, read: 'always' }],
        [P, pin(id.pins.support, 3, digits(4))],
        [0x0013, { kind: 'key', key: testKey('supportApKey'), use: 'always' }],
        [A, pin(id.myNumber, codeTries, digits(12))],
        [B, pin(codeB, codeTries, digits(14))],
      ]),
    };
    const SA = SurfaceEf.CODE_A;
    const SB = SurfaceEf.CODE_B;
    const surfaceAp: Applet = {
      name: 'CARD_SURFACE',
      aid: fromHex(AidHex.CARD_SURFACE),
      defaultKey: 0x001a,
      objects: new Map<number, CardObject>([
        [SurfaceEf.AGE, { kind: 'binary', content: surface.age, read: [SurfaceEf.BIRTH_DATE_KEY] }],
        [SurfaceEf.FACE, { kind: 'binary', content: surface.face, read: [SA, SB] }],
        [SurfaceEf.BASIC_INFO, { kind: 'binary', content: surface.basicInfo, read: 'always' }],
        [SurfaceEf.CVC, { kind: 'binary', content: surface.cvc, read: 'always' }],
        [SurfaceEf.MY_NUMBER_IMAGE, { kind: 'binary', content: surface.myNumberImage, read: [SA] }],
        [SurfaceEf.BIRTH_DATE_KEY, pin(birthDateKey(id.birthDate), codeTries, digits(6))],
        [SB, pin(codeB, codeTries, digits(14))],
        [SA, pin(id.myNumber, codeTries, digits(12))],
        [0x001a, { kind: 'key', key: testKey('surfaceApKey'), use: 'always' }],
      ]),
    };
    const keyRef = new Uint8Array(16).fill(0x11);
    const juki: Applet = {
      name: 'JUKI',
      aid: fromHex(AidHex.JUKI),
      objects: new Map<number, CardObject>([
        [JukiEf.KEY_REFERENCE, { kind: 'record', records: [keyRef], read: 'always' }],
        [JukiEf.PIN, pin(id.pins.juki, 3, digits(4))],
      ]),
    };
    const common: Applet = {
      name: 'COMMON',
      aid: fromHex(AidHex.COMMON),
      objects: new Map<number, CardObject>([
        [JukiEf.CARD_INFO, { kind: 'record', records: [buildCommonCardInfoRecord(id)], read: 'always' }],
        [JukiEf.KEY_REFERENCE, { kind: 'record', records: [keyRef], read: 'always' }],
        [JukiEf.PIN, pin(id.pins.juki, 3, digits(4))],
      ]),
    };
    return new VirtualMyNumberCard(id, android ? [jpki] : [jpki, supportAp, surfaceAp, juki, common], options.extendedLength === true);
  }

  /** A cold reset: no AP selected, every security state cleared (counters kept). */
  reset(): void {
    this.#selected = undefined;
    this.#current = undefined;
    this.#verified.clear();
  }

  /** How many commands the card has received. */
  get commandCount(): number {
    return this.#count;
  }

  /** The tries left of a PIN reference of an AP (tests use it to check nothing was spent). */
  triesLeft(aidHex: string, fid: number): number {
    const obj = this.#applets.find((a) => equalBytes(a.aid, fromHex(aidHex)))?.objects.get(fid);
    if (obj?.kind !== 'pin') throw new RangeError('no such PIN reference');
    return obj.tries;
  }

  /**
   * Replace the content of an EF (tests use it to tamper with card data). Takes effect
   * for the next READ BINARY.
   */
  tamper(aidHex: string, fid: number, edit: (content: Uint8Array) => Uint8Array): void {
    const obj = this.#applets.find((a) => equalBytes(a.aid, fromHex(aidHex)))?.objects.get(fid);
    if (obj?.kind !== 'binary') throw new RangeError('no such binary EF');
    obj.content = edit(obj.content.slice());
  }

  /**
   * The card answers a command APDU (a CardTransport). After {@link close} it rejects with
   * `ERR_APDU_TRANSPORT`, as a closed PC/SC transport does.
   */
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    assertBytes(command, 'command');
    if (this.#closed) throw new ApduError('ERR_APDU_TRANSPORT', 'the virtual card is closed');
    this.#count++;
    return this.process(command);
  }

  /**
   * Like a PC/SC transport's transaction: sequences run one at a time, in call order (the
   * virtual card has one client, so there is no one else to keep out).
   */
  transaction<T>(sequence: () => Promise<T>): Promise<T> {
    if (typeof sequence !== 'function') throw new TypeError('sequence must be a function');
    const next = this.#transactions.then(sequence);
    this.#transactions = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** Like a PC/SC transport's close: later transmits fail. Closing twice is harmless. (The vpcd bridge has its own close.) */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Synchronous core of {@link transmit}. */
  process(command: Uint8Array): Uint8Array {
    let apdu: CommandApdu & { extended: boolean };
    try {
      apdu = decodeCommandApdu(command);
    } catch (e) {
      if (e instanceof ApduError) return sw(StatusWord.WRONG_LENGTH);
      throw e;
    }
    try {
      return encodeResponseApdu({ data: this.#dispatch(apdu), sw: StatusWord.OK });
    } catch (e) {
      if (e instanceof CardError) return sw(e.sw);
      throw e;
    }
  }

  #dispatch(a: CommandApdu & { extended: boolean }): Uint8Array {
    if ((a.cla & 0x03) !== 0 && (a.cla & 0x80) === 0) throw new CardError(StatusWord.CHANNEL_NOT_SUPPORTED);
    if (a.cla === 0x08 || a.cla === 0x0c) throw new CardError(StatusWord.SM_NOT_SUPPORTED);
    if (a.cla === 0x00) {
      switch (a.ins) {
        case 0xa4:
          return this.#select(a);
        case 0xb0:
          return this.#readBinary(a);
        case 0xb2:
          return this.#readRecord(a);
        case 0x20:
          return this.#verify(a);
        case 0x24:
          return this.#changeReferenceData(a);
        case 0x84:
          return this.#getChallenge(a);
        case 0xca:
          throw new CardError(StatusWord.DATA_NOT_FOUND);
        case 0xc0:
        case 0x88:
          throw new CardError(StatusWord.CONDITIONS_NOT_SATISFIED);
        default:
          throw new CardError(StatusWord.INS_NOT_SUPPORTED);
      }
    }
    if (a.cla === 0x80) {
      if (a.ins === 0x2a) return this.#computeSignature(a);
      if (a.ins === 0x32) return this.#changeKey(a);
      throw new CardError(StatusWord.INS_NOT_SUPPORTED);
    }
    throw new CardError(StatusWord.CLA_NOT_SUPPORTED);
  }

  #applet(): Applet {
    if (this.#selected === undefined) throw new CardError(StatusWord.FILE_NOT_FOUND);
    return this.#selected;
  }

  #allowed(rule: AccessRule): boolean {
    if (rule === 'always') return true;
    if (rule === 'never') return false;
    return rule.some((fid) => this.#verified.has(fid));
  }

  #select(a: CommandApdu): Uint8Array {
    const data = a.data ?? new Uint8Array(0);
    if (a.p1 === 0x04) {
      const applet = this.#applets.find((x) => equalBytes(x.aid, data));
      if (applet === undefined) throw new CardError(StatusWord.FILE_NOT_FOUND);
      if (a.p2 !== 0x0c && a.p2 !== 0x00) throw new CardError(StatusWord.WRONG_P1P2);
      this.#selected = applet;
      this.#current = undefined;
      this.#verified.clear();
      return new Uint8Array(0);
    }
    if (a.p1 === 0x02) {
      if (data.length !== 2) throw new CardError(StatusWord.WRONG_LENGTH);
      const fid = (data[0]! << 8) | data[1]!;
      if (!this.#applet().objects.has(fid)) throw new CardError(StatusWord.FILE_NOT_FOUND);
      if (a.p2 !== 0x0c) throw new CardError(StatusWord.WRONG_P1P2);
      this.#current = fid;
      return new Uint8Array(0);
    }
    if (a.p1 === 0x00) {
      if (data.length > 0) throw new CardError(StatusWord.FILE_NOT_FOUND);
      if (this.#selected === undefined) throw new CardError(StatusWord.WRONG_P1P2);
      return new Uint8Array(0);
    }
    throw new CardError(StatusWord.WRONG_P1P2);
  }

  /** The object named by SFI (`80|SFI`) or the current EF (`80` / P1 bit 8 clear). */
  #target(sfi: number | undefined): [number, CardObject] {
    const applet = this.#applet();
    const fid = sfi ?? this.#current;
    if (fid === undefined) throw new CardError(StatusWord.NO_CURRENT_EF);
    const obj = applet.objects.get(fid);
    if (obj === undefined) throw new CardError(StatusWord.FILE_NOT_FOUND);
    return [fid, obj];
  }

  #readBinary(a: CommandApdu): Uint8Array {
    let sfi: number | undefined;
    let offset: number;
    if (a.p1 & 0x80) {
      if (a.p1 & 0x60) throw new CardError(StatusWord.WRONG_P1P2);
      sfi = a.p1 & 0x1f;
      offset = a.p2;
    } else {
      offset = (a.p1 << 8) | a.p2;
    }
    if (a.data !== undefined || a.ne === undefined) throw new CardError(StatusWord.WRONG_LENGTH);
    const [fid, obj] = this.#target(sfi);
    if (obj.kind !== 'binary') throw new CardError(StatusWord.INCOMPATIBLE_FILE_STRUCTURE);
    if (!this.#allowed(obj.read)) throw new CardError(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    this.#current = fid;
    if (offset >= obj.content.length) throw new CardError(StatusWord.OFFSET_OUTSIDE_EF);
    return obj.content.slice(offset, Math.min(obj.content.length, offset + a.ne));
  }

  #readRecord(a: CommandApdu): Uint8Array {
    if ((a.p2 & 0x07) !== 0x04) throw new CardError(StatusWord.FUNCTION_NOT_SUPPORTED);
    const sfi = a.p2 >> 3;
    const [fid, obj] = this.#target(sfi === 0 ? undefined : sfi);
    if (obj.kind !== 'record') throw new CardError(StatusWord.INCOMPATIBLE_FILE_STRUCTURE);
    if (!this.#allowed(obj.read)) throw new CardError(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    this.#current = fid;
    const record = obj.records[a.p1 - 1];
    if (a.p1 === 0 || record === undefined) throw new CardError(StatusWord.RECORD_NOT_FOUND);
    return record.slice(0, a.ne ?? 256);
  }

  #pinTarget(a: CommandApdu): [number, PinRef] {
    if (a.p1 !== 0x00 && a.ins === 0x20) throw new CardError(StatusWord.WRONG_P1P2);
    if ((a.p2 & 0x80) === 0 || (a.p2 & 0x60) !== 0) throw new CardError(StatusWord.WRONG_P1P2);
    const sfi = a.p2 & 0x1f;
    const [fid, obj] = this.#target(sfi === 0 ? undefined : sfi);
    if (obj.kind !== 'pin') throw new CardError(StatusWord.INCOMPATIBLE_FILE_STRUCTURE);
    return [fid, obj];
  }

  #verify(a: CommandApdu): Uint8Array {
    const [fid, p] = this.#pinTarget(a);
    if (a.data === undefined) {
      // Retry counter query: 63Cx, no try spent (63C0 when blocked).
      throw new CardError(0x63c0 | p.tries);
    }
    if (p.tries === 0) throw new CardError(StatusWord.REFERENCE_DATA_NOT_USABLE);
    if (equalBytes(a.data, p.value)) {
      p.tries = p.maxTries;
      this.#verified.add(fid);
      return new Uint8Array(0);
    }
    p.tries--;
    this.#verified.delete(fid);
    throw new CardError(0x63c0 | p.tries);
  }

  #changeReferenceData(a: CommandApdu): Uint8Array {
    if (a.p1 !== 0x01) throw new CardError(StatusWord.WRONG_P1P2);
    const [fid, p] = this.#pinTarget(a);
    if (a.data === undefined) throw new CardError(StatusWord.WRONG_LENGTH);
    if (p.tries === 0) throw new CardError(StatusWord.REFERENCE_DATA_NOT_USABLE);
    if (!this.#verified.has(fid)) throw new CardError(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    if (!p.valid(a.data)) throw new CardError(StatusWord.WRONG_DATA);
    p.value = a.data.slice();
    return new Uint8Array(0);
  }

  #changeKey(a: CommandApdu): Uint8Array {
    if (a.p1 !== 0x00 || a.p2 !== 0x80) throw new CardError(StatusWord.WRONG_P1P2);
    return this.#changeReferenceData({ ...a, p1: 0x01, ins: 0x24 });
  }

  #computeSignature(a: CommandApdu): Uint8Array {
    if (a.p1 !== 0x00) throw new CardError(StatusWord.WRONG_P1P2);
    if (a.data === undefined) throw new CardError(StatusWord.WRONG_LENGTH);
    let key: KeyRef;
    if (a.p2 === 0x00) {
      const applet = this.#applet();
      const obj = applet.defaultKey === undefined ? undefined : applet.objects.get(applet.defaultKey);
      if (obj?.kind !== 'key') throw new CardError(StatusWord.WRONG_P1P2);
      key = obj;
    } else {
      if ((a.p2 & 0xe0) !== 0x80) throw new CardError(StatusWord.WRONG_P1P2);
      const sfi = a.p2 & 0x1f;
      const [, obj] = this.#target(sfi === 0 ? undefined : sfi);
      if (obj.kind !== 'key') throw new CardError(StatusWord.CONDITIONS_NOT_SATISFIED);
      key = obj;
    }
    if (!this.#allowed(key.use)) throw new CardError(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    if (a.data.length > key.key.n.length - 11) throw new CardError(StatusWord.WRONG_LENGTH);
    return rsaPkcs1SignPayload(key.key, a.data);
  }

  #getChallenge(a: CommandApdu & { extended: boolean }): Uint8Array {
    if (a.extended) throw new CardError(StatusWord.CONDITIONS_NOT_SATISFIED);
    if (a.p1 !== 0 || a.p2 !== 0) throw new CardError(StatusWord.WRONG_P1P2);
    if (a.ne === undefined) throw new CardError(StatusWord.WRONG_LENGTH);
    return nobleBackend.randomBytes(a.ne);
  }
}

function sw(value: number): Uint8Array {
  return Uint8Array.of(value >> 8, value & 0xff);
}

/**
 * EF 0006: the 160-byte PKCS#11 token information (layout: single source) of a physical
 * card (`JPKIAPICCTOKEN2`) or an Android token (`JPKIAPGPSETOKEN`).
 */
function tokenInfo(kind: VirtualTokenKind): Uint8Array {
  const text = (s: string, n: number) => ascii(s.padEnd(n, ' '));
  const u32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  return concat(
    text(kind === 'android' ? 'JPKIAPGPSETOKEN' : 'JPKIAPICCTOKEN2', 32),
    text(kind === 'android' ? 'shomei virtual Android (TEST)' : 'shomei virtual card (TEST)', 32),
    text('VIRTUAL', 16),
    text('0000000000000001', 16),
    u32(0x40d), u32(0), u32(0), u32(0), u32(0), u32(16), u32(6),
    u32(0xffffffff), u32(0xffffffff), u32(0xffffffff), u32(0xffffffff),
    ascii('03'), ascii('01'),
    text('', 16),
  );
}
