/**
 * The vpcd bridge against an in-process stand-in for vpcd's socket (vsmartcard protocol:
 * 2-byte big-endian length + payload; 1-byte control messages 00 off, 01 on, 02 reset,
 * 04 get ATR).
 */
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { connectVpcd, VIRTUAL_CARD_ATR_HEX } from '../../src/jpki/simulator/index.js';
import { answerVpcd, encodeVpcdFrame, splitVpcdFrames } from '../../src/jpki/simulator/vpcd.js';
import { virtualCard } from './helpers.js';

describe('vpcd framing', () => {
  it('encodes and splits frames, keeping partial ones', () => {
    expect(toHex(encodeVpcdFrame(Uint8Array.of(4)))).toBe('000104');
    const { frames, rest } = splitVpcdFrames(fromHex('000101000200a40001'));
    expect(frames.map(toHex)).toEqual(['01', '00a4']);
    expect(toHex(rest)).toBe('0001');
    expect(() => encodeVpcdFrame(new Uint8Array(65536))).toThrow(RangeError);
  });

  it('answers control messages and APDUs', async () => {
    const card = await virtualCard();
    expect(toHex((await answerVpcd(card, Uint8Array.of(4)))!)).toBe(VIRTUAL_CARD_ATR_HEX);
    expect(await answerVpcd(card, Uint8Array.of(1))).toBeUndefined();
    expect(await answerVpcd(card, Uint8Array.of(0))).toBeUndefined();
    expect(await answerVpcd(card, Uint8Array.of(2))).toBeUndefined();
    expect(toHex((await answerVpcd(card, fromHex('00a4')))!)).toBe('6700');
    expect(toHex((await answerVpcd(card, fromHex('00a4040c0ad392f000260100000001')))!)).toBe('9000');
  });
});

describe('connectVpcd over TCP', () => {
  it('serves the card to a vpcd-like server and reconnects after a drop', async () => {
    const card = await virtualCard();
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const events: string[] = [];
    const bridge = await connectVpcd(card, { port, retryMs: 20, onEvent: (e) => events.push(e) });
    await bridge.connected;
    const exchange = async (s: Socket, payload: string, expectAnswer = true): Promise<string> => {
      s.write(encodeVpcdFrame(fromHex(payload)));
      if (!expectAnswer) return '';
      const chunks: Buffer[] = [];
      return new Promise((resolve) => {
        const onData = (d: Buffer) => {
          chunks.push(d);
          const { frames } = splitVpcdFrames(new Uint8Array(Buffer.concat(chunks)));
          if (frames.length > 0) {
            s.off('data', onData);
            resolve(toHex(frames[0]!));
          }
        };
        s.on('data', onData);
      });
    };
    while (sockets.length === 0) await new Promise((r) => setTimeout(r, 5));
    const s = sockets[0]!;
    await exchange(s, '01', false);
    expect(await exchange(s, '04')).toBe(VIRTUAL_CARD_ATR_HEX);
    expect(await exchange(s, '00a4040c0ad392f000260100000001')).toBe('9000');
    expect(await exchange(s, '00a4020c020006')).toBe('9000');
    expect((await exchange(s, '00b0000020')).slice(0, 30)).toBe('4a504b494150494343544f4b454e32');
    s.destroy();
    while (sockets.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(await exchange(sockets[1]!, '04')).toBe(VIRTUAL_CARD_ATR_HEX);
    await bridge.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const x of sockets) x.destroy();
    expect(events).toContain('connected');
    expect(events).toContain('power-on');
    expect(events).toContain('disconnected');
  });
});
