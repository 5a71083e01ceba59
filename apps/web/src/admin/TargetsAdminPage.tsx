import { useCallback, useRef, useState } from 'react';
import { targetsApi, type AdminTarget, type TargetFields, type TargetGrants, type TargetProbe } from '../api/admin';
import { errorMessage } from '../api/api-error';
import { useAuth } from '../auth/auth-context';
import { ConfirmButtons, Dialog } from '../common/Dialog';
import { ErrorBanner } from '../common/ErrorBanner';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';
import { NotPermittedPage } from '../audit/NotPermittedPage';
import { AdminNav } from './AdminNav';
import { TargetForm } from './TargetForm';
import { TargetsAdminTable } from './TargetsAdminTable';
import { useAdminList } from './use-admin-list';
import './admin.css';

type Open =
  | { kind: 'create' }
  | { kind: 'edit'; target: AdminTarget; grants: TargetGrants }
  | { kind: 'delete'; target: AdminTarget }
  | null;

/** Targets: create, edit (credentials write-only), grants, delete, test connection, host-key re-pin. */
export function TargetsAdminPage() {
  useDocumentTitle('Targets · Administration');
  const { token, me } = useAuth();
  if (!me.roles.includes('admin')) return <NotPermittedPage what="Administration" needs="admin" />;
  return <TargetsAdministration token={token} />;
}

function TargetsAdministration({ token }: { token: string }) {
  const targets = useAdminList(useCallback(() => targetsApi.list(token), [token]));
  const [open, setOpen] = useState<Open>(null);
  const [probes, setProbes] = useState<Record<string, TargetProbe | 'testing'>>({});
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);

  const run = async (work: () => Promise<string>): Promise<boolean> => {
    setError(null);
    try {
      const done = await work();
      // announced once the list shows it
      await targets.reload();
      setAnnouncement(done);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    }
  };

  const create = async (fields: TargetFields) => {
    if (await run(async () => (await targetsApi.create(token, fields), `Target ${fields.name} created.`))) setOpen(null);
  };

  const save = async (target: AdminTarget, { grants, ...fields }: TargetFields) => {
    const saved = await run(async () => {
      await targetsApi.update(token, target.name, fields);
      if (grants) await targetsApi.setGrants(token, target.name, grants);
      return `Target ${target.name} saved.`;
    });
    if (saved) setOpen(null);
  };

  const edit = async (target: AdminTarget) => {
    setError(null);
    try {
      setOpen({ kind: 'edit', target, grants: await targetsApi.grants(token, target.name) });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const remove = async (target: AdminTarget) => {
    setOpen(null);
    await run(async () => (await targetsApi.remove(token, target.name), `Target ${target.name} deleted.`));
    headingRef.current?.focus();
  };

  const test = async (target: AdminTarget) => {
    setProbes((p) => ({ ...p, [target.name]: 'testing' }));
    try {
      const probe = await targetsApi.test(token, target.name);
      setProbes((p) => ({ ...p, [target.name]: probe }));
      setAnnouncement(probe.reachable ? `${target.name} answered in ${probe.latencyMs} ms.` : `${target.name} is unreachable: ${probe.error}`);
    } catch (e) {
      setProbes(({ [target.name]: _dropped, ...rest }) => rest);
      setError(errorMessage(e));
    }
  };

  const repin = (target: AdminTarget, hostKeySha256: string) =>
    void run(async () => {
      await targetsApi.repin(token, target.name, hostKeySha256);
      setProbes(({ [target.name]: _dropped, ...rest }) => rest);
      return `${target.name} now trusts ${hostKeySha256}.`;
    });

  return (
    <section className="stack" aria-labelledby="targets-admin-title">
      <div className="page-head">
        <h1 id="targets-admin-title" ref={headingRef} tabIndex={-1}>
          Targets
        </h1>
        <span className="muted">The servers Vigil connects users to, with credentials they never see</span>
      </div>
      <AdminNav current="/admin/targets" />
      <div className="toolbar">
        <button type="button" className="button primary" onClick={() => setOpen({ kind: 'create' })}>
          New target
        </button>
      </div>
      <ErrorBanner message={open ? null : (error ?? targets.error)} />
      <LiveRegion message={announcement} />
      <div aria-busy={targets.loading}>
        {targets.items.length > 0 && (
          <TargetsAdminTable
            targets={targets.items}
            probes={probes}
            onEdit={(t) => void edit(t)}
            onDelete={(t) => setOpen({ kind: 'delete', target: t })}
            onTest={(t) => void test(t)}
            onRepin={repin}
          />
        )}
        {!targets.loading && !targets.error && targets.items.length === 0 && <p className="empty">No targets yet.</p>}
      </div>

      <Dialog
        open={open !== null}
        title={open?.kind === 'create' ? 'New target' : open?.kind === 'edit' ? `Edit ${open.target.name}` : `Delete ${open?.target.name ?? ''}`}
        onClose={() => setOpen(null)}
      >
        {open && <ErrorBanner message={error} />}
        {open?.kind === 'create' && <TargetForm grants={{ users: [], roles: [] }} submitLabel="Create target" onSubmit={create} onCancel={() => setOpen(null)} />}
        {open?.kind === 'edit' && (
          <TargetForm target={open.target} grants={open.grants} submitLabel="Save" onSubmit={(f) => save(open.target, f)} onCancel={() => setOpen(null)} />
        )}
        {open?.kind === 'delete' && (
          <div className="dialog-form">
            <p>
              Delete <strong>{open.target.name}</strong>? Its stored credentials and grants go with it; nobody can connect to it through Vigil any more.
              Sessions already open stay open until they end; access logs and recordings stay.
            </p>
            <ConfirmButtons onCancel={() => setOpen(null)} onConfirm={() => void remove(open.target)} />
          </div>
        )}
      </Dialog>
    </section>
  );
}
