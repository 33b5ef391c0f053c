/**
 * Progress on stderr (docs/cli.md): a redrawn bar when stderr is a terminal, plain lines otherwise (one when a
 * stage starts, then at every tenth of it), so logs of CI runs stay short and readable. The bar fits the
 * terminal's width (a line longer than the terminal wraps, and every redraw then floods it): narrower
 * terminals get a shorter bar, then no bar, then the plain lines.
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
const MIN_BAR_WIDTH = 8;

/** The redrawn line for this width, or undefined when even the bare counts do not fit. */
export function barLine(command: string, p: JobProgress, columns: number | undefined): string | undefined {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const head = `${command}: ${p.stage} `;
  const counts = `${p.done}/${p.total}`;
  // The last column stays empty: writing into it wraps on some terminals.
  const room = columns === undefined ? Infinity : columns - 1;
  const barWidth = Math.min(BAR_WIDTH, room - head.length - counts.length - 3);
  if (barWidth >= MIN_BAR_WIDTH) {
    const filled = Math.round(fraction * barWidth);
    return `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${counts}`;
  }
  return head.length + counts.length <= room ? head + counts : undefined;
}
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
      const line = io.stderrIsTTY ? barLine(command, p, io.stderrColumns?.()) : undefined;
      if (line !== undefined) {
        const now = Date.now();
        if (!newStage && p.done < p.total && now - lastDraw < REDRAW_MS) return;
        lastDraw = now;
        io.stderr(`\r\x1b[K${line}`);
        drawn = true;
        return;
      }
      clear();
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
