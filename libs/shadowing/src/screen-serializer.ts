import type { SerializeAddon } from '@xterm/addon-serialize';
import type { IBuffer, IBufferCell, Terminal } from '@xterm/headless';

/**
 * The screen (and scrollback) of a headless terminal as escape sequences: byte for byte what
 * @xterm/addon-serialize 0.14's `serialize({ scrollback })` returns, two to four times as fast.
 *
 * Why a copy: a join on a session with a full scrollback (1,000 lines × 120 columns) spent ~8 ms
 * in the addon, most of it comparing each cell's style with the cursor style through ~25 getter
 * calls and a fresh array per cell. Here the common case, a cell styled like that, is two integer
 * comparisons on the cell's raw words (`content`/`fg`/`bg`, which the addon's own getters read);
 * anything else takes the addon's code path unchanged. The algorithm, its
 * row-separator and cursor rules included, is the addon's StringSerializeHandler (MIT, © 2019 The
 * xterm.js authors), so viewers' terminals rebuild exactly the screen they would from the addon,
 * which screen-serializer.spec.ts checks against the addon itself on varied screens.
 *
 * The raw words are not in xterm's public typings: `isFastPathAvailable` checks they are there,
 * and the caller falls back to the addon if a future xterm moves them.
 */
export function serializeScreen(terminal: Terminal, scrollback?: number): string {
  let content = serializeBufferByScrollback(terminal, terminal.buffer.normal, scrollback);
  if (terminal.buffer.active.type === 'alternate') {
    content += `\u001b[?1049h\u001b[H${serializeBufferByScrollback(terminal, terminal.buffer.alternate, undefined)}`;
  }
  return content + serializeModes(terminal);
}

/** True if this xterm's cells carry the raw attribute words the fast path compares. */
export function isFastPathAvailable(terminal: Terminal): boolean {
  const cell = terminal.buffer.active.getNullCell() as Partial<RawCell>;
  return typeof cell.content === 'number' && typeof cell.fg === 'number' && typeof cell.bg === 'number';
}

/** Serializes like `addon.serialize({ scrollback })`, with our fast copy when this xterm allows it. */
export function serializeWithFallback(terminal: Terminal, addon: SerializeAddon, fast: boolean, scrollback?: number): string {
  return fast ? serializeScreen(terminal, scrollback) : addon.serialize(scrollback === undefined ? undefined : { scrollback });
}

/** xterm's CellData: what `getCell`/`getNullCell` return at runtime (fields behind the getters). */
interface RawCell extends IBufferCell {
  content: number;
  fg: number;
  bg: number;
}

/** xterm's BgFlags.HAS_EXTENDED: underline style/colour live in a side object the raw words do not show. */
const HAS_EXTENDED = 0x10000000;
/** xterm's Content: width in bits 22–23; a code point or the combined-string flag below them (`getChars` is '' without either). */
const WIDTH_SHIFT = 22;
const CHARS_MASK = 0x3fffff;
const NO_SGR: number[] = [];

function constrain(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, high));
}

function serializeBufferByScrollback(terminal: Terminal, buffer: IBuffer, scrollback?: number): string {
  const maxRows = buffer.length;
  const correctRows = scrollback === undefined ? maxRows : constrain(scrollback + terminal.rows, 0, maxRows);
  return new StringSerializer(buffer, terminal).serialize(maxRows - correctRows, maxRows - 1, terminal.cols);
}

function serializeModes(terminal: Terminal): string {
  let content = '';
  const modes = terminal.modes;
  if (modes.applicationCursorKeysMode) content += '\x1b[?1h';
  if (modes.applicationKeypadMode) content += '\x1b[?66h';
  if (modes.bracketedPasteMode) content += '\x1b[?2004h';
  if (modes.insertMode) content += '\x1b[4h';
  if (modes.originMode) content += '\x1b[?6h';
  if (modes.reverseWraparoundMode) content += '\x1b[?45h';
  if (modes.sendFocusMode) content += '\x1b[?1004h';
  if (modes.wraparoundMode === false) content += '\x1b[?7l';
  switch (modes.mouseTrackingMode) {
    case 'x10':
      content += '\x1b[?9h';
      break;
    case 'vt200':
      content += '\x1b[?1000h';
      break;
    case 'drag':
      content += '\x1b[?1002h';
      break;
    case 'any':
      content += '\x1b[?1003h';
      break;
  }
  return content;
}

