/**
 * `transaction_data` through the OpenID4VP redirect flow (§5.1, §8.4; the B.2.1 mdoc binding,
 * not final): the verifier puts it in the request, the wallet binds it device-signed into the
 * presentation, the verifier checks it came back (`OID4VP_TRANSACTION_DATA`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../../src/crypto/keys.js';
import { fromBase64, utf8Decode } from '../../../src/internal/bytes.js';
import { type HeldDocument, issueMdoc } from '../../../src/mdoc/index.js';
import {
  createOpenId4VpDcApiRequest,
  createOpenId4VpDcApiResponse,
  createOpenId4VpResponse,
  openOpenId4VpDcApiResponse,
  readOpenId4VpDcApiRequest,
  type OpenId4VpResult,
  OpenId4VpVerifier,
  openId4VpErrorCodeFor,
  resolveOpenId4VpRequest,
  submitOpenId4VpResponse,
  type TransactionDataType,
} from '../../../src/online/index.js';
import { BACKENDS } from '../../helpers/backends.js';
import { MDL_DATA } from '../../mdoc/fixtures.js';
import { BASE, DOC_REQUESTS, type Holder, holder, NOW, routeTo, type VerifierPki, verifierPki } from './fixtures.js';

const [, backend] = BACKENDS[0]!;
const TX_NS = 'org.example.transaction.1';
const PAYMENT: TransactionDataType = { type: 'org.example.payment', mdocDeviceSigned: { nameSpace: TX_NS, elementIdentifier: 'payment' } };
const payment = { type: PAYMENT.type, credential_ids: ['mdl'], amount: '42.00 EUR', payee: 'Shop' };

describe('OpenID4VP transaction_data (B.2.1 mdoc binding, not final)', () => {
  let pki: VerifierPki;
  let h: Holder;
  let authorized: HeldDocument[];
  let verify: { trustAnchors: Holder['issuer']['iaca'][]; now: Date; backend: typeof backend };

  beforeAll(async () => {
    pki = await verifierPki(backend);
    h = await holder(backend);
    const mdl = await issueMdoc({
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: MDL_DATA,
      deviceKey: publicKeyOf(h.device),
      validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * 86_400_000) },
      issuer: { signer: h.issuer.dsKey, certificates: [h.issuer.ds.der] },
      keyAuthorizations: { dataElements: new Map([[TX_NS, ['payment']]]) },
      backend,
    });
    authorized = [{ issuerSigned: mdl, deviceKey: h.device }];
    verify = { trustAnchors: [h.issuer.iaca], now: NOW, backend };
  });

  const newVerifier = () =>
    new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, transactionDataTypes: [PAYMENT], backend });
  const wallet = (fetch: unknown, extra: object = {}) => ({ fetch, trustAnchors: [pki.ca], now: NOW, backend, ...extra }) as Parameters<typeof resolveOpenId4VpRequest>[1];

  it('the request carries it, the wallet binds it device-signed, the verifier finds it: valid with OID4VP_TRANSACTION_DATA passed', async () => {
    const verifier = newVerifier();
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}`, transactionData: [payment] });
    const sent = handle.claims.transaction_data as string[];
    expect(sent).toHaveLength(1);
    expect(JSON.parse(utf8Decode(fromBase64(sent[0]!)))).toEqual(payment);
    const { fetch, results } = routeTo(verifier, verify);
    const request = await resolveOpenId4VpRequest(handle.url, wallet(fetch, { transactionDataTypes: [PAYMENT] }));
    expect(request.transactionData?.map((e) => [e.type, e.credential_ids])).toEqual([[PAYMENT.type, ['mdl']]]);
    expect((await submitOpenId4VpResponse(await createOpenId4VpResponse(request, { documents: authorized, backend }), { fetch })).status).toBe(200);
    const result = results[0] as OpenId4VpResult;
    const tx = result.checks.filter((c) => c.id === 'OID4VP_TRANSACTION_DATA');
    expect(tx.map((c) => c.status)).toEqual(['passed']);
    expect(tx[0]!.detail).toContain(`${TX_NS}/payment device-signed in mdl`);
    expect(result.valid).toBe(true);
    expect(Object.keys(result.presentations.mdl![0]!.verification.documents[0]!.deviceSigned)).toEqual([TX_NS]);
  });

  it('an answer without the bound element fails OID4VP_TRANSACTION_DATA (a wallet that ignored it)', async () => {
    const verifier = newVerifier();
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}`, transactionData: [payment] });
    const { fetch, results } = routeTo(verifier, verify);
    const request = await resolveOpenId4VpRequest(handle.url, wallet(fetch, { transactionDataTypes: [PAYMENT] }));
    // The wallet drops the transaction data before answering.
    const { transactionData: _dropped, ...ignoring } = request;
    await submitOpenId4VpResponse(await createOpenId4VpResponse(ignoring, { documents: authorized, backend }), { fetch });
    const result = results[0] as OpenId4VpResult;
    expect(result.checks.find((c) => c.id === 'OID4VP_TRANSACTION_DATA')?.status).toBe('failed');
    expect(result.valid).toBe(false);
  });

  it('a wallet without the type refuses the request with invalid_transaction_data; a credential whose MSO does not authorize the element cannot answer', async () => {
    const verifier = newVerifier();
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}`, transactionData: [payment] });
    const { fetch } = routeTo(verifier, verify);
    const unsupported = await resolveOpenId4VpRequest(handle.url, wallet(fetch)).catch((e: unknown) => e);
    expect(openId4VpErrorCodeFor(unsupported)).toBe('invalid_transaction_data');
    const otherType = await resolveOpenId4VpRequest(handle.url, wallet(fetch, { transactionDataTypes: [{ type: 'org.example.other' }] })).catch((e: unknown) => e);
    expect(otherType).toMatchObject({ code: 'ERR_TRANSACTION_DATA' });
    expect(openId4VpErrorCodeFor(otherType)).toBe('invalid_transaction_data');
    const request = await resolveOpenId4VpRequest(handle.url, wallet(fetch, { transactionDataTypes: [PAYMENT] }));
    await expect(createOpenId4VpResponse(request, { documents: h.documents, backend })).rejects.toMatchObject({ code: 'ERR_TRANSACTION_DATA' });
  });

  it('the verifier refuses to build a request whose transaction_data names no credential of the query, or without its types', async () => {
    await expect(newVerifier().createRequest({ docRequests: DOC_REQUESTS, transactionData: [{ ...payment, credential_ids: ['nope'] }] })).rejects.toThrow(TypeError);
    const untyped = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    await expect(untyped.createRequest({ docRequests: DOC_REQUESTS, transactionData: [payment] })).rejects.toThrow(/transactionDataTypes/);
  });

  it('over the Digital Credentials API too: sent in the request data, bound by the wallet, checked on the answer', async () => {
    const origin = 'https://verifier.example';
    const { request, state } = await createOpenId4VpDcApiRequest({ origin, docRequests: DOC_REQUESTS, responseMode: 'dc_api.jwt', transactionData: [payment], transactionDataTypes: [PAYMENT], backend });
    expect((request.data as { transaction_data?: unknown[] }).transaction_data).toHaveLength(1);
    await expect(readOpenId4VpDcApiRequest(request.data, origin, { backend })).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    const walletView = await readOpenId4VpDcApiRequest(request.data, origin, { backend, transactionDataTypes: [PAYMENT] });
    const answer = await createOpenId4VpDcApiResponse(walletView, { documents: authorized, backend });
    const result = await openOpenId4VpDcApiResponse(answer, state, verify);
    expect(result.checks.filter((c) => c.id === 'OID4VP_TRANSACTION_DATA').map((c) => c.status)).toEqual(['passed']);
    expect(result.valid).toBe(true);
    // Without binding (a wallet that ignored it), the same check fails.
    const again = await createOpenId4VpDcApiRequest({ origin, docRequests: DOC_REQUESTS, responseMode: 'dc_api', transactionData: [payment], transactionDataTypes: [PAYMENT], backend });
    const view = await readOpenId4VpDcApiRequest(again.request.data, origin, { backend, transactionDataTypes: [PAYMENT] });
    const { transactionData: _ignored, ...ignoring } = view;
    const unbound = await openOpenId4VpDcApiResponse(await createOpenId4VpDcApiResponse(ignoring, { documents: authorized, backend }), again.state, verify);
    expect(unbound.checks.find((c) => c.id === 'OID4VP_TRANSACTION_DATA')?.status).toBe('failed');
    expect(unbound.valid).toBe(false);
  });
});
