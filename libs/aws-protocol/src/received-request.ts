/**
 * A request as it arrived, for the signature check: every header with all the values it was
 * sent with (Node keeps only the first `Host` or `Authorization` of a duplicated pair, and joins
 * others with commas, so duplicates are counted from the raw list), and the body as bytes.
 */
export interface ReceivedRequest {
  method: string;
  /** the path as sent, without the query */
  path: string;
  /** decoded query parameters; a repeated one has every value */
  query: Record<string, string | string[]>;
  /** lowercase name → every value it was sent with, in order */
  headers: ReadonlyMap<string, readonly string[]>;
  body: Buffer;
}

/** The one value of a header; undefined when absent. Callers refuse duplicates before reading. */
export function headerOf(request: ReceivedRequest, name: string): string | undefined {
  return request.headers.get(name)?.[0];
}

/** Builds the header map from Node's `rawHeaders` ([name, value, name, value, ...]). */
export function headersFromRaw(rawHeaders: readonly string[]): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const values = headers.get(name);
    if (values) values.push(rawHeaders[i + 1]);
    else headers.set(name, [rawHeaders[i + 1]]);
  }
  return headers;
}

/** Splits `/path?a=1&b=2` into the path and the decoded query. */
export function splitUrl(url: string): { path: string; query: Record<string, string | string[]> } {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const query: Record<string, string | string[]> = {};
  if (mark >= 0) {
    for (const [key, value] of new URLSearchParams(url.slice(mark + 1))) {
      const seen = query[key];
      query[key] = seen === undefined ? value : [...[seen].flat(), value];
    }
  }
  return { path, query };
}
