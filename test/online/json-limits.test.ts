/**
 * JSON_LIMITS (RFC 8259 §9: a parser may limit the size and nesting of texts it accepts):
 * the scan that runs before `JSON.parse` on every JSON text from the other side counts
 * `{`, `[` and `,` outside strings only and follows escapes exactly; text at a cap is read,
 * one more is refused with the caller's error code, naming the cap. The memory this bounds
 * is tested in json-memory.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8Encode } from '../../src/internal/bytes.js';
import { jsonObject, overJsonLimits, overValueLimits, parseJson } from '../../src/online/json.js';
import {
  createOpenId4VpDcApiRequest,
  type DcqlQuery,
  decodeJweHeader,
  decodeJws,
  decodeJwsJson,
  type FetchLike,
  JSON_LIMITS,
  openOpenId4VpDcApiResponse,
  readOpenId4VpDcApiRequest,
  readTransactionData,
  resolveOpenId4VpRequest,
  submitOpenId4VpResponse,
  verifyVpToken,
} from '../../src/online/index.js';

const { values: CAP, depth: DEPTH } = JSON_LIMITS;
const VALUES = /has more than shomei's cap of 100000 JSON values \(JSON_LIMITS\.values\)/;
const NESTING = /nests deeper than shomei's cap of 64 \(JSON_LIMITS\.depth\)/;

/** An array of `n` zeros: one `[` and n - 1 commas, n values. */
const zeros = (n: number) => `[${'0,'.repeat(n - 1)}0]`;
/** `n` nested arrays. */
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

async function thrown(f: () => unknown): Promise<{ code?: string; message?: string; path?: string; check?: string }> {
  try {
    await f();
  } catch (e) {
    return e as { code?: string };
  }
  return {};
}

/** The values the scan counts in `v`: each object or array, and each comma between members. */
function counted(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, v.length - 1) + v.reduce((n: number, x) => n + counted(x), 0);
  if (typeof v === 'object' && v !== null) {
    const members = Object.values(v);
    return 1 + Math.max(0, members.length - 1) + members.reduce((n: number, x) => n + counted(x), 0);
  }
  return 0;
}

describe('JSON_LIMITS', () => {
  it('is frozen: 100,000 values, 64 levels', () => {
    expect(JSON_LIMITS).toEqual({ values: 100_000, depth: 64 });
    expect(Object.isFrozen(JSON_LIMITS)).toBe(true);
  });
});

