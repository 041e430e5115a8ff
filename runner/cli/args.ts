// Thin wrapper over node:util parseArgs that turns its exceptions into usage errors.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../user-error';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n\n${usage}`);
  }
}
