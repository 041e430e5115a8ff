#!/usr/bin/env node
'use strict';
// dist/cli.js, started with a per-user V8 code cache (bin/compile-cache.js): the same as
// require('../dist/cli.js'), only faster from the second start of a command on. Not for `run` and
// `logs`: they follow jobs for minutes or hours, so 20 ms at start mean nothing, and making the cache
// at exit (every function a long run compiled) would be their memory peak (bench P6). `run --dry-run`
// is a short command (it decides and exits, bench P7; the extension's CodeLens starts it on edits):
// it has its cache, under its own name.
const bundle = require('path').join(__dirname, '..', 'dist', 'cli.js');
const [command, ...rest] = process.argv.slice(2);
const dryRun = command === 'run' && rest.includes('--dry-run') && !rest.slice(0, rest.indexOf('--dry-run')).includes('--');
if (dryRun) require('./compile-cache.js').load(bundle, 'run-dry-run');
else if (command === 'run' || command === 'logs') require(bundle);
else require('./compile-cache.js').load(bundle, command);
