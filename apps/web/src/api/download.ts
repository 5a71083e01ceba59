import { request } from './client';

function filenameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return match?.[1] ?? fallback;
}

/**
 * Fetches a file from the API with the bearer token (a plain link could not send it) and hands it
 * to the browser as a download.
 */
export async function downloadFile(path: string, token: string, fallbackName: string, accept = '*/*'): Promise<void> {
  const response = await request(path, { token, accept });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filenameOf(response, fallbackName);
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