describe('the scan before JSON.parse', () => {
  it('reads text at the values cap and refuses one value more, naming the cap', () => {
    expect(overJsonLimits(zeros(CAP))).toBeUndefined();
    expect(overJsonLimits(zeros(CAP + 1))).toMatch(VALUES);
    // Objects and arrays count as values too: 1 + 2 × 49,999 + 1 = 100,000.
    expect(overJsonLimits(`[${'{},'.repeat(49_999)}[]]`)).toBeUndefined();
    expect(overJsonLimits(`[${'{},'.repeat(49_999)}[[]]]`)).toMatch(VALUES);
    expect(overJsonLimits(`{${'"a":0,'.repeat(CAP - 1)}"a":0}`)).toBeUndefined();
    expect(overJsonLimits(`{${'"a":0,'.repeat(CAP)}"a":0}`)).toMatch(VALUES);
  });

  it('reads text at the depth cap and refuses one level more, naming the cap', () => {
    expect(overJsonLimits(deep(DEPTH))).toBeUndefined();
    expect(overJsonLimits(deep(DEPTH + 1))).toMatch(NESTING);
    expect(overJsonLimits(`${'{"a":'.repeat(DEPTH)}0${'}'.repeat(DEPTH)}`)).toBeUndefined();
    expect(overJsonLimits(`${'{"a":'.repeat(DEPTH + 1)}0${'}'.repeat(DEPTH + 1)}`)).toMatch(NESTING);
    // Closing brackets end their level: many siblings 64 deep stay at 64.
    expect(overJsonLimits(`[${`${deep(DEPTH - 1)},`.repeat(100)}0]`)).toBeUndefined();
  });

  it('counts nothing inside strings', () => {
    expect(overJsonLimits(`["${'{[,'.repeat(CAP)}"${',0'.repeat(CAP - 1)}]`)).toBeUndefined();
    expect(overJsonLimits(`["${'{[,'.repeat(CAP)}"${',0'.repeat(CAP)}]`)).toMatch(VALUES);
    expect(overJsonLimits(`{"${'['.repeat(1000)}":"${'{'.repeat(1000)}","a":${deep(DEPTH - 1)}}`)).toBeUndefined();
    expect(overJsonLimits(`{"${'['.repeat(1000)}":"${'{'.repeat(1000)}","a":${deep(DEPTH)}}`)).toMatch(NESTING);
  });

  it('follows escapes: \\" does not end a string, \\\\" does', () => {
    // `"\"{[,…"`: one string.
    expect(overJsonLimits(`["\\"${'{[,'.repeat(CAP)}"]`)).toBeUndefined();
    // `"\\\"{[,…"`: an escaped backslash and an escaped quote, still one string.
    expect(overJsonLimits(`["\\\\\\"${'{[,'.repeat(CAP)}"]`)).toBeUndefined();
    // `"x\\"` ends after the escaped backslash: what follows is structure and counts.
    expect(overJsonLimits(`["x\\\\"${',0'.repeat(CAP - 1)}]`)).toBeUndefined();
    expect(overJsonLimits(`["x\\\\"${',0'.repeat(CAP)}]`)).toMatch(VALUES);
    expect(overJsonLimits(`["\\\\\\\\"${',0'.repeat(CAP)}]`)).toMatch(VALUES);
    // An escape in an earlier string, then strings without: each ends at its own quote.
    expect(overJsonLimits(`["a\\"b","${'c'.repeat(1000)}"${',"d"'.repeat(CAP)}]`)).toMatch(VALUES);
    expect(overJsonLimits(`["a\\"b","${'c'.repeat(1000)}"${',"d"'.repeat(CAP - 2)}]`)).toBeUndefined();
  });

  it('counts exactly what a value holds, whatever its strings contain (JSON.stringify of any JSON value)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const text = JSON.stringify(v);
        const n = counted(v);
        // Padded with zeros to exactly the cap, then one over it.
        const pad = (k: number) => `[${text}${',0'.repeat(k)}]`;
        expect(overJsonLimits(pad(CAP - n - 1))).toBeUndefined();
        expect(overJsonLimits(pad(CAP - n))).toMatch(VALUES);
      }),
      { numRuns: 100, examples: [[{ 'a"\\': ['\\', '"', '\\"{[,', '\\\\'], '{': { '[': [] } }]] },
    );
  });

  it('stops counting at an unterminated string, which JSON.parse then refuses', () => {
    expect(overJsonLimits(`[${'0,'.repeat(CAP - 1)}"${'{[,'.repeat(CAP)}`)).toBeUndefined();
    expect(overJsonLimits(`[${'0,'.repeat(CAP)}"${'{[,'.repeat(CAP)}`)).toMatch(VALUES);
    expect(() => parseJson(`["${'{[,'.repeat(10)}`, (problem) => { throw new Error(problem); })).toThrow('is not JSON');
  });

  it('refuses with the caller\'s error: jsonObject throws ERR_ONLINE_MESSAGE naming what and the cap', async () => {
    const e = await thrown(() => jsonObject(`{"vp_token":${zeros(CAP + 1)}}`, 'the answer'));
    expect(e.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e.message).toMatch(/^the answer has more than shomei's cap of 100000 JSON values/);
    expect(jsonObject(`{"vp_token":${zeros(CAP - 1)}}`, 'the answer').vp_token).toHaveLength(CAP - 1);
  });
});

