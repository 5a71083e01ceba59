/** The access token lives in sessionStorage: it survives a reload, not the closing of the tab. */
const KEY = 'vigil.accessToken';

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};
