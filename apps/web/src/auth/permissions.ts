import type { Me, SessionView } from '../api/types';

const isAdmin = (me: Me) => me.roles.includes('admin');

/** Mirrors the server's rules; the server still checks every call. */
export const can = {
  view: (me: Me) => isAdmin(me) || me.privileges.includes('shadow'),
  interact: (me: Me) => isAdmin(me) || me.privileges.includes('interact'),
  terminate: (me: Me, session: SessionView) =>
    session.owner === me.username || isAdmin(me) || me.privileges.includes('terminate'),
};
