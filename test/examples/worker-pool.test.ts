/**
 * The worker-pool example (examples/worker-pool/): DeviceResponses (ISO/IEC 18013-5 §9.3)
 * verified in node:worker_threads, batched several to a message, each answer the summary of
 * its own job's report, the same as verifying on this thread gives. The worker script is
 * bundled from the sources with esbuild first (`shomei/*` resolved to src/), so the test
 * needs no build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode, EncodedCbor } from '../../src/cbor/index.js';
import { nodeCryptoBackend } from '../../src/crypto/index.js';
import { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, verifyDeviceResponse } from '../../src/mdoc/index.js';
import { NOW, testMdl } from '../mdoc/fixtures.js';

interface Summary {
  valid: boolean;
  docTypes: string[];
  failed: string[];
}
interface Pool {
  verify(deviceResponse: Uint8Array, sessionTranscript: Uint8Array): Promise<Summary>;
  close(): Promise<void>;
}
type PoolClass = new (options: { trustAnchors: Uint8Array[]; options?: object; size?: number; maxBatch?: number; worker?: URL | string }) => Pool;

const EXAMPLE = new URL('../../examples/worker-pool/', import.meta.url);
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const backend = nodeCryptoBackend()!;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const transcriptOf = (n: number) => EncodedCbor.wrap(encode([null, null, ['test', n]]), null).tagged;

let dir: string;
let workerUrl: URL;
let VerifierPool: PoolClass;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-worker-pool-'));
  const outfile = join(dir, 'verify-worker.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('verify-worker.mjs', EXAMPLE))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'silent',
    plugins: [
      {
        name: 'shomei-from-src',
        setup(b) {
          b.onResolve({ filter: /^shomei\/[a-z]+$/ }, (args) => ({ path: join(SRC, args.path.slice('shomei/'.length), 'index.ts') }));
        },
      },
    ],
  });
  workerUrl = pathToFileURL(outfile);
  ({ VerifierPool } = (await import(new URL('pool.mjs', EXAMPLE).href)) as { VerifierPool: PoolClass });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fixture() {
  const { issuer, device, mdl } = await testMdl(backend);
  const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { family_name: false, age_over_18: false } } }]);
  const responseFor = async (n: number) =>
    encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], request, sessionTranscript: transcriptOf(n), backend }));
  return { trustAnchors: [issuer.iaca.der], responseFor };
}

/** What the worker answers, computed on this thread. */
async function expected(bytes: Uint8Array, sessionTranscript: Uint8Array, trustAnchors: Uint8Array[]): Promise<Summary> {
  const r = await verifyDeviceResponse(bytes, { trustAnchors, sessionTranscript, now: NOW, backend });
  const failed = [...r.documents.flatMap((d) => d.checks), ...r.checks].filter((c) => c.status === 'failed').map((c) => c.id);
  return { valid: r.valid, docTypes: r.documents.map((d) => d.docType), failed };
}

describe('examples/worker-pool', () => {
  it('verifies many jobs in batches across two workers, each answer that of its own job', async () => {
    const { trustAnchors, responseFor } = await fixture();
    const jobs: { bytes: Uint8Array; transcript: Uint8Array }[] = [];
    for (let n = 0; n < 30; n++) {
      const bytes = await responseFor(n);
      if (n % 5 === 1) jobs.push({ bytes, transcript: transcriptOf(n + 1000) }); // signed over another transcript
      else if (n % 5 === 3) jobs.push({ bytes: bytes.subarray(0, 40), transcript: transcriptOf(n) }); // truncated
      else jobs.push({ bytes, transcript: transcriptOf(n) });
    }
    const want = await Promise.all(jobs.map((j) => expected(j.bytes, j.transcript, trustAnchors)));
    expect(want.filter((w) => w.valid)).toHaveLength(18);
    expect(want.filter((w) => !w.valid && w.failed.includes('DEVICE_AUTH'))).toHaveLength(6);
    expect(want.filter((w) => !w.valid && w.failed.includes('RESPONSE_STRUCTURE'))).toHaveLength(6);

    const pool = new VerifierPool({ trustAnchors, options: { now: NOW }, size: 2, maxBatch: 4, worker: workerUrl });
    try {
      // All submitted in one turn: they go out as batches of up to 4, to both workers.
      const got = await Promise.all(jobs.map((j) => pool.verify(j.bytes, j.transcript)));
      expect(got).toEqual(want);
      expect(got[0]).toEqual({ valid: true, docTypes: [MDL], failed: [] });
      // One at a time as well (a batch of one).
      expect(await pool.verify(jobs[1]!.bytes, jobs[1]!.transcript)).toEqual(want[1]);
      // The caller keeps its bytes (they are copied into the transferred buffer, not transferred).
      expect(jobs[0]!.bytes.byteLength).toBeGreaterThan(1000);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('refuses arguments that are not bytes, and jobs after close; close waits for the jobs before it', async () => {
    const { trustAnchors, responseFor } = await fixture();
    const pool = new VerifierPool({ trustAnchors, options: { now: NOW }, size: 1, worker: workerUrl });
    expect(() => pool.verify('x' as never, transcriptOf(0))).toThrow(TypeError);
    expect(() => pool.verify(new Uint8Array(1), undefined as never)).toThrow(TypeError);
    const pending = pool.verify(await responseFor(0), transcriptOf(0));
    await pool.close();
    await expect(pending).resolves.toMatchObject({ valid: true });
    await expect(pool.verify(new Uint8Array(1), transcriptOf(0))).rejects.toThrow('closed');
    expect(() => new VerifierPool({ trustAnchors, size: 0, worker: workerUrl })).toThrow(RangeError);
    expect(() => new VerifierPool({ trustAnchors: ['x' as never], worker: workerUrl })).toThrow(TypeError);
  }, 60_000);

  it('rejects the jobs of a worker that dies, and every job once none is left', async () => {
    const dies = pathToFileURL(join(dir, 'dies.mjs'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(dies, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n");
    const pool = new VerifierPool({ trustAnchors: [], size: 1, worker: dies });
    await expect(pool.verify(new Uint8Array(1), new Uint8Array(1))).rejects.toThrow('exited');
    await expect(pool.verify(new Uint8Array(1), new Uint8Array(1))).rejects.toThrow('no verifier worker');
    await pool.close();
  }, 60_000);
});
