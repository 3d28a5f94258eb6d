/**
 * `npm run setup:cluster` and `npm run cluster -- start|stop|status`: the opt-in Temporal server on
 * PostgreSQL (see docs/operations.md). `setup` builds the pinned server and its SQL tool from the Go
 * module proxy into .tools/ (skipped when present); `start` creates the databases and schema,
 * starts the server in the background and returns once it serves the namespace; `stop` ends it
 * through its pid file. Settings: MASAR_CLUSTER_* (config/cluster-env.ts).
 */
import path from 'node:path';
import { loadClusterConfig } from '../config/cluster-env';
import { ensureClusterToolchain } from '../worker/cluster-toolchain';
import { runningClusterPid, startCluster, stopCluster } from '../worker/temporal-cluster';

const ROOT = path.resolve(__dirname, '..');
const USAGE = 'usage: npm run cluster -- setup|start|stop|status';
const say = (line: string) => console.log(`cluster: ${line}`);

async function main(command: string | undefined): Promise<void> {
  const config = loadClusterConfig(process.env, ROOT);
  switch (command) {
    case 'setup': {
      const tools = ensureClusterToolchain({ root: ROOT, env: process.env, install: true, log: say });
      say(`temporal-server ${tools.version}: ${tools.server}`);
      say(`temporal-sql-tool ${tools.version}: ${tools.sqlTool}`);
      say(`schema: ${tools.schemaDir}`);
      return;
    }
    case 'start': {
      const toolchain = ensureClusterToolchain({ root: ROOT, env: process.env, install: false });
      const server = await startCluster({ ...config, toolchain, detached: true, log: say });
      say(`running: pid ${server.pid}, TEMPORAL_ADDRESS=${server.address}, namespace ${server.namespace}`);
      say(`log: ${server.logFile}; stop with \`npm run cluster -- stop\``);
      return;
    }
    case 'stop': {
      const outcome = await stopCluster(config.stateDir);
      say(outcome === 'stopped' ? 'stopped' : `no server running from ${config.stateDir}`);
      return;
    }
    case 'status': {
      const pid = runningClusterPid(config.stateDir);
      say(pid ? `running: pid ${pid}, port ${config.port}` : `not running (${config.stateDir})`);
      process.exitCode = pid ? 0 : 3;
      return;
    }
    default:
      throw new Error(`unknown command "${command ?? ''}"\n${USAGE}`);
  }
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(`cluster: ${(err as Error).message}`);
  process.exit(1);
});
