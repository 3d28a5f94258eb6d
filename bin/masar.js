#!/usr/bin/env node
// The `masar` command. Sources are TypeScript; tsx compiles them on the fly so the CLI works
// from a fresh clone without a build step.
require('tsx/cjs');
require('../cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  });
