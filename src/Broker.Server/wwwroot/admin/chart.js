// Tiny SVG line charts: one polyline per node, scaled to the largest value shown. No dependencies.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 80;
export const COLORS = ['#2f6fdb', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#0b7285'];

/**
 * Draws `lines` ([{ color, points: [[unixMs, value], ...] }]) into `svg`, sharing one time axis.
 * @param {SVGSVGElement} svg
 * @param {{color: string, points: number[][]}[]} lines
 */
export function drawChart(svg, lines) {
  svg.replaceChildren();
  const all = lines.flatMap((line) => line.points);
  if (all.length === 0) return;
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(...all.map((p) => p[0]));
  const max = Math.max(1e-9, ...all.map((p) => p[1]));
  const x = (t) => (t1 === t0 ? WIDTH : ((t - t0) / (t1 - t0)) * WIDTH);
  const y = (v) => HEIGHT - 4 - (v / max) * (HEIGHT - 14);
  for (const line of lines) {
    if (line.points.length === 0) continue;
    const polyline = document.createElementNS(SVG, 'polyline');
    polyline.setAttribute('points', line.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
    polyline.setAttribute('stroke', line.color);
    svg.append(polyline);
  }
  const label = document.createElementNS(SVG, 'text');
  label.setAttribute('x', '2');
  label.setAttribute('y', '9');
  label.textContent = `max ${formatNumber(max)}`;
  svg.append(label);
}

/** 1234 → "1,234"; 12.345 → "12.3". */
export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Math.abs(value) >= 100 || Number.isInteger(value)
    ? Math.round(value).toLocaleString('en-US')
    : value.toFixed(1);
}
