/**
 * The jest environment of Masar's tests: Node's, plus the log buffer of `test-logs.ts`. Each test
 * starts with an empty buffer; when a test fails, the logs it produced below the printed level
 * follow its failure, so a red run explains itself without LOG_LEVEL=debug and a rerun.
 */
import type { Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';
import { TEST_LOGS_KEY } from './test-logs';

export default class MasarTestEnvironment extends NodeEnvironment {
  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_start') {
      this.global[TEST_LOGS_KEY] = [];
    } else if (event.name === 'test_done') {
      const lines = (this.global[TEST_LOGS_KEY] as string[] | undefined) ?? [];
      if (event.test.errors.length > 0 && lines.length > 0) {
        process.stderr.write(`\n--- logs of the failing test "${event.test.name}" (${lines.length} lines below LOG_LEVEL) ---\n${lines.join('\n')}\n--- end of logs ---\n`);
      }
      this.global[TEST_LOGS_KEY] = [];
    }
  }
}
