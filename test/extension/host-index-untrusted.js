// extensionTestsPath of the untrusted-workspace session (see host-index.js).
'use strict';
const { runSuites } = require('./host-index');
module.exports = { run: () => runSuites('untrusted') };
