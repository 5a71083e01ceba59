import Guacamole from './guacamole';
import { endReason, isFocusEscape } from './desktop-status';
import { withNotices, type VigilNotice } from './vigil-notice';

export type DesktopPhase = 'connecting' | 'connected' | 'ended';

export interface DesktopState {
  phase: DesktopPhase;
  /** why it ended (the `error` instruction's message, else the tunnel's status) */
  reason: string | null;
}

export interface RemoteDesktopOptions {
  /** the tunnel path the gateway answered (`/guacamole`) */
  tunnel: string;
  token: string;
  /** focusable element the display goes into; keyboard input is read only while it has focus */
  host: HTMLElement;
  /**
   * `owner`: the user's own session, the remote screen follows `host`'s size; `viewer`: a join,
   * the display is scaled to fit `host` (a joined user never resizes the user's screen).
   */
  role: 'owner' | 'viewer';
  /** read at every mouse and key event: false drops it here (the gateway drops it too) */
  inputAllowed: (() => boolean) | null;
  onState: (state: DesktopState) => void;
  onNotice?: (notice: VigilNotice) => void;
  /** text the remote side put on its clipboard */
  onClipboard?: (text: string) => void;
  /** the escape key was pressed: focus is to go out of the display */
  onFocusEscape?: () => void;
}

const CONNECTED = 3;
const DISCONNECTED = 5;

/**
 * One Guacamole connection drawn into `host`: guacamole-common-js's client over a WebSocket
 * tunnel (token, size and dpi in the query), the in-band `vigil-notice`s taken out, mouse and
 * keyboard forwarded while allowed, clipboard both ways, states reported once each.
 */
export class RemoteDesktop {
  private readonly tunnel: Guacamole.WebSocketTunnel;
  private readonly client: Guacamole.Client;
  private readonly keyboard: Guacamole.Keyboard | null = null;
  private state: DesktopState = { phase: 'connecting', reason: null };
  private readonly cleanups: Array<() => void> = [];

  constructor(private readonly options: RemoteDesktopOptions) {
    this.tunnel = new Guacamole.WebSocketTunnel(options.tunnel);
    this.client = new Guacamole.Client(this.tunnel);
    // Guacamole.Client installed its handler in its constructor: ours goes in front of it
    this.tunnel.oninstruction = withNotices(this.tunnel.oninstruction, (notice) => options.onNotice?.(notice));

    const display = this.client.getDisplay();
    const element = display.getElement();
    element.classList.add('remote-display');
    options.host.appendChild(element);
    this.cleanups.push(() => element.remove());

    let lastStatus: Guacamole.Status | null = null;
    this.client.onerror = (status) => {
      lastStatus = status;
      this.end(status);
    };
    this.tunnel.onerror = (status) => {
      lastStatus = status;
    };
    this.client.onstatechange = (state) => {
      if (state === CONNECTED) this.update({ phase: 'connected' });
      else if (state === DISCONNECTED) this.end(lastStatus);
    };
    this.client.onclipboard = (stream, mimetype) => {
      if (!mimetype.startsWith('text/')) return;
      const reader = new Guacamole.StringReader(stream);
      let text = '';
      reader.ontext = (chunk) => (text += chunk);
      reader.onend = () => options.onClipboard?.(text);
    };
    display.onresize = () => this.fit();

    if (options.inputAllowed) this.keyboard = this.wireInput(options.inputAllowed, element);
  }

  /** Opens the tunnel; the owner's screen is sized to `host`. */
  connect(): void {
    const { width, height } = this.hostSize();
    const query = new URLSearchParams({ token: this.options.token, width: String(width), height: String(height), dpi: String(Math.round(96 * (window.devicePixelRatio || 1))) });
    this.client.connect(query.toString());
  }

  /** `host` changed size: the owner asks for a screen that size, a viewer rescales. */
  resized(): void {
    if (this.state.phase !== 'connected') return;
    this.fit();
    if (this.options.role === 'viewer') return;
    const { width, height } = this.hostSize();
    this.client.sendSize(width, height);
  }

