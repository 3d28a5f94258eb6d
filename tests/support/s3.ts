/**
 * A real S3-compatible server for tests: moto's standalone server (installed by `npm run setup`,
 * see scripts/s3-test-server.ts) on a free loopback port, in memory, with IAM checks on, so every
 * S3 request must carry a valid SigV4 signature of a key moto issued. The first three requests go
 * unauthenticated (moto's INITIAL_NO_AUTH_ACTION_COUNT) and create that key: an IAM user, its
 * policy allowing S3, its access key. Then the bucket is created with the key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { signRequest } from '../../documents/sigv4';
import { locateS3TestServer } from '../../scripts/s3-test-server';
import { freePort } from '../../worker/dev-server';

export interface S3TestServer {
  /** `http://127.0.0.1:port/bucket`: what `MASAR_S3_URL` would be. */
  url: string;
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`moto_server did not listen on ${port} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A signed IAM query call (form POST), answered in XML. */
async function iam(endpoint: string, params: Record<string, string>, key: { accessKeyId: string; secretAccessKey: string }): Promise<string> {
  const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString();
  const url = new URL(endpoint);
  const headers = { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const signed = signRequest({ method: 'POST', path: '/', headers, payloadHash }, { ...key, region: REGION, service: 'iam' });
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers: { ...headers, ...signed }, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`IAM ${params.Action}: ${res.status} ${text}`);
  return text;
}

const tag = (xml: string, name: string): string => {
  const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1];
  if (!value) throw new Error(`no <${name}> in ${xml}`);
  return value;
};

/** Starts moto with one bucket and one access key allowed to use it. */
export async function startS3TestServer(bucket = 'masar-documents'): Promise<S3TestServer> {
  const server = locateS3TestServer(path.resolve(__dirname, '..', '..'), process.env);
  if (!server) throw new Error('no S3 test server (moto_server): run `npm run setup`, or set MASAR_TEST_S3_SERVER');
  const port = await freePort();
  const child = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '3', MOTO_ALLOW_NONEXISTENT_REGION: 'false' },
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitForPort(port, child, () => output, 30_000);
    const endpoint = `http://127.0.0.1:${port}`;
    // Unauthenticated (moto counts them): any key signs these three calls.
    const bootstrap = { accessKeyId: 'bootstrap', secretAccessKey: 'bootstrap' };
    await iam(endpoint, { Action: 'CreateUser', UserName: 'masar' }, bootstrap);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    await iam(endpoint, { Action: 'PutUserPolicy', UserName: 'masar', PolicyName: 's3', PolicyDocument: policy }, bootstrap);
    const created = await iam(endpoint, { Action: 'CreateAccessKey', UserName: 'masar' }, bootstrap);
    const key = { accessKeyId: tag(created, 'AccessKeyId'), secretAccessKey: tag(created, 'SecretAccessKey') };

    const host = new URL(endpoint).host;
    const payloadHash = createHash('sha256').update('').digest('hex');
    const signed = signRequest({ method: 'PUT', path: `/${bucket}`, headers: { host }, payloadHash }, { ...key, region: REGION, service: 's3' });
    const res = await fetch(`${endpoint}/${bucket}`, { method: 'PUT', headers: { host, ...signed } });
    if (!res.ok) throw new Error(`CreateBucket ${bucket}: ${res.status} ${await res.text()}`);
    return { url: `${endpoint}/${bucket}`, endpoint, bucket, region: REGION, ...key, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
