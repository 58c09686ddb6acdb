// A minimal pool of node:worker_threads verifiers for shomei (no dependency).
//
// Each worker imports shomei once and verifies what it is sent; the pool hands each job to
// the worker with the fewest jobs in flight. Verification is stateless (trust anchors and
// options travel with the pool, caches are per worker and only make repeats cheaper), so
// workers need no coordination, and neither do several such processes behind a load balancer.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export class VerifierPool {
  #workers = [];
  #pending = new Map();
  #nextId = 0;

  /**
   * @param {{ trustAnchors: Uint8Array[], size?: number }} options  IACA certificates (DER) and
   *   the number of workers (default: the machine's available parallelism).
   */
  constructor({ trustAnchors, size = availableParallelism() }) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./verify-worker.mjs', import.meta.url), { workerData: { trustAnchors } });
      const slot = { worker, inFlight: 0 };
      worker.on('message', ({ id, result, error }) => {
        const job = this.#pending.get(id);
        this.#pending.delete(id);
        slot.inFlight--;
        if (error !== undefined) job.reject(new Error(error));
        else job.resolve(result);
      });
      worker.on('error', (e) => {
        for (const [id, job] of this.#pending) {
          if (job.slot !== slot) continue;
          this.#pending.delete(id);
          job.reject(e);
        }
      });
      this.#workers.push(slot);
    }
  }

  /**
   * Verify a DeviceResponse in a worker. Resolves to `{ valid, docTypes, failed }` (the
   * report's summary: a full report holds Certificates, which are not structured-cloneable).
   * @param {Uint8Array} deviceResponse
   * @param {Uint8Array} sessionTranscript
   */
  verify(deviceResponse, sessionTranscript) {
    const slot = this.#workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const id = this.#nextId++;
    slot.inFlight++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, deviceResponse, sessionTranscript });
    });
  }

  /** Stop every worker. */
  async close() {
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }
}
