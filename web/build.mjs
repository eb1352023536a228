// Builds the dashboard into OUT_DIR: src/main.js and its imports bundled by esbuild into app.js
// (minified, with app.js.map), beside index.html, style.css and the static assets.
//   node build.mjs OUT_DIR
// Exits 1 with a message on any error; nothing is fetched from the network.

import { build } from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const STATIC_FILES = ['index.html', 'style.css', 'favicon.svg'];

function fail(message) {
  console.error(`build.mjs: error: ${message}`);
  process.exit(1);
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0].startsWith('-')) fail('usage: node build.mjs OUT_DIR');
  const out = path.resolve(args[0]);
  await mkdir(out, { recursive: true }).catch((error) => fail(`cannot create ${out}: ${error.message}`));

  try {
    await build({
      entryPoints: [path.join(here, 'src', 'main.js')],
      outfile: path.join(out, 'app.js'),
      bundle: true,
      minify: true,
      sourcemap: true,
      format: 'iife',
      target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
      legalComments: 'eof',
      logLevel: 'silent',
      absWorkingDir: here,
    });
  } catch (error) {
    const messages = (error.errors || []).map((e) =>
      (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text));
    fail(`bundling src/main.js failed:\n  ${messages.join('\n  ') || error.message}`);
  }

  for (const file of STATIC_FILES) {
    await copyFile(path.join(here, file), path.join(out, file))
      .catch((error) => fail(`cannot copy ${file}: ${error.message}`));
  }
  const size = (await stat(path.join(out, 'app.js'))).size;
  console.log(`build.mjs: wrote ${out}/app.js (${Math.round(size / 1024)} KiB) and ${STATIC_FILES.join(', ')}`);
}

main().catch((error) => fail(error.message));
