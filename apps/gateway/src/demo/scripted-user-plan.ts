/** One thing the demo's scripted user sends: `data` after waiting `delayMs`. */
export interface Keystroke {
  delayMs: number;
  data: string;
}

/** A random number in [0, 1): injected so a plan is reproducible in tests. */
export type Random = () => number;

/** A small seeded generator (mulberry32): the default keeps each round a little different. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step = { type: string } | { keys: string } | { wait: number };

const CTRL_C = '\x03';
const CTRL_O = '\x0f';
const CTRL_X = '\x18';

const EDITS = ['- checked the nightly backup: ok', '- api-gw certificate renewed', '- db-02 log retention set to 14 days', '- paged the payments team about 88412'];

/** One round of realistic work in the demo shell: look around, follow a log, watch top, edit notes. */
function round(n: number): Step[] {
  return [
    { wait: 1500 },
    { type: 'ls -l\r' },
    { wait: 2500 },
    { type: 'cat notes.txt\r' },
    { wait: 3000 },
    { type: 'tail -f app.log\r' },
    { wait: 7000 },
    { keys: CTRL_C },
    { wait: 1500 },
    { type: 'top\r' },
    { wait: 6500 },
    { keys: 'q' },
    { wait: 1500 },
    { type: 'nano notes.txt\r' },
    { wait: 2000 },
    { type: `${EDITS[n % EDITS.length]}` },
    { wait: 1200 },
    { keys: CTRL_O },
    { wait: 1500 },
    { keys: CTRL_X },
    { wait: 1500 },
    { type: 'tail -n 3 notes.txt\r' },
    { wait: 3000 },
    { type: 'grep ERROR app.log\r' },
    { wait: 3000 },
    { type: 'uptime\r' },
    { wait: 2500 },
    { type: 'df -h\r' },
    { wait: 3500 },
    { type: 'clear\r' },
    { wait: 2000 },
  ];
}

/** Letters next to each other on a QWERTY keyboard, for the occasional typo. */
const NEIGHBOURS: Record<string, string> = { a: 's', e: 'r', i: 'o', l: 'k', n: 'm', o: 'p', t: 'r', s: 'a', c: 'v', p: 'o' };

/**
 * The keystrokes of round `n`, timed like a person: 60-200 ms a key, longer after a space,
 * a pause before Enter, and now and then a typo fixed with Backspace. Pure.
 */
export function roundKeystrokes(n: number, random: Random): Keystroke[] {
  const out: Keystroke[] = [];
  let carry = 0;
  for (const step of round(n)) {
    if ('wait' in step) {
      carry += step.wait * (0.8 + random() * 0.4);
    } else if ('keys' in step) {
      out.push({ delayMs: Math.round(carry), data: step.keys });
      carry = 0;
    } else {
      for (const ch of step.type) {
        let delay = carry + 60 + random() * 140;
        carry = 0;
        if (ch === '\r') delay += 250 + random() * 400;
        const typo = NEIGHBOURS[ch];
        if (typo && random() < 0.04) {
          out.push({ delayMs: Math.round(delay), data: typo });
          out.push({ delayMs: Math.round(250 + random() * 300), data: '\x7f' });
          delay = 80 + random() * 120;
        }
        out.push({ delayMs: Math.round(delay), data: ch });
        if (ch === ' ') carry = random() * 120;
      }
    }
  }
  return out;
}
