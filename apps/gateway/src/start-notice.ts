import type { RunningGateway } from './create-gateway';

type Started = Pick<RunningGateway, 'url' | 'bound' | 'jumpPort' | 'jumpBound' | 'jumpHost' | 'generatedAdminPassword' | 'adminPasswordFile'>;

/**
 * What `main` prints once the gateway listens, whatever LOG_LEVEL: scripts and operators read the
 * URL and ports from the first two lines; the URL works from this machine, the binding says who
 * else can reach it. A generated admin password is shown only on a terminal (`npm start`):
 * anywhere else stdout is a log (Docker, systemd), so only the path of its 0600 file is printed.
 * Never the structured log.
 */
export function startNotice(gateway: Started, adminUsername: string, terminal: boolean): string {
  let text =
    `listening on ${gateway.url} (bound to ${gateway.bound})\n` +
    `ssh jump listening on ${gateway.jumpPort} (bound to ${gateway.jumpBound})\n` +
    // The login name is `<vigil user>+<target name>`; the one line that saves a trip to the README.
    `  connect through the jump: ssh -p ${gateway.jumpPort} ${adminUsername}+TARGET@${gateway.jumpHost}  (TARGET: a target's name)\n`;
  if (!gateway.generatedAdminPassword) return text;
  const file = gateway.adminPasswordFile;
  const password =
    terminal || !file
      ? `password "${gateway.generatedAdminPassword}"${file ? ` (also in ${file}, readable by this account only)` : ''}`
      : `its password is in ${file} (readable by this account only; not printed, since this output is not a terminal)`;
  text +=
    `\n  Vigil administrator created: user "${adminUsername}", ${password}\n` +
    `  Sign in to the console at ${gateway.url}/ (API docs: ${gateway.url}/api/docs), change the password${file ? ' and delete that file' : ''}.\n` +
    `  This password is not shown again.\n\n`;
  return text;
}
