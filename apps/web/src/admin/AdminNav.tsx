import { Link } from '../router/Link';

const SECTIONS = [
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/agents', label: 'Agents' },
  { to: '/admin/targets', label: 'Targets' },
];

/** The administration pages' own tabs. */
export function AdminNav({ current }: { current: string }) {
  return (
    <nav aria-label="Administration" className="admin-nav">
      <ul>
        {SECTIONS.map((section) => (
          <li key={section.to}>
            <Link to={section.to} aria-current={current === section.to ? 'page' : undefined}>
              {section.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
