/** jest `setupFiles`: the test logger of `test-logs.ts`, installed before each test file's code. */
import { installTestLogging } from './test-logs';

installTestLogging();
