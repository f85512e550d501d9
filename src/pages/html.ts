/**
 * @module
 * A tiny escaping template: every interpolated value is HTML-escaped (Bun.escapeHTML) unless it is
 * itself the output of `html`. Pages are small, server-rendered and need no JavaScript.
 */
const SAFE = Symbol('safe-html')
export interface SafeHtml {
  readonly [SAFE]: true
  readonly value: string
}

function isSafe(v: unknown): v is SafeHtml {
  return typeof v === 'object' && v !== null && SAFE in v
}

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return ''
  if (Array.isArray(v)) return v.map(render).join('')
  if (isSafe(v)) return v.value
  return Bun.escapeHTML(String(v))
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!
  })
  return { [SAFE]: true, value: out }
}

export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title === 'Latchkey' ? title : `${title} · Latchkey`}</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`.value
}

export function hiddenFields(fields: Record<string, string | undefined>): SafeHtml {
  return html`${Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">\n`)}`
}
