import { formatViewerInputMarker, parseViewerInputMarker, VIEWER_INPUT_MARKER_PREFIX } from './viewer-input-marker';

describe('viewer input markers', () => {
  it('round-trips who typed what, control characters and UTF-8 included', () => {
    for (const data of ['ls -la\r', '\x1b[A\x03', 'é€😀', ' data=by=x ', '\n\n']) {
      const label = formatViewerInputMarker('carol.ops-1', Buffer.from(data, 'utf8'));
      expect(label?.startsWith(`${VIEWER_INPUT_MARKER_PREFIX} by=carol.ops-1 data=`)).toBe(true);
      expect(parseViewerInputMarker(label!)).toEqual({ viewer: 'carol.ops-1', data });
    }
  });

  it('cannot be made to name someone else: a forged name loses its separators', () => {
    const label = formatViewerInputMarker('mallory data=x by=alice', 'rm -rf /')!;
    expect(parseViewerInputMarker(label)).toEqual({ viewer: 'mallory_data_x_by_alice', data: 'rm -rf /' });
    expect(parseViewerInputMarker(formatViewerInputMarker('', 'x')!)?.viewer).toBe('_');
  });

  it('records nothing for empty input and recognises no other marker', () => {
    expect(formatViewerInputMarker('carol', '')).toBeUndefined();
    expect(parseViewerInputMarker('vigil:gap dropped_bytes=1 dropped_events=1 since=0')).toBeUndefined();
    expect(parseViewerInputMarker('shadow joined')).toBeUndefined();
    expect(parseViewerInputMarker('vigil:input by= data=x')).toBeUndefined();
  });
});
