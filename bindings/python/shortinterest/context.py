"""OpenQuoteContext: futu-api's get_short_interest over libshortinterest."""

import ctypes
import operator
import threading

from . import _lib
from ._frames import HK_COLUMNS, HK_FIELDS, HK_ROW_DTYPE, US_COLUMNS, US_FIELDS, US_ROW_DTYPE, Page, Rows

RET_OK = 0
RET_ERROR = -1
# Not in futu-api: a whole history stopped at max_pages; the frames hold what
# was fetched and attrs["next_key"] is where reading stopped.
RET_INCOMPLETE = 1

ERROR_STR_PREFIX = "ERROR. "          # futu-api's prefix for local refusals
DEFAULT_NUM = 10                      # futu-api's (and OpenD's) page size
_INT32_MIN, _INT32_MAX = -2 ** 31, 2 ** 31 - 1


class ShortInterestError(Exception):
    """A failed request, raised by iter_short_interest.

    status is the library's si_status (0 for a refusal made in Python),
    opend_ret_type / opend_err_code are OpenD's fields for a rejection,
    retry_after (seconds) says when the rate limit frees a slot
    (status SI_ERR_RATE_LIMITED = 10), else None.
    """

    def __init__(self, message, status=0, opend_ret_type=0, opend_err_code=None,
                 retry_after_ms=0):
        super().__init__(message)
        self.message = message
        self.status = status
        self.opend_ret_type = opend_ret_type
        self.opend_err_code = opend_err_code
        self.retry_after = retry_after_ms / 1000.0 if retry_after_ms else None


def _check_status(lib, status, what):
    if status != _lib.SI_OK:
        msg = _lib.last_error(lib)[1]
        raise ValueError("%s: %s" % (what, msg))


def _local_error(message, status=0):
    return None, (status, message, 0, None, 0)


def _seconds_in(value, name, per_second, lowest, highest):
    """`value` seconds in whole 1/per_second units, which must be in lowest...highest."""
    try:
        units = int(round(float(value) * per_second))
    except (TypeError, ValueError, OverflowError):
        raise ValueError("%s must be a number of seconds, not %r" % (name, value)) from None
    if not lowest <= units <= highest:
        raise ValueError("%s must be between %g and %g seconds, not %r"
                         % (name, lowest / per_second, highest / per_second, value))
    return units


