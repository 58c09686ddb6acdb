/**
 * Writes `vectors/interop/x509/*.pem` from `interop-fixtures.ts`:
 * `npx tsx test/x509/write-interop-fixtures.ts`. The output is deterministic.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { derToPem } from '../../src/x509/index.js';
import { buildInteropFixtures } from './interop-fixtures.js';

export async function writeInteropFixtures(): Promise<string[]> {
  const dir = fileURLToPath(new URL('../../vectors/interop/x509/', import.meta.url));
  const written: string[] = [];
  for (const [name, cert] of Object.entries(await buildInteropFixtures())) {
    writeFileSync(`${dir}${name}.pem`, derToPem(cert.der));
    written.push(`${name}.pem`);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of await writeInteropFixtures()) console.log(f);
}
