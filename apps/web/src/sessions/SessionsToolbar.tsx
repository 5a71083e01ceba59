interface Props {
  filter: string;
  onFilter: (value: string) => void;
  editorId: string;
  editorOpen: boolean;
  onToggleEditor: () => void;
  onDownload: () => void;
  downloading: boolean;
  /** says what the CSV holds: the rows shown when a filter is on */
  downloadLabel: string;
}

export function SessionsToolbar({ filter, onFilter, editorId, editorOpen, onToggleEditor, onDownload, downloading, downloadLabel }: Props) {
  return (
    <div className="toolbar" role="toolbar" aria-label="Sessions tools">
      <label className="field inline grow">
        <span className="visually-hidden">Filter sessions</span>
        <input
          type="search"
          placeholder="Filter sessions…"
          value={filter}
          onChange={(e) => onFilter(e.target.value)}
          aria-label="Filter sessions"
        />
      </label>
      <button type="button" className="button" aria-expanded={editorOpen} aria-controls={editorId} onClick={onToggleEditor}>
        Columns
      </button>
      <button type="button" className="button primary" onClick={onDownload} disabled={downloading}>
        {downloading ? 'Preparing…' : downloadLabel}
      </button>
    </div>
  );
}
