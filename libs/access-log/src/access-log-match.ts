/**
 * How a user or target filter matches. `exact` is the historical, case-sensitive equality (it uses
 * the (column, end_date) indexes). `prefix` and `contains` are case-insensitive (ASCII letters on
 * SQLite, whose LOWER folds only those): `prefix` is served by an index on LOWER(column), `contains`
 * cannot be (a leading wildcard) and scans, so it is the slower one on a large log.
 */
export const MATCH_MODES = ['exact', 'prefix', 'contains'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export type SqlDialect = 'postgres' | 'sqlite';

export interface TextMatch {
  mode: MatchMode;
  value: string;
}

export interface SqlFragment {
  sql: string;
  params: Record<string, string | number>;
}

/**
 * The user's text as a LIKE literal: `\`, `%` and `_` escaped with `\`, so `50%_off` matches
 * exactly that and an attacker's `%` matches only a `%`.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The smallest string greater than every string that starts with `prefix` in binary (UTF-8 / code
 * point) order: the prefix followed by the highest code point. With `>= prefix` it bounds an index
 * range; the LIKE beside it keeps the result exact whatever the bound lets through.
 */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/**
 * WHERE fragment matching any of `columns` (SQL expressions, e.g. `e.user` in a TypeORM builder)
 * against `match`. Parameter names start with `param` so several fragments can share a query.
 *
 * - PostgreSQL prefix: `LOWER(col) LIKE 'ali%'`; the planner turns a literal prefix into a range on
 *   the `lower(col) text_pattern_ops` index (the default escape character is already `\`; an
 *   explicit ESCAPE would hide the prefix from the planner).
 * - SQLite prefix: SQLite's LIKE optimisation does not apply to an expression (nor with ESCAPE), so
 *   the range on the `lower(col)` index is written out, and the LIKE keeps it exact.
 */
export function matchClause(dialect: SqlDialect, columns: string[], match: TextMatch, param: string): SqlFragment {
  if (match.mode === 'exact') {
    return { sql: or(columns.map((c) => `${c} = :${param}`)), params: { [param]: match.value } };
  }
  const lowered = match.value.toLowerCase();
  if (match.mode === 'contains') {
    return {
      sql: or(columns.map((c) => `LOWER(${c}) LIKE :${param} ESCAPE '\\'`)),
      params: { [param]: `%${escapeLike(lowered)}%` },
    };
  }
  const pattern = `${escapeLike(lowered)}%`;
  if (dialect === 'postgres') {
    return { sql: or(columns.map((c) => `LOWER(${c}) LIKE :${param}`)), params: { [param]: pattern } };
  }
  return {
    sql: or(columns.map((c) => `(LOWER(${c}) >= :${param}Lo AND LOWER(${c}) < :${param}Hi AND LOWER(${c}) LIKE :${param} ESCAPE '\\')`)),
    params: { [param]: pattern, [`${param}Lo`]: lowered, [`${param}Hi`]: prefixUpperBound(lowered) },
  };
}

/**
 * Active during [from, to]: the session overlaps the window, i.e. it ended at or after `from` and
 * started at or before `to`. A session that started before `from` and ended after it is included;
 * so is one that started before `to` and ended after it.
 */
export function activeDuringClause(from: number | undefined, to: number | undefined): SqlFragment | null {
  const parts: string[] = [];
  const params: Record<string, number> = {};
  if (from !== undefined) {
    parts.push('e.endDate >= :from');
    params.from = from;
  }
  if (to !== undefined) {
    parts.push('e.startDate <= :to');
    params.to = to;
  }
  return parts.length === 0 ? null : { sql: parts.join(' AND '), params };
}

function or(clauses: string[]): string {
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' OR ')})`;
}
