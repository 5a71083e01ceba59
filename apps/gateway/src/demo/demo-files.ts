/**
 * The demo shell's whole "file system": a few canned files held in memory. Nothing here is ever
 * read from, or written to, the host; edits made in the demo's editor live and die with the
 * session.
 */
export const DEMO_HOME = '/home/demo';

export function demoFiles(): Map<string, string> {
  return new Map([
    [
      'notes.txt',
      ['# on-call notes', '- rotate the TLS certificate of api-gw before Friday', '- db-02: disk at 71%, check the log retention', ''].join('\n'),
    ],
    [
      'deploy.sh',
      ['#!/bin/sh', '# rolls the api service out, one node at a time', 'set -eu', 'for node in api-1 api-2 api-3; do', '  echo "deploying to $node"', 'done', ''].join('\n'),
    ],
    ['config.yml', ['service: api', 'replicas: 3', 'log_level: info', 'database:', '  host: db-02.internal', '  pool: 20', ''].join('\n')],
    [
      'app.log',
      [
        '2026-12-01T08:00:01Z INFO  api started on :8443 (pid 4121)',
        '2026-12-01T08:00:02Z INFO  connected to db-02.internal (pool 20)',
        '2026-12-01T08:14:37Z WARN  slow query: 1.8 s on orders_by_customer',
        '2026-12-01T08:15:02Z INFO  GET /health 200 2 ms',
        '2026-12-01T08:21:40Z ERROR payment provider timeout after 5000 ms (order 88412)',
        '2026-12-01T08:21:41Z INFO  retrying order 88412 (attempt 2)',
        '2026-12-01T08:21:42Z INFO  order 88412 paid',
        '',
      ].join('\n'),
    ],
  ]);
}

/** What `tail -f app.log` keeps printing: plausible, and obviously made up. */
export const LOG_LINES = [
  'INFO  GET /api/orders 200 14 ms',
  'INFO  GET /health 200 1 ms',
  'INFO  POST /api/orders 201 38 ms',
  'WARN  slow query: 1.2 s on orders_by_customer',
  'INFO  GET /api/customers/4411 200 9 ms',
  'INFO  cache hit ratio 0.93',
  'ERROR upstream inventory-svc returned 503, retrying',
  'INFO  inventory-svc back (latency 41 ms)',
];

/** The processes `top` and `ps` show. */
export const PROCESSES = [
  { pid: 4121, user: 'demo', command: 'api-server' },
  { pid: 812, user: 'root', command: 'postgres' },
  { pid: 977, user: 'root', command: 'nginx' },
  { pid: 5310, user: 'demo', command: 'node worker.js' },
  { pid: 1, user: 'root', command: 'init' },
  { pid: 6021, user: 'demo', command: 'bash' },
];