/** Attribute words equal and no extended attributes: every style getter agrees, so no SGR change. */
function sameStyle(a: RawCell, b: RawCell): boolean {
  return a.fg === b.fg && a.bg === b.bg && (a.bg & HAS_EXTENDED) === 0;
}

function equalFg(a: IBufferCell, b: IBufferCell): boolean {
  return a.getFgColorMode() === b.getFgColorMode() && a.getFgColor() === b.getFgColor();
}

function equalBg(a: IBufferCell, b: IBufferCell): boolean {
  // Equal raw background words give equal mode and colour (both read only from `bg`).
  if ((a as RawCell).bg === (b as RawCell).bg) return true;
  return a.getBgColorMode() === b.getBgColorMode() && a.getBgColor() === b.getBgColor();
}

function equalFlags(a: IBufferCell, b: IBufferCell): boolean {
  return (
    a.isInverse() === b.isInverse() &&
    a.isBold() === b.isBold() &&
    a.isUnderline() === b.isUnderline() &&
    a.isOverline() === b.isOverline() &&
    a.isBlink() === b.isBlink() &&
    a.isInvisible() === b.isInvisible() &&
    a.isItalic() === b.isItalic() &&
    a.isDim() === b.isDim() &&
    a.isStrikethrough() === b.isStrikethrough()
  );
}

/** The SGR parameters that turn `oldCell`'s style into `cell`'s; the addon's `_diffStyle`. */
function diffStyle(cell: IBufferCell, oldCell: IBufferCell): number[] {
  if (sameStyle(cell as RawCell, oldCell as RawCell)) return NO_SGR;
  const sgrSeq: number[] = [];
  const fgChanged = !equalFg(cell, oldCell);
  const bgChanged = !equalBg(cell, oldCell);
  const flagsChanged = !equalFlags(cell, oldCell);
  if (fgChanged || bgChanged || flagsChanged) {
    if (cell.isAttributeDefault()) {
      if (!oldCell.isAttributeDefault()) sgrSeq.push(0);
    } else {
      if (fgChanged) {
        const color = cell.getFgColor();
        if (cell.isFgRGB()) sgrSeq.push(38, 2, (color >>> 16) & 0xff, (color >>> 8) & 0xff, color & 0xff);
        else if (cell.isFgPalette()) {
          if (color >= 16) sgrSeq.push(38, 5, color);
          else sgrSeq.push(color & 8 ? 90 + (color & 7) : 30 + (color & 7));
        } else sgrSeq.push(39);
      }
      if (bgChanged) {
        const color = cell.getBgColor();
        if (cell.isBgRGB()) sgrSeq.push(48, 2, (color >>> 16) & 0xff, (color >>> 8) & 0xff, color & 0xff);
        else if (cell.isBgPalette()) {
          if (color >= 16) sgrSeq.push(48, 5, color);
          else sgrSeq.push(color & 8 ? 100 + (color & 7) : 40 + (color & 7));
        } else sgrSeq.push(49);
      }
      if (flagsChanged) {
        if (cell.isInverse() !== oldCell.isInverse()) sgrSeq.push(cell.isInverse() ? 7 : 27);
        if (cell.isBold() !== oldCell.isBold()) sgrSeq.push(cell.isBold() ? 1 : 22);
        if (cell.isUnderline() !== oldCell.isUnderline()) sgrSeq.push(cell.isUnderline() ? 4 : 24);
        if (cell.isOverline() !== oldCell.isOverline()) sgrSeq.push(cell.isOverline() ? 53 : 55);
        if (cell.isBlink() !== oldCell.isBlink()) sgrSeq.push(cell.isBlink() ? 5 : 25);
        if (cell.isInvisible() !== oldCell.isInvisible()) sgrSeq.push(cell.isInvisible() ? 8 : 28);
        if (cell.isItalic() !== oldCell.isItalic()) sgrSeq.push(cell.isItalic() ? 3 : 23);
        if (cell.isDim() !== oldCell.isDim()) sgrSeq.push(cell.isDim() ? 2 : 22);
        if (cell.isStrikethrough() !== oldCell.isStrikethrough()) sgrSeq.push(cell.isStrikethrough() ? 9 : 29);
      }
    }
  }
  return sgrSeq;
}

