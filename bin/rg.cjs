#!/usr/bin/env node
// The `rg` command: TypeScript sources run through tsx, so a fresh clone needs no build step.
require('tsx/cjs/api').register();
require('../temporal/cli.ts')
  .main(process.argv)
  // Temporal's native runtime can keep the event loop alive after the work is done.
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((err) => {
    console.error(`rg: ${err && err.message ? err.message : err}`);
    if (process.env.RG_DEBUG) console.error(err);
    process.exit(1);
  });