describe('an object handed over already parsed (DC API data) is held to the same caps', () => {
  /** `n` nested arrays as objects. */
  const nested = (n: number) => JSON.parse(deep(n)) as unknown;

  it('reads an object at the depth cap and refuses one level more, naming the cap', () => {
    expect(overValueLimits({ a: nested(DEPTH - 1) })).toBeUndefined();
    expect(overValueLimits({ a: nested(DEPTH) })).toMatch(NESTING);
    expect(overValueLimits(nested(DEPTH + 1))).toMatch(NESTING);
  });

  it('counts each container and each member, and a cycle runs into the values cap', () => {
    expect(overValueLimits(new Array(CAP - 1).fill(0))).toBeUndefined();
    expect(overValueLimits(new Array(CAP).fill(0))).toMatch(VALUES);
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(overValueLimits(cycle)).toMatch(NESTING);
    const wide: unknown[] = [];
    for (let i = 0; i < 10; i++) wide.push(wide);
    expect(overValueLimits(wide)).toMatch(/JSON_LIMITS/);
    // Breadth first would meet the values cap; this walk goes depth first: each cap ends it.
    const broad: unknown[] = new Array(2000).fill(0);
    for (let i = 0; i < 100; i++) broad[i] = broad;
    expect(overValueLimits(broad)).toMatch(/JSON_LIMITS/);
  });

  it('refuses whatever the text scan refuses: any JSON value padded to one over the text cap (fast-check)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        expect(overValueLimits(v)).toBeUndefined();
        // As in the text test above: `[v,0,…]` with CAP - n zeros is one value over the text cap.
        const padded = [v, ...new Array(CAP - counted(v)).fill(0)];
        expect(overJsonLimits(JSON.stringify(padded))).toMatch(VALUES);
        expect(overValueLimits(padded)).toMatch(VALUES);
      }),
      { numRuns: 30 },
    );
  });

  it('a deep member of a request or answer object is ERR_ONLINE_MESSAGE, never a RangeError from a message (fuzz finding)', async () => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: 'https://verifier.example', responseMode: 'dc_api', docRequests: [{ id: 'mdl', docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { age_over_18: false } } }] });
    const data = request.data as unknown as Record<string, unknown>;
    for (const key of ['response_type', 'response_mode']) {
      const e = await thrown(() => readOpenId4VpDcApiRequest({ ...data, [key]: nested(5000) }, 'https://verifier.example'));
      expect(e.code).toBe('ERR_ONLINE_MESSAGE');
      expect(e.message).toMatch(/^the request nests deeper than shomei's cap of 64/);
    }
    const e = await thrown(() => openOpenId4VpDcApiResponse({ error: nested(5000) }, state, { trustAnchors: [] }));
    expect(e.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e.message).toMatch(/^the answer nests deeper than shomei's cap of 64/);
    const cycle: Record<string, unknown> = { vp_token: {} };
    (cycle.vp_token as Record<string, unknown>).mdl = cycle;
    const again = await createOpenId4VpDcApiRequest({ origin: 'https://verifier.example', responseMode: 'dc_api', docRequests: [{ id: 'mdl', docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { age_over_18: false } } }] });
    expect((await thrown(() => openOpenId4VpDcApiResponse(cycle, again.state, { trustAnchors: [] }))).code).toBe('ERR_ONLINE_MESSAGE');
    // A well-formed request object still reads.
    expect((await readOpenId4VpDcApiRequest(data, 'https://verifier.example')).nonce).toBe(data.nonce);
  });
});

