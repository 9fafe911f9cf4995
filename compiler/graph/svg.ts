// A laid-out model graph as a standalone SVG document. Classes and data- attributes name what
// each element is (layer boxes, model groups, edges), for styling and for tests.
import type { ModelIR } from '../ir.js';
import { modelGraph } from './boxes.js';
import { CHAR_WIDTH, FONT_SIZE, LINE_HEIGHT, PAD, groupTitleLines, layoutGraph, type Layout, type PlacedBox, type PlacedGroup } from './layout.js';

const MARGIN = 12;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => String(Math.round(v * 10) / 10);

const STYLE = `
  text { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: ${FONT_SIZE}px; fill: #1f2328; }
  .layer rect { fill: #eef4fb; stroke: #4a76a8; stroke-width: 1; }
  .layer.input rect { fill: #eaf6ec; stroke: #3f8f4f; }
  .layer.output rect { stroke-width: 2.5; }
  .layer .title { font-weight: bold; }
  .layer .detail { fill: #57606a; }
  .model > rect { fill: none; stroke: #8c959f; stroke-dasharray: 5 3; }
  .model.root > rect { stroke: #d0d7de; stroke-dasharray: none; }
  .model > text { paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
  .model > .title { font-weight: bold; }
  .model > .params { fill: #57606a; }
  .edge { fill: none; stroke: #57606a; stroke-width: 1.2; marker-end: url(#arrow); }`;

/** One text line, stretched or squeezed to the width the layout gave it: a viewer without
 *  the monospace font still draws every line inside its box. */
function text(cls: string, x: number, y: number, line: string): string {
  return `<text class="${cls}" x="${n(x)}" y="${n(y)}" textLength="${n(line.length * CHAR_WIDTH)}" lengthAdjust="spacingAndGlyphs">${esc(line)}</text>`;
}

function textLines(lines: string[], x: number, y: number, classes: (i: number) => string): string {
  return lines.map((l, i) => text(classes(i), x, y + (i + 1) * LINE_HEIGHT - 4, l)).join('');
}

function groupTitle(p: PlacedGroup): string {
  const { title, params } = groupTitleLines(p.group);
  return textLines([...title, params], p.x + PAD, p.y + PAD / 2, (i) => (i < title.length ? 'title' : 'params'));
}

function boxSvg(p: PlacedBox): string {
  const { box } = p;
  const cls = ['layer', box.kind === 'input' ? 'input' : '', box.output ? 'output' : ''].filter(Boolean).join(' ');
  return `<g class="${cls}" data-kind="${esc(box.kind)}" data-id="${esc(box.id)}">`
    + `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.width)}" height="${n(p.height)}" rx="4"/>`
    + textLines(box.lines, p.x + PAD, p.y + PAD / 2, (i) => (i === 0 ? 'title' : 'detail'))
    + '</g>';
}

function groupSvg(p: PlacedGroup, root: boolean): string {
  return `<g class="model${root ? ' root' : ''}" data-model="${esc(p.group.title)}">`
    + `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.width)}" height="${n(p.height)}" rx="6"/>`
    + groupTitle(p)
    + p.groups.map((g) => groupSvg(g, false)).join('')
    + p.boxes.map(boxSvg).join('')
    + '</g>';
}

export function layoutSvg(layout: Layout): string {
  const width = layout.width + 2 * MARGIN, height = layout.height + 2 * MARGIN;
  const edges = layout.edges.map((e) => `<path class="edge" data-from="${esc(e.from)}" data-to="${esc(e.to)}" d="${e.points.map((p, i) => `${i ? 'L' : 'M'}${n(p.x)} ${n(p.y)}`).join(' ')}"/>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="${n(-MARGIN)} ${n(-MARGIN)} ${n(width)} ${n(height)}">`,
    `<style>${STYLE}\n</style>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#57606a"/></marker></defs>',
    `<rect x="${n(-MARGIN)}" y="${n(-MARGIN)}" width="${n(width)}" height="${n(height)}" fill="#ffffff"/>`,
    // Edges first: frames are unfilled, so they show through, and the frames' titles, drawn
    // later with a halo, stay readable where an edge enters a frame across its title.
    `<g class="edges">${edges.join('')}</g>`,
    groupSvg(layout.root, true),
    '</svg>',
    '',
  ].join('\n');
}

/** The model as an SVG picture (see boxes.ts for what is drawn). */
export async function modelSvg(model: ModelIR): Promise<string> {
  return layoutSvg(await layoutGraph(modelGraph(model)));
}

