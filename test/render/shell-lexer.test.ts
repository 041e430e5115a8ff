import assert from 'node:assert/strict';
import { isCompoundCommand, shellContexts } from '../../runner/render/shell-lexer';

describe('render: the shell lexer', () => {
  it('tells the contexts apart', () => {
    const text = `a X "X $(X) \\"X" 'X' # X`;
    const at = [...text.matchAll(/X/g)].map((m) => m.index as number);
    assert.deepEqual(shellContexts(text, at, () => 1), ['unquoted', 'double', 'unquoted', 'double', 'single', 'comment']);
  });

  it('sees operators, comments and line breaks outside quotes only', () => {
    for (const c of ['a; b', 'a && b', 'a | b', 'a & b', 'a # c', 'a\nb', "a 'x' ; b", 'a `b;c`', "a $'x;y'"]) assert.equal(isCompoundCommand(c), true, c);
    for (const c of ['a b', "sh -c 'a; b | c & d # e'", 'echo "x;y&z|w#v"', 'workflow_man.sh', "a 'it''s'"]) assert.equal(isCompoundCommand(c), false, c);
  });
});
