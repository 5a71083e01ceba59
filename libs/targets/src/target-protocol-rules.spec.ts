import { ProtocolShape, protocolProblem } from './target-protocol-rules';

const base: ProtocolShape = { protocol: 'ssh', hasPassword: true, hasPrivateKey: false, security: null, ignoreCert: false, domain: null };

describe('protocolProblem', () => {
  it('accepts an ssh target with exactly one credential, and rdp/vnc targets with a password or none', () => {
    expect(protocolProblem(base)).toBeNull();
    expect(protocolProblem({ ...base, hasPassword: false, hasPrivateKey: true })).toBeNull();
    expect(protocolProblem({ ...base, protocol: 'rdp', security: 'nla', ignoreCert: true, domain: 'CORP' })).toBeNull();
    expect(protocolProblem({ ...base, protocol: 'vnc', hasPassword: false })).toBeNull();
  });

  it('names the field that is wrong', () => {
    expect(protocolProblem({ ...base, hasPassword: false })).toBe('exactly one of password or privateKey must be given');
    expect(protocolProblem({ ...base, hasPrivateKey: true })).toBe('exactly one of password or privateKey must be given');
    expect(protocolProblem({ ...base, protocol: 'rdp', hasPrivateKey: true })).toMatch(/^privateKey: /);
    expect(protocolProblem({ ...base, protocol: 'vnc', security: 'tls' })).toMatch(/^security: /);
    expect(protocolProblem({ ...base, security: 'any' })).toMatch(/^security: /);
    expect(protocolProblem({ ...base, protocol: 'vnc', ignoreCert: true })).toMatch(/^ignoreCert: /);
    expect(protocolProblem({ ...base, domain: 'CORP' })).toMatch(/^domain: /);
  });
});
