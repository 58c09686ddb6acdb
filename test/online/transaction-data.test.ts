/**
 * OpenID4VP 1.0 transaction_data (§5.1, §8.4; invalid_transaction_data of §8.5) and the
 * B.2.1 mdoc binding (NOT FINAL in the specification): reading against the DCQL query, the
 * wallet binding the processed data into DeviceSigned under KeyAuthorizations, the verifier
 * finding it there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EncodedCbor, encode } from '../../src/cbor/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { PrivateKey } from '../../src/crypto/types.js';
import { toBase64Url, utf8Encode } from '../../src/internal/bytes.js';
import { buildDeviceResponse, type HeldDocument, issueMdoc, type VerifiedDocument, verifyDeviceResponse } from '../../src/mdoc/index.js';
import {
  assignTransactionData,
  bindMdocTransactionData,
  checkMdocTransactionData,
  type DcqlQuery,
  readTransactionData,
  TRANSACTION_DATA_LIMITS,
  type TransactionDataType,
  transactionDataHash,
} from '../../src/online/index.js';
import { loadVector } from '../helpers/vectors.js';
import { deviceKey, MDL_DATA, NOW, type TestIssuer, testIssuer } from '../mdoc/fixtures.js';

const backend = nobleBackend;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const TX_NS = 'org.example.transaction.1';
const b64 = (v: unknown) => toBase64Url(utf8Encode(typeof v === 'string' ? v : JSON.stringify(v)));
const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['tx-test', 1]]), null).tagged;

const PAYMENT: TransactionDataType = {
  type: 'org.example.payment',
  validate: (d) => {
    const unknown = Object.keys(d).filter((k) => !['type', 'credential_ids', 'transaction_data_hashes_alg', 'amount', 'payee'].includes(k));
    if (unknown.length > 0) return `unknown fields ${unknown.join(', ')}`;
    return typeof d.amount === 'string' && typeof d.payee === 'string' ? undefined : 'amount and payee must be strings';
  },
  mdocDeviceSigned: { nameSpace: TX_NS, elementIdentifier: 'payment' },
};
const query: DcqlQuery = {
  credentials: [
    { id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: MDL }, claims: [{ path: [NS, 'family_name'] }] },
    { id: 'other', format: 'mso_mdoc', meta: { doctype_value: 'org.example.card' } },
  ],
};
const payment = (extra: Record<string, unknown> = {}) => ({ type: PAYMENT.type, credential_ids: ['mdl'], amount: '42.00 EUR', payee: 'Shop', ...extra });

function errorOf(f: () => unknown): { code?: string; path?: string; message?: string } {
  try {
    f();
  } catch (e) {
    return e as { code?: string; path?: string };
  }
  throw new Error('expected a throw');
}

describe('transaction_data: reading (§5.1)', () => {
  it('reads the §5.1 example entry when its type is supported and its credential id is queried', () => {
    const vector = loadVector('openid4vp/dcql-examples.json') as { transaction_data: { decoded: Record<string, unknown> }[] };
    const decoded = vector.transaction_data[0]!.decoded;
    const q: DcqlQuery = { credentials: [{ id: 'id_card_credential', format: 'mso_mdoc', meta: { doctype_value: MDL } }] };
    const [entry] = readTransactionData([b64(decoded)], q, [{ type: 'example_type' }]);
    expect(entry).toMatchObject({ index: 0, type: 'example_type', credential_ids: ['id_card_credential'], encoded: b64(decoded) });
    expect(errorOf(() => readTransactionData([b64(decoded)], q, []))).toMatchObject({ code: 'ERR_TRANSACTION_DATA', path: 'transaction_data[0].type' });
  });

  it('accepts the parameter as JSON text (as sent in a URL) and keeps transaction_data_hashes_alg', () => {
    const entries = readTransactionData(JSON.stringify([b64(payment({ transaction_data_hashes_alg: ['sha-512', 'sha-256'] }))]), query, [PAYMENT]);
    expect(entries[0]!.transaction_data_hashes_alg).toEqual(['sha-512', 'sha-256']);
    expect(Object.getPrototypeOf(entries[0]!.data)).toBeNull();
  });

  const cases: [string, unknown, string][] = [
    ['not JSON text', '[', 'transaction_data'],
    ['JSON text longer than the caps allow', `["${b64(payment())}"${' '.repeat(TRANSACTION_DATA_LIMITS.entries * (TRANSACTION_DATA_LIMITS.encodedLength + 3))}]`, 'transaction_data'],
    ['not an array', { a: 1 }, 'transaction_data'],
    ['an empty array', [], 'transaction_data'],
    ['too many entries', Array.from({ length: TRANSACTION_DATA_LIMITS.entries + 1 }, () => b64(payment())), 'transaction_data'],
    ['a number entry', [1], 'transaction_data[0]'],
    ['padded base64url', [`${b64(payment())}=`], 'transaction_data[0]'],
    ['standard base64', [b64(payment()).replace(/_/g, '/').replace(/-/g, '+') + '+/'], 'transaction_data[0]'],
    ['an empty string', [''], 'transaction_data[0]'],
    ['not JSON', [b64('{"type":')], 'transaction_data[0]'],
    ['not UTF-8', [toBase64Url(Uint8Array.of(0x7b, 0xff, 0x7d))], 'transaction_data[0]'],
    ['a JSON array', [b64([payment()])], 'transaction_data[0]'],
    ['no type', [b64(payment({ type: undefined }))], 'transaction_data[0].type'],
    ['an unknown type', [b64(payment({ type: 'org.example.other' }))], 'transaction_data[0].type'],
    ['no credential_ids', [b64(payment({ credential_ids: undefined }))], 'transaction_data[0].credential_ids'],
    ['empty credential_ids', [b64(payment({ credential_ids: [] }))], 'transaction_data[0].credential_ids'],
    ['a credential id not in the query', [b64(payment()), b64(payment({ credential_ids: ['mdl', 'pid'] }))], 'transaction_data[1].credential_ids[1]'],
    ['a credential id listed twice', [b64(payment({ credential_ids: ['mdl', 'mdl'] }))], 'transaction_data[0].credential_ids[1]'],
    ['a __proto__ credential id', [b64(payment({ credential_ids: ['__proto__'] }))], 'transaction_data[0].credential_ids[0]'],
    ['transaction_data_hashes_alg not an array', [b64(payment({ transaction_data_hashes_alg: 'sha-256' }))], 'transaction_data[0].transaction_data_hashes_alg'],
    ['transaction_data_hashes_alg empty', [b64(payment({ transaction_data_hashes_alg: [] }))], 'transaction_data[0].transaction_data_hashes_alg'],
    ['only unsupported hash algorithms', [b64(payment({ transaction_data_hashes_alg: ['md5'] }))], 'transaction_data[0].transaction_data_hashes_alg'],
    ['a field the type does not know', [b64(payment({ tip: '1' }))], 'transaction_data[0]'],
    ['a field of the wrong type', [b64(payment({ amount: 42 }))], 'transaction_data[0]'],
  ];
  it.each(cases)('%s is ERR_TRANSACTION_DATA (invalid_transaction_data) at its path', (_what, raw, path) => {
    expect(errorOf(() => readTransactionData(raw, query, [PAYMENT]))).toMatchObject({ code: 'ERR_TRANSACTION_DATA', path });
  });

  it('a TypeError for types that are not an array (programmer misuse)', () => {
    expect(() => readTransactionData([b64(payment())], query, undefined as never)).toThrow(TypeError);
  });
});

describe('transaction_data: the B.2.1 mdoc binding (not final)', () => {
  let issuer: TestIssuer;
  let device: PrivateKey;
  let authorized: HeldDocument;
  let unauthorized: HeldDocument;

  beforeAll(async () => {
    issuer = await testIssuer(backend);
    device = await deviceKey(backend);
    const common = {
      docType: MDL,
      nameSpaces: MDL_DATA,
      deviceKey: publicKeyOf(device),
      validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * 86_400_000) },
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend,
    };
    authorized = { issuerSigned: await issueMdoc({ ...common, keyAuthorizations: { dataElements: new Map([[TX_NS, ['payment']]]) } }), deviceKey: device };
    unauthorized = { issuerSigned: await issueMdoc({ ...common, keyAuthorizations: { nameSpaces: ['org.example.else'] } }), deviceKey: device };
  });

  async function presentWith(doc: HeldDocument, raw: string[]): Promise<VerifiedDocument> {
    const entries = readTransactionData(raw, query, [PAYMENT]);
    const assigned = assignTransactionData(entries, ['mdl']);
    const bound = await bindMdocTransactionData(doc, assigned.get('mdl')!, [PAYMENT], { backend });
    expect(bound.elements).toEqual({ [TX_NS]: ['payment'] });
    const response = await buildDeviceResponse({ documents: [bound.document], elements: { [NS]: ['family_name'], ...bound.elements }, sessionTranscript, backend });
    const report = await verifyDeviceResponse(response, { trustAnchors: [issuer.iaca], sessionTranscript, now: NOW, backend });
    expect(report.valid).toBe(true);
    return report.documents[0]!;
  }

  it('wallet: the hash of the received string goes into DeviceSigned; verifier: finds it device-signed', async () => {
    const raw = [b64(payment())];
    const doc = await presentWith(authorized, raw);
    const [entry] = readTransactionData(raw, query, [PAYMENT]);
    const hash = await transactionDataHash(entry!, { backend });
    expect(hash).toEqual(await backend.digest('SHA-256', utf8Encode(raw[0]!)));
    expect(doc.deviceSigned[TX_NS]?.payment).toEqual(hash);
    const checks = await checkMdocTransactionData([entry!], [PAYMENT], { mdl: [doc] }, { backend });
    expect(checks).toEqual([{ index: 0, type: PAYMENT.type, ok: true, credentialId: 'mdl', detail: `${TX_NS}/payment device-signed in mdl` }]);
  });

  it('transaction_data_hashes_alg picks the first supported algorithm', async () => {
    const raw = [b64(payment({ transaction_data_hashes_alg: ['sha3-256', 'sha-384'] }))];
    const doc = await presentWith(authorized, raw);
    expect(doc.deviceSigned[TX_NS]!.payment).toHaveLength(48);
    const entries = readTransactionData(raw, query, [PAYMENT]);
    expect((await checkMdocTransactionData(entries, [PAYMENT], { mdl: [doc] }, { backend }))[0]!.ok).toBe(true);
  });

  it('verifier: a presentation bound to other transaction data, or without it, fails', async () => {
    const doc = await presentWith(authorized, [b64(payment())]);
    const other = readTransactionData([b64(payment({ amount: '4200.00 EUR' }))], query, [PAYMENT]);
    const [wrong] = await checkMdocTransactionData(other, [PAYMENT], { mdl: [doc] }, { backend });
    expect(wrong).toMatchObject({ ok: false, detail: expect.stringMatching(/another value/) });
    const [absent] = await checkMdocTransactionData(other, [PAYMENT], { mdl: [] }, { backend });
    expect(absent).toMatchObject({ ok: false, detail: `no presentation of mdl carries ${TX_NS}/payment device-signed` });
    const [noBinding] = await checkMdocTransactionData(other, [{ type: PAYMENT.type }], { mdl: [doc] }, { backend });
    expect(noBinding!.ok).toBe(false);
    // An element that came back issuer-signed does not count.
    const issuerSide = { ...doc, deviceSigned: {}, issuerSigned: { [TX_NS]: { payment: doc.deviceSigned[TX_NS]!.payment! } } } as VerifiedDocument;
    const [fromIssuer] = await checkMdocTransactionData(readTransactionData([b64(payment())], query, [PAYMENT]), [PAYMENT], { mdl: [issuerSide] }, { backend });
    expect(fromIssuer!.ok).toBe(false);
  });

  it('wallet: refused when KeyAuthorizations do not authorize the element, the type has no mdoc binding, or no referenced credential is answered', async () => {
    const entries = readTransactionData([b64(payment())], query, [PAYMENT]);
    await expect(bindMdocTransactionData(unauthorized, entries, [PAYMENT], { backend })).rejects.toMatchObject({ code: 'ERR_TRANSACTION_DATA', path: 'transaction_data[0].type' });
    await expect(bindMdocTransactionData(authorized, entries, [{ type: PAYMENT.type }], { backend })).rejects.toMatchObject({ code: 'ERR_TRANSACTION_DATA' });
    const twice = readTransactionData([b64(payment()), b64(payment({ amount: '1.00 EUR' }))], query, [PAYMENT]);
    await expect(bindMdocTransactionData(authorized, twice, [PAYMENT], { backend })).rejects.toMatchObject({ code: 'ERR_TRANSACTION_DATA' });
    expect(errorOf(() => assignTransactionData(entries, ['other']))).toMatchObject({ code: 'ERR_TRANSACTION_DATA', path: 'transaction_data[0].credential_ids' });
    const either = readTransactionData([b64(payment({ credential_ids: ['other', 'mdl'] }))], query, [PAYMENT]);
    expect([...assignTransactionData(either, ['mdl', 'other']).keys()]).toEqual(['other']);
  });
});
