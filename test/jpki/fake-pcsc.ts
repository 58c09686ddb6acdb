/**
 * A pcsclite stand-in for the PC/SC tests: one reader holding a virtual card, with
 * pcsclite's event and callback shapes, and `state.others` other clients holding shared
 * connections (pcsc-lite then refuses an exclusive connection with
 * SCARD_E_SHARING_VIOLATION, 0x8010000B). `state.log` records connects, disconnects and
 * the first two bytes of each command.
 */
import { toHex } from '../../src/internal/bytes.js';
import type { PcscLite, PcscLiteFactory, PcscReader } from '../../src/jpki/pcsc.js';
import type { VirtualMyNumberCard } from '../../src/jpki/simulator/index.js';

/**
 * pcsclite's reader with one card and `others` other clients holding shared connections;
 * `overrides` replace reader methods (a connect that fails, say).
 */
export function fakePcsc(card: VirtualMyNumberCard, state: { others: number; log: string[]; failExclusive?: Error }, overrides: Partial<PcscReader> = {}): PcscLiteFactory {
  return (): PcscLite => {
    let connected = false;
    const reader = {
      name: 'Fake Reader 00 00',
      SCARD_SHARE_SHARED: 2,
      SCARD_SHARE_EXCLUSIVE: 1,
      SCARD_STATE_PRESENT: 0x20,
      SCARD_LEAVE_CARD: 0,
      SCARD_RESET_CARD: 1,
      on(event: string, listener: (arg: never) => void) {
        if (event === 'status') queueMicrotask(() => (listener as (s: { state: number; atr?: Uint8Array }) => void)({ state: 0x22, atr: card.atr }));
        return reader;
      },
      connect(options: { share_mode: number }, callback: (error: Error | undefined, protocol: number) => void) {
        const mode = options.share_mode === 1 ? 'exclusive' : 'shared';
        state.log.push(`connect ${mode}`);
        queueMicrotask(() => {
          if (mode === 'exclusive' && state.failExclusive !== undefined) return callback(state.failExclusive, 0);
          if (mode === 'exclusive' && state.others > 0) return callback(new Error('SCardConnect error: Sharing violation.(0x8010000b)'), 0);
          connected = true;
          callback(undefined, 2);
        });
      },
      transmit(data: Uint8Array, _len: number, _protocol: number, callback: (error: Error | undefined, data: Uint8Array) => void) {
        if (!connected) return callback(new Error('Card Reader not connected'), new Uint8Array(0));
        state.log.push(toHex(data).slice(0, 4));
        card.transmit(data).then(
          (r) => callback(undefined, r),
          (e: Error) => callback(e, new Uint8Array(0)),
        );
      },
      disconnect(_disposition: number, callback: (error?: Error) => void) {
        state.log.push('disconnect');
        connected = false;
        queueMicrotask(() => callback());
      },
      close: () => state.log.push('reader.close'),
      ...overrides,
    } as unknown as PcscReader;
    const context = {
      on(event: string, listener: (arg: never) => void) {
        if (event === 'reader') queueMicrotask(() => (listener as (r: PcscReader) => void)(reader));
        return context;
      },
      close: () => state.log.push('pcsc.close'),
    } as unknown as PcscLite;
    return context;
  };
}

