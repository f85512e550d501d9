/** The one stylesheet, served from /assets/style.css and compiled into the binary. */
export const STYLESHEET = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { margin: 0; display: flex; justify-content: center; }
main { max-width: 28rem; width: 100%; padding: 2rem 1.25rem; }
h1 { font-size: 1.4rem; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
button { margin-top: 1.25rem; margin-right: .5rem; padding: .5rem 1.25rem; font-size: 1rem; cursor: pointer; }
.error { border-left: 4px solid #c0392b; padding: .25rem .75rem; }
.notice { border-left: 4px solid #d4a017; padding: .25rem .75rem; }
ul.scopes li { margin: .25rem 0; }
code { font-size: .95em; }
`
