"""ctypes declarations for libshortinterest (include/shortinterest.h, ABI 1.x).

Nothing here is compiled: the library is found at run time (see
``find_library``) and every function used gets its argtypes and restype
declared before the first call.
"""

import ctypes
import glob
import os
import threading
from ctypes import (POINTER, Structure, c_char_p, c_double, c_int, c_int32,
                    c_int64, c_size_t, c_uint32, c_uint64, c_void_p)

ENV_VAR = "SHORTINTEREST_LIB"
LIB_NAME = "libshortinterest.so"
ABI_MAJOR = 1

# si_status
SI_OK = 0
SI_ERR_INVALID_ARGUMENT = 1
SI_ERR_CONNECT = 2
SI_ERR_TIMEOUT = 3
SI_ERR_DISCONNECTED = 4
SI_ERR_PROTOCOL = 5
SI_ERR_REJECTED = 6
SI_ERR_NO_MEMORY = 7
SI_ERR_INTERNAL = 8
SI_ERR_STORE = 9
SI_ERR_RATE_LIMITED = 10
SI_INCOMPLETE = 11

# si_rate_limit_mode
SI_RATE_LIMIT_WAIT = 0
SI_RATE_LIMIT_FAIL_FAST = 1

# si_encryption_mode
SI_ENCRYPTION_AES_CBC = 0
SI_ENCRYPTION_FUTU_ECB = 1

# si_market
SI_MARKET_HK = 1
SI_MARKET_US = 11
MARKET_NAMES = {SI_MARKET_HK: "HK", SI_MARKET_US: "US"}


class LibraryNotFoundError(ImportError):
    """libshortinterest.so could not be found or loaded."""


class SIError(Structure):
    _fields_ = [
        ("status", c_int),
        ("message", c_char_p),
        ("opend_ret_type", c_int32),
        ("opend_err_code", c_int32),
        ("has_opend_err_code", c_int),
        ("retry_after_ms", c_int64),
    ]


class SIUsRow(Structure):
    _fields_ = [
        ("present", c_uint32),
        ("timestamp", c_int64),
        ("timestamp_str", c_void_p),
        ("shares_short", c_uint64),
        ("short_percent", c_double),
        ("avg_daily_share_volume", c_uint64),
        ("days_to_cover", c_double),
        ("close_price", c_double),
        ("last_close_price", c_double),
    ]


class SIHkRow(Structure):
    _fields_ = [
        ("present", c_uint32),
        ("timestamp", c_int64),
        ("timestamp_str", c_void_p),
        ("close_price", c_double),
        ("last_close_price", c_double),
        ("aggregated_short", c_uint64),
        ("aggregated_short_ratio", c_double),
    ]


class SIPage(Structure):
    _fields_ = [
        ("market", c_int),
        ("code", c_char_p),
        ("next_key", c_char_p),
        ("us_count", c_size_t),
        ("us_rows", c_void_p),
        ("hk_count", c_size_t),
        ("hk_rows", c_void_p),
    ]


class SIProgress(Structure):
    _fields_ = [
        ("codes_done", c_size_t),
        ("code_count", c_size_t),
        ("code", c_char_p),
        ("status", c_int),
        ("rows", c_size_t),
    ]


PROGRESS_FN = ctypes.CFUNCTYPE(None, POINTER(SIProgress), c_void_p)


class SIHistory(Structure):
    _fields_ = [
        ("code", c_char_p),
        ("status", c_int),
        ("message", c_char_p),
        ("page", POINTER(SIPage)),
    ]


class SIHistories(Structure):
    _fields_ = [
        ("count", c_size_t),
        ("items", POINTER(SIHistory)),
    ]


