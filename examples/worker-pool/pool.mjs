// A pool of node:worker_threads verifiers for shomei (ISO/IEC 18013-5 §9.3 DeviceResponse
// verification across cores), with no dependency.
//
// Each worker imports shomei once and verifies what it is sent. The main thread does as
// little as possible per verification, because everything it does is taken from the cores
// the workers verify on:
// - jobs wait in one queue and go out in batches, one message per batch: when every worker is
//   busy the queue grows, and the next batch takes up to `maxBatch` of it at once;
// - a batch's input bytes are copied into one ArrayBuffer that is transferred, not cloned;
// - each worker has at most two batches at a time (one being verified, one waiting), so it
//   never idles for a round trip through the main thread, and jobs are not stuck behind a
//   busy worker while another is free;
// - a batch's answer is compact: one status byte per job, and the docTypes and failed check
//   ids only where they are not those of the batch's first valid job.
//
// Verification is stateless: the trust anchors go to each worker once, and a worker's caches
// (imported keys, per-DS chain decisions) only make repeated work cheaper, never change a
// verdict, so workers need no coordination, and neither do several processes.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Batches a worker holds at a time: one it verifies, one waiting behind it. */
const BATCHES_PER_WORKER = 2;

/** The status byte of one job in a batch's answer (verify-worker.mjs). */
export const JobStatus = { VALID: 0, INVALID: 1, ERROR: 2 };

export class VerifierPool {
  /** @type {{ worker: Worker, batches: number, jobs: number }[]} */
  #slots = [];
  /** Jobs not yet sent: `#queue[#head …]`. */
  #queue = [];
  #head = 0;
  /** Batches sent and not answered, by id. */
  #batches = new Map();
  #nextId = 0;
  #maxBatch;
  #pumpScheduled = false;
  #closing = undefined;
  #idle = undefined;

