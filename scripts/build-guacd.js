#!/usr/bin/env node
// Builds the real guacd (Apache guacamole-server) from the vendored release tarball, with the
// vendored fixes (vendor/guacamole-server-<version>-*.patch) applied, once, into
// .cache/guacd-<version>/, and reuses that build while it is complete and built with those fixes. The e2e tests run this
// guacd against real VNC (Xvnc) and RDP (xrdp) servers. Debian 12 does not package guacd, and the
// build deps are Debian packages that `scripts/prepare-test-env.js` installs.
//
//   node scripts/build-guacd.js          build if needed, print what it did
//   node scripts/build-guacd.js --check  exit 0 if a complete build is cached, 1 if not (no build)
//
// Exits non-zero with the reason (and the tail of the build log) when it cannot build.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const VERSION = '1.6.0';
const SHA256 = '970446c82cc2b72ad6d03ac3ef6acc64a3d19ee6a05e9186bca52f4c1c833731';
const ROOT = path.resolve(__dirname, '..');
const TARBALL = path.join(ROOT, 'vendor', `guacamole-server-${VERSION}.tar.gz`);
const CACHE = path.join(ROOT, '.cache');
const PREFIX = path.join(CACHE, `guacd-${VERSION}`);
const MARKER = path.join(PREFIX, '.vigil-build.json');
const LOCK = path.join(CACHE, `guacd-${VERSION}.lock`);
const LOG = path.join(CACHE, `guacd-${VERSION}-build.log`);
const VENDOR = path.join(ROOT, 'vendor');
// What the tests use: the daemon, libguac, and the protocol plugins libguac dlopen()s.
const REQUIRED = ['sbin/guacd', 'lib/libguac.so', 'lib/libguac-client-vnc.so', 'lib/libguac-client-rdp.so', 'lib/libguac-client-ssh.so'];
// pkg-config module → the Debian package that provides it (GUACAMOLE.md's list).
const PKG_CONFIG = {
  cairo: 'libcairo2-dev', libjpeg: 'libjpeg62-turbo-dev', libpng: 'libpng-dev', uuid: 'uuid-dev', libssl: 'libssl-dev',
  freerdp2: 'freerdp2-dev', libvncclient: 'libvncserver-dev', libssh2: 'libssh2-1-dev', pangocairo: 'libpango1.0-dev', libwebp: 'libwebp-dev',
};
const TOOLS = { patch: 'patch', autoreconf: 'autoconf', automake: 'automake', libtoolize: 'libtool', make: 'build-essential', cc: 'build-essential', 'pkg-config': 'pkg-config', tar: 'tar' };
const rel = (p) => path.relative(ROOT, p) || '.';

class BuildError extends Error {
  constructor(message, logTail) {
    super(message);
    this.logTail = logTail;
  }
}