/** The addon's StringSerializeHandler, field for field (see the file comment). */
class StringSerializer {
  private rowIndex = 0;
  private allRows: string[] = [];
  private allRowSeparators: string[] = [];
  private currentRow = '';
  private nullCellCount = 0;
  private readonly cursorStyle: IBufferCell;
  private cursorStyleRow = 0;
  private cursorStyleCol = 0;
  private readonly backgroundCell: IBufferCell;
  private firstRow = 0;
  private lastCursorRow = 0;
  private lastCursorCol = 0;
  private lastContentCursorRow = 0;
  private lastContentCursorCol = 0;
  private readonly thisRowLastChar: IBufferCell;
  private readonly thisRowLastSecondChar: IBufferCell;
  private readonly nextRowFirstChar: IBufferCell;

  constructor(
    private readonly buffer: IBuffer,
    private readonly terminal: Terminal,
  ) {
    this.cursorStyle = buffer.getNullCell();
    this.backgroundCell = buffer.getNullCell();
    this.thisRowLastChar = buffer.getNullCell();
    this.thisRowLastSecondChar = buffer.getNullCell();
    this.nextRowFirstChar = buffer.getNullCell();
  }

  serialize(startRow: number, endRow: number, endColumn: number): string {
    const cell1 = this.buffer.getNullCell();
    const cell2 = this.buffer.getNullCell();
    let oldCell = cell1;
    this.allRows = new Array<string>(endRow - startRow);
    this.lastContentCursorRow = startRow;
    this.lastCursorRow = startRow;
    this.firstRow = startRow;
    for (let row = startRow; row <= endRow; row++) {
      const line = this.buffer.getLine(row);
      if (line) {
        const endLineColumn = row === endRow ? endColumn : line.length;
        for (let col = 0; col < endLineColumn; col++) {
          const c = line.getCell(col, oldCell === cell1 ? cell2 : cell1);
          if (!c) continue;
          this.nextCell(c, row, col);
          oldCell = c;
        }
      }
      this.rowEnd(row, row === endRow);
    }
    return this.serializeString();
  }

  private rowEnd(row: number, isLastRow: boolean): void {
    if (this.nullCellCount > 0 && !equalBg(this.cursorStyle, this.backgroundCell)) {
      this.currentRow += `\u001b[${this.nullCellCount}X`;
    }
    let rowSeparator = '';
    if (!isLastRow) {
      // Background colour erase: from the second screenful on, the addon takes the current style's background.
      if (row - this.firstRow >= this.terminal.rows) {
        this.buffer.getLine(this.cursorStyleRow)?.getCell(this.cursorStyleCol, this.backgroundCell);
      }
      const currentLine = this.buffer.getLine(row)!;
      const nextLine = this.buffer.getLine(row + 1)!;
      if (!nextLine.isWrapped) {
        rowSeparator = '\r\n';
        this.lastCursorRow = row + 1;
        this.lastCursorCol = 0;
      } else {
        rowSeparator = '';
        const thisRowLastChar = currentLine.getCell(currentLine.length - 1, this.thisRowLastChar)!;
        const thisRowLastSecondChar = currentLine.getCell(currentLine.length - 2, this.thisRowLastSecondChar)!;
        const nextRowFirstChar = nextLine.getCell(0, this.nextRowFirstChar)!;
        const isNextRowFirstCharDoubleWidth = nextRowFirstChar.getWidth() > 1;
        let isValid = false;
        // Precedence as in the addon: (getChars() && isDoubleWidth) ? a : b.
        if (nextRowFirstChar.getChars() && isNextRowFirstCharDoubleWidth ? this.nullCellCount <= 1 : this.nullCellCount <= 0) {
          if ((thisRowLastChar.getChars() || thisRowLastChar.getWidth() === 0) && equalBg(thisRowLastChar, nextRowFirstChar)) {
            isValid = true;
          }
          if (
            isNextRowFirstCharDoubleWidth &&
            (thisRowLastSecondChar.getChars() || thisRowLastSecondChar.getWidth() === 0) &&
            equalBg(thisRowLastChar, nextRowFirstChar) &&
            equalBg(thisRowLastSecondChar, nextRowFirstChar)
          ) {
            isValid = true;
          }
        }
        if (!isValid) {
          rowSeparator = '-'.repeat(this.nullCellCount + 1);
          rowSeparator += '\u001b[1D\u001b[1X';
          if (this.nullCellCount > 0) {
            rowSeparator += '\u001b[A';
            rowSeparator += `\u001b[${currentLine.length - this.nullCellCount}C`;
            rowSeparator += `\u001b[${this.nullCellCount}X`;
            rowSeparator += `\u001b[${currentLine.length - this.nullCellCount}D`;
            rowSeparator += '\u001b[B';
          }
          this.lastContentCursorRow = row + 1;
          this.lastContentCursorCol = 0;
          this.lastCursorRow = row + 1;
          this.lastCursorCol = 0;
        }
      }
    }
    this.allRows[this.rowIndex] = this.currentRow;
    this.allRowSeparators[this.rowIndex++] = rowSeparator;
    this.currentRow = '';
    this.nullCellCount = 0;
  }

