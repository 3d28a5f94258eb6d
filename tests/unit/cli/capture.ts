/** Runs `masar <args>` in-process with captured output, as a user would type it. */
import { main } from '../../../cli/main';

export interface Captured {
  code: number;
  out: string[];
  err: string[];
  stdout: string;
}

export async function masar(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, out, err, stdout: out.join('\n') };
}
