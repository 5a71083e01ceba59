import { useDocumentTitle } from '../common/use-document-title';
import { Link } from '../router/Link';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <section className="empty-page">
      <h1>Page not found</h1>
      <p>
        <Link to="/sessions">Go to the sessions page</Link>
      </p>
    </section>
  );
}
