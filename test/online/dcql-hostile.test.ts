/**
 * Hostile DCQL queries and transaction_data (house rule: hostile input is normal input):
 * arbitrary JSON and structure-aware mutations of the specification's examples, seeded
 * (test/helpers/setup.ts), read, matched and evaluated. Each either succeeds or throws a
 * ShomeiError with an online code; nothing pollutes a prototype; huge and deep queries are
 * refused (or ignored, for unknown members) without walking them.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { toBase64Url, utf8Encode } from '../../src/internal/bytes.js';
import { type HeldDocument, issueMdoc } from '../../src/mdoc/index.js';
import { type DcqlQuery, evaluateDcql, issuerChainOf, matchDcql, readDcqlQuery, readTransactionData } from '../../src/online/index.js';
import { expectShomei } from '../hostile/helpers.js';
import { loadVector } from '../helpers/vectors.js';
import { deviceKey, MDL_DATA, NOW, testIssuer } from '../mdoc/fixtures.js';

const RUNS = 400;
const CODES = new Set(['ERR_ONLINE_MESSAGE', 'ERR_DCQL_LIMIT']);
const examples = (loadVector('openid4vp/dcql-examples.json') as { queries: { query: DcqlQuery }[] }).queries.map((q) => q.query);
const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

/** Replace the `node`-th value (depth-first) of `value` by `replacement`. */
function replaceAt(value: unknown, node: number, replacement: unknown): unknown {
  let i = 0;
  const walk = (v: unknown): unknown => {
    if (i++ === node) return replacement;
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

const nastyKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'credentials', 'claims', 'path', 'values', 'id', 'options', 'meta', 'doctype_value');
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 60, '', 'mso_mdoc', 'org.iso.18013.5.1', 'a.b', 'age_over_18'),
    fc.string({ maxLength: 8 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyKey, fc.string({ maxLength: 4 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('DCQL under hostile input', () => {
  let held: HeldDocument[];

  beforeAll(async () => {
    const issuer = await testIssuer(nobleBackend);
    const device = await deviceKey(nobleBackend);
    const issuerSigned = await issueMdoc({
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: MDL_DATA,
      deviceKey: publicKeyOf(device),
      validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 86_400_000) },
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend: nobleBackend,
    });
    held = [{ issuerSigned, deviceKey: device }];
  });

  /** Read, match and evaluate `raw`; only online ShomeiErrors may come out. */
  function exercise(raw: unknown): void {
    let query: DcqlQuery;
    try {
      query = readDcqlQuery(raw).query;
    } catch (e) {
      expect(CODES.has(expectShomei(e))).toBe(true);
      return;
    }
    const match = matchDcql(query, held);
    const presented = Object.fromEntries(Object.keys(match.credentials).map((id) => [id, [{ docType: 'org.iso.18013.5.1.mDL', elements: MDL_DATA }]]));
    const evaluation = evaluateDcql(query, presented);
    expect(typeof evaluation.satisfied).toBe('boolean');
  }

  it('arbitrary JSON as a query', () => {
    const before = protoKeys();
    fc.assert(fc.property(json, (raw) => exercise(raw)), { numRuns: RUNS });
    fc.assert(fc.property(fc.array(json, { maxLength: 3 }), (credentials) => exercise({ credentials })), { numRuns: RUNS });
    expect(protoKeys()).toEqual(before);
  });

  it('the specification examples with one value replaced', () => {
    const before = protoKeys();
    fc.assert(
      fc.property(fc.nat({ max: examples.length - 1 }), fc.nat({ max: 80 }), json, (which, node, replacement) => exercise(replaceAt(examples[which], node, replacement))),
      { numRuns: RUNS },
    );
    expect(protoKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a million claims or credentials is refused at the count, before any is read', () => {
    const claims = new Array(1_000_000).fill(1);
    expect(() => readDcqlQuery({ credentials: [{ id: 'a', format: 'mso_mdoc', meta: { doctype_value: 'x' }, claims }] })).toThrow(expect.objectContaining({ code: 'ERR_DCQL_LIMIT' }));
    const credentials = new Array(1_000_000).fill(0);
    expect(() => readDcqlQuery({ credentials })).toThrow(expect.objectContaining({ code: 'ERR_DCQL_LIMIT' }));
  });

  it('deeply nested unknown members are ignored without being walked; deep values are refused', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const base = { id: 'a', format: 'mso_mdoc', meta: { doctype_value: 'x', deep }, claims: [{ path: ['n', 'e'], future: deep }], future: deep };
    expect(readDcqlQuery({ credentials: [base], future: deep }).mdoc).toHaveLength(1);
    expect(() => readDcqlQuery({ credentials: [{ ...base, claims: [{ path: ['n', 'e'], values: [deep] }] }] })).toThrow(expect.objectContaining({ code: 'ERR_ONLINE_MESSAGE' }));
  });

  it('arbitrary transaction_data entries are read or refused with ERR_TRANSACTION_DATA', () => {
    const query: DcqlQuery = { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: 'x' } }] };
    const entry = fc.oneof(
      json.map((v) => toBase64Url(utf8Encode(JSON.stringify(v) ?? 'null'))),
      json.map((v) => toBase64Url(utf8Encode(JSON.stringify({ type: 't', credential_ids: ['mdl'], extra: v })))),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.oneof(json, fc.array(entry, { maxLength: 4 })), (raw) => {
        try {
          const out = readTransactionData(raw, query, [{ type: 't' }]);
          expect(out.every((e) => e.type === 't' && e.credential_ids.length > 0)).toBe(true);
        } catch (e) {
          expect(expectShomei(e)).toBe('ERR_TRANSACTION_DATA');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('issuer chains from bytes that are not certificates are empty, not errors', () => {
    expect(issuerChainOf([new Uint8Array(0), Uint8Array.of(0x30, 0x80), new Uint8Array(70_000)])).toEqual({
      keyIdentifiers: [],
      certificates: [new Uint8Array(0), Uint8Array.of(0x30, 0x80), new Uint8Array(70_000)],
    });
  });
});
