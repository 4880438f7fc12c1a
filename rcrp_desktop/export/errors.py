"""Why a handover could not be made, each with a message the handler can act on."""

from collections.abc import Sequence

from rcrp_desktop.export.text import Unprintable


class ExportError(Exception):
    """A handover was not exported; nothing was written and nothing recorded."""


class TemplateError(ExportError):
    """The recipient templates file is missing or malformed (the message names the file)."""


class RequestError(ExportError):
    """The request itself is wrong: an unknown recipient type, marking or destination."""


class UnknownRecipientError(RequestError):
    """No recipient type has that id."""


class UnprintableError(ExportError):
    """The record holds characters the PDF cannot print correctly: it fails closed."""

    def __init__(self, record_id: int, found: Sequence[Unprintable]) -> None:
        self.found = list(found)
        shown = "; ".join(str(item) for item in self.found[:8])
        more = f"; and {len(self.found) - 8} more" if len(self.found) > 8 else ""
        super().__init__(
            f"The handover PDF for record {record_id} was not made: it holds characters it "
            f"cannot print correctly. {shown}{more}. Nothing was written. The plain-text "
            "handover can carry them; or give those details by phone."
        )
