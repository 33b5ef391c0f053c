/**
 * Progress on stderr (docs/cli.md): a redrawn bar when stderr is a terminal, plain lines otherwise (one when a
 * stage starts, then at every tenth of it), so logs of CI runs stay short and readable.
 */
import type { JobProgress } from '../jobs/context';
import type { CliIO } from './command';

export interface ProgressReporter {
  update(p: JobProgress): void;
  /** A message line that must not be drawn over by the bar. */
  note(message: string): void;
  /** Clears the bar. */
  done(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

export function progressReporter(io: CliIO, command: string): ProgressReporter {
  let stage = '';
  let lastTenth = -1;
  let drawn = false;
  let lastDraw = 0;
  const clear = () => {
    if (drawn) io.stderr('\r\x1b[K');
    drawn = false;
  };
  return {
    update(p) {
      const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const newStage = p.stage !== stage;
      if (newStage) {
        stage = p.stage;
        lastTenth = -1;
      }
      if (io.stderrIsTTY) {
        const now = Date.now();
        if (!newStage && p.done < p.total && now - lastDraw < REDRAW_MS) return;
        lastDraw = now;
        const filled = Math.round(fraction * BAR_WIDTH);
        io.stderr(`\r\x1b[K${command}: ${p.stage} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${p.done}/${p.total}`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      io.stderr(`${command}: ${p.stage} ${p.done}/${p.total} (${Math.round(fraction * 100)}%)\n`);
    },
    note(message) {
      clear();
      io.stderr(`${command}: ${message}\n`);
    },
    done() {
      clear();
    },
  };
}
