#!/usr/bin/env node
'use strict';
// dist/cli.js, started with a per-user V8 code cache (bin/compile-cache.js): the same as
// require('../dist/cli.js'), only faster from the second start of a command on. Not for `run` and
// `logs`: they follow jobs for minutes or hours, so 20 ms at start mean nothing, and making the cache
// at exit (every function a long run compiled) would be their memory peak (bench P6).
const bundle = require('path').join(__dirname, '..', 'dist', 'cli.js');
const command = process.argv[2];
if (command === 'run' || command === 'logs') require(bundle);
else require('./compile-cache.js').load(bundle, command);
