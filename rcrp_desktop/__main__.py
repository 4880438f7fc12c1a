"""Run the application with `python -m rcrp_desktop`."""

from rcrp_desktop.cli import main

raise SystemExit(main())
