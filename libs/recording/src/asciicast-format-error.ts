/** A recording file is not valid asciicast v2; `line` is 1-based (the header is line 1). */
export class AsciicastFormatError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${path}: line ${line}: ${reason}`);
    this.name = 'AsciicastFormatError';
  }
}
