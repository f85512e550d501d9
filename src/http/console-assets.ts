/**
 * @module
 * Issue 17: the admin console's files, served at /admin/assets/<name> (http/console.ts). They are the
 * console's bundle (console/src, built by scripts/build-console.ts into console/dist/assets.ts, a generated
 * module holding each file as a string), so `bun build --compile` puts them inside the binary and nothing is
 * read from disk at run time. `consoleAsset(name)` gives a file's body and Content-Type, or undefined for a
 * name the bundle does not have.
 */
import { CONSOLE_ASSETS } from '../../console/dist/assets.ts'

export interface ConsoleAsset {
  body: string | Uint8Array<ArrayBuffer>
  /** The Content-Type header, with a charset for text. */
  type: string
}

export function consoleAsset(name: string): ConsoleAsset | undefined {
  return Object.hasOwn(CONSOLE_ASSETS, name) ? CONSOLE_ASSETS[name] : undefined
}
