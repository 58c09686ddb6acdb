import { describe, expect, it } from 'vitest';
import { readCapped } from '../../src/internal/stream.js';

function streamOf(chunks: number[], cancelled: { value: boolean }): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === chunks.length) controller.close();
      else controller.enqueue(new Uint8Array(chunks[i++]!).fill(i));
    },
    cancel() {
      cancelled.value = true;
    },
  });
}

describe('readCapped', () => {
  it('returns every byte of a stream within the cap', async () => {
    const cancelled = { value: false };
    const bytes = await readCapped(streamOf([3, 0, 2], cancelled), 5, () => new Error('too large'));
    expect([...bytes]).toEqual([1, 1, 1, 3, 3]);
    expect(cancelled.value).toBe(false);
  });

  it('cancels the stream and throws the given error as soon as it passes the cap', async () => {
    const cancelled = { value: false };
    await expect(readCapped(streamOf([4, 4, 1_000_000], cancelled), 7, () => new RangeError('over 7'))).rejects.toThrow('over 7');
    expect(cancelled.value).toBe(true);
  });
});
