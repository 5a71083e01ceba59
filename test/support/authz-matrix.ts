/**
 * The authorization matrix: every HTTP route and every socket.io event of the gateway, and what
 * each kind of caller gets from it. test/authorization-matrix.e2e-spec.ts discovers the routes and
 * events of the running gateway and fails when one of them has no row here, or a row has no route.
 *
 * Every cell is the expected answer of one principal. Columns, in order (PRINCIPALS):
 *
 *   anon      no credentials at all
 *   agent     an agent token (POST /api/agents {kind: 'agent'}); it reported `ownerSession`
 *   jump      a jump-server agent token (kind 'jump-server'), another agent than `agent`
 *   owner     role owner, no privilege; owns `ownerSession`, `liveSession` and `endedEntry`
 *   other     role owner, no privilege; owns `otherSession` (another owner)
 *   auditor   role auditor, no privilege: sees everything, may act on nothing
 *   admin     role admin (holds every privilege)
 *   shadow    no role, privilege shadow only
 *   interact  role owner, privilege interact only
 *   terminate role owner, privilege terminate only
 *   noRole    no role, no privilege
 *   disabled  role owner, disabled by an admin (PATCH /api/users/{username} {disabled: true}) after it
 *             logged in; its old token is what it presents
 *
 * The rules the cells follow (docs/API.md, README "Errors"): unauthenticated → 401; authenticated
 * but not allowed → 403; a session or entry the caller may not see → 404, never revealing that it
 * exists; agent tokens work only on /api/agent/*, user tokens never there; privileges act only on
 * what the caller can see (an owner with `terminate` still gets 404 for someone else's session).
 * '2xx' stands for routes of the v2 contract whose success status the contract does not fix.
 */

export const PRINCIPALS = [
  'anon',
  'agent',
  'jump',
  'owner',
  'other',
  'auditor',
  'admin',
  'shadow',
  'interact',
  'terminate',
  'noRole',
  'disabled',
] as const;
export type Principal = (typeof PRINCIPALS)[number];

/** One expected value per principal, in PRINCIPALS order. */
export type Cells<T> = readonly [T, T, T, T, T, T, T, T, T, T, T, T];

export const cellOf = <T>(cells: Cells<T>, principal: Principal): T => cells[PRINCIPALS.indexOf(principal)];

/** Who the user principals are. */
export const USER_PRINCIPALS: Record<Exclude<Principal, 'anon' | 'agent' | 'jump' | 'admin'>, { username: string; roles: string[]; privileges: string[] }> = {
  owner: { username: 'olivia', roles: ['owner'], privileges: [] },
  other: { username: 'oscar', roles: ['owner'], privileges: [] },
  auditor: { username: 'aude', roles: ['auditor'], privileges: [] },
  shadow: { username: 'sam', roles: [], privileges: ['shadow'] },
  interact: { username: 'ivan', roles: ['owner'], privileges: ['interact'] },
  terminate: { username: 'tess', roles: ['owner'], privileges: ['terminate'] },
  noRole: { username: 'nora', roles: [], privileges: [] },
  disabled: { username: 'dina', roles: ['owner'], privileges: [] },
};

/** What a row's request builder may use; the spec provides real ids and fresh resources. */
export interface MatrixContext {
  /** open registry session of `owner`, reported by `agent` */
  ownerSession: string;
  /** open registry session of `other`, reported by `agent` */
  otherSession: string;
  /** a live SSH session of `owner` through the embedded jump to a real sshd (target `target`) */
  liveSession: string;
  /** the access-log entry of an ended SSH session of `owner`, with its sealed recording */
  endedEntry: string;
  /** the SSH target both SSH sessions use; `owner` holds a grant on it */
  target: string;
  /** a user that PATCH /api/users/{username} rows may change */
  patchUser: string;
  /** a target that PATCH /api/targets/{name} rows may change */
  patchTarget: string;
  username(p: Principal): string;
  password(p: Principal): string;
  /** a new registry session of `owner`, reported by `agent` (for rows that end it) */
  freshOwnerSession(): Promise<string>;
  /** a new user (role owner), for rows that delete it */
  freshUser(): Promise<string>;
  /** a new agent's id, for rows that revoke or rotate it */
  freshAgent(): Promise<string>;
  /** a new target's name, for rows that delete or re-pin it */
  freshTarget(): Promise<string>;
  /** the id of a new SSH key of `owner` */
  freshOwnerKey(): Promise<string>;
  /** the id of a new access key of `owner` (SSM-compatible API) */
  freshOwnerAccessKey(): Promise<string>;
  /** the name of a new, disabled SSM import source (it polls nothing) */
  freshSsmImportSource(): Promise<string>;
  /** the id of a new, disabled event rule (it delivers nothing) */
  freshEventRule(): Promise<string>;
  /** a new login token of the principal (users; others keep what they have) */
  freshToken(p: Principal): Promise<string | null>;
  /** a new OpenSSH public key line */
  newPublicKey(): string;
  unique(prefix: string): string;
}

export interface HttpCall {
  /** the concrete path, with real ids */
  path: string;
  body?: object;
  /** overrides the principal's own token (null: send none) */
  token?: string | null;
}

export type HttpExpect = number | '2xx';

