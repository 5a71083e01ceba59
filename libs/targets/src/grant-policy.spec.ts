import { mayConnect } from './grant-policy';

describe('mayConnect', () => {
  const alice = { id: 'u-alice', roles: ['owner'] };
  const admin = { id: 'u-admin', roles: ['admin'] };

  it('refuses everyone, admins included, when a target has no grant', () => {
    expect(mayConnect({ userIds: [], roles: [] }, alice)).toBe(false);
    expect(mayConnect({ userIds: [], roles: [] }, admin)).toBe(false);
  });

  it('admits a user granted by id, and only that user', () => {
    const grants = { userIds: ['u-alice'], roles: [] };
    expect(mayConnect(grants, alice)).toBe(true);
    expect(mayConnect(grants, admin)).toBe(false);
  });

  it('admits the holders of a granted role', () => {
    const grants = { userIds: [], roles: ['owner'] };
    expect(mayConnect(grants, alice)).toBe(true);
    expect(mayConnect(grants, admin)).toBe(false);
    expect(mayConnect(grants, { id: 'u-norole', roles: [] })).toBe(false);
  });
});
