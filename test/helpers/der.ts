import { DerReader, readSingle } from '../../src/x509/der.js';

/** The children of a DER constructed value's content, each as its whole encoding (to rewrite a structure in a test). */
export function derChildren(der: Uint8Array): Uint8Array[] {
  const r = DerReader.inside(readSingle(der, 'value'), 'value');
  const out: Uint8Array[] = [];
  while (!r.atEnd()) out.push(r.next('child').der);
  return out;
}
