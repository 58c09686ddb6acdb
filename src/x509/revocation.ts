/**
 * CRL processing for a certification path (RFC 5280 §6.3), with the CRL profile of
 * ISO/IEC 18013-5 2nd edition Annex B.2: the given CRLs, then a shared `CrlCache`, then the
 * caller's `fetchCrl`, for every certificate below the anchor. Loaded by `chain.ts` only when
 * a validation is given CRLs or a way to get them, so a validation without never loads the
 * CRL code.
 */
import type { CryptoBackend } from '../crypto/types.js';
import type { Certificate } from './certificate.js';
import { ChainCheck, describe, type VerifyChainOptions, type X509Check } from './chain.js';
import { type CertificateList, type CrlCheck, checkCrl, describeCrl, parseCrl } from './crl.js';

/** Most distribution point URIs tried per certificate. */
const MAX_CRL_URIS_PER_CERT = 3;

/** Revocation of every certificate below the anchor, from CRLs (internal: `chain.ts` has checked that some source is given). */
export async function crlRevocationCheck(
  path: readonly Certificate[],
  options: VerifyChainOptions,
  now: Date,
  skewMs: number,
  backend: CryptoBackend,
  waive: ReadonlySet<string>,
): Promise<X509Check[]> {
  const id = ChainCheck.REVOCATION;
  const required = options.requireRevocationCheck === true;
  const given: CertificateList[] = [];
  for (const c of options.crls ?? []) {
    if (c instanceof Uint8Array) {
      try {
        given.push(parseCrl(c));
      } catch (e) {
        return [{ id, status: 'failed', detail: `a given CRL does not parse: ${(e as Error).message}`, code: 'ERR_X509_CRL' }];
      }
    } else if (typeof c === 'object' && c !== null && c.tbs instanceof Uint8Array) {
      given.push(c);
    } else {
      throw new TypeError('options.crls must hold CRLs (parsed or DER)');
    }
  }
  const fetched = new Map<string, Promise<CertificateList | string | undefined>>();
  const fetchOnce = (uri: string): Promise<CertificateList | string | undefined> => {
    let p = fetched.get(uri);
    if (p === undefined) {
      p = (async () => {
        let bytes: Uint8Array | undefined;
        try {
          bytes = await options.fetchCrl!(uri);
        } catch (e) {
          return `CRL_FETCH: fetch of ${uri} failed: ${e instanceof Error ? e.message : String(e)}`;
        }
        if (bytes === undefined) return undefined;
        if (!(bytes instanceof Uint8Array)) return 'fetchCrl did not return bytes';
        try {
          return parseCrl(bytes);
        } catch (e) {
          return `CRL from ${uri} does not parse: ${(e as Error).message}`;
        }
      })();
      fetched.set(uri, p);
    }
    return p;
  };

  const revoked: string[] = [];
  const unusable: string[] = [];
  const unknown: string[] = [];
  const used: string[] = [];
  const waived = new Map<string, string>();
  const uriOf = new Map<CertificateList, string>();
  let anyFetchFailure = false;
  let good = 0;
  for (let i = 0; i < path.length - 1; i++) {
    const cert = path[i]!;
    const issuer = path[i + 1]!;
    const results: CrlCheck[] = [];
    for (const crl of given) results.push(await checkCrl(cert, issuer, crl, now, skewMs, backend, waive));
    const applicable = (): boolean => results.some((r) => r.status !== 'not-applicable');
    const notes: string[] = [];
    let couldNotFetch = false;
    if (!applicable() && options.crlCache !== undefined) {
      for (const uri of (cert.cRLDistributionPoints?.uris ?? []).slice(0, MAX_CRL_URIS_PER_CERT)) {
        const got = await options.crlCache.lookup(uri, issuer, { backend });
        if (!got.ok) {
          if (got.problem === 'CRL_FETCH') {
            couldNotFetch = true;
            notes.push(`${got.problem}: ${got.detail}`);
          } else results.push({ status: 'unusable', problem: got.problem, reason: got.detail });
          continue;
        }
        uriOf.set(got.crl, uri);
        results.push(await checkCrl(cert, issuer, got.crl, now, skewMs, backend, waive));
        if (results.some((r) => r.status === 'good' || r.status === 'revoked')) break;
      }
    }
    if (!applicable() && options.fetchCrl !== undefined) {
      for (const uri of (cert.cRLDistributionPoints?.uris ?? []).slice(0, MAX_CRL_URIS_PER_CERT)) {
        const got = await fetchOnce(uri);
        if (got === undefined) continue;
        if (typeof got === 'string') {
          if (got.startsWith('CRL_FETCH')) couldNotFetch = true;
          notes.push(got);
          continue;
        }
        uriOf.set(got, uri);
        results.push(await checkCrl(cert, issuer, got, now, skewMs, backend, waive));
        if (results.some((r) => r.status === 'good' || r.status === 'revoked')) break;
      }
    }
    const hit = results.find((r) => r.status === 'revoked');
    const ok = results.find((r) => r.status === 'good');
    const decided = hit ?? ok;
    if (decided?.status === 'good' || decided?.status === 'revoked') {
      used.push(`${describe(cert)}: ${describeCrl(decided.crl, uriOf.get(decided.crl))}`);
      for (const w of decided.waived) waived.set(w.id, `${w.detail} (${describeCrl(decided.crl, uriOf.get(decided.crl))})`);
    }
    if (hit?.status === 'revoked') {
      revoked.push(
        `${describe(cert)} (serial ${cert.serialNumber}) was revoked at ${hit.entry.revocationDate.toISOString()}${hit.entry.reason === null ? '' : ` (reason ${hit.entry.reason})`} on ${describeCrl(hit.crl, uriOf.get(hit.crl))}`,
      );
    } else if (ok !== undefined) {
      good++;
    } else if (results.some((r) => r.status === 'unusable')) {
      unusable.push(`${describe(cert)}: ${results.flatMap((r) => (r.status === 'unusable' ? [`${r.problem}: ${r.reason}`] : [])).join(', ')}`);
    } else {
      for (const r of results) if (r.status === 'not-applicable') notes.push(`${r.problem}: ${r.reason}`);
      if (couldNotFetch) anyFetchFailure = true;
      unknown.push(`${describe(cert)}: no CRL${notes.length ? ` (${notes.join(', ')})` : ''}`);
    }
  }
  const extra = [...waived].map(([wid, detail]): X509Check => ({ id: wid, status: 'waived', detail, code: 'ERR_X509_CRL' }));
  let main: X509Check;
  if (revoked.length > 0) main = { id, status: 'failed', detail: revoked.join('; '), code: 'ERR_X509_REVOKED' };
  else if (unusable.length > 0) main = { id, status: 'failed', detail: unusable.join('; '), code: 'ERR_X509_CRL' };
  else if (unknown.length > 0) {
    main = required
      ? { id, status: 'failed', detail: unknown.join('; '), code: anyFetchFailure ? 'ERR_X509_CRL_FETCH' : 'ERR_X509_CRL' }
      : { id, status: 'skipped', detail: unknown.join('; ') };
  } else main = { id, status: 'passed', detail: `${good} certificate(s) checked against CRLs: ${used.join('; ')}` };
  return [main, ...extra];
}

