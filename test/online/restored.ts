/**
 * Test helper: a verifier state as a caller that stored it and read it back would hold it:
 * equal values in new objects, which the single-use mark (src/online/state.ts) does not
 * follow. Tests that open several crafted answers against one request use it; the replay
 * tests show that the state itself (and any shallow copy) opens only once.
 */
import type { AppleRequestContext, DcApiVerifierState, OpenId4VpDcApiVerifierState } from '../../src/online/index.js';

export function restoredDcApiState(s: DcApiVerifierState): DcApiVerifierState {
  return { ...s, nonce: s.nonce.slice(), recipientKey: { ...s.recipientKey }, transcript: { ...s.transcript } };
}

export function restoredOpenId4VpState(s: OpenId4VpDcApiVerifierState): OpenId4VpDcApiVerifierState {
  return { ...s, transcript: { ...s.transcript }, ...(s.encryption === undefined ? {} : { encryption: { ...s.encryption } }) };
}

export function restoredAppleContext(c: AppleRequestContext): AppleRequestContext {
  return { ...c, nonce: c.nonce.slice() };
}
