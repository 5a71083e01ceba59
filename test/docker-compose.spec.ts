import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../libs/config/src/load-config';
import { TUNNEL_PATH } from '../libs/rdp/src/tunnel-path';

/**
 * docker-compose.yml and deploy/nginx.conf are the deployment contract, but no Docker engine runs
 * here: these checks read both files (pure, no containers) and hold them to Vigil's code — the
 * variables load-config reads, the recordings path guacd must share, the tunnel path, stickiness.
 */
const root = path.resolve(__dirname, '..');
const composeText = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const nginxText = fs.readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  labels?: Record<string, string>;
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  networks: Record<string, { ipam?: { config: Array<{ subnet: string }> } } | null>;
}
// merge: resolves the `<<: *gateway` / `<<: *vigil-env` keys as Compose does
const compose = parse(composeText, { merge: true }) as Compose;
const services = compose.services;
const vigilServices = Object.entries(services).filter(([, s]) => s.build === '.');

/** Every environment variable name libs/config reads: `'NAME'` literals and `env.NAME`. */
function configVariableNames(): Set<string> {
  const names = new Set<string>();
  // load-config.ts hands `env` to parseSsmImportEnv; it reads the rest itself
  for (const file of ['load-config.ts', 'ssm-import-env.ts']) {
    const source = fs.readFileSync(path.join(root, 'libs/config/src', file), 'utf8');
    for (const m of source.matchAll(/'([A-Z][A-Z0-9_]*)'/g)) names.add(m[1]);
    for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1]);
  }
  return names;
}

