import { useNow } from '../common/clock';
import { formatDuration, secondsSince } from '../common/format';

/** Time since the session started, ticking every second (computed here, not by the server). */
export function DurationCell({ startDate }: { startDate: string }) {
  const seconds = secondsSince(startDate, useNow());
  return (
    <td className="num" data-seconds={seconds}>
      {formatDuration(seconds)}
    </td>
  );
}