class OpenQuoteContext:
    """The part of futu-api's OpenQuoteContext that serves short interest.

    ``OpenQuoteContext(host='127.0.0.1', port=11111)`` talks to OpenD (or
    ``shortinterest serve``) through libshortinterest.  Nothing is sent before
    the first request.  A context may be shared between threads.  futu-api's
    other constructor arguments are accepted: is_async_connect, security_firm
    and ai_type have no effect here.  is_encrypt=True (futu-api's protocol
    encryption) needs rsa_key_file, the RSA private key OpenD was given
    (futu-api's SysConfig.set_init_rsa_file); encryption="cbc" (as futu-api)
    or "ecb" (Futu's AES-ECB variant).

    ``OpenQuoteContext(store="si.sqlite")`` reads a local store made by
    ``shortinterest ingest`` instead (no OpenD, no rate limit);
    ``cache="cache.sqlite", cache_ttl=3600`` keeps OpenD's answers there, so
    that a request repeated within cache_ttl seconds costs no OpenD request.

    Added keyword arguments: connect_timeout and reply_timeout (seconds,
    default 5 and 10), client_id (sent in InitConnect), and the client-side
    rate limit, shared by every context for the same host and port in the
    process: rate_limit=(requests, window_seconds), default (30, 30), OpenD's
    own limit; None turns it off (for a local gateway); rate_limit_mode
    "wait" (a request past the limit waits up to rate_limit_max_wait seconds
    for a slot) or "fail_fast" (it fails at once); busy_poll: whether a
    call waiting alone for its reply polls before it sleeps: "adaptive" (the
    default: only while replies come back within about 500 µs, as from a
    gateway on the same machine), 0 (never), or a number of seconds, at most
    0.01 (si_config_set_busy_poll in shortinterest.h says what each costs).
    """

    def __init__(self, host="127.0.0.1", port=11111, is_encrypt=None, is_async_connect=False,
                 security_firm=None, ai_type=0, *, connect_timeout=None, reply_timeout=None,
                 client_id=None, rate_limit=(30, 30.0), rate_limit_mode="wait",
                 rate_limit_max_wait=60.0, store=None, cache=None, cache_ttl=3600,
                 rsa_key_file=None, encryption="cbc", busy_poll="adaptive"):
        if is_encrypt and rsa_key_file is None:
            raise ValueError("is_encrypt=True needs rsa_key_file=, the RSA private key OpenD was given "
                             "(futu-api's SysConfig.set_init_rsa_file)")
        if encryption not in ("cbc", "ecb"):
            raise ValueError("encryption must be 'cbc' or 'ecb', not %r" % (encryption,))
        self._client = None
        self._lock = threading.Lock()
        self._security_firm = security_firm
        self._lib = lib = _lib.load()
        config = lib.si_config_new()
        if not config:
            raise MemoryError("si_config_new failed")
        try:
            if not isinstance(host, str):
                raise ValueError("host must be a str, not %r" % (host,))
            try:
                port = operator.index(port)
            except TypeError:
                raise ValueError("port must be an int, not %r" % (port,)) from None
            if not 0 <= port <= _INT32_MAX:
                raise ValueError("port %d is out of range 1...65535" % port)
            _check_status(lib, lib.si_config_set_opend(config, host.encode("utf-8"), port),
                          "OpenQuoteContext(host=%r, port=%r)" % (host, port))
            if connect_timeout is not None or reply_timeout is not None:
                c_ms = 5000 if connect_timeout is None else _seconds_in(connect_timeout, "connect_timeout",
                                                                        1000, 1, 86400000)
                r_ms = 10000 if reply_timeout is None else _seconds_in(reply_timeout, "reply_timeout",
                                                                       1000, 1, 86400000)
                _check_status(lib, lib.si_config_set_timeouts(config, c_ms, r_ms), "timeouts")
            if client_id is not None:
                if not isinstance(client_id, str):
                    raise ValueError("client_id must be a str, not %r" % (client_id,))
                _check_status(lib, lib.si_config_set_client_id(config, client_id.encode("utf-8")),
                              "client_id")
            self._set_rate_limit(lib, config, rate_limit, rate_limit_mode, rate_limit_max_wait)
            if busy_poll != "adaptive":
                if isinstance(busy_poll, str):
                    raise ValueError("busy_poll must be 'adaptive', 0 or a number of seconds, not %r" % (busy_poll,))
                busy_poll_us = _seconds_in(busy_poll, "busy_poll", 1000000, 0, 10000)
                _check_status(lib, lib.si_config_set_busy_poll(config, busy_poll_us), "busy_poll")
            for path, what in ((store, "store"), (cache, "cache")):
                if path is not None and not isinstance(path, str):
                    raise ValueError("%s must be a path (str), not %r" % (what, path))
            if store is not None:
                _check_status(lib, lib.si_config_set_store(config, store.encode("utf-8")), "store")
            if rsa_key_file is not None and is_encrypt is not False:
                mode = _lib.SI_ENCRYPTION_AES_CBC if encryption == "cbc" else _lib.SI_ENCRYPTION_FUTU_ECB
                _check_status(lib, lib.si_config_set_encryption(config, str(rsa_key_file).encode("utf-8"), mode),
                              "rsa_key_file")
            if cache is not None:
                _check_status(lib, lib.si_config_set_cache(config, cache.encode("utf-8"), int(cache_ttl)), "cache")
            handle = ctypes.c_void_p()
            status = lib.si_client_open(config, ctypes.byref(handle))
            if status != _lib.SI_OK:
                msg = _lib.last_error(lib)[1]
                raise OSError("cannot open a shortinterest client: %s" % msg)
        finally:
            lib.si_config_free(config)
        self._client = handle.value
        self.host, self.port = host, port

    @staticmethod
    def _set_rate_limit(lib, config, rate_limit, mode, max_wait):
        if rate_limit is None or rate_limit is False or rate_limit == 0:
            requests, window_ms = 0, 30000
        else:
            try:
                requests, window = rate_limit
                requests = operator.index(requests)
            except (TypeError, ValueError):
                raise ValueError("rate_limit must be (requests, window_seconds) or None, not %r"
                                 % (rate_limit,)) from None
            window_ms = _seconds_in(window, "rate_limit window", 1000, 1, 86400000)
        modes = {"wait": _lib.SI_RATE_LIMIT_WAIT, "fail_fast": _lib.SI_RATE_LIMIT_FAIL_FAST}
        if mode not in modes:
            raise ValueError("rate_limit_mode must be 'wait' or 'fail_fast', not %r" % (mode,))
        wait_ms = _seconds_in(max_wait, "rate_limit_max_wait", 1000, 0, 86400000)
        if not _INT32_MIN <= requests <= _INT32_MAX:
            raise ValueError("rate limit out of range: %r" % (rate_limit,))
        _check_status(lib, lib.si_config_set_rate_limit(config, requests, window_ms, modes[mode],
                                                        wait_ms), "rate limit")

    # ---- lifetime --------------------------------------------------------

    def close(self, reason=None):
        """Closes the context; closing again does nothing.  Requests in flight
        on other threads fail; later requests return RET_ERROR."""
        with self._lock:
            client, self._client = self._client, None
        if client:
            self._lib.si_client_close(client)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:       # interpreter shutdown
            pass

    def get_security_firm(self):
        return self._security_firm

    # ---- requests --------------------------------------------------------

    def _fetch(self, code, next_key, num):
        """One page as a Page, or an error tuple
        (status, message, ret_type, err_code, retry_after_ms)."""
        if code is None or not isinstance(code, str):
            return _local_error(ERROR_STR_PREFIX + "the type of code param is wrong")
        if next_key is not None and not isinstance(next_key, str):
            return _local_error(ERROR_STR_PREFIX + "the type of next_key param is wrong")
        if num is None:
            num = DEFAULT_NUM
        else:
            try:
                num = operator.index(num)
            except TypeError:
                return _local_error(ERROR_STR_PREFIX + "the type of num param is wrong")
            if not _INT32_MIN <= num <= _INT32_MAX:
                return _local_error("invalid argument: num %d is out of range: a page holds 1 to 50 rows"
                                    % num, _lib.SI_ERR_INVALID_ARGUMENT)
        if "\0" in code or (next_key is not None and "\0" in next_key):
            return _local_error("invalid argument: code and next_key must not contain NUL",
                                _lib.SI_ERR_INVALID_ARGUMENT)
        try:
            code_b = code.encode("utf-8")
            key_b = None if next_key is None else next_key.encode("utf-8")
        except UnicodeEncodeError as exc:
            return _local_error("invalid argument: text is not valid UTF-8 (%s)" % exc,
                                _lib.SI_ERR_INVALID_ARGUMENT)
        client = self._client
        if client is None:
            return _local_error("the context is closed", _lib.SI_ERR_INVALID_ARGUMENT)
        lib = self._lib
        page = ctypes.POINTER(_lib.SIPage)()
        status = lib.si_get_page(client, code_b, key_b, num, ctypes.byref(page))
        if status != _lib.SI_OK:
            return None, _lib.last_error(lib)      # same thread, right after the call
        try:
            return Page.read(page, _lib.MARKET_NAMES), None
        finally:
            lib.si_page_free(page)

    def get_short_interest(self, code, next_key=None, num=None):
        """One page, exactly as futu-api returns it:
        ``(RET_OK, us_df, hk_df)`` or ``(RET_ERROR, message, None)``."""
        page, err = self._fetch(code, next_key, num)
        if err is not None:
            return RET_ERROR, err[1], None
        us_df, hk_df = page.frames()
        return RET_OK, us_df, hk_df

    def get_short_interest_records(self, code, next_key=None, num=None):
        """One page without pandas: ``(RET_OK, {"market", "code", "next_key",
        "us": [dict, ...], "hk": [dict, ...]})`` (absent fields left out of the
        dicts), or ``(RET_ERROR, message)``."""
        page, err = self._fetch(code, next_key, num)
        if err is not None:
            return RET_ERROR, err[1]
        return RET_OK, page.records()

    def _pages(self, code, num, next_key=None):
        """Yields Pages from next_key to the last; raises ShortInterestError."""
        seen = set()
        while True:
            page, err = self._fetch(code, next_key, num)
            if err is not None:
                raise ShortInterestError(err[1], err[0], *err[2:])
            yield page
            if page.next_key == "-1":
                return
            if page.next_key in seen or page.next_key == "":
                raise ShortInterestError(
                    "next_key %r did not advance (code %s)" % (page.next_key, code),
                    _lib.SI_ERR_PROTOCOL)
            seen.add(page.next_key)
            next_key = page.next_key

    def iter_short_interest(self, code, num=50, next_key=None):
        """Iterates over the pages of a history, newest first, following
        next_key until "-1"; yields ``(us_df, hk_df)`` and raises
        ShortInterestError on a failure."""
        for page in self._pages(code, num, next_key):
            yield page.frames()

    def get_short_interest_all(self, code, num=50, max_pages=10000):
        """The whole history as one ``(RET_OK, us_df, hk_df)`` (fetched num rows
        a request; attrs["next_key"] is "-1"), or ``(RET_ERROR, message, None)``.
        Stopping after max_pages pages is never silent: it returns
        ``(RET_INCOMPLETE, us_df, hk_df)`` with the rows fetched and
        attrs["next_key"] where reading stopped.  The frames are what futu-api
        would show if one page held every row."""
        us, hk = [], []
        next_key = "-1"
        try:
            for page in self._pages(code, num):
                us.append(page.us)
                hk.append(page.hk)
                next_key = page.next_key
                if len(us) >= max_pages:
                    break
        except ShortInterestError as exc:
            return RET_ERROR, exc.message, None
        return (RET_OK if next_key == "-1" else RET_INCOMPLETE,
                Rows.concat(us, US_COLUMNS, US_FIELDS, US_ROW_DTYPE).frame(next_key),
                Rows.concat(hk, HK_COLUMNS, HK_FIELDS, HK_ROW_DTYPE).frame(next_key))

    def get_short_interest_many(self, codes, max_pages=10000, progress=None):
        """The whole histories of many codes, several at a time, within the
        rate limit: a dict from each code to what get_short_interest_all
        would return for it.  A code that fails fails alone.  progress, if
        given, is called as ``progress(codes_done, code_count, code, ret)`` once
        per finished code, on this thread."""
        if isinstance(codes, str) or not all(isinstance(code, str) for code in codes):
            raise ValueError("codes must be a list of str")
        client = self._client
        if client is None:
            return {code: (RET_ERROR, "the context is closed", None) for code in codes}
        lib = self._lib
        encoded = (ctypes.c_char_p * max(len(codes), 1))(*[c.encode("utf-8") for c in codes])

        def report(raw, _):
            if progress is not None:
                event = raw.contents
                ret = {_lib.SI_OK: RET_OK, _lib.SI_INCOMPLETE: RET_INCOMPLETE}.get(event.status, RET_ERROR)
                progress(event.codes_done, event.code_count, event.code.decode("utf-8", "replace"), ret)

        callback = _lib.PROGRESS_FN(report)
        histories = ctypes.POINTER(_lib.SIHistories)()
        status = lib.si_get_histories(client, encoded, len(codes), max_pages, callback, None,
                                      ctypes.byref(histories))
        if status != _lib.SI_OK:
            message = _lib.last_error(lib)[1]
            return {code: (RET_ERROR, message, None) for code in codes}
        try:
            out = {}
            for index in range(histories.contents.count):
                item = histories.contents.items[index]
                if not item.page:
                    out[codes[index]] = (RET_ERROR, item.message.decode("utf-8", "replace"), None)
                    continue
                page = Page.read(item.page, _lib.MARKET_NAMES)
                us_df, hk_df = page.frames()
                out[codes[index]] = (RET_OK if item.status == _lib.SI_OK else RET_INCOMPLETE, us_df, hk_df)
            return out
        finally:
            lib.si_histories_free(histories)
