import { InvalidPageTokenError, decodePageToken, encodePageToken } from './page-token';

describe('page tokens', () => {
  it('round-trips a cursor', () => {
    const cursor = { t: 1_732_500_000_123, id: '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f' };
    expect(decodePageToken(encodePageToken(cursor))).toEqual(cursor);
  });

  it.each(['', 'not base64 !!', Buffer.from('{"t":1}').toString('base64url'), Buffer.from('[1.5,"x"]').toString('base64url'), Buffer.from('[1,""]').toString('base64url')])(
    'rejects %j',
    (token) => expect(() => decodePageToken(token)).toThrow(InvalidPageTokenError),
  );
});