def _declare(lib):
    """Declare the argtypes and restype of every function of the header."""
    specs = {
        "si_version_number": ([], c_int),
        "si_version": ([], c_char_p),                     # static string
        "si_status_name": ([c_int], c_char_p),            # static string
        "si_error_last": ([], POINTER(SIError)),
        "si_error_clear": ([], None),
        "si_config_new": ([], c_void_p),
        "si_config_free": ([c_void_p], None),
        "si_config_set_opend": ([c_void_p, c_char_p, c_int], c_int),
        "si_config_set_timeouts": ([c_void_p, c_int, c_int], c_int),
        "si_config_set_busy_poll": ([c_void_p, c_int], c_int),
        "si_config_set_client_id": ([c_void_p, c_char_p], c_int),
        "si_config_set_store": ([c_void_p, c_char_p], c_int),
        "si_config_set_rate_limit": ([c_void_p, c_int, c_int, c_int, c_int], c_int),
        "si_config_set_cache": ([c_void_p, c_char_p, c_int], c_int),
        "si_config_set_encryption": ([c_void_p, c_char_p, c_int], c_int),
        "si_client_open": ([c_void_p, POINTER(c_void_p)], c_int),
        "si_client_close": ([c_void_p], None),
        "si_get_page": ([c_void_p, c_char_p, c_char_p, c_int, POINTER(POINTER(SIPage))], c_int),
        "si_page_is_last": ([POINTER(SIPage)], c_int),
        "si_page_free": ([POINTER(SIPage)], None),
        # Returns a malloc'd string through the out-pointer: keep it as a raw
        # address (c_void_p), read it with ctypes.string_at, free it with
        # si_string_free.
        "si_get_page_json": ([c_void_p, c_char_p, c_char_p, c_int, POINTER(c_void_p)], c_int),
        "si_string_free": ([c_void_p], None),
        "si_get_history": ([c_void_p, c_char_p, c_int, POINTER(POINTER(SIPage))], c_int),
        "si_get_histories": ([c_void_p, POINTER(c_char_p), c_size_t, c_int, PROGRESS_FN, c_void_p,
                              POINTER(POINTER(SIHistories))], c_int),
        "si_histories_free": ([POINTER(SIHistories)], None),
    }
    for name, (argtypes, restype) in specs.items():
        fn = getattr(lib, name)
        fn.argtypes = argtypes
        fn.restype = restype
    return lib


def _package_dir():
    return os.path.dirname(os.path.abspath(__file__))


def candidate_paths():
    """Where the library is looked for, in order, as (origin, path) pairs.

    1. the SHORTINTEREST_LIB environment variable (when set, it is the only
       candidate: a bad value is an error, not a reason to look elsewhere);
    2. a copy inside the package (shortinterest/libshortinterest.so*);
    3. build/lib/libshortinterest.so of the repository, found by walking up
       from this file.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return [(ENV_VAR, env)]
    out = []
    pkg = _package_dir()
    for path in sorted(glob.glob(os.path.join(pkg, LIB_NAME + "*")), key=len):
        out.append(("package", path))
    d = pkg
    while True:
        cand = os.path.join(d, "build", "lib", LIB_NAME)
        if os.path.exists(cand):
            out.append(("repository", cand))
            break
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return out


def find_library():
    """The path of the library that would be loaded (no loading)."""
    cands = candidate_paths()
    if not cands:
        raise LibraryNotFoundError(
            "libshortinterest.so not found: set %s to its path, put a copy in %s, "
            "or build it into build/lib/ of the repository (make lib)"
            % (ENV_VAR, _package_dir()))
    return cands[0][1]


_lock = threading.Lock()
_lib = None
_lib_path = None


def load(path=None):
    """Load (once) and return the declared CDLL."""
    global _lib, _lib_path
    if _lib is not None and path is None:
        return _lib
    with _lock:
        if _lib is not None and path is None:
            return _lib
        origin = "argument"
        if path is None:
            cands = candidate_paths()
            if not cands:
                find_library()              # raises with the explanation
            origin, path = cands[0]
        if origin == ENV_VAR and not os.path.exists(path):
            raise LibraryNotFoundError(
                "%s=%r: no such file (it must be the path of libshortinterest.so)"
                % (ENV_VAR, path))
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            raise LibraryNotFoundError(
                "cannot load libshortinterest from %r (%s): %s" % (path, origin, exc)) from exc
        try:
            _declare(lib)
        except AttributeError as exc:
            raise LibraryNotFoundError(
                "%r (%s) is not libshortinterest: %s" % (path, origin, exc)) from exc
        major = lib.si_version_number() // 10000
        if major != ABI_MAJOR:
            raise LibraryNotFoundError(
                "%r is libshortinterest %s; this package needs major version %d"
                % (path, lib.si_version().decode(), ABI_MAJOR))
        _lib, _lib_path = lib, path
        return lib


def loaded_path():
    """The path the library was loaded from, or None before the first load."""
    return _lib_path


def last_error(lib):
    """(status, message, opend_ret_type, opend_err_code or None, retry_after_ms)
    of this thread's last failed call."""
    err = lib.si_error_last().contents
    msg = err.message.decode("utf-8", "replace") if err.message else ""
    status = err.status
    if not msg:
        name = lib.si_status_name(status)
        msg = name.decode() if name else "error %d" % status
    return (status, msg, err.opend_ret_type,
            err.opend_err_code if err.has_opend_err_code else None,
            err.retry_after_ms)
