/**
 * @module
 * A tiny escaping template: every interpolated value is HTML-escaped (Bun.escapeHTML) unless it is
 * itself the output of `html`. A leaf module, so the message catalogues can build markup too.
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
