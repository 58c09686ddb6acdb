// The verifier page: asks the server for a cross-device request (shown as a QR code and a
// link) and polls for its result; the button runs the Digital Credentials API flow. The
// server verifies; the page shows "valid" or "invalid" and the disclosed elements.
const $ = (id) => document.getElementById(id);

function show(result) {
  $('status').textContent = result.valid ? 'valid' : 'invalid';
  const rows = $('claims').querySelector('tbody');
  rows.replaceChildren();
  for (const documents of Object.values(result.claims ?? {})) {
    for (const nameSpaces of documents) {
      for (const elements of Object.values(nameSpaces)) {
        for (const [name, value] of Object.entries(elements)) {
          const tr = document.createElement('tr');
          for (const text of [name, typeof value === 'object' ? JSON.stringify(value) : String(value)]) {
            const td = document.createElement('td');
            td.textContent = text;
            tr.append(td);
          }
          rows.append(tr);
        }
      }
    }
  }
}

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? '' : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(json.error_description ?? json.error ?? `HTTP ${res.status}`);
  return json;
}

async function crossDevice() {
  const { id, url, qr } = await post('/api/cross-device');
  $('qr').innerHTML = qr; // an SVG made by the server (openId4VpQrSvg)
  $('request-url').textContent = url;
  $('request-link').href = url;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const result = await (await fetch(`/api/result/${encodeURIComponent(id)}`)).json();
    if (result.state === 'done') return show(result);
    if (result.state === 'unknown') return void ($('status').textContent = 'The request expired: reload the page.');
  }
}

$('dcapi').addEventListener('click', async () => {
  try {
    $('status').textContent = 'Asking the wallet…';
    const { id, request } = await post('/api/dcapi');
    const credential = await navigator.credentials.get({ mediation: 'required', digital: { requests: [request] } });
    if (!credential) throw new Error('no credential');
    show(await post(`/api/dcapi/${encodeURIComponent(id)}`, credential.data));
  } catch (e) {
    $('status').textContent = `Failed: ${e.message}`;
  }
});

crossDevice().catch((e) => ($('status').textContent = `Failed: ${e.message}`));
