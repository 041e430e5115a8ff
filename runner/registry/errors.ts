// What goes wrong when reading an image from its registry, worded for the person who can fix it:
// the image name, the registry, what it answered and what to do. A UserError, so the CLI prints the
// message alone (never a stack trace). Messages never contain a credential: they are built from the
// reference and the registry's status, not from request headers.

import { UserError } from '../user-error';

export type RegistryProblem =
  /** No such repository or tag (HTTP 404). */
  | 'not-found'
  /** The registry refused the request (HTTP 401/403), with or without credentials. */
  | 'refused'
  /** The registry could not be reached or the connection broke. */
  | 'network'
  /** A manifest, index or config the client cannot use (schema 1, no linux/amd64, bad JSON). */
  | 'unsupported'
  /** A layer whose bytes do not match its digest, or that does not decompress or parse as tar. */
  | 'broken-layer'
  /** Any other answer of the registry (HTTP 5xx, unexpected status). */
  | 'registry';

export class RegistryError extends UserError {
  constructor(
    message: string,
    readonly problem: RegistryProblem,
    /** The HTTP status, when the registry answered. */
    readonly status?: number,
  ) {
    super(message, 1);
    this.name = 'RegistryError';
  }
}
