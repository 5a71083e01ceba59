/**
 * The player's seek slider counts whole steps of SEEK_STEP seconds. A range input rounds any value
 * that is not a multiple of its step, and on the next keyboard change React then reports that
 * rounded value as a seek of its own: with seconds as the unit, End seeked to the end and, a moment
 * later, back to the end rounded down, dropping the last few milliseconds of output from the screen.
 * Whole steps are never rounded, and the last one means "the end", exactly.
 */
export const SEEK_STEP = 0.01;

/** The slider's maximum: the end of the recording, rounded up to a whole step. */
export function sliderMax(duration: number): number {
  return Math.ceil(duration / SEEK_STEP);
}

/** Where the slider stands for a playback position. */
export function sliderValue(position: number, duration: number): number {
  if (position >= duration) return sliderMax(duration);
  return Math.min(Math.floor(position / SEEK_STEP), sliderMax(duration));
}

/** The position, in seconds, that a slider value asks for. */
export function sliderSeconds(value: number, duration: number): number {
  return value >= sliderMax(duration) ? duration : Math.max(0, value) * SEEK_STEP;
}
