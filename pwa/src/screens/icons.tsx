// The app's icons, drawn inline as SVG: no emoji or symbol glyph the UI relies on, so nothing
// renders as an empty box on a phone without an emoji font. Decorative (aria-hidden): the
// control carrying an icon names itself (text or aria-label). Used by both pages.
import type { ComponentChildren } from 'preact'

interface IconProps {
  /** Edge length in px (the icon scales with its viewBox). */
  size?: number
}

function Svg({ size = 20, children }: IconProps & { children: ComponentChildren }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false">
      <g fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
        {children}
      </g>
    </svg>
  )
}

/** A chevron pointing back (left). */
export const BackIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M15 5l-7 7 7 7" />
  </Svg>
)

/** A check mark: something is done (a logged visit). */
export const CheckIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M5 12.5l4.5 4.5L19 7.5" />
  </Svg>
)

/** A thumb up ("helped"), or down with `down`. */
export const ThumbIcon = ({ down, ...p }: IconProps & { down?: boolean }) => (
  <Svg {...p}>
    <g transform={down ? 'rotate(180 12 12)' : undefined}>
      <path d="M7 11v9H4v-9h3zm0 0 4-8c1.7 0 2.5 1 2.2 2.6L12.6 9H19c1.2 0 2 1.1 1.7 2.3l-1.8 7C18.7 19.3 17.9 20 17 20H7" />
    </g>
  </Svg>
)

/** A small triangle for a sorted column: pointing down (descending) or up. */
export const SortIcon = ({ desc, ...p }: IconProps & { desc: boolean }) => (
  <Svg size={14} {...p}>
    <path d={desc ? 'M6 9l6 7 6-7z' : 'M6 15l6-7 6 7z'} fill="currentColor" />
  </Svg>
)
