/**
 * The bench's chart as a standalone SVG: wall time (against the floor) and prompt tokens
 * (against the reviewable diff's tokens), each over pull-request size on a log scale.
 */

interface Point {
  readonly files: number
  readonly wallMs: number
  readonly floorMs: number
  readonly promptTokens: number
  readonly diffTokens: number
}

interface Series {
  readonly label: string
  readonly color: string
  readonly dashed?: boolean
  readonly values: readonly number[]
}

const WIDTH = 360
const HEIGHT = 240
const PAD = { left: 62, right: 16, top: 34, bottom: 40 }

function panel(
  x0: number,
  title: string,
  unit: (v: number) => string,
  sizes: readonly number[],
  series: readonly Series[]
): string {
  const w = WIDTH - PAD.left - PAD.right
  const h = HEIGHT - PAD.top - PAD.bottom
  const logs = sizes.map((s) => Math.log10(s))
  const minX = Math.min(...logs)
  const maxX = Math.max(...logs)
  const maxY = Math.max(...series.flatMap((s) => s.values)) * 1.1 || 1
  const px = (v: number): number =>
    x0 + PAD.left + (maxX === minX ? w / 2 : ((Math.log10(v) - minX) / (maxX - minX)) * w)
  const py = (v: number): number => PAD.top + h - (v / maxY) * h
  const parts = [
    `<text x="${x0 + WIDTH / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`,
    `<line x1="${x0 + PAD.left}" y1="${PAD.top + h}" x2="${x0 + PAD.left + w}" y2="${PAD.top + h}" stroke="#888"/>`,
    `<line x1="${x0 + PAD.left}" y1="${PAD.top}" x2="${x0 + PAD.left}" y2="${PAD.top + h}" stroke="#888"/>`
  ]
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i
    parts.push(
      `<text x="${x0 + PAD.left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="10">${unit(v)}</text>`,
      `<line x1="${x0 + PAD.left}" y1="${py(v)}" x2="${x0 + PAD.left + w}" y2="${py(v)}" stroke="#eee"/>`
    )
  }
  for (const s of sizes) {
    parts.push(
      `<text x="${px(s)}" y="${PAD.top + h + 16}" text-anchor="middle" font-size="10">${s.toLocaleString('en-US')}</text>`
    )
  }
  parts.push(
    `<text x="${x0 + PAD.left + w / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="10">files in the pull request (log scale)</text>`
  )
  series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${px(sizes[i] ?? 1)},${py(v)}`).join(' ')
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''} points="${points}"/>`,
      ...s.values.map(
        (v, i) => `<circle cx="${px(sizes[i] ?? 1)}" cy="${py(v)}" r="3" fill="${s.color}"/>`
      ),
      `<text x="${x0 + PAD.left + 8}" y="${PAD.top + 12 + k * 14}" font-size="11" fill="${s.color}">${s.label}</text>`
    )
  })
  return parts.join('\n')
}

export function chart(unordered: readonly Point[]): string {
  const points = [...unordered].sort((a, b) => a.files - b.files)
  const sizes = points.map((p) => p.files)
  const seconds = (v: number): string => `${(v / 1000).toFixed(1)} s`
  const tokens = (v: number): string =>
    v >= 1000 ? `${Math.round(v / 1000)}k` : String(Math.round(v))
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    panel(0, 'Wall time', seconds, sizes, [
      { label: 'run', color: '#0969da', values: points.map((p) => p.wallMs) },
      {
        label: 'floor: model rounds and two GitHub round trips',
        color: '#8c959f',
        dashed: true,
        values: points.map((p) => p.floorMs)
      }
    ]),
    panel(WIDTH, 'Prompt tokens', tokens, sizes, [
      { label: 'prompt tokens', color: '#cf222e', values: points.map((p) => p.promptTokens) },
      {
        label: 'reviewable diff tokens',
        color: '#8c959f',
        dashed: true,
        values: points.map((p) => p.diffTokens)
      }
    ]),
    '</svg>',
    ''
  ].join('\n')
}
