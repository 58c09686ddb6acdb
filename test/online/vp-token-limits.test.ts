/**
 * A vp_token's presentations are decoded before any is verified, and their data elements
 * counted together against MAX_ELEMENTS, as those of one DeviceResponse: 64 presentations of
 * thousands of tiny elements each held about 56 times the vp_token's size before.
 */
import { expect, it } from 'vitest';
import { EncodedCbor, encode } from '../../src/cbor/index.js';
import { OnlineError } from '../../src/errors.js';
import { toBase64Url } from '../../src/internal/bytes.js';
import { MAX_ELEMENTS } from '../../src/mdoc/index.js';
import { type DcqlQuery, openId4VpHandover, verifyVpToken } from '../../src/online/index.js';

const NS = 'org.iso.18013.5.1';

/** base64url of a DeviceResponse of one mDL document with `n` issuer-signed elements (unsigned: refused before any check). */
function presentation(n: number): string {
  const items = Array.from({ length: n }, (_, i) =>
    EncodedCbor.wrap(encode(new Map<string, unknown>([['digestID', i], ['random', new Uint8Array(16)], ['elementIdentifier', `e${i}`], ['elementValue', i]]) as never), undefined),
  );
  const issuerSigned = new Map<string, unknown>([['nameSpaces', new Map([[NS, items]])], ['issuerAuth', [encode(new Map([[1, -7]])), new Map(), new Uint8Array(8), new Uint8Array(64)]]]);
  const doc = new Map<string, unknown>([['docType', 'org.iso.18013.5.1.mDL'], ['issuerSigned', issuerSigned]]);
  return toBase64Url(encode(new Map<string, unknown>([['version', '1.0'], ['documents', [doc]], ['status', 0]]) as never));
}

it(`refuses a vp_token whose presentations hold more than MAX_ELEMENTS (${MAX_ELEMENTS}) data elements together, before verifying any`, async () => {
  const query: DcqlQuery = { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: 'org.iso.18013.5.1.mDL' }, multiple: true }] };
  const transcript = await openId4VpHandover({ clientId: 'x509_san_dns:verifier.example', nonce: 'n', jwkThumbprint: null, responseUri: 'https://verifier.example/post' });
  const context = { dcqlQuery: query, transcript, binding: 'test' };
  const half = presentation(MAX_ELEMENTS / 2);
  const over = verifyVpToken({ mdl: [half, half, presentation(1)] }, context, { trustAnchors: [] });
  await expect(over).rejects.toThrow(OnlineError);
  await expect(over).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE', message: expect.stringContaining(`vp_token.mdl[2]: the vp_token holds more than ${MAX_ELEMENTS} data elements`) });
  // At the cap, every presentation is verified (and refused: none is signed).
  const atCap = await verifyVpToken({ mdl: [half, half] }, context, { trustAnchors: [] });
  expect(atCap.valid).toBe(false);
  const reports = (atCap.presentations.mdl ?? []).map((p) => p.verification.documents[0]!.checks);
  expect(reports.map((checks) => [checks.filter((c) => c.id === 'REQUESTED_ELEMENT').length, checks.find((c) => c.id === 'MSO_STRUCTURE')?.status])).toEqual([
    [MAX_ELEMENTS / 2, 'failed'],
    [MAX_ELEMENTS / 2, 'failed'],
  ]);
});
