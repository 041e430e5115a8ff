// The options of `shifterflow run`, read by run-command.ts and by the dry run's fast path
// (dry-run-command.ts), which must read a command line exactly as the run does.

export const RUN_OPTIONS = {
  profile: { type: 'string' },
  job: { type: 'string', multiple: true },
  detach: { type: 'boolean' },
  json: { type: 'boolean' },
  resume: { type: 'string' },
  'poll-ms': { type: 'string' },
  fresh: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'no-image-check': { type: 'boolean' },
} as const;
