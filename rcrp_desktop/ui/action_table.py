"""Every action of the window, declared once: its keys, its title, what F1 says, where it lives.

The window's shortcuts (window_actions.py), the buttons under the recommendation
(widgets/closure_panel.py), the trainer's keys (training/actions.py) and the F1 list
(shortcuts.py) are all built from this table, so a key never says one thing in one place and
another elsewhere. Keys with no action of their own (digits, Enter, Tab) are listed for F1.
"""

from dataclasses import dataclass
from typing import Literal

Group = Literal["keys", "window", "call", "training"]


@dataclass(frozen=True)
class Act:
    """One action: `name` is the window's slot (or the trainer's), `keys` its shortcuts."""

    name: str
    keys: tuple[str, ...]
    title: str  # on the button or in the action's text
    help: str  # the F1 line
    group: Group
    button: bool = False  # shown as a button under the recommendation
    # Writes to the record or the data folder: off in a read-only window (`--read-only`), and
    # refused by the application layer if sent all the same.
    writes: bool = False
    # What it does instead in a read-only window, writing nothing there (an export is made as
    # a copy, recorded nowhere): its title and F1 line there. Empty: off there, if it writes.
    read_only_title: str = ""
    read_only_help: str = ""

    @property
    def off_when_read_only(self) -> bool:
        return self.writes and not self.read_only_title

    @property
    def shown_keys(self) -> str:
        """The keys as F1 and the buttons show them (Ctrl+Return and Ctrl+Enter are one)."""
        shown = dict.fromkeys(k.replace("Return", "Enter") for k in self.keys)
        return " / ".join(shown)


