/** `npm run setup`: makes sure the Temporal dev server and test server binaries are here. */
import path from 'node:path';
import { ensureTemporalToolchain } from '../worker/temporal-toolchain';

const root = path.resolve(__dirname, '..');
const found = ensureTemporalToolchain({ env: process.env, root, install: true, log: (l) => console.log(`setup: ${l}`) });
console.log(`setup: temporal CLI: ${found.cli ?? 'not found (the SDK will download it)'}`);
console.log(`setup: temporal test server: ${found.testServer ?? 'not found (the SDK will download it)'}`);
