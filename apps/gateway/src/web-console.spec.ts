import { acceptsHtml } from './web-console';

describe('acceptsHtml (when a 404 is answered with the console)', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/*', true],
    ['*/*', true],
    ['application/json', false],
    ['application/json, text/html;q=0', false],
    ['image/png,*/*;q=0', false],
  ])('Accept %p → %p', (accept, expected) => {
    expect(acceptsHtml(accept)).toBe(expected);
  });
});
