/**
 * The SSH login name carries both identities: `<vigil-user>+<target>`. Parsing is strict so a
 * typo gets a precise explanation instead of a generic "Permission denied".
 */

const USER_PART = /^[A-Za-z0-9._@-]{1,64}$/;
const TARGET_PART = /^[A-Za-z0-9._-]{1,128}$/;

export type LoginNameParse =
  | { ok: true; user: string; target: string }
  | { ok: false; reason: string };

export function parseLoginName(login: string): LoginNameParse {
  const plus = login.indexOf('+');
  if (plus === -1) {
    return { ok: false, reason: `login name must be <vigil-user>+<target>, e.g. alice+web01 (got "${printable(login)}")` };
  }
  if (login.indexOf('+', plus + 1) !== -1) {
    return { ok: false, reason: 'login name must contain exactly one "+" (<vigil-user>+<target>)' };
  }
  const user = login.slice(0, plus);
  const target = login.slice(plus + 1);
  if (user === '') return { ok: false, reason: 'the Vigil user name before "+" is empty' };
  if (target === '') return { ok: false, reason: 'the target name after "+" is empty' };
  if (!USER_PART.test(user)) {
    return { ok: false, reason: 'the Vigil user name may only contain letters, digits, ".", "_", "@" and "-" (max 64)' };
  }
  if (!TARGET_PART.test(target)) {
    return { ok: false, reason: 'the target name may only contain letters, digits, ".", "_" and "-" (max 128)' };
  }
  return { ok: true, user, target };
}

/** Echoing the login back must not let a client inject terminal escapes into its own banner. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
