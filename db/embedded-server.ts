/**
 * Serves ONE PGlite session to many TCP clients over the Postgres wire protocol.
 *
 * Why not `@electric-sql/pglite-socket`: its multiplexer interleaves clients message by message
 * and pins a client only inside an explicit transaction, so two connections' extended-protocol
 * batches (Parse/Bind/Execute/Sync) mix on the single session and one binds against the other's
 * unnamed statement ("bind message supplies 1 parameters, but prepared statement "" requires 26"):
 * electric-sql/pglite#1046, seen here with concurrent notification sweeps.
 *
 * The rule here: a client takes the session with its first message and keeps it until PGlite
 * answers ReadyForQuery with status idle ('I'), i.e. after its Sync or simple Query outside a
 * transaction block. Clients wait their turn in arrival order. A client that disconnects while
 * holding the session has its batch closed (Sync) and its transaction rolled back.
 */
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** First come, first served ownership of the one session. */
class Turns {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  async acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

/** Follows PGlite's output message by message to see whether it ended with ReadyForQuery. */
class ReadyTracker {
  private readonly header = Buffer.alloc(5);
  private headerLength = 0;
  private bodyLeft = 0;
  private inReady = false;
  /** Status of the ReadyForQuery that ended the output so far ('I', 'T' or 'E'), if one did. */
  status: string | undefined;

  reset(): void {
    this.headerLength = 0;
    this.bodyLeft = 0;
    this.inReady = false;
    this.status = undefined;
  }

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        // ReadyForQuery: 'Z', length 5, one status byte ('I' idle, 'T' in a transaction, 'E' failed one).
        if (this.inReady) this.status = String.fromCharCode(chunk[i + n - 1] ?? 0);
        this.bodyLeft -= n;
        i += n;
        continue;
      }
      const n = Math.min(5 - this.headerLength, chunk.length - i);
      this.header.set(chunk.subarray(i, i + n), this.headerLength);
      this.headerLength += n;
      i += n;
      if (this.headerLength < 5) return;
      this.headerLength = 0;
      this.status = undefined;
      this.inReady = this.header[0] === 0x5a;
      this.bodyLeft = this.header.readInt32BE(1) - 4;
    }
  }
}

export interface ServedPglite {
  port: number;
  /** Stops accepting, closes every client connection. */
  close(): Promise<void>;
}

/** Listens on `host:port` (0: a free port) and serves `db` to every client. */
export async function servePglite(db: PGlite, options: { host: string; port: number }): Promise<ServedPglite> {
  const turns = new Turns();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    serveClient(db, turns, socket).finally(() => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serveClient(db: PGlite, turns: Turns, socket: net.Socket): Promise<void> {
  let buffer = Buffer.alloc(0);
  let started = false;
  let holding = false;
  let closed = false;
  const tracker = new ReadyTracker();
  const queue: Buffer[] = [];
  let wake: (() => void) | undefined;

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8) break;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N'); // no encryption on loopback
          buffer = buffer.subarray(8);
          continue;
        }
        if (code === CANCEL_REQUEST) {
          socket.destroy(); // cancelling is not supported; the query runs to its end
          return;
        }
        if (buffer.length < length) break;
        queue.push(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        started = true;
        continue;
      }
      if (buffer.length < 5) break;
      const total = 1 + buffer.readInt32BE(1);
      if (buffer.length < total) break;
      queue.push(buffer.subarray(0, total));
      buffer = buffer.subarray(total);
    }
    wake?.();
  });
  const ended = new Promise<void>((resolve) => socket.once('close', resolve));
  socket.once('close', () => {
    closed = true;
    wake?.();
  });
  socket.on('error', () => undefined); // a client going away is normal; 'close' follows

  try {
    for (;;) {
      const message = queue.shift();
      if (!message) {
        if (closed) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (message[0] === 0x58) break; // Terminate ('X')
      if (!holding) {
        await turns.acquire();
        holding = true;
      }
      tracker.reset();
      await db.runExclusive(() =>
        db.execProtocolRawStream(new Uint8Array(message), {
          onRawData: (data) => {
            tracker.feed(data);
            if (!socket.destroyed) socket.write(data);
          },
        }),
      );
      if (tracker.status === 'I') {
        holding = false;
        turns.release();
      }
    }
  } catch {
    // PGlite failed on this client's message: drop the client, keep serving the others.
  } finally {
    if (holding) {
      // Close any half-sent batch, then undo an open transaction, before the next client's turn.
      await db.runExclusive(() => db.execProtocolRaw(new Uint8Array(SYNC))).catch(() => undefined);
      if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => undefined);
      turns.release();
    }
    socket.end();
    await ended;
  }
}
