import { readFileSync } from 'node:fs';
import { UserError } from '../user-error';

export function readWorkflowFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new UserError(`cannot read ${file}: ${why}`);
  }
}
