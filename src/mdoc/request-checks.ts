/**
 * REQUESTED_DOCTYPE and REQUESTED_ELEMENT: a returned document and each of its elements must
 * have been asked for in the DeviceRequest sent (an age_over_NN answering a requested
 * age_over_MM by the nearest-value rule of §7.2.5 counts as asked). Loaded only by a
 * verification given `request`.
 */

import { answerFor } from './answer.js';
import type { DeviceRequest } from './device-request.js';
import type { MdocDocument } from './device-response.js';
import { type CheckList, MdocCheckId as C } from './report.js';

const AGE_OVER = /^age_over_\d{2}$/;

/** The device-signed namespaces of a document that has no deviceSigned. */
const NO_NAMESPACES: ReadonlyMap<string, ReadonlyMap<string, unknown>> = new Map();

/** The request checks of one document, added to `list`. */
export function requestChecks(doc: MdocDocument, request: DeviceRequest, list: CheckList): void {
  const dr = request.docRequests.find((r) => r.itemsRequest.value.docType === doc.docType);
  list.add(C.REQUESTED_DOCTYPE, dr !== undefined, dr === undefined ? `${doc.docType} was not requested` : undefined);
  if (dr === undefined) return;
  const requested = dr.itemsRequest.value.nameSpaces;
  const returned: [string, string, boolean][] = [];
  for (const [ns, items] of doc.issuerSigned.nameSpaces) for (const it of items) returned.push([ns, it.value.elementIdentifier, true]);
  for (const [ns, items] of doc.deviceSigned?.nameSpaces.value ?? NO_NAMESPACES) for (const id of items.keys()) returned.push([ns, id, false]);
  // Per namespace, the age_over_NN elements that answer a requested age_over_MM (the
  // nearest-value rule), worked out once: linear in what was returned.
  const ageAnswers = new Map<string, ReadonlySet<string>>();
  const answersIn = (ns: string, asked: ReadonlyMap<string, unknown>): ReadonlySet<string> => {
    let set = ageAnswers.get(ns);
    if (set === undefined) {
      const held = new Map((doc.issuerSigned.nameSpaces.get(ns) ?? []).filter((i) => AGE_OVER.test(i.value.elementIdentifier)).map((i) => [i.value.elementIdentifier, i] as const));
      const found = new Set<string>();
      for (const want of asked.keys()) if (AGE_OVER.test(want)) found.add(answerFor(want, held)?.value.elementIdentifier ?? '');
      ageAnswers.set(ns, (set = found));
    }
    return set;
  };
  for (const [ns, id, issuer] of returned) {
    const asked = requested.get(ns);
    let ok = asked?.has(id) ?? false;
    if (!ok && issuer && AGE_OVER.test(id) && asked !== undefined) ok = answersIn(ns, asked).has(id);
    list.add(C.REQUESTED_ELEMENT, ok, ok ? undefined : 'not requested', { namespace: ns, element: id });
  }
}
