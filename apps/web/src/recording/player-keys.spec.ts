import { BIG_STEP_SECONDS, STEP_SECONDS, playerKeyAction } from './player-keys';

const screen = { tagName: 'DIV' };
const xterm = { tagName: 'TEXTAREA', className: 'xterm-helper-textarea' };
const slider = { tagName: 'INPUT', type: 'range' };

describe('player keyboard', () => {
  it('Space toggles play on the screen, on xterm.js’s hidden input and on the slider', () => {
    for (const target of [screen, xterm, slider]) expect(playerKeyAction({ key: ' ' }, target)).toEqual({ kind: 'toggle' });
  });

  it('arrows move by the step, Shift by the big step, Home/End to the ends', () => {
    expect(playerKeyAction({ key: 'ArrowRight' }, screen)).toEqual({ kind: 'step', seconds: STEP_SECONDS });
    expect(playerKeyAction({ key: 'ArrowLeft' }, screen)).toEqual({ kind: 'step', seconds: -STEP_SECONDS });
    expect(playerKeyAction({ key: 'ArrowRight', shiftKey: true }, slider)).toEqual({ kind: 'step', seconds: BIG_STEP_SECONDS });
    expect(playerKeyAction({ key: 'ArrowLeft', shiftKey: true }, xterm)).toEqual({ kind: 'step', seconds: -BIG_STEP_SECONDS });
    expect(playerKeyAction({ key: 'Home' }, slider)).toEqual({ kind: 'start' });
    expect(playerKeyAction({ key: 'End' }, screen)).toEqual({ kind: 'end' });
  });

  it('leaves text fields alone: typing a space or moving the caret is not a seek', () => {
    for (const target of [{ tagName: 'INPUT' }, { tagName: 'INPUT', type: 'search' }, { tagName: 'TEXTAREA' }, { tagName: 'DIV', isContentEditable: true }]) {
      for (const key of [' ', 'ArrowLeft', 'ArrowRight', 'Home', 'End']) expect(playerKeyAction({ key }, target)).toBeNull();
    }
  });

  it('Space presses a focused button or checkbox instead (no double toggle on the Play button)', () => {
    for (const target of [{ tagName: 'BUTTON' }, { tagName: 'INPUT', type: 'checkbox' }, { tagName: 'a' }]) expect(playerKeyAction({ key: ' ' }, target)).toBeNull();
    // arrows on a marker button still move the position
    expect(playerKeyAction({ key: 'ArrowRight' }, { tagName: 'BUTTON' })).toEqual({ kind: 'step', seconds: STEP_SECONDS });
  });

  it('arrows in the speed choice pick the speed; a select keeps its keys', () => {
    expect(playerKeyAction({ key: 'ArrowRight' }, { tagName: 'INPUT', type: 'radio' })).toBeNull();
    expect(playerKeyAction({ key: 'Home' }, { tagName: 'INPUT', type: 'radio' })).toBeNull();
    expect(playerKeyAction({ key: 'ArrowLeft' }, { tagName: 'SELECT' })).toBeNull();
    expect(playerKeyAction({ key: ' ' }, { tagName: 'INPUT', type: 'radio' })).toEqual({ kind: 'toggle' });
  });

  it('browser shortcuts and other keys pass through', () => {
    expect(playerKeyAction({ key: 'ArrowLeft', altKey: true }, screen)).toBeNull();
    expect(playerKeyAction({ key: ' ', ctrlKey: true }, screen)).toBeNull();
    expect(playerKeyAction({ key: 'ArrowRight', metaKey: true }, screen)).toBeNull();
    expect(playerKeyAction({ key: 'k' }, screen)).toBeNull();
    expect(playerKeyAction({ key: 'Enter' }, screen)).toBeNull();
  });
});
