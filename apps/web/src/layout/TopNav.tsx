import { useContext, type ReactNode } from 'react';
import type { Me } from '../api/types';
import { auditCan } from '../audit/audit-permissions';
import { AuthContext } from '../auth/auth-context';
import { Link } from '../router/Link';
import { useLocation } from '../router/use-location';

const PAGES: { to: string; label: string; show?: (me: Me) => boolean }[] = [
  { to: '/sessions', label: 'Sessions' },
  { to: '/wall', label: 'Wall' },
  { to: '/targets', label: 'Targets' },
  { to: '/access-logs', label: 'Access logs' },
  { to: '/access-keys', label: 'Access keys' },
  { to: '/audit', label: 'Audit', show: auditCan.readAudit },
  { to: '/watched', label: 'Who watched' },
  { to: '/event-rules', label: 'Event rules', show: auditCan.manageEventRules },
  { to: '/admin', label: 'Administration', show: (me) => me.roles.includes('admin') },
];

/** The bar on every signed-in page: brand, pages, and whatever the caller puts on the right. */
export function TopNav({ children }: { children?: ReactNode }) {
  const { pathname } = useLocation();
  const me = useContext(AuthContext)?.me;
  return (
    <header className="topnav">
      <Link to="/sessions" className="brand" aria-label="Vigil home">
        <span className="brand-mark" aria-hidden="true" />
        Vigil
      </Link>
      <nav aria-label="Main">
        <ul>
          {PAGES.filter((page) => !page.show || (me && page.show(me))).map((page) => {
            const current = pathname === page.to || pathname.startsWith(`${page.to}/`);
            return (
              <li key={page.to}>
                <Link to={page.to} aria-current={current ? 'page' : undefined}>
                  {page.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="topnav-end">{children}</div>
    </header>
  );
}
