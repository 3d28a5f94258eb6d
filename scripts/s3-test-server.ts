/**
 * The S3-compatible server the tests run the S3 document store against: moto's standalone server
 * (`moto_server`, PyPI `moto[server]`), installed by `npm run setup` into the same git-ignored venv
 * as the Temporal wheels (`.tools/venv`). It verifies SigV4 signatures once IAM checks are on
 * (`tests/support/s3.ts` turns them on), so the hand-written signer is tested against a real
 * verifier, not a mock. Order of search: `MASAR_TEST_S3_SERVER`, `.tools/venv/bin` (the pinned version),
 * then PATH (a pyenv shim on PATH may name a moto of another Python: the venv comes first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isExecutable } from '../worker/temporal-toolchain';

/** Pinned: a moto upgrade is a deliberate change (the contract test must pass against it). */
export const S3_TEST_SERVER = { pkg: 'moto[server]', version: '5.2.5', bin: 'moto_server' } as const;

/** The `moto_server` to run, or undefined when none is installed. */
export function locateS3TestServer(root: string, env: Record<string, string | undefined>): string | undefined {
  const explicit = env.MASAR_TEST_S3_SERVER;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`MASAR_TEST_S3_SERVER=${explicit}: not an executable file`);
    return explicit;
  }
  const venv = venvServer(root);
  if (venv) return venv;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, S3_TEST_SERVER.bin))) return path.join(dir, S3_TEST_SERVER.bin);
  }
  return undefined;
}

function venvServer(root: string): string | undefined {
  const file = path.join(root, '.tools', 'venv', 'bin', S3_TEST_SERVER.bin);
  return isExecutable(file) ? file : undefined;
}

/**
 * Installs the pinned moto into `.tools/venv` unless it is there or `MASAR_TEST_S3_SERVER` names
 * one. Idempotent (nothing to do the second time) and offline-tolerant: a failed install is
 * reported, not thrown, and a `moto_server` on PATH is used instead if there is one; failing that,
 * the S3 tests say what to run.
 */
export function ensureS3TestServer(options: { root: string; env: Record<string, string | undefined>; log: (line: string) => void }): string | undefined {
  if (options.env.MASAR_TEST_S3_SERVER || venvServer(options.root)) return locateS3TestServer(options.root, options.env);
  const venv = path.join(options.root, '.tools', 'venv');
  try {
    if (!existsSync(path.join(venv, 'bin', 'pip'))) {
      options.log(`creating ${path.relative(options.root, venv)} (python3 -m venv)`);
      execFileSync(options.env.PYTHON ?? 'python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    }
    const spec = `${S3_TEST_SERVER.pkg}==${S3_TEST_SERVER.version}`;
    options.log(`installing ${spec} into ${path.relative(options.root, venv)} (the S3-compatible test server)`);
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', spec], { stdio: 'inherit' });
  } catch (err) {
    options.log(`could not install the S3 test server (${(err as Error).message})`);
    return locateS3TestServer(options.root, options.env);
  }
  return locateS3TestServer(options.root, options.env);
}
