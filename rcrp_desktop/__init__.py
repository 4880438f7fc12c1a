"""rcrp-desktop: Right Care, Right Person decision support for police control rooms."""

__version__ = "0.1.0"
APP_NAME = "rcrp-desktop"
APP_TITLE = "RCRP Desktop"
ORG_NAME = "rcrp-desktop"
ORG_DOMAIN = "rcrp-desktop.invalid"
