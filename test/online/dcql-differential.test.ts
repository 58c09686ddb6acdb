/**
 * Fixed cases from the differential campaign of shomei's DCQL against the OpenWallet
 * Foundation's `dcql` 3.0.0 (.scratch/fuzz13, seeded): each class where the two disagreed,
 * with the result OpenID4VP 1.0 prescribes (the clause is named in each case), and the
 * hostile queries the campaign found (sparse arrays, reason details that grew with the query).
 */
import { describe, expect, it } from 'vitest';
import type { HeldDocument } from '../../src/mdoc/index.js';
import type { Held } from '../../src/online/dcql.js';
import { DCQL_LIMITS, type DcqlCredentialQuery, type DcqlPresentedDocument, type DcqlQuery, evaluateDcql, matchDcql, readDcqlQuery } from '../../src/online/index.js';
import { expectShomei } from '../hostile/helpers.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';

/** A held document as matching sees it (docType, elements; no issuer chain). */
function held(elements: Record<string, Record<string, unknown>>, docType = MDL): Held {
  const map = new Map(Object.entries(elements).map(([ns, els]) => [ns, new Map(Object.entries(els))] as const));
  return { held: undefined as unknown as HeldDocument, docType, items: new Map(), elements: map as Held['elements'], issuerChain: { keyIdentifiers: [], certificates: [] } };
}

const presented = (elements: Record<string, Record<string, unknown>>, docType = MDL): DcqlPresentedDocument => ({
  docType,
  elements: elements as DcqlPresentedDocument['elements'],
  holderBinding: true,
});

/** An mso_mdoc Credential Query for MDL (typed loosely: some cases break it on purpose). */
const cq = (id: string, claims?: unknown[], extra: Record<string, unknown> = {}): DcqlCredentialQuery =>
  ({ id, format: 'mso_mdoc', meta: { doctype_value: MDL }, ...(claims === undefined ? {} : { claims }), ...extra }) as DcqlCredentialQuery;

function readCode(query: unknown): string {
  try {
    readDcqlQuery(query);
    return 'accepted';
  } catch (e) {
    return expectShomei(e);
  }
}

