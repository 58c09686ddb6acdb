/**
 * The records of an NDEF message by ID, built in one pass: Connection Handover ac records
 * name their carrier configuration and auxiliary data records by record ID, and a hostile
 * message can hold hundreds of references, so each is looked up in a map rather than by
 * scanning every record (linear, not references × records). Internal to `shomei/session`.
 */

import { latin1Text, type NdefRecord } from './ndef.js';

/** ID (one character per byte) → the records carrying it, in message order. */
export function recordsById(records: readonly NdefRecord[]): ReadonlyMap<string, readonly NdefRecord[]> {
  const out = new Map<string, NdefRecord[]>();
  for (const r of records) {
    if (r.id === undefined) continue;
    const id = latin1Text(r.id);
    const list = out.get(id);
    if (list === undefined) out.set(id, [r]);
    else list.push(r);
  }
  return out;
}
