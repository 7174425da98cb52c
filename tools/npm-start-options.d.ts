/** The Node options of `npm start` (package.json: `node <options> bin/tributary.js`). */
export function npmStartNodeOptions(repoRoot: string): string[];
