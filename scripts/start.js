#!/usr/bin/env node
// `npm start`: the compiled gateway (build it first with `npm run build`). With --demo (what
// `npm start` passes) and VIGIL_DEMO unset, the built-in demo agent keeps a few sessions moving.
if (process.argv.includes('--demo') && process.env.VIGIL_DEMO === undefined) process.env.VIGIL_DEMO = '1';
process.argv = process.argv.filter((a) => a !== '--demo');
process.argv.splice(2, 0, 'apps/gateway/src/main.js');
require('./run-dist.js');
