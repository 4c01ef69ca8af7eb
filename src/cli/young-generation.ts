/**
 * For the CLI only (src/cli/run.ts imports it first): a library user's process is theirs.
 *
 * Cap V8's young generation (NEW_SPACE_CAP, both semi-spaces). V8 grows it once enough bytes have
 * survived collections, summed over the whole run, so on a long log it always reaches its maximum
 * (16 MiB semi-spaces): ~30 MB of RSS that holds garbage between collections. Once it reaches the
 * cap, growth is switched off (--semi-space-growth-factor is read at each growth, so it applies when
 * set at run time; a command-line V8 flag would need a wrapper script around node). A smaller cap
 * costs time (a collection per MiB allocated at 1 MiB semi-spaces: ~15% on 1 M lines).
 *
 * The flag is set again at every tick once the cap is reached: starting a worker thread (the parse
 * worker, src/ingest/parallel.ts) was seen to undo it, and the main thread then grew to 32 MB. The
 * worker, started later, keeps the young generation it starts with (1 MiB semi-spaces): it
 * allocates short-lived lines only.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const NEW_SPACE_CAP = Number(process.env.PORTSCAN_REPORT_NEW_SPACE_MB ?? '4') * 1024 * 1024;
function cap(): void {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (space === undefined || space.space_size >= NEW_SPACE_CAP) setFlagsFromString('--semi-space-growth-factor=1');
}
cap();
setInterval(cap, 10).unref();
