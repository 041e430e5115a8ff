#!/usr/bin/env node
'use strict';
// dist/cli.js, started with a per-user V8 code cache (bin/compile-cache.js): the same as
// require('../dist/cli.js'), only faster from the second start of a command on.
require('./compile-cache.js').load(require('path').join(__dirname, '..', 'dist', 'cli.js'), process.argv[2]);
