import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/** What came back for one input over TCP. */
export interface TcpOutcome {
  /** Everything the server sent, up to `keep` bytes. */
  reply: Buffer;
  /** How many bytes the server sent in all (kept or not). */
  bytes: number;
  /** The server closed (or reset) the connection; false if we cut it after waiting. */
  closedByServer: boolean;
  /** Neither an answer nor a close within the deadline: a hang. */
  hung: boolean;
  /** The connection was refused: the listener is gone. */
  refused: boolean;
  /** For a hang: what we know of it, e.g. `connected, request written, FIN sent, 0 bytes back`. */
  trace?: string;
}

export interface TcpPlan {
  port: number;
  /** Written in order; a chunk boundary is a separate write (frames split across TCP segments). */
  chunks: Buffer[];
  /**
   * 'end': half-close after writing and wait for the server to close.
   * 'linger': keep the connection open until the server is quiet for `quietMs`, then cut it (MQTT sessions).
   * 'answer': wait `graceMs` for an answer (then read until quiet for `quietMs`); none by then, half-close and wait
   * for the close. HTTP needs this: Node's server drops a request still being handled when the client half-closes
   * (httpAllowHalfOpen is false), so a request followed at once by FIN would never be answered.
   */
  mode: 'end' | 'linger' | 'answer';
  quietMs?: number;
  graceMs?: number;
  deadlineMs: number;
  keep?: number;
}

/** One raw TCP exchange on 127.0.0.1, always bounded by `deadlineMs`. */
export function tcpExchange(plan: TcpPlan): Promise<TcpOutcome> {
  const keep = plan.keep ?? 4096;
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    let quiet: NodeJS.Timeout | null = null;
    const socket = connect({ host: '127.0.0.1', port: plan.port, noDelay: true });
    const finish = (outcome: Omit<TcpOutcome, 'reply' | 'bytes'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (quiet) clearTimeout(quiet);
      if (grace) clearTimeout(grace);
      socket.destroy();
      resolve({ reply: Buffer.concat(parts), bytes: size, ...outcome });
    };
    // Judged after one more pass of the event loop: if the fuzzer's own loop was busy past the deadline, an answer
    // that arrived meanwhile is read first (timers run before I/O), instead of being taken for a hang.
    const started = performance.now();
    let connected = false;
    let halfClosed = false;
    const deadline = setTimeout(() => {
      const late = performance.now() - started - plan.deadlineMs;
      setImmediate(() => {
        const trace = `${connected ? 'connected' : 'never connected'}, ${halfClosed ? 'our FIN sent' : 'no FIN sent'}, ${size} bytes back, the fuzzer's timer ${late.toFixed(0)} ms late`;
        finish({ closedByServer: false, hung: true, refused: false, trace });
      });
    }, plan.deadlineMs);
    let grace: NodeJS.Timeout | null = null;
    const armQuiet = () => {
      if (grace) clearTimeout(grace);
      if (plan.mode === 'end') return;
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(() => finish({ closedByServer: false, hung: false, refused: false }), plan.quietMs ?? 50);
    };
    socket.on('data', (chunk: Buffer) => {
      if (size < keep) parts.push(chunk.subarray(0, keep - size));
      size += chunk.length;
      armQuiet();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish({ closedByServer: err.code !== 'ECONNREFUSED', hung: false, refused: err.code === 'ECONNREFUSED' });
    });
    socket.on('close', () => finish({ closedByServer: true, hung: false, refused: false }));
    socket.on('connect', () => {
      connected = true;
      for (const chunk of plan.chunks) if (!socket.destroyed) socket.write(chunk);
      if (plan.mode === 'end') {
        socket.end();
        halfClosed = true;
      } else if (plan.mode === 'linger') armQuiet();
      else {
        grace = setTimeout(() => {
          socket.end();
          halfClosed = true;
        }, plan.graceMs ?? 150);
      }
    });
  });
}

/** Sends datagrams to 127.0.0.1 from one fresh socket and collects replies until `waitMs` passes quietly. */
export function udpExchange(port: number, datagrams: Buffer[], waitMs: number): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const replies: Buffer[] = [];
    let timer: NodeJS.Timeout;
    const done = () => {
      clearTimeout(timer);
      socket.close();
      resolve(replies);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(done, waitMs);
    };
    socket.on('message', (msg) => {
      if (replies.length < 16) replies.push(msg);
      arm();
    });
    socket.on('error', () => {});
    socket.bind(0, '127.0.0.1', () => {
      for (const d of datagrams) socket.send(d, port, '127.0.0.1');
      arm();
    });
  });
}
