// How the CLI process ends, for every command in one place. Node writes to a pipe asynchronously: what does not fit
// the pipe's buffer (64 KiB on Linux) waits in the stream's queue, and `process.exit()` drops that queue. So
// `fieldstation devices --json | consumer` used to hand the consumer the first 65,536 bytes of a larger document,
// while a redirect to a file (written synchronously) was whole. See "A note on process I/O" in Node's process docs.

type Output = NodeJS.WriteStream;

/** Resolves once everything written to `stream` so far has been handed to the OS (or the stream can take no more). */
function written(stream: Output): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  // Writes complete in order, so the callback of an empty write runs after every write queued before it.
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/**
 * A reader that stops reading (`fieldstation devices | head -1`) closes the pipe; the next write fails with EPIPE
 * and Node would print that as an unhandled 'error' with a stack trace. Whoever closed the pipe wanted no more, so
 * the command ends quietly, as `git log | head -1` does.
 */
export function endQuietlyWhenReaderGoes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      // Anything else (a full disk behind a redirect): one plain line where it can still be read, never a stack.
      if (stream === process.stdout) process.stderr.write(`fieldstation: cannot write the output: ${err.message}\n`);
      process.exit(1);
    });
  }
}

/**
 * Ends the process with `code` once stdout and stderr have delivered everything written to them. It still calls
 * `process.exit()` rather than only setting `process.exitCode`, because a command may leave something open that is
 * not worth waiting for (a timer, a keep-alive socket to the cloud) and the command has returned its result.
 */
export async function exitWhenWritten(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([written(process.stdout), written(process.stderr)]);
  process.exit(code);
}
