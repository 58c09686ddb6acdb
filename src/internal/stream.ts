/**
 * Reading a byte stream (a fetch `Response.body`, WHATWG Streams) to its end with a size
 * cap: the stream is cancelled as soon as it passes the cap, so a hostile or broken server
 * never makes the reader hold more than `maxBytes`. Internal, never exported.
 */
import { concat } from './bytes.js';

/**
 * All the bytes of `stream`, or the error `tooLarge()` returns once more than `maxBytes`
 * have arrived (the stream is then cancelled).
 */
export async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value === undefined) continue;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return concat(...chunks);
}
