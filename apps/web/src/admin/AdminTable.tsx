import type { ReactNode } from 'react';

/**
 * The administration pages' tables: a focusable, named region that scrolls sideways when narrow,
 * a caption for screen readers, plain column headers and a last "Actions" column.
 */
export function AdminTable({ label, caption, columns, children }: { label: string; caption: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table className="data-table admin-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            <th scope="col" className="actions">
              Actions
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
