import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { UserPrincipal } from '@vigil/auth';
import type { AuditEntry, HttpReply, HttpRequest } from '@vigil/common';
import { WatchReportController } from '../watch-report.controller';
import type { WatchReportService } from './watch-report.service';

const SESSION = '0193a1b2-0000-7000-8000-000000000001';
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const user = (username: string, roles: UserPrincipal['roles'] = ['owner']): UserPrincipal => ({ kind: 'user', id: username, username, roles, privileges: [] });
const request = (accept = 'application/json') => ({ ip: '10.0.0.9', headers: { accept, 'user-agent': 'spec' }, socket: {} }) as unknown as HttpRequest;

/** A response that collects what streamCsv writes. */
function fakeResponse() {
  const headers: Record<string, string> = {};
  let body = '';
  let ended = false;
  const raw = {
    statusCode: 0,
    setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = v),
    write: (chunk: string) => ((body += chunk), true),
    end: () => void (ended = true),
    once: () => raw,
  };
  // streamCsv takes the Node response over from Fastify's reply
  const reply = { raw, hijack: () => reply };
  return { res: reply as unknown as HttpReply, headers, body: () => body, ended: () => ended };
}

function setup(owners: Record<string, string> = { [SESSION]: 'alice' }) {
  const appended: AuditEntry[] = [];
  const calls: string[] = [];
  const reports = {
    forSession: async (id: string) => {
      calls.push(`session:${id}`);
      return { sessionId: id, watchers: [{ viewer: 'ann', visits: [{ joinedAt: '2026-12-01T10:00:00.000Z', leftAt: '2026-12-01T10:01:00.000Z', durationSeconds: 60, mode: 'interact', leftBecause: 'left' }], controlTaken: 1, inputBursts: 2, userPauses: 0, recordingViews: 0, recordingDownloads: 0, totalSeconds: 60 }] };
    },
    forUser: async (u: string, from: number, to: number) => {
      calls.push(`user:${u}:${new Date(from).toISOString()}:${new Date(to).toISOString()}`);
      return { user: u, from: new Date(from).toISOString(), to: new Date(to).toISOString(), sessions: [] };
    },
  } as unknown as WatchReportService;
  const visible = async (id: string, scope: string | null) => (owners[id] !== undefined && (scope === null || owners[id] === scope) ? { id } : null);
  const controller = new WatchReportController(
    reports,
    { findVisible: visible } as never,
    { findVisible: async () => null } as never,
    { append: async (e: AuditEntry) => void appended.push(e) } as never,
    { now: () => NOW },
  );
  return { controller, appended, calls };
}

describe('who watched: authorization and audit of the report', () => {
  it("an owner reads their own session's report; the read is audited before the answer", async () => {
    const { controller, appended, calls } = setup();
    const report = await controller.sessionReport(user('alice'), SESSION, {}, request(), fakeResponse().res);
    expect(report?.watchers.map((w) => w.viewer)).toEqual(['ann']);
    expect(appended).toEqual([expect.objectContaining({ action: 'audit.watch-report', actor: 'user:alice', sessionId: SESSION, requestParameters: { sessionId: SESSION, format: 'json' } })]);
    expect(appended[0].errorCode).toBeUndefined();
    expect(calls).toEqual([`session:${SESSION}`]);
  });

  it("someone else's session, or one that does not exist, is not found for an owner: nothing read, the refusal audited", async () => {
    const { controller, appended, calls } = setup({ [SESSION]: 'bob' });
    await expect(controller.sessionReport(user('alice'), SESSION, {}, request(), fakeResponse().res)).rejects.toBeInstanceOf(NotFoundException);
    await expect(controller.sessionReport(user('alice'), '0193a1b2-0000-7000-8000-0000000000ff', {}, request(), fakeResponse().res)).rejects.toBeInstanceOf(NotFoundException);
    expect(calls).toEqual([]);
    expect(appended.map((e) => e.errorCode)).toEqual(['ResourceNotFoundException', 'ResourceNotFoundException']);
  });

  it('admins and auditors read any session, even one purged since (the audit trail outlives it)', async () => {
    for (const role of ['admin', 'auditor'] as const) {
      const { controller, calls } = setup({});
      await expect(controller.sessionReport(user('root', [role]), SESSION, {}, request(), fakeResponse().res)).resolves.toMatchObject({ sessionId: SESSION });
      expect(calls).toEqual([`session:${SESSION}`]);
    }
  });

  it('CSV: a dated attachment, one line per visit, formula-looking cells defused', async () => {
    const { controller, appended } = setup();
    const out = fakeResponse();
    await expect(controller.sessionReport(user('admin', ['admin']), SESSION, { format: 'csv' }, request(), out.res)).resolves.toBeUndefined();
    expect(out.headers['content-disposition']).toBe(`attachment; filename="vigil-watchers-${SESSION}-2026-12-01.csv"`);
    expect(out.headers['content-type']).toMatch(/^text\/csv/);
    const lines = out.body().trim().split('\r\n');
    expect(lines[0]).toBe('Session,Viewer,Joined,Left,Duration (s),Mode,Left because,Control taken,Input bursts,User paused,Recording views,Recording downloads,Total watched (s)');
    expect(lines.slice(1)).toEqual([`${SESSION},ann,2026-12-01T10:00:00.000Z,2026-12-01T10:01:00.000Z,60,interact,left,1,2,0,0,0,60`]);
    expect(out.ended()).toBe(true);
    expect(appended[0].requestParameters).toEqual({ sessionId: SESSION, format: 'csv' });
  });

  it('a user asks for themself (the default); asking about someone else needs admin or auditor, and the refusal is audited', async () => {
    const { controller, appended, calls } = setup();
    await expect(controller.userReport(user('alice'), {}, request(), fakeResponse().res)).resolves.toMatchObject({ user: 'alice', to: new Date(NOW).toISOString(), from: new Date(NOW - 30 * 24 * 3600 * 1000).toISOString() });
    await expect(controller.userReport(user('alice'), { user: 'alice' }, request(), fakeResponse().res)).resolves.toMatchObject({ user: 'alice' });
    await expect(controller.userReport(user('alice'), { user: 'bob' }, request(), fakeResponse().res)).rejects.toBeInstanceOf(ForbiddenException);
    expect(calls.filter((c) => c.startsWith('user:bob'))).toEqual([]);
    expect(appended.map((e) => [e.requestParameters?.user, e.errorCode ?? null])).toEqual([
      ['alice', null],
      ['alice', null],
      ['bob', 'AccessDeniedException'],
    ]);
    await expect(controller.userReport(user('root', ['auditor']), { user: 'bob', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, request(), fakeResponse().res)).resolves.toMatchObject({ user: 'bob' });
    expect(calls.at(-1)).toBe('user:bob:2026-11-01T00:00:00.000Z:2026-11-02T00:00:00.000Z');
  });

  it('a range that ends before it starts is a 400, before anything is read', async () => {
    const { controller, calls } = setup();
    await expect(controller.userReport(user('alice'), { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, request(), fakeResponse().res)).rejects.toBeInstanceOf(BadRequestException);
    expect(calls).toEqual([]);
  });
});
