/**
 * The vpcd bridge: connects a simulated card to vsmartcard's `vpcd` driver in pcscd, so
 * every PC/SC client (OpenSC, browsers' middleware, shomei's own PC/SC transport) sees it
 * in the "Virtual PCD" reader.
 *
 * vpcd protocol (vsmartcard documentation, "Creating a virtual smart card"; vpcd listens on
 * TCP 35963 for the first reader, the virtual card connects to it): every message is a
 * 2-byte big-endian length followed by the payload. A 1-byte payload is a control message
 * from vpcd: `00` power off, `01` power on, `02` reset (no answer to any of these) and
 * `04` get ATR (answered with the ATR). Any longer payload is a command APDU, answered
 * with the response APDU.
 *
 * Node only: `node:net` is imported when {@link connectVpcd} is called, so the rest of the
 * library stays free of Node built-ins.
 */

/** What the bridge needs from a card. */
export interface VpcdCard {
  readonly atr: Uint8Array;
  reset(): void;
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

/** Options of {@link connectVpcd}. */
export interface VpcdOptions {
  /** vpcd's host (default 127.0.0.1). */
  readonly host?: string;
  /** vpcd's port (default 35963, the first virtual reader). */
  readonly port?: number;
  /** Milliseconds between connection attempts while vpcd is not listening (default 500). */
  readonly retryMs?: number;
  /** Called on connection events (never with APDU contents). */
  readonly onEvent?: (event: 'connected' | 'disconnected' | 'power-on' | 'power-off' | 'reset') => void;
}

/** A running bridge. */
export interface VpcdConnection {
  /** Resolves when the first connection to vpcd is established. */
  readonly connected: Promise<void>;
  /** Stop reconnecting and close the socket. */
  close(): Promise<void>;
}

/** The default vpcd port (0x8C7B, as in the vpcd reader configuration). */
export const VPCD_DEFAULT_PORT = 35963;

/** Encode one vpcd frame (internal; exported for tests). */
export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffff) throw new RangeError('vpcd payload must be at most 65535 bytes');
  const out = new Uint8Array(payload.length + 2);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/**
 * Split a byte stream into vpcd frames; returns the complete payloads and the remaining
 * bytes (internal; exported for tests).
 */
export function splitVpcdFrames(buffer: Uint8Array): { frames: Uint8Array[]; rest: Uint8Array } {
  const frames: Uint8Array[] = [];
  let i = 0;
  while (buffer.length - i >= 2) {
    const n = (buffer[i]! << 8) | buffer[i + 1]!;
    if (buffer.length - i - 2 < n) break;
    frames.push(buffer.slice(i + 2, i + 2 + n));
    i += 2 + n;
  }
  return { frames, rest: buffer.slice(i) };
}

/** Answer one vpcd payload: undefined for control messages that need no answer. */
export async function answerVpcd(card: VpcdCard, payload: Uint8Array, onEvent?: VpcdOptions['onEvent']): Promise<Uint8Array | undefined> {
  if (payload.length === 1) {
    switch (payload[0]) {
      case 0x00:
        card.reset();
        onEvent?.('power-off');
        return undefined;
      case 0x01:
        card.reset();
        onEvent?.('power-on');
        return undefined;
      case 0x02:
        card.reset();
        onEvent?.('reset');
        return undefined;
      case 0x04:
        return card.atr;
      default:
        return undefined;
    }
  }
  if (payload.length < 4) return Uint8Array.of(0x67, 0x00);
  return card.transmit(payload);
}

/**
 * Connect `card` to vpcd and serve it until {@link VpcdConnection.close}. Reconnects
 * whenever the connection drops (pcscd restarting). Node only.
 */
export async function connectVpcd(card: VpcdCard, options: VpcdOptions = {}): Promise<VpcdConnection> {
  // A variable specifier keeps bundlers for browsers and React Native from resolving it.
  const specifier = 'node:net';
  const net = (await import(specifier)) as typeof import('node:net');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? VPCD_DEFAULT_PORT;
  const retryMs = options.retryMs ?? 500;
  let closed = false;
  let socket: import('node:net').Socket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolveConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => {
    resolveConnected = resolve;
  });

  const connect = () => {
    if (closed) return;
    const s = net.createConnection({ host, port });
    socket = s;
    let buffer: Uint8Array = new Uint8Array(0);
    let queue: Promise<void> = Promise.resolve();
    s.setNoDelay(true);
    s.on('connect', () => {
      options.onEvent?.('connected');
      resolveConnected();
    });
    s.on('data', (chunk: Uint8Array) => {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer, 0);
      joined.set(chunk, buffer.length);
      const { frames, rest } = splitVpcdFrames(joined);
      buffer = rest;
      for (const frame of frames) {
        queue = queue.then(async () => {
          const answer = await answerVpcd(card, frame, options.onEvent);
          if (answer !== undefined && !s.destroyed) s.write(encodeVpcdFrame(answer));
        });
      }
    });
    s.on('error', () => {
      // 'close' follows; reconnect there.
    });
    s.on('close', (hadError) => {
      if (!hadError || s === socket) options.onEvent?.('disconnected');
      if (!closed) timer = setTimeout(connect, retryMs);
    });
  };
  connect();
  return {
    connected,
    close: async () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      socket?.destroy();
    },
  };
}
