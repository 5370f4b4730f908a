"""Fitting a text into a width: the largest size and fewest lines that fit, else an ellipsis.

The work is bounded whatever the template and the value say, since both come from outside: a
text is cut at MAX_CHARS, sizes are clamped, each line count tries at most MAX_STEPS sizes, and
wrapping is arithmetic on advance widths measured once per character (advance widths add up and
scale with the size, so a text's width at any size is its width at size 1 times the size).
"""

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

ELLIPSIS = "…"
MAX_CHARS = 2000
MAX_LINES = 20
MAX_STEPS = 16  # sizes tried per line count
SHRINK = 0.94  # each try is 6% smaller, or more when the floor is far below
MIN_SIZE, MAX_SIZE = 1.0, 1000.0

Measure = Callable[[str, float], float]


class _Widths:
    """Advance widths at size 1, measured once per distinct character."""

    def __init__(self, measure: Measure) -> None:
        self._measure = measure
        self._chars: dict[str, float] = {}
        self._running: dict[str, list[float]] = {}

    def of(self, text: str) -> float:
        total = 0.0
        for char in text:
            width = self._chars.get(char)
            if width is None:
                width = self._chars[char] = self._measure(char, 1.0)
            total += width
        return total

    def running(self, word: str) -> list[float]:
        """The widths of word[:1], word[:2], ... (kept: a long word is split at every size)."""
        sums = self._running.get(word)
        if sums is None:
            sums = self._running[word] = list(accumulate(self.of(char) for char in word))
        return sums

    def prefix_fitting(self, text: str, limit: float) -> str:
        """The longest start of text no wider than limit."""
        total = 0.0
        for index, char in enumerate(text):
            total += self.of(char)
            if total > limit:
                return text[:index]
        return text


def layout(
    text: str, width: float, size: float, min_size: float, max_lines: int, measure: Measure
) -> tuple[float, list[str]]:
    """The size and lines that set text within width: fewer lines are kept while the text can
    stay at 70% of its size or more; the last allowed line count shrinks down to min_size; past
    that the text is cut with an ellipsis. `measure(text, size)` is its advance width."""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rstrip() + ELLIPSIS
    size = min(max(size, MIN_SIZE), MAX_SIZE)
    min_size = min(max(min_size, MIN_SIZE), size)
    max_lines = min(max(max_lines, 1), MAX_LINES)
    widths = _Widths(measure)
    words = [(word, widths.of(word)) for word in text.split(" ")]
    for count in range(1, max_lines + 1):
        floor = min_size if count == max_lines else max(min_size, size * 0.7)
        for current in _sizes(size, floor):
            lines = _wrap(words, width / current, count, widths)
            if lines is not None:
                return current, lines
    return min_size, _truncated(words, width / min_size, max_lines, widths)


def _sizes(size: float, floor: float) -> list[float]:
    """size, then smaller steps down to floor: at most MAX_STEPS of them."""
    factor = min(SHRINK, (floor / size) ** (1 / MAX_STEPS))
    sizes = [size]
    while sizes[-1] > floor:
        sizes.append(max(floor, sizes[-1] * factor))
    return sizes


Words = list[tuple[str, float]]  # each word with its width at size 1


def _wrap(words: Words, limit: float, max_lines: int, widths: _Widths) -> list[str] | None:
    """The words set in lines no wider than limit (at size 1), or None past max_lines."""
    if max_lines == 1:
        width = sum(word_width for _, word_width in words) + widths.of(" ") * (len(words) - 1)
        return [" ".join(word for word, _ in words)] if width <= limit else None
    lines = _greedy(words, limit, max_lines + 1, widths)
    return lines if len(lines) <= max_lines else None


def _greedy(words: Words, limit: float, stop_at: int, widths: _Widths) -> list[str]:
    """Lines filled word by word (a word wider than a line is split), up to stop_at lines."""
    space = widths.of(" ")
    lines: list[str] = []
    current, current_width = "", 0.0
    for word, word_width in words:
        if current and current_width + space + word_width <= limit:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if not current and word_width <= limit:
            current, current_width = word, word_width
            continue
        if current:
            lines.append(current)
        if word_width > limit:  # split into the longest pieces that fit, a character at least
            sums, start, done = widths.running(word), 0, 0.0
            while sums[-1] - done > limit and len(lines) < stop_at:
                end = max(bisect_right(sums, done + limit, lo=start), start + 1)
                lines.append(word[start:end])
                start, done = end, sums[end - 1]
            word, word_width = word[start:], sums[-1] - done
        current, current_width = word, word_width
        if len(lines) >= stop_at:
            return lines
    if current:
        lines.append(current)
    return lines


def _truncated(words: Words, limit: float, max_lines: int, widths: _Widths) -> list[str]:
    if max_lines > 1:
        lines = _greedy(words, limit, max_lines, widths)[:max_lines]
    else:
        lines = [" ".join(word for word, _ in words)]
    last = widths.prefix_fitting(lines[-1], limit - widths.of(ELLIPSIS))
    lines[-1] = last.rstrip() + ELLIPSIS
    return lines
