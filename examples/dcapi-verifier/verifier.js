// The verifier side of the Annex C flow, in the page. The wallet may be the browser's own
// (navigator.credentials.get) or, for the demo and the tests, a simulated one that the page
// hands the request to through `window.shomeiDemo`.
import { cborToJson, MDL_DOCTYPE } from 'shomei/mdoc/index.js';
import { createDcApiRequest, openDcApiResponse } from 'shomei/online/index.js';

const status = document.getElementById('status');

function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
let pending;

function show(result) {
  const ok = result.verification.valid;
  status.textContent = ok ? 'Verified: every check passed.' : 'NOT valid: see the failed checks.';
  status.className = `status ${ok ? 'valid' : 'invalid'}`;
  const table = document.getElementById('elements');
  const body = table.querySelector('tbody');
  body.textContent = '';
  for (const doc of result.verification.documents) {
    for (const [ns, elements] of Object.entries(doc.issuerSigned)) {
      for (const [id, value] of Object.entries(elements)) {
        const row = body.insertRow();
        row.insertCell().textContent = doc.docType;
        row.insertCell().textContent = `${ns}/${id}`;
        const json = cborToJson(value);
        row.insertCell().textContent = typeof json === 'string' ? json : JSON.stringify(json);
      }
    }
  }
  table.hidden = false;
  const checks = result.verification.documents.flatMap((d) => d.checks);
  const failed = checks.filter((c) => c.status === 'failed');
  document.getElementById('checks').textContent = `${checks.length} checks, ${failed.length} failed${failed.length ? `: ${failed.map((c) => c.id).join(', ')}` : ''}.`;
}

window.shomeiDemo = {
  /** Build a request; returns what a wallet receives (protocol and data). */
  async request(docRequests) {
    const { request, state } = await createDcApiRequest({ origin: location.origin, docRequests: docRequests ?? [{ docType: MDL_DOCTYPE, nameSpaces: { 'org.iso.18013.5.1': { family_name: false, given_name: false, age_over_18: false } } }] });
    pending = state;
    status.textContent = 'Request sent; waiting for the wallet…';
    return request;
  },
  /** Open and verify the wallet's answer against trust anchors given as base64 DER. */
  async finish(answer, trustAnchorsBase64) {
    if (pending === undefined) throw new Error('no request pending');
    const state = pending;
    pending = undefined;
    const result = await openDcApiResponse(answer, state, { trustAnchors: trustAnchorsBase64.map((b) => fromBase64(b)) });
    show(result);
    return { valid: result.verification.valid, documents: result.verification.documents.map((d) => ({ docType: d.docType, valid: d.valid, elements: Object.fromEntries(Object.entries(d.issuerSigned).map(([ns, e]) => [ns, Object.fromEntries(Object.entries(e).map(([k, v]) => [k, cborToJson(v)]))])) })) };
  },
};
/** The demo's simulated wallet runs in Node behind /wallet (examples/serve.mjs). */
document.getElementById('present').addEventListener('click', async () => {
  try {
    const request = await window.shomeiDemo.request();
    const answer = await (await fetch('/wallet', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: request.data, origin: location.origin }) })).json();
    const trust = await (await fetch('/trust')).json();
    window.shomeiDemo.last = await window.shomeiDemo.finish(answer, trust);
  } catch (e) {
    status.textContent = `Error: ${e.message}`;
    status.className = 'status invalid';
  }
});
status.textContent = 'Ready.';
