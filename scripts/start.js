#!/usr/bin/env node
// Runs the compiled gateway. The libs are imported through @vigil/* aliases; this maps them onto
// the compiled tree in dist/ (the same paths tsconfig.json gives the compiler).
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.json');

tsconfigPaths.register({ baseUrl: path.join(__dirname, '..', 'dist'), paths: compilerOptions.paths });
require(path.join(__dirname, '..', 'dist', 'apps', 'gateway', 'src', process.argv[2] || 'main.js'));
