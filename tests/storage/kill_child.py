"""Runs the real command line in fresh processes and kills them on request: for the file kill test.

    python -u -m tests.storage.kill_child

It loads the modules the commands use once, then reads one JSON request a line on standard
input: {"args": [...], "output": PATH, "kill_ms": MS or null, "kill_after": N or null}. For
each it forks a new process that runs `rcrp_desktop.cli.main(args)`, exactly as
`python -m rcrp_desktop ARGS` does once Python has started (its output goes to PATH), and:

- with "kill_ms", sends it SIGKILL that many milliseconds after it started (if it is still
  running: a finished command is not killed);
- with "kill_after" N, the new process kills itself (SIGKILL) straight after the N-th change it
  makes to the file system through `os`: a file created, linked, renamed, replaced or removed.
  So every state between two such steps can be reached on purpose, not only by chance.

Then it answers one JSON line: {"killed": bool, "code": exit code or null, "ms": how long the
process ran, "steps": if it finished, the moment of each file system change it made, in
milliseconds since it started}. Forking from one
loaded process keeps each run to the command's own time: Python's start-up, which touches no
file, is paid once, not once a kill.
"""

import functools
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

STEPS = ("rename", "replace", "link", "unlink", "open")
POLL_S = 0.001


def count_steps(kill_after: int | None, started: float) -> list[float]:
    """Wrap `os`'s file system changes to count them (and kill after the N-th): the moment of
    each, in milliseconds since the process started."""
    moments: list[float] = []

    def wrap(name: str) -> None:
        real: Callable[..., Any] = getattr(os, name)

        @functools.wraps(real)
        def step(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)  # a step that failed changed nothing: not counted
            if name != "open" or _creates(args, kwargs):
                moments.append(round((time.perf_counter() - started) * 1000, 1))
                if len(moments) == kill_after:
                    os.kill(os.getpid(), signal.SIGKILL)
            return result

        setattr(os, name, step)

    for name in STEPS:
        wrap(name)
    return moments


def _creates(args: Sequence[Any], kwargs: dict[str, Any]) -> bool:
    flags = args[1] if len(args) > 1 else kwargs.get("flags", 0)
    return bool(int(flags) & os.O_CREAT)


def run_command(
    args: list[str], output: str, kill_after: int | None, steps_file: str, started: float
) -> None:
    """In the new process: the command line, its output to `output`; never returns."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        from rcrp_desktop.cli import main

        steps = count_steps(kill_after, started)
        code = main(args)
        sys.stdout.flush()
        sys.stderr.flush()
        Path(steps_file).write_text(json.dumps(steps))
    except BaseException as error:  # report it in the output, as Python would
        import traceback

        traceback.print_exception(error)
        sys.stderr.flush()
    os._exit(code)


def serve() -> None:
    # What the commands load on their way, loaded once, before any request.
    import pypdf  # noqa: F401

    import rcrp_desktop.calls.exports
    import rcrp_desktop.cli.records
    import rcrp_desktop.export.pdf
    import rcrp_desktop.storage.restore
    import rcrp_desktop.storage.verify  # noqa: F401
    from rcrp_desktop.cli import build_parser

    build_parser()
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        steps_file = request["output"] + ".steps"
        Path(steps_file).unlink(missing_ok=True)
        sys.stdout.flush()
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            run_command(
                request["args"], request["output"], request["kill_after"], steps_file, started
            )
        print(json.dumps(_wait(pid, started, request["kill_ms"], steps_file)), flush=True)


def _wait(pid: int, started: float, kill_ms: float | None, steps_file: str) -> dict[str, Any]:
    """Kill the process at its moment (unless it has finished), reap it, say how it ended."""
    status, ran = 0, 0.0
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        ran = (time.perf_counter() - started) * 1000
        if done:
            break
        if kill_ms is not None and ran >= kill_ms:
            os.kill(pid, signal.SIGKILL)  # not yet reaped, so the id is still this process's
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(POLL_S)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    steps = Path(steps_file)
    return {
        "killed": killed,
        "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "ms": round(ran, 1),
        "steps": json.loads(steps.read_text()) if steps.exists() and not killed else None,
    }


if __name__ == "__main__":
    serve()
