"""`python -m esent ...`: the esent command line (see esent.cli)."""

from esent.cli import main

raise SystemExit(main())
