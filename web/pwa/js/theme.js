// Telegram's colours (Telegram.WebApp.themeParams) mapped onto the design's six tokens, each
// moved just enough towards white or black to keep WCAG AA wherever app.css uses it:
//   --ink on --bg and --surface: 7:1 (the body text; leaves room for an accent between them)
//   --muted, --accent-ink on --bg and --surface: 4.5:1 (small text)
//   --accent: 4.5:1 with --ink (small text on ink, ink text on accent), 3:1 on --bg (shapes,
//   large text).
// Colours that cannot be made to fit leave the design's own palette in place.

const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const STEPS = 200;

export const DESIGN = {
  bg: "#F5F1EA",
  ink: "#0F0F0F",
  surface: "#FFFFFF",
  muted: "#6B665C",
  accent: "#F5451A",
  "accent-ink": "#B02E0B",
};

export function parse(color) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(color || "").trim());
  if (!m) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

export const hex = (rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`.toUpperCase();

function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/** `rgb`, or the nearest colour towards white or black that meets every [against, ratio]. */
export function fit(rgb, rules) {
  if (!rgb) return null;
  const ok = (c) => rules.every(([against, ratio]) => contrast(c, against) >= ratio);
  for (let i = 0; i <= STEPS; i++) {
    for (const target of [WHITE, BLACK]) {
      const candidate = mix(rgb, target, i / STEPS).map(Math.round);
      if (ok(candidate)) return candidate;
    }
  }
  return null;
}

const isDark = (rgb) => luminance(rgb) < 0.18;

/** The six tokens for Telegram's `params`, as #RRGGBB; null: keep the design's palette. */
export function tokensFor(params = {}) {
  const bg = parse(params.bg_color);
  if (!bg) return null;
  const extreme = isDark(bg) ? WHITE : BLACK;
  // With Telegram's text colour first; if no accent fits between it and the background, with
  // the most contrasted ink there is.
  return tokensWith(params, bg, parse(params.text_color) || extreme) || tokensWith(params, bg, extreme);
}

function tokensWith(params, bg, text) {
  const ink = fit(text, [[bg, 7]]);
  if (!ink) return null;
  const surface = fit(parse(params.secondary_bg_color) || parse(params.section_bg_color) || bg, [[ink, 7]]) || bg;
  const small = [[bg, 4.5], [surface, 4.5]];
  const muted = fit(parse(params.hint_color) || parse(params.subtitle_text_color) || mix(ink, bg, 0.4), small);
  const accentInk = fit(parse(params.accent_text_color) || parse(params.link_color) || parse(DESIGN["accent-ink"]), small);
  const accentRules = [[ink, 4.5], [bg, 3]];
  const accent = fit(parse(params.button_color), accentRules) || fit(parse(DESIGN.accent), accentRules);
  if (!muted || !accentInk || !accent) return null;
  return {
    bg: hex(bg),
    ink: hex(ink),
    surface: hex(surface),
    muted: hex(muted),
    accent: hex(accent),
    "accent-ink": hex(accentInk),
    scheme: isDark(bg) ? "dark" : "light",
  };
}

/** Put `tokens` (from tokensFor) on the page: CSS variables, color-scheme, theme-color. */
export function applyTokens(tokens) {
  const root = document.documentElement;
  for (const name of Object.keys(DESIGN)) root.style.setProperty(`--${name}`, tokens[name]);
  root.style.colorScheme = tokens.scheme;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", tokens.scheme);
  document.querySelector('meta[name="theme-color"]')?.setAttribute("content", tokens.bg);
}
