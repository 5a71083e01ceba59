import { useDocumentTitle } from '../common/use-document-title';
import { Link } from '../router/Link';

/** A page the caller's roles do not open (the server refuses its API calls too). */
export function NotPermittedPage({ what, needs }: { what: string; needs: string }) {
  useDocumentTitle(what);
  return (
    <section className="empty-page" aria-labelledby="not-permitted-title">
      <h1 id="not-permitted-title">{what}</h1>
      <p>This page needs the {needs} role.</p>
      <p>
        <Link to="/sessions">Go to the sessions page</Link>
      </p>
    </section>
  );
}
