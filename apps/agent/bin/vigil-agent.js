#!/usr/bin/env node
// The installed `vigil-agent` command: runs the compiled CLI from dist/ (`npm run build` first),
// mapping the @vigil/* imports onto the compiled tree like scripts/run-dist.js does.
const path = require('node:path');
const dist = path.join(__dirname, '..', '..', '..', 'dist');
require('tsconfig-paths').register({ baseUrl: dist, paths: { '@vigil/agent-sdk': ['libs/agent-sdk/src'] } });
require(path.join(dist, 'apps', 'agent', 'src', 'main.js'));
