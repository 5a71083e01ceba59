import { ValueTransformer } from 'typeorm';

/**
 * Dates are stored as epoch milliseconds in a BIGINT: identical on SQLite and PostgreSQL, no
 * time-zone conversions, and cheap range scans. PostgreSQL returns BIGINT as a string; this
 * transformer gives numbers back on both.
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};
