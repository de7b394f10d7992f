#!/usr/bin/env node
// The package's command: `npx mm-review check FILE…`. The bundle is built by `npm run build` (and by `npm ci`).
require('../dist/cli.js');
