import { EventPatternError } from './pattern-error';

/**
 * EventBridge `wildcard`: `*` matches any run of characters (none included), `\*` is a literal
 * star and `\\` a literal backslash; any other escape and two stars in a row are refused, as
 * EventBridge refuses them.
 *
 * Matching never builds a RegExp from the pattern: the literals between the stars are found
 * left to right with indexOf (the leftmost placement of each literal is always a valid one for
 * star-only globs), so a hostile string costs a scan, not exponential backtracking.
 */
export class WildcardPattern {
  private constructor(private readonly literals: readonly string[]) {}

  static parse(pattern: string, path: string): WildcardPattern {
    const literals: string[] = [];
    let current = '';
    let previousWasStar = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\') {
        const next = pattern[i + 1];
        if (next !== '*' && next !== '\\') throw new EventPatternError(path, 'a backslash may only escape "*" or "\\"');
        current += next;
        i++;
        previousWasStar = false;
      } else if (c === '*') {
        if (previousWasStar) throw new EventPatternError(path, 'consecutive wildcard characters are not allowed');
        literals.push(current);
        current = '';
        previousWasStar = true;
      } else {
        current += c;
        previousWasStar = false;
      }
    }
    literals.push(current);
    return new WildcardPattern(literals);
  }

  matches(value: string): boolean {
    const parts = this.literals;
    if (parts.length === 1) return value === parts[0];
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (value.length < first.length + last.length) return false;
    if (!value.startsWith(first) || !value.endsWith(last)) return false;
    const end = value.length - last.length;
    let at = first.length;
    for (let i = 1; i < parts.length - 1; i++) {
      const found = value.indexOf(parts[i], at);
      if (found < 0 || found + parts[i].length > end) return false;
      at = found + parts[i].length;
    }
    return true;
  }
}