export interface HttpRow {
  /** `METHOD /path/{param}`, as the OpenAPI document writes it */
  route: string;
  /** what the row proves */
  checks: string;
  /** the request, built per principal (default: the route's path, no body) */
  call?: (ctx: MatrixContext, p: Principal) => Promise<HttpCall> | HttpCall;
  expect: Cells<HttpExpect>;
  /** for lists: whether `id` is among what the principal gets (null where the call is refused) */
  sees?: { id: (ctx: MatrixContext) => string; ids: (body: unknown) => string[]; expect: Cells<boolean | null> };
  /** runs after the row for every principal (e.g. tokens a row may have ended) */
  after?: 'refresh-tokens';
}

const ids = (body: unknown): string[] => ((body as { items?: { id: string }[] }).items ?? []).map((i) => i.id);
const watched = (body: unknown): string[] => ((body as { items?: { sessionId: string }[] }).items ?? []).map((i) => i.sessionId);

// Frequent patterns, spelled out cell by cell in the rows below.
//                  anon agent jump owner other aud admin shadow interact terminate noRole disabled
const USER = (s: HttpExpect): Cells<HttpExpect> => [401, 401, 401, s, s, s, s, s, s, s, s, 401];
const ADMIN = (s: HttpExpect): Cells<HttpExpect> => [401, 401, 401, 403, 403, 403, s, 403, 403, 403, 403, 401];
const AUDIT = (s: HttpExpect): Cells<HttpExpect> => [401, 401, 401, 403, 403, s, s, 403, 403, 403, 403, 401];
const OWNED = (s: HttpExpect): Cells<HttpExpect> => [401, 401, 401, s, 404, s, s, 404, 404, 404, 404, 401];
const PUBLIC = (s: HttpExpect): Cells<HttpExpect> => [s, s, s, s, s, s, s, s, s, s, s, s];
//                        anon  agent  jump  owner other  aud   admin shadow inter term  noRole disabled
const SEES_OWNED: Cells<boolean | null> = [null, null, null, true, false, true, true, false, false, false, false, null];

