"""From si_page row arrays to columns, records and futu-api-identical DataFrames.

The rows are read column-wise: the row memory is copied once and viewed with a
numpy structured dtype that mirrors si_us_row / si_hk_row (padding included);
the ``present`` bitmask then says which cells are absent, and its AND and OR
over the rows which columns need no mask at all.

futu-api builds ``pd.DataFrame(list_of_dicts)`` (a missing key is NaN), then
adds a column missing in every row as ``None`` and reorders the columns.  The
dtype rules that follow from pandas' inference are reproduced here per column:

* every cell present: int64 (uint64 fields: int64 while they fit, else
  uint64 — exact either way), float64, or pandas' inferred string dtype;
* some cells absent: float64 with NaN for numbers (as pandas converts the
  ints), the inferred string dtype with NaN for strings;
* every cell absent: an object column of None.
"""

import ctypes
import threading

import numpy as np

from ._lib import SIHkRow, SIUsRow

US_COLUMNS = (
    "timestamp", "timestamp_str", "shares_short", "short_percent",
    "avg_daily_share_volume", "days_to_cover", "close_price", "last_close_price",
)
HK_COLUMNS = (
    "timestamp", "timestamp_str", "aggregated_short", "aggregated_short_ratio",
    "close_price", "last_close_price",
)

# column -> (present bit, kind): i int64, u uint64, f double, s string
US_FIELDS = {
    "timestamp": (1 << 0, "i"),
    "timestamp_str": (1 << 1, "s"),
    "shares_short": (1 << 2, "u"),
    "short_percent": (1 << 3, "f"),
    "avg_daily_share_volume": (1 << 4, "u"),
    "days_to_cover": (1 << 5, "f"),
    "close_price": (1 << 6, "f"),
    "last_close_price": (1 << 7, "f"),
}
HK_FIELDS = {
    "timestamp": (1 << 0, "i"),
    "timestamp_str": (1 << 1, "s"),
    "close_price": (1 << 2, "f"),
    "last_close_price": (1 << 3, "f"),
    "aggregated_short": (1 << 4, "u"),
    "aggregated_short_ratio": (1 << 5, "f"),
}


def _row_dtype(struct):
    """numpy structured dtype with the exact layout of a ctypes row struct."""
    names, formats, offsets = [], [], []
    for name, ctype in struct._fields_:
        names.append(name)
        formats.append(np.uintp if ctype is ctypes.c_void_p else np.dtype(ctype))
        offsets.append(getattr(struct, name).offset)
    dt = np.dtype({"names": names, "formats": formats, "offsets": offsets,
                   "itemsize": ctypes.sizeof(struct)})
    assert dt.itemsize == ctypes.sizeof(struct)
    return dt


US_ROW_DTYPE = _row_dtype(SIUsRow)
HK_ROW_DTYPE = _row_dtype(SIHkRow)


def _page_strings(addresses):
    """The NUL-terminated UTF-8 strings at `addresses`, decoded ("" for NULL).

    Everything a page points to lives in its one allocation (the header says
    so), so the bytes from the lowest string to the highest are copied in
    one go and split at their NULs: two foreign calls instead of one per
    string, each of which costs about 5,000 instructions.
    """
    live = [a for a in addresses if a]
    if not live:
        return [""] * len(addresses)
    low, high = min(live), max(live)
    pieces = {}
    start = low
    for piece in (ctypes.string_at(low, high - low) + ctypes.string_at(high)).split(b"\0"):
        pieces[start] = piece
        start += len(piece) + 1
    # An address inside another string (a shared suffix) is not a piece start: read it alone.
    return [(pieces[a] if a in pieces else ctypes.string_at(a)).decode("utf-8") if a else "" for a in addresses]


