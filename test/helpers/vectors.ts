/** Loads published test vectors from the repository's `vectors/` folder (tests only). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VECTORS = fileURLToPath(new URL('../../vectors/', import.meta.url));

/** Parse the JSON file at `relPath` under `vectors/`, e.g. `wycheproof/hmac_sha256_test.json`. */
export function loadVector(relPath: string): unknown {
  return JSON.parse(readFileSync(VECTORS + relPath, 'utf8'));
}

/** The text of the file at `relPath` under `vectors/` (PEM certificates and the like). */
export function loadVectorText(relPath: string): string {
  return readFileSync(VECTORS + relPath, 'utf8');
}
