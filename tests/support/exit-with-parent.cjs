/* global setInterval */
// Preloaded (NODE_OPTIONS=--require) into the `npm start` processes a test spawns: each ends when the test
// process does, even when that one dies by a signal and runs no clean-up (Ctrl+C on jest), so no Rapport
// is left running and holding its ports. A parent that is gone leaves the child to another parent.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 500).unref();
