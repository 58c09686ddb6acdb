/**
 * `MyNumberCard`: the high-level API over a {@link CardTransport} — certificates, PIN
 * status, signing with either JPKI key, changing PINs, My Number and the basic four with
 * their integrity verified, the card face and My Number image.
 *
 * Safety rules, all enforced before anything is sent:
 * - PINs are validated (auth PIN 4 digits; sign password 6–16 of A–Z0–9; …) and never
 *   appear in an error message;
 * - a PIN is not sent when the card reports one try left unless `{ allowLastTry: true }`
 *   (locking someone's card is the worst thing a library can do), nor when it is blocked;
 * - every operation that sends a PIN runs in one transport transaction (PC/SC: the card is
 *   reserved), from its SELECT to its last command, so another client on a shared reader
 *   cannot select another file between the SELECT and the VERIFY, nor clear the verified
 *   state before the signature.
 *
 * Smartphone tokens: on the Android token the auth certificate needs the auth PIN;
 * `readAuthCertificate({ pin })` sends it only where the token needs it, and without a PIN
 * such a token gives `ERR_JPKI_PIN_REQUIRED` (no PIN sent, no try spent).
 *
 * @example
 * ```ts
 * const card = new MyNumberCard(await openPcscTransport());
 * const der = await card.readAuthCertificate();
 * const signature = await card.signWithAuthKey(challenge, pin);
 * ```
 */
import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions, HashAlg } from '../crypto/types.js';
import { ApduError, JpkiError } from '../errors.js';
import { assertBytes } from '../internal/bytes.js';
import type { BasicFour, BasicFourFile } from './basic-four.js';
import { buildDetachedCms } from './cms.js';
import { CardChannel, type PinOptions, type PinRetryStatus } from './channel.js';
import type { CvcTrustAnchor } from './cvc.js';
import { type IntegrityReport, verifySupportApIntegrity } from './integrity.js';
import {
  changeJpkiPin,
  jpkiPinStatus,
  jpkiSignDigest,
  jpkiSignPayload,
  type JpkiKey,
  readCertificateAvailability,
  readJpkiCertificate,
  readJpkiToken,
  verifyJpkiPin,
} from './jpki-ap.js';
import { jukiPinStatus } from './juki-ap.js';
import {
  openSupportAp,
  readBasicFourFile,
  readIntegrityRecord,
  readMyNumberFile,
  readSupportApCvc,
  type SupportApCredential,
  supportApPinStatus,
} from './support-ap.js';
import { openSurfaceAp, readCardFace, readMyNumberImage, readSurfaceApCvc, type SurfaceApCredential } from './surface-ap.js';
import { type CardFace, type MyNumberImage, verifySurfaceApIntegrity } from './surface.js';
import { encodePin } from './pin.js';
import { StatusWord } from './status.js';
import { authCertificateNeedsPin, type CertificateAvailability, type TokenInfo } from './token.js';
import type { CardTransport } from './transport.js';

/** Options of {@link MyNumberCard}. */
export interface MyNumberCardOptions extends BackendOptions {
  /** CA keys trusted to issue the card-info APs' CVCs; none by default (integrity then `unverifiable`). */
  readonly cvcAnchors?: readonly CvcTrustAnchor[];
}

/** Options of the signing methods. */
export interface SignOptions extends PinOptions {
  /** The hash for the DigestInfo the card signs (default SHA-256). */
  readonly hash?: HashAlg;
}

/** The retry counters the card reports, without spending any try. */
export interface PinStatusReport {
  /** 利用者証明用PIN (JPKI-AP 0018; 3 tries when full). */
  readonly auth: PinRetryStatus;
  /** 署名用パスワード (JPKI-AP 001B; 5 tries when full). */
  readonly sign: PinRetryStatus;
  /** 券面事項入力補助用PIN (0011; 3 tries), when that AP answered. */
  readonly support?: PinRetryStatus;
  /** 住基 PIN (001C of the 住基AP; 3 tries), when that AP answered. */
  readonly juki?: PinRetryStatus;
}

/** Options of {@link MyNumberCard.cmsSign}. */
export interface CmsSignOptions extends PinOptions {
  /** Digest algorithm (default SHA-256). */
  readonly hash?: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** signing-time attribute (default now). */
  readonly signingTime?: Date;
  /** Also embed the 署名用CA certificate read from the card (default false). */
  readonly includeCaCertificate?: boolean;
}

/** Options of {@link MyNumberCard.readAuthCertificate}. */
export interface ReadAuthCertificateOptions extends PinOptions {
  /**
   * The 利用者証明用PIN, for a token that reads the auth certificate only after it (the
   * Android token). Validated before anything is sent; sent only when the token needs it.
   */
  readonly pin?: string;
}

