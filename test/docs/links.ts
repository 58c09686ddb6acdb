/**
 * Checks the links of the project's Markdown: a relative link names a file or folder that
 * exists, and its `#anchor` (or a same-page `#anchor`) names a heading of the target page.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { headingAnchors, links } from './markdown.js';

/** One problem per broken link, as `FILE:LINE target: why`. */
export function brokenLinks(root: string, file: string): string[] {
  const problems: string[] = [];
  const markdown = readFileSync(join(root, file), 'utf8');
  for (const link of links(markdown, file)) {
    const { target } = link;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      // Absolute links are not fetched (no network in tests); only plain http is refused.
      if (target.startsWith('http:')) problems.push(`${file}:${link.line} ${target}: use https`);
      continue;
    }
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const resolved = path === '' ? join(root, file) : join(root, dirname(file), path);
    if (!existsSync(resolved)) {
      problems.push(`${file}:${link.line} ${target}: no such file`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith('.md') || statSync(resolved).isDirectory()) {
      problems.push(`${file}:${link.line} ${target}: an anchor into a file that is not Markdown`);
      continue;
    }
    if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) problems.push(`${file}:${link.line} ${target}: no heading with that anchor`);
  }
  return problems;
}
