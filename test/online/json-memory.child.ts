/**
 * Child process of json-memory.test.ts: hostile wallet answers the size of
 * MAX_RESPONSE_BODY (4 MiB), fed through the verifier's public entry points under the
 * small V8 heap the parent gives it; prints one JSON line per answer with the error code
 * it ended in. `JSON.parse` of 4 MiB of `{},` alone holds about 89 MB.
 * Run as `node --max-old-space-size=64 --import tsx <this file>`.
 */

import { createCipheriv, createECDH, randomBytes } from 'node:crypto';
import { isShomeiError } from '../../src/errors.js';
import { concatKdf, createOpenId4VpDcApiRequest, MAX_RESPONSE_BODY, OpenId4VpVerifier, openOpenId4VpDcApiResponse } from '../../src/online/index.js';
import { chooseEncryption } from '../../src/online/openid4vp.js';

const ORIGIN = 'https://verifier.example';
const DOC_REQUESTS = [{ id: 'mdl', docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { age_over_18: false } } }];
const verify = { trustAnchors: [] };

/** `head`, `unit` repeated, `tail`: `size` characters at most. */
function filled(size: number, head: string, unit: string, tail: string): string {
  return head + unit.repeat(Math.floor((size - head.length - tail.length) / unit.length)) + tail;
}
/** `head`, then as many `[` as fit with their `]`, then `tail`. */
function nested(size: number, head: string, tail: string): string {
  const depth = Math.floor((size - head.length - tail.length) / 2);
  return head + '['.repeat(depth) + ']'.repeat(depth) + tail;
}

/**
 * A compact ECDH-ES / A128GCM JWE of `plaintext` to the key in `clientMetadata`, built with
 * node:crypto so that the test's own encoding stays within the small heap.
 */
async function jwe(clientMetadata: unknown, plaintext: string): Promise<string> {
  const { key, kid } = chooseEncryption(clientMetadata);
  const ecdh = createECDH('prime256v1');
  const epk = ecdh.generateKeys();
  const cek = await concatKdf(new Uint8Array(ecdh.computeSecret(Buffer.concat([Buffer.of(4), key.x, key.y]))), 'A128GCM');
  const jwk = { kty: 'EC', crv: 'P-256', x: epk.subarray(1, 33).toString('base64url'), y: epk.subarray(33).toString('base64url') };
  const header = Buffer.from(JSON.stringify({ alg: 'ECDH-ES', enc: 'A128GCM', kid, epk: jwk })).toString('base64url');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-128-gcm', cek, iv).setAAD(Buffer.from(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${header}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

/** The error's code and the cap its message names (`JSON_LIMITS.values`), or its message. */
function codeOf(e: unknown): string {
  if (!isShomeiError(e)) throw e;
  return `${e.code} ${/JSON_LIMITS\.\w+/.exec(e.message)?.[0] ?? e.message.slice(0, 200)}`;
}

async function dcApi(text: string): Promise<string> {
  const { state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests: DOC_REQUESTS, responseMode: 'dc_api' });
  return openOpenId4VpDcApiResponse(text, state, verify).then(
    () => 'accepted',
    (e: unknown) => codeOf(e),
  );
}

const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'redirect_uri', responseUri: `${ORIGIN}/response` });

/** handleResponse of the form body `body(state)`: the reply's status and the error's code. */
async function directPost(mode: 'direct_post' | 'direct_post.jwt', body: (state: string, clientMetadata: unknown) => Promise<string>): Promise<string> {
  const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, responseMode: mode });
  const { reply, error } = await verifier.handleResponse(await body(handle.id, handle.claims.client_metadata), verify);
  return `${reply.status} ${error === undefined ? 'no error' : codeOf(error)}`;
}

const form = (state: string, vpToken: string) => `state=${state}&vp_token=${vpToken}`;
const FORM_HEAD = 'state=0123456789012345678901234567890123456789012&vp_token=';

const answers: [string, () => Promise<string>][] = [
  ['DC API: 4 MiB of {"vp_token":[{},{},…]}', () => dcApi(filled(MAX_RESPONSE_BODY, '{"vp_token":[', '{},', '{}]}'))],
  ['DC API: 4 MiB of nested arrays in vp_token', () => dcApi(nested(MAX_RESPONSE_BODY, '{"vp_token":', '}'))],
  ['direct_post: a 4 MiB body of vp_token {"mdl":[{},{},…]}', () => directPost('direct_post', async (s) => form(s, filled(MAX_RESPONSE_BODY - FORM_HEAD.length, '{"mdl":[', '{},', '{}]}')))],
  ['direct_post: a 4 MiB body of vp_token nested arrays', () => directPost('direct_post', async (s) => form(s, nested(MAX_RESPONSE_BODY - FORM_HEAD.length, '{"mdl":', '}')))],
  [
    'direct_post.jwt: 3 MiB of {"vp_token":[{},{},…]} encrypted',
    () =>
      directPost('direct_post.jwt', async (state, metadata) => `response=${await jwe(metadata, filled(3 * 1024 * 1024 - 1024, `{"state":"${state}","vp_token":[`, '{},', '{}]}'))}`),
  ],
];

for (const [name, run] of answers) {
  const code = await run();
  process.stdout.write(`${JSON.stringify({ name, code })}\n`);
}
