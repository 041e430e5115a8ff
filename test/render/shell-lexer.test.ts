import assert from 'node:assert/strict';
import { shellContexts } from '../../runner/render/shell-lexer';

describe('render: the shell lexer', () => {
  it('tells the contexts apart', () => {
    const text = `a X "X $(X) \\"X" 'X' # X`;
    const at = [...text.matchAll(/X/g)].map((m) => m.index as number);
    assert.deepEqual(shellContexts(text, at, () => 1), ['unquoted', 'double', 'unquoted', 'double', 'single', 'comment']);
  });

  it('with a length of 0, reads the characters it is asked about (quotes open and close there)', () => {
    const text = `a 'b' "c" # d`;
    const at = [...text.matchAll(/['"#d]/g)].map((m) => m.index as number);
    assert.deepEqual(shellContexts(text, [...at, text.length], () => 0), ['unquoted', 'single', 'unquoted', 'double', 'unquoted', 'comment', 'unquoted']);
    assert.deepEqual(shellContexts(`a 'b`, [4], () => 0), ['single'], 'the end of a text with an open quote');
  });
});