ACTIONS: tuple[Act, ...] = (
    Act("new_call", ("Ctrl+N",), "New call", "Start a new call", "window", writes=True),
    Act(
        "find_calls",
        ("Ctrl+F",),
        "Find calls",
        "Find calls: search by incident, date, category, outcome; Enter opens one",
        "window",
    ),
    Act("", ("1 to 9",), "", "Pick an answer (on a checklist: tick or untick)", "keys"),
    Act("", ("Alt+1 to Alt+9",), "", "Pick an answer even while typing a rationale", "keys"),
    Act("", ("Enter",), "", "Save this answer and move on; in a form, save it", "keys"),
    Act("", ("Shift+Enter",), "", "New line in the rationale or a form's text box", "keys"),
    Act(
        "",
        ("Letters",),
        "",
        "Typed on the answers, start the rationale (space never picks an answer)",
        "keys",
    ),
    Act("", ("Escape",), "", "Cancel a form; leave Find for the call", "keys"),
    Act(
        "go_back",
        ("Alt+Left", "Alt+B"),
        "Back",
        "Back to the previous question (to review or change it); from an urgent "
        "recommendation, on to the questions still owed",
        "window",
    ),
    Act(
        "go_forward",
        ("Alt+Right",),
        "Forward",
        "Forward again without changing anything; past the question the call is at, its "
        "recommendation",
        "window",
    ),
    Act("", ("Tab / Shift+Tab",), "", "Move between answers, rationale and buttons", "keys"),
    Act(
        "accept_recommendation",
        ("Ctrl+Return", "Ctrl+Enter"),
        "Accept recommendation",
        "Accept the recommendation (at once, on an urgent answer)",
        "call",
        button=True,
        writes=True,
    ),
    Act(
        "disagree",
        ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
        "Disagree…",
        "Disagree with it (asks your decision and why)",
        "call",
        button=True,
        writes=True,
    ),
    Act(
        "record_handover",
        ("Ctrl+H",),
        "Handover…",
        "Record the handover",
        "call",
        button=True,
        writes=True,
    ),
    Act(
        "record_caller_informed",
        ("Ctrl+T",),
        "Caller told…",
        "Record what the caller was told",
        "call",
        button=True,
        writes=True,
    ),
    Act(
        "record_referrer_informed",
        ("Ctrl+R",),
        "Referrer told…",
        "Record that the referring agency was told",
        "call",
        button=True,
        writes=True,
    ),
    Act(
        "record_deployment",
        ("Ctrl+D",),
        "Deployment…",
        "Record a deployment (at any time, urgent calls first)",
        "call",
        button=True,
        writes=True,
    ),
    Act(
        "record_supervisor",
        ("Ctrl+U",),
        "Supervisor review…",
        "Record the supervisor's review",
        "call",
        button=True,
        writes=True,
    ),
    Act(
        "copy_summary",
        ("Ctrl+L",),
        "Copy log summary",
        "Copy the log summary for the incident log",
        "call",
        button=True,
    ),
    Act(
        "export_handover",
        ("Ctrl+E",),
        "Export handover…",
        "Export the handover for a partner: PDF (saved and opened) or plain text",
        "call",
        button=True,
        writes=True,
        read_only_title="Export a read-only copy…",
        read_only_help="Export a read-only copy of the handover (PDF or plain text): every "
        "page says it is a copy, and nothing is recorded",
    ),
    Act(
        "close_call",
        ("Ctrl+Shift+C",),
        "Close call",
        "Close the call (only when everything needed is recorded)",
        "call",
        button=True,
        writes=True,
    ),
    Act(
        "owed_rationale",
        ("Ctrl+O",),
        "Owed rationale",
        "Jump to an answer whose rationale is still owed; once written, back where you were",
        "window",
    ),
    Act("quit", ("Ctrl+Q",), "Quit", "Quit (asks first if anything is not saved)", "window"),
    Act(
        "toggle_theme",
        ("Ctrl+Shift+V",),
        "Light or dimmed",
        "Switch between the light and the dimmed control-room look (kept for next time)",
        "window",
    ),
    Act(
        "retry_saving",
        ("Ctrl+S",),
        "Retry saving",
        "Retry saving what could not be saved",
        "window",
        writes=True,
    ),
    Act(
        "reassess_overdue",
        ("Ctrl+Shift+R",),
        "Re-assess",
        "Re-assess a call whose partner has not confirmed (a linked record)",
        "window",
        writes=True,
    ),
    Act(
        "confirm_overdue",
        ("Ctrl+Shift+P",),
        "Partner confirmed",
        "Record that the partner confirmed",
        "window",
        writes=True,
    ),
    Act(
        "edit_partner_directory",
        ("Ctrl+Shift+D",),
        "Partner directory",
        "Edit the force's partner directory",
        "window",
        writes=True,
    ),
    Act(
        "review_queue",
        ("Ctrl+Shift+Q",),
        "Review queue…",
        "Supervisors: the calls awaiting review, oldest first, and why; Enter reviews one",
        "window",
        writes=True,
    ),
    Act(
        "monitoring_figures",
        ("Ctrl+Shift+G",),
        "Monitoring figures…",
        "The monitoring figures for a period, each with how it is counted; CSV and the "
        "partnership report from there (auditors and administrators)",
        "window",
    ),
    Act(
        "own_feedback",
        ("Ctrl+Shift+Y",),
        "Your feedback…",
        "The supervisors' reviews of the calls you took (yours only)",
        "window",
    ),
    Act(
        "bundle_for_force",
        ("Ctrl+Shift+X",),
        "Bundle for the force…",
        "Write the records not yet sent to the force's central store as a signed, sealed "
        "bundle file (a supervisor's or administrator's action)",
        "window",
        writes=True,
    ),
    Act(
        "take_over_call",
        ("Ctrl+Shift+O",),
        "Take over call…",
        "Supervisors: take over the call on screen from the handler who holds it (asks why)",
        "window",
        writes=True,
    ),
    Act(
        "change_handler",
        ("Ctrl+Shift+I",),
        "Change handler",
        "Change the handler at this desk (shift change)",
        "window",
        writes=True,
    ),
    Act(
        "lock_now",
        # Ctrl+L copies the log summary and Ctrl+Shift+L opens the trainees' runs: K, for locK.
        ("Ctrl+Shift+K",),
        "Lock the desk",
        "Lock the desk now: every window's content hidden until you, or the next person, "
        "sign in (it also locks by itself when nobody has used it for a while)",
        "window",
    ),
    Act(
        "start_scenario",
        ("Ctrl+Shift+N",),
        "Start a training scenario",
        "Training: start a scenario (choose it and the trainee; --training only)",
        "training",
        writes=True,
    ),
    Act(
        "time_passes",
        ("Ctrl+Shift+T",),
        "Let scenario time pass",
        "Training: let time pass, to the next timed event (else the minutes set)",
        "training",
        writes=True,
    ),
    Act(
        "minutes",
        ("Ctrl+Shift+M",),
        "Minutes of scenario time to pass",
        "Training: set how many minutes pass",
        "training",
    ),
    Act(
        "debrief",
        ("Ctrl+Shift+B",),
        "End the run and debrief",
        "Training: end the run and show its debrief (Ctrl+S there saves the PDF)",
        "training",
    ),
    Act(
        "trainer_view",
        ("Ctrl+Shift+L",),
        "Trainees' runs",
        "Training: trainees' runs (Enter: debrief; Ctrl+E: export CSV)",
        "training",
    ),
    Act("show_help", ("F1",), "Keyboard shortcuts", "This list", "window"),
)


def of(group: Group) -> tuple[Act, ...]:
    return tuple(a for a in ACTIONS if a.group == group)


def writing() -> frozenset[str]:
    """The names of the actions that write (in a read-only window, off or made to write
    nothing: `off_in_read_only`)."""
    return frozenset(a.name for a in ACTIONS if a.writes)


def off_in_read_only() -> frozenset[str]:
    """The names of the actions that are off in a read-only window."""
    return frozenset(a.name for a in ACTIONS if a.off_when_read_only)


def title_in(act: Act, read_only: bool) -> str:
    """The action's title, as a read-only window shows it where that differs."""
    return act.read_only_title if read_only and act.read_only_title else act.title


def buttons() -> tuple[Act, ...]:
    """The buttons under the recommendation, in the table's order."""
    return tuple(a for a in ACTIONS if a.button)


def button_text(act: Act, read_only: bool = False) -> str:
    return f"{title_in(act, read_only)} ({act.shown_keys})"
