/**
 * Single use of a verifier's request state: ISO/IEC TS 18013-7 Annex C (the DC API nonce
 * and HPKE key are per request), OpenID4VP 1.0 §14.1 (a nonce binds one presentation to
 * one request) and Apple Verify with Wallet (one nonce per request).
 *
 * A state is consumed by the first open, synchronously, before anything is parsed or
 * awaited: two concurrent opens cannot both pass, and a failed open consumes it too. A
 * state is single-use whatever the outcome, because
 * - the verifier's answer to "did it verify?" must not depend on how many tries an
 *   attacker made: a replay after a failure (a network error, a tampered copy that was
 *   rejected first) would otherwise still be accepted;
 * - the request's HPKE / JWE key is ephemeral: opening several attacker-chosen ciphertexts
 *   with it would make the verifier a decryption oracle for that key;
 * - a caller that gets an error makes a new request (fresh nonce and key), which is what
 *   the wallet answering again needs anyway.
 *
 * The mark is kept on the state object (and on the objects a shallow copy shares with it)
 * in a WeakSet: it does not keep a state alive and needs no clean-up. It cannot follow a
 * state that was serialised and read back (from a database, a cookie, another process):
 * such a caller must delete the stored state when it loads it.
 */
import { OnlineError } from '../errors.js';

const consumed = new WeakSet<object>();

/**
 * Mark `parts` (the state object and the objects that identify its request) as used;
 * throw `ERR_ONLINE_REPLAY` when any of them already was. Nothing is marked when it throws.
 * @throws TypeError when `parts[0]` is not an object (programmer misuse, named `what`).
 */
export function consumeVerifierState(what: string, ...parts: readonly unknown[]): void {
  const objects = parts.filter((p): p is object => (typeof p === 'object' && p !== null) || typeof p === 'function');
  if (objects.length === 0 || objects[0] !== parts[0]) throw new TypeError(`${what} must be the state object kept from the request`);
  if (objects.some((o) => consumed.has(o))) {
    throw new OnlineError('ERR_ONLINE_REPLAY', `${what} has already been used to open an answer: each request's state opens one answer (make a new request)`);
  }
  for (const o of objects) consumed.add(o);
}
