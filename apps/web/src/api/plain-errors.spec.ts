import { ApiError, errorMessage } from './api-error';
import { plainConnectionError, plainHttpError, plainNetworkError } from './plain-errors';

describe('errors in plain words', () => {
  it("turns the framework's pipe messages into what was expected and what to do", () => {
    expect(plainHttpError(400, 'Validation failed (uuid is expected)')).toBe(
      'This address is not valid: an id of the form 0190c3b0-… was expected. Check the link, or go back to the list.',
    );
    expect(plainHttpError(400, 'Validation failed (numeric string is expected)')).toContain('a number was expected');
  });

  it("keeps the server's own sentences", () => {
    expect(plainHttpError(400, 'reason must be shorter than or equal to 500 characters')).toBe('reason must be shorter than or equal to 500 characters');
    expect(plainHttpError(401, 'Wrong username or password')).toBe('Wrong username or password');
    expect(plainHttpError(403, 'shadowing needs the shadow privilege')).toBe('Not allowed: shadowing needs the shadow privilege');
  });

  it("replaces Nest's bare defaults and server errors with what happened", () => {
    expect(plainHttpError(401, 'Unauthorized')).toBe('Your sign-in has expired or was revoked: sign in again.');
    expect(plainHttpError(403, 'Forbidden resource')).toBe('You are not allowed to do this.');
    expect(plainHttpError(429, 'ThrottlerException: Too Many Requests')).toContain('wait a few seconds');
    expect(plainHttpError(500, 'Internal server error')).toContain('tell an administrator');
    expect(plainHttpError(404, 'session not found')).toContain('may have ended');
  });

  it('says the gateway cannot be reached instead of "xhr poll error"', () => {
    expect(plainConnectionError('xhr poll error', 'the live view')).toBe('Cannot reach Vigil for the live view: the network or the gateway is down. Retrying…');
    expect(plainConnectionError('websocket error', 'the terminal')).toContain('Cannot reach Vigil for the terminal');
    expect(plainConnectionError('token revoked', 'the live view')).toBe('The live view was refused: token revoked');
  });

  it('recognises a fetch that nothing answered', () => {
    expect(plainNetworkError(new TypeError('Failed to fetch'))).toContain('Cannot reach Vigil');
    expect(plainNetworkError(new Error('something else'))).toBeNull();
  });

  it('errorMessage uses all of it', () => {
    expect(errorMessage(new ApiError(400, 'Validation failed (uuid is expected)'))).toContain('This address is not valid');
    expect(errorMessage(new TypeError('Failed to fetch'))).toContain('Cannot reach Vigil');
    expect(errorMessage('plain')).toBe('plain');
  });
});
