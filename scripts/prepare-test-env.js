#!/usr/bin/env node
// Makes sure the real services the tests start (PostgreSQL, OpenSSH, Chromium, Redis, AWS CLI, boto3) are
// installed. On Debian as root it installs what is missing with apt; elsewhere it says what to
// install and stops.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const requirements = [
  { what: 'PostgreSQL server', package: 'postgresql', present: () => hasPostgres() },
  { what: 'OpenSSH server', package: 'openssh-server', present: () => fs.existsSync('/usr/sbin/sshd') },
  { what: 'OpenSSH client', package: 'openssh-client', present: () => fs.existsSync('/usr/bin/ssh') },
  { what: 'Chromium', package: 'chromium', present: () => fs.existsSync('/usr/bin/chromium') },
  { what: 'Redis server', package: 'redis-server', present: () => fs.existsSync('/usr/bin/redis-server') },
  { what: 'AWS CLI v2 (the SSM-compatible API tests)', package: 'awscli', present: () => fs.existsSync('/usr/bin/aws') },
  { what: 'boto3 for the system Python', package: 'python3-boto3', present: () => fs.existsSync('/usr/lib/python3/dist-packages/boto3') },
];

function hasPostgres() {
  const root = '/usr/lib/postgresql';
  return fs.existsSync(root) && fs.readdirSync(root).some((v) => fs.existsSync(`${root}/${v}/bin/initdb`));
}

const missing = requirements.filter((r) => !r.present());
if (missing.length === 0) process.exit(0);

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
