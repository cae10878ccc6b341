/**
 * The two pictograms the app needs. Inline SVG: Mantine ships no icons, and Unicode symbols such
 * as ⧉ are missing from many system fonts (they render as empty boxes).
 */
const SVG_PROPS = {
  width: 14,
  height: 14,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
} as const;

export function CopyIcon() {
  return (
    <svg {...SVG_PROPS}>
      <rect x="9" y="9" width="12" height="12" rx="2" />
      <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
    </svg>
  );
}

export function CheckIcon() {
  return (
    <svg {...SVG_PROPS}>
      <path d="M5 12l5 5L20 7" />
    </svg>
  );
}
