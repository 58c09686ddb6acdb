// One verifier thread of the pool (pool.mjs): imports shomei once, verifies each message.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyDeviceResponse } from 'shomei/mdoc';

const trustAnchors = workerData.trustAnchors;

parentPort.on('message', async ({ id, deviceResponse, sessionTranscript }) => {
  try {
    const report = await verifyDeviceResponse(deviceResponse, { trustAnchors, sessionTranscript });
    parentPort.postMessage({
      id,
      result: {
        valid: report.valid,
        docTypes: report.documents.map((d) => d.docType),
        failed: report.documents.flatMap((d) => d.checks.filter((c) => c.status === 'failed').map((c) => c.id)),
      },
    });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