/** A card-info value with the report of its integrity checks. */
export type WithIntegrity<T> = T & { readonly integrity: IntegrityReport };

function throwIfInvalid(report: IntegrityReport, what: string): void {
  if (report.status !== 'invalid') return;
  const failed = report.checks.find((c) => c.status === 'failed');
  throw new JpkiError('ERR_JPKI_INTEGRITY', `${what}: integrity check ${failed?.id ?? '?'} failed`, { check: failed?.id ?? 'UNKNOWN' });
}

/** The public fields of a decoded basic-four file (without its byte ranges). */
const basicFourOf = (f: BasicFourFile): BasicFour => ({
  name: f.name,
  address: f.address,
  birthDate: f.birthDate,
  birthDateRaw: f.birthDateRaw,
  sex: f.sex,
  sexMeaning: f.sexMeaning,
  findings: f.findings,
});

const credentialOf = (c: string | SupportApCredential): SupportApCredential => (typeof c === 'string' ? { pin: c } : c);

/**
 * A My Number Card (or a JPKI smartphone token) behind a transport. One operation at a
 * time: calls made while another is running are queued (in call order) and each runs to
 * its end before the next sends anything, so a VERIFY of one call is never followed by
 * another call's SELECT, and no call reads another's selection or security state.
 * (`channel` is the raw session underneath; using it directly bypasses the queue.)
 */
export class MyNumberCard {
  readonly channel: CardChannel;
  readonly #options: MyNumberCardOptions;
  /** The tail of the operation queue (settled, never rejected). */
  #queue: Promise<void> = Promise.resolve();

  constructor(transport: CardTransport, options: MyNumberCardOptions = {}) {
    if (typeof transport?.transmit !== 'function') throw new TypeError('transport must have a transmit function');
    this.channel = new CardChannel(transport);
    this.#options = options;
  }

  /**
   * Run one operation once every earlier one has settled. It starts by forgetting the
   * cached AP selection, so its first command re-selects it (another PC/SC client may have
   * used the card in between). The queue slot is taken synchronously, at call time.
   * `reserve`: the whole operation runs in one transport transaction (every operation that
   * sends a PIN).
   */
  #exclusive<T>(op: (channel: CardChannel) => Promise<T>, reserve = false): Promise<T> {
    const run = (): Promise<T> => {
      this.channel.reset();
      const ch = this.channel;
      return reserve ? ch.transaction(() => op(ch)) : op(ch);
    };
    const next = this.#queue.then(run);
    this.#queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** The JPKI-AP token label and what it says the device is (card, Android, iPhone). */
  readTokenInfo(): Promise<TokenInfo> {
    return this.#exclusive((ch) => readJpkiToken(ch));
  }

  /** Which JPKI certificates the card holds (EF 0008; meaning uncertain). */
  readCertificateAvailability(): Promise<CertificateAvailability> {
    return this.#exclusive((ch) => readCertificateAvailability(ch));
  }

