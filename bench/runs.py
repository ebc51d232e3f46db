"""What the benchmark drivers share: running a bench program that prints one
line of key=value pairs, and summarising runs (median, min, max)."""

import argparse
import os
import platform
import statistics
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_BIN = REPO / "build" / "bench"


def require_programs(*names):
    """The paths of build/bench programs; exits with how to build them when one is missing."""
    paths = [BENCH_BIN / name for name in names]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SystemExit("missing %s: run `make bench` first" % ", ".join(missing))
    return paths


def run_program(args, env=None):
    """Runs a bench program (in `env`, else this process's environment) and
    returns its key=value output line as a dict of floats."""
    out = subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, env=env).stdout
    line = out.strip().splitlines()[-1]
    return {key: float(value) for key, value in (pair.split("=", 1) for pair in line.split())}


def add_pin_option(parser):
    """--pin C,G: the clients on CPU C, every thread of the gateway on CPU G."""
    def two_cpus(text):
        try:
            clients, gateway = (int(cpu) for cpu in text.split(","))
        except ValueError:
            raise argparse.ArgumentTypeError("takes two CPU numbers, as in 0,1") from None
        return clients, gateway
    parser.add_argument("--pin", metavar="C,G", type=two_cpus, help="the clients on CPU C, the gateway on CPU G")


def measure(client, programs, host, port, code, num, calls, threads, pin=None, busy_poll=0, env=None):
    """One run of a loopback client on --pin's client CPU: "floor", or
    api_calls' "struct" or "json" path. programs: the floor's and
    api_calls' paths (require_programs("floor", "api_calls"))."""
    floor, api_calls = programs
    target = [host, port, code, num, calls, threads]
    command = [floor, *target, busy_poll] if client == "floor" else [api_calls, *target, client, busy_poll]
    return run_program(on_client_cpu(command, pin), env=env)


def on_client_cpu(command, pin):
    """The command run on --pin's client CPU (as it is without --pin)."""
    return ["taskset", "-c", str(pin[0]), *command] if pin else command


def pin_process(pid, cpu):
    """Puts every thread of process pid on one CPU (threads it starts later inherit it)."""
    for thread in os.listdir("/proc/%d/task" % pid):
        os.sched_setaffinity(int(thread), {cpu})


def summary(values):
    """(median, min, max) of a list of numbers."""
    return statistics.median(values), min(values), max(values)


def machine():
    """One line naming the machine, for the tables' captions."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return "%s, %d CPUs, %s %s" % (model, os.cpu_count(), platform.system(), platform.release())
