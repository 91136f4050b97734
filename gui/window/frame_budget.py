"""How much the window draws per frame while training plays, fitted to the machine.

At rest every frame draws everything, exactly.  While training plays, frames should come at
the display rate (60 Hz), which they do only when the window's thread finishes a frame's work
within 16.7 ms; machines in a classroom differ by 3–4×, and on a slow one every view would
stutter.  So :class:`FrameBudget` watches the playing frames and, when they come late, asks
the renderer to draw less per frame — one :class:`Detail` of :data:`LEVELS` after another:

* the output plot on a coarser grid, its cells blended into their neighbours (the exact
  grid, each cell its own value, comes back as soon as training pauses);
* the graph's antialiased edges rationed, so many a paint on average (its layers take
  turns), and its thumbnails not in a frame that redraws a slow view, later every other
  frame;
* the loss plot, the predictions view and the diagnosis redrawn less often;

and asks for more again when frames have time to spare.  What a frame shows is always the
state training has reached: only how finely and how often is fitted.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Detail:
    """What one playing frame draws."""

    grid: int                  # output plot cells per side (at rest: the renderer's fine grid)
    edges: int | None          # graph edges redrawn per paint on average (None: all changed)
    slow_interval: float       # seconds between redraws of the loss plot and predictions
    diagnosis_interval: float  # seconds between redraws of the diagnosis (dead units, …)
    thumbnail_every: int = 1   # frames between redraws of the graph's thumbnails


#: From most to least detail; level 0 is what a machine that keeps up draws.
LEVELS = (
    Detail(grid=80, edges=None, slow_interval=0.10, diagnosis_interval=0.25),
    Detail(grid=64, edges=150, slow_interval=0.15, diagnosis_interval=0.35),
    Detail(grid=48, edges=80, slow_interval=0.20, diagnosis_interval=0.50, thumbnail_every=2),
    Detail(grid=40, edges=40, slow_interval=0.30, diagnosis_interval=0.75, thumbnail_every=2),
)
#: Frames judged together (half a second at 60 Hz) …
WINDOW = 30
#: … leaving out their two slowest: a slow frame or two alone (a loss-plot axis laid out
#: anew, Python collecting garbage) change nothing.
HICCUPS = 2
#: A window whose mean time between frames is longer than a 60 Hz frame draws less from
#: then on (frames on time come every 16 ms: the renderer's timer) — if the window's thread
#: was busy: more processor time per frame than :data:`BUSY`, at the median.  Frames that
#: come late while the thread idles wait for something else (another process on the same
#: core), which drawing less would not help.
LATE = 1 / 60
BUSY = 0.75 / 60
#: A window whose frames took, at the median, less processor time than this (60 % of a
#: 60 Hz frame) and came on time draws more from then on …
SPARE = 0.6 / 60
#: … unless the level it would go back to proved too slow right after the last time it was
#: tried: then it waits twice as many windows as the time before (one at first, at most this
#: many: half a minute), so that a machine on the edge between two levels does not swing.
MAX_HOLD = 64


class FrameBudget:
    """The :class:`Detail` playing frames draw, from how the last frames went."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter,
                 cpu_clock: Callable[[], float] = time.thread_time):
        self.level = 0
        self.frames = 0                 # playing frames so far
        self._clock, self._cpu_clock = clock, cpu_clock
        self._last: tuple[float, float] | None = None       # (clock, cpu) at the last frame
        self._intervals: list[float] = []
        self._costs: list[float] = []
        self._hold = 1              # windows to wait before drawing more again
        self._since = 0             # windows since the level last changed
        self._came_down = False     # the last change drew more

    @property
    def detail(self) -> Detail:
        return LEVELS[self.level]

    def frame(self) -> None:
        """A playing frame starts: the time since the previous one counts, and every
        :data:`WINDOW` frames the level may change."""
        self.frames += 1
        now, cpu = self._clock(), self._cpu_clock()
        if self._last is not None:
            self._intervals.append(now - self._last[0])
            self._costs.append(cpu - self._last[1])
        self._last = (now, cpu)
        if len(self._intervals) >= WINDOW:
            kept = sorted(self._intervals)[:len(self._intervals) - HICCUPS]
            self._judge(statistics.fmean(kept), statistics.median(self._costs))
            self._intervals.clear()
            self._costs.clear()

    def _judge(self, interval: float, cost: float) -> None:
        """One window's mean time between frames (its slowest left out) and median processor
        time per frame."""
        self._since += 1
        if interval > LATE and cost > BUSY:
            if self.level < len(LEVELS) - 1:
                if self._came_down and self._since <= 2:     # back up at once: wait longer
                    self._hold = min(2 * self._hold, MAX_HOLD)
                self.level += 1
                self._since, self._came_down = 0, False
        elif cost < SPARE and self.level > 0 and self._since >= self._hold:
            self.level -= 1
            self._since, self._came_down = 0, True
        elif self._came_down and self._since > 2:              # the level came down to holds
            self._hold = 1

    def thumbnails_due(self, slow_view: bool = False) -> bool:
        """True when the playing frame begun last redraws the graph's thumbnails: every
        ``thumbnail_every``-th frame — and below the full detail not in a frame that also
        redraws one of the slow views (``slow_view``), which would make it a late one."""
        if slow_view and self.level > 0:
            return False
        return self.frames % self.detail.thumbnail_every == 0

    def pause(self) -> None:
        """Training stopped: the wait until it plays again is not a slow frame."""
        self._last = None
        self._intervals.clear()
        self._costs.clear()
