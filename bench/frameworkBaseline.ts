/**
 * bench:story's baseline: the same story built as a static page with Observable Framework
 * (`@observablehq/framework`, a dev dependency). Offline it builds when Plot is imported from
 * node_modules (its default `npm:` imports come from jsDelivr, which is unreachable here). The page
 * has the story's title and summary, and the same five charts drawn by Plot in the browser from
 * the story's published CSVs (FileAttachments) and the Seoul district boundaries — what an analyst
 * would publish with Framework. Built inside the repo (so node_modules resolves), served by a
 * small static server on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);

export interface FrameworkFigure {
  /** File name of the figure's data: the story's CSV (exactly the published numbers) as JSON rows. */
  file: string;
  rows: Array<Record<string, string | number | null>>;
  /** The Plot call for it, given `data` (and `seoul` for maps). */
  plot: string;
}

export interface FrameworkSite {
  url: string;
  close(): Promise<void>;
}

export async function buildFrameworkSite(input: { title: string; summary: string; figures: FrameworkFigure[] }): Promise<FrameworkSite> {
  const project = path.join(benchDir, '.framework');
  await rm(project, { recursive: true, force: true });
  const src = path.join(project, 'src');
  await mkdir(src, { recursive: true });
  for (const f of input.figures) await writeFile(path.join(src, f.file), JSON.stringify(f.rows));
  await copyFile(path.join(repoRoot, 'shared/geo/seoulGu.json'), path.join(src, 'seoul-gu.json'));
  const cells = input.figures.map((f, i) => [
    '```js',
    // JSON, not `.csv()`: Framework's CSV reader is d3-dsv from jsDelivr, unreachable offline.
    `const data${i} = await FileAttachment(${JSON.stringify(f.file)}).json();`,
    '```',
    '',
    '```js',
    `display(((data, seoul) => ${f.plot})(data${i}, seoul));`,
    '```',
  ].join('\n'));
  const md = [
    `# ${input.title}`,
    '',
    input.summary,
    '',
    '```js',
    'import * as Plot from "@observablehq/plot";',
    'const seoul = await FileAttachment("seoul-gu.json").json();',
    '```',
    '',
    ...cells,
    '',
  ].join('\n');
  await writeFile(path.join(src, 'index.md'), md);
  await writeFile(path.join(project, 'observablehq.config.js'), `export default {root: "src", title: ${JSON.stringify(input.title)}, sidebar: false, pager: false, search: false};\n`);
  const built = spawnSync(path.join(repoRoot, 'node_modules/.bin/observable'), ['build'], { cwd: project, encoding: 'utf8' });
  if (built.status !== 0) {
    await rm(project, { recursive: true, force: true });
    throw new Error(`Observable Framework build failed:\n${built.stdout}\n${built.stderr}`);
  }
  const app = Fastify();
  await app.register(fastifyStatic, { root: path.join(project, 'dist'), extensions: ['html'] });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `${address}/`,
    async close() {
      await app.close();
      await rm(project, { recursive: true, force: true });
    },
  };
}
