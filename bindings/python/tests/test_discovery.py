"""Where the library is found: SHORTINTEREST_LIB, then a copy in the package,
then build/lib of the repository.  Each case runs in a fresh interpreter on a
copy of the package, so the installed one and this process are untouched."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LIB

# The version the C header declares, which the library loaded must report.
HEADER_VERSION = re.search(r'#define SI_VERSION_STRING "([^"]+)"',
                           (Path(__file__).resolve().parents[3] / "include" / "shortinterest.h").read_text()).group(1)

PKG = Path(__file__).resolve().parents[1] / "shortinterest"

PROBE = r"""
import json, sys
import shortinterest
out = {"file": shortinterest.__file__}
try:
    out["path"] = shortinterest.load_library()
    out["version"] = shortinterest.library_version()
except ImportError as exc:
    out["error"] = "%s: %s" % (type(exc).__name__, exc)
    out["is_import_error"] = True
try:
    shortinterest.OpenQuoteContext().close()
    out["context"] = "ok"
except ImportError as exc:
    out["context"] = "ImportError"
print(json.dumps(out))
"""


def copy_package(dest):
    shutil.copytree(PKG, dest / "shortinterest",
                    ignore=shutil.ignore_patterns("__pycache__", "libshortinterest.so*"))
    return dest


def probe(pythonpath, env_lib=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("SHORTINTEREST_LIB", "PYTHONPATH")}
    env["PYTHONPATH"] = str(pythonpath)
    if env_lib is not None:
        env["SHORTINTEREST_LIB"] = str(env_lib)
    res = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=cwd or pythonpath,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["file"].startswith(str(pythonpath)), out     # the copy was imported
    return out


@pytest.fixture
def real_lib():
    assert LIB.exists(), "missing %s: run `make lib`" % LIB
    return LIB.resolve()


def test_env_variable_wins(tmp_path, real_lib):
    root = copy_package(tmp_path / "site")
    shutil.copy(real_lib, root / "shortinterest" / "libshortinterest.so")
    chosen = tmp_path / "elsewhere" / "libshortinterest.so.custom"
    chosen.parent.mkdir()
    shutil.copy(real_lib, chosen)
    out = probe(root, env_lib=chosen)
    assert out["path"] == str(chosen) and out["version"] == HEADER_VERSION
    assert out["context"] == "ok"


def test_package_copy_before_repository(tmp_path, real_lib):
    repo = tmp_path / "repo"
    (repo / "build" / "lib").mkdir(parents=True)
    shutil.copy(real_lib, repo / "build" / "lib" / "libshortinterest.so")
    root = copy_package(repo / "bindings" / "python")
    shutil.copy(real_lib, root / "shortinterest" / "libshortinterest.so.1")
    out = probe(root)
    assert out["path"] == str(root / "shortinterest" / "libshortinterest.so.1")


def test_repository_build_found_by_walking_up(tmp_path, real_lib):
    repo = tmp_path / "repo"
    (repo / "build" / "lib").mkdir(parents=True)
    shutil.copy(real_lib, repo / "build" / "lib" / "libshortinterest.so")
    root = copy_package(repo / "bindings" / "python")
    out = probe(root)
    assert out["path"] == str(repo / "build" / "lib" / "libshortinterest.so")
    assert out["context"] == "ok"


def test_nothing_found(tmp_path):
    root = copy_package(tmp_path / "lonely")
    out = probe(root)
    assert out.get("is_import_error"), out
    assert "SHORTINTEREST_LIB" in out["error"] and "not found" in out["error"]
    assert out["context"] == "ImportError"


def test_env_variable_bad_path(tmp_path, real_lib):
    root = copy_package(tmp_path / "site")
    shutil.copy(real_lib, root / "shortinterest" / "libshortinterest.so")   # not a fallback
    missing = tmp_path / "no" / "such" / "libshortinterest.so"
    out = probe(root, env_lib=missing)
    assert out.get("is_import_error"), out
    assert "SHORTINTEREST_LIB" in out["error"] and str(missing) in out["error"]
    assert out["context"] == "ImportError"


def test_env_variable_not_a_library(tmp_path):
    root = copy_package(tmp_path / "site")
    bogus = tmp_path / "bogus.so"
    bogus.write_text("not an ELF file\n")
    out = probe(root, env_lib=bogus)
    assert out.get("is_import_error"), out
    assert "cannot load" in out["error"] and str(bogus) in out["error"]


def test_import_without_pandas(tmp_path, server):
    """The records form works with pandas unavailable; DataFrames say why not."""
    code = r"""
import sys
sys.modules["pandas"] = None          # import pandas -> ImportError
import shortinterest
ctx = shortinterest.OpenQuoteContext(port=%d, rate_limit=None)
ret, rec = ctx.get_short_interest_records("HK.00700", num=2)
assert ret == 0 and len(rec["hk"]) == 2, rec
try:
    ctx.get_short_interest("HK.00700")
except ImportError as exc:
    assert "pandas" in str(exc)
else:
    raise AssertionError("expected ImportError")
ctx.close()
assert "pandas" not in [m for m in sys.modules if sys.modules[m] is not None]
print("ok")
""" % server.port
    env = dict(os.environ, SHORTINTEREST_LIB=str(LIB))
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr


def test_every_stated_version_is_the_headers():
    """The version is written beside the header in the package, its
    pyproject.toml and the Makefile (the library's own is checked against the
    header above and by abi_checks): a release bumps them together."""
    import tomllib

    import shortinterest

    root = Path(__file__).resolve().parents[3]
    pyproject = tomllib.loads((root / "bindings" / "python" / "pyproject.toml").read_text())
    makefile = re.search(r"^VERSION := (\S+)$", (root / "Makefile").read_text(), re.MULTILINE).group(1)
    assert {"package": shortinterest.__version__, "pyproject.toml": pyproject["project"]["version"],
            "Makefile": makefile} == dict.fromkeys(("package", "pyproject.toml", "Makefile"), HEADER_VERSION)
