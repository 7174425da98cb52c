'use strict';
// The Node options `npm start` runs the broker with (package.json: "node <options> bin/tributary.js").
// Whatever starts the CLI as users do — the build's code-cache step (V8 accepts a code cache only
// under the flags it was made with), the bench, the CLI's end-to-end test — reads them from here.
const fs = require('node:fs');
const path = require('node:path');

function npmStartNodeOptions(repoRoot) {
  const start = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts?.start ?? '';
  const m = /^node\s+(.*?)\s*bin\/tributary\.js\b/.exec(start);
  return m && m[1] ? m[1].split(/\s+/) : [];
}

module.exports = { npmStartNodeOptions };
