import { main } from './commands';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Only a bug in shifterflow reaches here: user errors are reported by the commands themselves.
    process.stderr.write(`shifterflow: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