describe('every JSON text from the other side goes through the scan', () => {
  const query: DcqlQuery = { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: 'org.iso.18013.5.1.mDL' } }] };
  const b64 = (text: string) => toBase64Url(utf8Encode(text));
  const header = b64('{"alg":"ES256"}');

  it('a DC API result (openOpenId4VpDcApiResponse)', async () => {
    const { state } = await createOpenId4VpDcApiRequest({ origin: 'https://verifier.example', docRequests: [{ id: 'mdl', docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { age_over_18: false } } }], responseMode: 'dc_api' });
    const e = await thrown(() => openOpenId4VpDcApiResponse(`{"vp_token":[${'{},'.repeat(CAP)}{}]}`, state, { trustAnchors: [] }));
    expect(e.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e.message).toMatch(VALUES);
  });

  it('a vp_token (verifyVpToken)', async () => {
    const context = { dcqlQuery: query, transcript: undefined as never, binding: 'test' };
    const e = await thrown(() => verifyVpToken(`{"mdl":${deep(DEPTH)}}`, context, { trustAnchors: [] }));
    expect(e.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e.message).toMatch(NESTING);
  });

  it('a JWS payload and protected header, compact and JSON (decodeJws, decodeJwsJson)', async () => {
    expect((await thrown(() => decodeJws(`${header}.${b64(`{"a":${deep(DEPTH)}}`)}.AA`))).message).toMatch(NESTING);
    expect((await thrown(() => decodeJws(`${b64(`{"alg":"ES256","x":${deep(DEPTH)}}`)}.${b64('{}')}.AA`))).message).toMatch(NESTING);
    const e = await thrown(() => decodeJwsJson(`{"payload":"${b64('{}')}","signatures":${zeros(CAP)}}`));
    expect(e.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e.message).toMatch(VALUES);
  });

  it('a JWE protected header (decodeJweHeader)', async () => {
    const jwe = [b64(`{"alg":"ECDH-ES","enc":"A128GCM","x":${deep(DEPTH)}}`), '', 'A'.repeat(16), 'AA', 'A'.repeat(22)].join('.');
    const e = await thrown(() => decodeJweHeader(jwe));
    expect(e.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e.message).toMatch(NESTING);
  });

  it('transaction_data, as text and in an entry (readTransactionData), as ERR_TRANSACTION_DATA', async () => {
    const list = await thrown(() => readTransactionData(`[${deep(DEPTH)}]`, query, []));
    expect([list.code, list.path]).toEqual(['ERR_TRANSACTION_DATA', 'transaction_data']);
    expect(list.message).toMatch(NESTING);
    const entry = await thrown(() => readTransactionData([b64(`{"type":"t","x":${deep(DEPTH)}}`)], query, []));
    expect([entry.code, entry.path]).toEqual(['ERR_TRANSACTION_DATA', 'transaction_data[0]']);
    expect(entry.message).toMatch(NESTING);
  });

  it('the JSON parameters of a request by value (resolveOpenId4VpRequest)', async () => {
    const e = await thrown(() => resolveOpenId4VpRequest({ client_id: 'redirect_uri:https://verifier.example/cb', response_type: 'vp_token', dcql_query: deep(DEPTH + 1) }));
    expect([e.code, e.check]).toEqual(['ERR_ONLINE_MESSAGE', 'invalid_request']);
    expect(e.message).toMatch(/^the dcql_query parameter nests deeper than shomei's cap of 64/);
  });

  it("a verifier's reply to a posted response is read only within the caps (submitOpenId4VpResponse)", async () => {
    const reply = (body: string): FetchLike => async () => ({ status: 200, headers: { get: () => null }, text: async () => body });
    const response = { responseMode: 'direct_post', uri: 'https://verifier.example/response', params: { vp_token: '{}' } } as const;
    const within = await submitOpenId4VpResponse(response as never, { fetch: reply(`{"redirect_uri":"https://verifier.example/done","x":${zeros(CAP - 2)}}`) });
    expect(within.redirectUri).toBe('https://verifier.example/done');
    const over = await submitOpenId4VpResponse(response as never, { fetch: reply(`{"redirect_uri":"https://verifier.example/done","x":${zeros(CAP - 1)}}`) });
    expect(over.redirectUri).toBeUndefined();
  });
});
