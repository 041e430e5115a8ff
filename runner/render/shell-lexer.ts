// A small bash lexer: the quoting context ('...', "...", unquoted, a comment, or one that cannot be
// told) at given offsets of a user's shell command. It serves the substitution of values into a
// command (shell-quote.ts, substituteInShell) and the reading of a command's form (command-form.ts:
// plain, or for the image's /bin/sh); it quotes nothing itself.

export type ShellContext = 'unquoted' | 'double' | 'single' | 'comment' | 'unknown';

type Frame = 'top' | 'dq' | 'sq' | 'ansi' | 'subst' | 'paren' | 'backtick' | 'brace';

/**
 * The quoting context at each of `positions` (ascending offsets into `text`), read with a small bash
 * lexer. `skip` gives, for an offset where a placeholder starts, its length: placeholders are opaque.
 * A length of 0 observes the character there without skipping it (it is then read as shell).
 */
export function shellContexts(text: string, positions: readonly number[], skip: (at: number) => number): ShellContext[] {
  const out: ShellContext[] = [];
  const stack: Frame[] = ['top'];
  let next = 0;
  let unknownFrom = Infinity;
  let i = 0;
  const top = () => stack[stack.length - 1];
  while (next < positions.length) {
    if (i >= positions[next]) {
      const at = positions[next];
      out.push(at >= unknownFrom || stack.includes('backtick') ? 'unknown' : contextOf(top()));
      next++;
      const length = skip(at);
      if (length > 0) i = at + length;
      continue;
    }
    if (i >= text.length) break;
    const f = top();
    // Characters that cannot change the frame are skipped in one tight loop (commands naming hundreds
    // of paths are read for every job and task of a run, bench P7), up to the next position asked for.
    const special = SPECIAL[f];
    const stop = Math.min(positions[next], text.length);
    while (i < stop) {
      const code = text.charCodeAt(i);
      if (code < 128 && special[code] === 1) break;
      i++;
    }
    if (i >= stop) continue;
    const c = text[i];
    // Two characters only where they can matter: a slice per character is most of the lexer's time.
    const c2 = c === '$' || c === '<' ? text.slice(i, i + 2) : c;
    if (f === 'sq') {
      if (c === "'") stack.pop();
      i++;
    } else if (f === 'ansi') {
      if (c === '\\') i += 2;
      else {
        if (c === "'") stack.pop();
        i++;
      }
    } else if (f === 'dq') {
      if (c === '\\') i += 2;
      else if (c === '"') { stack.pop(); i++; }
      else if (c2 === '$(') { stack.push('subst'); i += 2; }
      else if (c2 === '${') { stack.push('brace'); i += 2; }
      else if (c === '`') { stack.push('backtick'); i++; }
      else i++;
    } else if (f === 'brace') {
      if (c === '\\') i += 2;
      else if (c === '}') { stack.pop(); i++; }
      else {
        if (c === "'" || c === '"' || c === '`' || c2 === '$(' || c2 === '${') unknownFrom = Math.min(unknownFrom, i);
        i++;
      }
    } else if (f === 'backtick' && c === '`') {
      stack.pop();
      i++;
    } else {
      // unquoted-like: top level, $( ), ( ), and (contexts unknown inside) backticks
      if (c === '\\') i += 2;
      else if (c === "'") { stack.push('sq'); i++; }
      else if (c === '"') { stack.push('dq'); i++; }
      else if (c2 === "$'") { stack.push('ansi'); i += 2; }
      else if (c2 === '$(') { stack.push('subst'); i += 2; }
      else if (c2 === '${') { stack.push('brace'); i += 2; }
      else if (c === '`') { stack.push('backtick'); i++; }
      else if (c === '(') { stack.push('paren'); i++; }
      else if (c === ')') {
        if (f === 'subst' || f === 'paren') stack.pop();
        i++;
      } else if (c2 === '<<') { unknownFrom = Math.min(unknownFrom, i); i += 2; }
      else if (c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1]))) {
        const nl = text.indexOf('\n', i);
        // A placeholder inside the comment is still substituted (harmlessly) as a quoted word.
        while (next < positions.length && positions[next] < (nl === -1 ? text.length : nl)) {
          if (positions[next] < i) break;
          out.push(positions[next] >= unknownFrom || stack.includes('backtick') ? 'unknown' : 'comment');
          next++;
        }
        i = nl === -1 ? text.length : nl;
      } else i++;
    }
  }
  while (out.length < positions.length) out.push('unknown');
  return out;
}

/** Per frame, the ASCII characters the lexer acts on there (any other is read past). */
const SPECIAL: Record<Frame, Uint8Array> = {
  top: table('\\\'"$`()<#'),
  subst: table('\\\'"$`()<#'),
  paren: table('\\\'"$`()<#'),
  backtick: table('\\\'"$`()<#'),
  dq: table('\\"$`'),
  sq: table("'"),
  ansi: table("\\'"),
  brace: table('\\}\'"`$'),
};

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
}

function contextOf(f: Frame): ShellContext {
  switch (f) {
    case 'top':
    case 'subst':
    case 'paren':
      return 'unquoted';
    case 'dq':
      return 'double';
    case 'sq':
      return 'single';
    default:
      return 'unknown';
  }
}
