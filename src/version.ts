import fs from 'node:fs';

/** This build's version, as package.json says. */
export const BUILD_VERSION: string = (
  JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
