/**
 * `npm run setup`: makes sure the Temporal dev server and test server binaries are here, and the
 * S3-compatible server the document store's tests run against (`scripts/s3-test-server.ts`).
 */
import path from 'node:path';
import { ensureTemporalToolchain } from '../worker/temporal-toolchain';
import { ensureS3TestServer } from './s3-test-server';

const root = path.resolve(__dirname, '..');
const log = (l: string) => console.log(`setup: ${l}`);
const found = ensureTemporalToolchain({ env: process.env, root, install: true, log });
console.log(`setup: temporal CLI: ${found.cli ?? 'not found (the SDK will download it)'}`);
console.log(`setup: temporal test server: ${found.testServer ?? 'not found (the SDK will download it)'}`);
const s3 = ensureS3TestServer({ env: process.env, root, log });
console.log(`setup: S3 test server: ${s3 ?? 'not found (the S3 document store tests will fail)'}`);