/** Compose interpolation of `${X}`, `${X:-default}`, `${X:?message}` against `values`. */
function interpolate(value: string, values: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
    if (values[name] !== undefined && values[name] !== '') return values[name];
    if (op === '?') throw new Error(`required variable ${name} is missing: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

function networkAddress(service: Service, network: string): string | undefined {
  const networks = service.networks;
  if (!networks || Array.isArray(networks)) return undefined;
  return networks[network]?.ipv4_address;
}

/** `location [=] PATH { ... }` blocks of nginx.conf (none of them nests braces). */
function nginxLocations(text: string): Map<string, string> {
  const uncommented = text.replace(/#.*$/gm, '');
  const blocks = new Map<string, string>();
  for (const m of uncommented.matchAll(/location\s+(=\s*)?(\S+)\s*\{([^}]*)\}/g)) blocks.set(`${m[1] ? '= ' : ''}${m[2]}`, m[3]);
  return blocks;
}

function upstreamBlock(text: string, name: string): string {
  const m = text.replace(/#.*$/gm, '').match(new RegExp(`upstream\\s+${name}\\s*\\{([^}]*)\\}`));
  if (!m) throw new Error(`no upstream ${name}`);
  return m[1];
}

const SAMPLE_ENV: Record<string, string> = {
  VIGIL_DB_PASSWORD: 'db-password-sample',
  VIGIL_ADMIN_PASSWORD: 'admin-password-sample',
  VIGIL_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  VIGIL_DEMO_VNC_PASSWORD: 'vncdemo1',
  VIGIL_DEMO_SSH_PASSWORD: 'ssh-demo-sample',
};

describe('docker-compose.yml', () => {
  it('has the production services, the two demo targets and the load balancer', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['demo-ssh', 'demo-vnc', 'gateway-1', 'gateway-2', 'guacd', 'jump', 'nginx', 'postgres', 'redis', 'volume-init'].sort(),
    );
    expect(vigilServices.map(([name]) => name).sort()).toEqual(['gateway-1', 'gateway-2', 'jump']);
    // guacd built with the vendored fixes (the official 1.6.0 image has the bugs they fix)
    expect(services.guacd.build).toEqual({ context: '.', dockerfile: 'deploy/guacd/Dockerfile' });
    expect(services.guacd.image).toBeUndefined();
    expect(services.nginx.image).toMatch(/^nginx:\d/);
  });

  it('gives Vigil only variables libs/config reads, and they pass its validation', () => {
    const known = configVariableNames();
    // the extractor itself: finds names of both spellings, invents none
    for (const name of ['PORT', 'DATABASE_URL', 'VIGIL_TRUST_PROXY', 'VIGIL_MASTER_KEY', 'TLS_CERT', 'VIGIL_SSM_IMPORT_REGION', 'GUACD_HOST']) {
      expect(known).toContain(name);
    }
    expect(known).not.toContain('VIGIL_NOT_A_SETTING');
    expect(known).not.toContain('POSTGRES_PASSWORD');

    for (const [name, service] of vigilServices) {
      const env = service.environment ?? {};
      expect(Object.keys(env).length).toBeGreaterThan(5);
      const unknown = Object.keys(env).filter((key) => !known.has(key));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
      const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v), SAMPLE_ENV)]));
      const config = loadConfig(resolved); // throws ConfigValidationError with every bad variable
      expect(config.database.kind).toBe('postgres');
      expect(config.redisUrl).toBe('redis://redis:6379');
      expect(config.guacd).toEqual({ host: 'guacd', port: 4822 });
      expect(config.dataDir).toBe('/var/lib/vigil');
    }
  });

  it('holds no literal credential: every password, key and secret is a required ${...:?} placeholder', () => {
    const secretish = /PASSWORD$|SECRET|_KEY$|TOKEN/;
    const checked: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!secretish.test(key)) continue;
        checked.push(`${name}.${key}`);
        expect({ at: `${name}.${key}`, value: String(value) }).toEqual({ at: `${name}.${key}`, value: expect.stringMatching(/^\$\{[A-Z0-9_]+:\?[^}]*\}$/) });
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['gateway-1.VIGIL_ADMIN_PASSWORD', 'gateway-1.VIGIL_MASTER_KEY', 'postgres.POSTGRES_PASSWORD', 'demo-vnc.VNC_PASSWORD', 'demo-ssh.USER_PASSWORD']));
    expect(services['gateway-1'].environment?.DATABASE_URL).toMatch(/^postgres:\/\/vigil:\$\{VIGIL_DB_PASSWORD:\?[^}]*\}@postgres:5432\/vigil$/);
    // a missing secret stops `docker compose` instead of starting with an empty password
    expect(() => interpolate(String(services['demo-ssh'].environment?.USER_PASSWORD), {})).toThrow(/VIGIL_DEMO_SSH_PASSWORD/);
  });

  it('depends only on services that exist, and waits for health only where a healthcheck is defined', () => {
    let edges = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        edges++;
        expect({ from: name, target, exists: target in services }).toEqual({ from: name, target, exists: true });
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') expect({ target, healthcheck: Boolean(services[target].healthcheck) }).toEqual({ target, healthcheck: true });
      }
    }
    expect(edges).toBeGreaterThan(10);
    // no cycle (Compose refuses one)
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`depends_on cycle through ${name}`);
      visiting.add(name);
      for (const target of Object.keys(services[name].depends_on ?? {})) visit(target);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name);
    // the shared data folder's keys are created once, by gateway-1, before the others start
    expect(services['gateway-2'].depends_on?.['gateway-1']?.condition).toBe('service_healthy');
    expect(services.jump.depends_on?.['gateway-1']?.condition).toBe('service_healthy');
  });

  it('declares every named volume and network it uses; bind mounts and build contexts exist', () => {
    const declaredVolumes = new Set(Object.keys(compose.volumes));
    const declaredNetworks = new Set(Object.keys(compose.networks));
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source.startsWith('.') || source.startsWith('/')) {
          expect({ service: name, source, exists: fs.existsSync(path.join(root, source)) }).toEqual({ service: name, source, exists: true });
        } else {
          expect({ service: name, source, declared: declaredVolumes.has(source) }).toEqual({ service: name, source, declared: true });
        }
      }
      const networks = Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});
      for (const network of networks) expect({ service: name, network, declared: declaredNetworks.has(network) }).toEqual({ service: name, network, declared: true });
      if (service.build !== undefined) {
        const context = typeof service.build === 'string' ? service.build : service.build.context;
        expect(fs.existsSync(path.join(root, context, 'Dockerfile'))).toBe(true);
      }
    }
  });

  it('shares the recordings volume between guacd and every Vigil process at VIGIL_DATA_DIR/recordings', () => {
    const mountOf = (service: Service, volume: string): string | undefined =>
      (service.volumes ?? []).map((v) => v.split(':')).find(([source]) => source === volume)?.[1];
    const dataDir = String(services['gateway-1'].environment?.VIGIL_DATA_DIR);
    // libs/rdp passes guacd the recording path RecordingStore locates: path.join(config.dataDir, 'recordings', YYYY/MM/DD)
    const rdpSource = fs.readFileSync(path.join(root, 'libs/rdp/src/rdp-tunnel.service.ts'), 'utf8');
    expect(rdpSource).toMatch(/recordings\.locate\(|store\.locate\(|\.locate\([^)]*'guacamole'\)/);
    const storeSource = fs.readFileSync(path.join(root, 'libs/recording/src/nest/recording-store.ts'), 'utf8');
    expect(storeSource).toContain("path.join(config.dataDir, 'recordings')");
    const recordingsPath = path.posix.join(dataDir, 'recordings');
    expect(mountOf(services.guacd, 'recordings')).toBe(recordingsPath);
    for (const [name, service] of vigilServices) {
      expect({ name, recordings: mountOf(service, 'recordings'), data: mountOf(service, 'vigil-data') }).toEqual({ name, recordings: recordingsPath, data: dataDir });
      expect(service.environment?.VIGIL_DATA_DIR).toBe(dataDir);
    }
    // guacd sees the recordings only, never the data folder's keys
    expect(mountOf(services.guacd, 'vigil-data')).toBeUndefined();
  });

  it('sends browsers through nginx only and trusts X-Forwarded-For from nginx alone', () => {
    const nginxAddress = networkAddress(services.nginx, 'edge');
    expect(nginxAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const subnet = compose.networks.edge?.ipam?.config[0].subnet ?? '';
    expect(nginxAddress?.split('.').slice(0, 3).join('.')).toBe(subnet.split('/')[0].split('.').slice(0, 3).join('.'));
    for (const name of ['gateway-1', 'gateway-2']) {
      const gateway = services[name];
      expect(gateway.ports).toBeUndefined();
      expect(gateway.environment?.VIGIL_TRUST_PROXY).toBe(nginxAddress);
      expect(gateway.networks).toEqual(expect.arrayContaining(['edge', 'backend']));
    }
    expect(services.nginx.ports).toEqual(['8080:8080']);
    expect(services.nginx.volumes).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
  });

  it('labels the demo targets, publishes none of their ports and keeps them off the edge network', () => {
    for (const name of ['demo-vnc', 'demo-ssh']) {
      expect(services[name].labels).toEqual({ 'vigil.demo': 'true' });
      expect(services[name].ports).toBeUndefined();
      expect(services[name].networks).toEqual(['backend']);
    }
    expect(fs.readFileSync(path.join(root, 'deploy/demo-vnc/Dockerfile'), 'utf8')).toMatch(/DEMO ONLY/);
  });
});

describe('deploy/nginx.conf', () => {
  const locations = nginxLocations(nginxText);

  it('balances over both gateways, sticky by client address', () => {
    const upstream = upstreamBlock(nginxText, 'vigil_gateways');
    const servers = [...upstream.matchAll(/^\s*server\s+([^\s;]+)/gm)].map((m) => m[1]);
    const port = services['gateway-1'].environment?.PORT;
    expect(servers).toEqual([`gateway-1:${port}`, `gateway-2:${port}`]);
    // connect tokens live in the minting gateway's memory: round robin would lose them
    expect(upstream).toMatch(/^\s*(hash\s+\$remote_addr\s+consistent|ip_hash)\s*;/m);
    expect(nginxText).toMatch(/^\s*events\s*\{/m); // a whole main config, as mounted over /etc/nginx/nginx.conf
    expect(nginxText).toMatch(new RegExp(`listen\\s+${services.nginx.ports?.[0].split(':')[1]};`));
  });

  it.each([['/socket.io/'], [`= ${TUNNEL_PATH}`]])('upgrades WebSockets on %s, with long timeouts and the forwarding headers', (location) => {
    const block = locations.get(location);
    expect(block).toBeDefined();
    const directive = (re: RegExp): boolean => re.test(block ?? '');
    expect(directive(/proxy_pass\s+http:\/\/vigil_gateways;/)).toBe(true);
    expect(directive(/proxy_http_version\s+1\.1;/)).toBe(true);
    expect(directive(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/)).toBe(true);
    expect(directive(/proxy_set_header\s+Connection\s+\$connection_upgrade;/)).toBe(true);
    // a location with its own proxy_set_header inherits none from the server: each names them all
    expect(directive(/proxy_set_header\s+X-Forwarded-For\s+\$(remote_addr|proxy_add_x_forwarded_for);/)).toBe(true);
    expect(directive(/proxy_set_header\s+Host\s+\$http_host;/)).toBe(true); // socket.io and the tunnel check Origin against Host
    const readTimeout = Number(/proxy_read_timeout\s+(\d+)s;/.exec(block ?? '')?.[1]);
    expect(readTimeout).toBeGreaterThan(30 * 60); // beyond Vigil's 30-minute RDP idle rule
  });

  it('defines the upgrade map and forwards the client address on every location', () => {
    expect(nginxText).toMatch(/map\s+\$http_upgrade\s+\$connection_upgrade\s*\{[^}]*default\s+upgrade;/);
    expect([...locations.keys()].sort()).toEqual(['/', '/socket.io/', `= ${TUNNEL_PATH}`].sort());
    for (const [location, block] of locations) {
      expect({ location, xff: /proxy_set_header\s+X-Forwarded-For\s/.test(block) }).toEqual({ location, xff: true });
    }
  });
});

/** The packages of every `apt-get install` in a Dockerfile stage (the text after `FROM` up to the next). */
function aptPackages(stage: string): string[] {
  const joined = stage.replace(/\\\n/g, ' ');
  return [...joined.matchAll(/apt-get install -y --no-install-recommends ([^&\n]+)/g)].flatMap((m) => m[1].trim().split(/\s+/));
}

function dockerStages(text: string): string[] {
  return text.split(/^FROM /m).slice(1);
}

describe('the images docker-compose.yml builds', () => {
  const guacdDockerfile = fs.readFileSync(path.join(root, 'deploy/guacd/Dockerfile'), 'utf8');
  const [guacdBuild, guacdRuntime] = dockerStages(guacdDockerfile);
  const vigilDockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const dockerignore = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());

  it("guacd: built by the tests' script from the vendored tarball and its fixes, with the tests' build dependencies", () => {
    expect(guacdBuild).toMatch(/COPY scripts\/build-guacd\.js scripts\//);
    expect(guacdBuild).toMatch(/COPY vendor\/ vendor\//);
    expect(guacdBuild).toMatch(/RUN node scripts\/build-guacd\.js\s*$/m);
    const ciRun = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');
    const ciDeps = /GUACD_BUILD_DEPS=\(([^)]*)\)/.exec(ciRun)?.[1].trim().split(/\s+/) ?? [];
    const prepare = fs.readFileSync(path.join(root, 'scripts/prepare-test-env.js'), 'utf8');
    const prepareDeps = [...(/const GUACD_BUILD_DEPS = \[([^\]]*)\]/.exec(prepare)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(ciDeps.length).toBeGreaterThan(10);
    expect(prepareDeps.sort()).toEqual([...ciDeps].sort());
    // `patch` applies the vendored fixes (Debian's build-essential does not bring it on a slim image)
    expect(aptPackages(guacdBuild).sort()).toEqual([...ciDeps, 'patch'].sort());
  });

  it('guacd: the runtime stage installs every package the built daemon and its plugins link against', () => {
    const prefix = path.join(root, '.cache/guacd-1.6.0');
    const binaries = ['sbin/guacd', ...fs.readdirSync(path.join(prefix, 'lib')).filter((f) => f.endsWith('.so')).map((f) => `lib/${f}`)];
    expect(binaries).toEqual(expect.arrayContaining(['sbin/guacd', 'lib/libguac-client-vnc.so', 'lib/libguac-client-rdp.so']));
    const needed = new Set<string>();
    for (const binary of binaries) {
      const out = spawnSync('readelf', ['-d', path.join(prefix, binary)], { encoding: 'utf8' });
      expect(out.status).toBe(0);
      for (const m of out.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) if (!m[1].startsWith('libguac')) needed.add(m[1]);
    }
    expect(needed).toContain('libcairo.so.2');
    // the Debian 12 package of each (the image is Debian 12 too); libc comes with any image
    const packages = new Set<string>();
    for (const library of needed) {
      const owner = spawnSync('dpkg', ['-S', `*/${library}`], { encoding: 'utf8' });
      expect({ library, status: owner.status }).toEqual({ library, status: 0 });
      packages.add(owner.stdout.split(':')[0]);
    }
    packages.delete('libc6');
    expect(aptPackages(guacdRuntime)).toEqual(expect.arrayContaining([...packages]));
    // the prefix is compiled in: the runtime stage keeps the build stage's path
    expect(guacdRuntime).toMatch(/COPY --from=build \/opt\/vigil-guacd\/\.cache\/guacd-1\.6\.0 \/opt\/vigil-guacd\/\.cache\/guacd-1\.6\.0/);
    expect(guacdBuild).toMatch(/WORKDIR \/opt\/vigil-guacd/);
    // uid 1000, as volume-init hands the recordings volume over; on the port GUACD_PORT names
    expect(guacdRuntime).toMatch(/useradd --uid 1000 .* guacd/);
    expect(guacdRuntime).toMatch(/^USER guacd$/m);
    expect(guacdRuntime).toMatch(/"-b", "0\.0\.0\.0", "-l", "4822"/);
  }, 30_000);

  it("Vigil: npm install sees patches/ (patch-package runs at postinstall), and the build context leaves the host's installs and data out", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.postinstall).toBe('patch-package');
    const build = dockerStages(vigilDockerfile)[0];
    const install = build.indexOf('RUN npm install');
    expect(install).toBeGreaterThan(0);
    expect(build.indexOf('COPY patches/ patches/')).toBeGreaterThan(-1);
    expect(build.indexOf('COPY patches/ patches/')).toBeLessThan(install);
    for (const entry of ['node_modules/', 'dist/', 'data/', '.cache/', '.git/']) expect(dockerignore).toContain(entry);
  });
});

