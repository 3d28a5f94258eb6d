/**
 * Starting the real OpenID Connect provider of `oidc-provider.mjs` for a test, and walking a
 * browser through it (its cookies kept apart from the console's, as a browser keeps them per site).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import request from 'supertest';

export interface TestProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts the provider with these clients and accounts (claims by account id). */
export async function startTestProvider(config: { clients: Record<string, unknown>[]; accounts: Record<string, Record<string, unknown>> }): Promise<TestProvider> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'oidc-provider.mjs')], {
    env: { ...process.env, OIDC_TEST_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the test OIDC provider did not start in 20 s: ${errors.join('')}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`the test OIDC provider exited (${code}): ${errors.join('')}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { issuer: string }).issuer);
    });
  });
  return {
    issuer,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * What a browser does at the provider: follows its redirects from the authorization URL, signs in
 * as `account` on its login screen, and returns the address it is finally sent back to (the
 * console's callback, with `code`, `state` and `iss`, or an `error`).
 */
export async function throughProvider(issuer: string, authorizationUrl: string, account: string, backTo: string): Promise<URL> {
  const browser = request.agent(issuer);
  let location = authorizationUrl;
  for (let hops = 0; hops < 10; hops++) {
    if (location.startsWith(backTo)) return new URL(location);
    const url = new URL(location, issuer);
    if (url.origin !== issuer) throw new Error(`the provider sent the browser to ${url.href}`);
    if (url.pathname.startsWith('/interaction/')) url.searchParams.set('login', account);
    const res = await browser.get(`${url.pathname}${url.search}`);
    if (res.status < 300 || res.status >= 400 || !res.headers.location) throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${res.text.slice(0, 300)}`);
    location = res.headers.location;
  }
  throw new Error('the provider redirected more than 10 times');
}