  private nextCell(cell: IBufferCell, row: number, col: number): void {
    const content = (cell as RawCell).content;
    // getWidth(), read from the raw word. Width 0: the placeholder after a wide character.
    const width = content >> WIDTH_SHIFT;
    if (width === 0) return;
    const chars = (content & CHARS_MASK) === 0 ? '' : cell.getChars();
    const isEmptyCell = chars === '';
    if (sameStyle(cell as RawCell, this.cursorStyle as RawCell)) {
      // The common case: styled like the cursor style, so no SGR and (blank or not) no style change.
      this.appendCell(chars, width, row, col);
      return;
    }
    const sgrSeq = diffStyle(cell, this.cursorStyle);
    // An empty cell's style only counts as changed when its background does (its foreground is always 0).
    const styleChanged = isEmptyCell ? !equalBg(this.cursorStyle, cell) : sgrSeq.length > 0;
    if (styleChanged) {
      if (this.nullCellCount > 0) {
        if (!equalBg(this.cursorStyle, this.backgroundCell)) this.currentRow += `\u001b[${this.nullCellCount}X`;
        this.currentRow += `\u001b[${this.nullCellCount}C`;
        this.nullCellCount = 0;
      }
      this.lastContentCursorRow = this.lastCursorRow = row;
      this.lastContentCursorCol = this.lastCursorCol = col;
      this.currentRow += `\u001b[${sgrSeq.join(';')}m`;
      const line = this.buffer.getLine(row);
      if (line !== undefined) {
        line.getCell(col, this.cursorStyle);
        this.cursorStyleRow = row;
        this.cursorStyleCol = col;
      }
    }
    this.appendCell(chars, width, row, col);
  }

  /** The content part of the addon's `_nextCell`, once any style change has been written. */
  private appendCell(chars: string, width: number, row: number, col: number): void {
    if (chars === '') {
      this.nullCellCount += width;
    } else {
      if (this.nullCellCount > 0) {
        if (equalBg(this.cursorStyle, this.backgroundCell)) {
          this.currentRow += `\u001b[${this.nullCellCount}C`;
        } else {
          this.currentRow += `\u001b[${this.nullCellCount}X`;
          this.currentRow += `\u001b[${this.nullCellCount}C`;
        }
        this.nullCellCount = 0;
      }
      this.currentRow += chars;
      this.lastContentCursorRow = this.lastCursorRow = row;
      this.lastContentCursorCol = this.lastCursorCol = col + width;
    }
  }

  private serializeString(): string {
    let rowEnd = this.allRows.length;
    // Without scrollback the content ends at its last written cell, not at the last row.
    if (this.buffer.length - this.firstRow <= this.terminal.rows) {
      rowEnd = this.lastContentCursorRow + 1 - this.firstRow;
      this.lastCursorCol = this.lastContentCursorCol;
      this.lastCursorRow = this.lastContentCursorRow;
    }
    let content = '';
    for (let i = 0; i < rowEnd; i++) {
      content += this.allRows[i];
      if (i + 1 < rowEnd) content += this.allRowSeparators[i];
    }
    const realCursorRow = this.buffer.baseY + this.buffer.cursorY;
    const realCursorCol = this.buffer.cursorX;
    if (realCursorRow !== this.lastCursorRow || realCursorCol !== this.lastCursorCol) {
      const down = realCursorRow - this.lastCursorRow;
      if (down > 0) content += `\u001b[${down}B`;
      else if (down < 0) content += `\u001b[${-down}A`;
      const right = realCursorCol - this.lastCursorCol;
      if (right > 0) content += `\u001b[${right}C`;
      else if (right < 0) content += `\u001b[${-right}D`;
    }
    // The cursor's current style, read where the addon reads it (xterm internals, see xtermjs/xterm.js#3677).
    const curAttrData = (this.terminal as unknown as { _core: { _inputHandler: { _curAttrData: IBufferCell } } })._core._inputHandler._curAttrData;
    const sgrSeq = diffStyle(curAttrData, this.cursorStyle);
    if (sgrSeq.length > 0) content += `\u001b[${sgrSeq.join(';')}m`;
    return content;
  }
}