class Rows:
    """One market's rows: the row structs' bytes as a numpy structured array
    (numbers and presence bits), the strings decoded, and the presence bits
    every row has and some row has, so that a column present in every row
    (or in none) costs no mask."""

    __slots__ = ("columns", "fields", "n", "raw", "strings", "all_bits", "any_bits")

    def __init__(self, columns, fields, raw, strings, all_bits, any_bits):
        self.columns = columns      # output column order
        self.fields = fields        # column -> (bit, kind)
        self.n = len(raw)
        self.raw = raw              # structured array of the rows (string fields: dead pointers)
        self.strings = strings      # column -> list of str ("" when absent)
        self.all_bits = all_bits
        self.any_bits = any_bits

    @classmethod
    def read(cls, columns, fields, dtype, address, count):
        """Copy `count` rows at `address` (must still be alive) out of the page."""
        if not count or not address:
            return cls.empty(columns, fields, dtype)
        raw = np.frombuffer(ctypes.string_at(address, count * dtype.itemsize), dtype=dtype)
        strings = {col: _page_strings(raw[col].tolist()) for col in columns if fields[col][1] == "s"}
        # Rows mostly share one pattern: AND and OR over the distinct ones.
        patterns = set(raw["present"].tolist())
        all_bits = any_bits = patterns.pop()
        for bits in patterns:
            all_bits &= bits
            any_bits |= bits
        return cls(columns, fields, raw, strings, all_bits, any_bits)

    @classmethod
    def empty(cls, columns, fields, dtype):
        """No rows (one shared instance per market: rows are never changed)."""
        rows = _empty_rows.get(columns)
        if rows is None:
            rows = _empty_rows.setdefault(columns, cls(
                columns, fields, np.zeros(0, dtype=dtype),
                {col: [] for col in columns if fields[col][1] == "s"}, 0, 0))
        return rows

    @classmethod
    def concat(cls, parts, columns, fields, dtype):
        parts = [p for p in parts if p.n]
        if not parts:
            return cls.empty(columns, fields, dtype)
        if len(parts) == 1:
            return parts[0]
        all_bits, any_bits = parts[0].all_bits, 0
        for p in parts:
            all_bits &= p.all_bits
            any_bits |= p.any_bits
        return cls(columns, fields, np.concatenate([p.raw for p in parts]),
                   {col: [s for p in parts for s in p.strings[col]] for col in parts[0].strings},
                   all_bits, any_bits)

    def _present(self, bit):
        """Which rows have the field of `bit`, as a bool array."""
        return (self.raw["present"] & bit) != 0

    # ---- records -------------------------------------------------------

    def records(self):
        """A list of dicts, one per row, absent fields left out."""
        out = [{} for _ in range(self.n)]
        for col in self.columns:
            bit, kind = self.fields[col]
            if not self.any_bits & bit:
                continue
            vals = self.strings[col] if kind == "s" else self.raw[col].tolist()
            if self.all_bits & bit:
                for row, v in zip(out, vals):
                    row[col] = v
                continue
            for row, ok, v in zip(out, self._present(bit).tolist(), vals):
                if ok:
                    row[col] = v
        return out

    # ---- DataFrame -----------------------------------------------------

    def frame(self, next_key):
        df = _frame(self) if self.n else _empty_frame(self.columns)
        df.attrs["next_key"] = next_key
        return df


_empty_rows = {}


class _Layout:
    """Where a frame's columns go, for one market and one pattern of presence
    (the columns every row has, some rows have, no row has), worked out once
    per pattern: pandas' inference (module docstring) decides each column's
    dtype, and the columns of one dtype make one block."""

    __slots__ = ("ints", "int_positions", "unsigned", "floats", "float_positions", "gaps", "nones",
                 "none_positions", "strings")

    def __init__(self, columns, fields, all_bits, any_bits):
        ints, floats, nones = [], [], []
        self.unsigned = []      # rows of the int block that hold uint64 fields
        self.gaps = []          # (row of the float block, bit): NaN where the bit is not set
        self.strings = []       # (position, column, every row has it)
        for position, col in enumerate(columns):
            bit, kind = fields[col]
            if not any_bits & bit:
                nones.append(position)
            elif kind == "s":
                self.strings.append((position, col, bool(all_bits & bit)))
            elif all_bits & bit and kind != "f":
                if kind == "u":
                    self.unsigned.append(len(ints))
                ints.append((position, col))
            else:
                if not all_bits & bit:
                    self.gaps.append((len(floats), bit))
                floats.append((position, col))
        self.ints = [col for _, col in ints]
        self.int_positions = np.array([p for p, _ in ints], dtype=np.intp)
        self.floats = [col for _, col in floats]
        self.float_positions = np.array([p for p, _ in floats], dtype=np.intp)
        self.nones = len(nones)
        self.none_positions = np.array(nones, dtype=np.intp)


_layouts = {}


def _frame(rows):
    """The rows' DataFrame, as futu-api's ``pd.DataFrame(list_of_dicts)``
    makes it: one block per dtype, filled column by column from the row
    structs (their numbers are copied once, into the block)."""
    key = (rows.columns, rows.all_bits, rows.any_bits)
    layout = _layouts.get(key)
    if layout is None:
        layout = _layouts.setdefault(key, _Layout(rows.columns, rows.fields, rows.all_bits, rows.any_bits))
    raw, n = rows.raw, rows.n
    blocks = []                 # (2-D values or 1-D extension array, column positions)
    if layout.ints:
        ints = np.empty((len(layout.ints), n), dtype=np.int64)
        for row, col in enumerate(layout.ints):
            ints[row] = raw[col]            # a uint64 above 2**63 - 1 wraps to negative here
        positions = layout.int_positions
        if layout.unsigned:
            wrapped = [row for row in layout.unsigned if ints[row].min() < 0]
            if wrapped:                     # those columns are uint64, as pandas makes them
                blocks.append((np.vstack([raw[layout.ints[row]] for row in wrapped]), positions[wrapped]))
                kept = [row for row in range(len(layout.ints)) if row not in wrapped]
                ints, positions = ints[kept], positions[kept]
        blocks.append((ints, positions))
    if layout.floats:
        floats = np.empty((len(layout.floats), n), dtype=np.float64)
        for row, col in enumerate(layout.floats):
            floats[row] = raw[col]
        if layout.gaps:
            present = raw["present"]
            for row, bit in layout.gaps:
                floats[row][(present & bit) == 0] = np.nan
        blocks.append((floats, layout.float_positions))
    if layout.nones:
        blocks.append((np.full((layout.nones, n), None, dtype=object), layout.none_positions))
    for position, col, full in layout.strings:
        if full:
            values = rows.strings[col]
        else:
            values = np.array(rows.strings[col], dtype=object)
            values[(raw["present"] & rows.fields[col][0]) == 0] = np.nan
        array = _string_array(values, full)
        if isinstance(array, np.ndarray):
            array = array.reshape(1, n)
        blocks.append((array, np.array([position], dtype=np.intp)))
    return _assemble(_pandas(), rows.columns, n, blocks)