export const HTTP_ROWS: HttpRow[] = [
  // ── auth ──────────────────────────────────────────────────────────────────────────────────────
  {
    route: 'POST /api/auth/login',
    checks: 'each principal logs in with its own credentials: every enabled user gets a token, a disabled user does not, an agent token is no password, anonymous guesses fail',
    call: (ctx, p) => ({ path: '/api/auth/login', token: null, body: { username: ctx.username(p), password: ctx.password(p) } }),
    expect: [401, 401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 401],
  },
  {
    route: 'POST /api/auth/logout',
    checks: 'logout takes a user token (a fresh one, so the principal stays signed in); agent tokens and the disabled user’s old token are refused',
    call: async (ctx, p) => ({ path: '/api/auth/logout', token: await ctx.freshToken(p) }),
    expect: USER(204),
  },
  { route: 'GET /api/me', checks: 'any enabled user learns who they are; nobody else', expect: USER(200) },
  {
    route: 'POST /api/me/password',
    checks: 'v2: any enabled user changes their own password with the current one (tokens are renewed afterwards)',
    call: (ctx, p) => ({ path: '/api/me/password', body: { currentPassword: ctx.password(p), newPassword: `${ctx.password(p)}-2` } }),
    expect: USER(204),
    after: 'refresh-tokens',
  },
  { route: 'GET /api/me/targets', checks: 'v2: any enabled user lists the targets granted to them', expect: USER(200) },

  // ── users, agents (administration) ───────────────────────────────────────────────────────────
  { route: 'GET /api/users', checks: 'only admins list users', expect: ADMIN(200) },
  {
    route: 'POST /api/users',
    checks: 'only admins create users',
    call: (ctx) => ({ path: '/api/users', body: { username: ctx.unique('u'), password: 'matrix-password', roles: ['owner'], privileges: [] } }),
    expect: ADMIN(201),
  },
  {
    route: 'GET /api/users/{username}/ssh-keys',
    checks: 'v2: only admins list another user’s SSH keys',
    call: (ctx) => ({ path: `/api/users/${ctx.username('owner')}/ssh-keys` }),
    expect: ADMIN(200),
  },
  {
    route: 'PATCH /api/users/{username}',
    checks: 'v2: only admins change a user’s roles (403 before any lookup)',
    call: (ctx) => ({ path: `/api/users/${ctx.patchUser}`, body: { roles: ['owner'] } }),
    expect: ADMIN(200),
  },
  {
    route: 'DELETE /api/users/{username}',
    checks: 'v2: only admins delete users (a fresh user per principal)',
    call: async (ctx) => ({ path: `/api/users/${await ctx.freshUser()}` }),
    expect: ADMIN(204),
  },
  {
    route: 'DELETE /api/users/{username}/ssh-keys/{id}',
    checks: 'v2: only admins remove another user’s SSH key (a fresh key of the owner per principal)',
    call: async (ctx) => ({ path: `/api/users/${ctx.username('owner')}/ssh-keys/${await ctx.freshOwnerKey()}` }),
    expect: ADMIN('2xx'),
  },
  { route: 'GET /api/agents', checks: 'v2: only admins list agents', expect: ADMIN(200) },
  {
    route: 'POST /api/agents',
    checks: 'only admins register agents',
    call: (ctx) => ({ path: '/api/agents', body: { name: ctx.unique('agent'), kind: 'agent' } }),
    expect: ADMIN(201),
  },
  {
    route: 'DELETE /api/agents/{id}',
    checks: 'v2: only admins revoke an agent (a fresh agent per principal)',
    call: async (ctx) => ({ path: `/api/agents/${await ctx.freshAgent()}` }),
    expect: ADMIN('2xx'),
  },
  {
    route: 'POST /api/agents/{id}/rotate',
    checks: 'v2: only admins rotate an agent’s token (a fresh agent per principal)',
    call: async (ctx) => ({ path: `/api/agents/${await ctx.freshAgent()}/rotate` }),
    expect: ADMIN('2xx'),
  },

  // ── the caller's SSH keys ───────────────────────────────────────────────────────────────────
  { route: 'GET /api/me/ssh-keys', checks: 'any enabled user lists their own keys', expect: USER(200) },
  {
    route: 'POST /api/me/ssh-keys',
    checks: 'any enabled user registers a key of their own',
    call: (ctx) => ({ path: '/api/me/ssh-keys', body: { publicKey: ctx.newPublicKey() } }),
    expect: USER(201),
  },
  {
    route: 'DELETE /api/me/ssh-keys/{id}',
    checks: 'a user deletes only their own keys: the owner’s key id is 404 for everyone else, admins included (they have the /api/users route)',
    call: async (ctx) => ({ path: `/api/me/ssh-keys/${await ctx.freshOwnerKey()}` }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 401, 401, 204, 404, 404, 404, 404, 404, 404, 404, 401],
  },

  // ── access keys (SSM-compatible API) ─────────────────────────────────────────────────────────
  {
    route: 'POST /api/access-keys',
    checks: 'any enabled user creates an access key of their own (the secret is in this answer only)',
    call: () => ({ path: '/api/access-keys', body: {} }),
    expect: USER(201),
  },
  { route: 'GET /api/access-keys', checks: 'any enabled user lists their own keys (admins: everyone’s)', expect: USER(200) },
  {
    route: 'PATCH /api/access-keys/{id}',
    checks: 'a fresh key of the owner per principal: its owner and admins deactivate it; to anyone else it does not exist (404)',
    call: async (ctx) => ({ path: `/api/access-keys/${await ctx.freshOwnerAccessKey()}`, body: { active: false } }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 401, 401, 200, 404, 404, 200, 404, 404, 404, 404, 401],
  },
  {
    route: 'DELETE /api/access-keys/{id}',
    checks: 'a fresh key of the owner per principal: its owner and admins delete it; to anyone else it does not exist (404)',
    call: async (ctx) => ({ path: `/api/access-keys/${await ctx.freshOwnerAccessKey()}` }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 401, 401, 204, 404, 404, 204, 404, 404, 404, 404, 401],
  },
  // ── the SSM importer's AWS sources ───────────────────────────────────────────────────────────
  {
    route: 'POST /api/ssm-import/sources',
    checks: 'only admins add an AWS source to import from (disabled here: it polls nothing)',
    call: (ctx) => ({ path: '/api/ssm-import/sources', body: { name: ctx.unique('src'), region: 'eu-west-1', enabled: false } }),
    expect: ADMIN(201),
  },
  { route: 'GET /api/ssm-import/sources', checks: 'only admins list the sources and their import health', expect: ADMIN(200) },
  {
    route: 'GET /api/ssm-import/sources/{name}',
    checks: 'only admins read one source and its health',
    call: async (ctx) => ({ path: `/api/ssm-import/sources/${await ctx.freshSsmImportSource()}` }),
    expect: ADMIN(200),
  },
  {
    route: 'PATCH /api/ssm-import/sources/{name}',
    checks: 'only admins change a source (a fresh one per principal)',
    call: async (ctx) => ({ path: `/api/ssm-import/sources/${await ctx.freshSsmImportSource()}`, body: { pollIntervalSeconds: 120 } }),
    expect: ADMIN(200),
  },
  {
    route: 'DELETE /api/ssm-import/sources/{name}',
    checks: 'only admins delete a source (a fresh one per principal)',
    call: async (ctx) => ({ path: `/api/ssm-import/sources/${await ctx.freshSsmImportSource()}` }),
    expect: ADMIN(204),
  },
  {
    route: 'GET /api/ssm-import/sessions/{id}',
    checks: 'the AWS attributes of an imported session: admins and auditors only (403 before any lookup); the owner’s session is no import, so they get 404',
    call: (ctx) => ({ path: `/api/ssm-import/sessions/${ctx.ownerSession}` }),
    expect: AUDIT(404),
  },
  {
    route: 'POST /',
    checks: 'the AWS JSON edge (SSM-compatible API) takes SigV4 with an access key only: no Vigil token opens it, every caller gets the same AWS error (test/ssm-*.e2e-spec.ts prove the signed calls)',
    call: () => ({ path: '/', body: { State: 'Active' } }),
    expect: PUBLIC(415),
  },

  // ── targets ─────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /api/targets', checks: 'only admins list targets', expect: ADMIN(200) },
  {
    route: 'POST /api/targets',
    checks: 'only admins create targets',
    call: (ctx) => ({ path: '/api/targets', body: { name: ctx.unique('t'), host: '127.0.0.1', port: 1, accountName: 'root', password: 'target-password' } }),
    expect: ADMIN(201),
  },
  {
    route: 'GET /api/targets/{name}',
    checks: 'v2: only admins read one target',
    call: (ctx) => ({ path: `/api/targets/${ctx.target}` }),
    expect: ADMIN(200),
  },
  {
    route: 'PATCH /api/targets/{name}',
    checks: 'v2: only admins change a target',
    call: (ctx) => ({ path: `/api/targets/${ctx.patchTarget}`, body: { host: '127.0.0.1' } }),
    expect: ADMIN('2xx'),
  },
  {
    route: 'DELETE /api/targets/{name}',
    checks: 'v2: only admins delete a target (a fresh target per principal)',
    call: async (ctx) => ({ path: `/api/targets/${await ctx.freshTarget()}` }),
    expect: ADMIN('2xx'),
  },
  {
    route: 'POST /api/targets/{name}/repin',
    checks: 'v2: only admins re-pin a target’s host key (a fresh target per principal)',
    call: async (ctx) => ({ path: `/api/targets/${await ctx.freshTarget()}/repin`, body: {} }),
    expect: ADMIN('2xx'),
  },
  {
    route: 'POST /api/targets/{name}/test',
    checks: 'v0.6: only admins make Vigil test a connection to a target (no login, no credential sent)',
    call: (ctx) => ({ path: `/api/targets/${ctx.target}/test` }),
    expect: ADMIN('2xx'),
  },
  {
    route: 'PUT /api/targets/{name}/grants',
    checks: 'v2: only admins say who may use a target (the same grant the setup gave)',
    call: (ctx) => ({ path: `/api/targets/${ctx.target}/grants`, body: { users: [ctx.username('owner')] } }),
    expect: ADMIN('2xx'),
  },
  {
    route: 'POST /api/targets/{name}/connect',
    checks: 'v0.6: a browser tunnel token needs a grant on the target (no role suffices, not even admin); without one the same 404 as an unknown target; the setup target is ssh, so its grantee gets 400 (use the jump)',
    call: (ctx) => ({ path: `/api/targets/${ctx.target}/connect` }),
    //       anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 401, 401, 400, 404, 404, 404, 404, 404, 404, 404, 401],
  },
  {
    route: 'GET /api/targets/{name}/grants',
    checks: 'v2: only admins read a target’s grants',
    call: (ctx) => ({ path: `/api/targets/${ctx.target}/grants` }),
    expect: ADMIN(200),
  },

  // ── sessions (owner side) ───────────────────────────────────────────────────────────────────
  {
    route: 'GET /api/sessions',
    checks: 'any enabled user lists open sessions, and sees the owner’s session only as its owner, auditor or admin',
    expect: USER(200),
    sees: { id: (ctx) => ctx.ownerSession, ids, expect: SEES_OWNED },
  },
  {
    route: 'GET /api/sessions/{id}',
    checks: 'the owner’s session: its owner, auditors and admins read it; to anyone else it does not exist (404)',
    call: (ctx) => ({ path: `/api/sessions/${ctx.ownerSession}` }),
    expect: OWNED(200),
  },
  {
    route: 'POST /api/sessions/{id}/terminate',
    checks: 'a fresh session of the owner per principal: its owner and admins end it; the auditor sees it but lacks terminate (403); terminate alone gives nothing on a session one cannot see (404)',
    call: async (ctx) => ({ path: `/api/sessions/${await ctx.freshOwnerSession()}/terminate`, body: { reason: 'authorization matrix' } }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 401, 401, 202, 404, 403, 202, 404, 404, 404, 404, 401],
  },
  {
    route: 'GET /api/sessions/{id}/recording',
    checks: 'the live SSH session’s DVR is live shadowing: its owner and holders of shadow who can see it (admin); the auditor sees the session but lacks shadow (403); others 404',
    call: (ctx) => ({ path: `/api/sessions/${ctx.liveSession}/recording` }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 401, 401, 200, 404, 403, 200, 404, 404, 404, 404, 401],
  },
  { route: 'GET /api/me/session-columns', checks: 'any enabled user reads their columns', expect: USER(200) },
  {
    route: 'PUT /api/me/session-columns',
    checks: 'any enabled user stores their columns',
    call: () => ({ path: '/api/me/session-columns', body: { columns: ['user', 'owner', 'status'] } }),
    expect: USER(200),
  },
  { route: 'GET /api/me/access-log-columns', checks: 'any enabled user reads their access-log columns', expect: USER(200) },
  {
    route: 'PUT /api/me/access-log-columns',
    checks: 'any enabled user stores their access-log columns (their own only: the route takes no user)',
    call: () => ({ path: '/api/me/access-log-columns', body: { columns: ['user', 'recording', 'endMessage'] } }),
    expect: USER(200),
  },
  {
    route: 'GET /api/live/watchers',
    checks: 'any enabled user asks who is watching; the live session (watched by an admin throughout) is listed only to its owner, auditors and admins',
    expect: USER(200),
    sees: { id: (ctx) => ctx.liveSession, ids: watched, expect: SEES_OWNED },
  },

  // ── access logs and recordings ──────────────────────────────────────────────────────────────
  {
    route: 'GET /api/access-logs',
    checks: 'any enabled user searches the access log, and sees the owner’s ended session only as its owner, auditor or admin',
    expect: USER(200),
    sees: { id: (ctx) => ctx.endedEntry, ids, expect: SEES_OWNED },
  },
  {
    route: 'GET /api/access-logs/{id}',
    checks: 'the owner’s entry: owner, auditor, admin; 404 to anyone else',
    call: (ctx) => ({ path: `/api/access-logs/${ctx.endedEntry}` }),
    expect: OWNED(200),
  },
  {
    route: 'GET /api/access-logs/{id}/recording',
    checks: 'the owner’s sealed recording is watching too (the rule of /live attach): its owner and admins; the auditor sees the entry but lacks shadow (403); 404 to anyone else',
    call: (ctx) => ({ path: `/api/access-logs/${ctx.endedEntry}/recording` }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 401, 401, 200, 404, 403, 200, 404, 404, 404, 404, 401],
  },
  {
    route: 'GET /api/access-logs/{id}/recording/verify',
    checks: 'verifying the owner’s recording reads no content: whoever sees the entry (owner, auditor, admin); 404 to anyone else',
    call: (ctx) => ({ path: `/api/access-logs/${ctx.endedEntry}/recording/verify` }),
    expect: OWNED(200),
  },

  // ── audit ───────────────────────────────────────────────────────────────────────────────────
  { route: 'GET /api/audit', checks: 'only admins and auditors read the audit trail', expect: AUDIT(200) },
  { route: 'GET /api/audit/verify', checks: 'only admins and auditors verify the chain', expect: AUDIT(200) },
  { route: 'GET /api/audit/export', checks: 'only admins and auditors export the chain for offline verification', expect: AUDIT(200) },
  { route: 'GET /api/audit/checkpoints', checks: 'only admins and auditors read the signed checkpoints', expect: AUDIT(200) },
  { route: 'GET /api/audit/signing-key', checks: "only admins and auditors fetch the checkpoints' public key", expect: AUDIT(200) },
  {
    route: 'GET /api/sessions/{id}/watchers-report',
    checks: 'who watched the owner’s ended session: its owner, auditors and admins; to anyone else it does not exist (404)',
    call: (ctx) => ({ path: `/api/sessions/${ctx.endedEntry}/watchers-report` }),
    expect: OWNED(200),
  },
  {
    route: 'GET /api/audit/watched',
    checks: 'what the owner watched: the owner asks for themself, admins and auditors for anyone; everyone else 403',
    call: (ctx) => ({ path: `/api/audit/watched?user=${ctx.username('owner')}` }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 401, 401, 200, 403, 200, 200, 403, 403, 403, 403, 401],
  },

  // ── event rules ─────────────────────────────────────────────────────────────────────────────
  {
    route: 'POST /api/event-rules',
    checks: 'only admins create event rules (disabled here: it delivers nothing)',
    call: (ctx) => ({ path: '/api/event-rules', body: { name: ctx.unique('rule'), eventPattern: { source: ['vigil'] }, enabled: false, targets: [{ type: 'webhook', url: 'http://127.0.0.1:9/unused' }] } }),
    expect: ADMIN(201),
  },
  { route: 'GET /api/event-rules', checks: 'only admins list event rules', expect: ADMIN(200) },
  {
    route: 'GET /api/event-rules/{id}',
    checks: 'only admins read a rule',
    call: async (ctx) => ({ path: `/api/event-rules/${await ctx.freshEventRule()}` }),
    expect: ADMIN(200),
  },
  {
    route: 'PATCH /api/event-rules/{id}',
    checks: 'only admins change a rule (a fresh one per principal)',
    call: async (ctx) => ({ path: `/api/event-rules/${await ctx.freshEventRule()}`, body: { description: 'changed' } }),
    expect: ADMIN(200),
  },
  {
    route: 'DELETE /api/event-rules/{id}',
    checks: 'only admins delete a rule (a fresh one per principal)',
    call: async (ctx) => ({ path: `/api/event-rules/${await ctx.freshEventRule()}` }),
    expect: ADMIN(204),
  },
  {
    route: 'POST /api/event-rules/{id}/rotate-secret',
    checks: "only admins rotate a webhook's signing secret",
    call: async (ctx) => ({ path: `/api/event-rules/${await ctx.freshEventRule()}/rotate-secret`, body: {} }),
    expect: ADMIN(200),
  },
  {
    route: 'POST /api/event-rules/test-pattern',
    checks: 'only admins test a pattern against an event',
    call: () => ({ path: '/api/event-rules/test-pattern', body: { eventPattern: { source: ['vigil'] }, event: { source: 'vigil' } } }),
    expect: ADMIN(200),
  },
  { route: 'GET /api/event-deliveries', checks: 'only admins read the delivery log', expect: ADMIN(200) },
  {
    route: 'GET /api/event-deliveries/{id}/attempts',
    checks: 'only admins read a delivery\'s attempts (403 before any lookup; an unknown delivery is 404)',
    call: () => ({ path: '/api/event-deliveries/00000000-0000-7000-8000-000000000000/attempts' }),
    expect: ADMIN(404),
  },
  {
    route: 'POST /api/event-deliveries/redrive',
    checks: 'only admins redrive dead letters (an unknown id redrives nothing)',
    call: () => ({ path: '/api/event-deliveries/redrive', body: { ids: ['00000000-0000-7000-8000-000000000000'] } }),
    expect: ADMIN(200),
  },

  // ── agent API ───────────────────────────────────────────────────────────────────────────────
  {
    route: 'POST /api/agent/sessions',
    checks: 'only agent tokens (both kinds) report sessions; no user token, admins included',
    call: (ctx) => ({
      path: '/api/agent/sessions',
      body: { externalId: ctx.unique('ext'), type: 'CONSOLE', user: 'jdoe', device: '10.0.0.1', client: 'srv-01', owner: ctx.username('noRole') },
    }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 201, 201, 401, 401, 401, 401, 401, 401, 401, 401, 401],
  },
  {
    route: 'POST /api/agent/sessions/{id}/heartbeat',
    checks: 'the session `agent` reported: only that agent heartbeats it; another agent gets 404; user tokens 401',
    call: (ctx) => ({ path: `/api/agent/sessions/${ctx.ownerSession}/heartbeat` }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 204, 404, 401, 401, 401, 401, 401, 401, 401, 401, 401],
  },
  {
    route: 'POST /api/agent/sessions/{id}/end',
    checks: 'a fresh session reported by `agent` per principal: only that agent ends it; another agent 404; user tokens 401',
    call: async (ctx) => ({ path: `/api/agent/sessions/${await ctx.freshOwnerSession()}/end`, body: {} }),
    //     anon agent jump owner other aud  admin shadow inter term noRole disabled
    expect: [401, 200, 404, 401, 401, 401, 401, 401, 401, 401, 401, 401],
  },

  // ── operations and documentation: public on purpose ─────────────────────────────────────────
  { route: 'GET /health', checks: 'liveness is public, whatever token comes with it', expect: PUBLIC(200) },
  { route: 'GET /metrics', checks: 'Prometheus metrics are public (protect them at the network edge), whatever token comes with it', expect: PUBLIC(200) },
  { route: 'GET /api/docs-json', checks: 'the OpenAPI document is public', expect: PUBLIC(200) },
  { route: 'GET /api/docs-yaml', checks: 'the OpenAPI document (YAML) is public', expect: PUBLIC(200) },
];

