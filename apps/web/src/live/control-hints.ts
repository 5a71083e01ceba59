import type { ControlState, ViewerInfo, ViewerMode } from './live-protocol';

/** What the control toolbar shows as its hint (and the buttons' description): why a button is off, or what to do next. */
export function controlHint(input: {
  mode: ViewerMode;
  isAdmin: boolean;
  live: boolean;
  control: ControlState | null;
  viewerId: string | null;
  viewers: ViewerInfo[];
  myRequest: { status: 'pending' | 'granted' | 'denied'; by?: string } | null;
}): string {
  const { mode, isAdmin, live, control, viewerId, viewers, myRequest } = input;
  if (!live) return 'The session is not live: control is not available.';
  if (mode === 'view') return isAdmin ? 'View mode: open the session with Interact to type (you can still pause the user or message them).' : 'View mode: open the session with Interact to type.';
  const holder = control?.holder ?? null;
  if (holder === null) return 'Nobody holds control: take it to type.';
  if (holder === viewerId) return 'You hold control: hand it back when you are done.';
  const name = viewers.find((v) => v.viewerId === holder)?.username ?? 'Another viewer';
  if (myRequest?.status === 'pending') return `${name} holds control: your request is waiting for their answer.`;
  if (myRequest?.status === 'denied') return `${name} holds control: your request was denied by ${myRequest.by ?? 'them'}.`;
  return isAdmin ? `${name} holds control: request it, or force a take-over.` : `${name} holds control: request it.`;
}
