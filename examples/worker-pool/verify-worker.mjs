// One verifier thread of the pool (pool.mjs): imports shomei once, verifies each batch it is
// sent (ISO/IEC 18013-5 §9.3) and answers with one compact message per batch.
//
// A batch: `{ id, bytes, lengths }`, `bytes` an ArrayBuffer holding each job's DeviceResponse
// then its SessionTranscript, `lengths` a Uint32Array's buffer of those lengths in pairs.
// The answer: `{ id, status, docTypes, failed, details }`, `status` one byte per job (0 valid,
// 1 invalid, 2 verification threw), `docTypes` and `failed` the summary of the first valid
// job, `details` a Map from the index of each job whose summary differs to that summary
// (`{ docTypes, failed }`), or to the error message for a job that threw.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyDeviceResponse } from 'shomei/mdoc';

// The anchors are the same objects on every call, so shomei's per-DS chain cache (keyed by
// anchor object) serves every job of this worker.
const { trustAnchors, options } = workerData;

/** The report's summary: what a request handler needs, and what can cross threads. */
function summary(report) {
  const docTypes = [];
  const failed = [];
  for (const d of report.documents) {
    docTypes.push(d.docType);
    for (const c of d.checks) if (c.status === 'failed') failed.push(c.id);
  }
  for (const c of report.checks) if (c.status === 'failed') failed.push(c.id);
  return { valid: report.valid, docTypes, failed };
}

async function verifyOne(deviceResponse, sessionTranscript) {
  try {
    return summary(await verifyDeviceResponse(deviceResponse, { ...options, trustAnchors, sessionTranscript }));
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

parentPort.on('message', async ({ id, bytes, lengths }) => {
  const all = new Uint8Array(bytes);
  const sizes = new Uint32Array(lengths);
  const results = [];
  for (let i = 0, at = 0; i < sizes.length; i += 2) {
    // Each job gets its own copy, so nothing a cache keeps holds on to the whole batch.
    const response = all.slice(at, (at += sizes[i]));
    const transcript = all.slice(at, (at += sizes[i + 1]));
    results.push(await verifyOne(response, transcript));
  }
  const status = new Uint8Array(results.length);
  const details = new Map();
  const common = results.find((r) => r.valid === true) ?? { docTypes: [], failed: [] };
  const key = (r) => `${r.docTypes.join('\n')}\n\n${r.failed.join('\n')}`;
  const commonKey = key(common);
  results.forEach((r, i) => {
    if (r.error !== undefined) {
      status[i] = 2;
      details.set(i, r.error);
      return;
    }
    status[i] = r.valid ? 0 : 1;
    if (key(r) !== commonKey) details.set(i, { docTypes: r.docTypes, failed: r.failed });
  });
  parentPort.postMessage({ id, status: status.buffer, docTypes: common.docTypes, failed: common.failed, details }, [status.buffer]);
});
