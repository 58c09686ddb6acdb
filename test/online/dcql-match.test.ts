/**
 * DCQL against real mdocs (OpenID4VP 1.0 §6.1.1, §6.4, B.2): the wallet's matching with its
 * explanations (matchDcql), and the verifier's evaluator (evaluateDcql) over documents that
 * were built, presented and verified with shomei, including the specification's mso_mdoc
 * examples from vectors/openid4vp/dcql-examples.json.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EncodedCbor, encode, FullDate } from '../../src/cbor/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { PrivateKey } from '../../src/crypto/types.js';
import { toBase64Url } from '../../src/internal/bytes.js';
import { buildDeviceResponse, type ElementSelection, type HeldDocument, issueMdoc, verifyDeviceResponse } from '../../src/mdoc/index.js';
import {
  createOpenId4VpDcApiResponse,
  type DcqlCredentialQuery,
  type DcqlPresentedDocument,
  type DcqlQuery,
  evaluateDcql,
  matchDcql,
  openOpenId4VpDcApiResponse,
  presentedDocument,
  readOpenId4VpDcApiRequest,
} from '../../src/online/index.js';
import { openId4VpDcApiHandover } from '../../src/online/handovers.js';
import { loadVector } from '../helpers/vectors.js';
import { deviceKey, MDL_DATA, NOW, type TestIssuer, testIssuer } from '../mdoc/fixtures.js';

const backend = nobleBackend;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const PHOTO_ID = 'org.iso.23220.photoid.1';
const MVRC = 'org.iso.7367.1.mVRC';
const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['dcql-test', 1]]), null).tagged;
const examples = loadVector('openid4vp/dcql-examples.json') as { queries: { name: string; query: DcqlQuery }[] };
const example = (name: string) => examples.queries.find((q) => q.name === name)!.query;

const mdoc = (id: string, docType: string, claims: (string | [string, string, unknown[]?])[], extra: Record<string, unknown> = {}): DcqlCredentialQuery =>
  ({
  id,
  format: 'mso_mdoc',
  meta: { doctype_value: docType },
  claims: claims.map((c) => (typeof c === 'string' ? { path: [NS, c] } : { path: [c[0], c[1]], ...(c[2] === undefined ? {} : { values: c[2] }) })),
  ...extra,
  }) as DcqlCredentialQuery;

describe('DCQL with built mdocs', () => {
  let issuer: TestIssuer;
  let other: TestIssuer;
  let device: PrivateKey;
  let docs: Record<'mdl' | 'mdl2' | 'photo' | 'mvrc' | 'foreign', HeldDocument>;
  let iacaKid: string;

  beforeAll(async () => {
    issuer = await testIssuer(backend);
    other = await testIssuer(backend, 'P-256', 'JP');
    device = await deviceKey(backend);
    const validity = { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * 86_400_000) };
    const by = (i: TestIssuer) => ({ deviceKey: publicKeyOf(device), validity, issuer: { signer: i.dsKey, certificates: [i.ds.der] }, backend });
    const address = { resident_address: '1-1 Chiyoda', resident_country: 'JP' };
    const held = async (docType: string, nameSpaces: Record<string, Record<string, unknown>>, i = issuer): Promise<HeldDocument> => ({
      issuerSigned: await issueMdoc({ docType, nameSpaces: nameSpaces as never, ...by(i) }),
      deviceKey: device,
    });
    docs = {
      mdl: await held(MDL, { [NS]: { ...MDL_DATA[NS], ...address } }),
      mdl2: await held(MDL, { [NS]: { ...MDL_DATA[NS], family_name: 'Suzuki', age_over_18: false, age_over_21: false } }),
      photo: await held(PHOTO_ID, { [NS]: { given_name: 'Taro', family_name: 'Yamada', portrait: MDL_DATA[NS].portrait } }),
      mvrc: await held(MVRC, { 'org.iso.7367.1': { vehicle_holder: 'Taro Yamada' }, [NS]: { given_name: 'Taro' } }),
      foreign: await held(MDL, { [NS]: { ...MDL_DATA[NS] } }, other),
    };
    iacaKid = toBase64Url(issuer.iaca.subjectKeyIdentifier!.keyIdentifier);
  });

  /** Present `doc` disclosing `selection`, verify it, and give the evaluator's view. */
  async function present(doc: HeldDocument, selection: ElementSelection): Promise<DcqlPresentedDocument> {
    const response = await buildDeviceResponse({ documents: [doc], elements: selection, sessionTranscript, backend });
    const report = await verifyDeviceResponse(response, { trustAnchors: [issuer.iaca, other.iaca], sessionTranscript, now: NOW, backend });
    expect(report.valid).toBe(true);
    return presentedDocument(report.documents[0]!);
  }

  /** What a wallet would present for `query`: its proposal, each credential's first candidate. */
  async function answer(query: DcqlQuery, held: HeldDocument[]): Promise<Record<string, DcqlPresentedDocument[]>> {
    const match = matchDcql(query, held);
    expect(match.satisfiable).toBe(true);
    const out: Record<string, DcqlPresentedDocument[]> = {};
    for (const id of match.proposal!) {
      const c = match.credentials[id]!.candidates[0]!;
      out[id] = [await present(held[c.index]!, c.selection)];
    }
    return out;
  }

  describe('the specification examples', () => {
    it('simple_mdoc (App. D): the mVRC answers, and the presentation satisfies the query', async () => {
      const q = example('simple_mdoc');
      const match = matchDcql(q, [docs.mdl, docs.mvrc]);
      expect(match.credentials.my_credential!.candidates.map((c) => c.index)).toEqual([1]);
      expect(match.credentials.my_credential!.rejected).toEqual([{ index: 0, docType: MDL, reasons: [expect.objectContaining({ code: 'DOCTYPE' })] }]);
      expect(match.credentials.my_credential!.candidates[0]!.selection).toEqual({ 'org.iso.7367.1': ['vehicle_holder'], [NS]: ['given_name'] });
      const evaluation = evaluateDcql(q, await answer(q, [docs.mdl, docs.mvrc]));
      expect(evaluation).toMatchObject({ satisfied: true, sets: [], unmet: [], unexpected: [] });
      expect(evaluation.credentials.my_credential).toMatchObject({ ok: true, presented: 1, documents: [{ ok: true, reasons: [], extra: [] }] });
    });

    it('complex_mdoc (App. D): the ID from the mDL, the optional address too; from a photo ID alone, the required set still holds', async () => {
      const q = example('complex_mdoc');
      const both = matchDcql(q, [docs.photo, docs.mdl]);
      expect(both.proposal).toEqual(['mdl-id', 'mdl-address']);
      expect(both.sets).toEqual([
        { index: 0, required: true, options: [{ ids: ['mdl-id'], satisfiable: true }, { ids: ['photo_card-id'], satisfiable: true }] },
        { index: 1, required: false, options: [{ ids: ['mdl-address'], satisfiable: true }, { ids: ['photo_card-address'], satisfiable: false }] },
      ]);
      const evaluation = evaluateDcql(q, await answer(q, [docs.photo, docs.mdl]));
      expect(evaluation.satisfied).toBe(true);
      expect(evaluation.sets).toEqual([
        { index: 0, required: true, satisfied: true, option: ['mdl-id'] },
        { index: 1, required: false, satisfied: true, option: ['mdl-address'] },
      ]);
      const photoOnly = await answer(q, [docs.photo]);
      expect(Object.keys(photoOnly)).toEqual(['photo_card-id']);
      const e2 = evaluateDcql(q, photoOnly);
      expect(e2.satisfied).toBe(true);
      expect(e2.sets[0]).toEqual({ index: 0, required: true, satisfied: true, option: ['photo_card-id'] });
      expect(e2.sets[1]).toEqual({ index: 1, required: false, satisfied: false, lacking: [['mdl-address'], ['photo_card-address']] });
      expect(e2.credentials['mdl-id']!.reasons).toEqual([expect.objectContaining({ code: 'NOT_PRESENTED' })]);
    });

    it('complex_mdoc: without the portrait disclosed, the required set is unmet and says why', async () => {
      const q = example('complex_mdoc');
      const doc = await present(docs.mdl, { [NS]: ['given_name', 'family_name'] });
      const evaluation = evaluateDcql(q, { 'mdl-id': [doc] });
      expect(evaluation.satisfied).toBe(false);
      expect(evaluation.credentials['mdl-id']!.documents[0]!.reasons).toEqual([
        { code: 'CLAIM_MISSING', detail: `${NS}/portrait is not present`, claim: { namespace: NS, element: 'portrait', id: 'portrait' } },
      ]);
      expect(evaluation.unmet).toEqual(['credential_sets[0]: none of [mdl-id] or [photo_card-id] is satisfied']);
      expect(evaluation.sets[0]).toMatchObject({ satisfied: false, lacking: [['mdl-id'], ['photo_card-id']] });
    });

    it('multi_credentials (App. D): the mdoc part evaluates; the dc+sd-jwt part is not presented, so the query is unmet', async () => {
      const q = example('multi_credentials');
      const match = matchDcql(q, [docs.mvrc]);
      expect(match.satisfiable).toBe(false);
      expect(match.credentials.pid!.rejected[0]!.reasons[0]!.code).toBe('FORMAT');
      const mdl = match.credentials.mdl!.candidates[0]!;
      const evaluation = evaluateDcql(q, { mdl: [await present(docs.mvrc, mdl.selection)] });
      expect(evaluation.satisfied).toBe(false);
      expect(evaluation.credentials.mdl!.ok).toBe(true);
      expect(evaluation.unmet).toEqual(['pid: nothing was presented for pid']);
      // A presentation under the sd-jwt id is not evaluated.
      expect(evaluateDcql(q, { pid: [await present(docs.mvrc, mdl.selection)] }).credentials.pid!.reasons).toEqual([expect.objectContaining({ code: 'FORMAT' })]);
    });
  });

  describe('wallet matching', () => {
    it('claim_sets: the first option the document meets, in the verifier order', () => {
      const q = {
        credentials: [
          mdoc('age', MDL, [], {
            claims: [
              { id: 'over18', path: [NS, 'age_over_18'], values: [true] },
              { id: 'birth', path: [NS, 'birth_date'] },
            ],
            claim_sets: [['over18'], ['birth']],
          }),
        ],
      };
      const m = matchDcql(q, [docs.mdl, docs.mdl2, docs.photo]);
      const c = m.credentials.age!;
      expect(c.candidates.map((x) => [x.index, x.claimSet, x.selection])).toEqual([
        [0, ['over18'], { [NS]: ['age_over_18'] }],
        [1, ['birth'], { [NS]: ['birth_date'] }],
      ]);
      expect(c.rejected).toEqual([{ index: 2, docType: PHOTO_ID, reasons: [expect.objectContaining({ code: 'DOCTYPE' })] }]);
    });

    it('values: type and value must match (text, integers, booleans, full-date as text); a mismatch is explained', () => {
      const q = (values: unknown[], element = 'family_name') => ({ credentials: [mdoc('m', MDL, [[NS, element, values]])] });
      const ids = (query: DcqlQuery) => matchDcql(query, [docs.mdl, docs.mdl2]).credentials.m!.candidates.map((c) => c.index);
      expect(ids(q(['Suzuki']))).toEqual([1]);
      expect(ids(q(['Yamada', 'Suzuki']))).toEqual([0, 1]);
      expect(ids(q(['1990-04-01'], 'birth_date'))).toEqual([0, 1]);
      expect(ids(q([true], 'age_over_18'))).toEqual([0]);
      expect(ids(q(['true'], 'age_over_18'))).toEqual([]);
      expect(ids(q([toBase64Url(MDL_DATA[NS].portrait)], 'portrait'))).toEqual([0, 1]);
      // age_over_20 is answered by the nearest held attestation: age_over_21 true (mdl), age_over_18 false (mdl2).
      expect(ids(q([true], 'age_over_20'))).toEqual([0]);
      expect(ids(q([false], 'age_over_20'))).toEqual([1]);
      const rejected = matchDcql(q(['Sato']), [docs.mdl]).credentials.m!.rejected[0]!;
      expect(rejected.reasons).toEqual([{ code: 'VALUE_MISMATCH', detail: `${NS}/family_name is "Yamada", none of ["Sato"]`, claim: { namespace: NS, element: 'family_name' } }]);
      const missing = matchDcql(q(['x'], 'nationality'), [docs.mdl]).credentials.m!.rejected[0]!;
      expect(missing.reasons[0]!.code).toBe('CLAIM_MISSING');
    });

    it('multiple and credential_sets: every candidate listed; optional and alternative sets proposed in order', () => {
      const q: DcqlQuery = {
        credentials: [mdoc('any_mdl', MDL, ['family_name'], { multiple: true }), mdoc('photo', PHOTO_ID, ['portrait']), mdoc('car', MVRC, [['org.iso.7367.1', 'vehicle_holder']])],
        credential_sets: [{ options: [['photo'], ['any_mdl']] }, { options: [['car']], required: false }],
      };
      const m = matchDcql(q, [docs.mdl, docs.mdl2]);
      expect(m.credentials.any_mdl!).toMatchObject({ multiple: true });
      expect(m.credentials.any_mdl!.candidates.map((c) => c.index)).toEqual([0, 1]);
      expect(m.proposal).toEqual(['any_mdl']);
      expect(matchDcql(q, [docs.photo, docs.mvrc, docs.mdl]).proposal).toEqual(['photo', 'car']);
      expect(matchDcql(q, [docs.mvrc])).toMatchObject({ satisfiable: false });
      expect(matchDcql(q, [docs.mvrc]).proposal).toBeUndefined();
    });

    it('trusted_authorities: aki matches the IACA key id of the held chain; other types need a resolver', () => {
      const q = (ta: unknown[]) => ({ credentials: [mdoc('m', MDL, ['family_name'], { trusted_authorities: ta })] });
      const held = [docs.mdl, docs.foreign];
      const aki = matchDcql(q([{ type: 'aki', values: ['AAAA', iacaKid] }]), held).credentials.m!;
      expect(aki.candidates.map((c) => [c.index, c.trust])).toEqual([[0, { status: 'matched', matched: { type: 'aki', value: iacaKid }, notEvaluated: [] }]]);
      expect(aki.rejected).toEqual([{ index: 1, docType: MDL, reasons: [{ code: 'TRUSTED_AUTHORITY', detail: 'the issuer chain matches none of trusted_authorities' }] }]);
      // ETSI trusted lists and federations: not evaluated (kept), unless strict or resolved.
      const tl = q([{ type: 'etsi_tl', values: ['https://lotl.example.com'] }]);
      expect(matchDcql(tl, held).credentials.m!.candidates.map((c) => c.trust?.status)).toEqual(['not-evaluated', 'not-evaluated']);
      expect(matchDcql(tl, held, { strictTrustedAuthorities: true }).credentials.m!.candidates).toEqual([]);
      const resolver = (value: string, chain: { certificates: readonly Uint8Array[] }) => value === 'https://lotl.example.com' && chain.certificates.some((c) => c.length === issuer.ds.der.length && c.every((b, i) => b === issuer.ds.der[i]));
      const resolved = matchDcql(tl, held, { trustResolvers: { etsi_tl: resolver } }).credentials.m!;
      expect(resolved.candidates.map((c) => [c.index, c.trust?.status])).toEqual([[0, 'matched']]);
      expect(resolved.rejected.map((r) => r.reasons[0]!.code)).toEqual(['TRUSTED_AUTHORITY']);
    });

    it('the DC API wallet leaves out a document whose issuer is not a trusted authority', async () => {
      const origin = 'https://verifier.example';
      const data = {
        response_type: 'vp_token',
        response_mode: 'dc_api',
        nonce: 'n-0S6_WzA2Mj',
        dcql_query: { credentials: [mdoc('m', MDL, ['family_name'], { trusted_authorities: [{ type: 'aki', values: [iacaKid] }] })] },
      };
      const request = await readOpenId4VpDcApiRequest(data, origin, { backend });
      await expect(createOpenId4VpDcApiResponse(request, { documents: [docs.foreign], backend })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
      const answer = await createOpenId4VpDcApiResponse(request, { documents: [docs.foreign, docs.mdl], backend });
      const transcript = await openId4VpDcApiHandover({ origin, nonce: data.nonce, jwkThumbprint: null }, { backend });
      const state = { origin, nonce: data.nonce, responseMode: 'dc_api' as const, dcqlQuery: request.dcqlQuery, transcript };
      const result = await openOpenId4VpDcApiResponse(answer, state, { trustAnchors: [issuer.iaca, other.iaca], now: NOW, backend });
      expect(result.valid).toBe(true);
      // How the verifier runs the evaluator over an OpenID4VP result.
      const presented = Object.fromEntries(Object.entries(result.presentations).map(([id, list]) => [id, list.map((p) => presentedDocument(p.verification.documents[0]!))]));
      const evaluation = evaluateDcql(request.dcqlQuery, presented);
      expect(evaluation.satisfied).toBe(true);
      expect(evaluation.credentials.m!.documents[0]!.trust).toEqual({ status: 'matched', matched: { type: 'aki', value: iacaKid }, notEvaluated: [] });
    });
  });

  describe('verifier evaluation', () => {
    const doc = (elements: Record<string, Record<string, unknown>>, extra: Partial<DcqlPresentedDocument> = {}): DcqlPresentedDocument => ({
      docType: MDL,
      elements: elements as DcqlPresentedDocument['elements'],
      ...extra,
    });

    it('names each reason: doctype, value, multiple, holder binding, invalid, trusted authority, unexpected ids', () => {
      const q: DcqlQuery = {
        credentials: [
          mdoc('a', MDL, [[NS, 'family_name', ['Yamada']]], { trusted_authorities: [{ type: 'aki', values: [iacaKid] }] }),
          mdoc('b', MDL, ['given_name'], { require_cryptographic_holder_binding: false }),
        ],
      };
      const good = doc({ [NS]: { family_name: 'Yamada', given_name: 'Taro' } }, { holderBinding: true });
      const r = evaluateDcql(q, {
        a: [
          good,
          doc({ [NS]: { family_name: 'Sato' } }, { docType: PHOTO_ID, holderBinding: false, valid: false, issuerChain: { keyIdentifiers: [new Uint8Array(20)], certificates: [] } }),
        ],
        b: [doc({ [NS]: { given_name: 'Taro' } }, { holderBinding: false })],
        zzz: [good],
      });
      expect(r.satisfied).toBe(false);
      expect(r.unexpected).toEqual(['zzz']);
      expect(r.credentials.a!.reasons.map((x) => x.code)).toEqual(['MULTIPLE']);
      expect(r.credentials.a!.documents[0]).toMatchObject({ ok: true, trust: { status: 'not-evaluated', notEvaluated: ['aki'] }, extra: [`${NS}/given_name`] });
      expect(r.credentials.a!.documents[1]!.reasons.map((x) => x.code)).toEqual(['INVALID', 'DOCTYPE', 'VALUE_MISMATCH', 'TRUSTED_AUTHORITY', 'HOLDER_BINDING']);
      expect(r.credentials.b).toMatchObject({ ok: true });
      expect(r.unmet[0]).toMatch(/^a: 2 presentations for a, which does not allow multiple; document 1: the presentation did not verify/);
    });

    it('a presentation signed over another transcript: not valid, no holder binding (from the verification report)', async () => {
      const response = await buildDeviceResponse({ documents: [docs.mdl], elements: { [NS]: ['family_name'] }, sessionTranscript, backend });
      const otherTranscript = EncodedCbor.wrap(encode([null, null, ['another', 2]]), null).tagged;
      const report = await verifyDeviceResponse(response, { trustAnchors: [issuer.iaca], sessionTranscript: otherTranscript, now: NOW, backend });
      const presented = presentedDocument(report.documents[0]!);
      expect(presented).toMatchObject({ holderBinding: false, valid: false });
      const q: DcqlQuery = { credentials: [mdoc('a', MDL, ['family_name'])] };
      expect(evaluateDcql(q, { a: [presented] }).credentials.a!.documents[0]!.reasons.map((x) => x.code)).toEqual(['INVALID', 'HOLDER_BINDING']);
    });

    it('age_over_NN is answered by the nearest age_over_MM, values and all; full-date and tdate match as text', () => {
      const q: DcqlQuery = { credentials: [mdoc('a', MDL, [[NS, 'age_over_20', [true]], [NS, 'birth_date', ['1990-04-01']]])] };
      const over21 = doc({ [NS]: { age_over_21: true, birth_date: FullDate.of(1990, 4, 1) } });
      expect(evaluateDcql(q, { a: [over21] }).satisfied).toBe(true);
      const under18 = doc({ [NS]: { age_over_18: false, birth_date: FullDate.of(1990, 4, 1) } });
      expect(evaluateDcql(q, { a: [under18] }).credentials.a!.documents[0]!.reasons).toEqual([
        { code: 'VALUE_MISMATCH', detail: `${NS}/age_over_20 is false, none of [true]`, claim: { namespace: NS, element: 'age_over_20' } },
      ]);
      expect(evaluateDcql(q, { a: [doc({ [NS]: { age_over_21: 'yes', birth_date: '1990-04-01' } })] }).credentials.a!.documents[0]!.reasons.map((x) => x.code)).toEqual(['CLAIM_MISSING']);
    });

    it('a presentation map with __proto__ or constructor keys is data, not a prototype', () => {
      const q: DcqlQuery = { credentials: [mdoc('a', MDL, ['family_name'])] };
      const presented = JSON.parse('{"__proto__":[{"docType":"x","elements":{}}],"constructor":[]}');
      const r = evaluateDcql(q, presented);
      expect([...r.unexpected].sort()).toEqual(['__proto__', 'constructor']);
      expect(Object.getPrototypeOf(r.credentials)).toBeNull();
      expect(r.credentials.a!.reasons[0]!.code).toBe('NOT_PRESENTED');
    });
  });
});
