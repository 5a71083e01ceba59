import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { ColumnInfo } from '../api/types';

/** Where a page's column choice is loaded from and saved to (a module constant: it is an effect dependency). */
export interface ColumnSource {
  load: (token: string) => Promise<{ columns: string[]; available: ColumnInfo[] }>;
  save: (token: string, columns: string[]) => Promise<unknown>;
}

const SESSION_COLUMN_SOURCE: ColumnSource = { load: api.sessionColumns, save: api.saveSessionColumns };

/**
 * The user's shown columns, in order, stored on the server. Changes apply at once and are saved
 * in the background; a failed save puts the previous columns back and says why. The access-log
 * page passes its own source.
 */
export function useSessionColumns(token: string, source: ColumnSource = SESSION_COLUMN_SOURCE) {
  const [columns, setColumnsState] = useState<string[] | null>(null);
  const [available, setAvailable] = useState<ColumnInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const saves = useRef<Promise<unknown>>(Promise.resolve()); // one PUT at a time, in order

  useEffect(() => {
    let live = true;
    source.load(token).then(
      (result) => {
        if (!live) return;
        setColumnsState(result.columns);
        setAvailable(result.available);
      },
      (e) => live && setError(`Could not load your columns: ${errorMessage(e)}`),
    );
    return () => {
      live = false;
    };
  }, [token, source]);

  const setColumns = useCallback(
    async (next: string[]) => {
      const previous = columns;
      setColumnsState(next);
      setSaving(true);
      setError(null);
      try {
        const save = saves.current.catch(() => undefined).then(() => source.save(token, next));
        saves.current = save;
        await save;
      } catch (e) {
        setColumnsState(previous);
        setError(`Could not save your columns: ${errorMessage(e)}`);
      } finally {
        setSaving(false);
      }
    },
    [columns, token, source],
  );

  return { columns, available, error, saving, setColumns };
}
