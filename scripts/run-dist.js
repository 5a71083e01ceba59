#!/usr/bin/env node
// Runs a compiled entry point from dist/ (e.g. `node scripts/run-dist.js bench/registry/run.js`).
// The code imports libs through @vigil/* aliases; this maps them onto the compiled tree, with the
// same paths tsconfig.json gives the compiler.
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.json');

const dist = path.join(__dirname, '..', 'dist');
tsconfigPaths.register({ baseUrl: dist, paths: compilerOptions.paths });
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-dist.js <path inside dist/>');
  process.exit(2);
}
process.argv.splice(2, 1);
require(path.join(dist, entry));