def _assemble(pd, columns, n, blocks):
    """A DataFrame from blocks of fresh arrays, which it takes without copying.

    Where pandas offers it (3.0 and later), straight from the blocks: the
    same frame (the drop-in tests compare them) in about a quarter of the
    constructor's time, which otherwise is most of a call's. Elsewhere from
    the columns, as ``pd.DataFrame(dict)``.
    """
    try:
        from pandas.api.internals import create_dataframe_from_blocks
    except ImportError:
        arrays = [None] * len(columns)
        for values, positions in blocks:
            for row, position in enumerate(positions):
                arrays[position] = values[row] if values.ndim == 2 else values
        return pd.DataFrame(dict(zip(columns, arrays)), copy=False)
    return create_dataframe_from_blocks(blocks, pd.RangeIndex(n), _column_index(pd, columns))


_column_indexes = {}


def _column_index(pd, columns):
    """The columns as a pandas Index: a view of one made once per column
    tuple (making one costs about 25 µs, a view 1 µs; a view, so that
    renaming one frame's columns leaves the others alone)."""
    index = _column_indexes.get(columns)
    if index is None:
        index = _column_indexes.setdefault(columns, pd.Index(columns))
    return index.view()


_pd = None
_string_makers = None
_empty_templates = {}
_empty_lock = threading.Lock()


def _empty_frame(columns):
    """futu-api's ``pd.DataFrame(columns=[...])``, copied from a cached one
    (ten times cheaper than building it)."""
    with _empty_lock:
        tmpl = _empty_templates.get(columns)
        if tmpl is None:
            tmpl = _empty_templates[columns] = _pandas().DataFrame(columns=list(columns))
        return tmpl.copy(deep=True)


def _pandas():
    global _pd
    if _pd is None:
        try:
            import pandas
        except ImportError as exc:    # pragma: no cover - depends on the env
            raise ImportError(
                "pandas is needed for DataFrames (pip install pandas); "
                "get_short_interest_records works without it") from exc
        _pd = pandas
    return _pd


def _string_array_makers():
    """For a str column, full and with gaps: a function making the array
    pandas infers from dicts (object before pandas 3, the 'str' StringDtype
    since; its array type's ``_from_sequence``, which ``pd.array`` calls,
    without pd.array's dispatch, a third of the cost)."""
    global _string_makers
    if _string_makers is None:
        pd = _pandas()
        makers = []
        for sample in ([{"a": "x"}], [{"a": "x"}, {}]):
            dtype = pd.DataFrame(sample).dtypes["a"]
            if dtype == np.dtype(object):
                makers.append(lambda values: np.array(values, dtype=object))
            else:
                make = dtype.construct_array_type()._from_sequence
                makers.append(lambda values, make=make, dtype=dtype: make(values, dtype=dtype))
        _string_makers = tuple(makers)
    return _string_makers


def _string_array(values, full):
    return _string_array_makers()[0 if full else 1](values)


class Page:
    """A page read out of an si_page before it is freed."""

    __slots__ = ("market", "code", "next_key", "us", "hk")

    def __init__(self, market, code, next_key, us, hk):
        self.market, self.code, self.next_key, self.us, self.hk = market, code, next_key, us, hk

    @classmethod
    def read(cls, page, market_names):
        p = page.contents
        return cls(
            market_names.get(p.market, str(p.market)),
            p.code.decode("utf-8") if p.code else "",
            p.next_key.decode("utf-8") if p.next_key else "-1",
            Rows.read(US_COLUMNS, US_FIELDS, US_ROW_DTYPE, p.us_rows, p.us_count),
            Rows.read(HK_COLUMNS, HK_FIELDS, HK_ROW_DTYPE, p.hk_rows, p.hk_count),
        )

    def records(self):
        return {"market": self.market, "code": self.code, "next_key": self.next_key,
                "us": self.us.records(), "hk": self.hk.records()}

    def frames(self):
        return self.us.frame(self.next_key), self.hk.frame(self.next_key)
