/** The list's last address (filters), so "Back to access logs" from a detail returns to it. */
let lastSearch = '';

export const rememberSearch = (search: string) => {
  lastSearch = search;
};
export const accessLogsHref = () => `/access-logs${lastSearch}`;
