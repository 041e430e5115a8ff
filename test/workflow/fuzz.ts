// Seeded mutations of workflow files, shared by the fuzz test (quick) and bench/fuzz (long).

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [':', '-', ' ', '  ', '\n', '"', "'", '{', '}', '[', ']', ',', '$', '#', '&a', '*a', '\t', '|', '>', '?', '!', '%', '@', '`', '\\', '\r\n',
  'jobs:', 'needs: [x]', 'image: nope', 'volumes: [data]', '/etc', '$HOME', '${{ matrix.x }}', '0', '-1', 'true', 'null', '~', '..', '\u00e9', '\u0000'];

export function mutate(text: string, random: () => number, rounds = 1 + Math.floor(random() * 4)): string {
  let t = text;
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(random() * (t.length + 1));
    const lines = t.split('\n');
    const li = Math.floor(random() * lines.length);
    switch (Math.floor(random() * 7)) {
      case 0: t = t.slice(0, at) + t.slice(at + 1 + Math.floor(random() * 8)); break;
      case 1: t = t.slice(0, at) + TOKENS[Math.floor(random() * TOKENS.length)] + t.slice(at); break;
      case 2: lines.splice(li, 0, lines[Math.floor(random() * lines.length)]); t = lines.join('\n'); break;
      case 3: lines.splice(li, 1); t = lines.join('\n'); break;
      case 4: lines[li] = (random() < 0.5 ? ' ' : '') + lines[li].replace(/^ /, random() < 0.5 ? '' : ' '); t = lines.join('\n'); break;
      case 5: { const lj = Math.floor(random() * lines.length); [lines[li], lines[lj]] = [lines[lj], lines[li]]; t = lines.join('\n'); break; }
      default: lines[li] = lines[li].replace(/: .*$/, `: ${TOKENS[Math.floor(random() * TOKENS.length)]}`); t = lines.join('\n');
    }
  }
  return t;
}
