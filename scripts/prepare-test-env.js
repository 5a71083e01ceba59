#!/usr/bin/env node
// Makes sure the real services the tests start (PostgreSQL, OpenSSH, Chromium, Redis, AWS CLI, boto3,
// Xvnc, xrdp, xdotool, and guacd's build dependencies) are installed. On Debian as root it installs
// what is missing with apt; elsewhere it says what to install and stops. Then it builds guacd from
// the vendored tarball (scripts/build-guacd.js; a no-op once cached in .cache/).
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** True if dpkg lists the package as installed (the guacd build deps have no single file to look for). */
function debInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

// guacd's build dependencies (../shared/GUACAMOLE.md): RDP (FreeRDP 2), VNC, SSH and the image codecs.
const GUACD_BUILD_DEPS = [
  'build-essential', 'autoconf', 'automake', 'libtool', 'libtool-bin', 'pkg-config', 'libcairo2-dev', 'libjpeg62-turbo-dev',
  'libpng-dev', 'uuid-dev', 'libssl-dev', 'freerdp2-dev', 'libvncserver-dev', 'libssh2-1-dev', 'libpango1.0-dev', 'libwebp-dev',
];

const requirements = [
  { what: 'PostgreSQL server', package: 'postgresql', present: () => hasPostgres() },
  { what: 'OpenSSH server', package: 'openssh-server', present: () => fs.existsSync('/usr/sbin/sshd') },
  { what: 'OpenSSH client', package: 'openssh-client', present: () => fs.existsSync('/usr/bin/ssh') },
  { what: 'Chromium', package: 'chromium', present: () => fs.existsSync('/usr/bin/chromium') },
  { what: 'Redis server', package: 'redis-server', present: () => fs.existsSync('/usr/bin/redis-server') },
  { what: 'AWS CLI v2 (the SSM-compatible API tests)', package: 'awscli', present: () => fs.existsSync('/usr/bin/aws') },
  { what: 'boto3 for the system Python', package: 'python3-boto3', present: () => fs.existsSync('/usr/lib/python3/dist-packages/boto3') },
  { what: 'TigerVNC Xvnc (the VNC target)', package: 'tigervnc-standalone-server', present: () => fs.existsSync('/usr/bin/Xvnc') },
  { what: 'xrdp (the RDP target)', package: 'xrdp', present: () => fs.existsSync('/usr/sbin/xrdp') },
  { what: 'xorgxrdp', package: 'xorgxrdp', present: () => debInstalled('xorgxrdp') },
  { what: 'xdotool (reads the X pointer on the targets)', package: 'xdotool', present: () => fs.existsSync('/usr/bin/xdotool') },
  { what: 'X11 utilities', package: 'x11-utils', present: () => fs.existsSync('/usr/bin/xdpyinfo') },
  ...GUACD_BUILD_DEPS.map((name) => ({ what: `${name} (to build guacd)`, package: name, present: () => debInstalled(name) })),
];

function hasPostgres() {
  const root = '/usr/lib/postgresql';
  return fs.existsSync(root) && fs.readdirSync(root).some((v) => fs.existsSync(`${root}/${v}/bin/initdb`));
}

const missing = requirements.filter((r) => !r.present());
if (missing.length > 0) {
  const packages = missing.map((r) => r.package);
  const canApt = process.getuid && process.getuid() === 0 && fs.existsSync('/usr/bin/apt-get');
  if (!canApt) {
    console.error(`The tests need: ${missing.map((r) => r.what).join(', ')}.`);
    console.error(`Install them, e.g.: sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`);
    process.exit(1);
  }
  console.log(`installing test dependencies: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { stdio: 'inherit', env });
  try {
    apt(['install', '-y', '--no-install-recommends', ...packages]);
  } catch {
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', ...packages]);
  }
}

// The real guacd the RDP/VNC tests drive: built once (~35 s), then reused from .cache/.
const build = spawnSync(process.execPath, [path.join(__dirname, 'build-guacd.js')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