  /**
   * The 利用者証明用電子証明書 (DER). A card needs no PIN. The Android token reads it only
   * after the auth PIN: pass `{ pin }` (sent only to a token that needs it; the token label
   * is read first when a PIN is given). Without a PIN, a token that refuses the read (6982)
   * gives `ERR_JPKI_PIN_REQUIRED` naming the token, and no PIN is sent.
   * @throws JpkiError `ERR_JPKI_PIN_REQUIRED`, `ERR_JPKI_PIN_FORMAT` (before any APDU), the PIN errors.
   */
  readAuthCertificate(options: ReadAuthCertificateOptions = {}): Promise<Uint8Array> {
    const { pin } = options;
    return this.#exclusive(async (ch) => {
      if (pin !== undefined) encodePin('auth-pin', pin);
      const withPin = (p: string) =>
        ch.transaction(async () => {
          await verifyJpkiPin(ch, 'auth', p, options);
          return readJpkiCertificate(ch, 'auth');
        });
      if (pin !== undefined && authCertificateNeedsPin((await readJpkiToken(ch)).kind)) return withPin(pin);
      try {
        return await readJpkiCertificate(ch, 'auth');
      } catch (e) {
        if (!(e instanceof ApduError) || e.sw !== StatusWord.SECURITY_STATUS_NOT_SATISFIED) throw e;
        if (pin !== undefined) return withPin(pin);
        const token = await readJpkiToken(ch);
        throw new JpkiError(
          'ERR_JPKI_PIN_REQUIRED',
          `the ${token.kind === 'android' ? 'Android JPKI token' : `JPKI token "${token.label}"`} reads the auth certificate only after the 利用者証明用PIN; call readAuthCertificate({ pin })`,
          { sw: e.sw },
        );
      }
    });
  }

  /** Whether this token reads the auth certificate only after the auth PIN (reads the token label; true for the Android token). */
  async authCertificateNeedsPin(): Promise<boolean> {
    return authCertificateNeedsPin((await this.readTokenInfo()).kind);
  }

  /** The 利用者証明用CA certificate (DER). */
  readAuthCaCertificate(): Promise<Uint8Array> {
    return this.#exclusive((ch) => readJpkiCertificate(ch, 'auth-ca'));
  }

  /** The 署名用CA certificate (DER). */
  readSignCaCertificate(): Promise<Uint8Array> {
    return this.#exclusive((ch) => readJpkiCertificate(ch, 'sign-ca'));
  }

  /** The 署名用電子証明書 (DER): verifies the sign password first, as the card requires. */
  readSignCertificate(password: string, options: PinOptions = {}): Promise<Uint8Array> {
    return this.#exclusive((ch) => MyNumberCard.#signCertificate(ch, password, options), true);
  }

  static async #signCertificate(ch: CardChannel, password: string, options: PinOptions): Promise<Uint8Array> {
    await verifyJpkiPin(ch, 'sign', password, options);
    return readJpkiCertificate(ch, 'sign');
  }

  /** Every retry counter, without spending a try. */
  pinStatus(): Promise<PinStatusReport> {
    return this.#exclusive((ch) => this.#pinStatus(ch));
  }

  async #pinStatus(channel: CardChannel): Promise<PinStatusReport> {
    const auth = await jpkiPinStatus(channel, 'auth');
    const sign = await jpkiPinStatus(channel, 'sign');
    const optional = async (f: () => Promise<PinRetryStatus>) => {
      try {
        return await f();
      } catch (e) {
        if (e instanceof JpkiError) throw e;
        return undefined;
      }
    };
    const support = await optional(() => supportApPinStatus(channel));
    const juki = await optional(() => jukiPinStatus(channel));
    return { auth, sign, ...(support === undefined ? {} : { support }), ...(juki === undefined ? {} : { juki }) };
  }

  /** Queue a signature now (the slot is taken at call time); `digest` is computed when it runs. */
  #sign(key: JpkiKey, hash: HashAlg, digest: () => Promise<Uint8Array>, pin: string, options: PinOptions): Promise<Uint8Array> {
    return this.#exclusive(async (ch) => {
      const d = await digest();
      await verifyJpkiPin(ch, key, pin, options);
      return jpkiSignDigest(ch, key, hash, d);
    }, true);
  }

  async #digest(data: Uint8Array, hash: HashAlg): Promise<Uint8Array> {
    assertBytes(data, 'data');
    return resolveBackend(this.#options).digest(hash, data);
  }

  /** Sign `data` with the 利用者証明用 key (RSASSA-PKCS1-v1_5 over DigestInfo(hash(data))). */
  async signWithAuthKey(data: Uint8Array, pin: string, options: SignOptions = {}): Promise<Uint8Array> {
    const hash = options.hash ?? 'SHA-256';
    return this.#sign('auth', hash, () => this.#digest(data, hash), pin, options);
  }

  /** Sign `data` with the 署名用 key. */
  async signWithSignKey(data: Uint8Array, password: string, options: SignOptions = {}): Promise<Uint8Array> {
    const hash = options.hash ?? 'SHA-256';
    return this.#sign('sign', hash, () => this.#digest(data, hash), password, options);
  }

  /** Sign an already computed digest with either key (the card signs its DigestInfo). */
  signDigest(key: JpkiKey, hash: HashAlg, digest: Uint8Array, pin: string, options: PinOptions = {}): Promise<Uint8Array> {
    assertBytes(digest, 'digest');
    return this.#sign(key, hash, () => Promise.resolve(digest), pin, options);
  }

  /**
   * A detached CMS SignedData (`.p7s`) over `content`, signed on the card with the 署名用
   * key: VERIFY the password, read the sign certificate, have the card sign the signed
   * attributes' DigestInfo. Verifiable with `openssl cms -verify` against the J-LIS root.
   */
  async cmsSign(content: Uint8Array, password: string, options: CmsSignOptions = {}): Promise<Uint8Array> {
    assertBytes(content, 'content');
    return this.#exclusive(async (ch) => {
      const certificate = await MyNumberCard.#signCertificate(ch, password, options);
      const extra = options.includeCaCertificate === true ? [await readJpkiCertificate(ch, 'sign-ca')] : [];
      return buildDetachedCms({
        ...this.#options,
        content,
        certificate,
        extraCertificates: extra,
        ...(options.hash ? { hash: options.hash } : {}),
        ...(options.signingTime ? { signingTime: options.signingTime } : {}),
        sign: (digestInfo) => jpkiSignPayload(ch, 'sign', digestInfo),
      });
    }, true);
  }

  /** Change the 利用者証明用PIN (VERIFY the old one, then CHANGE REFERENCE DATA). */
  changeAuthPin(oldPin: string, newPin: string, options: PinOptions = {}): Promise<void> {
    return this.#exclusive((ch) => changeJpkiPin(ch, 'auth', oldPin, newPin, options), true);
  }

  /** Change the 署名用パスワード (the new one must mix letters and digits). */
  changeSignPassword(oldPassword: string, newPassword: string, options: PinOptions = {}): Promise<void> {
    return this.#exclusive((ch) => changeJpkiPin(ch, 'sign', oldPassword, newPassword, options), true);
  }

  /**
   * The My Number, with its integrity checked (DF31 digest, record signature, CVC).
   * Opens the 券面事項入力補助AP with its PIN (a string) or 照合番号A.
   * Throws `ERR_JPKI_INTEGRITY` when a check fails; an unverifiable CVC is reported, not thrown.
   */
  readMyNumber(credential: string | { readonly pin: string } | { readonly codeA: string }, options: PinOptions = {}): Promise<WithIntegrity<{ myNumber: string }>> {
    return this.#exclusive(async (ch) => {
      await openSupportAp(ch, credentialOf(credential), options);
      const { file, raw } = await readMyNumberFile(ch);
      const record = await readIntegrityRecord(ch);
      const cvc = await readSupportApCvc(ch);
      const integrity = await verifySupportApIntegrity({ record, cvc, myNumberFile: raw }, this.#options);
      throwIfInvalid(integrity, 'My Number');
      return { myNumber: file.myNumber, integrity };
    }, true);
  }

  /** The basic four (name, address, birth date, sex), integrity checked like {@link readMyNumber}. */
  readBasicFour(credential: string | { readonly pin: string } | { readonly codeB: string }, options: PinOptions = {}): Promise<WithIntegrity<BasicFour>> {
    return this.#exclusive(async (ch) => {
      await openSupportAp(ch, credentialOf(credential), options);
      const file = await readBasicFourFile(ch);
      const record = await readIntegrityRecord(ch);
      const cvc = await readSupportApCvc(ch);
      const integrity = await verifySupportApIntegrity({ record, cvc, basicFourDigestSource: file.digestSource }, this.#options);
      throwIfInvalid(integrity, 'basic four');
      return { ...basicFourOf(file), integrity };
    }, true);
  }

  /** My Number and the basic four in one session with the support-AP PIN, both digests checked. */
  readCardInfo(pin: string, options: PinOptions = {}): Promise<WithIntegrity<{ myNumber: string; basicFour: BasicFour }>> {
    return this.#exclusive(async (ch) => {
      await openSupportAp(ch, { pin }, options);
      const { file, raw } = await readMyNumberFile(ch);
      const b = await readBasicFourFile(ch);
      const record = await readIntegrityRecord(ch);
      const cvc = await readSupportApCvc(ch);
      const integrity = await verifySupportApIntegrity({ record, cvc, myNumberFile: raw, basicFourDigestSource: b.digestSource }, this.#options);
      throwIfInvalid(integrity, 'card info');
      return { myNumber: file.myNumber, basicFour: basicFourOf(b), integrity };
    }, true);
  }

  /** The card face of the 券面事項確認AP (images, photo), its DF28 signature checked. */
  readCardFace(credential: SurfaceApCredential, options: PinOptions = {}): Promise<WithIntegrity<{ face: CardFace }>> {
    return this.#exclusive(async (ch) => {
      await openSurfaceAp(ch, credential, options);
      const face = await readCardFace(ch);
      const cvc = await readSurfaceApCvc(ch);
      const integrity = await verifySurfaceApIntegrity({ cvc, face }, this.#options);
      throwIfInvalid(integrity, 'card face');
      return { face, integrity };
    }, true);
  }

  /** The rendered My Number of the 券面事項確認AP (照合番号A only), its signature checked. */
  readMyNumberImage(codeA: string, options: PinOptions = {}): Promise<WithIntegrity<{ image: MyNumberImage }>> {
    return this.#exclusive(async (ch) => {
      await openSurfaceAp(ch, { codeA }, options);
      const image = await readMyNumberImage(ch);
      const cvc = await readSurfaceApCvc(ch);
      const integrity = await verifySurfaceApIntegrity({ cvc, myNumberImage: image }, this.#options);
      throwIfInvalid(integrity, 'My Number image');
      return { image, integrity };
    }, true);
  }
}
