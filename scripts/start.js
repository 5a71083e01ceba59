#!/usr/bin/env node
// `npm start`: the compiled gateway (build it first with `npm run build`). With --demo (what
// `npm start` passes) and VIGIL_DEMO unset, the built-in demo runs: a demo agent keeps a few
// simulated sessions moving, and a scripted user works on the loopback `demo-shell` target (a fake
// shell) through the jump, a live session to View, Interact with and Terminate. `start:prod` has no
// --demo: nothing of the demo exists unless VIGIL_DEMO=1 is set explicitly.
if (process.argv.includes('--demo') && process.env.VIGIL_DEMO === undefined) process.env.VIGIL_DEMO = '1';
process.argv = process.argv.filter((a) => a !== '--demo');
process.argv.splice(2, 0, 'apps/gateway/src/main.js');
require('./run-dist.js');
