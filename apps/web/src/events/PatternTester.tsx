import { useState } from 'react';
import { errorMessage } from '../api/api-error';
import { eventRulesApi, type PatternTest } from '../api/event-rules';
import { parsePattern } from './rule-form';

type Result = { kind: 'idle' } | { kind: 'testing' } | { kind: 'error'; message: string } | { kind: 'done'; test: PatternTest };

/** "Test pattern": the pattern against the most recent real event (or a sample), with that event to read. */
export function PatternTester({ token, pattern }: { token: string; pattern: string }) {
  const [result, setResult] = useState<Result>({ kind: 'idle' });

  const test = async () => {
    const parsed = parsePattern(pattern);
    if (!parsed.ok) {
      setResult({ kind: 'error', message: `Event pattern ${parsed.error.message}` });
      return;
    }
    setResult({ kind: 'testing' });
    try {
      setResult({ kind: 'done', test: await eventRulesApi.testPattern(token, parsed.value) });
    } catch (e) {
      setResult({ kind: 'error', message: errorMessage(e) });
    }
  };

  const event = result.kind === 'done' ? result.test.event : null;
  const eventLabel = event ? `${String(event['detail-type'] ?? 'event')} from ${String(event.source ?? '?')} at ${String(event.time ?? '?')}` : '';
  return (
    <div className="pattern-tester">
      <button type="button" className="button" onClick={() => void test()} disabled={result.kind === 'testing'}>
        {result.kind === 'testing' ? 'Testing…' : 'Test pattern'}
      </button>
      <div role="status" className="pattern-result" data-match={result.kind === 'done' ? String(result.test.match) : undefined}>
        {result.kind === 'error' && <span className="pattern-no">{result.message}</span>}
        {result.kind === 'done' &&
          (result.test.match ? (
            <span className="pattern-yes">✔ Matches the latest event ({eventLabel}).</span>
          ) : (
            <span className="pattern-no">✖ Does not match the latest event ({eventLabel}).</span>
          ))}
      </div>
      {event && (
        <details className="audit-json">
          <summary>The event tested</summary>
          <pre>{JSON.stringify(event, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}
