/**
 * Bounded memory on hostile JSON from a wallet (RFC 8259 §9 lets a parser limit size and
 * nesting): answers the size of MAX_RESPONSE_BODY made of empty objects or nested arrays,
 * given to the verifier's public entry points (`openOpenId4VpDcApiResponse` with the DC API
 * result as text, `OpenId4VpVerifier.handleResponse` with a `direct_post` or
 * `direct_post.jwt` body) in a child process whose V8 heap is capped at 64 MiB. Each must
 * end in `ERR_ONLINE_MESSAGE` (JSON_LIMITS) and the child must exit normally; before the
 * scan, `JSON.parse` of the first answer alone held about 89 MB and the child died. The
 * child's timeout only guards against a hang: no duration is asserted.
 */

import { describe, expect, it } from 'vitest';
import { runUnderSmallHeap } from '../helpers/small-heap.js';


interface Outcome {
  readonly name: string;
  readonly code: string;
}

describe('wallet answers under a 64 MiB heap, 4 MiB of hostile JSON', () => {
  it('ends every answer in a typed OnlineError and the process survives', { timeout: 330_000 }, async () => {
    const { exitCode, signal, stderr, lines: outcomes } = await runUnderSmallHeap<Outcome>(new URL('./json-memory.child.ts', import.meta.url), 64, 300_000);
    expect({ exitCode, signal }, stderr.slice(-2000)).toEqual({ exitCode: 0, signal: null });
    expect(Object.fromEntries(outcomes.map((o) => [o.name, o.code]))).toEqual({
      'DC API: 4 MiB of {"vp_token":[{},{},…]}': 'ERR_ONLINE_MESSAGE JSON_LIMITS.values',
      'DC API: 4 MiB of nested arrays in vp_token': 'ERR_ONLINE_MESSAGE JSON_LIMITS.depth',
      'direct_post: a 4 MiB body of vp_token {"mdl":[{},{},…]}': '400 ERR_ONLINE_MESSAGE JSON_LIMITS.values',
      'direct_post: a 4 MiB body of vp_token nested arrays': '400 ERR_ONLINE_MESSAGE JSON_LIMITS.depth',
      'direct_post.jwt: 3 MiB of {"vp_token":[{},{},…]} encrypted': '400 ERR_ONLINE_MESSAGE JSON_LIMITS.values',
    });
  });
});
