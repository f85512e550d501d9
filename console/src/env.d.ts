// The stylesheet is imported for its side effect: Bun bundles it into console.css.
declare module '*.css'
