#!/usr/bin/env node
// `npm start`: the compiled gateway (build it first with `npm run build`).
process.argv.splice(2, 0, 'apps/gateway/src/main.js');
require('./run-dist.js');
