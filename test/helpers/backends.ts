/** Both crypto backends, for `describe.each` (tests only). */
import { nobleBackend, webCryptoBackend } from '../../src/crypto/index.js';
import type { CryptoBackend } from '../../src/crypto/types.js';

export const BACKENDS: readonly [string, CryptoBackend][] = [
  ['noble', nobleBackend],
  ['webcrypto', webCryptoBackend],
];
