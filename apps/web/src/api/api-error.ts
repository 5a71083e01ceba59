import { plainHttpError, plainNetworkError } from './plain-errors';

/** A non-2xx answer from the API, with the server's message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message in words for the user (see plain-errors.ts); `message` keeps the server's text. */
  get plain(): string {
    return plainHttpError(this.status, this.message);
  }

  static async from(response: Response): Promise<ApiError> {
    let message = `${response.status} ${response.statusText}`.trim();
    try {
      const body = (await response.json()) as { message?: string | string[] };
      if (Array.isArray(body.message)) message = body.message.join('; ');
      else if (body.message) message = body.message;
    } catch {
      // not JSON: keep the status line
    }
    return new ApiError(response.status, message);
  }
}

/** What to show the user for a failed call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.plain;
  if (error instanceof Error) return plainNetworkError(error) ?? error.message;
  return String(error);
}
