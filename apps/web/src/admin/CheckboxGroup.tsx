/** A fieldset of checkboxes over a fixed vocabulary (roles, privileges). */
export function CheckboxGroup<T extends string>({
  legend,
  options,
  value,
  onChange,
  describe,
}: {
  legend: string;
  options: readonly T[];
  value: T[];
  onChange: (next: T[]) => void;
  describe: Record<T, string>;
}) {
  return (
    <fieldset className="checkbox-group">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} className="checkbox">
          <input
            type="checkbox"
            name={option}
            checked={value.includes(option)}
            onChange={(e) => onChange(e.target.checked ? [...value, option] : value.filter((v) => v !== option))}
          />
          <span>
            <strong>{option}</strong> <span className="muted">{describe[option]}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export const ROLE_TEXT = {
  admin: 'manages users, agents, targets; sees every session',
  owner: 'sees and ends the sessions they own',
  auditor: 'reads every session, access log and the audit trail',
} as const;

export const PRIVILEGE_TEXT = {
  shadow: 'may watch another user’s live session',
  interact: 'may type into it (take control)',
  terminate: 'may end it',
} as const;
