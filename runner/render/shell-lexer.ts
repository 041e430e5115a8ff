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
    const c = text[i];
    // Two characters only where they can matter: a slice per character is most of the lexer's time.
    const c2 = c === '$' || c === '<' ? text.slice(i, i + 2) : c;
    const f = top();
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
