/** RFC 8949 Appendix A and Appendix F suites. */

import { CborFloat, decode, diagnose, encode } from '../../cbor/index.js';
import { isShomeiError } from '../../errors.js';
import { fromHex, toHex } from '../../internal/bytes.js';
import { readJson, rejects, type Suite, tally } from './suite.js';

interface AppendixA {
  hex: string;
  diagnostic: string;
  roundtrip: boolean;
  kind: string;
}

const A = 'RFC 8949 Appendix A (decode, diagnostic, deterministic re-encode)';
const F = 'RFC 8949 Appendix F (not well-formed: rejected)';

export const appendixA: Suite = {
  name: A,
  perBackend: false,
  run: ({ dir }) => {
    const { vectors } = readJson<{ vectors: AppendixA[] }>(dir, 'rfc8949/appendix-a.json');
    return tally(A, undefined, vectors, (v) => v.hex, (v) => {
      const bytes = fromHex(v.hex);
      const value = decode(bytes);
      if (diagnose(bytes, { embedded: false }) !== v.diagnostic) return false;
      if (!v.roundtrip) return true;
      const again = v.kind === 'float' && typeof value === 'number' ? encode(new CborFloat(value)) : encode(value);
      return toHex(again) === v.hex;
    });
  },
};

export const appendixF: Suite = {
  name: F,
  perBackend: false,
  run: ({ dir }) => {
    const { vectors } = readJson<{ vectors: { hex: string }[] }>(dir, 'rfc8949/appendix-f.json');
    return tally(F, undefined, vectors, (v) => v.hex, (v) =>
      rejects(() => decode(fromHex(v.hex)), (e) => isShomeiError(e, 'ERR_CBOR_MALFORMED')),
    );
  },
};
