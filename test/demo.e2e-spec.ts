import { DATABASE_KINDS } from './support/databases';
import { TestGateway, startTestGateway } from './support/test-gateway';

describe.each(DATABASE_KINDS)('demo agent (VIGIL_DEMO=1) on %s', (kind) => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway(kind, { VIGIL_DEMO: '1' });
  });
  afterAll(() => gw.close());

  it('reports six sessions, one of each type, owned by the admin', async () => {
    const res = await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    // the demo shell's live session (test/demo-session.e2e-spec.ts) aside
    const items = res.body.items.filter((s: { serviceProvider: string }) => s.serviceProvider !== 'demo-shell');
    expect(items).toHaveLength(6);
    // one of each simulated type (CONSOLE, ESSO, PAM, PAM_RDP, PAM_SSH, WebSSO), as the README promises
    expect(new Set(items.map((s: { type: string }) => s.type)).size).toBe(6);
    expect(items.every((s: { owner: string }) => s.owner === 'admin')).toBe(true);
    expect(items.every((s: { serviceProvider: string }) => s.serviceProvider.startsWith('simulated ('))).toBe(true);
  });
});

describe('demo agent off by default', () => {
  it('reports nothing unless asked for', async () => {
    const gw = await startTestGateway('sqlite');
    try {
      const res = await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' }).expect(200);
      expect(res.body.items).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});