  /** Puts `text` on the remote clipboard. */
  sendClipboard(text: string): void {
    if (this.state.phase !== 'connected') return;
    const writer = new Guacamole.StringWriter(this.client.createClipboardStream('text/plain'));
    writer.sendText(text);
    writer.sendEnd();
  }

  /** Releases every key held (they would stay down on the remote side when focus leaves). */
  releaseKeys(): void {
    this.keyboard?.reset();
  }

  disconnect(): void {
    this.releaseKeys();
    this.client.disconnect();
    this.end(null, 'disconnected');
  }

  dispose(): void {
    this.disconnect();
    this.cleanups.splice(0).forEach((cleanup) => cleanup());
  }

  private wireInput(allowed: () => boolean, element: HTMLElement): Guacamole.Keyboard {
    const { host } = this.options;
    const mouse = new Guacamole.Mouse(element);
    mouse.onEach(['mousedown', 'mousemove', 'mouseup'], (event) => {
      if (this.state.phase === 'connected' && allowed()) this.client.sendMouseState((event as Guacamole.Mouse.Event).state, true);
    });
    // Guacamole.Mouse cancels mousedown, so the browser would not move focus to the display
    const focus = () => host.focus({ preventScroll: true });
    element.addEventListener('mousedown', focus);
    this.cleanups.push(() => element.removeEventListener('mousedown', focus));

    // keys only while `host` has focus: the keyboard listens on it, not on the document
    const keyboard = new Guacamole.Keyboard(host);
    const send = (pressed: boolean, keysym: number) => {
      if (this.state.phase !== 'connected' || !allowed()) return false;
      this.client.sendKeyEvent(pressed ? 1 : 0, keysym);
      return true;
    };
    // true lets the browser have it: a dropped key (no control) still moves focus with Tab
    keyboard.onkeydown = (keysym) => !send(true, keysym);
    keyboard.onkeyup = (keysym) => void send(false, keysym);
    const escape = (event: KeyboardEvent) => {
      if (!isFocusEscape(event)) return;
      // before Guacamole's own listeners on `host` (capture on the parent runs first)
      event.preventDefault();
      event.stopPropagation();
      keyboard.reset();
      this.options.onFocusEscape?.();
    };
    const parent = host.parentElement ?? host;
    parent.addEventListener('keydown', escape, true);
    const release = () => keyboard.reset();
    host.addEventListener('blur', release);
    this.cleanups.push(() => {
      parent.removeEventListener('keydown', escape, true);
      host.removeEventListener('blur', release);
      keyboard.onkeydown = null;
      keyboard.onkeyup = null;
    });
    return keyboard;
  }

  /** Shrinks the display to fit `host` (a server that cannot resize, a viewer's smaller window); never enlarges it. */
  private fit(): void {
    const display = this.client.getDisplay();
    const width = display.getWidth();
    const height = display.getHeight();
    if (!width || !height) return;
    const room = this.options.host.getBoundingClientRect();
    if (!room.width) return;
    const byHeight = this.options.role === 'owner' && room.height ? room.height / height : 1;
    const scale = Math.min(1, room.width / width, byHeight);
    display.scale(scale);
    // where a remote pixel is on the page (tests and tools map coordinates with it)
    Object.assign(this.options.host.dataset, { remoteWidth: String(width), remoteHeight: String(height), scale: String(scale) });
  }

  private hostSize(): { width: number; height: number } {
    const rect = this.options.host.getBoundingClientRect();
    // the tunnel accepts 64..8192; a hidden host measures 0
    const clamp = (value: number, fallback: number) => Math.min(8192, Math.max(64, Math.floor(value) || fallback));
    return { width: clamp(rect.width, 1024), height: clamp(rect.height, 768) };
  }

  private end(status: Guacamole.Status | null, fallback?: string): void {
    if (this.state.phase === 'ended') return;
    this.update({ phase: 'ended', reason: fallback && !status ? fallback : endReason(null, status) });
  }

  private update(patch: Partial<DesktopState>): void {
    if (this.state.phase === 'ended') return;
    this.state = { ...this.state, ...patch };
    this.options.onState(this.state);
  }
}
