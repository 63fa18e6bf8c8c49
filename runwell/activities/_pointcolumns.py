"""The columns of a GPX or TCX file's points, however they were read.

The point scanner (:mod:`._pointgroups`, :mod:`._pointscan`) finds where each value is
written and hands over a :class:`PointColumns` that converts a column only when it is
first used (a summary needs a few); the XML readers hand over the same, converted
already. A number that does not convert raises :class:`UnreadableValue`, and the
reader starts again with ElementTree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from runwell.activities._isotimes import span_times
from runwell.activities._numbers import span_floats

__all__ = ["PointColumns", "UnreadableValue"]


class UnreadableValue(ValueError):
    """A number among scanned points does not convert (found when the column is first
    used): the reader then reads the file with the XML parser instead."""


class PointColumns(Mapping[str, np.ndarray]):
    """The columns of scanned points, each converted when it is first used.

    A summary needs a few columns of a file's points (times, altitude, heart rate);
    the others are converted only if asked for (streams). :meth:`load` converts several
    numeric columns in one vectorised pass; :meth:`head` converts the first values only.
    """

    def __init__(
        self,
        n: int,
        *,
        spans: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
        region: bytes = b"",
        arr: np.ndarray | None = None,
        times: frozenset[str] = frozenset(),
        values: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.n = n
        self._spans = spans or {}
        self._region = region
        self._arr = arr
        self._times = times
        self._values = dict(values or {})

    def _bytes(self) -> np.ndarray:
        """The region as a byte array (given whenever there are spans to convert)."""
        if self._arr is None:
            raise ValueError("PointColumns with spans needs the region's byte array")
        return self._arr

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._values:
            if name not in self._spans:
                raise KeyError(name)
            self.load([name])
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._values, *self._spans]))

    def __len__(self) -> int:
        return len(set(self._values) | set(self._spans))

    def load(self, names: Sequence[str]) -> None:
        """Convert these columns now (the numeric ones in one pass)."""
        todo = [name for name in names if name in self._spans and name not in self._values]
        for name in todo:
            if name in self._times:
                self._values[name] = span_times(self._region, self._bytes(), *self._spans[name])
        numbers = [name for name in todo if name not in self._times]
        if numbers:
            try:
                values = span_floats(
                    self._region,
                    self._bytes(),
                    np.concatenate([self._spans[c][0] for c in numbers]),
                    np.concatenate([self._spans[c][1] for c in numbers]),
                )
            except ValueError as err:
                raise UnreadableValue(str(err)) from err
            self._values.update(zip(numbers, np.split(values, len(numbers)), strict=True))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, names: Sequence[str], times: frozenset[str]) -> PointColumns:
        """Columns of points read another way (ElementTree, gpxpy): numbers as floats,
        times as UTC ``datetime64[us]``."""
        values = {
            name: frame[name].dt.tz_convert(None).to_numpy().astype("datetime64[us]")
            if name in times
            else np.array(frame[name], dtype=float)
            for name in names
        }
        return cls(len(frame), values=values, times=times)

    def frame(self, names: Sequence[str]) -> pd.DataFrame:
        """These columns as a table (streams), times as UTC timestamps."""
        frame = pd.DataFrame({name: self.column(name) for name in names})
        for name in self._times & set(names):
            frame[name] = frame[name].dt.tz_localize("UTC")
        return frame

    def column(self, name: str) -> np.ndarray:
        """A column, or all missing (NaN, NaT for a time column) when the points lack it."""
        if name in self:
            return self[name]
        return np.full(self.n, np.datetime64("NaT", "us")) if name in self._times else np.full(self.n, np.nan)

    def part(self, start: int, stop: int) -> PointColumns:
        """Points ``start`` to ``stop`` (one activity of a file read at once), converted
        as these are: the same text and spans, cut.

        Examples
        --------
        >>> columns = PointColumns(3, values={"ele": np.array([1.0, 2.0, 3.0])})
        >>> columns.part(1, 3)["ele"], columns.part(3, 3).n
        (array([2., 3.]), 0)
        """
        spans = {name: (starts[start:stop], ends[start:stop]) for name, (starts, ends) in self._spans.items()}
        values = {name: column[start:stop] for name, column in self._values.items()}
        return PointColumns(
            len(range(self.n)[start:stop]),
            spans=spans,
            region=self._region,
            arr=self._arr,
            times=self._times,
            values=values,
        )

    def head(self, name: str, count: int) -> np.ndarray:
        """The first ``count`` values of a column (converting only those)."""
        if name in self._values or name not in self._spans:
            return self.column(name)[:count]
        starts, ends = self._spans[name]
        convert = span_times if name in self._times else span_floats
        try:
            return convert(self._region, self._bytes(), starts[:count], ends[:count])
        except ValueError as err:
            raise UnreadableValue(str(err)) from err
