/**
 * Event patterns and input transformers for Vigil's event rules, after Amazon EventBridge.
 * Pure: no I/O, no clock. Invalid input throws EventPatternError whose `path` names the field
 * (`eventPattern.detail.eventName[0].prefix`) and whose message starts with it.
 *
 * Pattern structure
 * - A non-empty JSON object (at most MAX_PATTERN_BYTES of JSON, objects nested at most
 *   MAX_PATTERN_DEPTH deep). Each field holds a non-empty array of match values (any one may
 *   match: OR) or a nested object; all fields must match (AND).
 * - `$or`: an array of at least 2 sub-patterns, one of which must match; nests, and may sit at
 *   any level. Operator names cannot be field names inside it.
 * - Arrays in the event: a field matches when any element does; objects in arrays are matched
 *   element by element (two fields never match across two elements); nested arrays are
 *   flattened. A field absent from the event never matches, except `exists: false`.
 *
 * Match values
 * - `"text"`, numbers, `true`, `false`, `null`: equality, type included (`""` is not null,
 *   `"5"` is not 5). Numbers compare numerically (300 = 3.0e2) to six decimals.
 * - `{"prefix": "s"}`, `{"prefix": {"equals-ignore-case": "s"}}`
 * - `{"suffix": "s"}`, `{"suffix": {"equals-ignore-case": "s"}}`
 * - `{"equals-ignore-case": "s"}`: Unicode case variants (é/É), not only ASCII
 * - `{"wildcard": "a*b\\*c"}`: `*` any run, `\*` a star, `\\` a backslash; `**` refused;
 *   matched in linear-ish time (no RegExp from user input)
 * - `{"anything-but": v}` with v a string, a number, a list of only strings or only numbers,
 *   `{"prefix": s}`, `{"suffix": s}`, `{"equals-ignore-case": s | [s...]}`, `{"wildcard": w | [w...]}`;
 *   values of another type are never excluded (`anything-but: "x"` matches 5 and null)
 * - `{"numeric": ["=", n]}`, `[">"|">=", n]`, `["<"|"<=", n]`, `[">"|">=", lo, "<"|"<=", hi]`
 *   (lo < hi); operands and matched values within ±5e9 (EventBridge's limit); JSON numbers only
 * - `{"exists": true}`: the field holds a value (null counts; an object or [] does not, exists
 *   sees leaves only); `{"exists": false}`: no value at that path anywhere in the event
 * - `{"cidr": "10.0.0.0/24"}`: IPv4 or IPv6 block; matches IP address strings
 *
 * Input transformer: see compileInputTransformer (inputPathsMap of `$.dotted.path[n]`, at most
 * MAX_INPUT_PATHS; inputTemplate at most MAX_TEMPLATE_BYTES with `<name>` placeholders and
 * `<aws.events.event>`, `<aws.events.event.json>`, `<aws.events.rule-name>`, `<aws.events.rule-arn>`,
 * `<aws.events.event.ingestion-time>`).
 */
export { EventPatternError } from './pattern-error';
export { type CompiledPattern, MAX_PATTERN_BYTES, MAX_PATTERN_DEPTH, compilePattern, matchesPattern } from './compile-pattern';
export { OPERATORS as SUPPORTED_OPERATORS } from './value-matchers';
export {
  type CompiledTransformer,
  type InputTransformerSpec,
  MAX_INPUT_PATHS,
  MAX_TEMPLATE_BYTES,
  type RenderContext,
  compileInputTransformer,
} from './input-transformer';
