/**
 * A small reader of the project's own Markdown (CommonMark fenced code blocks, inline
 * links, ATX headings and GitHub's heading anchors), for the docs tests only.
 */

/** A fenced code block: `line` is the 1-based line of the opening fence. */
export interface CodeBlock {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  /** The reason from a `<!-- not run: REASON -->` comment on the line before the fence. */
  readonly notRun?: string;
  /** Marked `<!-- prelude: … -->`: every later block of the same file starts with this one's code. */
  readonly prelude?: boolean;
}

/** An inline link `[text](target)` outside code, with its 1-based line. */
export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const NOT_RUN = /^\s*<!--\s*not run:\s*(.+?)\s*-->\s*$/;
const PRELUDE = /^\s*<!--\s*prelude\b.*-->\s*$/;

/** Every fenced code block of `markdown` (an unclosed fence runs to the end, as in CommonMark). */
export function codeBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] ?? '';
    const lang = (open[2] ?? '').toLowerCase();
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]?.[0] === fence[0] && (close[1]?.length ?? 0) >= fence.length) break;
      body.push(line);
    }
    // The markers sit on the lines right before the fence, in any order.
    let notRun: string | undefined;
    let prelude = false;
    for (let j = start - 1; j >= 0; j--) {
      const marker = lines[j] ?? '';
      const reason = NOT_RUN.exec(marker)?.[1];
      if (reason !== undefined) notRun = reason;
      else if (PRELUDE.test(marker)) prelude = true;
      else break;
    }
    blocks.push({ file, line: start + 1, lang, code: body.join('\n'), ...(notRun === undefined ? {} : { notRun }), ...(prelude ? { prelude } : {}) });
  }
  return blocks;
}

/** The lines of `markdown` with every fenced block (fences included) blanked, so line numbers hold. */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split(/\r?\n/).map((line) => {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (f !== undefined && f[0] === fence[0] && f.length >= fence.length && /^ {0,3}[`~]+\s*$/.test(line)) fence = undefined;
      return '';
    }
    if (f !== undefined) fence = f;
    return f === undefined ? line : '';
  });
}

/** Every inline link and image target of `markdown` outside code. */
export function links(markdown: string, file: string): Link[] {
  const found: Link[] = [];
  proseLines(markdown).forEach((prose, i) => {
    const line = prose.replace(/(`+)[^`]*?\1/g, '');
    for (const m of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      found.push({ file, line: i + 1, target: m[1] ?? '' });
    }
  });
  return found;
}

/**
 * The anchors GitHub gives the headings of `markdown`: lower case, punctuation other
 * than `-` and `_` removed, spaces to `-`, and `-1`, `-2` … for repeats.
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = (m[1] ?? '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase();
    const base = text.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}
