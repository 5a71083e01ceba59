import { useEffect, useState } from 'react';

/** How often the page asks the gateway whether it still answers, and how long it waits, ms. */
export const PROBE_EVERY_MS = 1000;
export const PROBE_TIMEOUT_MS = 1500;

/**
 * Whether the gateway still answers, while `active`. A frozen gateway keeps its sockets open: the
 * socket.io client notices only after the server's ping interval and timeout (45 s by default),
 * so the page saw "Live" 30 s after the gateway froze. A cheap GET /health every second, given up
 * on after 1.5 s, turns that into "Reconnecting…" within about 2.5 s; the next answer clears it.
 */
export function useGatewayLiveness(active: boolean): boolean {
  const [answering, setAnswering] = useState(true);
  useEffect(() => {
    if (!active) {
      setAnswering(true);
      return;
    }
    let disposed = false;
    let inFlight = false;
    const probe = async () => {
      if (inFlight || document.visibilityState === 'hidden') return;
      inFlight = true;
      let ok = false;
      try {
        // any answer, 503 (database down) included, proves the gateway itself is alive
        await fetch('/health', { cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        ok = true;
      } catch {
        ok = false;
      } finally {
        inFlight = false;
      }
      if (!disposed) setAnswering(ok);
    };
    const timer = setInterval(() => void probe(), PROBE_EVERY_MS);
    return () => {
      disposed = true;
      clearInterval(timer);
    };
  }, [active]);
  return answering;
}
