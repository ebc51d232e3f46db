"""shortinterest: futu-api's get_short_interest over libshortinterest (ctypes).

    from shortinterest import OpenQuoteContext, RET_OK, RET_ERROR

    quote_ctx = OpenQuoteContext(host='127.0.0.1', port=11111)
    ret, us_df, hk_df = quote_ctx.get_short_interest("HK.00700")
    quote_ctx.close()

The library is found through the SHORTINTEREST_LIB environment variable, then
a copy inside this package (shortinterest/libshortinterest.so*), then
build/lib/libshortinterest.so of the repository this package sits in.  It is
loaded by the first OpenQuoteContext (or by load_library()).  pandas is
imported only when a DataFrame is made.
"""

from ._lib import LibraryNotFoundError, find_library
from .context import (RET_ERROR, RET_INCOMPLETE, RET_OK, OpenQuoteContext, ShortInterestError)

__version__ = "1.2.0"

__all__ = [
    "OpenQuoteContext", "RET_OK", "RET_ERROR", "RET_INCOMPLETE", "ShortInterestError",
    "LibraryNotFoundError", "find_library", "load_library", "library_version",
]


def load_library():
    """Loads libshortinterest now (normally the first OpenQuoteContext does)
    and returns the path it was loaded from; raises LibraryNotFoundError."""
    from . import _lib
    _lib.load()
    return _lib.loaded_path()


def library_version():
    """The loaded library's version string, e.g. "1.2.0"."""
    from . import _lib
    return _lib.load().si_version().decode()