/** Stops the build; main() prints the reason after the temporary folder and the lock are gone. */
function fail(message, logTail) {
  throw new BuildError(message, logTail);
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The vendored fixes, in the order they apply, each with its sha256 (the cache is keyed on them). */
function vendoredPatches() {
  const prefix = `guacamole-server-${VERSION}-`;
  return fs.readdirSync(VENDOR)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.patch'))
    .sort()
    .map((name) => ({ name, sha256: sha256(path.join(VENDOR, name)) }));
}

const patchKey = (patches) => patches.map((p) => `${p.name}:${p.sha256}`).join(',');

/** Why the cached build can't be used, or null when it is complete and every library resolves. */
function cacheProblem() {
  let marker;
  try {
    marker = JSON.parse(fs.readFileSync(MARKER, 'utf8'));
  } catch {
    return 'no complete build';
  }
  if (marker.sha256 !== SHA256) return `built from another tarball (${marker.sha256})`;
  if (patchKey(marker.patches ?? []) !== patchKey(vendoredPatches())) return 'built with other vendored patches';
  const absent = REQUIRED.filter((f) => !fs.existsSync(path.join(PREFIX, f)));
  if (absent.length) return `missing ${absent.join(', ')}`;
  // A Debian upgrade can replace a library the build linked against (FreeRDP, libvncclient...).
  const ldd = spawnSync('ldd', REQUIRED.map((f) => path.join(PREFIX, f)), { encoding: 'utf8', env: libraryEnv() });
  if (ldd.status === 0 && /not found/.test(ldd.stdout)) {
    return `unresolved libraries: ${[...new Set(ldd.stdout.split('\n').filter((l) => /not found/.test(l)).map((l) => l.trim()))].join('; ')}`;
  }
  return null;
}

function libraryEnv() {
  return { ...process.env, LD_LIBRARY_PATH: path.join(PREFIX, 'lib') };
}

function which(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

function checkPrerequisites() {
  const missing = new Set();
  for (const [tool, pkg] of Object.entries(TOOLS)) if (!which(tool)) missing.add(pkg);
  if (which('pkg-config')) {
    for (const [module, pkg] of Object.entries(PKG_CONFIG)) {
      if (spawnSync('pkg-config', ['--exists', module]).status !== 0) missing.add(pkg);
    }
  }
  if (missing.size) {
    fail(`missing build dependencies. Install them (as root: \`node scripts/prepare-test-env.js\` does), e.g.:\n` +
      `  apt-get install -y --no-install-recommends ${[...missing].join(' ')}`);
  }
}

/** One build at a time: parallel jest workers (or two `npm test`s) wait for the first one. */
function acquireLock() {
  fs.mkdirSync(CACHE, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(LOCK, 'utf8'));
    if (!isAlive(holder)) {
      fs.rmSync(LOCK, { force: true }); // left by a build that was killed
      continue;
    }
    if (!told) console.log(`build-guacd: waiting for the build in process ${holder}`);
    told = true;
    if (Date.now() > deadline) fail(`process ${holder} has held ${rel(LOCK)} for 15 minutes`);
    spawnSync('sleep', ['1']);
  }
}

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Runs one build step with its output appended to the log; fails with the log's tail. */
function step(title, command, args, cwd) {
  const started = Date.now();
  process.stdout.write(`build-guacd: ${title} ... `);
  fs.appendFileSync(LOG, `\n$ ${command} ${args.join(' ')}\n`);
  const out = fs.openSync(LOG, 'a');
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', out, out], env: { ...process.env, LC_ALL: 'C' } });
  fs.closeSync(out);
  if (result.status !== 0) {
    console.log('failed');
    const tail = fs.readFileSync(LOG, 'utf8').split('\n').slice(-40).join('\n');
    fail(`${title} failed (${result.error ? result.error.message : `exit ${result.status ?? result.signal}`})`, tail);
  }
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function build() {
  const actual = sha256(TARBALL);
  if (actual !== SHA256) fail(`${rel(TARBALL)} has sha256 ${actual}, expected ${SHA256}: the file is damaged or not the 1.6.0 release`);
  checkPrerequisites();
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-guacd-build-'));
  try {
    fs.rmSync(PREFIX, { recursive: true, force: true });
    fs.writeFileSync(LOG, `guacamole-server ${VERSION} build, ${new Date().toISOString()}\n`);
    console.log(`build-guacd: building guacd ${VERSION} from ${rel(TARBALL)} (sha256 ok) into ${rel(PREFIX)}, log in ${rel(LOG)}`);
    step('unpacking', 'tar', ['xzf', TARBALL, '-C', work], ROOT);
    const src = path.join(work, `guacamole-server-${VERSION}`);
    const patches = vendoredPatches();
    for (const { name } of patches) step(`patch ${name}`, 'patch', ['-p1', '--forward', '-i', path.join(VENDOR, name)], src);
    step('autoreconf', 'autoreconf', ['-fi'], src);
    // The FreeRDP plugins go under the prefix too: the build needs no write access outside it.
    step('configure', './configure', [`--prefix=${PREFIX}`, '--disable-static', `--with-freerdp-plugin-dir=${PREFIX}/lib/freerdp2`], src);
    step(`make -j${os.availableParallelism()}`, 'make', [`-j${os.availableParallelism()}`], src);
    step('make install', 'make', ['install'], src);
    const absent = REQUIRED.filter((f) => !fs.existsSync(path.join(PREFIX, f)));
    if (absent.length) {
      const summary = fs.readFileSync(LOG, 'utf8').match(/guacamole-server version [\s\S]*?FreeRDP plugins[^\n]*/);
      fail(`the build has no ${absent.join(', ')}: configure left a protocol out (see its summary)`, summary ? summary[0] : undefined);
    }
    const version = spawnSync(path.join(PREFIX, 'sbin', 'guacd'), ['-v'], { encoding: 'utf8', env: libraryEnv() });
    if (version.status !== 0) fail(`the built guacd does not run: ${version.stderr || version.error}`);
    fs.writeFileSync(MARKER, JSON.stringify({ version: VERSION, sha256: SHA256, patches, builtAt: new Date().toISOString() }, null, 2) + '\n');
    console.log(`build-guacd: ${version.stdout.trim()} ready in ${rel(PREFIX)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  if (!fs.existsSync(TARBALL)) fail(`${rel(TARBALL)} not found (it is vendored in the repository)`);
  if (process.argv.includes('--check')) {
    const problem = cacheProblem();
    if (problem) console.log(`build-guacd: ${rel(PREFIX)}: ${problem}`);
    process.exit(problem ? 1 : 0);
  }
  let problem = cacheProblem();
  if (!problem) {
    console.log(`build-guacd: guacd ${VERSION} already built in ${rel(PREFIX)}, reusing it`);
    return;
  }
  acquireLock();
  try {
    problem = cacheProblem(); // another process may have built it while we waited
    if (!problem) {
      console.log(`build-guacd: guacd ${VERSION} was built in ${rel(PREFIX)} meanwhile, reusing it`);
      return;
    }
    console.log(`build-guacd: ${rel(PREFIX)}: ${problem}`);
    build();
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`build-guacd: ${error.message}`);
  if (error.logTail) console.error(`--- last lines of ${rel(LOG)} ---\n${error.logTail}`);
  process.exitCode = 1;
}
