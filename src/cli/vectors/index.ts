/** All bundled vector suites, and running them on both crypto backends. */

import { nobleBackend, webCryptoBackend } from '../../crypto/index.js';
import { appendixA, appendixF } from './cbor.js';
import { coseExamples } from './cose.js';
import { annexDSuite, onlineSuite } from './iso.js';
import type { Suite, SuiteResult } from './suite.js';
import { wycheproofSuites } from './wycheproof.js';

export type { Suite, SuiteResult } from './suite.js';

/** Every suite, in report order. */
export const SUITES: readonly Suite[] = [appendixA, appendixF, ...wycheproofSuites, coseExamples, annexDSuite, onlineSuite];

/** Run every suite (per-backend ones on noble and WebCrypto) over the vectors in `dir`. */
export async function runAllSuites(dir: string): Promise<SuiteResult[]> {
  const results: SuiteResult[] = [];
  for (const suite of SUITES) {
    const backends = suite.perBackend ? [nobleBackend, webCryptoBackend] : [nobleBackend];
    for (const backend of backends) results.push(await suite.run({ dir, backend }));
  }
  return results;
}