  /**
   * Start the workers.
   * @param {{ trustAnchors: Uint8Array[], options?: object, size?: number, maxBatch?: number, worker?: URL | string }} options
   *   `trustAnchors`: the IACA certificates (DER), sent to each worker once; `options`: other
   *   verifyDeviceResponse options, structured-cloneable (`clockSkewSeconds`, `waive`,
   *   `tolerate`, `now` …), also sent once; `size`: the number of workers (default
   *   `os.availableParallelism()`); `maxBatch`: the most jobs in one message (default 32);
   *   `worker`: the worker script (default `./verify-worker.mjs`).
   */
  constructor({ trustAnchors, options = {}, size = availableParallelism(), maxBatch = 32, worker = new URL('./verify-worker.mjs', import.meta.url) }) {
    if (!Array.isArray(trustAnchors) || !trustAnchors.every((a) => a instanceof Uint8Array)) throw new TypeError('trustAnchors must be an array of Uint8Array (DER)');
    if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.#maxBatch = maxBatch;
    for (let i = 0; i < size; i++) {
      const slot = { worker: new Worker(worker, { workerData: { trustAnchors, options } }), batches: 0, jobs: 0 };
      slot.worker.on('message', (answer) => this.#answered(slot, answer));
      slot.worker.on('error', (e) => this.#lost(slot, e));
      slot.worker.on('exit', (code) => this.#lost(slot, new Error(`verifier worker exited (code ${code})`)));
      this.#slots.push(slot);
    }
  }

  /**
   * Verify a DeviceResponse in a worker.
   * @param {Uint8Array} deviceResponse  the DeviceResponse bytes (copied; the caller keeps them)
   * @param {Uint8Array} sessionTranscript  the SessionTranscript the reader built (tag-24 bytes or the bare array)
   * @returns {Promise<{ valid: boolean, docTypes: string[], failed: string[] }>} the report's
   *   summary (a full report holds parsed certificates, which do not cross threads); rejects
   *   when verification threw (bad options, a bug) or the worker was lost.
   */
  verify(deviceResponse, sessionTranscript) {
    if (!(deviceResponse instanceof Uint8Array)) throw new TypeError('deviceResponse must be a Uint8Array');
    if (!(sessionTranscript instanceof Uint8Array)) throw new TypeError('sessionTranscript must be a Uint8Array');
    if (this.#closing !== undefined) return Promise.reject(new Error('the pool is closed'));
    if (this.#slots.length === 0) return Promise.reject(new Error('no verifier worker is left'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ deviceResponse, sessionTranscript, resolve, reject });
      // Jobs submitted in the same turn (and answers arriving together) go out together.
      if (!this.#pumpScheduled) {
        this.#pumpScheduled = true;
        queueMicrotask(() => this.#pump());
      }
    });
  }

  /** Wait for every job submitted so far, then stop the workers. Later `verify` calls reject. */
  close() {
    this.#closing ??= (async () => {
      if (this.#pending() > 0) await new Promise((resolve) => (this.#idle = resolve));
      await Promise.all(this.#slots.map(({ worker }) => worker.terminate()));
    })();
    return this.#closing;
  }

  #pending() {
    return this.#queue.length - this.#head + this.#batches.size;
  }

  /** Send queued jobs to the workers that can take a batch, the least loaded first. */
  #pump() {
    this.#pumpScheduled = false;
    for (;;) {
      const waiting = this.#queue.length - this.#head;
      if (waiting === 0) break;
      let best;
      let free = 0;
      for (const s of this.#slots) {
        if (s.batches >= BATCHES_PER_WORKER) continue;
        free++;
        if (best === undefined || s.jobs < best.jobs) best = s;
      }
      if (best === undefined) break;
      // Share what waits among the workers that can take it now.
      this.#send(best, this.#take(Math.min(this.#maxBatch, Math.ceil(waiting / free))));
    }
  }

  /** The next `n` queued jobs (the queue is compacted now and then, so taking is O(n)). */
  #take(n) {
    const jobs = this.#queue.slice(this.#head, this.#head + n);
    this.#head += n;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return jobs;
  }

  /** One message: the jobs' bytes in one transferred ArrayBuffer, their lengths beside it. */
  #send(slot, jobs) {
    const lengths = new Uint32Array(2 * jobs.length);
    let total = 0;
    for (let i = 0; i < jobs.length; i++) {
      lengths[2 * i] = jobs[i].deviceResponse.length;
      lengths[2 * i + 1] = jobs[i].sessionTranscript.length;
      total += lengths[2 * i] + lengths[2 * i + 1];
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const job of jobs) {
      bytes.set(job.deviceResponse, at);
      at += job.deviceResponse.length;
      bytes.set(job.sessionTranscript, at);
      at += job.sessionTranscript.length;
    }
    const id = this.#nextId++;
    this.#batches.set(id, { slot, jobs });
    slot.batches++;
    slot.jobs += jobs.length;
    slot.worker.postMessage({ id, bytes: bytes.buffer, lengths: lengths.buffer }, [bytes.buffer, lengths.buffer]);
  }

  /** A batch's answer (see verify-worker.mjs): settle its jobs, refill the worker. */
  #answered(slot, { id, status, docTypes, failed, details }) {
    const batch = this.#batches.get(id);
    if (batch === undefined) return;
    this.#batches.delete(id);
    slot.batches--;
    slot.jobs -= batch.jobs.length;
    const codes = new Uint8Array(status);
    // The batch's common summary is shared by its jobs, so it is frozen.
    Object.freeze(docTypes);
    Object.freeze(failed);
    for (let i = 0; i < batch.jobs.length; i++) {
      const job = batch.jobs[i];
      const detail = details.get(i);
      if (codes[i] === JobStatus.ERROR) job.reject(new Error(detail));
      else if (detail === undefined) job.resolve({ valid: codes[i] === JobStatus.VALID, docTypes, failed });
      else job.resolve({ valid: codes[i] === JobStatus.VALID, docTypes: Object.freeze(detail.docTypes), failed: Object.freeze(detail.failed) });
    }
    this.#settled();
  }

  /** A worker died: its batches fail, and it takes no more. */
  #lost(slot, error) {
    const index = this.#slots.indexOf(slot);
    if (index === -1) return;
    this.#slots.splice(index, 1);
    for (const [id, batch] of this.#batches) {
      if (batch.slot !== slot) continue;
      this.#batches.delete(id);
      for (const job of batch.jobs) job.reject(error);
    }
    if (this.#slots.length === 0) for (const job of this.#take(this.#queue.length - this.#head)) job.reject(new Error('no verifier worker is left'));
    this.#settled();
  }

  #settled() {
    if (this.#pending() === 0) this.#idle?.();
    else if (!this.#pumpScheduled) {
      this.#pumpScheduled = true;
      queueMicrotask(() => this.#pump());
    }
  }
}
