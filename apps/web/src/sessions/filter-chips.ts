import type { SessionView } from '../api/types';

/** The fields a chip can filter on: each an exact value of one session field. */
export const CHIP_FIELDS = ['type', 'status', 'user', 'owner', 'target'] as const;
export type ChipField = (typeof CHIP_FIELDS)[number];

export const CHIP_LABELS: Record<ChipField, string> = {
  type: 'Type',
  status: 'Status',
  user: 'User',
  owner: 'Owner',
  target: 'Target',
};

export interface Chip {
  field: ChipField;
  value: string;
}

/**
 * Where the session went, as its title names it: the target of a session through Vigil (jump,
 * browser terminal, RDP/VNC), the machine the user is on for one an agent reported.
 */
export function sessionTarget(s: Pick<SessionView, 'type' | 'client' | 'serviceProvider'>): string {
  return (s.type === 'PAM_SSH' || s.type === 'PAM_RDP') && s.serviceProvider ? s.serviceProvider : s.client;
}

export function chipValue(s: SessionView, field: ChipField): string {
  return field === 'target' ? sessionTarget(s) : String(s[field] ?? '');
}

/** Rows matching every chip: chips of one field are alternatives (OR), fields combine (AND). */
export function applyChips(rows: SessionView[], chips: Chip[]): SessionView[] {
  if (chips.length === 0) return rows;
  const byField = new Map<ChipField, Set<string>>();
  for (const c of chips) byField.set(c.field, (byField.get(c.field) ?? new Set()).add(c.value));
  return rows.filter((row) => [...byField].every(([field, values]) => values.has(chipValue(row, field))));
}

/** The distinct values of a field among the sessions, sorted, for the chip picker. */
export function chipChoices(rows: SessionView[], field: ChipField): string[] {
  return [...new Set(rows.map((r) => chipValue(r, field)).filter(Boolean))].sort((a, b) => a.localeCompare(b));
}
