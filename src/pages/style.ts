/**
 * The one stylesheet, served from /assets/style.css and compiled into the binary: a calm card on a
 * quiet background, light and dark (prefers-color-scheme), system fonts only (nothing is fetched),
 * visible focus rings, and colours chosen for WCAG AA contrast in both schemes.
 */
export const STYLESHEET = `
:root {
  color-scheme: light dark;
  --bg: #f3f4f7; --card: #ffffff; --text: #1b1f27; --muted: #545b69; --border: #d9dce3;
  --accent: #2d4fc7; --accent-text: #ffffff; --accent-hover: #213d9e; --focus: #2d4fc7;
  --danger: #b3261e; --danger-bg: #fdeceb; --notice: #8a5a00; --notice-bg: #fff6e0; --ok-bg: #e8f3ec; --ok: #1e6b3a;
  --code-bg: #eef0f4;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111318; --card: #1c1f26; --text: #e7e9ee; --muted: #a9afbc; --border: #343945;
    --accent: #8fa8ff; --accent-text: #0e1430; --accent-hover: #b3c4ff; --focus: #b3c4ff;
    --danger: #ffb4ab; --danger-bg: #3a1d1b; --notice: #f3c969; --notice-bg: #35290e; --ok-bg: #15301f; --ok: #9fdcb4;
    --code-bg: #272b34;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
.page { max-width: 34rem; margin: 0 auto; padding: 2.5rem 1rem 3rem; }
.masthead { display: flex; align-items: center; justify-content: space-between; flex-wrap: wrap; gap: .5rem;
  margin-bottom: 1.25rem; }
.brand { display: inline-flex; align-items: center; gap: .6rem; color: var(--text); text-decoration: none;
  font-weight: 650; font-size: 1.1rem; }
.brand img { width: 32px; height: 32px; object-fit: contain; }
.who { margin: 0; color: var(--muted); font-size: .9rem; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 1.75rem 1.5rem;
  box-shadow: 0 1px 2px rgb(0 0 0 / .06), 0 4px 16px rgb(0 0 0 / .04); }
h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; line-height: 1.3; margin: 1.5rem 0 .5rem; }
p { margin: .75rem 0; }
a { color: var(--accent); text-underline-offset: 2px; }
a:hover { color: var(--accent-hover); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
.lead { display: flex; align-items: center; gap: .75rem; padding: .75rem; margin: 0 0 1.25rem;
  background: var(--code-bg); border-radius: 8px; }
.lead p { margin: 0; }
.lead img { width: 40px; height: 40px; object-fit: contain; border-radius: 8px; flex: none; }
.lead .host { color: var(--muted); font-size: .9rem; }
.field { margin-top: 1rem; }
label { display: block; font-weight: 600; margin-bottom: .3rem; }
input[type=text], input[type=password], input[type=email] { width: 100%; padding: .6rem .7rem; font: inherit;
  color: var(--text); background: var(--card); border: 1px solid var(--border); border-radius: 8px; }
input:focus-visible { border-color: var(--focus); }
.field.invalid input { border-color: var(--danger); }
.field-error { color: var(--danger); margin: .35rem 0 0; font-size: .92rem; }
.actions { display: flex; flex-wrap: wrap; gap: .6rem; margin-top: 1.5rem; }
button { font: inherit; font-weight: 600; padding: .6rem 1.25rem; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--border); background: var(--card); color: var(--text); }
button:hover { background: var(--code-bg); }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
button.primary:hover { background: var(--accent-hover); border-color: var(--accent-hover); }
.actions button.primary { flex: 1 1 auto; }
ul.scopes li form { display: inline; margin-left: .4rem; }
ul.scopes li form button { padding: .25rem .8rem; font-size: .9rem; }
.error { color: var(--danger); background: var(--danger-bg); border-radius: 8px; padding: .6rem .8rem; }
.notice { color: var(--text); background: var(--notice-bg); border-left: 4px solid var(--notice); border-radius: 8px;
  padding: .6rem .8rem; }
.status { background: var(--ok-bg); border-left: 4px solid var(--ok); border-radius: 8px; padding: .6rem .8rem; }
ul.scopes { padding-left: 0; list-style: none; }
ul.scopes li { margin: .4rem 0; padding: .5rem .7rem; border: 1px solid var(--border); border-radius: 8px; }
ul.links { padding-left: 1.1rem; }
ul.links li { margin: .35rem 0; }
code { font-size: .92em; background: var(--code-bg); padding: .05rem .3rem; border-radius: 4px; }
.card > nav ul { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; padding: 0; margin: -.5rem 0 1.25rem;
  border-bottom: 1px solid var(--border); }
.card > nav a { display: block; padding: .4rem .6rem; font-size: .92rem; text-decoration: none; color: var(--muted);
  border-radius: 6px 6px 0 0; }
.card > nav a[aria-current=page] { color: var(--text); font-weight: 600; box-shadow: inset 0 -2px 0 var(--accent); }
.muted { color: var(--muted); }
label.check { display: block; font-weight: 400; margin: .4rem 0; }
.hint { color: var(--muted); font-size: .9rem; margin: 0 0 .35rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap; }
select, input[type=number] { font: inherit; color: var(--text); background: var(--card); padding: .5rem .6rem;
  border: 1px solid var(--border); border-radius: 8px; }
fieldset { border: 1px solid var(--border); border-radius: 8px; margin: 1rem 0 0; padding: .5rem .9rem .9rem; }
legend { font-weight: 600; padding: 0 .3rem; }
table { width: 100%; border-collapse: collapse; margin: .75rem 0; font-size: .92rem; }
th, td { text-align: left; padding: .45rem .4rem; border-bottom: 1px solid var(--border); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
form > label:not(:first-child) { margin-top: 1rem; }
`

/** The built-in logo (served at /assets/logo when no `--logo` is given): a key in a rounded square. */
export const DEFAULT_LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img"
 aria-label="Latchkey">
<rect width="64" height="64" rx="14" fill="#2d4fc7"/>
<circle cx="24" cy="32" r="11" fill="none" stroke="#ffffff" stroke-width="6"/>
<path d="M35 32h19M47 32v8M54 32v6" fill="none" stroke="#ffffff" stroke-width="6" stroke-linecap="round"/>
</svg>
`
