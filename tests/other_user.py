"""Run the command line as a normal user, for tests where file modes matter.

Root reads and writes whatever the modes say, so a test run as root (as CI is) proves nothing
about them. Run as root, the command is started as user `nobody` (group `nogroup`, no other
groups) through `setpriv` (util-linux); run as a normal user already, it is started directly.
`problem()` says why neither can be done here (then the tests skip with that reason): no
setpriv, no such user, or a Python that user cannot reach (the environment is never changed
to make it reachable).
"""

import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest

import rcrp_desktop

USER, GROUP = "nobody", "nogroup"
REPO = Path(__file__).resolve().parents[1]


def as_root() -> bool:
    return os.name == "posix" and os.geteuid() == 0


def ids(who: str) -> tuple[int, int]:
    """The uid and gid of "user" (the one the commands run as) or "administrator" (root).
    Run as a normal user, both are that user: nobody else's files can be made."""
    if not as_root():
        return os.geteuid(), os.getegid()
    if who == "administrator":
        return 0, 0
    return pwd.getpwnam(USER).pw_uid, grp.getgrnam(GROUP).gr_gid


def give(path: Path, who: str) -> None:
    """Make `path` (and all under it) belong to `who`; links themselves, never their targets."""
    if not as_root():
        return
    uid, gid = ids(who)
    os.lchown(path, uid, gid)
    if path.is_dir() and not path.is_symlink():
        for folder, names, files in os.walk(path):
            for name in names + files:
                os.lchown(os.path.join(folder, name), uid, gid)


def _closed_to_others(path: Path) -> str:
    """The first folder on the way to `path` (or `path` itself) that other users cannot pass
    or read, with its mode; "" when every step is open to them."""
    steps = [*reversed(path.parents), path]
    for step in steps:
        try:
            mode = stat.S_IMODE(step.stat().st_mode)
        except OSError as error:
            return f"{step} ({error.strerror})"
        need = 0o001 if step != path else (0o005 if step.is_dir() else 0o004)
        if mode & need != need:
            return f"{step} (mode {mode:04o})"
    return ""


def _needed_paths() -> list[Path]:
    """What the interpreter, its standard library and this project are read from."""
    executable = Path(sys.executable)
    return [
        executable,
        executable.resolve(),
        Path(sysconfig.get_paths()["stdlib"]),
        Path(sysconfig.get_paths()["purelib"]),
        Path(rcrp_desktop.__file__).resolve().parent,
        REPO / "forms",
    ]


@cache
def problem() -> str:
    """Why the command line cannot be run as a normal user here, or "" when it can."""
    if os.name != "posix":
        return "file modes and other users are POSIX only"
    if not as_root():
        return ""  # a normal user already: commands run as this user
    if shutil.which("setpriv") is None:
        return "running as root, and setpriv (util-linux) is not installed to drop to `nobody`"
    try:
        pwd.getpwnam(USER)
        grp.getgrnam(GROUP)
    except KeyError:
        return f"there is no user {USER} or no group {GROUP} to run the commands as"
    for needed in _needed_paths():
        closed = _closed_to_others(needed)
        if closed:
            return (
                f"user {USER} cannot reach {needed}: {closed} is closed to other users (the "
                "environment is left as it is; run the tests with a Python others can reach)"
            )
    probe = "import os, sys, rcrp_desktop; print(os.geteuid(), sys.base_prefix, sys.version)"
    done = run([sys.executable, "-c", probe], cwd=Path("/"))
    expected = f"{ids('user')[0]} {sys.base_prefix} {sys.version}"
    if done.returncode != 0 or done.stdout.strip() != expected:
        return (
            f"this Python does not run as {USER} as it runs here: "
            f"{(done.stdout + done.stderr).strip()[-300:]}"
        )
    return ""


def run(
    command: list[str], *, cwd: Path, umask: int = 0o022, timeout: float = 60
) -> "subprocess.CompletedProcess[str]":
    """`command` run as the normal user, with a bare environment (no data folder from it)."""
    if as_root():
        setpriv = shutil.which("setpriv") or "setpriv"
        command = [setpriv, f"--reuid={USER}", f"--regid={GROUP}", "--clear-groups", *command]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        umask=umask,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def cli(*args: str, cwd: Path, umask: int = 0o022) -> "subprocess.CompletedProcess[str]":
    """`rcrp-desktop ARGS` run as the normal user."""
    return run([sys.executable, "-m", "rcrp_desktop", *args], cwd=cwd, umask=umask)


@contextmanager
def reachable_folder(prefix: str) -> Iterator[Path]:
    """A folder the normal user can reach (tmp_path's parents are root's own): under /tmp,
    0755, removed afterwards whatever modes a test left inside it. Skips the test, with the
    reason, where no command can be run as a normal user here."""
    why = problem()
    if why:
        pytest.skip(why)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for parent, names, _ in os.walk(folder):
            for name in names:  # folders a test made unwritable, so they can be removed
                Path(parent, name).chmod(0o700)
        shutil.rmtree(folder)
