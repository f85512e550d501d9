/**
 * @module
 * What a CLI command may touch of the outside world. `runCli` takes it as an argument, so tests run
 * every command in-process with their own output buffers, standard input, environment and folder;
 * `processIO()` is the real process, used by src/main.ts.
 */

export interface Output {
  write(text: string): void
}

/** Standard input: read whole when it is a pipe or a file; typed into with echo off when it is a terminal. */
export interface Input {
  readonly isTTY: boolean
  /** Everything until end of input (pipes and files). */
  text(): Promise<string>
  /** Terminal only: turns raw mode (no echo, no line editing) on or off. */
  setRawMode?(on: boolean): void
  /** Terminal only: the characters as they are typed. */
  chunks?(): AsyncIterable<string>
}

export interface CliIO {
  stdout: Output
  stderr: Output
  stdin: Input
  env: Record<string, string | undefined>
  /** Relative paths (--db, --to, --from, --config) are resolved against it. */
  cwd: string
}

export function processIO(): CliIO {
  const stdin = process.stdin
  return {
    stdout: { write: (text) => void process.stdout.write(text) },
    stderr: { write: (text) => void process.stderr.write(text) },
    stdin: {
      isTTY: !!stdin.isTTY,
      text: () => Bun.stdin.text(),
      setRawMode: (on) => void stdin.setRawMode?.(on),
      chunks: () => keyPresses(stdin),
    },
    env: process.env,
    cwd: process.cwd(),
  }
}

/** What is typed on a terminal, chunk by chunk; stops listening (so the process can exit) when the reader is done. */
async function* keyPresses(stdin: NodeJS.ReadStream): AsyncGenerator<string> {
  const queue: string[] = []
  let ended = false
  let wake: (() => void) | undefined
  const onData = (chunk: Buffer | string) => {
    queue.push(String(chunk))
    wake?.()
  }
  const onEnd = () => {
    ended = true
    wake?.()
  }
  stdin.setEncoding('utf8')
  stdin.on('data', onData)
  stdin.once('end', onEnd)
  stdin.resume()
  try {
    while (true) {
      if (queue.length) yield queue.shift()!
      else if (ended) return
      else await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    stdin.off('data', onData)
    stdin.off('end', onEnd)
    stdin.pause()
  }
}
