/**
 * The progress display: one line rewritten in place on a terminal, a line every few seconds
 * otherwise (CI logs). Written to stderr so stdout keeps only the result tables.
 */
export interface Progress {
  /** Starts a phase of `total` units (0 when unknown). */
  phase(label: string, total?: number): void;
  tick(n?: number, note?: string): void;
  /** Ends the phase with a summary line. */
  done(summary: string): void;
  log(line: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let label = '';
  let total = 0;
  let count = 0;
  let note = '';
  let started = 0;
  let lastPrint = 0;
  let live = false;

  const line = (): string => {
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? count / secs : 0;
    const of = total > 0 ? `${count}/${total} (${Math.floor((100 * count) / total)}%)` : String(count);
    return `  ${label}: ${of}  ${rate.toFixed(1)}/s  ${secs.toFixed(0)} s${note ? `  ${note}` : ''}`;
  };
  const print = (force = false): void => {
    const now = performance.now();
    if (tty) {
      if (!force && now - lastPrint < 100) return;
      stream.write(`\r\x1b[2K${line()}`);
      live = true;
    } else {
      if (!force && now - lastPrint < 5_000) return;
      stream.write(`${line()}\n`);
    }
    lastPrint = now;
  };
  const clear = (): void => {
    if (tty && live) stream.write('\r\x1b[2K');
    live = false;
  };

  return {
    phase(l, t = 0) {
      clear();
      label = l;
      total = t;
      count = 0;
      note = '';
      started = performance.now();
      lastPrint = tty ? 0 : started;
      print(true);
    },
    tick(n = 1, text) {
      count += n;
      if (text !== undefined) note = text;
      print();
    },
    done(summary) {
      clear();
      stream.write(`  ${label}: ${summary}\n`);
    },
    log(text) {
      clear();
      stream.write(`${text}\n`);
    },
  };
}
