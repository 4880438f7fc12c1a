"""The force's settings for a data folder (force-settings.toml): the idle lock, PINs, and the
review queue's dip sample."""

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from rcrp_desktop import files
from rcrp_desktop.domain.access.secrets import SecretRules
from rcrp_desktop.storage.errors import StorageError

FILE_NAME = "force-settings.toml"
# The lock cannot be turned off (0 is refused): an hour is the longest a desk may stay open
# with nobody at it.
IDLE_LOCK_MINUTES = (1, 60)
# A settings file is a few lines: a damaged one is never read in gigabytes.
_MAX_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class ForceSettings:
    """What the force has set; the defaults where the folder has no file."""

    idle_lock_minutes: int = 10
    pins_allowed: bool = False
    review_dip_percent: int = 5  # of the calls no rule puts in the review queue
    review_dip_seed: str = "rcrp"  # the same seed takes the same calls: a sample is reproducible
    figures_suppress_below: int = 5  # counts from 1 to this less one are shown as "<N"

    def secret_rules(self) -> SecretRules:
        return SecretRules(pins_allowed=self.pins_allowed)

    def changed(self, key: str, value: object) -> "ForceSettings":
        """A copy with `key` set to `value` (ValueError, saying why, where it cannot be)."""
        problem = fault(key, value)
        if problem:
            raise ValueError(f"{key} {problem}")
        return ForceSettings(**{**asdict(self), key: value})


KEYS = tuple(field.name for field in fields(ForceSettings))


class ForceSettingsError(StorageError):
    """The settings file cannot be used: `key` is the one at fault ("" if the whole file)."""

    def __init__(self, path: Path, key: str, reason: str) -> None:
        self.path = path
        self.key = key
        where = f"{key} in {path}" if key else str(path)
        super().__init__(
            f"The force settings cannot be used: {where} {reason}. Correct the file, or "
            "remove it to use the defaults."
        )


def fault(key: str, value: object) -> str:
    """Why `value` cannot be `key`'s value, "" when it can (the file and the CLI both ask)."""
    if key == "idle_lock_minutes":
        low, high = IDLE_LOCK_MINUTES
        # TOML's true is a Python bool, and so an int: it is not a number of minutes.
        if type(value) is not int or not low <= value <= high:
            return (
                f"must be a whole number of minutes from {low} to {high} (the lock cannot "
                f"be turned off), not {value!r}"
            )
        return ""
    if key == "pins_allowed":
        return "" if type(value) is bool else f"must be true or false, not {value!r}"
    if key == "review_dip_percent":
        if type(value) is not int or not 0 <= value <= 100:
            return f"must be a whole number from 0 to 100 (per cent), not {value!r}"
        return ""
    if key == "figures_suppress_below":
        if type(value) is not int or not 0 <= value <= 100:
            return f"must be a whole number from 0 to 100, not {value!r}"
        return ""
    if key == "review_dip_seed":
        if not (isinstance(value, str) and 0 < len(value) <= 100 and value.isprintable()):
            return f"must be a line of text (up to 100 characters), not {value!r}"
        return ""
    return f"is not a setting (the settings: {', '.join(KEYS)})"


def load_force_settings(folder: Path) -> ForceSettings:
    """The folder's settings, or the defaults where it has no file; a file that cannot be
    used is refused (ForceSettingsError), never half read."""
    path = folder / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return ForceSettings()
    try:
        if path.is_symlink() or not path.is_file():
            raise ForceSettingsError(path, "", "is not a regular file")
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise ForceSettingsError(path, "", "is far too large to be a settings file")
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise ForceSettingsError(path, "", f"cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError:
        raise ForceSettingsError(path, "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ForceSettingsError(path, "", f"is not valid TOML ({error})") from None
    for key, value in data.items():
        problem = fault(key, value)
        if problem:
            raise ForceSettingsError(path, key, problem)
    return ForceSettings(**data)


def save_force_settings(folder: Path, settings: ForceSettings) -> None:
    """Written whole or not at all, owner-only (rcrp_desktop/files.py)."""
    for key in KEYS:
        problem = fault(key, getattr(settings, key))
        if problem:
            raise ValueError(f"{key} {problem}")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomically(folder / FILE_NAME, settings_text(settings).encode("utf-8"))
    except OSError as error:
        raise StorageError(
            f"Cannot save the force settings in {folder}: {error.strerror or error}"
        ) from error


def settings_text(settings: ForceSettings) -> str:
    """The file as written: every key, each with what it means."""
    low, high = IDLE_LOCK_MINUTES
    pins = "true" if settings.pins_allowed else "false"
    return (
        "# The force's settings for this data folder; `rcrp-desktop settings set` changes\n"
        "# them (an administrator's action, written to the access log).\n\n"
        f"# Minutes with no key pressed and no mouse moved before the window locks ({low} to "
        f"{high}).\n"
        f"idle_lock_minutes = {settings.idle_lock_minutes}\n\n"
        "# Whether an account may have a PIN (6 digits or more) instead of a passphrase.\n"
        f"pins_allowed = {pins}\n\n"
        "# The review queue's dip sample: the share of the calls no rule puts in the queue that\n"
        "# are taken all the same (0 to 100 per cent), and its seed (the same seed takes the\n"
        "# same calls).\n"
        f"review_dip_percent = {settings.review_dip_percent}\n"
        f"review_dip_seed = {_toml_string(settings.review_dip_seed)}\n\n"
        "# In the monitoring figures and the partnership report, a count from 1 to this less\n"
        '# one is shown as "<N", as published statistics do (0: every count shown).\n'
        f"figures_suppress_below = {settings.figures_suppress_below}\n"
    )


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