/**
 * Server paths that are not API routes of their own: the Swagger UI page and its assets under
 * /api/docs (the documents it shows, /api/docs-json and -yaml, have rows).
 */
export const EXCLUDED_PATHS = /^\/api\/docs(\/|$)/;

// ── socket.io /live ─────────────────────────────────────────────────────────────────────────────

/**
 * How a /live action ended, as its ack says. `refused`: the handshake itself was refused
 * (connect_error), so the principal never gets to send anything.
 */
export type LiveExpect = 'refused' | 'ok' | 'not-found' | 'forbidden' | 'not-attached' | 'view-mode' | 'not-interactive' | 'not-holder' | 'no-request' | 'not-subscribed';

export const LIVE_ERRORS: Record<Exclude<LiveExpect, 'refused' | 'ok'>, RegExp> = {
  'not-found': /^session not found$/,
  forbidden: /^forbidden: /,
  'not-attached': /^not attached to this session$/,
  'view-mode': /^input refused: attached in view mode$/,
  'not-interactive': /^cannot take control: not-interactive$/,
  'not-holder': /^you do not hold control$/,
  'no-request': /^no pending request for control from this viewer$/,
  'not-subscribed': /^not subscribed to this session$/,
};

export interface LiveRow {
  /** the socket event (as @SubscribeMessage names it) and, for `control`, its action */
  event: string;
  label: string;
  checks: string;
  /**
   * What the principal's fresh socket does first, acks unchecked: `attach-best` attaches in
   * interact mode, or in view mode when that is refused; `+take` then asks for control.
   */
  prelude: 'none' | 'attach-view' | 'attach-best' | 'attach-best+take' | 'thumbnail';
  /** the live SSH session, or a fresh registry session of the owner (for rows that end it) */
  session: 'live' | 'fresh-owner-session';
  payload: (sessionId: string) => object;
  expect: Cells<LiveExpect>;
}

