/** Polite screen-reader announcements of changes that happen without user action. */
export function LiveRegion({ message, id }: { message: string; id?: string }) {
  return (
    <div id={id} className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  );
}
