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

_INT64_MAX = np.iinfo(np.int64).max


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
        bits = raw["present"]
        strings = {col: [ctypes.string_at(p).decode("utf-8") if p else "" for p in raw[col].tolist()]
                   for col in columns if fields[col][1] == "s"}
        return cls(columns, fields, raw, strings,
                   int(np.bitwise_and.reduce(bits)), int(np.bitwise_or.reduce(bits)))

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
        if not self.n:
            df = _empty_frame(self.columns)
        else:
            df = _frame(_pandas(), self.columns, [self._column(col) for col in self.columns])
        df.attrs["next_key"] = next_key
        return df

    def _column(self, col):
        bit, kind = self.fields[col]
        if self.all_bits & bit:
            if kind == "s":
                return _string_array(self.strings[col], full=True)
            vals = self.raw[col]
            if kind == "u":
                if int(vals.max()) <= _INT64_MAX:
                    return vals.astype(np.int64)
                return vals.astype(np.uint64)
            return vals.astype(np.int64 if kind == "i" else np.float64)
        if not self.any_bits & bit:
            return np.full(self.n, None, dtype=object)
        absent = ~self._present(bit)
        if kind == "s":
            obj = np.array(self.strings[col], dtype=object)
            obj[absent] = np.nan
            return _string_array(obj, full=False)
        out = self.raw[col].astype(np.float64)
        out[absent] = np.nan
        return out


_empty_rows = {}


def _frame(pd, columns, arrays):
    """``pd.DataFrame(dict(zip(columns, arrays)))`` for fresh arrays of equal
    length, which it takes without copying.

    Where pandas offers it (3.0 and later), the frame is assembled from one
    block per numpy dtype and one per extension array: the same frame
    (the drop-in tests compare them) in about a quarter of the constructor's
    time, which otherwise is most of a call's.
    """
    try:
        from pandas.api.internals import create_dataframe_from_blocks
    except ImportError:
        return pd.DataFrame(dict(zip(columns, arrays)), copy=False)
    by_dtype = {}
    blocks = []
    for position, array in enumerate(arrays):
        if isinstance(array, np.ndarray):
            by_dtype.setdefault(array.dtype, []).append(position)
        else:
            blocks.append((array, np.array([position], dtype=np.intp)))
    for positions in by_dtype.values():
        blocks.append((np.vstack([arrays[p] for p in positions]), np.array(positions, dtype=np.intp)))
    return create_dataframe_from_blocks(blocks, pd.RangeIndex(len(arrays[0])), _column_index(pd, columns))


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
_str_dtypes = None
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


def _string_dtypes():
    """The dtypes pandas infers from dicts for a str column, full and with gaps
    (object before pandas 3, the 'str' StringDtype since)."""
    global _str_dtypes
    if _str_dtypes is None:
        pd = _pandas()
        full = pd.DataFrame([{"a": "x"}]).dtypes["a"]
        partial = pd.DataFrame([{"a": "x"}, {}]).dtypes["a"]
        _str_dtypes = (full, partial)
    return _str_dtypes


def _string_array(values, full):
    dtype = _string_dtypes()[0 if full else 1]
    if dtype == np.dtype(object):
        return np.array(values, dtype=object)
    return _pandas().array(values, dtype=dtype)


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
