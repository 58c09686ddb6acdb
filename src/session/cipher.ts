/**
 * Session encryption (ISO/IEC 18013-5:2021 §9.1.1.5): AES-256-GCM with the session keys,
 * IV = identifier (8 bytes: reader 00…00, mdoc 00…01) || message counter (4 bytes,
 * big-endian, from 1), one counter per direction, no additional data.
 */

import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions, CryptoBackend } from '../crypto/types.js';
import { CryptoError, SessionError } from '../errors.js';
import type { SessionKeys } from './transcript.js';

/** Which side of the session this is. */
export type SessionRole = 'reader' | 'mdoc';

const MAX_COUNTER = 0xffff_ffff;

function iv(role: SessionRole, counter: number): Uint8Array {
  const out = new Uint8Array(12);
  if (role === 'mdoc') out[7] = 1;
  new DataView(out.buffer).setUint32(8, counter);
  return out;
}

/**
 * Encrypts this party's messages and decrypts the peer's, each direction with its own
 * counter. A message that does not decrypt with the expected counter throws
 * `ERR_SESSION_DECRYPT`; the counter is not advanced, and the session should end.
 *
 * Safe under concurrent calls: `encrypt` takes its counter when it is called (two calls
 * never share an IV, even while the first is still running), and the operations of each
 * direction run one at a time in call order, so ciphertexts resolve in counter order and
 * incoming messages are decrypted with consecutive counters in the order they were given.
 */
export class SessionCipher {
  readonly role: SessionRole;
  readonly #own: Uint8Array;
  readonly #peer: Uint8Array;
  readonly #backend: CryptoBackend;
  #sent = 0;
  #received = 0;
  #encrypting: Promise<unknown> = Promise.resolve();
  #decrypting: Promise<unknown> = Promise.resolve();

  constructor(role: SessionRole, keys: SessionKeys, options: BackendOptions = {}) {
    if (role !== 'reader' && role !== 'mdoc') throw new TypeError("role must be 'reader' or 'mdoc'");
    this.role = role;
    this.#own = role === 'reader' ? keys.skReader : keys.skDevice;
    this.#peer = role === 'reader' ? keys.skDevice : keys.skReader;
    this.#backend = resolveBackend(options);
  }

  /** Counters used for outgoing messages so far (messages encrypted, or being encrypted). */
  get sent(): number {
    return this.#sent;
  }

  /** Messages decrypted so far. */
  get received(): number {
    return this.#received;
  }

  /**
   * Encrypt the next outgoing message. The counter is taken at the call, before anything
   * is awaited, and never given out again (not even when the encryption fails).
   * @throws SessionError `ERR_SESSION_COUNTER` past 2^32 − 1 messages.
   */
  encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    if (this.#sent >= MAX_COUNTER) return Promise.reject(new SessionError('ERR_SESSION_COUNTER', 'the message counter is exhausted: end the session'));
    const counter = ++this.#sent;
    const run = () => this.#backend.aesGcmEncrypt(this.#own, iv(this.role, counter), plaintext);
    const next = this.#encrypting.then(run, run);
    this.#encrypting = next.catch(() => undefined);
    return next;
  }

  /**
   * Decrypt the next incoming message, after every earlier `decrypt` call has settled.
   * @throws SessionError `ERR_SESSION_DECRYPT`, `ERR_SESSION_COUNTER`.
   */
  decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      if (this.#received >= MAX_COUNTER) throw new SessionError('ERR_SESSION_COUNTER', 'the message counter is exhausted: end the session');
      const counter = this.#received + 1;
      const peer: SessionRole = this.role === 'reader' ? 'mdoc' : 'reader';
      try {
        const pt = await this.#backend.aesGcmDecrypt(this.#peer, iv(peer, counter), ciphertext);
        this.#received = counter;
        return pt;
      } catch (e) {
        if (e instanceof CryptoError || e instanceof RangeError) {
          throw new SessionError('ERR_SESSION_DECRYPT', `message ${counter} from the ${peer} does not decrypt`, { cause: e });
        }
        throw e;
      }
    };
    const next = this.#decrypting.then(run, run);
    this.#decrypting = next.catch(() => undefined);
    return next;
  }

  /** @internal For tests of the counter limit. */
  _setCounters(sent: number, received: number): void {
    this.#sent = sent;
    this.#received = received;
  }
}