const R = 'refused' as const;
const NF = 'not-found' as const;
const NA = 'not-attached' as const;
const F = 'forbidden' as const;

export const LIVE_ROWS: LiveRow[] = [
  {
    event: 'attach',
    label: 'attach view',
    checks: 'watching: the owner, and admins (shadow); the auditor sees the session but lacks shadow; to anyone else it does not exist; no agent token or disabled user gets a socket',
    prelude: 'none',
    session: 'live',
    payload: (sessionId) => ({ sessionId, mode: 'view' }),
    //     anon agent jump owner other aud admin shadow inter term noRole disabled
    expect: [R, R, R, 'ok', NF, F, 'ok', NF, NF, NF, NF, R],
  },
  {
    event: 'attach',
    label: 'attach interact',
    checks: 'interacting needs interact even for the owner; the auditor is stopped by shadow first; privileges alone grant no visibility',
    prelude: 'none',
    session: 'live',
    payload: (sessionId) => ({ sessionId, mode: 'interact' }),
    expect: [R, R, R, F, NF, F, 'ok', NF, NF, NF, NF, R],
  },
  {
    event: 'input',
    label: 'input',
    checks: 'typing: only an interact viewer holding control (admin); the owner watching in view mode is refused; the rest are not attached',
    prelude: 'attach-best+take',
    session: 'live',
    // Ctrl-U: clears the line being typed, harmless in the user's shell.
    payload: (sessionId) => ({ sessionId, data: '\u0015' }),
    expect: [R, R, R, 'view-mode', NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'control',
    label: 'control take',
    checks: 'taking control: interact viewers only (the owner in view mode cannot)',
    prelude: 'attach-best',
    session: 'live',
    payload: (sessionId) => ({ sessionId, action: 'take' }),
    expect: [R, R, R, 'not-interactive', NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'control',
    label: 'control take (force)',
    checks: 'forcing a take-over: admins only',
    prelude: 'attach-best',
    session: 'live',
    payload: (sessionId) => ({ sessionId, action: 'take', force: true }),
    expect: [R, R, R, F, NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'control',
    label: 'control handback',
    checks: 'handing back: the holder only',
    prelude: 'attach-best+take',
    session: 'live',
    payload: (sessionId) => ({ sessionId, action: 'handback' }),
    expect: [R, R, R, 'not-holder', NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'control',
    label: 'control pause-user',
    checks: "pausing the user's keyboard: admins only, even for an attached owner",
    prelude: 'attach-best',
    session: 'live',
    payload: (sessionId) => ({ sessionId, action: 'pause-user' }),
    expect: [R, R, R, F, NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'control',
    label: 'control resume-user',
    checks: "resuming the user's keyboard: admins only",
    prelude: 'attach-best',
    session: 'live',
    payload: (sessionId) => ({ sessionId, action: 'resume-user' }),
    expect: [R, R, R, F, NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'control',
    label: 'control request',
    checks: 'v0.6: asking for control: interact viewers with the interact privilege (an attached owner in view mode cannot); with control free it is a take',
    prelude: 'attach-best',
    session: 'live',
    payload: (sessionId) => ({ sessionId, action: 'request' }),
    expect: [R, R, R, F, NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'control',
    label: 'control grant',
    checks: 'v0.6: granting a request: the holder or an admin (an admin answering a request nobody made is told so); others are not attached',
    prelude: 'attach-best',
    session: 'live',
    payload: (sessionId) => ({ sessionId, action: 'grant', to: 'no-such-viewer' }),
    expect: [R, R, R, F, NA, NA, 'no-request', NA, NA, NA, NA, R],
  },
  {
    event: 'control',
    label: 'control deny',
    checks: 'v0.6: denying a request: the holder or an admin',
    prelude: 'attach-best',
    session: 'live',
    payload: (sessionId) => ({ sessionId, action: 'deny', to: 'no-such-viewer' }),
    expect: [R, R, R, F, NA, NA, 'no-request', NA, NA, NA, NA, R],
  },
  {
    event: 'message',
    label: 'message to the user',
    checks: "v0.6: a line on the user's screen: an admin viewer, or an interact viewer with the interact privilege (the owner watching in view mode cannot)",
    prelude: 'attach-best',
    session: 'live',
    payload: (sessionId) => ({ sessionId, text: 'authorization matrix' }),
    expect: [R, R, R, F, NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'terminate',
    label: 'terminate',
    checks: 'a fresh registry session of the owner per principal: the owner and admins end it; the auditor lacks terminate; terminate alone gives nothing on a session one cannot see',
    prelude: 'none',
    session: 'fresh-owner-session',
    payload: (sessionId) => ({ sessionId, reason: 'authorization matrix' }),
    expect: [R, R, R, 'ok', NF, F, 'ok', NF, NF, NF, NF, R],
  },
  {
    event: 'detach',
    label: 'detach',
    checks: 'detaching: whoever could attach; the others were never attached',
    prelude: 'attach-view',
    session: 'live',
    payload: (sessionId) => ({ sessionId }),
    expect: [R, R, R, 'ok', NA, NA, 'ok', NA, NA, NA, NA, R],
  },
  {
    event: 'thumbnail-subscribe',
    label: 'thumbnail subscribe (the wall)',
    checks: 'a wall thumbnail is a watch: the rule of attach view (owner, admins with shadow; the auditor lacks shadow; to anyone else it does not exist)',
    prelude: 'none',
    session: 'live',
    payload: (sessionId) => ({ sessionId }),
    expect: [R, R, R, 'ok', NF, F, 'ok', NF, NF, NF, NF, R],
  },
  {
    event: 'thumbnail-unsubscribe',
    label: 'thumbnail unsubscribe (the wall)',
    checks: 'giving a thumbnail up: whoever could subscribe; the others never were',
    prelude: 'thumbnail',
    session: 'live',
    payload: (sessionId) => ({ sessionId }),
    expect: [R, R, R, 'ok', 'not-subscribed', 'not-subscribed', 'ok', 'not-subscribed', 'not-subscribed', 'not-subscribed', 'not-subscribed', R],
  },
];

// ── socket.io /sessions ─────────────────────────────────────────────────────────────────────────

/** Whether a /sessions socket of the principal receives the event about the owner's session. */
export type SessionsExpect = 'refused' | 'receives' | 'silent';

export interface SessionsRow {
  /** the domain event the /sessions gateway forwards (its @OnEvent), which is also the socket event */
  event: string;
  /** what the spec does to cause it, for a session of the owner */
  trigger: string;
  checks: string;
  expect: Cells<SessionsExpect>;
}

/**
 * Domain events the /sessions gateway listens to without forwarding them to clients, and what it
 * does with them (the coverage check needs every listener to be either a row or here).
 */
export const SESSIONS_INTERNAL_EVENTS: Record<string, string> = {
  'auth.principal-revoked': 'closes the sockets of a user whose token ended or whose account was disabled, deleted or changed',
};

const OWNED_AUDIENCE: Cells<SessionsExpect> = [R, R, R, 'receives', 'silent', 'receives', 'receives', 'silent', 'silent', 'silent', 'silent', R];

export const SESSIONS_ROWS: SessionsRow[] = [
  { event: 'session.opened', trigger: 'agent opens a session of the owner', checks: 'only the owner, auditors and admins hear of it', expect: OWNED_AUDIENCE },
  { event: 'session.updated', trigger: 'the session turns Disconnected', checks: 'only the owner, auditors and admins hear of it', expect: OWNED_AUDIENCE },
  { event: 'session.ended', trigger: 'agent ends it', checks: 'only the owner, auditors and admins hear of it', expect: OWNED_AUDIENCE },
  { event: 'session.viewers', trigger: 'an admin starts watching the live session', checks: 'who watches the owner’s session: only the owner, auditors and admins', expect: OWNED_AUDIENCE },
];

// ── socket.io /agents ───────────────────────────────────────────────────────────────────────────

/**
 * How an /agents event ended, as its ack says. `refused`: the handshake was refused (only agent
 * tokens get a socket); `not-mine`: a heartbeat ack listing the session as unknown (another
 * agent's); `not-found`: `{ok: false, status: 404}`.
 */
export type AgentsExpect = 'refused' | 'ok' | 'not-mine' | 'not-found';

export interface AgentsRow {
  /** the socket event (AGENT_EVENTS of @vigil/agent-channel: dispatched by onAny, not @SubscribeMessage) */
  event: string;
  checks: string;
  /** `owner-session`: ctx.ownerSession; `fresh`: a new session of the owner per principal (rows that end it) */
  session: 'none' | 'owner-session' | 'fresh';
  payload: (ctx: MatrixContext, sessionId: string) => object;
  expect: Cells<AgentsExpect>;
}

/** Domain events the /agents gateway listens to, none forwarded to clients as such. */
export const AGENTS_INTERNAL_EVENTS: Record<string, string> = {
  'agent.revoked': 'sends `revoked` to the sockets of a revoked or rotated agent and closes them, on every gateway',
};

export const AGENTS_ROWS: AgentsRow[] = [
  {
    event: 'open',
    checks: 'only agent tokens (agents and jump servers) get an /agents socket; no user token, however privileged',
    session: 'none',
    payload: (ctx) => ({ externalId: ctx.unique('authz-agents'), type: 'PAM_SSH', user: 'jdoe', device: '10.0.0.1', client: 'srv-authz', owner: ctx.username('owner') }),
    //     anon agent jump owner other aud admin shadow inter term noRole disabled
    expect: [R, 'ok', 'ok', R, R, R, R, R, R, R, R, R],
  },
  {
    event: 'heartbeat',
    checks: "an agent heartbeats its own sessions only: another agent's is unknown to it",
    session: 'owner-session',
    payload: (_ctx, sessionId) => ({ sessionIds: [sessionId] }),
    expect: [R, 'ok', 'not-mine', R, R, R, R, R, R, R, R, R],
  },
  {
    event: 'end',
    checks: "an agent ends its own sessions only: another agent's does not exist for it",
    session: 'fresh',
    payload: (_ctx, sessionId) => ({ sessionId }),
    expect: [R, 'ok', 'not-found', R, R, R, R, R, R, R, R, R],
  },
];

// ── socket.io /terminal ─────────────────────────────────────────────────────────────────────────

/**
 * How a /terminal event ended, as its ack says. `refused`: the handshake was refused (user tokens
 * only); `no-grant`: `open` answered as for an unknown target; `not-open`: no terminal on the socket.
 */
export type TerminalExpect = 'refused' | 'ok' | 'no-grant' | 'not-open';

export const TERMINAL_ERRORS: Record<Exclude<TerminalExpect, 'refused' | 'ok'>, RegExp> = {
  'no-grant': /^Vigil: unknown target "box" \(or you are not allowed to use it\)\.$/,
  'not-open': /^no terminal is open on this socket$/,
};

export interface TerminalRow {
  /** the socket event (@SubscribeMessage of WebTerminalGateway) */
  event: string;
  checks: string;
  /** every row but `open` first sends `open` for the setup's target `box` (granted to the owner only) */
  payload: unknown;
  expect: Cells<TerminalExpect>;
}

/** Domain events the /terminal gateway listens to, none forwarded to clients as such. */
export const TERMINAL_INTERNAL_EVENTS: Record<string, string> = {
  'auth.principal-revoked': 'closes the sockets of a user whose token ended or whose account was disabled, deleted or changed (their sessions end)',
};

const GRANTED_ONLY: Cells<TerminalExpect> = [R, R, R, 'ok', 'not-open', 'not-open', 'not-open', 'not-open', 'not-open', 'not-open', 'not-open', R];

export const TERMINAL_ROWS: TerminalRow[] = [
  {
    event: 'open',
    checks: 'a browser terminal to an SSH target: only a user holding a grant on it; no role or privilege stands in for the grant; no agent token gets a socket',
    payload: { target: 'box', cols: 80, rows: 24 },
    //     anon agent jump owner other aud admin shadow inter term noRole disabled
    expect: [R, R, R, 'ok', 'no-grant', 'no-grant', 'no-grant', 'no-grant', 'no-grant', 'no-grant', 'no-grant', R],
  },
  { event: 'input', checks: 'typing: only into the terminal one opened', payload: 'true\r', expect: GRANTED_ONLY },
  { event: 'resize', checks: 'resizing: only the terminal one opened', payload: { cols: 100, rows: 30 }, expect: GRANTED_ONLY },
];