describe('DCQL differential cases (OpenID4VP 1.0)', () => {
  describe('VP Token evaluation (§8.1, §8.6)', () => {
    it('more presentations than multiple allows reject the VP Token, even for a query only in an optional credential set', () => {
      const q: DcqlQuery = {
        credentials: [cq('a', [{ path: [NS, 'family_name'] }]), cq('b', [{ path: [NS, 'given_name'] }])],
        credential_sets: [{ options: [['a']] }, { options: [['b']], required: false }],
      };
      const doc = presented({ [NS]: { family_name: 'Yamada', given_name: 'Taro' } });
      const r = evaluateDcql(q, { a: [doc], b: [doc, doc] });
      // §8.1: "When multiple is omitted, or set to false, the array MUST contain only one
      // Presentation"; §8.6 step 1 validates that format, and a failed check "pertaining to the
      // VP Token" rejects it.
      expect(r.satisfied).toBe(false);
      expect(r.credentials.b!.reasons.map((x) => x.code)).toEqual(['MULTIPLE']);
      expect(r.unmet).toEqual(['b: 2 presentations, but multiple is not true (§8.1): the VP Token is rejected']);
      expect(evaluateDcql(q, { a: [doc], b: [doc] }).satisfied).toBe(true);
    });

    it('an entry for an id the query does not have rejects the VP Token', () => {
      const q: DcqlQuery = { credentials: [cq('a', [{ path: [NS, 'family_name'] }])] };
      const doc = presented({ [NS]: { family_name: 'Yamada' } });
      // §8.1: the keys of vp_token are "the id value used for a Credential Query in the DCQL query".
      const r = evaluateDcql(q, { a: [doc], zzz: [doc] });
      expect(r.satisfied).toBe(false);
      expect(r.unexpected).toEqual(['zzz']);
      expect(r.unmet).toEqual(['zzz: the VP Token has an entry for an id the query does not have (§8.1)']);
    });

    it('a presentation that does not meet its optional query is discarded, and the rest still satisfies the query', () => {
      const q: DcqlQuery = {
        credentials: [cq('a', [{ path: [NS, 'family_name'] }]), cq('b', [{ path: [NS, 'given_name'] }])],
        credential_sets: [{ options: [['a']] }, { options: [['b']], required: false }],
      };
      // §8.6: "If any of the checks related to an individual Presentation fail, the effected
      // Presentation MUST be discarded"; step 3 then needs only the required set.
      const r = evaluateDcql(q, { a: [presented({ [NS]: { family_name: 'Yamada' } })], b: [presented({ [NS]: { family_name: 'Yamada' } })] });
      expect(r.satisfied).toBe(true);
      expect(r.credentials.b!.ok).toBe(false);
      expect(r.sets.map((s) => s.satisfied)).toEqual([true, false]);
    });
  });

  describe('query validity (§6, §6.1–§6.3, §7.2, Appendix B.2.3)', () => {
    const base = (): { credentials: Record<string, unknown>[]; [k: string]: unknown } => ({ credentials: [{ ...cq('a', [{ id: 'c1', path: [NS, 'family_name'] }]) }] });
    const cases: [string, (q: ReturnType<typeof base>) => void, string][] = [
      ['meta is REQUIRED (§6.1)', (q) => delete q.credentials[0]!.meta, 'ERR_ONLINE_MESSAGE'],
      ['meta is an object (§6.1), not an array', (q) => (q.credentials[0]!.meta = []), 'ERR_ONLINE_MESSAGE'],
      ['doctype_value is REQUIRED for mso_mdoc (B.2.3)', (q) => (q.credentials[0]!.meta = {}), 'ERR_ONLINE_MESSAGE'],
      ['values is a non-empty array (§6.3)', (q) => (q.credentials[0]!.claims = [{ path: [NS, 'family_name'], values: [] }]), 'ERR_ONLINE_MESSAGE'],
      ['each option of a credential set is a non-empty array (§6.2)', (q) => (q.credential_sets = [{ options: [[], ['a']] }]), 'ERR_ONLINE_MESSAGE'],
      [
        'every claim has an id when claim_sets is present (§6.3)',
        (q) => Object.assign(q.credentials[0]!, { claims: [{ id: 'c1', path: [NS, 'family_name'] }, { path: [NS, 'given_name'] }], claim_sets: [['c1']] }),
        'ERR_ONLINE_MESSAGE',
      ],
      ['a claim id is used once in its claims array (§6.3)', (q) => (q.credentials[0]!.claims = [{ id: 'c1', path: [NS, 'family_name'] }, { id: 'c1', path: [NS, 'given_name'] }]), 'ERR_ONLINE_MESSAGE'],
      ['an mdoc claims path has exactly two components (§7.2.1)', (q) => (q.credentials[0]!.claims = [{ path: [NS, 'family_name', 'x'] }]), 'ERR_ONLINE_MESSAGE'],
      ['path is REQUIRED: the draft namespace/claim_name members are not a path (§6.3)', (q) => (q.credentials[0]!.claims = [{ namespace: NS, claim_name: 'family_name' }]), 'ERR_ONLINE_MESSAGE'],
      ['an aki value is base64url without padding (Terminology, §6.1.1.1)', (q) => (q.credentials[0]!.trusted_authorities = [{ type: 'aki', values: ['AQI='] }]), 'ERR_ONLINE_MESSAGE'],
      ['an unknown member of a credential set (the drafts\' purpose) is ignored (§6)', (q) => (q.credential_sets = [{ options: [['a']], purpose: true }]), 'accepted'],
      ['a Trusted Authorities Query type §6.1.1 does not define is kept, not refused', (q) => (q.credentials[0]!.trusted_authorities = [{ type: 'private_x', values: ['v'] }]), 'accepted'],
    ];
    it.each(cases)('%s', (_name, edit, expected) => {
      const q = base();
      edit(q);
      expect(readCode(q)).toBe(expected);
    });
  });

  describe('wallet matching (§6.3, §6.4.1, §7.2.1)', () => {
    it('an element named like an Object.prototype member is present only when the document holds it', () => {
      const q: DcqlQuery = { credentials: [cq('a', [{ path: ['ns2', 'toString'] }]), cq('b', [{ path: ['constructor', 'x'] }])] };
      // §7.2.1 step 3: "If the data element does not exist in the Credential then abort processing".
      const m = matchDcql(q, [held({ ns2: { nick: 'x' } })]);
      expect(m.credentials.a!.candidates).toEqual([]);
      expect(m.credentials.b!.candidates).toEqual([]);
      expect(m.satisfiable).toBe(false);
      expect(matchDcql(q, [held({ ns2: { toString: 1 }, constructor: { x: null } })]).satisfiable).toBe(true);
    });

    it('an element whose value is null exists: it answers a claim without values, and no values (§7.2.1)', () => {
      const q: DcqlQuery = { credentials: [cq('a', [{ path: [NS, 'nick'] }]), cq('b', [{ path: [NS, 'nick'], values: [''] }])] };
      const m = matchDcql(q, [held({ [NS]: { nick: null } })]);
      expect(m.credentials.a!.candidates.map((c) => c.index)).toEqual([0]);
      expect(m.credentials.b!.candidates).toEqual([]);
    });

    it('values match type and value exactly: "1", 1 and true differ, and so do NFC and NFD text (§6.3)', () => {
      const claim = (values: unknown[]) => ({ credentials: [cq('a', [{ path: [NS, 'n'], values }])] }) as DcqlQuery;
      const one = [held({ [NS]: { n: 1 } })];
      expect(matchDcql(claim([1]), one).satisfiable).toBe(true);
      expect(matchDcql(claim(['1']), one).satisfiable).toBe(false);
      expect(matchDcql(claim([true]), one).satisfiable).toBe(false);
      expect(matchDcql(claim(['caf\u00e9']), [held({ [NS]: { n: 'cafe\u0301' } })]).satisfiable).toBe(false);
    });

    it('claim_sets: the first option the document meets, in the verifier order (§6.4.1)', () => {
      const q: DcqlQuery = {
        credentials: [cq('a', [{ id: 'x', path: [NS, 'age_over_18'] }, { id: 'y', path: [NS, 'birth_date'] }, { id: 'z', path: [NS, 'nick'] }], { claim_sets: [['x'], ['y', 'z'], ['y']] })],
      };
      const m = matchDcql(q, [held({ [NS]: { birth_date: '1990-04-01', nick: 'T' } }), held({ [NS]: { birth_date: '1990-04-01' } })]);
      expect(m.credentials.a!.candidates.map((c) => c.claimSet)).toEqual([['y', 'z'], ['y']]);
    });
  });

  describe('hostile queries', () => {
    it('a sparse array (a caller object, never JSON) is refused as its hole, not a bare TypeError', () => {
      const holey = <T>(length: number, at: number, value: T): T[] => {
        const a = new Array<T>(length);
        a[at] = value;
        return a;
      };
      const cases: ((q: Record<string, unknown> & { credentials: Record<string, unknown>[] }) => void)[] = [
        (q) => (q.credentials = holey(2, 1, q.credentials[0]!)),
        (q) => Object.assign(q.credentials[0]!, { claims: holey(2, 1, { id: 'c1', path: [NS, 'n'] }), claim_sets: [['c1']] }),
        (q) => (q.credentials[0]!.claims = [{ path: holey(2, 1, 'n') }]),
        (q) => (q.credentials[0]!.claims = [{ path: [NS, 'n'], values: holey(2, 1, 'x') }]),
        (q) => Object.assign(q.credentials[0]!, { claims: [{ id: 'c1', path: [NS, 'n'] }], claim_sets: holey(2, 1, ['c1']) }),
        (q) => (q.credential_sets = holey(2, 1, { options: [['a']] })),
        (q) => (q.credential_sets = [{ options: holey(2, 1, ['a']) }]),
        (q) => (q.credentials[0]!.trusted_authorities = holey(2, 1, { type: 'aki', values: ['AQID'] })),
      ];
      for (const edit of cases) {
        const q: Record<string, unknown> & { credentials: Record<string, unknown>[] } = { credentials: [{ ...cq('a', [{ path: [NS, 'n'] }]) }] };
        edit(q);
        expect(readCode(q)).toBe('ERR_ONLINE_MESSAGE');
        expect(() => matchDcql(q as unknown as DcqlQuery, [held({ [NS]: { n: 1 } })])).toThrow(expect.objectContaining({ code: 'ERR_ONLINE_MESSAGE' }));
        expect(() => evaluateDcql(q as unknown as DcqlQuery, {})).toThrow(expect.objectContaining({ code: 'ERR_ONLINE_MESSAGE' }));
      }
    });

    it('a claim repeated in every claim_sets option with long values gives reasons of a bounded size', () => {
      const values = Array.from({ length: DCQL_LIMITS.values }, (_, i) => `${i}`.padEnd(DCQL_LIMITS.stringLength, 'x'));
      const q: DcqlQuery = {
        credentials: [cq('a', [{ id: 'c1', path: [NS, 'n'], values }], { claim_sets: Array.from({ length: 8 }, () => Array.from({ length: 8 }, () => 'c1')) })],
      };
      const m = matchDcql(q, [held({ [NS]: { n: 'no' } })]);
      const [reason] = m.credentials.a!.rejected[0]!.reasons;
      expect(reason!.code).toBe('CLAIM_SETS');
      expect(reason!.detail).toMatch(/^none of the 8 options of claim_sets is met: org\.iso\.18013\.5\.1\/n is "no", none of \["0x{63}…","1x{63}…","2x{63}…","3x{63}…",… \(64 in all\)\]$/);
      const e = evaluateDcql(q, { a: [presented({ [NS]: { n: 'no' } })] });
      expect(e.satisfied).toBe(false);
      expect(e.unmet.join('\n').length).toBeLessThan(1024);
    });
  });
});
