import { AgentsPage } from './admin/AgentsPage';
import { TargetsAdminPage } from './admin/TargetsAdminPage';
import { UsersPage } from './admin/UsersPage';
import { AuditPage } from './audit/AuditPage';
import { WatchedPage } from './audit/WatchedPage';
import { EventRulePage } from './events/EventRulePage';
import { EventRulesPage } from './events/EventRulesPage';
import { AccessKeysPage } from './pages/AccessKeysPage';
import { AccessLogDetailPage } from './pages/AccessLogDetailPage';
import { AccessLogsPage } from './pages/AccessLogsPage';
import { ConnectPage } from './pages/ConnectPage';
import { LiveSessionPage } from './pages/LiveSessionPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SessionsPage } from './pages/SessionsPage';
import { TargetsPage } from './pages/TargetsPage';
import { matchPath } from './router/match';
import { Redirect } from './router/Redirect';
import { useLocation } from './router/use-location';
import { WallPage } from './wall/WallPage';

/** The signed-in pages by path. */
export function Routes() {
  const { pathname } = useLocation();
  if (pathname === '/' || pathname === '/login') return <Redirect to="/sessions" />;
  if (pathname === '/sessions') return <SessionsPage />;
  const live = matchPath('/sessions/:id/live', pathname);
  if (live) return <LiveSessionPage key={live.id} sessionId={live.id} />;
  if (pathname === '/wall') return <WallPage />;
  if (pathname === '/targets') return <TargetsPage />;
  const connect = matchPath('/targets/:name/connect', pathname);
  if (connect) return <ConnectPage key={connect.name} name={connect.name} />;
  if (pathname === '/access-logs') return <AccessLogsPage />;
  if (pathname === '/access-keys') return <AccessKeysPage />;
  const entry = matchPath('/access-logs/:id', pathname);
  if (entry) return <AccessLogDetailPage key={entry.id} entryId={entry.id} />;
  if (pathname === '/admin' || pathname === '/admin/') return <Redirect to="/admin/users" />;
  if (pathname === '/admin/users') return <UsersPage />;
  if (pathname === '/admin/agents') return <AgentsPage />;
  if (pathname === '/admin/targets') return <TargetsAdminPage />;
  if (pathname === '/audit') return <AuditPage />;
  if (pathname === '/watched') return <WatchedPage />;
  if (pathname === '/event-rules') return <EventRulesPage />;
  const rule = matchPath('/event-rules/:id', pathname);
  if (rule) return <EventRulePage key={rule.id} ruleId={rule.id} />;
  return <NotFoundPage />;
}
