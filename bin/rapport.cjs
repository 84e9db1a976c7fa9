#!/usr/bin/env node
// The CLI is TypeScript, run through tsx so that it shares the domain code without a build step.
require('tsx/cjs');
Promise.resolve(require('../cli/main.ts').run(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
});
