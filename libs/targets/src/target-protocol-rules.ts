import type { RdpSecurity, TargetProtocol } from './entities/target.entity';

/** What a target would be after a create or an update, as far as its protocol's rules go. */
export interface ProtocolShape {
  protocol: TargetProtocol;
  hasPassword: boolean;
  hasPrivateKey: boolean;
  security: RdpSecurity | null;
  ignoreCert: boolean;
  domain: string | null;
}

/**
 * The one problem with a target's protocol fields, as `field: what is wrong` (a 400), or null.
 * SSH needs exactly one credential (the jump logs in with it); RDP and VNC take a password or
 * none (a VNC server may ask for nothing) and never a private key; the RDP options are RDP's only.
 */
export function protocolProblem(t: ProtocolShape): string | null {
  if (t.protocol === 'ssh') {
    if (t.hasPassword === t.hasPrivateKey) return 'exactly one of password or privateKey must be given';
  } else if (t.hasPrivateKey) {
    return `privateKey: only ssh targets take a private key (this one is ${t.protocol})`;
  }
  if (t.protocol !== 'rdp') {
    if (t.security !== null) return `security: only rdp targets take a security mode (this one is ${t.protocol})`;
    if (t.ignoreCert) return `ignoreCert: only rdp targets check certificates (this one is ${t.protocol})`;
    if (t.domain !== null) return `domain: only rdp targets take a domain (this one is ${t.protocol})`;
  }
  return null;
}
