/**
 * Reading DCQL queries (OpenID4VP 1.0 §6, §7.2, B.2.3/B.2.4): the specification's examples
 * (vectors/openid4vp/dcql-examples.json), every validity rule as an ERR_ONLINE_MESSAGE with
 * the member's path, unknown members ignored, and shomei's caps (ERR_DCQL_LIMIT).
 */
import { describe, expect, it } from 'vitest';
import { DCQL_LIMITS, type DcqlQuery, readDcqlQuery } from '../../src/online/index.js';
import { loadVector } from '../helpers/vectors.js';

const NS = 'org.iso.18013.5.1';
const MDL = 'org.iso.18013.5.1.mDL';

interface Examples {
  readonly queries: readonly { readonly name: string; readonly source: string; readonly mdoc: boolean | 'mixed'; readonly query: DcqlQuery }[];
  readonly trusted_authorities: readonly { readonly source: string; readonly entry: { type: string; values: string[] } }[];
}
const examples = loadVector('openid4vp/dcql-examples.json') as Examples;

const cred = (extra: Record<string, unknown> = {}) => ({ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: MDL }, claims: [{ path: [NS, 'family_name'] }], ...extra });
const query = (extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({ credentials: [cred(extra)], ...top });

function errorOf(f: () => unknown): { code?: string; path?: string } {
  try {
    f();
  } catch (e) {
    return e as { code?: string; path?: string };
  }
  throw new Error('expected a throw');
}

describe('DCQL: the OpenID4VP 1.0 examples', () => {
  it.each(examples.queries.map((q) => [q.name, q] as const))('%s reads, with its mso_mdoc queries', (_name, ex) => {
    const { query: q, mdoc, other } = readDcqlQuery(ex.query);
    expect(q).toEqual(ex.query);
    const mdocIds = ex.query.credentials.filter((c) => c.format === 'mso_mdoc').map((c) => c.id);
    expect(mdoc.map((m) => m.id)).toEqual(mdocIds);
    expect(other).toEqual(ex.query.credentials.filter((c) => c.format !== 'mso_mdoc').map((c) => c.id));
    expect(mdocIds.length > 0).toBe(ex.mdoc !== false);
  });

  it('simple_mdoc reads as namespace/element claims of the mVRC doctype', () => {
    const { mdoc } = readDcqlQuery(examples.queries.find((q) => q.name === 'simple_mdoc')!.query);
    expect(mdoc).toEqual([
      {
        id: 'my_credential',
        docType: 'org.iso.7367.1.mVRC',
        multiple: false,
        claims: [
          { namespace: 'org.iso.7367.1', element: 'vehicle_holder', intentToRetain: false },
          { namespace: NS, element: 'given_name', intentToRetain: false },
        ],
        nameSpaces: { 'org.iso.7367.1': { vehicle_holder: false }, [NS]: { given_name: false } },
      },
    ]);
  });

  it.each(examples.trusted_authorities.map((t) => [t.source, t.entry] as const))('%s is read as a trusted_authorities entry', (_s, entry) => {
    const { mdoc } = readDcqlQuery(query({ trusted_authorities: [entry] }));
    expect(mdoc[0]!.trustedAuthorities).toEqual([entry]);
  });

  it('reads require_cryptographic_holder_binding, multiple, intent_to_retain, values and claim_sets', () => {
    const { mdoc } = readDcqlQuery(
      query({
        multiple: true,
        require_cryptographic_holder_binding: false,
        claims: [
          { id: 'a', path: [NS, 'age_over_18'], values: [true], intent_to_retain: true },
          { id: 'b', path: [NS, 'birth_date'] },
        ],
        claim_sets: [['a'], ['b']],
      }),
    );
    expect(mdoc[0]).toMatchObject({
      multiple: true,
      requireCryptographicHolderBinding: false,
      claimSets: [['a'], ['b']],
      claims: [
        { id: 'a', namespace: NS, element: 'age_over_18', values: [true], intentToRetain: true },
        { id: 'b', namespace: NS, element: 'birth_date', intentToRetain: false },
      ],
      nameSpaces: { [NS]: { age_over_18: true, birth_date: false } },
    });
  });
});

describe('DCQL validity rules (§6, §7)', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', [], 'dcql_query'],
    ['no credentials', {}, 'dcql_query.credentials'],
    ['empty credentials', { credentials: [] }, 'dcql_query.credentials'],
    ['a credential that is not an object', { credentials: [1] }, 'dcql_query.credentials[0]'],
    ['no id', { credentials: [cred({ id: undefined })] }, 'dcql_query.credentials[0].id'],
    ['an empty id', query({ id: '' }), 'dcql_query.credentials[0].id'],
    ['an id with a dot', query({ id: 'a.b' }), 'dcql_query.credentials[0].id'],
    ['a duplicate id', { credentials: [cred(), cred()] }, 'dcql_query.credentials[1].id'],
    ['no format', query({ format: undefined }), 'dcql_query.credentials[0].format'],
    ['a numeric format', query({ format: 1 }), 'dcql_query.credentials[0].format'],
    ['multiple not a boolean', query({ multiple: 'true' }), 'dcql_query.credentials[0].multiple'],
    ['no meta', query({ meta: undefined }), 'dcql_query.credentials[0].meta'],
    ['meta an array', query({ meta: [] }), 'dcql_query.credentials[0].meta'],
    ['no doctype_value for mso_mdoc', query({ meta: {} }), 'dcql_query.credentials[0].meta.doctype_value'],
    ['an empty doctype_value', query({ meta: { doctype_value: '' } }), 'dcql_query.credentials[0].meta.doctype_value'],
    ['trusted_authorities empty', query({ trusted_authorities: [] }), 'dcql_query.credentials[0].trusted_authorities'],
    ['trusted_authorities entry without type', query({ trusted_authorities: [{ values: ['x'] }] }), 'dcql_query.credentials[0].trusted_authorities[0].type'],
    ['trusted_authorities entry with empty values', query({ trusted_authorities: [{ type: 'aki', values: [] }] }), 'dcql_query.credentials[0].trusted_authorities[0].values'],
    ['a non-string trusted_authorities value', query({ trusted_authorities: [{ type: 'etsi_tl', values: [7] }] }), 'dcql_query.credentials[0].trusted_authorities[0].values[0]'],
    ['an aki that is not base64url', query({ trusted_authorities: [{ type: 'aki', values: ['s9t+IpP='] }] }), 'dcql_query.credentials[0].trusted_authorities[0].values[0]'],
    ['require_cryptographic_holder_binding a string', query({ require_cryptographic_holder_binding: 'no' }), 'dcql_query.credentials[0].require_cryptographic_holder_binding'],
    ['empty claims', query({ claims: [] }), 'dcql_query.credentials[0].claims'],
    ['a claim that is not an object', query({ claims: ['x'] }), 'dcql_query.credentials[0].claims[0]'],
    ['a claim without path', query({ claims: [{ id: 'x' }] }), 'dcql_query.credentials[0].claims[0].path'],
    ['an empty path', query({ claims: [{ path: [] }] }), 'dcql_query.credentials[0].claims[0].path'],
    ['a one-part mdoc path', query({ claims: [{ path: [NS] }] }), 'dcql_query.credentials[0].claims[0].path'],
    ['a three-part mdoc path', query({ claims: [{ path: [NS, 'a', 'b'] }] }), 'dcql_query.credentials[0].claims[0].path'],
    ['a numeric mdoc path component', query({ claims: [{ path: [NS, 0] }] }), 'dcql_query.credentials[0].claims[0].path[1]'],
    ['a null mdoc path component', query({ claims: [{ path: [null, 'a'] }] }), 'dcql_query.credentials[0].claims[0].path[0]'],
    ['a negative JSON path index', { credentials: [{ id: 'p', format: 'dc+sd-jwt', meta: {}, claims: [{ path: ['a', -1] }] }] }, 'dcql_query.credentials[0].claims[0].path[1]'],
    ['a fractional JSON path index', { credentials: [{ id: 'p', format: 'dc+sd-jwt', meta: {}, claims: [{ path: ['a', 1.5] }] }] }, 'dcql_query.credentials[0].claims[0].path[1]'],
    ['an object in a JSON path', { credentials: [{ id: 'p', format: 'dc+sd-jwt', meta: {}, claims: [{ path: [{}] }] }] }, 'dcql_query.credentials[0].claims[0].path[0]'],
    ['a claim id with a space', query({ claims: [{ id: 'a b', path: [NS, 'a'] }] }), 'dcql_query.credentials[0].claims[0].id'],
    ['a duplicate claim id', query({ claims: [{ id: 'x', path: [NS, 'a'] }, { id: 'x', path: [NS, 'b'] }] }), 'dcql_query.credentials[0].claims[1].id'],
    ['empty values', query({ claims: [{ path: [NS, 'a'], values: [] }] }), 'dcql_query.credentials[0].claims[0].values'],
    ['an object in values', query({ claims: [{ path: [NS, 'a'], values: [{}] }] }), 'dcql_query.credentials[0].claims[0].values[0]'],
    ['null in values', query({ claims: [{ path: [NS, 'a'], values: [null] }] }), 'dcql_query.credentials[0].claims[0].values[0]'],
    ['a float in values', query({ claims: [{ path: [NS, 'a'], values: [1.5] }] }), 'dcql_query.credentials[0].claims[0].values[0]'],
    ['intent_to_retain not a boolean', query({ claims: [{ path: [NS, 'a'], intent_to_retain: 1 }] }), 'dcql_query.credentials[0].claims[0].intent_to_retain'],
    ['claim_sets without claims', query({ claims: undefined, claim_sets: [['x']] }), 'dcql_query.credentials[0].claim_sets'],
    ['claim_sets with a claim lacking an id', query({ claims: [{ id: 'x', path: [NS, 'a'] }, { path: [NS, 'b'] }], claim_sets: [['x']] }), 'dcql_query.credentials[0].claims[1].id'],
    ['empty claim_sets', query({ claims: [{ id: 'x', path: [NS, 'a'] }], claim_sets: [] }), 'dcql_query.credentials[0].claim_sets'],
    ['an empty claim_sets option', query({ claims: [{ id: 'x', path: [NS, 'a'] }], claim_sets: [[]] }), 'dcql_query.credentials[0].claim_sets[0]'],
    ['claim_sets naming an unknown claim', query({ claims: [{ id: 'x', path: [NS, 'a'] }], claim_sets: [['x'], ['y']] }), 'dcql_query.credentials[0].claim_sets[1][0]'],
    ['credential_sets empty', query({}, { credential_sets: [] }), 'dcql_query.credential_sets'],
    ['a credential set without options', query({}, { credential_sets: [{}] }), 'dcql_query.credential_sets[0].options'],
    ['empty options', query({}, { credential_sets: [{ options: [] }] }), 'dcql_query.credential_sets[0].options'],
    ['an empty option', query({}, { credential_sets: [{ options: [[]] }] }), 'dcql_query.credential_sets[0].options[0]'],
    ['an option naming an unknown credential', query({}, { credential_sets: [{ options: [['mdl'], ['nope']] }] }), 'dcql_query.credential_sets[0].options[1][0]'],
    ['required not a boolean', query({}, { credential_sets: [{ options: [['mdl']], required: 'false' }] }), 'dcql_query.credential_sets[0].required'],
  ];
  it.each(cases)('%s is ERR_ONLINE_MESSAGE at its path', (_what, raw, path) => {
    expect(errorOf(() => readDcqlQuery(raw))).toMatchObject({ code: 'ERR_ONLINE_MESSAGE', path });
  });

  it('ignores unknown members at every level (§6: "MUST ignore any unknown properties") and leaves them out of the copy', () => {
    const raw = {
      credentials: [{ ...cred({ claims: [{ path: [NS, 'a'], future: 1 }] }), future: { x: 1 } }],
      credential_sets: [{ options: [['mdl']], future: true }],
      future: [1, 2, 3],
    };
    const { query: q } = readDcqlQuery(raw);
    expect(q).toEqual({ credentials: [cred({ claims: [{ path: [NS, 'a'] }] })], credential_sets: [{ options: [['mdl']] }] });
  });

  it('a claim queried twice (§6.1) is read once, the first kept, unless claim_sets name both', () => {
    const twice = [{ path: [NS, 'family_name'] }, { path: [NS, 'family_name'], values: ['Sato'] }, { path: [NS, 'given_name'] }];
    const { query: q, mdoc } = readDcqlQuery(query({ claims: twice }));
    expect(q.credentials[0]!.claims).toHaveLength(3);
    expect(mdoc[0]!.claims).toEqual([
      { namespace: NS, element: 'family_name', intentToRetain: false },
      { namespace: NS, element: 'given_name', intentToRetain: false },
    ]);
    const withIds = twice.map((c, i) => ({ ...c, id: `c${i}` }));
    expect(readDcqlQuery(query({ claims: withIds, claim_sets: [['c1'], ['c0']] })).mdoc[0]!.claims).toHaveLength(3);
  });

  it('keeps other formats as read, checking only the format-independent rules', () => {
    const raw = { credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: ['x'] }, claims: [{ path: ['address', null, 0] }] }] };
    expect(readDcqlQuery(raw)).toEqual({ query: raw, mdoc: [], other: ['pid'] });
  });

  it('member names such as __proto__ and constructor are data, never the prototype', () => {
    const raw = JSON.parse(
      `{"credentials":[{"id":"mdl","format":"mso_mdoc","meta":{"doctype_value":"${MDL}","__proto__":{"polluted":true}},"__proto__":{"multiple":true},"claims":[{"path":["__proto__","constructor"]}]}],"__proto__":{"credential_sets":[]}}`,
    );
    const { query: q, mdoc } = readDcqlQuery(raw);
    expect(mdoc[0]!.multiple).toBe(false);
    expect(q.credential_sets).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(mdoc[0]!.nameSpaces, '__proto__')?.value).toEqual({ constructor: false });
    expect(Object.hasOwn(mdoc[0]!.nameSpaces, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('DCQL caps (DCQL_LIMITS)', () => {
  const many = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  const cases: [string, unknown, string][] = [
    ['credentials', { credentials: many(DCQL_LIMITS.credentials + 1, (i) => cred({ id: `c${i}` })) }, 'dcql_query.credentials'],
    ['claims', query({ claims: many(DCQL_LIMITS.claims + 1, (i) => ({ path: [NS, `e${i}`] })) }), 'dcql_query.credentials[0].claims'],
    ['claim_sets', query({ claims: [{ id: 'x', path: [NS, 'a'] }], claim_sets: many(DCQL_LIMITS.claimSets + 1, () => ['x']) }), 'dcql_query.credentials[0].claim_sets'],
    ['values', query({ claims: [{ path: [NS, 'a'], values: many(DCQL_LIMITS.values + 1, (i) => i) }] }), 'dcql_query.credentials[0].claims[0].values'],
    ['trusted_authorities', query({ trusted_authorities: many(DCQL_LIMITS.trustedAuthorities + 1, () => ({ type: 'etsi_tl', values: ['x'] })) }), 'dcql_query.credentials[0].trusted_authorities'],
    ['credential_sets', query({}, { credential_sets: many(DCQL_LIMITS.credentialSets + 1, () => ({ options: [['mdl']] })) }), 'dcql_query.credential_sets'],
    ['options', query({}, { credential_sets: [{ options: many(DCQL_LIMITS.options + 1, () => ['mdl']) }] }), 'dcql_query.credential_sets[0].options'],
    ['a long path', { credentials: [{ id: 'p', format: 'x', meta: {}, claims: [{ path: many(DCQL_LIMITS.pathLength + 1, () => 'a') }] }] }, 'dcql_query.credentials[0].claims[0].path'],
    ['a long string', query({ meta: { doctype_value: 'x'.repeat(DCQL_LIMITS.stringLength + 1) } }), 'dcql_query.credentials[0].meta.doctype_value'],
  ];
  it.each(cases)('too many %s is ERR_DCQL_LIMIT at its path', (_what, raw, path) => {
    expect(errorOf(() => readDcqlQuery(raw))).toMatchObject({ code: 'ERR_DCQL_LIMIT', path });
  });

  it('a query at the caps reads; the caps can be lowered per call', () => {
    const big = { credentials: many(DCQL_LIMITS.credentials, (i) => cred({ id: `c${i}` })) };
    expect(readDcqlQuery(big).mdoc).toHaveLength(DCQL_LIMITS.credentials);
    expect(errorOf(() => readDcqlQuery(query({ claims: [{ path: [NS, 'a'] }, { path: [NS, 'b'] }] }), { limits: { claims: 1 } }))).toMatchObject({ code: 'ERR_DCQL_LIMIT' });
  });
});
