"""The frame budget: playing frames that come late draw less, frames with time to spare draw
more, one window of frames at a time (clocks faked: the rules, not this machine's speed)."""
import pytest

from backprop_lab.gui.window.frame_budget import HICCUPS, LEVELS, WINDOW, FrameBudget


class FakeClocks:
    """A wall clock and a processor clock that move by what the next frame is said to take."""

    def __init__(self):
        self.now = self.cpu = 0.0

    def frames(self, budget: FrameBudget, n: int, interval: float, cost: float) -> None:
        for _ in range(n):
            budget.frame()
            self.now += interval
            self.cpu += cost


@pytest.fixture
def clocks():
    return FakeClocks()


@pytest.fixture
def budget(clocks):
    return FrameBudget(clock=lambda: clocks.now, cpu_clock=lambda: clocks.cpu)


def test_the_levels_draw_less_and_less():
    for more, less in zip(LEVELS, LEVELS[1:]):
        assert less.grid < more.grid
        assert less.edges is not None and (more.edges is None or less.edges < more.edges)
        assert less.slow_interval > more.slow_interval
        assert less.diagnosis_interval > more.diagnosis_interval
        assert less.thumbnail_every >= more.thumbnail_every
    assert LEVELS[0].thumbnail_every == 1 and LEVELS[0].edges is None     # all, each frame


def test_late_frames_draw_less_one_level_per_window_down_to_the_last(budget, clocks):
    assert budget.level == 0
    clocks.frames(budget, WINDOW + 1, interval=0.025, cost=0.020)       # 40 frames a second
    assert budget.level == 1
    clocks.frames(budget, WINDOW, interval=0.025, cost=0.020)
    assert budget.level == 2
    clocks.frames(budget, 5 * WINDOW, interval=0.025, cost=0.020)
    assert budget.level == len(LEVELS) - 1
    assert budget.detail is LEVELS[-1]


def test_frames_with_time_to_spare_draw_more_again(budget, clocks):
    budget.level = len(LEVELS) - 1
    clocks.frames(budget, WINDOW + 1, interval=0.016, cost=0.004)
    assert budget.level == len(LEVELS) - 2
    clocks.frames(budget, 5 * WINDOW, interval=0.016, cost=0.004)
    assert budget.level == 0


def test_frames_on_time_without_time_to_spare_keep_the_level(budget, clocks):
    """Between "late" and "time to spare" nothing changes, so the level does not swing back
    and forth on a machine that just keeps up."""
    budget.level = 2
    clocks.frames(budget, 10 * WINDOW, interval=0.016, cost=0.014)
    assert budget.level == 2


def test_a_few_slow_frames_change_nothing_many_do(budget, clocks):
    for _ in range(5):
        clocks.frames(budget, WINDOW - HICCUPS, interval=0.016, cost=0.014)
        clocks.frames(budget, HICCUPS, interval=0.080, cost=0.060)    # hiccups
    assert budget.level == 0
    # A quarter of the frames late by 5 ms (58 frames a second), the median one on time.
    for _ in range(2):
        clocks.frames(budget, WINDOW - 7, interval=0.016, cost=0.014)
        clocks.frames(budget, 7, interval=0.021, cost=0.019)
    assert budget.level >= 1


def test_a_pause_is_not_a_slow_frame(budget, clocks):
    """Short plays between long pauses (a student's Space key): counted, the pauses would be
    half of the window's intervals."""
    for _ in range(3 * WINDOW):
        clocks.frames(budget, 2, interval=0.016, cost=0.012)
        budget.pause()
        clocks.now += 5.0                     # training paused for five seconds
        clocks.cpu += 0.5
    assert budget.level == 0


def test_late_frames_of_an_idle_thread_keep_the_level(budget, clocks):
    """Frames late while the window's thread idles (another process holds the core): drawing
    less would not bring them sooner."""
    clocks.frames(budget, 10 * WINDOW, interval=0.025, cost=0.006)
    assert budget.level == 0


def test_a_level_too_slow_again_at_once_is_tried_again_later_and_later(budget, clocks):
    """A machine on the edge: level 1 late, level 2 with time to spare.  The budget comes
    back down to 1 less and less often instead of swinging every half second."""
    def window():
        late = budget.level == 1
        clocks.frames(budget, WINDOW, interval=0.020 if late else 0.016,
                      cost=0.014 if late else 0.008)

    clocks.frames(budget, 1, interval=0.016, cost=0.008)
    budget.level = 1
    levels = []
    for _ in range(60):
        window()
        levels.append(budget.level)
    assert set(levels) == {1, 2}
    ones = [k for k, level in enumerate(levels) if level == 1]
    gaps = [b - a for a, b in zip(ones, ones[1:])]
    assert len(ones) <= 7 and gaps == sorted(gaps) and gaps[-1] > 4 * gaps[0]


def test_thumbnails_every_other_frame_only_where_the_level_says(budget, clocks):
    due = []
    for _ in range(6):
        clocks.frames(budget, 1, interval=0.016, cost=0.014)
        due.append(budget.thumbnails_due())
    assert due == [True] * 6
    budget.level = len(LEVELS) - 1
    due = []
    for _ in range(6):
        clocks.frames(budget, 1, interval=0.016, cost=0.014)
        due.append(budget.thumbnails_due())
    assert due.count(True) == 3 and due != sorted(due)        # every other frame


def test_below_the_full_detail_a_frame_with_a_slow_view_leaves_the_thumbnails(budget, clocks):
    clocks.frames(budget, 2, interval=0.016, cost=0.014)
    assert budget.thumbnails_due(slow_view=True)            # the full detail: everything
    budget.level = 1
    assert budget.thumbnails_due() and not budget.thumbnails_due(slow_view=True)
